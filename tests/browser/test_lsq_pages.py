"""The register, LocalSchool and GPAX pages in Chromium, on the small demo's records school: the school
opens its register from the records page (the count on screen is the stored one) and downloads the form;
it downloads the failed row of the demo's LocalSchool import, fixes it and sends it back through the
page's file input (the answer's counts on screen, the row stored); the LAO downloads the GPAX CSV from
its own page."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from browserkit import login, stored

from workbook_templates.academic_history import SHEET_NAME as HISTORY_SHEET
from workbook_templates.academic_register import SHEET_NAME as REGISTER_SHEET

pytestmark = pytest.mark.browser

LAO_A, SCHOOL = "04560101", "3056200101"


def download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_school_register_and_localschool_fix(browser: Any, live_server: Any, tmp_path: Path) -> None:
    year = int(live_server.round_id[:4])
    page = login(browser, live_server, SCHOOL)
    page.goto(f"{live_server.url}/years/{year}/units/{SCHOOL}/records")
    page.click("[data-test=register-link]")
    page.wait_for_url(f"**/years/{year}/units/{SCHOOL}/records/register")
    (held,) = stored(live_server, "SELECT COUNT(*) FROM pupil_register WHERE unit_code = ?", [SCHOOL])[0]
    assert page.locator("[data-test=register-count]").inner_text().strip() == str(held) and held > 0
    assert page.locator("tr[data-pupil]").count() == held
    form = openpyxl.load_workbook(io.BytesIO(download(page, "[data-test=register-template]")))[REGISTER_SHEET]
    assert form.cell(5, 1).value and form.cell(5, 7).value  # a pupil, and the father's name the register holds

    page.goto(f"{live_server.url}/years/{year}/units/{SCHOOL}/records")
    page.click("[data-test=localschool-link]")
    page.wait_for_url(f"**/units/{SCHOOL}/records/localschool")
    import_id = page.locator("tr[data-import]").first.get_attribute("data-import")
    failed = download(page, f"[data-test=failed-{import_id}]")
    wb = openpyxl.load_workbook(io.BytesIO(failed))
    keys = [c.value for c in wb[HISTORY_SHEET][3]]
    row = {k: wb[HISTORY_SHEET].cell(5, i + 1).value for i, k in enumerate(keys)}
    wb[HISTORY_SHEET].cell(5, keys.index("grade") + 1, "3.5")
    fixed = tmp_path / "แถวที่แก้แล้ว.xlsx"
    wb.save(fixed)
    page.set_input_files("[data-test=localschool-file]", str(fixed))
    page.click("[data-test=localschool-send]")
    counts = page.locator("[data-test=localschool-counts]").inner_text()
    assert "บันทึกใหม่ 1 แถว" in counts and "ไม่ผ่าน 0 แถว" in counts
    assert page.locator("tr[data-import]").count() == 2
    grade = stored(live_server, "SELECT grade FROM results WHERE unit_code = ? AND citizen_id = ? AND subject_code = ?"
                   " AND year = ? AND term = ?", [SCHOOL, row["citizen_id"], row["subject_code"], int(row["year"]),
                                                  int(row["term"])])  # fmt: skip
    assert grade == [("3.5",)]


def test_lao_downloads_gpax_from_its_page(browser: Any, live_server: Any) -> None:
    year = int(live_server.round_id[:4])
    page = login(browser, live_server, LAO_A)
    page.goto(f"{live_server.url}/rounds/{live_server.round_id}/units/{LAO_A}")
    rows = list(csv.DictReader(io.StringIO(download(page, "[data-test=gpax-6]").decode("utf-8"))))
    pupils = stored(live_server, "SELECT COUNT(DISTINCT citizen_id) FROM results WHERE unit_code = ? AND year = ?",
                    [SCHOOL, year])  # fmt: skip
    assert len(rows) == pupils[0][0] > 0 and {r["school_code"] for r in rows} == {SCHOOL}
