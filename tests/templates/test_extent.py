"""The extent scan: where calamine would place the last cell, measured from the XML before it loads."""

from __future__ import annotations

import io

import pytest

from workbook_templates.extent import column_number, measure


@pytest.mark.parametrize(
    ("xml", "rows", "columns"),
    [
        (b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="L1"/></row><row r="5"><c r="C5"/></row></sheetData>',
         5, 26),  # ordinary: columns is the bound A-Z
        (b'<sheetData><row r="1"><c r="XFD150000"><v>1</v></c></row></sheetData>', 150_000, 16_384),
        (b"<sheetData><row><c><v>1</v></c><c><v>1</v></c><c/></row><row><c/></row></sheetData>", 2, 3),
        (b'<x:sheetData><x:row r="7"><x:c r="AB7"><x:v>1</x:v></x:c></x:row></x:sheetData>', 7, 28),
        (b'<sheetData><row r="3"><c s="1" r="B3"/><c t="s"/></row></sheetData>', 3, 3),
        (b'<sheetData><row r="2"><c r="A2"/></row><row r="250000"><c r="A250000"/></row></sheetData>', 250_000, 1),
        (b"<sheetData><row r='9'><c r='xfd9'><v>1</v></c></row></sheetData>", 9, 16_384),
        (b'<sheetData><row r="9"><c\n r="BM9"/></row></sheetData>', 9, 65),
        (b'<sheetData><rowBreaks count="1"/><cols><col min="1" max="16384"/></cols></sheetData>', 0, 0),
    ],
)  # fmt: skip
def test_the_extent_follows_calamines_placement(xml: bytes, rows: int, columns: int) -> None:
    found = measure(io.BytesIO(xml), give_up_rows=10**9, give_up_columns=10**9)
    assert (found.rows, found.columns) == (rows, columns)


def test_a_tag_cut_between_chunks_is_still_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbook_templates import extent

    monkeypatch.setattr(extent, "CHUNK", 7)  # every tag is split across reads
    xml = b'<sheetData><row r="1"><c r="A1"/></row><row r="2"><c r="XFD2"/></row></sheetData>'
    assert measure(io.BytesIO(xml), give_up_rows=10**9, give_up_columns=10**9).columns == 16_384


def test_the_count_stops_just_past_the_limit() -> None:
    xml = b"<sheetData>" + b"<row><c><v>1</v></c></row>" * 5_000 + b"</sheetData>"
    found = measure(io.BytesIO(xml), give_up_rows=100, give_up_columns=64)
    assert found.rows == 101


def test_column_numbers() -> None:
    letters = (b"A", b"Z", b"AA", b"BL", b"XFD", b"xfd", b"")
    assert [column_number(c) for c in letters] == [1, 26, 27, 64, 16384, 16384, 0]
