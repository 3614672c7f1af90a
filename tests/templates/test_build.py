"""The template contract of design.md, inspected with openpyxl in each generated form."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from validators.fields import COLUMNS_BY_ROLE, DROPDOWN_LISTS, REMOVAL_REASONS, SHEETS
from workbook_templates import build_template
from workbook_templates import excel_formulas as xf
from workbook_templates.build import FONT, INSTRUCTIONS_SHEET
from workbook_templates.meta import (
    DEFAULT_CAPACITY,
    LISTS_SHEET,
    META_SHEET,
    PREVIOUS_SHEET,
    STATUS_KEY,
    TEMPLATE_VERSION,
)

THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture(scope="module", params=["school", "cdc", "other"])
def built(request: Any, tmp_path_factory: Any) -> tuple[str, Any]:
    form = request.param
    path = tmp_path_factory.mktemp(form) / f"{form}.xlsx"
    unit = {"school": "3056200001", "cdc": "3056500001", "other": "05560101"}[form]
    build_template(form, unit_code=unit, unit_name="หน่วยทดสอบ", year=2567, round_no=2, out=str(path), capacity=60)
    return form, openpyxl.load_workbook(path)


def test_sheets_order_visibility_and_protection(built: tuple[str, Any]) -> None:
    form, wb = built
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == [INSTRUCTIONS_SHEET, *SHEETS[form].values()]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb[LISTS_SHEET].sheet_state == "veryHidden"
    for ws in wb.worksheets:
        assert ws.protection.sheet, f"{ws.title} is not protected"


def test_key_row_hidden_above_thai_header(built: tuple[str, Any]) -> None:
    form, wb = built
    for role, name in SHEETS[form].items():
        ws = wb[name]
        cols = COLUMNS_BY_ROLE[(form, role)]
        keys = [ws.cell(3, i + 1).value for i in range(len(cols) + 1)]
        assert keys == [c.key for c in cols] + [STATUS_KEY]
        assert ws.row_dimensions[3].hidden
        assert not ws.row_dimensions[4].hidden
        headers = [ws.cell(4, i + 1).value for i in range(len(cols))]
        assert all(THAI.search(h) for h in headers)
        assert all(h.endswith("*") == c.required for h, c in zip(headers, cols, strict=True))
        # pre-filled title: unit, year and round
        assert "2567" in ws["A1"].value and "ครั้งที่ 2" in ws["A1"].value
        assert "หน่วยทดสอบ" in ws["A2"].value


def test_only_input_cells_unlocked(built: tuple[str, Any]) -> None:
    form, wb = built
    for role, name in SHEETS[form].items():
        ws = wb[name]
        ncol = len(COLUMNS_BY_ROLE[(form, role)])
        for r in (1, 2, 3, 4):
            for c in range(1, ncol + 2):
                cell = ws.cell(r, c)
                assert cell.has_style and cell.protection.locked, f"{name}!{cell.coordinate} should be locked"
        # input columns carry an unlocked format (every empty cell below the header inherits it) ...
        assert all(_column_style(ws, c).protection.locked is False for c in range(1, ncol + 1))
        # ... the verdict column does not, and its formula cells are locked
        assert _column_style(ws, ncol + 1).protection.locked is not False
        assert ws.cell(5, ncol + 1).protection.locked


def _column_style(ws: Any, col: int) -> Any:
    """The <col> entry covering column `col` (XlsxWriter merges identical neighbours into one span)."""
    for dim in ws.column_dimensions.values():
        if dim.min <= col <= dim.max:
            return dim
    raise AssertionError(f"no column format for column {col}")


def test_id_column_is_text_and_font_is_thai(built: tuple[str, Any]) -> None:
    form, wb = built
    if form == "other":
        ws = wb[SHEETS[form]["counts"]]
        assert ws.column_dimensions["A"].number_format == "@"
        assert ws.column_dimensions["F"].number_format == "0"
    else:
        ws = wb[SHEETS[form]["roster"]]
        assert ws.column_dimensions["A"].number_format == "@"
        assert ws.column_dimensions["F"].number_format == "@"  # birth date stays as typed (BE text)
    assert ws["A4"].font.name == FONT
    assert ws.freeze_panes in ("B5", "C5")


def test_print_setup(built: tuple[str, Any]) -> None:
    form, wb = built
    for name in SHEETS[form].values():
        ws = wb[name]
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows == "$4:$4"
        ncol = len(COLUMNS_BY_ROLE[(form, next(r for r, n in SHEETS[form].items() if n == name))])
        last_letter = openpyxl.utils.get_column_letter(ncol)
        assert re.search(rf"\$A\$1:\${last_letter}\$\d+$", ws.print_area), ws.print_area  # verdict column not printed


def test_dropdowns_behind_defined_names(built: tuple[str, Any]) -> None:
    form, wb = built
    lists = wb[LISTS_SHEET]
    for name, values in DROPDOWN_LISTS.items():
        dn = wb.defined_names[name]
        sheet, ref = next(iter(dn.destinations))
        assert sheet == LISTS_SHEET
        assert [c.value for row in lists[ref] for c in row] == list(values)
    for role, name in SHEETS[form].items():
        ws = wb[name]
        dvs = ws.data_validations.dataValidation
        assert dvs, "no data validation"
        for dv in dvs:
            if dv.type != "none" and dv.type is not None:
                assert dv.showErrorMessage, f"{dv.sqref} accepts anything (showErrorMessage off)"
        lists_used = {dv.formula1 for dv in dvs if dv.type == "list"}
        for c in COLUMNS_BY_ROLE[(form, role)]:
            if c.kind == "list":
                assert c.list_name in lists_used
        for dv in dvs:
            if dv.type == "list":
                assert not dv.formula1.startswith('"'), "inline lists break past 255 characters"


def test_removal_reasons_dropdown(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    build_template("school", unit_code="3056200001", year=2567, round_no=2, out=str(path), capacity=20)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["school"]["removed"]]
    reason_col = [c.key for c in COLUMNS_BY_ROLE[("school", "removed")]].index("reason")
    letter = openpyxl.utils.get_column_letter(reason_col + 1)
    dv = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list" and letter in str(dv.sqref))
    assert dv.formula1 == "list_reason"
    labels = list(DROPDOWN_LISTS["list_reason"])
    assert labels == list(REMOVAL_REASONS.values())
    assert {"never_came", "left_without_notice", "unreachable", "moved", "graduated", "continued", "deceased",
            "other"} == set(REMOVAL_REASONS)  # fmt: skip


def test_conditional_formats_cover_checks(built: tuple[str, Any]) -> None:
    form, wb = built
    role = "counts" if form == "other" else "roster"
    ws = wb[SHEETS[form][role]]
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    joined = "\n".join(formulas)
    if form == "other":
        assert "ISNUMBER(F5)" in joined and "F5<0" in joined  # blank / negative counts highlighted
        assert 'NOT($D5<>"อ.1–ป.6"),N(AC5)<>0' in joined  # an ม. count forced into a primary school
    else:
        assert "MOD(11-MOD(MID(A5,1,1)*13" in joined  # check digit
        assert 'COUNTIF($A$5:$A$64,A5&"")>1' in joined  # duplicates over the prepared rows
        assert "LEN(TRIM(C5))=0" in joined  # a required cell left blank in a started row


def test_formulas_use_only_classic_functions() -> None:
    """The checks must run in old Excel, LibreOffice and WPS, and the writer skips the _xlfn. rewrite."""
    text = xf.id_ok("A5") + xf.count_bad("E5") + xf.duplicate("A5", "$A$5:$A$9") + xf.id_shape_ok("A5")
    used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", text))
    classic = {"IFERROR", "AND", "OR", "NOT", "LEN", "TEXT", "MOD", "MID", "LEFT", "EXACT", "ISNUMBER",
               "COUNTIF", "TRIM", "INT"}  # fmt: skip
    assert used <= classic, used - classic
    assert len(xf.id_shape_ok("$A$5")) < 255  # Excel's limit for a validation formula


def test_metadata_sheet(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    build_template("cdc", unit_code="3056500001", unit_name="ศพด.บ้านทดสอบ", year=2568, round_no=1,
                   out=str(path), capacity=10)  # fmt: skip
    wb = CalamineWorkbook.from_path(str(path))
    rows = dict((r[0], r[1]) for r in wb.get_sheet_by_name(META_SHEET).to_python())
    assert rows["form"] == "cdc" and rows["unit_code"] == "3056500001" and rows["unit_name"] == "ศพด.บ้านทดสอบ"
    assert rows["year"] == "2568" and rows["round"] == "1"
    assert rows["template_version"] == str(TEMPLATE_VERSION)
    assert re.fullmatch(r"[0-9a-f]{64}", rows["digest"])
    assert rows["generated_at"].startswith("20")


def test_default_capacity_fits_the_biggest_schools(tmp_path: Path) -> None:
    buf = io.BytesIO()
    build_template("school", unit_code="3056200001", year=2567, round_no=2, out=buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()), read_only=False)
    ws = wb[SHEETS["school"]["roster"]]
    last = 4 + DEFAULT_CAPACITY
    assert DEFAULT_CAPACITY >= 5000
    dv_refs = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert f"A5:A{last}" in dv_refs
    assert ws.cell(last, 11).value.startswith("=IF(")  # verdict formula on the last prepared row
    assert len(buf.getvalue()) < 3_000_000


def test_previous_roster_prefills_and_is_kept(tmp_path: Path, kit: Any) -> None:
    path = tmp_path / "p.xlsx"
    prev = [kit.pupil(), kit.pupil(citizen_id=kit.ID_ZERO, first_name="สมหญิง", prefix="เด็กหญิง", sex="หญิง")]
    kit.make("school", path, previous_rows=prev)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["school"]["roster"]]
    assert [ws["A5"].value, ws["A6"].value, ws["A7"].value] == [kit.ID_A, kit.ID_ZERO, None]
    assert wb[PREVIOUS_SHEET].sheet_state == "veryHidden"
    assert wb[PREVIOUS_SHEET]["A3"].value == kit.ID_ZERO
    instructions = " ".join(str(c.value) for c in wb[INSTRUCTIONS_SHEET]["A"] if c.value)
    assert "2 คน" in instructions


def test_unknown_form_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        build_template("hospital", unit_code="1", year=2567, round_no=1, out=str(tmp_path / "x.xlsx"))


def test_instructions_are_thai_and_fit_the_form(built: tuple[str, Any]) -> None:
    form, wb = built
    ws = wb[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    assert len(THAI.findall(text)) > 200
    assert ("ชั้น สัญชาติ" in text) == (form == "school")
    assert ("ใส่ 0" in text) == (form == "other")
