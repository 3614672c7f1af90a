"""Writing text typed by people into XlsxWriter cells so that it stays text.

XlsxWriter 3.x copies a string that starts with `<r>` and ends with `</r>` into the sheet XML
*unescaped* (it takes it for its own rich-string markup), so a "name" or a note shaped like that could
close its cell and inject a live formula cell. Such strings go through `write_rich_string` in two
fragments, which XlsxWriter escapes. Text starting with `=`, `+`, `-` or `@` (OWASP's list, with tab,
carriage return and the full-width forms) is a formula in waiting; the consolidated books give it
Excel's quote prefix (server/books/safe.py), built on the tests here.

Both the templates (pre-filled previous rosters, notes, unit names) and the consolidated books use
this module, so the rule is written once.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet read text as a formula (with full-width = + - @)."""


def needs_quote(text: str) -> bool:
    """True when `text` would become a formula if retyped or re-imported."""
    return bool(text) and text[0] in FORMULA_TRIGGERS


def is_raw_markup(text: str) -> bool:
    """True when XlsxWriter would copy `text` into the XML unescaped (see the module docstring)."""
    return text.startswith("<r>") and text.endswith("</r>")


def write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None = None) -> None:
    """A string cell holding exactly `text`, whatever its shape."""
    if text[:1] == "<" and is_raw_markup(text):
        # Three plain fragments (XlsxWriter wants more than two tokens); each is escaped on the way out.
        fragments = (text[:1], text[1:2], text[2:])
        if fmt is None:
            ws.write_rich_string(row, col, *fragments)
        else:
            ws.write_rich_string(row, col, *fragments, fmt)
    else:
        ws.write_string(row, col, text, fmt)
