"""Reading a workbook through xlwings and writing the add-in's own sheets back into it.

The add-in works on an xlwings `Book`, whichever engine stands behind it: Excel through COM/AppleScript
(the classic local add-in), or xlwings' remote engine fed with the JSON the VBA client posts (the
server-hosted set-up and the tests). Everything here therefore uses only what both engines offer:
range values in, and on the way out only actions xlwings' VBA client can replay (`setValues`,
`setRangeColor`, `addSheet`, `sheetClear`, `setNumberFormat`, `setAutofit`, `activateSheet`, `alert`,
`runMacro`); see `VBA_ACTIONS`.

Reading hands the Book's values to the template reader itself: `GridWorkbook` offers them through the
slice of calamine's interface the reader uses (`workbook_templates.read.OpenWorkbook`), and the add-in
calls `workbook_templates.check_file` on it, so a workbook validates the same in Excel, in
`lec validate` and on the server.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from workbook_templates.build import SHEET_PASSWORD
from workbook_templates.meta import META_SHEET, PREVIOUS_SHEET
from workbook_templates.read import FilledWorkbook

Grid = list[list[Any]]

VBA_ACTIONS = frozenset(
    {
        "setValues", "rangeClearContents", "rangeClearFormats", "rangeClear", "addSheet", "setSheetName",
        "setAutofit", "setRangeColor", "activateSheet", "addHyperlink", "setNumberFormat", "setPictureName",
        "setPictureHeight", "setPictureWidth", "deletePicture", "addPicture", "updatePicture", "alert",
        "setRangeName", "namesAdd", "nameDelete", "runMacro", "rangeDelete", "rangeInsert", "rangeSelect",
        "addTable", "setTableName", "resizeTable", "showAutofilterTable", "showHeadersTable",
        "showTotalsTable", "setTableStyle", "copyRange", "sheetDelete", "sheetClear", "sheetClearContents",
        "sheetClearFormats",
    }
)  # fmt: skip
"""The 37 action types xlwings' VBA client (addin/Remote.bas) implements; the server path uses no other."""

CHUNK_ROWS = 10_000
"""Rows per `setValues` action: the VBA client overflows above 32,767 rows in one action."""

FINDINGS_SHEET = "ผลการตรวจสอบ"
STATUS_SHEET = "สถานะ"
SETTINGS_SHEET = "ตั้งค่า"
MERGE_SHEET = "รวมแฟ้ม"
OWN_SHEETS = frozenset({FINDINGS_SHEET, STATUS_SHEET, SETTINGS_SHEET, MERGE_SHEET})
"""Sheets the add-in writes; never part of the data, never uploaded."""

ERROR_FILL = "#FFC7CE"
WARNING_FILL = "#FFEB9C"
INPUT_FILL = "#FFFDE7"
"""The template's input-cell fill (workbook_templates/build.py `input_text`): restored when a mark is cleared."""
HEADER_FILL = "#D9E2F3"

FINDINGS_HEADER = ("ลำดับ", "ชีต", "ช่อง", "ระดับ", "ข้อความ", "ค่าที่พบ", "รหัสกฎ")
FINDINGS_HEADER_ROW = 4
"""Row of the findings table's header; the first three rows carry the title and the summary."""
CELL_COLUMN = 2
"""0-based column of "ช่อง" (cell address) in the findings table: what `clear_marks` reads back."""


# ----------------------------------------------------------------------------------------------------
# Reading


_CLIENT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
"""How xlwings' clients send a date cell (VBA: `yyyy-mm-ddTHH:MM:SS.000Z`)."""


def _cell(value: Any) -> Any:
    """One raw cell as the template reader expects it: "" for empty, a client's date text as a datetime."""
    if value is None:
        return ""
    if type(value) is str and _CLIENT_DATE.match(value):
        return datetime.fromisoformat(value[:19])
    return value


def sheet_grid(sheet: Any) -> Grid:
    """A sheet's values from A1 to the end of its used range, empty cells as "" (calamine's shape).

    Anchoring at A1 keeps Excel row numbers equal to list indexes + 1 in every engine (the VBA client
    sends A1-anchored values; COM's used range may start further in). Raw values are read, not xlwings'
    converted ones: the remote engine's converter takes any ISO-looking text for a date and fails on one
    with a UTC offset (the template's own `generated_at` is such text), so dates are converted here.
    """
    used = sheet.used_range
    nrows, ncols = used.shape
    last_row, last_col = used.row + nrows - 1, used.column + ncols - 1
    raw = sheet.range((1, 1), (last_row, last_col)).raw_value
    if not isinstance(raw, (list, tuple)):
        return [] if raw in (None, "") else [[_cell(raw)]]
    if raw and not isinstance(raw[0], (list, tuple)):
        raw = [raw] if last_row == 1 else [[v] for v in raw]
    return [[_cell(v) for v in row] for row in raw]


def read_grids(book: Any) -> dict[str, Grid]:
    """Every worksheet's grid by name, in the book's order (hidden and very hidden ones included)."""
    return {sheet.name: sheet_grid(sheet) for sheet in book.sheets}


class _GridSheet:
    """One grid behind calamine's `to_python` signature."""

    def __init__(self, grid: Grid) -> None:
        self._grid = grid

    @property
    def height(self) -> int:
        """Rows in the grid: the reader checks it against its row cap before reading."""
        return len(self._grid)

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> Grid:
        width = max((len(r) for r in self._grid), default=0)
        rows = self._grid if nrows is None else self._grid[:nrows]
        return [[*r, *([""] * (width - len(r)))] for r in rows]


class GridWorkbook:
    """The Book's grids behind the slice of calamine's workbook interface the template reader uses."""

    def __init__(self, grids: dict[str, Grid]) -> None:
        self._grids = grids
        self.sheet_names = [n for n in grids if n not in OWN_SHEETS]

    def get_sheet_by_name(self, name: str) -> _GridSheet:
        return _GridSheet(self._grids[name])

    def close(self) -> None:
        """Nothing to release; present because the reader closes what it opened."""


def grids_to_xlsx(grids: dict[str, Grid]) -> bytes:
    """The Book's data sheets as an .xlsx, values at their own cells: what the add-in uploads.

    The server reads uploads with the same reader, so a values-only copy is all it needs; the add-in's
    own sheets stay behind, the metadata sheets stay (very) hidden, and IDs typed as text stay text.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
              "strings_to_urls": False},
    )  # fmt: skip
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for name, grid in grids.items():
        if name in OWN_SHEETS:
            continue
        ws = wb.add_worksheet(name)
        if name in (META_SHEET, PREVIOUS_SHEET, "lec_lists"):
            ws.very_hidden()
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                elif isinstance(v, (datetime, date)):
                    ws.write_datetime(r, c, v, date_fmt)
                else:
                    ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------------
# Writing


def find_sheet(book: Any, name: str) -> Any | None:
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


def fresh_sheet(book: Any, name: str) -> Any:
    """The add-in's sheet `name`, emptied (values and formats), added at the end if missing."""
    sheet = find_sheet(book, name)
    if sheet is None:
        return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    sheet.clear()
    return sheet


def write_rows(
    sheet: Any, top: int, rows: Sequence[Sequence[Any]], left: int = 1, text_columns: Sequence[int] = ()
) -> None:
    """Write a table starting at (top, left), in `setValues` actions of at most `CHUNK_ROWS` rows.

    `text_columns` (0-based, relative to `left`; formatted as one block from the first to the last) get
    the text number format first, so a value such as "0123" or a 13-digit ID stays text in Excel.
    """
    if not rows:
        return
    width = max(len(r) for r in rows)
    padded = [[*r, *([None] * (width - len(r)))] for r in rows]
    for start in range(0, len(padded), CHUNK_ROWS):
        chunk = padded[start : start + CHUNK_ROWS]
        first, last = top + start, top + start + len(chunk) - 1
        if text_columns:
            c1, c2 = left + min(text_columns), left + max(text_columns)
            sheet.range((first, c1), (last, c2)).number_format = "@"
        sheet.range((first, left)).value = chunk


def set_fill(sheet: Any, address: str, color: str) -> None:
    sheet.range(address).color = color


# ----------------------------------------------------------------------------------------------------
# Marks: colouring the cells findings point at, and undoing it


@dataclass(frozen=True, slots=True)
class Mark:
    """One cell (or, for a row-level finding, one row's input cells) to colour."""

    sheet: str
    row: int
    first_col: int
    last_col: int


def parse_cell(cell: str | None, widths: dict[str, int]) -> Mark | None:
    """`นักเรียน!C17` or `นักเรียน!17:17` (as the reader names cells) -> a `Mark`; None for anything else.

    `widths` gives the number of input columns per sheet, so a row-level finding colours the row's input
    cells and not 16,384 columns.
    """
    if not cell or "!" not in cell:
        return None
    sheet, _, ref = cell.rpartition("!")
    sheet = sheet.strip("'")
    if sheet not in widths:
        return None
    ref = ref.replace("$", "")
    try:
        if ":" in ref:
            first, _, last = ref.partition(":")
            if first.isdigit() and first == last:
                return Mark(sheet, int(first), 0, max(widths[sheet] - 1, 0))
            return None
        row, col = xl_cell_to_rowcol(ref)
    except (ValueError, AttributeError):
        return None
    return Mark(sheet, row + 1, col, col)


def runs(marks: Iterable[Mark]) -> Iterator[tuple[str, str]]:
    """Group marks into (sheet, A1 range) runs: one column, consecutive rows. Keeps action counts small."""
    by_key: dict[tuple[str, int, int], list[int]] = {}
    for m in marks:
        by_key.setdefault((m.sheet, m.first_col, m.last_col), []).append(m.row)
    for (sheet, c1, c2), rows in sorted(by_key.items()):
        rows = sorted(set(rows))
        start = prev = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            first = f"{xl_col_to_name(c1)}{start}"
            last = f"{xl_col_to_name(c2)}{prev}"
            yield sheet, first if first == last else f"{first}:{last}"
            if r is not None:
                start = prev = r


UNPROTECT_MACRO = "LecUnprotect"
PROTECT_MACRO = "LecProtect"
"""VBA macros of the add-in's module (addin/vba/LecSheets.bas): `(wb As Workbook, sheetName As String)`."""


def _is_remote(book: Any) -> bool:
    return book.app.engine.name == "remote"


def _set_protection(book: Any, sheet: Any, on: bool, macros: bool) -> None:
    """Lift or restore a data sheet's guard-rail protection around colouring its cells.

    Template sheets are protected without "format cells", so Excel refuses a fill change. Locally the
    COM/AppleScript API does it; through the VBA client (which has no protection action) a `runMacro`
    action calls the workbook's own macro, which only the macro-enabled variant has (`macros`).
    """
    if _is_remote(book):
        if macros:
            book.macro(PROTECT_MACRO if on else UNPROTECT_MACRO)(sheet.name)
        return
    try:
        if on:
            sheet.api.Protect(Password=SHEET_PASSWORD, DrawingObjects=True, Contents=True,
                              AllowFormattingColumns=True, AllowFormattingRows=True, AllowSorting=True,
                              AllowFiltering=True)  # fmt: skip
        else:
            sheet.api.Unprotect(SHEET_PASSWORD)
    except Exception:  # another engine, or an unprotected sheet: colouring still tries
        pass


def paint(book: Any, batches: Sequence[tuple[Iterable[Mark], str]], *, macros: bool = False) -> int:
    """Colour every mark of every (marks, colour) batch in order; returns the number of ranges coloured."""
    planned: list[tuple[str, str, str]] = []
    for marks, color in batches:
        planned += [(sheet, address, color) for sheet, address in runs(marks)]
    sheets: dict[str, Any] = {}
    for sheet_name, _, _ in planned:
        if sheet_name not in sheets:
            sheet = find_sheet(book, sheet_name)
            if sheet is not None:
                sheets[sheet_name] = sheet
    for sheet in sheets.values():
        _set_protection(book, sheet, False, macros)
    n = 0
    for sheet_name, address, color in planned:
        if sheet_name in sheets:
            set_fill(sheets[sheet_name], address, color)
            n += 1
    for sheet in sheets.values():
        _set_protection(book, sheet, True, macros)
    return n


def previous_marks(grids: dict[str, Grid], widths: dict[str, int]) -> list[Mark]:
    """The cells the last run coloured: the "ช่อง" column of the findings sheet the Book carries."""
    grid = grids.get(FINDINGS_SHEET)
    if not grid:
        return []
    out = []
    for row in grid[FINDINGS_HEADER_ROW:]:
        if len(row) > CELL_COLUMN:
            mark = parse_cell(row[CELL_COLUMN] if isinstance(row[CELL_COLUMN], str) else None, widths)
            if mark:
                out.append(mark)
    return out


def input_widths(filled: FilledWorkbook | None, grids: dict[str, Grid]) -> dict[str, int]:
    """Number of input columns per data sheet (the keys of its key row, `_status` excluded)."""
    if filled is not None:
        return {s.name: max(s.columns.values()) + 1 for s in filled.sheets.values() if s.columns}
    widths = {}
    for name in grids:
        if name not in OWN_SHEETS and name not in (META_SHEET, PREVIOUS_SHEET, "lec_lists"):
            widths[name] = 1
    return widths
