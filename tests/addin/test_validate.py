"""The validate action on real xlwings Books (remote engine) built from generated, filled templates."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from clientjson import FakeExcel, book_from_xlsx, payload_from_xlsx

from addin import actions, book_io
from addin.book_io import CHUNK_ROWS, ERROR_FILL, FINDINGS_SHEET, INPUT_FILL, VBA_ACTIONS, WARNING_FILL
from validators.synthetic import make_other_counts, make_roster
from workbook_templates import check_file

UNIT = "3056100001"


def bad_rows() -> list[dict[str, Any]]:
    rows = make_roster("school", 30, year=2567, unit_code=UNIT)
    rows[3]["citizen_id"] = "1234567890123"  # Excel row 8: wrong check digit
    rows[5]["prefix"] = "นาย"  # row 10: prefix vs sex (error) and child prefix (warning)
    rows[7]["first_name"] = None  # row 12: required
    return rows


def run_validate(excel: FakeExcel) -> tuple[actions.Outcome, list[dict[str, Any]]]:
    book = excel.book()
    outcome = actions.validate(book)
    acts = book.json()["actions"]
    excel.apply(acts)
    return outcome, acts


def assert_vba_only(acts: list[dict[str, Any]]) -> None:
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    for a in acts:
        if a["row_count"] is not None:
            assert a["row_count"] <= 32_767
        if a["func"] == "setValues":
            assert len(a["values"]) <= CHUNK_ROWS <= 32_767


def findings_table(excel: FakeExcel) -> list[list[Any]]:
    grid = excel.grid(FINDINGS_SHEET)
    return [r for r in grid[book_io.FINDINGS_HEADER_ROW :] if any(v not in (None, "") for v in r)]


def test_errors_are_marked_and_listed_in_thai(make_workbook: Callable[..., bytes]) -> None:
    excel = FakeExcel(payload_from_xlsx(make_workbook(rows=bad_rows())))
    outcome, acts = run_validate(excel)
    assert_vba_only(acts)
    assert not outcome.ok and outcome.errors == 3 and outcome.warnings >= 1
    for cell in ("A8", "B10", "C12"):
        assert excel.fill("นักเรียน", cell) == ERROR_FILL, cell
    assert excel.fill("นักเรียน", "A9") is None  # a good row is left alone
    table = findings_table(excel)
    cells = [r[2] for r in table]
    assert {"นักเรียน!A8", "นักเรียน!B10", "นักเรียน!C12"} <= set(cells)
    by_code = {r[6]: r for r in table}
    assert by_code["ID_CHECK_DIGIT"][3] == "ข้อผิดพลาด"
    assert "หลักสุดท้าย" in by_code["ID_CHECK_DIGIT"][4]
    assert by_code["ID_CHECK_DIGIT"][5] == "1234567890123"  # the value as text, not a float
    assert any(r[3] == "คำเตือน" for r in table)
    summary = excel.grid(FINDINGS_SHEET)[1][0]
    assert "ข้อผิดพลาด 3 รายการ" in summary
    header = excel.grid(FINDINGS_SHEET)[book_io.FINDINGS_HEADER_ROW - 1]
    assert header[:5] == ["ลำดับ", "ชีต", "ช่อง", "ระดับ", "ข้อความ"]
    assert acts[-1]["func"] == "activateSheet"


def test_same_findings_as_lec_validate(make_workbook: Callable[..., bytes]) -> None:
    """The add-in reads the Book's values, the CLI the file: the verdict must be the same."""
    data = make_workbook(rows=bad_rows())
    outcome = actions.validate(book_from_xlsx(data))
    report = check_file(data, file="x.xlsx")
    added = outcome.data["report"]
    for key in ("errors", "warnings", "notices"):
        assert [(f["code"], f["cell"]) for f in added[key]] == [(f["code"], f["cell"]) for f in getattr(report, key)]
    assert added["rows"] == report.rows == 30


def test_warning_cells_are_yellow(make_workbook: Callable[..., bytes]) -> None:
    rows = make_roster("school", 10, year=2567, unit_code=UNIT)
    rows[2]["prefix"] = "นาย" if rows[2]["sex"] == "ชาย" else "นางสาว"  # adult prefix on a child: warning only
    excel = FakeExcel(payload_from_xlsx(make_workbook(rows=rows)))
    outcome, _ = run_validate(excel)
    assert outcome.ok and outcome.warnings >= 1
    assert excel.fill("นักเรียน", "B7") == WARNING_FILL


def test_clean_workbook_is_reported_clean(make_workbook: Callable[..., bytes]) -> None:
    excel = FakeExcel(payload_from_xlsx(make_workbook("cdc", unit="3056500001", n=15)))
    outcome, acts = run_validate(excel)
    assert_vba_only(acts)
    assert outcome.ok and outcome.errors == 0 and outcome.warnings == 0
    assert "ข้อมูลถูกต้องทั้งหมด (15 แถว)" in outcome.message
    assert "ข้อมูลถูกต้องทั้งหมด" in excel.grid(FINDINGS_SHEET)[1][0]
    painted = {k for k, v in excel.fills.items() if k[0] != FINDINGS_SHEET}
    assert painted == set()


def test_previous_marks_are_cleared_after_a_fix(make_workbook: Callable[..., bytes]) -> None:
    rows = bad_rows()
    good = make_roster("school", 30, year=2567, unit_code=UNIT)
    excel = FakeExcel(payload_from_xlsx(make_workbook(rows=rows)))
    run_validate(excel)
    assert excel.fill("นักเรียน", "A8") == ERROR_FILL
    # The clerk fixes the ID and the name; the prefix stays wrong.
    excel.set_cell("นักเรียน", 8, 1, good[3]["citizen_id"])
    excel.set_cell("นักเรียน", 12, 3, good[7]["first_name"])
    outcome, acts = run_validate(excel)
    assert_vba_only(acts)
    assert outcome.errors == 1
    assert excel.fill("นักเรียน", "A8") == INPUT_FILL
    assert excel.fill("นักเรียน", "C12") == INPUT_FILL
    assert excel.fill("นักเรียน", "B10") == ERROR_FILL
    assert [r[2] for r in findings_table(excel) if r[3] == "ข้อผิดพลาด"] == ["นักเรียน!B10"]
    # The findings sheet was re-used, not added twice.
    assert [s["name"] for s in excel.sheets].count(FINDINGS_SHEET) == 1


def test_counts_form(make_workbook: Callable[..., bytes]) -> None:
    rows = make_other_counts(3, seed=1)
    rows[1]["p1_m"] = None  # a blank grade count is an error: 0 must be typed
    excel = FakeExcel(payload_from_xlsx(make_workbook("other", rows=rows, unit="06560201")))
    outcome, acts = run_validate(excel)
    assert_vba_only(acts)
    assert not outcome.ok
    wb = openpyxl.load_workbook(io.BytesIO(make_workbook("other", rows=rows, unit="06560201")))
    keys = [c.value for c in wb["สังกัดอื่น"][3]]
    col = keys.index("p1_m") + 1
    assert excel.fills[("สังกัดอื่น", 6, col)] == ERROR_FILL


def test_not_a_template_is_one_thai_error() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "สวัสดี"
    buf = io.BytesIO()
    wb.save(buf)
    excel = FakeExcel(payload_from_xlsx(buf.getvalue()))
    outcome, acts = run_validate(excel)
    assert_vba_only(acts)
    assert not outcome.ok and outcome.errors == 1
    table = findings_table(excel)
    assert table[0][6] == "WORKBOOK_NOT_A_TEMPLATE" and "แบบฟอร์ม" in table[0][4]
    assert not any(k[0] == "Sheet1" for k in excel.fills)


def test_values_as_excel_sends_them(make_workbook: Callable[..., bytes]) -> None:
    """A real date cell (ISO text from the client) and an ID typed as a number (leading 0 lost)."""
    rows = make_roster("school", 5, year=2567, unit_code=UNIT)
    excel = FakeExcel(payload_from_xlsx(make_workbook(rows=rows)))
    excel.set_cell("นักเรียน", 5, 6, "2019-03-14T00:00:00.000Z")
    excel.set_cell("นักเรียน", 6, 1, 123456789012.0)
    outcome, _ = run_validate(excel)
    report = outcome.data["report"]
    assert not [e for e in report["errors"] if e["row"] == 5]
    assert [e["cell"] for e in report["errors"]] == ["นักเรียน!A6"]


def test_big_tables_go_in_chunks() -> None:
    """A findings list longer than the VBA client's 32,767-row limit is written in several actions."""
    book = book_from_xlsx(_blank_xlsx())
    sheet = book_io.fresh_sheet(book, FINDINGS_SHEET)
    rows = [[i, "นักเรียน", f"นักเรียน!A{i}", "ข้อผิดพลาด", "ข้อความ"] for i in range(40_000)]
    book_io.write_rows(sheet, 5, rows, text_columns=(0, 4))
    acts = book.json()["actions"]
    assert_vba_only(acts)
    values = [a for a in acts if a["func"] == "setValues"]
    assert len(values) == 4 and sum(len(a["values"]) for a in values) == 40_000
    assert [a["start_row"] for a in values] == [4, 4 + CHUNK_ROWS, 4 + 2 * CHUNK_ROWS, 4 + 3 * CHUNK_ROWS]
    formats = [a for a in acts if a["func"] == "setNumberFormat"]
    assert len(formats) == 4 and all(a["row_count"] <= CHUNK_ROWS for a in formats)


def _blank_xlsx() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("address,expected", [
    ("นักเรียน!C17", book_io.Mark("นักเรียน", 17, 2, 2)),
    ("นักเรียน!17:17", book_io.Mark("นักเรียน", 17, 0, 9)),
    ("'นักเรียน'!$A$5", book_io.Mark("นักเรียน", 5, 0, 0)),
    ("นักเรียน", None),
    ("อื่น!A1", None),
    ("", None),
])  # fmt: skip
def test_parse_cell(address: str, expected: book_io.Mark | None) -> None:
    assert book_io.parse_cell(address, {"นักเรียน": 10}) == expected


def test_runs_group_consecutive_rows() -> None:
    marks = [book_io.Mark("S", r, 0, 0) for r in (5, 6, 7, 9)] + [book_io.Mark("S", 5, 1, 1)]
    assert list(book_io.runs(marks)) == [("S", "A5:A7"), ("S", "A9"), ("S", "B5")]
