"""Every sheet of every consolidated book prints legibly on A4 through LibreOffice.

Each book (LAO, province, nation) is converted to PDF by headless LibreOffice, then read back with poppler's
pdftotext: no cell may print as `###` (a number wider than its column), and no page may be scaled below a
readable size. The size is measured on the page itself: pdftotext -bbox gives each word's box, whose height is
the font size as printed. The book's 14-pt text measures 15.6 pt at 100 %; the old fit-to-width summary
printed it at 6 pt and the institutions sheet at 4 pt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import openpyxl
import pytest
from consolidate_kit import NOW

from server.books import write_book
from server.storage import clock, db
from validators.normalize import display_width

READABLE_PT = 9.5
"""The smallest word box a page may print: 14-pt cell text at about 60 % (the books print at 70 % or more)."""
BOOKS = ("04560101", "56", "TH")
_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def printed(demo_dir: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """code -> (book.xlsx, book.pdf), all three converted by one LibreOffice run."""
    data_dir, round_id = demo_dir
    out = tmp_path_factory.mktemp("printed")
    conn = db.connect(data_dir / "lec.db")
    try:
        books = {c: write_book(conn, round_id, c, out / f"book-{c}.xlsx", now=clock.parse_datetime(NOW)) for c in BOOKS}
    finally:
        conn.close()
    profile = out / f"lo-{uuid.uuid4().hex}"
    args = ["--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out), *map(str, books.values())]
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    return {c: (p, p.with_suffix(".pdf")) for c, p in books.items()}


def pages(pdf: Path) -> list[list[tuple[float, str]]]:
    """Each page's words as (printed height in pt, text)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        [(float(y1) - float(y0), word) for y0, y1, word in _WORD.findall(page)] for page in html.split("<page ")[1:]
    ]


@pytest.mark.libreoffice
@pytest.mark.parametrize("code", BOOKS)
def test_no_cell_prints_as_hashes(printed: dict[str, tuple[Path, Path]], code: str) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed[code][1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.strip(), "the PDF has no text"
    hashes = [line for line in text.splitlines() if "###" in line]
    assert not hashes, f"{code}: numbers too wide for their columns: {hashes[:5]}"


@pytest.mark.libreoffice
@pytest.mark.parametrize("code", BOOKS)
def test_every_page_is_readable(printed: dict[str, tuple[Path, Path]], code: str) -> None:
    book, pdf = printed[code]
    sheets = openpyxl.load_workbook(book, read_only=True).sheetnames
    seen: set[str] = set()
    small = []
    for n, words in enumerate(pages(pdf), start=1):
        assert words, f"{code}: page {n} is blank"
        seen.update(w for _h, w in words if w in sheets)  # the footer names the page's sheet
        smallest = min(h for h, _w in words)
        if smallest < READABLE_PT:
            small.append((n, round(smallest, 1), words[-1][1]))
    assert not small, f"{code}: pages printed below {READABLE_PT} pt (page, size, sheet): {small[:10]}"
    assert seen == set(sheets), f"{code}: sheets that never printed: {set(sheets) - seen}"


@pytest.mark.libreoffice
@pytest.mark.parametrize("code", BOOKS)
def test_wide_sheets_repeat_their_headers_and_keys(printed: dict[str, tuple[Path, Path]], code: str) -> None:
    """A sheet is fitted to the page width, or printed at a readable scale with its header rows and (when
    split across pages) its key columns repeated; never fitted onto one page."""
    wb = openpyxl.load_workbook(printed[code][0])
    for ws in wb.worksheets:
        setup, fit = ws.page_setup, ws.sheet_properties.pageSetUpPr
        assert setup.paperSize == 9, ws.title  # A4
        if fit is not None and fit.fitToPage:
            assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, ws.title
        else:
            assert setup.scale is not None and setup.scale >= 70, ws.title
            assert ws.print_title_cols, f"{ws.title}: split across pages without its key columns"
        if ws.title != "แผนภูมิ":
            assert ws.print_title_rows, f"{ws.title}: header rows not repeated"


@pytest.mark.libreoffice
@pytest.mark.parametrize("code", BOOKS)
def test_table_text_stays_inside_its_cell(printed: dict[str, tuple[Path, Path]], code: str) -> None:
    """Bordered, unwrapped, unmerged text (table cells, state labels) fits its column's width."""
    wb = openpyxl.load_workbook(printed[code][0])
    for ws in wb.worksheets:
        if ws.title.startswith("รายชื่อนักเรียน"):
            continue  # 100,000 rows: measured in the writer, sampled by the other sheets' same code path
        merged = {(r, c) for rng in ws.merged_cells.ranges for r, c in rng.cells}
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or (cell.row, cell.column) in merged:
                    continue
                if cell.border.left.style is None or cell.alignment.wrap_text:
                    continue
                width = widths.get(cell.column_letter, 8.43)
                assert display_width(cell.value) <= width, f"{code} {ws.title}!{cell.coordinate}: {cell.value!r}"
