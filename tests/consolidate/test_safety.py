"""Text from people stays text: no formula, no markup, whatever a clerk typed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from consolidate_kit import NOW, sheet_xml

from server.books import write_book
from server.books.safe import is_raw_markup, needs_quote
from server.storage import clock, db

NASTY = [
    '=HYPERLINK("http://example.com/steal","คลิก")',
    "+1",
    "@SUM(A1:A9)",
    "-2+3",
    "\t=1+1",
    "＝1+1",
    '<r><t>x</t></r></is></c><c r="Z1"><f>1+1</f></c><c><is><r><t>y</t></r>',
]


def test_helpers() -> None:
    assert all(needs_quote(s) for s in NASTY[:6])
    assert not needs_quote("สมชาย") and not needs_quote("") and not needs_quote("1056")
    assert is_raw_markup(NASTY[-1]) and not is_raw_markup("<r>")


@pytest.fixture(scope="module")
def nasty_book(demo_dir: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("nasty") / "data"
    shutil.copytree(demo_dir[0], data_dir)
    round_id = demo_dir[1]
    conn = db.connect(data_dir / "lec.db")
    try:
        unit = "3056200101"
        for i, name in enumerate(NASTY):
            conn.execute(
                "INSERT INTO pupils (round_id, unit_code, citizen_id, row_no, prefix, first_name, last_name, sex,"
                " birth_date, grade, room, nationality) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    round_id,
                    unit,
                    f"G6756{i:08d}",
                    9000 + i,
                    "เด็กชาย",
                    name,
                    name,
                    "ชาย",
                    "2015-01-01",
                    "ป.3",
                    "=1",
                    "ไทย",
                ],
            )
        conn.execute("UPDATE units SET name = ? WHERE code = ?", ["=1+2 โรงเรียน", unit])
        conn.execute(
            "UPDATE other_counts SET other_school_name = ? WHERE lao_code = '04560101'", ["=cmd|' /C calc'!A0"]
        )
        return write_book(conn, round_id, "04560101", data_dir / "nasty.xlsx", now=clock.parse_datetime(NOW))
    finally:
        conn.close()


def test_no_formula_anywhere(nasty_book: Path) -> None:
    for name, xml in sheet_xml(nasty_book).items():
        assert "<f>" not in xml and "<f " not in xml, name
        assert '<c r="Z1"' not in xml, name


def test_nasty_text_comes_back_as_quoted_strings(nasty_book: Path) -> None:
    wb = openpyxl.load_workbook(nasty_book)
    ws = wb["รายชื่อนักเรียน"]
    found = {}
    for row in ws.iter_rows(min_row=5):
        first = row[5]
        if first.value in NASTY:
            found[first.value] = first
            assert first.data_type == "s"
            assert row[6].value == first.value  # the last name too
            assert row[10].value == "=1" and row[10].data_type == "s" and row[10].quotePrefix
            assert row[2].value == "=1+2 โรงเรียน" and row[2].quotePrefix
    assert set(found) == set(NASTY)
    for value, cell in found.items():
        assert cell.quotePrefix == needs_quote(value), value
    other = wb["สังกัดอื่น"]
    names = [r[3] for r in other.iter_rows(min_row=5) if r[3].value == "=cmd|' /C calc'!A0"]
    assert names and all(c.data_type == "s" and c.quotePrefix for c in names)


def test_the_inline_xml_escapes_markup(nasty_book: Path) -> None:
    xml = sheet_xml(nasty_book)["รายชื่อนักเรียน"]
    assert re.search(r"&lt;f&gt;1\+1&lt;/f&gt;", xml)
