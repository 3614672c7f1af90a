"""Write the locked templates (XlsxWriter): the clerk's whole experience of the product.

Every sheet follows one layout (meta.py): a title and a subtitle that name the unit, year and round; a
hidden row of stable English keys; the Thai header; input rows. Only input cells are unlocked, closed
lists are dropdowns fed from a very-hidden sheet through defined names, and conditional formats plus a
verdict column (excel_formulas.py) flag a wrong check digit, a duplicate, a blank required cell or a bad
count in any spreadsheet program, with no add-in.

Rows are streamed (constant_memory), so the same function writes a 6,000-row blank template in a blink
and a 100,000-row filled roster for the benchmark.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from validators.context import age_reference
from validators.fields import (
    COLUMNS_BY_ROLE,
    DROPDOWN_LISTS,
    FORM_TITLES,
    FORMS,
    GRADE_SPAN_LABELS,
    OTHER_COUNT_KEYS,
    REMOVAL_REASONS,
    SHEETS,
    Column,
    span_count_keys,
)
from validators.normalize import format_thai_date
from validators.units import INSTITUTION_KINDS
from workbook_templates import excel_formulas as xf
from workbook_templates.meta import (
    DEFAULT_CAPACITY,
    FIRST_DATA_ROW,
    HEADER_ROW,
    KEY_ROW,
    LISTS_SHEET,
    META_SHEET,
    PREVIOUS_KEYS,
    PREVIOUS_SHEET,
    STATUS_KEY,
    SUBTITLE_ROW,
    TITLE_ROW,
    TemplateMeta,
    meta_rows,
    previous_digest,
)
from workbook_templates.safe_text import write_text

FONT = "TH Sarabun New"
"""The government's standard Thai font; programs without it substitute their Thai fallback."""
FONT_SIZE = 14
SHEET_PASSWORD = "lec-sheets"
"""A guard-rail against accidental edits, not security (the legacy 16-bit hash): the server re-checks."""
INSTRUCTIONS_SHEET = "คำแนะนำ"
OTHER_CAPACITY = 300
"""Other-affiliation schools per LAO are a handful; 300 rows is room to spare."""
OTHER_PUPIL_CAPACITY = 3000
"""Rows prepared in an LAO's optional pupil list of its other-affiliation schools (a handful of schools
of a few hundred pupils each); a longer list is written whole with a margin below it."""
REMOVED_CAPACITY = 1000
"""Rows prepared in the removed-children register: a round's removals are tens, rarely hundreds. Kept
small because every prepared row carries a verdict formula that a reader must parse."""
PREFILL_MARGIN = 500
"""Rows of room left below a pre-filled roster for newcomers."""

STATUS_HEADER = "ผลตรวจ (อัตโนมัติ)"
OK_WORD = "ถูกต้อง"

PROTECT_OPTIONS = {
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "format_columns": True,
    "format_rows": True,
    "autofilter": True,
    "sort": True,
}

Rows = Sequence[Mapping[str, Any]]


def be_text(d: date) -> str:
    """A date as a Thai clerk writes it: dd/mm/yyyy in Buddhist Era."""
    return f"{d.day:02d}/{d.month:02d}/{d.year + 543}"


def _cell_text(value: Any) -> str:
    """A value as text for the hidden previous-roster copy (and its digest)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return be_text(value.date())
    if isinstance(value, date):
        return be_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Formats:
    """The handful of cell formats, created once per workbook."""

    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 18})
        self.subtitle = wb.add_format({**base, "font_color": "#333333"})
        self.key = wb.add_format({**base, "font_color": "#999999", "font_size": 9})
        self.header = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9E2F3", "border": 1}
        )
        self.header_required = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#FCE4D6", "border": 1}
        )
        self.input_text = wb.add_format({**base, "num_format": "@", "locked": False, "bg_color": "#FFFDE7"})
        self.input_count = wb.add_format({**base, "num_format": "0", "locked": False, "bg_color": "#FFFDE7"})
        self.status = wb.add_format({**base, "font_size": 12, "locked": True, "bg_color": "#F2F2F2"})
        self.text = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({**base, "bold": True})
        self.bad = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.dup = wb.add_format({"bg_color": "#FFD966", "font_color": "#7F6000"})
        self.missing = wb.add_format({"bg_color": "#F8CBAD"})
        self.good = wb.add_format({"font_color": "#006100"})
        self.fixed = wb.add_format({**base, "num_format": "@", "locked": True, "bg_color": "#EDEDED"})
        self.not_taught = wb.add_format({**base, "locked": True, "pattern": 9, "fg_color": "#BFBFBF",
                                         "bg_color": "#F2F2F2"})  # fmt: skip


def build_template(
    form: str,
    *,
    unit_code: str,
    unit_name: str = "",
    year: int,
    round_no: int,
    out: str | os.PathLike[str] | IO[bytes],
    previous_rows: Rows | None = None,
    previous_removals: Rows | None = None,
    rows: Rows | None = None,
    removals: Rows | None = None,
    capacity: int | None = None,
    generated_at: str | None = None,
    as_of: date | None = None,
    unit_kind: str | None = None,
    basic: Mapping[str, Any] | None = None,
    previous_year: int | None = None,
    pupils: Rows | None = None,
    finish: Callable[[xlsxwriter.Workbook], None] | None = None,
) -> TemplateMeta:
    """Write the template of `form` for one unit and round to `out` (a path or a binary file).

    `previous_rows` is the last confirmed roster (or, for "other", last round's counts): it pre-fills the
    input rows, so a clerk edits rather than retypes, and for a roster it is also kept in a very-hidden
    sheet so removals can be checked offline. `previous_removals` pre-fills the removed-children
    register (an institution keeps it across rounds). `rows` / `removals` write filled rows instead
    (tests and the benchmark). Values go in as given: text as text, numbers as numbers, dates as BE text.

    `as_of` is the round's census date (the server passes its round's): it travels in the metadata so that
    `lec validate`, the add-in and the server judge ages and entry dates against the same day. Without it
    the validators use the default for the round number (`validators.context.census_date`). `unit_kind`
    ("school", "college", "cdc", the registry's kind) travels too, so the grades are checked against
    what the institution teaches offline as well.

    For "other", a row may carry `grades` (its span key, `k1-p6`, ...) and `registered` (the registry lists
    it): the cells of grades outside the span are locked and greyed, and a registered school's code, name,
    affiliation and span are locked (they come from the registry). For "cdc", `basic` pre-fills the
    centre's basic-data sheet (caregivers, classrooms, capacity, head of centre). For "other", `pupils`
    pre-fills the optional pupil list of the other-affiliation schools (letter 003 §5.2(1)).

    `previous_year` is the academic year of `previous_rows` when it is an earlier one (the first round of
    a new year: `rows` are then last year's pupils promoted, `removals` its leavers): it travels in the
    metadata so `lec validate` can tell pupils left in last year's grade, as the server does.

    `finish` is called with the workbook just before it is
    closed: the add-in's macro-enabled copy adds its settings sheet and VBA project there (`addin/xlsm.py`).
    """
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}")
    if unit_kind is not None and (
        unit_kind not in INSTITUTION_KINDS or (unit_kind == "cdc") != (form == "cdc") or form == "other"
    ):
        raise ValueError(f"unit kind {unit_kind!r} does not fill the {form!r} form")
    roster_role = "counts" if form == "other" else "roster"
    carried = list(previous_rows or ())
    data_rows = list(rows) if rows is not None else carried
    if capacity is None:
        capacity = OTHER_CAPACITY if form == "other" else DEFAULT_CAPACITY
    capacity = max(capacity, len(carried) + PREFILL_MARGIN if carried else 0)

    prev_table: list[tuple[str, ...]] = []
    if carried and form != "other":
        prev_table = [tuple(_cell_text(r.get(k)) for k in PREVIOUS_KEYS) for r in carried]
    meta = TemplateMeta(
        form=form,
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        round_no=round_no,
        generated_at=generated_at or datetime.now(UTC).isoformat(timespec="seconds"),
        sheets=dict(SHEETS[form]),
        capacity=capacity,
        previous_count=len(prev_table),
        previous_digest=previous_digest(prev_table) if prev_table else "",
        as_of=as_of,
        age_reference=age_reference(year),
        unit_kind=unit_kind,
        previous_year=previous_year if prev_table else None,
    )

    wb = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"title": FORM_TITLES[form], "author": "LEC Sheets", "comments": meta.round_label})
    fmt = _Formats(wb)
    instructions = wb.add_worksheet(INSTRUCTIONS_SHEET)
    _write_instructions(instructions, fmt, form, meta)

    data_sheet_names = SHEETS[form]
    roster_name = data_sheet_names[roster_role]
    _write_data_sheet(wb, fmt, form, roster_role, meta, data_rows, capacity)
    if "removed" in data_sheet_names:
        register = list(removals) if removals is not None else list(previous_removals or ())
        _write_data_sheet(
            wb, fmt, form, "removed", meta, register, min(capacity, REMOVED_CAPACITY) + len(register),
            roster_sheet=roster_name, roster_capacity=capacity,
        )  # fmt: skip
    if "basic" in data_sheet_names:
        _write_data_sheet(wb, fmt, form, "basic", meta, [basic] if basic else [], 1)
    if "pupils" in data_sheet_names:
        listed = list(pupils or ())
        room = OTHER_PUPIL_CAPACITY if not listed else max(OTHER_PUPIL_CAPACITY, len(listed) + PREFILL_MARGIN)
        _write_data_sheet(wb, fmt, form, "pupils", meta, listed, room)

    _write_lists(wb)
    if prev_table:
        _write_previous(wb, prev_table)
    _write_meta(wb, meta)
    instructions.activate()
    if finish is not None:
        finish(wb)
    wb.close()
    return meta


def _title_rows(ws: Worksheet, fmt: _Formats, meta: TemplateMeta, sheet_title: str, ncol: int) -> None:
    """Title and subtitle. Every cell of both rows is written (locked): an unwritten cell would take its
    column's unlocked input format and invite typing above the table."""
    for c in range(1, ncol + 1):
        ws.write_blank(TITLE_ROW - 1, c, None, fmt.title)
    ws.set_row(TITLE_ROW - 1, 30)
    ws.write_string(TITLE_ROW - 1, 0, f"{sheet_title}  ปีการศึกษา {meta.year} ครั้งที่ {meta.round_no}", fmt.title)
    unit = f"รหัสหน่วย {meta.unit_code}" + (f"  {meta.unit_name}" if meta.unit_name else "")
    ws.write_string(
        SUBTITLE_ROW - 1, 0,
        f"{unit}   •   กรอกเฉพาะช่องสีเหลือง ตั้งแต่แถวที่ {FIRST_DATA_ROW} ลงไป   •   ช่องสีแดง/ส้ม = ต้องแก้ไข",
        fmt.subtitle,
    )  # fmt: skip
    for c in range(1, ncol + 1):
        ws.write_blank(SUBTITLE_ROW - 1, c, None, fmt.subtitle)


def _write_data_sheet(
    wb: Workbook,
    fmt: _Formats,
    form: str,
    role: str,
    meta: TemplateMeta,
    rows: Rows,
    capacity: int,
    *,
    roster_sheet: str | None = None,
    roster_capacity: int = 0,
) -> None:
    """One input sheet: layout, formats, validations, conditional formats, verdict column, rows."""
    cols = COLUMNS_BY_ROLE[(form, role)]
    name = SHEETS[form][role]
    ws = wb.add_worksheet(name)
    _skip_future_function_rewrite(ws)
    ncol = len(cols)
    status_col = ncol
    first = FIRST_DATA_ROW - 1  # 0-based first input row
    last = first + capacity - 1  # 0-based last prepared row

    title = SHEET_TITLES.get(role, FORM_TITLES[form])
    _title_rows(ws, fmt, meta, title, ncol + 1)
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width, fmt.input_count if c.kind == "count" else fmt.input_text)
    ws.set_column(status_col, status_col, 22, fmt.status)

    ws.set_row(KEY_ROW - 1, None, fmt.key, {"hidden": True})
    for i, c in enumerate(cols):
        ws.write_string(KEY_ROW - 1, i, c.key, fmt.key)
    ws.write_string(KEY_ROW - 1, status_col, STATUS_KEY, fmt.key)
    ws.set_row(HEADER_ROW - 1, 48 if form != "other" else 36)
    for i, c in enumerate(cols):
        ws.write_string(HEADER_ROW - 1, i, c.header + (" *" if c.required else ""),
                        fmt.header_required if c.required else fmt.header)  # fmt: skip
    ws.write_string(HEADER_ROW - 1, status_col, STATUS_HEADER, fmt.header)

    refs = _RowRefs(cols, first)
    verdict = _verdict_formula(role, cols, refs, capacity, roster_sheet, roster_capacity)
    _validations(ws, cols, first, last)
    _conditional_formats(ws, fmt, cols, refs, first, last, status_col, roster_sheet, capacity, roster_capacity)

    writers = [_cell_writer(ws, c, fmt) for c in cols]
    n = max(len(rows), capacity)
    for r in range(n):
        excel_row = first + r
        if r < len(rows) and role == "counts":
            _write_other_row(ws, fmt, cols, excel_row, rows[r], writers)
        elif r < len(rows):
            row = rows[r]
            for i, c in enumerate(cols):
                value = row.get(c.key)
                if value is not None and value != "":
                    writers[i](excel_row, i, value)
        if r < capacity:
            ws.write_formula(excel_row, status_col, verdict.replace("{r}", str(excel_row + 1)), fmt.status, "")

    ws.freeze_panes(HEADER_ROW, 2 if form == "other" else 1)
    ws.autofilter(HEADER_ROW - 1, 0, max(last, first + len(rows) - 1), status_col)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW - 1)
    # Print the input columns only: the verdict column's formulas fill every prepared row, and printing
    # it made a blank template 137 pages long. Within a print area, empty pages are skipped.
    ws.print_area(0, 0, max(last, first + len(rows) - 1), ncol - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer(f"&L{meta.unit_code} {meta.round_label}&Cหน้า &P / &N")
    ws.protect(SHEET_PASSWORD, PROTECT_OPTIONS)


SHEET_TITLES = {
    "removed": "ทะเบียนนักเรียน/เด็กเล็กที่นำออก",
    "pupils": "รายชื่อนักเรียนสถานศึกษาสังกัดอื่น (ถ้ามี)",
}
"""Titles of the sheets that are not the form's main one (the main one carries the form's title)."""

REGISTRY_KEYS = ("other_school_code", "other_school_name", "affiliation", "grades")
"""What the registry says about an other-affiliation school: locked in its pre-filled row."""


def _write_other_row(
    ws: Worksheet, fmt: _Formats, cols: Sequence[Column], excel_row: int, row: Mapping[str, Any], writers: list[Any]
) -> None:
    """One other-affiliation school: grades outside its span locked and grey, registry fields locked."""
    span = row.get("grades")
    taught = set(span_count_keys(span))
    for i, c in enumerate(cols):
        value = row.get(c.key)
        if c.key == "grades" and value in GRADE_SPAN_LABELS:
            value = GRADE_SPAN_LABELS[value]
        if c.kind == "count" and c.key not in taught:
            ws.write_blank(excel_row, i, None, fmt.not_taught)
        elif row.get("registered") and c.key in REGISTRY_KEYS:
            if value in (None, ""):
                ws.write_blank(excel_row, i, None, fmt.fixed)
            else:
                write_text(ws, excel_row, i, str(value), fmt.fixed)
        elif value is not None and value != "":
            writers[i](excel_row, i, value)
        elif c.kind == "count":  # an open cell written as such (not left to the column's format): readers
            ws.write_blank(excel_row, i, None, fmt.input_count)  # that ignore column styles see it open too


def _taught(refs: _RowRefs, key: str, row: str) -> str:
    """Excel: TRUE when the row's span (its `grades` cell) teaches the grade of count `key`."""
    if "grades" not in refs.letters or key.startswith("p"):
        return "TRUE"
    span = f"${refs.letters['grades']}{row}"
    exclude = GRADE_SPAN_LABELS["p1-m3" if key.startswith("k") else "k1-p6"]
    return f'{span}<>"{exclude}"'


def _plain_formula(formula: str, expand_future_functions: bool = False) -> str:
    return formula[1:] if formula.startswith("=") else formula


def _skip_future_function_rewrite(ws: Worksheet) -> None:
    """Skip XlsxWriter's ~30 regex passes per formula (dynamic-array renames): our checks use only
    classic functions (asserted in the tests), and the passes made a 6,000-row template take 5 s."""
    ws._prepare_formula = _plain_formula  # type: ignore[method-assign]


class _RowRefs:
    """Cell references of a template row, written with `{r}` for the row number (filled per row)."""

    def __init__(self, cols: Sequence[Column], first: int) -> None:
        self.letters = {c.key: xl_col_to_name(i) for i, c in enumerate(cols)}
        self.first_letter = xl_col_to_name(0)
        self.last_letter = xl_col_to_name(len(cols) - 1)

    def cell(self, key: str, row: str = "{r}") -> str:
        return f"{self.letters[key]}{row}"

    def started(self, row: str = "{r}") -> str:
        return xf.row_has_data(f"${self.first_letter}{row}", f"${self.last_letter}{row}")


def _id_range(letter: str, capacity: int, sheet: str | None = None) -> str:
    rng = f"${letter}${FIRST_DATA_ROW}:${letter}${FIRST_DATA_ROW + capacity - 1}"
    return f"'{sheet}'!{rng}" if sheet else rng


def _verdict_formula(
    role: str,
    cols: Sequence[Column],
    refs: _RowRefs,
    capacity: int,
    roster_sheet: str | None,
    roster_capacity: int,
) -> str:
    """The per-row verdict (Thai word) with `{r}` standing for the Excel row number."""
    required = [refs.cell(c.key) for c in cols if c.required]
    checks: list[tuple[str, str]] = []
    if role == "counts":
        code = refs.cell("other_school_code")
        count_first = refs.cell(OTHER_COUNT_KEYS[0])
        count_last = refs.cell(OTHER_COUNT_KEYS[-1])
        block = f"{count_first}:{count_last}"
        parts = {p: [k for k in OTHER_COUNT_KEYS if k.startswith(p)] for p in ("k", "p", "m")}
        ranges = {p: f"{refs.cell(keys[0])}:{refs.cell(keys[-1])}" for p, keys in parts.items()}
        taught = {p: _taught(refs, p, "{r}") for p in parts}
        blank = ",".join(f"AND({taught[p]},COUNT({ranges[p]})<{len(keys)})" for p, keys in parts.items())
        extra = ",".join(f"AND(NOT({taught[p]}),SUM({ranges[p]})<>0)" for p in ("k", "m"))
        checks.append((xf.any_blank([code, refs.cell("other_school_name")]), "ไม่มีรหัส/ชื่อ"))
        checks.append((f"OR({blank})", "จำนวนว่าง (ใส่ 0)"))
        checks.append((f"IFERROR(OR({extra}),TRUE)", "ชั้นที่ไม่ได้เปิดสอน"))
        checks.append((f'IFERROR(OR(COUNTIF({block},"<0")>0,SUMPRODUCT(MOD({block},1))>0),TRUE)', "จำนวนไม่ถูกต้อง"))
        return xf.verdict(checks, refs.started(), OK_WORD)
    if role == "basic":
        text = [refs.cell(c.key) for c in cols if c.required and c.kind != "count"]
        counts = [xf.count_bad(refs.cell(c.key)) for c in cols if c.kind == "count"]
        checks.append((xf.any_blank(text), "กรอกไม่ครบ"))
        checks.append((f"OR({','.join(counts)})", "จำนวนไม่ถูกต้อง (ใส่ 0 ขึ้นไป)"))
        return xf.verdict(checks, refs.started(), OK_WORD)
    cid = refs.cell("citizen_id")
    letter = refs.letters["citizen_id"]
    checks.append((f"AND(NOT({xf.blank(cid)}),NOT({xf.id_ok(cid)}))", "เลขประจำตัวผิด"))
    checks.append((xf.duplicate(cid, _id_range(letter, capacity)), "เลขซ้ำ"))
    if role == "removed" and roster_sheet:
        still = f"IFERROR(COUNTIF({_id_range(letter, roster_capacity, roster_sheet)},{cid})>0,FALSE)"
        checks.append((still, "ยังอยู่ในทะเบียน"))
    checks.append((xf.any_blank(required), "กรอกไม่ครบ"))
    return xf.verdict(checks, refs.started(), OK_WORD)


def _validations(ws: Worksheet, cols: Sequence[Column], first: int, last: int) -> None:
    """Dropdowns and entry checks. XlsxWriter shows the error box by default (openpyxl does not)."""
    for i, c in enumerate(cols):
        top = xl_rowcol_to_cell(first, i)
        opts: dict[str, Any]
        if c.kind == "list":
            assert c.list_name
            opts = {
                "validate": "list",
                "source": f"={c.list_name}",
                "error_title": "ค่าไม่อยู่ในรายการ",
                "error_message": f"ช่อง {c.header} ต้องเลือกจากรายการเท่านั้น (คลิกลูกศรที่มุมขวาของช่อง)",
            }
        elif c.kind == "id":
            opts = {
                "validate": "custom",
                "value": "=" + xf.id_shape_ok(top),
                "error_title": "เลขประจำตัวไม่ถูกต้อง",
                "error_message": "เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก (ไม่มีขีดหรือช่องว่าง) "
                "หรือ G-Code คือ G ตามด้วยตัวเลข 12 หลัก",
                "input_title": "เลขประจำตัว 13 หลัก",
                "input_message": "พิมพ์ตัวเลข 13 หลักติดกัน หรือ G-Code (G + 12 หลัก) สำหรับผู้ไม่มีเลขประจำตัวประชาชน",
            }
        elif c.kind == "date":
            opts = {
                "validate": "any",
                "input_title": "วันที่ (พ.ศ.)",
                "input_message": "พิมพ์ วว/ดด/ปปปป เป็นปี พ.ศ. เช่น 05/03/2560",
            }
        elif c.kind == "count":
            opts = {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": 100000,
                "error_title": "จำนวนไม่ถูกต้อง",
                "error_message": "ใส่จำนวนเต็มตั้งแต่ 0 ขึ้นไปเป็นเลขอารบิก ชั้นที่ไม่มีนักเรียนให้ใส่ 0 ห้ามเว้นว่าง",
            }
        else:
            continue
        ws.data_validation(first, i, last, i, opts)


def _conditional_formats(
    ws: Worksheet,
    fmt: _Formats,
    cols: Sequence[Column],
    refs: _RowRefs,
    first: int,
    last: int,
    status_col: int,
    roster_sheet: str | None,
    capacity: int,
    roster_capacity: int,
) -> None:
    """Highlights: wrong ID (red), duplicate ID (amber), required blank in a started row, bad count."""
    top_row = str(first + 1)
    started = refs.started(top_row)
    for i, c in enumerate(cols):
        top = xl_rowcol_to_cell(first, i)
        if c.kind == "id":
            ws.conditional_format(first, i, last, i, {
                "type": "formula",
                "criteria": f"=AND(NOT({xf.blank(top)}),NOT({xf.id_ok(top)}))",
                "format": fmt.bad,
            })  # fmt: skip
            ws.conditional_format(first, i, last, i, {
                "type": "formula",
                "criteria": "=" + xf.duplicate(top, _id_range(xl_col_to_name(i), capacity)),
                "format": fmt.dup,
            })  # fmt: skip
            if roster_sheet:
                still = f"COUNTIF({_id_range(xl_col_to_name(i), roster_capacity, roster_sheet)},{top})>0"
                ws.conditional_format(first, i, last, i, {
                    "type": "formula", "criteria": f"=IFERROR(AND({top}<>\"\",{still}),FALSE)", "format": fmt.dup,
                })  # fmt: skip
        if c.kind == "count":
            taught = _taught(refs, c.key, top_row)
            ws.conditional_format(first, i, last, i, {
                "type": "formula", "criteria": f"=AND({started},{taught},{xf.count_bad(top)})", "format": fmt.bad,
            })  # fmt: skip
            if taught != "TRUE":  # a count forced into a grade the school does not teach
                ws.conditional_format(first, i, last, i, {
                    "type": "formula", "criteria": f"=IFERROR(AND(NOT({taught}),N({top})<>0),FALSE)", "format": fmt.bad,
                })  # fmt: skip
        elif c.required:
            ws.conditional_format(first, i, last, i, {
                "type": "formula", "criteria": f"=AND({started},{xf.blank(top)})", "format": fmt.missing,
            })  # fmt: skip
    status_top = xl_rowcol_to_cell(first, status_col)
    ws.conditional_format(first, status_col, last, status_col, {
        "type": "formula", "criteria": f'={status_top}="{OK_WORD}"', "format": fmt.good,
    })  # fmt: skip
    ws.conditional_format(first, status_col, last, status_col, {
        "type": "formula", "criteria": f'=AND({status_top}<>"",{status_top}<>"{OK_WORD}")', "format": fmt.bad,
    })  # fmt: skip


def _cell_writer(ws: Worksheet, col: Column, fmt: _Formats) -> Any:
    """A function writing one value of `col` the way a clerk's typing would store it."""
    cell_fmt = fmt.input_count if col.kind == "count" else fmt.input_text

    def write(row: int, c: int, value: Any) -> None:
        if col.key == "reason" and value in REMOVAL_REASONS:  # a stored reason key -> its dropdown label
            value = REMOVAL_REASONS[value]
        if isinstance(value, str):
            write_text(ws, row, c, value, cell_fmt)
        elif isinstance(value, bool):
            ws.write_string(row, c, "ใช่" if value else "ไม่ใช่", cell_fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(row, c, value, cell_fmt)
        elif isinstance(value, (date, datetime)):
            ws.write_string(row, c, be_text(value if not isinstance(value, datetime) else value.date()), cell_fmt)
        else:
            ws.write_string(row, c, str(value), cell_fmt)

    return write


def _hidden_sheet(wb: Workbook, name: str) -> Worksheet:
    ws = wb.add_worksheet(name)
    ws.very_hidden()
    ws.protect(SHEET_PASSWORD)
    return ws


def _write_lists(wb: Workbook) -> None:
    """Closed lists, one per column, each behind a defined name (inline lists break past 255 chars)."""
    ws = _hidden_sheet(wb, LISTS_SHEET)
    names = list(DROPDOWN_LISTS)
    longest = max(len(v) for v in DROPDOWN_LISTS.values())
    for i, name in enumerate(names):
        ws.write_string(0, i, name)
    for r in range(longest):
        for i, name in enumerate(names):
            values = DROPDOWN_LISTS[name]
            if r < len(values):
                ws.write_string(r + 1, i, values[r])
    for i, name in enumerate(names):
        letter = xl_col_to_name(i)
        wb.define_name(name, f"={LISTS_SHEET}!${letter}$2:${letter}${len(DROPDOWN_LISTS[name]) + 1}")


def _write_previous(wb: Workbook, table: Sequence[Sequence[str]]) -> None:
    """The previous confirmed roster, kept so removals can be checked with no server."""
    ws = _hidden_sheet(wb, PREVIOUS_SHEET)
    for i, k in enumerate(PREVIOUS_KEYS):
        ws.write_string(0, i, k)
    for r, row in enumerate(table, start=1):
        for i, v in enumerate(row):
            if v:
                write_text(ws, r, i, v)


def _write_meta(wb: Workbook, meta: TemplateMeta) -> None:
    ws = _hidden_sheet(wb, META_SHEET)
    for r, (k, v) in enumerate(meta_rows(meta)):
        ws.write_string(r, 0, k)
        write_text(ws, r, 1, v)


INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "common": (
        "1. กรอกข้อมูลในชีตถัดไป เฉพาะช่องสีเหลือง ตั้งแต่แถวที่ 5 ลงไป หนึ่งแถวต่อหนึ่งคน ห้ามเปลี่ยนชื่อชีต ลบคอลัมน์ หรือแก้หัวตาราง",
        "2. เลขประจำตัวประชาชนพิมพ์ 13 หลักติดกัน (ช่องนี้ตั้งเป็นข้อความไว้แล้ว เลข 0 นำหน้าจะไม่หาย) "
        "ผู้ไม่มีเลขประจำตัวประชาชนให้ใช้ G-Code เช่น G644200000001",
        "3. คำนำหน้าชื่อ เพศ ชั้น สัญชาติ ให้เลือกจากรายการ (คลิกลูกศรที่มุมขวาของช่อง)",
        "4. วันที่ พิมพ์แบบ วว/ดด/ปปปป เป็นปี พ.ศ. เช่น 05/03/2560",
        '5. ช่องที่มีเครื่องหมาย * ต้องกรอก ช่องที่เป็นสีแดงหรือสีส้ม และคอลัมน์ "ผลตรวจ" ที่ไม่ใช่คำว่า "ถูกต้อง" แสดงว่ายังต้องแก้ไข',
        "6. นักเรียน/เด็กที่ไม่มีตัวตน ย้ายออก จบการศึกษา หรือเสียชีวิต ให้ลบข้อมูลในแถวนั้นออก (เลือกช่องแล้วกด Delete) "
        'แล้วบันทึกในชีต "นำออก" พร้อมเหตุผล (หนังสือที่ มท 0816.2/ว 1301 ข้อ 4.3.4)',
        "7. ตรวจไฟล์ก่อนส่งด้วยปุ่มตรวจสอบของ Add-in หรือคำสั่ง lec validate แล้วจึงส่งเข้าระบบ",
    ),
    "other": (
        "1. กรอกจำนวนนักเรียนของสถานศึกษาสังกัดอื่นในพื้นที่ ที่ อปท. จ่ายค่าอาหารกลางวัน/อาหารเสริม(นม) หนึ่งแถวต่อหนึ่งโรงเรียน",
        "2. โรงเรียนที่อยู่ในทะเบียนมีรหัส ชื่อ สังกัด และชั้นที่เปิดสอนใส่ไว้ให้แล้ว (ช่องสีเทาแก้ไม่ได้) "
        "ทุกโรงเรียนในทะเบียนต้องส่ง ห้ามลบแถว ให้กรอกเฉพาะจำนวนชาย/หญิงในชั้นที่เปิดสอน",
        "3. ชั้นที่ไม่มีนักเรียนให้ใส่ 0 (เลขอารบิก) ห้ามเว้นว่าง ชั้นที่โรงเรียนไม่ได้เปิดสอนเป็นช่องลายสีเทา ไม่ต้องกรอก",
        "3.1 โรงเรียนที่ไม่อยู่ในทะเบียน เพิ่มได้ในแถวว่างด้านล่าง: ใส่รหัส ชื่อ สังกัด และเลือกชั้นที่เปิดสอน (ระบบจะแจ้งจังหวัดให้ตรวจสอบ)",
        '4. โรงเรียนที่ยุบเลิกแล้ว เลือก "ใช่" ในช่องยุบเลิกแล้ว และใส่ 0 ทุกช่องของชั้นที่เปิดสอน',
        '5. ช่องสีแดง และคอลัมน์ "ผลตรวจ" ที่ไม่ใช่คำว่า "ถูกต้อง" แสดงว่ายังต้องแก้ไข',
        "6. ตรวจไฟล์ก่อนส่งด้วยปุ่มตรวจสอบของ Add-in หรือคำสั่ง lec validate แล้วจึงส่งเข้าระบบ",
        '7. (ถ้ามี) รายชื่อนักเรียนของโรงเรียนสังกัดอื่น (หนังสือที่ มท 0816.2/ว 1301 ข้อ 5.2(1)) กรอกในชีต "รายชื่อนักเรียนสังกัดอื่น" '
        "หนึ่งแถวต่อนักเรียนหนึ่งคน: รหัสโรงเรียน (ตามชีตจำนวน) เลขประจำตัว 13 หลัก ชื่อ นามสกุล ชั้น "
        "ระบบจะตรวจเลขประจำตัวกับรายชื่อนักเรียนของสถานศึกษาทุกแห่งในรอบนี้ ถ้าพบซ้ำ ผู้มีอำนาจจะตัดสินว่าเด็กเรียนที่ใด "
        "ไม่กรอกชีตนี้ก็ส่งได้ (ส่งเฉพาะจำนวน)",
    ),
}


def _write_instructions(ws: Worksheet, fmt: _Formats, form: str, meta: TemplateMeta) -> None:
    """The first sheet: what this file is for and how to fill it, in Thai."""
    ws.set_column(0, 0, 120)
    ws.write_string(0, 0, f"{FORM_TITLES[form]}  ปีการศึกษา {meta.year} ครั้งที่ {meta.round_no}", fmt.title)
    unit = f"รหัสหน่วย {meta.unit_code}" + (f"  {meta.unit_name}" if meta.unit_name else "")
    ws.write_string(1, 0, unit, fmt.bold)
    dates = [f"ข้อมูล ณ วันที่ {format_thai_date(meta.as_of)}"] if meta.as_of else []
    if form != "other":
        dates.append(f"อายุนับถึงวันที่ {format_thai_date(meta.age_reference or age_reference(meta.year))}")
    if dates:
        ws.write_string(2, 0, "   •   ".join(dates), fmt.text)
    lines = INSTRUCTIONS["other" if form == "other" else "common"]
    if form == "cdc":  # child centres have age groups, not grades
        lines = tuple(line.replace(" เพศ ชั้น สัญชาติ", " เพศ สัญชาติ") for line in lines)
        lines += (
            '8. กรอกข้อมูลพื้นฐานของศูนย์ในชีต "ข้อมูลพื้นฐาน" (ครูผู้ดูแลเด็ก ผู้ดูแลเด็ก ห้องเรียน จำนวนที่รับได้ '
            "หัวหน้าศูนย์และโทรศัพท์) ต้องกรอกก่อนยืนยันข้อมูล (หนังสือที่ มท 0816.2/ว 1301 ข้อ 5.3.2)",
        )
    ws.write_string(3, 0, "วิธีกรอก", fmt.bold)
    for i, line in enumerate(lines):
        ws.write_string(4 + i, 0, line, fmt.text)
    if meta.previous_count:
        ws.write_string(
            5 + len(lines), 0,
            f"แบบฟอร์มนี้ใส่รายชื่อที่ยืนยันแล้วรอบก่อนไว้ให้ {meta.previous_count} คน ให้ตรวจ แก้ไข ลบผู้ที่ไม่มีตัวตน "
            "และเพิ่มผู้ย้ายเข้า ไม่ต้องพิมพ์ใหม่ทั้งหมด",
            fmt.text,
        )  # fmt: skip
    ws.write_string(7 + len(lines), 0, "แบบฟอร์มนี้ล็อกไว้เพื่อป้องกันการแก้ไขโดยไม่ตั้งใจ ข้อมูลจะถูกตรวจซ้ำทุกครั้งที่ส่งเข้าระบบ", fmt.text)
    ws.protect(SHEET_PASSWORD, {"select_locked_cells": True, "select_unlocked_cells": True})
