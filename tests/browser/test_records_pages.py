"""The academic records pages in Chromium, on the small demo's school with a year of results: the LAO
opens the school's page, follows the records link, opens a class, reads each pupil's GPA, opens a pupil,
reads the GPAX and downloads the ปพ.1. Every figure on screen is checked against one computed here from
the stored grades with exact fractions, cut (not rounded) to two decimals."""

from __future__ import annotations

import io
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from browserkit import login, stored

pytestmark = pytest.mark.browser

LAO_A, SCHOOL, OTHER_LAO = "04560101", "3056200101", "05560102"
CLASS = "ม.1"


def expected_gpa(rows: list[tuple[Any, ...]]) -> str:
    """Σ grade × credits / Σ credits over numeric grades, cut to two decimals, written "3.66"."""
    num = sum((Fraction(g) * Fraction(c) for g, c in rows if g.replace(".", "").isdigit()), Fraction(0))
    den = sum((Fraction(c) for g, c in rows if g.replace(".", "").isdigit()), Fraction(0))
    return "–" if not den else f"{math.floor(num / den * 100) / 100:.2f}"


def test_lao_opens_a_class_and_a_pupil(browser: Any, live_server: Any, tmp_path: Path) -> None:
    year = int(live_server.round_id[:4])
    page = login(browser, live_server, LAO_A)
    page.goto(f"{live_server.url}/rounds/{live_server.round_id}/units/{SCHOOL}")
    page.click("[data-test=records]")
    page.wait_for_url(f"**/years/{year}/units/{SCHOOL}/records")
    assert "ทะเบียนผลการเรียน" in page.locator("h1").inner_text()
    page.click(f"[data-test='class-{CLASS}-1']")
    assert f"ผลการเรียนชั้น {CLASS} · ภาคเรียนที่ 1/{year}" in page.locator("h1").inner_text()

    pupils = stored(live_server, "SELECT DISTINCT citizen_id FROM results WHERE unit_code = ? AND class_name = ?"
                    " AND term = 1", [SCHOOL, CLASS])  # fmt: skip
    assert page.locator("tr[data-pupil]").count() == len(pupils) > 0
    for (cid,) in pupils:
        rows = stored(live_server, "SELECT grade, credits FROM results WHERE unit_code = ? AND citizen_id = ?"
                      " AND year = ? AND term = 1", [SCHOOL, cid, year])  # fmt: skip
        shown = page.locator(f"tr[data-pupil='{cid}'] [data-test=gpa]").inner_text().strip()
        assert shown == expected_gpa(rows), cid

    cid = pupils[0][0]
    page.click(f"[data-test='pupil-{cid}']")
    page.wait_for_url(f"**/students/{cid}")
    every = stored(live_server, "SELECT grade, credits FROM results WHERE unit_code = ? AND citizen_id = ?",
                   [SCHOOL, cid])  # fmt: skip
    assert page.locator("[data-test=gpax]").inner_text().strip() == expected_gpa(every)
    assert page.locator(f"[data-test=term-{year}-2]").count() == 1  # both terms of the year
    with page.expect_download() as download:
        page.click("[data-test=transcript]")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c not in (None, "")]
    assert cid in cells and expected_gpa(every) in cells

    other = login(browser, live_server, OTHER_LAO)
    resp = other.goto(f"{live_server.url}/years/{year}/units/{SCHOOL}/students/{cid}")
    assert resp is not None and resp.status == 403
    assert "ไม่มีสิทธิ์" in other.locator("h1").inner_text() and cid not in other.content().replace(f"/{cid}", "")
