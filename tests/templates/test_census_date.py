"""One census date (issue 12): the round's date travels in the template, and every checker judges by it.

Templates are built with XlsxWriter, filled cell by cell with openpyxl as a clerk would, and read back by
the product's reader (python-calamine); the metadata is also read with openpyxl, independently.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validators import RoundContext, validate_roster
from validators.fields import SHEETS
from workbook_templates import build_template, check_file, read_workbook
from workbook_templates.build import INSTRUCTIONS_SHEET
from workbook_templates.meta import META_SHEET, digest_fields

ROSTER = SHEETS["school"]["roster"]
WINDOW = date(2025, 1, 10)  # a correction window of 2567 counting as of 10 Jan 2568: not 10 Nov
MOVE_IN = "05/01/2568"  # 5 Jan 2025: after 10 Nov 2567, before the window's date


def _template(tmp_path: Path, kit: Any, *, round_no: int = 3, name: str = "t.xlsx", **kw: Any) -> Path:
    path = tmp_path / name
    build_template("school", unit_code=kit.SCHOOL, unit_name="โรงเรียนทดสอบ", year=2567, round_no=round_no,
                   out=str(path), capacity=10, **kw)  # fmt: skip
    return path


def _codes(report: Any) -> set[str]:
    return {f["code"] for f in report.errors + report.warnings + report.notices}


def _meta_sheet(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[META_SHEET]
    return {r[0].value: r[1].value for r in ws.iter_rows() if r[0].value}


def test_the_rounds_census_date_travels_in_the_template(tmp_path: Path, kit: Any) -> None:
    path = _template(tmp_path, kit, as_of=WINDOW)
    fields = _meta_sheet(path)
    assert (fields["as_of"], fields["age_reference"]) == ("2025-01-10", "2024-05-16")
    meta = read_workbook(path).meta
    assert (meta.as_of, meta.age_reference, meta.round_no) == (WINDOW, date(2024, 5, 16), 3)
    instructions = " ".join(str(c.value) for c in openpyxl.load_workbook(path)[INSTRUCTIONS_SHEET]["A"] if c.value)
    assert "ข้อมูล ณ วันที่ 10/01/2568" in instructions and "อายุนับถึงวันที่ 16/05/2567" in instructions


def test_a_move_in_before_the_windows_date_passes_offline_as_on_the_server(tmp_path: Path, kit: Any) -> None:
    row = kit.pupil(entry_date=MOVE_IN)
    filled = kit.fill(_template(tmp_path, kit, as_of=WINDOW), ROSTER, [row])
    report = check_file(filled, file="t.xlsx")  # `lec validate`: no server, no clock
    assert report.ok, report.errors
    # The server's row path judges the same rows with its round's date: the same verdict.
    server = validate_roster("school", [(5, row)], RoundContext(2567, 3, as_of=WINDOW))
    assert server.ok and {f.code for f in server.findings} == _codes(report)


def test_without_a_census_date_the_round_numbers_default_still_applies(tmp_path: Path, kit: Any) -> None:
    filled = kit.fill(_template(tmp_path, kit), ROSTER, [kit.pupil(entry_date=MOVE_IN)])
    assert "as_of" not in _meta_sheet(filled)
    report = check_file(filled, file="t.xlsx")
    (error,) = report.errors
    assert (error["code"], error["cell"]) == ("DATE_FUTURE", f"{ROSTER}!J5")
    assert "10/11/2567" in error["message"]  # the fallback: round 2 and later count as of 10 November


def test_a_template_from_before_the_census_date_still_reads(tmp_path: Path, kit: Any) -> None:
    """A template of the first version carried no dates: strip them, re-digest, and it reads as before."""

    def strip_dates(wb: Any) -> None:
        ws = wb[META_SHEET]
        for r in range(ws.max_row, 0, -1):
            if ws.cell(r, 1).value in ("as_of", "age_reference", "unit_kind"):
                ws.delete_rows(r)
        fields = {r[0].value: r[1] for r in ws.iter_rows() if r[0].value}
        fields["digest"].value = digest_fields({k: c.value for k, c in fields.items() if k != "digest"})

    path = _template(tmp_path, kit, round_no=2)
    filled = kit.fill(path, ROSTER, [kit.pupil(entry_date="01/12/2567")], edit=strip_dates)
    assert set(_meta_sheet(filled)) & {"as_of", "age_reference"} == set()
    report = check_file(filled, file="old.xlsx")
    assert report.meta is not None and report.meta.as_of is None and report.meta.age_reference is None
    assert [e["code"] for e in report.errors] == ["DATE_FUTURE"]  # 1 Dec after 10 Nov: today's rule


def test_the_servers_date_wins_and_a_different_template_date_is_named(tmp_path: Path, kit: Any) -> None:
    built_for = date(2024, 12, 1)
    filled = kit.fill(_template(tmp_path, kit, as_of=built_for), ROSTER, [kit.pupil(entry_date=MOVE_IN)])
    offline = check_file(filled, file="t.xlsx")
    assert [e["code"] for e in offline.errors] == ["DATE_FUTURE"]  # after the template's own 1 Dec
    server = check_file(filled, file="t.xlsx", as_of=WINDOW)
    assert server.ok
    (warning,) = server.warnings
    assert warning["code"] == "WORKBOOK_CENSUS_DATE"
    assert "01/12/2567" in warning["message"] and "10/01/2568" in warning["message"]
    assert check_file(filled, file="t.xlsx", as_of=built_for).warnings == []  # the same date: nothing to say


@pytest.mark.parametrize(
    ("round_no", "as_of", "prefix_warning"),
    [(1, date(2024, 6, 10), False), (2, date(2024, 11, 10), False), (3, WINDOW, True)],
    ids=["round-1", "round-2", "correction-window"],
)
def test_ages_are_judged_on_the_same_day_in_every_round_kind(
    tmp_path: Path, kit: Any, round_no: int, as_of: date, prefix_warning: bool
) -> None:
    # Born 1 Jan 2553 (2010): 14 on 16 May 2567, so ม.3 is the usual grade; 15 on 1 Jan 2568, when a
    # boy's prefix becomes นาย. A window counting as of 10 Jan 2568 must say so, offline and on the server.
    row = kit.pupil(birth_date="01/01/2553", grade="ม.3")
    filled = kit.fill(_template(tmp_path, kit, round_no=round_no, as_of=as_of), ROSTER, [row])
    offline = check_file(filled, file="t.xlsx")
    server_file = check_file(filled, file="t.xlsx", as_of=as_of, today=date(2025, 2, 1))
    server_rows = validate_roster("school", [(5, row)], RoundContext(2567, round_no, as_of=as_of))
    assert _codes(offline) == _codes(server_file) == {f.code for f in server_rows.findings}
    assert ("PREFIX_ADULT_AGE" in _codes(offline)) == prefix_warning


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    as_of=st.one_of(st.none(), st.dates(min_value=date(2024, 5, 16), max_value=date(2025, 5, 15))),
    round_no=st.integers(min_value=1, max_value=4),
    kind=st.sampled_from([None, "school", "college"]),
)
def test_metadata_dates_round_trip(as_of: date | None, round_no: int, kind: str | None) -> None:
    buf = io.BytesIO()
    build_template("school", unit_code="3056200001", year=2567, round_no=round_no, out=buf, capacity=5,
                   as_of=as_of, unit_kind=kind)  # fmt: skip
    meta = read_workbook(buf.getvalue()).meta
    assert (meta.as_of, meta.age_reference, meta.unit_kind, meta.round_no) == (
        as_of, date(2024, 5, 16), kind, round_no)  # fmt: skip


def test_the_registrys_kind_travels_and_checks_the_grades(tmp_path: Path, kit: Any) -> None:
    college = _template(tmp_path, kit, round_no=2, name="c.xlsx", unit_kind="college")
    rows = [kit.pupil(grade="อ.1", birth_date="01/01/2564"),
            kit.pupil(citizen_id=kit.ID_B, grade="ปวช.1", prefix="นาย", birth_date="01/01/2552")]  # fmt: skip
    report = check_file(kit.fill(college, ROSTER, rows), file="c.xlsx")
    assert [(e["code"], e["cell"]) for e in report.errors] == [("GRADE_KIND", f"{ROSTER}!G5")]
    # The same rows in a template that does not know the kind: a 1-3 type digit may be either.
    unknown = kit.fill(_template(tmp_path, kit, round_no=2, name="u.xlsx"), ROSTER, rows)
    assert check_file(unknown, file="u.xlsx").ok
    # The server's registry kind wins over the template's silence.
    assert [e["code"] for e in check_file(unknown, file="u.xlsx", unit_kind="school").errors] == ["GRADE_KIND"]
    with pytest.raises(ValueError, match="does not fill"):
        _template(tmp_path, kit, name="x.xlsx", unit_kind="cdc")


@pytest.mark.parametrize(("key", "value"), [("age_reference", "2024-05-17"), ("unit_kind", "hospital"),
                                            ("as_of", "10/01/2568")])  # fmt: skip
def test_edited_dates_or_kind_are_refused_even_when_redigested(tmp_path: Path, kit: Any, key: str, value: str) -> None:
    def edit(wb: Any) -> None:
        ws = wb[META_SHEET]
        fields = {r[0].value: r[1] for r in ws.iter_rows() if r[0].value}
        fields[key].value = value
        fields["digest"].value = digest_fields({k: c.value for k, c in fields.items() if k != "digest"})

    path = _template(tmp_path, kit, as_of=WINDOW, unit_kind="school")
    report = check_file(kit.fill(path, ROSTER, [kit.pupil()], edit=edit), file="t.xlsx")
    assert [e["code"] for e in report.errors] == ["WORKBOOK_META_TAMPERED"]
