"""The ปพ.3 pages through the app's session: the school's registrar sees the statuses and submits, the
LAO's registrar lists its schools' reports and approves with the form (CSRF), the province sees all."""

from __future__ import annotations

import re
from typing import Any

from graduateskit import FINAL_YEAR, LAO, PUPILS, SCHOOL, walk_results
from serverkit import PASSWORD, World
from test_graduate_reports import LAO_REG, REG, appoint_all

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE = f"/graduates/{FINAL_YEAR}/{SCHOOL}/m3"


def session_login(world: World, login: str) -> str:
    """Log in through the login page (its profile already done); the CSRF token of the session."""
    world.client._cookies.clear()  # a new browser: the API token calls below carry no session cookie
    world.headers(login)
    token = csrf(world, "/login")
    resp = world.client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return csrf(world, "/graduates")


def csrf(world: World, path: str) -> str:
    match = CSRF.search(world.client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


def text(resp: Any) -> str:
    return resp.get_data(as_text=True)


def test_pages_walk_the_chain(world: World) -> None:
    appoint_all(world)
    walk_results(world, login=REG)
    token = session_login(world, REG)
    page = text(world.client.get(PAGE))
    assert "ปพ.3:บ" in page and "ผู้ยังไม่ผ่านเกณฑ์ (2 คน)" in page and 'data-test="submit"' in page
    assert "หน่วยกิตรวมที่ได้ 52 หน่วยกิต ไม่ถึงเกณฑ์ 77 หน่วยกิต" in page and PUPILS[0].citizen_id in page
    assert 'data-test="approve"' not in page
    assert world.client.post(PAGE + "/submit", data={}).status_code == 403  # no CSRF token
    done = world.client.post(PAGE + "/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "ส่งรายงานฉบับที่ 1 แล้ว" in text(done)

    token = session_login(world, LAO_REG)
    listed = text(world.client.get(f"/graduates?year={FINAL_YEAR}"))
    assert f'data-unit="{SCHOOL}"' in listed and "ส่งแล้ว รอเจ้าพนักงานทะเบียนตรวจสอบ" in listed
    page = text(world.client.get(PAGE))
    assert 'data-test="approve"' in page and 'data-test="submit"' not in page
    done = world.client.post(PAGE + "/approve", data={"csrf_token": token}, follow_redirects=True)
    assert "อนุมัติรายงานฉบับที่ 1 แล้ว" in text(done) and "สถานะ: อนุมัติแล้ว" in text(done)
    again = world.client.post(PAGE + "/approve", data={"csrf_token": token}, follow_redirects=True)
    assert "อยู่ในสถานะ “อนุมัติแล้ว”" in text(again)  # the refusal's Thai message, flashed

    session_login(world, "56")  # the province sees every report of its own
    assert 'data-state="approved"' in text(world.client.get(f"/graduates?year={FINAL_YEAR}"))
    session_login(world, LAO)
    assert text(world.client.get(PAGE)).count('data-test="approve"') == 0  # the LAO's census login: no buttons
    session_login(world, "3057300001")
    assert world.client.get(PAGE).status_code == 403
