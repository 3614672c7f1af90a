"""A unit's registrars, current and past, through the real app: the API route (the person, the appointing
order and its date, the dates in office, the profile each made) and the line on the unit's page."""

from __future__ import annotations

import re

from serverkit import ROUND, World

from server.domain import registrars

SCHOOL, LAO = "3056200001", "05560101"


def appoint(world: World, code: str, person: str, order_no: str, order_date: str) -> str:
    """Appoint by order and sign the new person in (their profile), as a change of registrar does."""
    login, password = registrars.appoint(world.db, code, person=person, order_no=order_no, order_date=order_date,
                                         by="test")  # fmt: skip
    world.passwords[login] = password
    world.tokens.pop(login, None)
    world.profiled.discard(login)
    world.headers(login)
    return login


def test_history_lists_the_old_and_the_new_registrar(world: World) -> None:
    login = appoint(world, SCHOOL, "นางสาวพิมพ์ใจ รักเรียน", "125/2567", "2567-05-16")  # a B.E. date typed
    assert appoint(world, SCHOOL, "นายสมชาย ใจดี", "40/2568", "2025-06-02") == login  # a change of registrar

    body = world.get(LAO, f"/units/{SCHOOL}/registrars").get_json()  # the LAO above views it
    assert body["title"] == "นายทะเบียน" and body["appointable"] is True and body["unit"]["code"] == SCHOOL
    rows = [(r["person"], r["order_no"], r["order_date"], r["current"], r["login"]) for r in body["registrars"]]
    assert rows == [("นางสาวพิมพ์ใจ รักเรียน", "125/2567", "2024-05-16", False, login),
                    ("นายสมชาย ใจดี", "40/2568", "2025-06-02", True, login)]  # fmt: skip
    old, new = body["registrars"]
    assert old["ended_at"] == new["started_at"] and new["ended_at"] is None
    assert old["profile"]["position"] == "นักวิชาการศึกษา" and new["profile"]["first_name"] == f"ชื่อ{login}"
    assert not {"user_id", "profile_mark", "id"} & set(old)

    lao = world.get("56", f"/units/{LAO}/registrars").get_json()
    assert (lao["title"], lao["registrars"]) == ("เจ้าพนักงานทะเบียน", [])
    cdc = world.get(LAO, "/units/3056500001/registrars")
    assert cdc.status_code == 200 and cdc.get_json()["appointable"] is False
    assert world.get("57", f"/units/{SCHOOL}/registrars").status_code == 403  # another province
    assert world.get(SCHOOL, "/units/9999999999/registrars").status_code == 404


def test_unit_page_shows_the_registrars(world: World) -> None:
    appoint(world, SCHOOL, "นางสาวพิมพ์ใจ รักเรียน", "125/2567", "2024-05-16")
    appoint(world, SCHOOL, "นายสมชาย ใจดี", "40/2568", "2025-06-02")
    html = world.client.get(f"/rounds/{ROUND}/units/{SCHOOL}", headers=world.headers(SCHOOL)).get_data(as_text=True)
    section = html[html.index('data-test="registrars"') :]
    section = section[: section.index("</section>")]
    assert "<h2>นายทะเบียน</h2>" in section
    items = re.findall(r'<li data-test="(registrar[-a-z]*)">(.*?)</li>', section, re.S)
    assert [k for k, _ in items] == ["registrar-current", "registrar"]  # the one in office first
    current, past = (" ".join(text.split()) for _, text in items)
    assert "นายสมชาย ใจดี" in current and "คำสั่งเลขที่ 40/2568 ลงวันที่ 2 มิ.ย. 2568" in current and "ปัจจุบัน" in current
    assert "นางสาวพิมพ์ใจ รักเรียน" in past and "คำสั่งเลขที่ 125/2567 ลงวันที่ 16 พ.ค. 2567" in past and "ถึง" in past

    cdc = world.client.get(f"/rounds/{ROUND}/units/3056500001", headers=world.headers(LAO)).get_data(as_text=True)
    assert 'data-test="registrars"' not in cdc  # a child centre has no registrar
    lao = world.client.get(f"/rounds/{ROUND}/units/{LAO}", headers=world.headers(LAO)).get_data(as_text=True)
    assert "ยังไม่มีการแต่งตั้งเจ้าพนักงานทะเบียน" in lao
