"""The add-in's "สถานะ" on a registrar's pupil register form and on a LocalSchool form, on real xlwings Books
(remote engine) fed with the client's JSON, against a live server: the status sheet writes what the
server holds (the register's pupils, this workbook's pupils not there yet; the year's imports with the
last one's counts), through the classic add-in (HTTP client) and the server-hosted set-up."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import requests
from clientjson import FakeExcel, payload_from_xlsx
from live import Live, live_server
from localschoolkit import BAD, GOOD, history_workbook
from serverkit import ROUND

from addin import actions
from addin.book_io import STATUS_SHEET, VBA_ACTIONS
from validators.synthetic import make_roster
from workbook_templates import build_template
from workbook_templates.academic_build import REGISTER_COLUMNS
from workbook_templates.academic_register import SHEET_NAME as REGISTER_SHEET

SCHOOL, OTHER_SCHOOL, YEAR = "3056200001", "3057300001", 2567
COL = {c.key: i + 1 for i, c in enumerate(REGISTER_COLUMNS)}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A live server whose school has a confirmed census roster of six pupils (the register's source)."""
    with live_server(tmp_path_factory.mktemp("lsq-live") / "data") as server:
        client = server.ready(SCHOOL)
        roster = io.BytesIO()
        build_template("school", unit_code=SCHOOL, unit_name="โรงเรียนทดสอบ", year=YEAR, round_no=2, out=roster,
                       rows=make_roster("school", 6, year=YEAR, unit_code=SCHOOL, seed=3))  # fmt: skip
        assert client.upload(ROUND, SCHOOL, "roster.xlsx", roster.getvalue())["accepted"]
        client.confirm(ROUND, SCHOOL)
        yield server


def auth(live: Live, login: str = SCHOOL) -> dict[str, str]:
    return {"Authorization": f"Bearer {live.ready(login).token}"}


def run(excel: FakeExcel, action: Any, *args: Any) -> actions.Outcome:
    book = excel.book()
    outcome = action(book, *args)
    acts = book.json()["actions"]
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    excel.apply(acts)
    return outcome


def register_form(live: Live) -> bytes:
    """The pre-filled register form, typed as a registrar types it (every pupil complete)."""
    resp = requests.get(f"{live.url}/api/v1/years/{YEAR}/units/{SCHOOL}/register/template", headers=auth(live),
                        timeout=60)  # fmt: skip
    assert resp.status_code == 200, resp.text
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    ws = wb[REGISTER_SHEET]
    r = 5
    while ws.cell(r, 1).value:
        day, month, year = ws.cell(r, COL["birth_date"]).value.split("/")
        typed = {"student_no": f"{2000 + r}", "father_name": f"นายพ่อ ที่{r}", "mother_name": f"นางแม่ ที่{r}",
                 "entry_date": f"{day}/{month}/{int(year) + 6}", "previous_school": "โรงเรียนอนุบาลบ้านต๋อม"}  # fmt: skip
        for key, value in typed.items():
            ws.cell(r, COL[key], value)
        r += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def status_value(excel: FakeExcel, label: str) -> Any:
    return next(r[1] for r in excel.grid(STATUS_SHEET) if r and r[0] == label)


@pytest.mark.live
def test_register_form_status_before_and_after_sending(live: Live) -> None:
    client = live.ready(SCHOOL)
    excel = FakeExcel(payload_from_xlsx(register_form(live), name="ทะเบียนนักเรียน.xlsx"))
    before = run(excel, actions.status, client)
    assert before.ok and "ทะเบียนนักเรียนบนเซิร์ฟเวอร์ 0 คน" in before.message
    assert "นักเรียนในแฟ้มนี้ 6 คน ยังไม่อยู่บนเซิร์ฟเวอร์ 6 คน" in before.message
    assert excel.grid(STATUS_SHEET)[0][0].startswith("สถานะทะเบียนนักเรียนของนายทะเบียน")
    assert status_value(excel, "นักเรียนในทะเบียนบนเซิร์ฟเวอร์ (คน)") == 0

    sent = run(excel, actions.upload, client)
    assert sent.ok, sent.message
    after = run(excel, actions.status, client)
    assert after.ok and "ทะเบียนนักเรียนบนเซิร์ฟเวอร์ 6 คน" in after.message and "ยังไม่อยู่บนเซิร์ฟเวอร์ 0 คน" in after.message
    assert status_value(excel, "นักเรียนในทะเบียนบนเซิร์ฟเวอร์ (คน)") == 6
    table = [r for r in excel.grid(STATUS_SHEET)[10:] if r and r[0] and str(r[0]).isdigit()]
    assert len(table) == 6 and {r[1] for r in table} == {str(2005 + i) for i in range(6)}  # student numbers as text

    refused = run(excel, actions.status, live.ready(OTHER_SCHOOL))  # another province's school: the server's 403
    assert not refused.ok and "ไม่มีสิทธิ์" in refused.message


@pytest.mark.live
def test_localschool_form_status_shows_the_last_import(live: Live) -> None:
    data = history_workbook([*GOOD, BAD[1]])  # six good rows, one grade "5"
    excel = FakeExcel(payload_from_xlsx(data, name="LocalSchool.xlsx"))
    empty = run(excel, actions.status, live.ready(SCHOOL))
    assert empty.ok and "ยังไม่มีการนำเข้าผลการเรียนย้อนหลังของปีการศึกษา 2567" in empty.message

    resp = requests.post(f"{live.url}/api/v1/years/{YEAR}/units/{SCHOOL}/localschool", headers=auth(live),
                         files={"file": ("LocalSchool.xlsx", data)}, timeout=60)  # fmt: skip
    assert resp.status_code == 200 and resp.json()["failed"] == 1, resp.text
    done = run(excel, actions.status, live.ready(SCHOOL))
    assert done.ok and "นำเข้าครั้งล่าสุด 7 แถว บันทึกใหม่ 6 เหมือนเดิม 0 ไม่ผ่าน 1 แถว" in done.message
    assert status_value(excel, "ครั้งล่าสุด: แถว / บันทึกใหม่ / เหมือนเดิม / ไม่ผ่าน") == "7 / 6 / 0 / 1"
    failed = f"/api/v1/years/{YEAR}/units/{SCHOOL}/localschool/{resp.json()['import_id']}/failed"
    assert status_value(excel, "แฟ้มแถวที่ไม่ผ่านของครั้งล่าสุด") == failed

    requests.post(f"{live.url}/api/v1/years/{YEAR}/units/{SCHOOL}/localschool", headers=auth(live),
                  files={"file": ("LocalSchool.xlsx", data)}, timeout=60)  # fmt: skip
    hosted = requests.post(f"{live.url}/xlwings/status", json=excel.payload(), headers=auth(live), timeout=60)
    assert hosted.status_code == 200, hosted.text
    acts = hosted.json()["actions"]
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    excel.apply(acts)
    assert "บันทึกใหม่ 0 เหมือนเดิม 6 ไม่ผ่าน 1 แถว" in acts[-1]["args"][0]  # the re-import changed nothing
    assert status_value(excel, "นำเข้าแล้ว (ครั้ง)") == 2
