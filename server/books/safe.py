"""Writing text that came from people into a workbook so that it stays text.

Why this module exists: every name, note and school name in a consolidated book was typed by someone
we do not control, and the book is opened by the officers who sign for the numbers. Three ways text
can turn into something else on the way, and what we do about each:

1. A formula. `worksheet.write()` (and XlsxWriter's `strings_to_formulas`, on by default) turns text
   starting with `=` into a formula: `=HYPERLINK("http://evil","คลิก")` would become a live link. We
   never call `write()` or `write_formula()` with data; `write_string` always stores a string cell.
2. A formula later. A string cell that starts with `=`, `+`, `-` or `@` (or a tab / carriage return,
   OWASP's list, and their full-width forms) becomes a formula the moment someone presses F2 + Enter, or
   when the sheet is saved as CSV and opened again. Such cells get the `quotePrefix` style (Excel's
   leading apostrophe): the value is unchanged, shown as typed, and stays text when edited.
3. Raw XML. XlsxWriter 3.x writes a string that starts with `<r>` and ends with `</r>` *unescaped*
   (it takes it for its own rich-string markup), in shared strings and in constant_memory inline
   strings alike. Such a "name" could close the cell and inject a formula cell or break the file.
   We write those through `write_rich_string` in two fragments, which XlsxWriter escapes.

`SafeWriter` also owns the quote-prefixed twin of every format, created once per format.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from workbook_templates.safe_text import FORMULA_TRIGGERS, is_raw_markup, needs_quote

__all__ = ["FORMULA_TRIGGERS", "SafeWriter", "excel_serial", "is_raw_markup", "needs_quote"]

EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()


def excel_serial(iso_date: str | None) -> int | None:
    """ISO `YYYY-MM-DD` (how the server stores dates) to an Excel day number; None if not a date.

    Cheaper than `write_datetime` per cell, which matters on a 100,000-row pupil sheet.
    """
    if not iso_date or len(iso_date) < 10:
        return None
    try:
        return date.fromisoformat(iso_date[:10]).toordinal() - EXCEL_EPOCH_ORDINAL
    except ValueError:
        return None


class SafeWriter:
    """Text, numbers and dates into cells, with formula and markup injection made impossible."""

    def __init__(self, workbook: Workbook, base_properties: dict[str, Any]) -> None:
        self.workbook = workbook
        self._base = dict(base_properties)
        self._quoted: dict[int, Format] = {}
        self._plain_fragment = workbook.add_format(dict(base_properties))

    def style(self, **props: Any) -> Format:
        """A format on top of the book's base font; remembers its properties for its quoted twin."""
        full = {**self._base, **props}
        fmt = self.workbook.add_format(full)
        fmt._lec_props = full  # type: ignore[attr-defined]
        return fmt

    def quoted(self, fmt: Format | None) -> Format:
        """The quote-prefixed twin of `fmt` (created on first use)."""
        key = id(fmt)
        twin = self._quoted.get(key)
        if twin is None:
            props = dict(self._base)
            if fmt is not None:
                props.update(getattr(fmt, "_lec_props", {}))
            props["quote_prefix"] = True
            twin = self.workbook.add_format(props)
            self._quoted[key] = twin
        return twin

    def text(self, ws: Worksheet, row: int, col: int, value: object, fmt: Format | None = None) -> None:
        """Write `value` as a string cell (nothing for None or empty text)."""
        if value is None:
            return
        s = value if isinstance(value, str) else str(value)
        if not s:
            return
        first = s[0]
        if first in FORMULA_TRIGGERS:
            ws.write_string(row, col, s, self.quoted(fmt))
        elif first == "<" and is_raw_markup(s):
            ws.write_rich_string(row, col, self._plain_fragment, s[:1], self._plain_fragment, s[1:], fmt)
        else:
            ws.write_string(row, col, s, fmt)

    def number(self, ws: Worksheet, row: int, col: int, value: int | float | None, fmt: Format | None = None) -> None:
        if value is None:
            return
        ws.write_number(row, col, value, fmt)

    def date(self, ws: Worksheet, row: int, col: int, iso_date: str | None, fmt: Format | None = None) -> None:
        """An ISO date as an Excel date (shown in BE by `fmt`); anything else is written as text."""
        serial = excel_serial(iso_date)
        if serial is not None:
            ws.write_number(row, col, serial, fmt)
        else:
            self.text(ws, row, col, iso_date)
