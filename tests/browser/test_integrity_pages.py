"""Duplicates and spot-checks through the pages, in Chromium, on the `lec demo` province.

1. the province decides the open cross-LAO duplicate on its page (the child is at one school);
2. the losing school's page says what to do and by when; its upload with the child is refused with a
   Thai message naming the decision;
3. the province draws a spot-check twice with one seed (same sample), prints it, fills it, uploads it;
   the child not found shows on the institution's and the LAO's pages and in the province book;
4. the institution explains the child not found on its page; its LAO and the province read it there;
5. the audit log names the person at every step; the open conflict said how long it had been open.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from server.tools.demo import DEMO_PASSWORD, workbook_bytes

pytestmark = pytest.mark.browser
FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
KEEP, LOSE = "3056200201", "3056300101"


class Server:
    def __init__(self, url: str, data_dir: Path, round_id: str, app: Any) -> None:
        self.url, self.data_dir, self.round_id, self.app = url, data_dir, round_id, app

    def db(self) -> Any:
        from server.storage.db import connect

        return connect(self.app.config["DB_PATH"])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from waitress import create_server

    from server.tools.demo import build_demo
    from server.web.app import create_app

    info = build_demo(tmp_path_factory.mktemp("integrity") / "data", overrides=FAST_HASH)
    app = create_app({"DATA_DIR": info.data_dir, **FAST_HASH})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.effective_port}", info.data_dir, info.round_id, app)
    finally:
        server.close()
        thread.join(timeout=5)


def login(browser: Any, server: Server, user: str) -> Any:
    context = browser.new_context(locale="th-TH", accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/rounds/{server.round_id}")
    return page


def unit_page(page: Any, server: Server, code: str) -> None:
    page.goto(f"{server.url}/rounds/{server.round_id}/units/{code}")


def person(server: Server, login: str) -> str:
    db = server.db()
    try:
        first, last = db.execute(
            "SELECT p.first_name, p.last_name FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.login = ?"
            " ORDER BY p.id DESC LIMIT 1",
            [login],
        ).fetchone()
    finally:
        db.close()
    return f"{first} {last}"


def the_open_conflict(server: Server) -> str:
    from server.domain import conflicts

    db = server.db()
    try:
        (cf,) = conflicts.conflicts_for(db, server.round_id, None)
    finally:
        db.close()
    assert {u["code"] for u in cf["units"]} == {KEEP, LOSE}
    return cf["citizen_id"]


def test_decide_refuse_and_spot_check(browser: Any, demo_server: Server, tmp_path: Path) -> None:
    server = demo_server
    cid = the_open_conflict(server)
    province = login(browser, server, "56")
    unit_page(province, server, "56")
    assert re.fullmatch(r"เปิดมาแล้ว \d+ วัน", province.locator(f"[data-test=open-days-{cid}]").inner_text().strip())
    form = province.locator(f"[data-test=decide-{cid}]")
    form.locator(f"input[value='{KEEP}:present']").check()
    form.locator("input[name=reason]").fill("ตรวจทะเบียนบ้านแล้ว เด็กเรียนที่โรงเรียนเทศบาลบ้านต๋อม")
    form.locator("button[type=submit]").click()
    assert "บันทึกการตัดสินแล้ว" in province.locator("p.flash").first.inner_text()
    assert province.locator(f"[data-test=decide-{cid}]").count() == 0
    assert province.locator(f"[data-decision='{cid}']").count() == 1

    losing_school_is_told_and_refused(browser, server, cid, tmp_path)
    spot_check_round_trip(browser, server, province, tmp_path)

    entries = province.request.get(f"{server.url}/api/v1/audit?action=conflict_decide").json()["entries"]
    name = person(server, "56")
    assert any(cid in str(e) and name.split()[0] in str(e) for e in entries)
    entries = province.request.get(f"{server.url}/api/v1/audit?action=spot_check_results").json()["entries"]
    assert entries and all(name.split()[0] in str(e) for e in entries)


def losing_school_is_told_and_refused(browser: Any, server: Server, cid: str, tmp_path: Path) -> None:
    from server.domain import uploads
    from validators.fields import PUPIL_KEYS, REMOVAL_KEYS, REMOVAL_REASONS

    page = login(browser, server, LOSE)
    unit_page(page, server, LOSE)
    todo = page.locator(f"[data-decision='{cid}'] [data-test=todo]").inner_text()
    assert "นำเด็กออก" in todo and "ภายใน" in todo

    def dates(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {k: date.fromisoformat(row[k]) if k.endswith(("_date", "_on")) and row[k] else row[k] for k in keys}

    db = server.db()
    try:
        pupils = [dates(r, PUPIL_KEYS) for r in uploads.roster_rows(db, server.round_id, LOSE)]
        removed = [dates(r, REMOVAL_KEYS) for r in uploads.removal_rows(db, server.round_id, LOSE)]
        name = db.execute("SELECT name FROM units WHERE code = ?", [LOSE]).fetchone()[0]
    finally:
        db.close()
    for r in removed:
        r["reason"] = REMOVAL_REASONS.get(r["reason"], r["reason"])
    assert cid in {p["citizen_id"] for p in pupils}
    path = tmp_path / f"roster-{LOSE}.xlsx"
    path.write_bytes(workbook_bytes("school", LOSE, name, server.round_id, pupils, removed))
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-test=upload]")
    text = page.locator("main").inner_text()
    assert "ระบบยังไม่ได้บันทึกข้อมูล" in text or "ข้อผิดพลาด" in text
    for part in (cid, "พะเยา", person(server, "56"), KEEP, "ตรวจทะเบียนบ้านแล้ว"):
        assert part in text, part


def spot_check_round_trip(browser: Any, server: Server, province: Any, tmp_path: Path) -> None:
    ids = []
    for _ in range(2):
        unit_page(province, server, "56")
        draw = province.locator("[data-test=spot-draw]")
        draw.locator("input[name=institutions]").fill("2")
        draw.locator("input[name=children]").fill("4")
        draw.locator("input[name=seed]").fill("99")
        draw.locator("button[type=submit]").click()
        assert "สุ่มรายชื่อแล้ว" in province.locator("p.flash").first.inner_text()
        ids.append(int(province.locator("[data-spot-check]").first.get_attribute("data-spot-check")))
    api = f"{server.url}/api/v1/rounds/{server.round_id}/units/56/spot-checks"
    a, b = (province.request.get(f"{api}/{i}").json() for i in ids)
    sample = [(i["code"], [c["citizen_id"] for c in i["children"]]) for i in a["institutions"]]
    assert ids[0] != ids[1] and sample == [
        (i["code"], [c["citizen_id"] for c in i["children"]]) for i in b["institutions"]
    ]

    check = ids[1]
    with province.expect_download() as download:
        province.click(f"[data-test=spot-workbook-{check}]")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    inst, kids = sample[0]
    ws = wb[inst]
    header = next(r for r in range(1, 10) if ws.cell(r, 2).value == "เลขประจำตัวประชาชน")
    for n in range(len(kids)):
        ws.cell(header + 1 + n, 6, "พบ" if n else "ไม่พบ")
    ws.cell(header + 1, 7, "ไม่พบตัวในวันตรวจ")
    filled = tmp_path / "checked.xlsx"
    wb.save(filled)
    province.set_input_files(f"[data-test=spot-file-{check}]", str(filled))
    province.click(f"[data-test=spot-upload-{check}]")
    assert "ไม่พบตัว 1 คน" in province.locator("p.flash").first.inner_text()

    missing = kids[0]
    db = server.db()
    try:
        lao = db.execute("SELECT parent FROM units WHERE code = ?", [inst]).fetchone()[0]
    finally:
        db.close()
    for login_as, code in ((inst, inst), (lao, lao)):
        page = login(browser, server, login_as)
        unit_page(page, server, code)
        row = page.locator(f"[data-test=notices] [data-notice='{missing}']")
        assert row.count() == 1 and "ไม่พบตัวในวันตรวจ" in row.inner_text(), login_as
    institution_explains(browser, server, inst, lao, missing)

    book = province.request.get(f"{server.url}/api/v1/rounds/{server.round_id}/units/56/consolidated").body()
    sheet = openpyxl.load_workbook(io.BytesIO(book), read_only=True)["สุ่มตรวจสอบ"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[3] == missing and r[0] == check]
    assert [(r[7], r[8]) for r in rows] == [("ไม่พบ", "ไม่พบตัวในวันตรวจ")]


def institution_explains(browser: Any, server: Server, inst: str, lao: str, missing: str) -> None:
    """The institution on notice records why the child is real; the LAO and the province read it."""
    page = login(browser, server, inst)
    unit_page(page, server, inst)
    assert "ชี้แจง" in page.locator(f"[data-test=explanation-{missing}]").inner_text()
    form = page.locator(f"[data-test=explain-{missing}]")
    form.locator("input[name=explanation]").fill("เด็กป่วย ไปโรงพยาบาลในวันตรวจ มีใบรับรองแพทย์")
    form.locator("button[type=submit]").click()
    assert "บันทึกคำชี้แจง" in page.locator("p.flash").first.inner_text()
    assert "ชี้แจงแล้ว" in page.locator(f"[data-test=notices] [data-notice='{missing}']").inner_text()
    for login_as in (lao, "56"):
        other = login(browser, server, login_as)
        unit_page(other, server, login_as)
        cell = other.locator(f"[data-test=explanation-{missing}]").inner_text()
        assert "มีใบรับรองแพทย์" in cell and person(server, inst).split()[0] in cell, login_as
        assert other.locator(f"[data-test=explain-{missing}]").count() == 0  # only the institution explains
    entries = page.request.get(f"{server.url}/api/v1/audit?action=spot_check_explain").json()["entries"]
    assert entries and all(person(server, inst).split()[0] in str(e) for e in entries)
