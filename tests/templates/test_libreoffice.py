"""Proof in a real spreadsheet engine: headless LibreOffice computes the templates' own checks.

The verdict column holds the same predicates as the conditional formats, so converting a filled template
to CSV shows what a clerk with no add-in sees. The verdicts are compared with the Python rules on IDs
chosen at random. A second conversion back to .xlsx shows the file opens and survives a save by another
program: very-hidden sheets, protection, dropdowns and metadata intact, rows read back the same.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from validators.fields import OTHER_COUNT_KEYS, SHEETS
from validators.identity import is_thai_id, with_check_digit
from workbook_templates import check_file, read_workbook
from workbook_templates.build import OK_WORD
from workbook_templates.meta import LISTS_SHEET, META_SHEET, PREVIOUS_SHEET

pytestmark = pytest.mark.libreoffice

ROSTER = SHEETS["school"]["roster"]
REMOVED = SHEETS["school"]["removed"]
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
G_CODE = re.compile(r"G[0-9]{12}")


def _random_ids(rng: random.Random, n: int) -> list[str]:
    """Half valid Thai IDs (leading 0 included), a quarter with a wrong check digit, the rest odd shapes."""
    out = []
    for i in range(n):
        first12 = str(rng.randint(0, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
        good = with_check_digit(first12)
        kind = i % 8
        if kind < 4:
            out.append(good)
        elif kind < 6:
            out.append(good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10))
        elif kind == 6:
            out.append(rng.choice(["G6442" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
                                   "G64420000000X", good[:-1], good + "1", good[:6] + " " + good[7:]]))  # fmt: skip
        else:
            out.append(good[:3] + "-" + good[4:])
    return out


def _expected(rows: list[dict[str, Any]]) -> list[str]:
    """What the verdict column must say, computed with the Python rules."""
    ids = [str(r.get("citizen_id") or "") for r in rows]
    out = []
    for r, cid in zip(rows, ids, strict=True):
        if not cid:
            out.append("กรอกไม่ครบ")
        elif not (is_thai_id(cid) or G_CODE.fullmatch(cid)):
            out.append("เลขประจำตัวผิด")
        elif ids.count(cid) > 1:
            out.append("เลขซ้ำ")
        elif not all(str(r.get(k) or "").strip() for k in ("prefix", "first_name", "last_name", "sex",
                                                            "birth_date", "grade", "nationality")):  # fmt: skip
            out.append("กรอกไม่ครบ")
        else:
            out.append(OK_WORD)
    return out


@pytest.fixture(scope="module")
def lo(tmp_path_factory: Any, kit: Any) -> dict[str, Any]:
    """A filled school template and a filled counts template, converted by LibreOffice to CSV and xlsx."""
    work = tmp_path_factory.mktemp("lo")
    rng = random.Random(20241110)
    ids = _random_ids(rng, 48)
    rows: list[dict[str, Any]] = [kit.pupil(citizen_id=cid, first_name=f"คน{i}") for i, cid in enumerate(ids)]
    rows += [
        kit.pupil(citizen_id=kit.ID_A),  # duplicate pair (text and ...
        kit.pupil(citizen_id=int(kit.ID_A)),  # ... the same ID stored as a number)
        kit.pupil(citizen_id=kit.ID_B, last_name=""),  # a required cell blank
        kit.pupil(citizen_id=kit.ID_ZERO, grade=None),  # leading zero valid; grade missing
        kit.pupil(citizen_id=None),  # no ID at all
    ]
    removals = [
        {"citizen_id": kit.ID_B, "first_name": "ก", "last_name": "ข", "removed_on": "01/07/2567",
         "reason": "ย้ายสถานศึกษา"},  # still on the roster
        {"citizen_id": with_check_digit("356010010001"), "first_name": "ก", "last_name": "ข",
         "removed_on": "01/07/2567", "reason": "จบการศึกษา"},
    ]  # fmt: skip
    school = kit.make("school", work / "school.xlsx", capacity=80, rows=rows, removals=removals,
                      previous_rows=[kit.pupil()])  # fmt: skip
    good = {"other_school_code": "1056100001", "other_school_name": "โรงเรียนบ้านดอน", "closed": "ไม่ใช่",
            **{k: 2 for k in OTHER_COUNT_KEYS}}  # fmt: skip
    counts = [good, {**good, "p1_m": -1}, {**good, "p2_f": None}, {**good, "k1_m": 1.5},
              {**good, "other_school_name": None}, {**good, "m3_f": 0}]  # fmt: skip
    other = kit.make("other", work / "other.xlsx", capacity=10, rows=counts)
    profile = work / "profile"
    for src in (school, other):
        kit.soffice_convert(src, CSV_ALL_SHEETS, work / "csv", profile)
        kit.soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", work / "xlsx", profile)
    for fmt in ("ods", "xls"):  # a clerk's "Save as" in another format
        kit.soffice_convert(school, fmt, work / fmt, profile)
    return {"rows": rows, "counts": counts, "school": school, "other": other, "work": work}


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _verdicts(csv_rows: list[list[str]], n: int) -> list[str]:
    return [r[-1] for r in csv_rows[4 : 4 + n]]


def test_libreoffice_verdicts_match_python(lo: dict[str, Any]) -> None:
    data = _read_csv(lo["work"] / "csv" / f"school-{ROSTER}.csv")
    assert data[2][0] == "citizen_id"  # the key row is there (hidden) above the header
    got = _verdicts(data, len(lo["rows"]))
    want = _expected(lo["rows"])
    assert got == want
    assert {"ถูกต้อง", "เลขประจำตัวผิด", "เลขซ้ำ", "กรอกไม่ครบ"} <= set(got)  # every kind exercised
    tail = [r[-1] for r in data[4 + len(lo["rows"]) :]]
    assert set(tail) <= {""}  # empty prepared rows say nothing


def test_libreoffice_removed_register_checks(lo: dict[str, Any]) -> None:
    data = _read_csv(lo["work"] / "csv" / f"school-{REMOVED}.csv")
    assert _verdicts(data, 2) == ["ยังอยู่ในทะเบียน", OK_WORD]


def test_libreoffice_count_checks(lo: dict[str, Any]) -> None:
    data = _read_csv(lo["work"] / "csv" / f"other-{SHEETS['other']['counts']}.csv")
    assert _verdicts(data, len(lo["counts"])) == [
        OK_WORD, "จำนวนไม่ถูกต้อง", "จำนวนว่าง (ใส่ 0)", "จำนวนไม่ถูกต้อง", "ไม่มีรหัส/ชื่อ", OK_WORD]  # fmt: skip


def test_hidden_sheets_never_exported_as_visible(lo: dict[str, Any]) -> None:
    """LibreOffice sees the very-hidden sheets (CSV export lists every sheet) and keeps their content."""
    meta = _read_csv(lo["work"] / "csv" / f"school-{META_SHEET}.csv")
    assert ["form", "school"] in [r[:2] for r in meta]


def test_round_trip_through_libreoffice_keeps_the_contract(lo: dict[str, Any], kit: Any) -> None:
    for name, form in (("school", "school"), ("other", "other")):
        saved = lo["work"] / "xlsx" / f"{name}.xlsx"
        wb = openpyxl.load_workbook(saved)
        hidden = [META_SHEET, LISTS_SHEET] + ([PREVIOUS_SHEET] if form == "school" else [])
        visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
        assert not set(hidden) & set(visible)
        for sheet in hidden:
            # LibreOffice has no "very hidden" state: it saves them hidden. Still out of sight, and an
            # edit after unhiding them is caught by the metadata digest (test_strict.py).
            assert wb[sheet].sheet_state in ("veryHidden", "hidden"), sheet
        for sheet in SHEETS[form].values():
            ws = wb[sheet]
            assert ws.protection.sheet, f"{sheet} lost its protection"
            assert ws.row_dimensions[3].hidden
            assert any(dv.type == "list" for dv in ws.data_validations.dataValidation)
            assert ws.conditional_formatting, f"{sheet} lost its conditional formats"
        assert "list_prefix" in wb.defined_names
        original = read_workbook(lo[name])
        again = read_workbook(saved)
        assert again.meta == original.meta  # metadata and its digest survive another program's save
        for role in SHEETS[form]:
            assert [r for r, _ in again.sheets[role].rows] == [r for r, _ in original.sheets[role].rows]
        report_a, report_b = check_file(lo[name]), check_file(saved)
        assert [(e["cell"], e["code"]) for e in report_a.errors] == [(e["cell"], e["code"]) for e in report_b.errors]
        assert report_a.records == report_b.records


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_saved_as_ods_or_xls_is_refused_with_how_to_fix(lo: dict[str, Any], fmt: str) -> None:
    """LibreOffice's own format and Excel 97-2003: python-calamine would read both, but with none of the guards
    against a far cell's dense load (an .ods row repeated a million times, 16,384 columns wide, aborts it), so
    the reader refuses them by their content and tells the clerk how to save as .xlsx."""
    report = check_file(lo["work"] / fmt / f"school.{fmt}")
    assert [e["code"] for e in report.errors] == ["WORKBOOK_OTHER_FORMAT"]
    assert ".xlsx" in report.errors[0]["message"] and "บันทึกเป็น" in report.errors[0]["message"]
    assert check_file(lo["school"]).meta is not None  # the .xlsx it was saved from reads


def test_blank_template_prints_on_a_few_pages(tmp_path: Path, kit: Any) -> None:
    """The 6,000 prepared rows carry verdict formulas; the print area keeps them from printing 130+
    blank pages. A4 landscape, header row repeated (checked in test_build.py)."""
    src = kit.make("school", tmp_path / "blank.xlsx", capacity=6000)
    kit.soffice_convert(src, "pdf", tmp_path / "pdf", tmp_path / "profile")
    pdf = (tmp_path / "pdf" / "blank.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 3 <= pages <= 6  # instructions, roster header, register header (and little else)
