"""The confirmation chain through the web pages, in Chromium: institution → LAO → province.

The story (a child moved from one school to another, both kept her on their rosters):
1. a new school clerk logs in for the first time, must create a profile, uploads a workbook with
   errors (and reads the Thai messages), then a good one that collides with another school, confirms;
2. the LAO sees the conflict, cannot confirm, revokes the other school's confirmation with a reason;
3. that school downloads its template, uploads a corrected roster (the child in the removed register)
   and confirms again; the LAO confirms; the province confirms; the audit log shows all of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from server.tools.demo import DEMO_PASSWORD, FIRST_PASSWORD, workbook_bytes

pytestmark = pytest.mark.browser

PROVINCE, LAO_B, X1, X3, A1 = "56", "05560102", "3056200201", "3056200202", "3056200101"
X1_NAME, X3_NAME = "โรงเรียนเทศบาลบ้านต๋อม", "โรงเรียนเทศบาลบ้านต๋อมใหม่"


def login(browser: Any, server: Any, user: str, password: str = DEMO_PASSWORD) -> Any:
    context = browser.new_context(locale="th-TH", accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    return page


def flash(page: Any) -> str:
    return page.locator("p.flash").first.inner_text()


def row_of(page: Any, code: str) -> Any:
    return page.locator(f"tr[data-unit='{code}']")


def stored_roster(server: Any, code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The unit's accepted rows, as template rows (dates as dates, reasons as the dropdown's labels)."""
    from server.domain import uploads
    from server.storage.db import connect
    from validators.fields import PUPIL_KEYS, REMOVAL_KEYS, REMOVAL_REASONS

    def dates(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {k: date.fromisoformat(row[k]) if k.endswith(("_date", "_on")) and row[k] else row[k] for k in keys}

    db = connect(server.app.config["DB_PATH"])
    try:
        pupils = [dates(r, PUPIL_KEYS) for r in uploads.roster_rows(db, server.round_id, code)]
        removed = [dates(r, REMOVAL_KEYS) for r in uploads.removal_rows(db, server.round_id, code)]
    finally:
        db.close()
    for r in removed:
        r["reason"] = REMOVAL_REASONS.get(r["reason"], r["reason"])
    return pupils, removed


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def upload(page: Any, path: Path) -> None:
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-test=upload]")


def new_school_uploads_and_confirms(browser: Any, server: Any, tmp: Path) -> dict[str, Any]:
    from validators.synthetic import make_roster

    page = login(browser, server, X3, FIRST_PASSWORD)
    page.wait_for_url("**/profile**")
    assert "เข้าสู่ระบบครั้งแรก" in page.locator("h1").inner_text()
    page.fill("input[name=first_name]", "มานี")
    page.fill("input[name=last_name]", "ใจงาม")
    page.fill("input[name=position]", "ครู")
    page.fill("input[name=phone]", "0891234567")
    page.fill("input[name=new_password]", "mani-2569!")
    page.fill("input[name=new_password2]", "mani-2569!")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/rounds/{server.round_id}")
    assert "มานี ใจงาม" in page.locator("header").inner_text()
    assert "ยังไม่ส่งข้อมูล" in page.locator("section.own").inner_text()

    page.click("section.own a.button")
    year = int(server.round_id[:4])
    rows = make_roster("school", 20, year=year, unit_code=X3, seed=7, round_no=int(server.round_id[-1]))
    bad = [dict(r) for r in rows]
    cid = str(bad[2]["citizen_id"])
    bad[2]["citizen_id"] = cid[:12] + str((int(cid[12]) + 1) % 10)
    bad[5]["first_name"] = ""
    upload(page, write(tmp, "bad.xlsx", workbook_bytes("school", X3, X3_NAME, server.round_id, bad)))
    verdict = page.locator("[data-test=verdict-bad]")
    assert "ระบบยังไม่ได้บันทึกข้อมูล" in verdict.inner_text()
    errors = page.locator("table.findings.errors").inner_text()
    assert "หลักสุดท้ายไม่ถูกต้อง" in errors  # the check digit, in Thai
    assert "ยังไม่ได้กรอก" in errors  # the blank first name
    assert "นักเรียน" in errors  # the sheet's Thai name

    moved = stored_roster(server, X1)[0][3]
    good = [*rows, {**moved, "room": "1", "entry_date": date.today() - timedelta(days=3)}]
    page.click("nav.crumbs a")
    upload(page, write(tmp, "good.xlsx", workbook_bytes("school", X3, X3_NAME, server.round_id, good)))
    assert "รับแฟ้มแล้ว" in page.locator("[data-test=verdict-ok]").inner_text()
    conflicts = page.locator("section.conflicts").inner_text()
    assert moved["citizen_id"] in conflicts and X1_NAME in conflicts

    page.click("a.button:has-text('ไปหน้า')")
    page.click(f"[data-test=confirm-{X3}]")
    assert "ยืนยันข้อมูล" in flash(page) and "21 คน" in flash(page)
    assert "ยืนยันแล้ว" in page.locator("section.own .badge").first.inner_text()
    page.context.close()
    return moved


def lao_sees_conflict_and_revokes(browser: Any, server: Any, moved: dict[str, Any]) -> None:
    page = login(browser, server, LAO_B)
    page.wait_for_url(f"**/rounds/{server.round_id}")
    assert moved["citizen_id"] in page.locator("section.conflicts").inner_text()
    assert "เลขประจำตัวซ้ำ" in page.locator(".blockers").inner_text()
    assert page.locator(f"[data-test=confirm-{LAO_B}]").is_disabled()
    row = row_of(page, X1)
    row.locator("summary").click()
    row.locator(f"[data-test=reason-{X1}]").fill("เด็กย้ายไปโรงเรียนเทศบาลบ้านต๋อมใหม่ ต้องนำชื่อออก")
    row.locator(f"[data-test=revoke-{X1}]").click()
    assert "ยกเลิกการยืนยันของ" in flash(page)
    assert "ส่งข้อมูลแล้ว รอยืนยัน" in row_of(page, X1).inner_text()
    page.context.close()


def school_fixes_and_confirms_again(browser: Any, server: Any, tmp: Path, moved: dict[str, Any]) -> None:
    from validators.fields import REMOVAL_REASONS
    from workbook_templates import read_workbook

    page = login(browser, server, X1)
    page.wait_for_url(f"**/rounds/{server.round_id}")
    page.click("section.own a.button")
    with page.expect_download() as download:
        page.click("[data-test=template]")
    template = write(tmp, "template.xlsx", Path(download.value.path()).read_bytes())
    meta = read_workbook(template.read_bytes()).meta
    assert meta.unit_code == X1 and f"{meta.year}-{meta.round_no}" == server.round_id

    pupils, removed = stored_roster(server, X1)
    pupils = [p for p in pupils if p["citizen_id"] != moved["citizen_id"]]
    removed.append(
        {
            "citizen_id": moved["citizen_id"],
            "prefix": moved["prefix"],
            "first_name": moved["first_name"],
            "last_name": moved["last_name"],
            "removed_on": date.today() - timedelta(days=4),
            "reason": REMOVAL_REASONS["moved"],
            "note": "ย้ายไปโรงเรียนเทศบาลบ้านต๋อมใหม่",
        }
    )
    upload(page, write(tmp, "fixed.xlsx", workbook_bytes("school", X1, X1_NAME, server.round_id, pupils, removed)))
    assert "รับแฟ้มแล้ว" in page.locator("[data-test=verdict-ok]").inner_text()
    assert page.locator("section.conflicts").count() == 0
    page.click("a.button:has-text('ไปหน้า')")
    page.click(f"[data-test=confirm-{X1}]")
    assert "ยืนยันข้อมูล" in flash(page)
    page.context.close()


def lao_confirms(browser: Any, server: Any) -> None:
    page = login(browser, server, LAO_B)
    page.wait_for_url(f"**/rounds/{server.round_id}")
    assert page.locator("section.conflicts").count() == 0
    page.click(f"[data-test=confirm-{LAO_B}]")
    assert "ยืนยันข้อมูล" in flash(page)
    assert "ยืนยันแล้ว" in page.locator("section.own").inner_text()
    page.context.close()


def province_confirms_and_reads_the_audit(browser: Any, server: Any) -> None:
    page = login(browser, server, PROVINCE)
    page.wait_for_url(f"**/rounds/{server.round_id}")
    page.click(f"[data-test=confirm-{PROVINCE}]")
    assert "ยืนยันข้อมูล" in flash(page)
    assert "ยืนยันโดย" in page.locator("section.own").inner_text()

    page.click("header >> text=บันทึกการใช้งาน")
    page.select_option("select[name=action]", "revoke")
    page.click("form.filters button")
    revoked = page.locator("table.audit tbody").inner_text()
    assert "ยกเลิกการยืนยัน" in revoked and "ต้องนำชื่อออก" in revoked and LAO_B in revoked
    page.select_option("select[name=action]", "confirm")
    page.click("form.filters button")
    confirms = page.locator("table.audit tbody tr[data-action=confirm]").all_inner_texts()
    for code in (PROVINCE, LAO_B, X1, X3):
        assert any(code in line and "สำเร็จ" in line for line in confirms), code
    page.fill("input[name=who]", X3)
    page.select_option("select[name=action]", "upload")
    page.click("form.filters button")
    uploads = page.locator("table.audit tbody").inner_text()
    assert "แฟ้มไม่ผ่านการตรวจ" in uploads and "มานี ใจงาม" in uploads
    page.context.close()


def test_the_chain_through_the_pages(browser: Any, live_server: Any, tmp_path: Path) -> None:
    moved = new_school_uploads_and_confirms(browser, live_server, tmp_path)
    lao_sees_conflict_and_revokes(browser, live_server, moved)
    school_fixes_and_confirms_again(browser, live_server, tmp_path, moved)
    lao_confirms(browser, live_server)
    province_confirms_and_reads_the_audit(browser, live_server)


def test_an_institution_cannot_open_another(browser: Any, live_server: Any) -> None:
    page = login(browser, live_server, A1)
    page.wait_for_url(f"**/rounds/{live_server.round_id}")
    for other in (X1, LAO_B):
        response = page.goto(f"{live_server.url}/rounds/{live_server.round_id}/units/{other}")
        assert response is not None and response.status == 403
        assert "ไม่มีสิทธิ์" in page.locator("h1").inner_text()
    response = page.goto(f"{live_server.url}/rounds/{live_server.round_id}/units/{X1}/template")
    assert response is not None and response.status == 403
    page.context.close()
