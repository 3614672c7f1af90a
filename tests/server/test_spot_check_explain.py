"""A child a spot-check did not find: the institution explains (recorded, audited, shown to its LAO and
province and in the province book); and open conflicts say how long they have been open, in the status
JSON of the province and the nation and on their pages."""

from __future__ import annotations

import io
import re

import openpyxl
from serverkit import PASSWORD, ROUND, World

TOWN, PAO_SCHOOL, CR_SCHOOL, TOWN_LAO = "3056200001", "3056100001", "3057300001", "05560101"
CHECKS = f"/rounds/{ROUND}/units/56/spot-checks"


def _not_found(world: World) -> tuple[str, str]:
    """The town school's roster; a spot-check of province 56 that did not find its second child."""
    rows = world.roster(TOWN, 8, seed=51)
    world.upload_rows(TOWN, TOWN, rows)
    world.fill(PAO_SCHOOL, 6, seed=52)
    check = world.post("56", CHECKS, json={"institutions": 3, "children": 20, "seed": 3}).get_json()
    missing = rows[1]["citizen_id"]
    r = world.post("56", f"{CHECKS}/{check['id']}/results",
                   json={"results": [{"citizen_id": missing, "found": False, "note": "ครูบอกว่าย้ายไปแล้ว"}]})  # fmt: skip
    assert r.status_code == 200, r.get_json()
    return missing, rows[0]["citizen_id"]


def _explain(world: World, login: str, cid: str, text: str, code: str = TOWN) -> object:
    path = f"/rounds/{ROUND}/units/{code}/spot-check-notices/{cid}/explanation"
    return world.post(login, path, json={"explanation": text})


def test_the_institution_explains_and_its_lao_and_province_see_it(world: World) -> None:
    missing, found = _not_found(world)
    (notice,) = world.status(TOWN).get_json()["notices"]
    assert notice["state"] == "open" and "ชี้แจง" in notice["todo_th"] and notice["explanation"] is None

    # only the institution itself explains, with a reason, a child on notice
    for login in (TOWN_LAO, "56", "dla"):
        r = _explain(world, login, missing, "เด็กมีตัวตน")
        assert r.status_code == 403 and r.get_json()["error"] == "not_the_institution", login
    assert _explain(world, PAO_SCHOOL, missing, "เด็กมีตัวตน").status_code == 403  # another school's child
    r = _explain(world, TOWN, missing, "   ")
    assert r.status_code == 400 and r.get_json()["error"] == "explanation_required"
    r = _explain(world, TOWN, found, "เด็กมีตัวตน")
    assert r.status_code == 404 and r.get_json()["error"] == "no_notice"
    assert _explain(world, TOWN, missing, "ก" * 1001).status_code == 400

    r = _explain(world, TOWN, missing, "เด็กย้ายห้องเรียน  อยู่ ป.2/1 มีสำเนาทะเบียนบ้าน")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "explained" and body["todo_th"] is None
    assert body["explanation"] == "เด็กย้ายห้องเรียน อยู่ ป.2/1 มีสำเนาทะเบียนบ้าน"
    assert body["explained_by"] == f"ชื่อ{TOWN} ทดสอบ" and body["explained_at_th"]

    for login, code in ((TOWN_LAO, TOWN_LAO), ("56", "56")):
        (seen,) = world.get(login, f"/rounds/{ROUND}/units/{code}/spot-check-notices").get_json()["notices"]
        assert seen["citizen_id"] == missing and "สำเนาทะเบียนบ้าน" in seen["explanation"], login
        (status,) = world.status(login, code).get_json()["notices"]
        assert status["state"] == "explained"
    assert world.get("57", f"/rounds/{ROUND}/units/56/spot-check-notices").status_code == 403

    (ok,) = world.audit(action="spot_check_explain", outcome="ok")
    assert ok["login"] == TOWN and ok["unit_code"] == TOWN and "สำเนาทะเบียนบ้าน" in ok["detail"]
    refused = world.audit(action="spot_check_explain", outcome="refused")
    assert {a["login"] for a in refused} >= {TOWN_LAO, "56", "dla", PAO_SCHOOL, TOWN}

    book = world.get("56", f"/rounds/{ROUND}/units/56/consolidated").data
    sheet = openpyxl.load_workbook(io.BytesIO(book), read_only=True)["สุ่มตรวจสอบ"]
    (row,) = [r for r in sheet.iter_rows(values_only=True) if r and r[3] == missing]
    assert row[7] == "ไม่พบ" and "สำเนาทะเบียนบ้าน" in row[10] and f"ชื่อ{TOWN}" in row[10]


def _page(world: World, login: str, path: str) -> str:
    """A page as `login` sees it, logged in through the login form (session cookie, CSRF)."""
    client = world.app.test_client()
    world.headers(login)  # first login and profile done
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return client.get(path).get_data(as_text=True)


def test_open_conflicts_say_how_long_they_have_been_open(world: World) -> None:
    pao = world.roster(PAO_SCHOOL, 5, seed=61)
    cr = world.roster(CR_SCHOOL, 5, seed=62)
    world.upload_rows(PAO_SCHOOL, PAO_SCHOOL, pao)
    world.upload_rows(CR_SCHOOL, CR_SCHOOL, cr)
    world.upload_rows(TOWN, TOWN, [*world.roster(TOWN, 4, seed=63), dict(pao[0]), dict(cr[0])])
    world.set_now("2024-11-06T09:00:00+07:00")  # the conflicts were seen on 1 Nov 10:00: 4 whole days

    prov = world.status("56").get_json()["conflicts"]
    assert {c["citizen_id"] for c in prov} == {pao[0]["citizen_id"], cr[0]["citizen_id"]}
    assert all(c["open_days"] == 4 and c["open_th"] == "เปิดมาแล้ว 4 วัน" and c["opened_at_th"] for c in prov)
    assert {c["decider"]["code"] for c in prov} == {"56", "TH"}
    nation = world.status("dla", "TH").get_json()["conflicts"]
    assert [c["open_days"] for c in nation] == [4, 4]

    html = _page(world, "56", f"/rounds/{ROUND}/units/56")
    assert html.count("เปิดมาแล้ว 4 วัน") == 2
    html = _page(world, "dla", f"/rounds/{ROUND}")
    assert "เปิดมาแล้ว 4 วัน" in html and cr[0]["citizen_id"] in html
