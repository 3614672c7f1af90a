"""The academic workbooks: built, filled as a teacher fills them (typed input cells only, openpyxl),
recomputed by real headless LibreOffice, read back with python-calamine and judged.

The Excel-computed total and grade of every pupil are compared with the Python rule on seeded random
scores; the layout conventions (very-hidden metadata, hidden key row, only input cells unlocked,
protection, dropdowns) are checked with openpyxl as an independent reader; hostile and tampered files
are refused with the roster reader's codes.
"""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from validators.academic import Pupil, ResultSubject, grade_for, scale, total_of
from validators.academic.common import decimal_text
from validators.academic.results import _grade_text
from validators.identity import with_check_digit
from workbook_templates import build_template
from workbook_templates import read as roster_read
from workbook_templates.academic_build import build_assessments, build_curriculum, build_results
from workbook_templates.academic_meta import CLASS_SHEET
from workbook_templates.academic_read import (
    check_academic_file,
    check_any_file,
    check_records_file,
    read_academic_workbook,
)
from workbook_templates.meta import LISTS_SHEET, META_SHEET

SCHOOL = "3056200001"
SUBJECTS = [
    ResultSubject("ท21101", "ภาษาไทย", "basic", D("1.5"), None, D(70), D(30)),
    ResultSubject("ค21201", "คณิตศาสตร์เพิ่มเติม", "additional", D(1), None, D(60), D(40)),
]
PUPILS = [Pupil(with_check_digit(f"1{i:011d}"), f"นักเรียน{i}", f"สกุล{i}") for i in range(1, 31)]
INPUT_KEYS = ("attendance_pct", "score_term", "score_final", "mark")


def results(path: Path, pupils: list[Pupil] = PUPILS) -> Path:
    build_results(
        unit_code=SCHOOL,
        unit_name="โรงเรียนทดสอบ",
        year=2567,
        term=1,
        class_name="ม.1/1",
        subjects=SUBJECTS,
        pupils=pupils,
        out=str(path),
    )
    return path


def keys_of(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[3] if c.value}


def fill(path: Path, typed: dict[str, list[dict[str, Any]]], out: Path) -> Path:
    """Type values into the input cells only, as a teacher would (numbers as numbers, marks as text)."""
    wb = openpyxl.load_workbook(path)
    for sheet, rows in typed.items():
        ws = wb[sheet]
        cols = keys_of(ws)
        for i, row in enumerate(rows):
            for key, value in row.items():
                assert key in INPUT_KEYS or key == "student_no"
                if value is not None:
                    ws.cell(5 + i, cols[key], value)
    wb.save(out)
    return out


def random_rows(rng: random.Random, sub: ResultSubject, n: int) -> list[dict[str, Any]]:
    """Mostly graded pupils with half-point scores over the whole range, some under 80 % attendance,
    some ร, some with two-decimal scores near a band edge."""
    rows = []
    for i in range(n):
        attendance = rng.choice([100, 95, 90, 85, 80, 80, 79.5, 60]) if i % 5 else rng.randint(80, 100)
        term = rng.randint(0, int(sub.max_term) * 2) / 2
        final = rng.randint(0, int(sub.max_final) * 2) / 2
        if i % 7 == 3:
            term, final = round(rng.uniform(0, float(sub.max_term)), 2), round(rng.uniform(0, float(sub.max_final)), 2)
        row: dict[str, Any] = {"attendance_pct": attendance, "score_term": term, "score_final": final}
        if i % 11 == 5:
            row = {"attendance_pct": 90, "score_term": term, "mark": "ร"}
        rows.append(row)
    return rows


@pytest.mark.libreoffice
def test_libreoffice_grades_agree_with_the_python_rule(tmp_path: Path, kit: Any) -> None:
    rng = random.Random(2567)
    typed = {s.code: random_rows(rng, s, len(PUPILS)) for s in SUBJECTS}
    filled = fill(results(tmp_path / "blank.xlsx"), typed, tmp_path / "filled.xlsx")
    kit.soffice_convert(filled, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", tmp_path / "profile")
    computed = tmp_path / "lo" / "filled.xlsx"

    wb = read_academic_workbook(computed)
    basic = scale("basic")
    checked = 0
    for s in SUBJECTS:
        rows = wb.sheets[s.code].rows
        assert len(rows) == len(PUPILS)
        for (_, raw), t in zip(rows, typed[s.code], strict=True):
            term, final = t.get("score_term"), t.get("score_final")
            total = total_of(D(repr(term)), D(repr(final))) if term is not None and final is not None else None
            attendance = D(repr(t["attendance_pct"]))
            expected = grade_for(total, attendance, t.get("mark"), basic)
            assert _grade_text(raw["grade"]) == expected, (s.code, t, raw)
            if total is not None:
                assert D(repr(raw["score_total"])) == total
            checked += 1
    assert checked == 60
    report = check_academic_file(computed)
    codes = {e["code"] for e in report.errors}
    assert not codes & {"RESULT_GRADE_MISMATCH", "RESULT_TOTAL_MISMATCH"}, report.errors
    assert report.form == "results" and report.round == "2567-1" and report.rows == 60
    lows = [t for s in SUBJECTS for t in typed[s.code] if t["attendance_pct"] < 80]
    assert lows and sum(r["grade"] == "มส" for r in report.records) == len(lows)
    assert {w["code"] for w in report.warnings} == {"RESULT_PENDING"}


@pytest.mark.libreoffice
def test_libreoffice_verdict_column(tmp_path: Path, kit: Any) -> None:
    typed = {"ท21101": [
        {"attendance_pct": 95, "score_term": 60, "score_final": 25},
        {"attendance_pct": 95, "score_term": 60},
        {"attendance_pct": 70, "mark": "ร"},
        {"attendance_pct": 90, "mark": "มส"},
        {"attendance_pct": 90, "score_term": 75, "score_final": 20},
    ]}  # fmt: skip
    filled = fill(results(tmp_path / "b.xlsx", PUPILS[:6]), typed, tmp_path / "f.xlsx")
    kit.soffice_convert(filled, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", tmp_path / "profile")
    wb = openpyxl.load_workbook(tmp_path / "lo" / "f.xlsx", data_only=True)
    ws = wb["ท21101"]
    status = [ws.cell(r, 11).value for r in range(5, 11)]
    assert status == ["ถูกต้อง", "คะแนนไม่ครบ", "ต้องเป็น มส", "มส ไม่ถูกต้อง", "คะแนนเกิน", "ยังไม่กรอก"]
    report = check_academic_file(tmp_path / "lo" / "f.xlsx")
    by_row = {(e["row"], e["code"]) for e in report.errors}
    assert {(6, "RESULT_SCORE_MISSING"), (7, "RESULT_LOW_ATTENDANCE_GRADED"), (8, "RESULT_LOW_MARK_ATTENDANCE_OK"),
            (9, "RESULT_SCORE_RANGE"), (10, "RESULT_MISSING")} <= by_row  # fmt: skip


def test_results_layout(tmp_path: Path) -> None:
    path = results(tmp_path / "r.xlsx", PUPILS[:3])
    wb = openpyxl.load_workbook(path)
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb[LISTS_SHEET].sheet_state == "veryHidden"
    assert wb[CLASS_SHEET].sheet_state == "veryHidden"
    ws = wb["ท21101"]
    assert ws.protection.sheet and ws.row_dimensions[3].hidden
    cols = keys_of(ws)
    assert list(cols)[:10] == ["citizen_id", "student_no", "first_name", "last_name", "attendance_pct",
                               "score_term", "score_final", "mark", "score_total", "grade"]  # fmt: skip
    unlocked = {k for k, c in cols.items() if not ws.cell(5, c).protection.locked}
    assert unlocked == {"student_no", "attendance_pct", "score_term", "score_final", "mark"}
    assert ws.cell(5, cols["citizen_id"]).value == PUPILS[0].citizen_id
    assert str(ws.cell(5, cols["grade"]).value).startswith("=IF(")
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == "list_mark" and lists[0].showErrorMessage
    assert {"band_min", "band_grade", "list_mark"} <= set(wb.defined_names)


def test_curriculum_and_assessments_read_back(tmp_path: Path) -> None:
    build_curriculum(
        unit_code=SCHOOL,
        year=2567,
        out=str(tmp_path / "c.xlsx"),
        rows=[
            {
                "grade": "ม.1",
                "term": 1,
                "subject_code": "ท21101",
                "subject_name": "ภาษาไทย",
                "kind": "พื้นฐาน",
                "credits": 1.5,
                "hours": 60,
            },
            {"grade": "ป.4", "subject_code": "ท14101", "subject_name": "ภาษาไทย", "kind": "พื้นฐาน", "hours": 160},
            {
                "grade": "ม.1",
                "term": 1,
                "subject_code": "ค22101",
                "subject_name": "คณิต",
                "kind": "พื้นฐาน",
                "credits": 1.5,
            },
        ],
    )
    report = check_any_file(tmp_path / "c.xlsx")
    assert report.form == "curriculum" and report.rows == 3
    assert [(e["code"], e["cell"]) for e in report.errors] == [("SUBJECT_YEAR_MISMATCH", "รายวิชา!C7")]
    assert report.records[1]["weight"] == D(160)

    build_assessments(unit_code=SCHOOL, year=2567, class_name="ม.1/1", pupils=PUPILS[:2], out=str(tmp_path / "a.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    ws = wb["ผลการประเมิน"]
    cols = keys_of(ws)
    values = {"reading": "ดี", "character": "ดีเยี่ยม", "activity_guidance": "ผ", "activity_scout": "ผ",
              "activity_club": "มผ", "activity_social": "ผ"}  # fmt: skip
    for key, v in values.items():
        ws.cell(5, cols[key], v)
    wb.save(tmp_path / "a2.xlsx")
    report = check_any_file(tmp_path / "a2.xlsx")
    assert report.form == "assessments" and report.round == "2567"
    assert [w["code"] for w in report.warnings] == ["ASSESS_FAIL"]
    assert {e["row"] for e in report.errors} == {6}  # the second pupil has nothing yet


def test_roster_check_uses_the_carried_class_or_the_servers(tmp_path: Path) -> None:
    path = results(tmp_path / "r.xlsx", PUPILS[:2])
    newcomer = Pupil(with_check_digit("330000000001"), "มาใหม่", "ย้ายเข้า")
    report = check_academic_file(path, roster=[*PUPILS[:2], newcomer])
    missing = [e for e in report.errors if e["code"] == "PUPIL_MISSING_FROM_SHEET"]
    assert len(missing) == 2 and "มาใหม่" in missing[0]["message"]
    report = check_academic_file(path, roster=PUPILS[:1])
    assert [e["row"] for e in report.errors if e["code"] == "PUPIL_NOT_ON_ROSTER"] == [6, 6]


def test_records_upload_check_sends_the_stored_text(tmp_path: Path) -> None:
    """The worker's check for the records upload is `check_any_file` with each results number as the
    text the store keeps: the same records, findings and rows otherwise."""
    rng = random.Random(15)
    typed = {s.code: random_rows(rng, s, 10) for s in SUBJECTS}
    typed[SUBJECTS[0].code][2]["score_term"] = 200  # out of range: reported, and None in both
    path = fill(results(tmp_path / "r.xlsx", PUPILS[:10]), typed, tmp_path / "f.xlsx")
    full, stored = check_any_file(path), check_records_file(path)
    assert (stored.errors, stored.warnings, stored.rows) == (full.errors, full.warnings, full.rows) and full.rows == 20
    numbers = ("attendance_pct", "score_term", "score_final", "score_total")
    assert any(r["score_term"] is None for r in full.records)
    for a, b in zip(full.records, stored.records, strict=True):
        assert {k: v for k, v in a.items() if k not in numbers} == {k: v for k, v in b.items() if k not in numbers}
        for k in numbers:
            assert b[k] == (None if a[k] is None else decimal_text(a[k])) and (b[k] is None or isinstance(b[k], str))
    assert decimal_text(D("98.00")) == "98" and decimal_text(D("79.50")) == "79.50" and decimal_text(D("1E+1")) == "10"


def _edit_zip(src: Path, out: Path, part: str, change: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == part else data)
    return out


def test_hostile_and_tampered_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = results(tmp_path / "r.xlsx", PUPILS[:2])
    monkeypatch.setattr(roster_read, "LIMITS", roster_read.Limits(max_unpacked=4 * 2**20, max_rows=50))
    assert check_academic_file(b"not a workbook").errors[0]["code"] == "WORKBOOK_NOT_A_WORKBOOK"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 2**20))
    assert check_academic_file(bomb.getvalue()).errors[0]["code"] == "WORKBOOK_TOO_LARGE"
    xml_bomb = _edit_zip(
        path,
        tmp_path / "x.xlsx",
        "xl/workbook.xml",
        lambda d: d.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1),
    )
    assert check_academic_file(xml_bomb).errors[0]["code"] == "WORKBOOK_UNSAFE_XML"

    wb = openpyxl.load_workbook(path)
    meta = wb[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "term":
            row[1].value = "2"
    wb.save(tmp_path / "t.xlsx")
    assert check_academic_file(tmp_path / "t.xlsx").errors[0]["code"] == "WORKBOOK_META_TAMPERED"

    wb = openpyxl.load_workbook(path)
    wb[CLASS_SHEET]["B2"] = "คนอื่น"
    wb.save(tmp_path / "c.xlsx")
    assert [w["code"] for w in check_academic_file(tmp_path / "c.xlsx").warnings][:1] == ["CLASS_ROSTER_TAMPERED"]

    wb = openpyxl.load_workbook(path)
    del wb["ค21201"]
    wb.save(tmp_path / "s.xlsx")
    assert check_academic_file(tmp_path / "s.xlsx").errors[0]["code"] == "WORKBOOK_SHEET_MISSING"

    tall = results(tmp_path / "tall.xlsx", [*PUPILS, *PUPILS])
    assert check_academic_file(tall).errors[0]["code"] == "WORKBOOK_TOO_MANY_ROWS"

    build_template("school", unit_code=SCHOOL, year=2567, round_no=1, out=str(tmp_path / "roster.xlsx"), capacity=5)
    assert check_academic_file(tmp_path / "roster.xlsx").errors[0]["code"] == "WORKBOOK_META_TAMPERED"
    assert check_any_file(tmp_path / "roster.xlsx").form == "school"
