"""How a consolidated book's sheets print on A4: columns wide enough for what they hold, a readable scale.

    PrintedSheet      the worksheet class of every book sheet: it notes, as cells are written, how wide each
                      table column must be for its widest value (text in a bordered cell, a formatted number)
    lay_out(ws)       once the sheet is written: widen the columns that need it, then either fit the table to
                      the page width or, when that would shrink it below MIN_SCALE, print it at MIN_SCALE across
                      several pages with its key columns and header rows repeated on each

Why measure while writing: books are written in constant-memory mode (rows are gone once written), and
XlsxWriter's own autofit needs the rows and knows Latin glyph widths only; `display_width` knows that Thai
vowel and tone marks take no width. Why not fit every sheet to one page wide: a 48-column sheet fitted to
A4 prints its 14-pt text at 4 pt, which nobody can read; a sheet spread over two pages across, with the
codes and names repeated, can be read and taped together.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from validators.normalize import display_width

BASE_FONT_PT = 14
"""The book's cell font size (writer.FONT); bigger or bold text needs proportionally wider columns."""
PRINTABLE_WIDTH = {True: 100.0, False: 70.0}
"""Column-width units across A4 inside the book's margins at 100 %, landscape and portrait. Measured in
LibreOffice with the Sarabun-metric fonts (fonts-thai-tlwg), with a little room kept for Excel's own."""
MIN_SCALE = 70
"""The smallest print scale (%): the 14-pt cell text prints at ~10 pt, the least a clerk reads comfortably."""
MAX_WIDTH = 60.0
"""No column grows past this; longer text stays in its cell, clipped, rather than making the page unreadable."""
DEFAULT_WIDTH = 8.43
TEXT_FACTOR, TEXT_PAD = 1.05, 2.0
"""Width units per display character of Thai text and the padding around it (as writer.Table.measure)."""

_NUMBER_WIDTH = {"0.0%": 7.0}


def number_width(value: float, num_format: str) -> float:
    """The width a number needs in its format: '#,##0' 12,345; '#,##0.00' 12,345.00; BE date/datetime."""
    if "hh:mm" in num_format:
        return 18.0
    if "yyyy" in num_format:
        return 12.0
    if num_format in _NUMBER_WIDTH:
        return _NUMBER_WIDTH[num_format]
    decimals = len(num_format.rsplit(".", 1)[1]) if "." in num_format else 0
    return len(f"{value:,.{decimals}f}") + TEXT_PAD


def _scale(fmt: Format | None) -> float:
    if fmt is None:
        return 1.0
    return (fmt.font_size / BASE_FONT_PT if fmt.font_size > 11 else 1.0) * (1.1 if fmt.bold else 1.0)


class PrintedSheet(Worksheet):
    """A worksheet that records the widths its table cells need, for `lay_out`.

    Only bordered, unwrapped, unmerged cells count: those are table cells, whose text cannot spill into the
    next column. Titles and notes (no border) may run across the page; wrapped headers wrap.
    """

    def __init__(self) -> None:
        super().__init__()
        self.need: dict[int, float] = {}
        self.table_cols = 0
        """One past the right-most table column: the print area's width."""
        self.key_cols = 0
        """Columns repeated on every page when the sheet prints several pages across (the frozen ones)."""
        self.portrait = False

    def _counts(self, fmt: Format | None) -> bool:
        """A table cell whose content must fit its column: bordered (a table), not wrapped (headers wrap)."""
        return fmt is not None and bool(fmt.left) and not fmt.text_wrap

    def _extend(self, col: int, fmt: Format | None) -> None:
        if fmt is not None and fmt.left and col >= self.table_cols:
            self.table_cols = col + 1

    def _note(self, col: int, width: float) -> None:
        if width > self.need.get(col, 0.0):
            self.need[col] = width
        if col >= self.table_cols:
            self.table_cols = col + 1

    def _write_string(self, row: int, col: int, string: str, cell_format: Format | None = None) -> Any:  # type: ignore[override]
        self._extend(col, cell_format)
        if self._counts(cell_format) and (row, col) not in self.merged_cells:
            upper = len(string) * TEXT_FACTOR * _scale(cell_format) + TEXT_PAD  # display width <= len: cheap bound
            if upper > self.need.get(col, 0.0):
                self._note(col, min(MAX_WIDTH, display_width(string) * TEXT_FACTOR * _scale(cell_format) + TEXT_PAD))
        return super()._write_string(row, col, string, cell_format)

    def _write_number(self, row: int, col: int, number: Any, cell_format: Format | None = None) -> Any:  # type: ignore[override]
        if self._counts(cell_format) and (row, col) not in self.merged_cells:
            assert cell_format is not None
            self._note(col, number_width(float(number), str(cell_format.num_format)) * _scale(cell_format))
        return super()._write_number(row, col, number, cell_format)

    def _write_blank(self, row: int, col: int, blank: Any, cell_format: Format | None = None) -> Any:  # type: ignore[override]
        self._extend(col, cell_format)
        return super()._write_blank(row, col, blank, cell_format)

    def width_of(self, col: int) -> float:
        """The column's width in characters (XlsxWriter keeps pixels: max digit width 7 plus 5 of padding)."""
        info = self.col_info.get(col)
        if info is None or info.width is None:
            return DEFAULT_WIDTH
        return max(0.0, (info.width - self.cell_padding) / self.max_digit_width)


def lay_out(ws: PrintedSheet) -> None:
    """Widen what needs it, then choose between fitting the page width and a readable scale across pages."""
    for col, need in ws.need.items():
        if need > ws.width_of(col):
            info = ws.col_info.get(col)
            ws.set_column(col, col, need, info.column_format if info is not None else None)
    ws.set_paper(9)  # A4
    ws.print_options_changed = True
    if ws.portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ncols = max(ws.table_cols, 1)
    if not ws.charts and not ws.images:
        ws.print_area(0, 0, max(ws.dim_rowmax or 0, 0), ncols - 1)
    total = sum(ws.width_of(c) for c in range(ncols))
    if total * MIN_SCALE / 100 <= PRINTABLE_WIDTH[not ws.portrait]:
        ws.fit_to_pages(1, 0)
        return
    ws.set_print_scale(MIN_SCALE)
    ws.print_across()
    if ws.key_cols:
        ws.repeat_columns(0, ws.key_cols - 1)
