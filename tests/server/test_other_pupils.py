"""Other-affiliation pupil lists (letter 003 §5.2(1)): sent with an LAO's counts, cross-checked against every
roster of the round, a match is a conflict of its own kind, decided, blocking and refused like a duplicate."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook
from serverkit import PASSWORD, ROUND, World

from validators.fields import SHEETS
from workbook_templates import build_template
from workbook_templates.meta import FIRST_DATA_ROW

TOWN_SCHOOL, MAESAI, TOWN_LAO = "3056200001", "06560201", "05560101"
OBEC = "1056000001"
PUPIL_SHEET = SHEETS["other"]["pupils"]


def _other_workbook(world: World, lao: str, pupils: list[dict[str, Any]]) -> bytes:
    """The LAO's counts (every registered school) with `pupils` on the pupil-list sheet."""
    buf = io.BytesIO()
    rows = world.registered_other(lao)
    build_template("other", unit_code=lao, unit_name="ทดสอบ", year=2567, round_no=2, rows=rows, pupils=pupils,
                   out=buf, capacity=len(rows) + 10)  # fmt: skip
    return buf.getvalue()


def _listed(children: list[dict[str, Any]], school: str = OBEC) -> list[dict[str, Any]]:
    return [
        {"other_school_code": school, "citizen_id": c["citizen_id"], "prefix": c.get("prefix"),
         "first_name": c["first_name"], "last_name": c["last_name"], "grade": "ป.1"}
        for c in children
    ]  # fmt: skip


def _page(world: World, login: str, path: str) -> str:
    """A page as `login` sees it, logged in through the login form (session cookie, CSRF)."""
    client = world.app.test_client()
    world.headers(login)  # first login and profile done
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    return client.get(path).get_data(as_text=True)


def _decide(world: World, login: str, cid: str, keep: str, **kw: Any) -> Any:
    body = {"keep": keep, "reason": "ตรวจทะเบียนนักเรียนของโรงเรียนแล้ว", **kw}
    return world.post(login, f"/rounds/{ROUND}/conflicts/{cid}/decision", json=body)


def _setup(world: World) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The town school lists 6 children; อบต.แม่ใส lists 3 OBEC pupils, one of them the town school's."""
    town = world.roster(TOWN_SCHOOL, 6, seed=21)
    world.upload_rows(TOWN_SCHOOL, TOWN_SCHOOL, town)
    obec = _listed([*world.roster(TOWN_SCHOOL, 2, seed=22), town[2]])
    r = world.send(MAESAI, MAESAI, _other_workbook(world, MAESAI, obec))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    (cf,) = body["conflicts"]
    assert cf["kind"] == "other_affiliation" and cf["citizen_id"] == town[2]["citizen_id"]
    assert {u["code"] for u in cf["units"]} == {TOWN_SCHOOL, MAESAI}
    side = next(u for u in cf["units"] if u["code"] == MAESAI)
    assert side["other_school_code"] == OBEC and "โรงเรียนบ้านแม่ใส" in side["name"]
    (warn,) = [w for w in body["warnings"] if w["code"] == "SERVER_ID_CONFLICT"]
    assert warn["sheet"] == PUPIL_SHEET and warn["row"] == FIRST_DATA_ROW + 2
    assert "โรงเรียนเทศบาลบ้านต๋อม" in warn["message"]
    return town[2]["citizen_id"], town, obec


def test_a_listed_pupil_on_a_roster_is_a_conflict_decided_by_the_province(world: World) -> None:
    cid, town, _ = _setup(world)
    stored = world.db.execute("SELECT COUNT(*), MIN(other_school_name) FROM other_pupils").fetchone()
    assert stored[0] == 3 and stored[1] == "โรงเรียนบ้านแม่ใส (สพฐ.)"

    # the school's side sees it too, on its own roster row
    again = world.send(TOWN_SCHOOL, TOWN_SCHOOL, world.workbook(TOWN_SCHOOL, town))
    assert [c["kind"] for c in again.get_json()["conflicts"]] == ["other_affiliation"]

    # two LAOs of one province: the province decides; listed with how long it has been open
    world.set_now("2024-11-03T10:00:00+07:00")
    (open_,) = world.get("56", f"/rounds/{ROUND}/conflicts").get_json()["conflicts"]
    assert open_["kind"] == "other_affiliation" and open_["decider"]["code"] == "56" and open_["may_decide"]
    assert open_["open_days"] == 2
    (seen,) = world.get(MAESAI, f"/rounds/{ROUND}/conflicts").get_json()["conflicts"]
    assert seen["may_decide"] is False
    for login in (MAESAI, TOWN_LAO, TOWN_SCHOOL, "dla"):
        assert _decide(world, login, cid, MAESAI).status_code == 403, login

    # undecided, it blocks both LAOs: the one whose list holds the child and the one whose school does
    world.fill("3056500001")
    world.fill(TOWN_LAO)
    for code in (TOWN_SCHOOL, "3056500001"):
        assert world.confirm(code).status_code == 200, code
    for lao in (MAESAI, TOWN_LAO):
        r = world.confirm(lao)
        assert r.status_code == 409 and r.get_json()["error"] == "open_conflicts", (lao, r.get_json())

    # decided for the OBEC school: the child stops counting at the town school at once
    before = world.status(TOWN_SCHOOL).get_json()["counts"]["pupils_total"]
    r = _decide(world, "56", cid, MAESAI)
    assert r.status_code == 201, r.get_json()
    dec = r.get_json()
    assert dec["conflict_kind"] == "other_affiliation" and dec["other_school_code"] == OBEC
    assert "โรงเรียนบ้านแม่ใส" in dec["keep_name"] and "โรงเรียนบ้านแม่ใส" in dec["kind_th"]
    assert world.status(TOWN_SCHOOL).get_json()["counts"]["pupils_total"] == before - 1
    (loss,) = world.status(TOWN_SCHOOL).get_json()["decisions"]
    assert "นำเด็กออก" in loss["todo_th"] and loss["done"] is False
    for lao in (MAESAI, TOWN_LAO):
        assert world.confirm(lao).status_code == 200, lao

    decided = world.audit(action="conflict_decide", outcome="ok")
    assert {a["unit_code"] for a in decided} == {TOWN_SCHOOL, MAESAI} and {a["login"] for a in decided} == {"56"}


def test_a_decision_for_the_roster_refuses_the_list_until_the_lao_takes_the_child_off(world: World) -> None:
    cid, _, obec = _setup(world)
    r = _decide(world, "56", cid, TOWN_SCHOOL, kind="mistyped")
    assert r.status_code == 201, r.get_json()
    (loss,) = world.status(MAESAI).get_json()["decisions"]
    assert "สังกัดอื่น" in loss["todo_th"] and "1056000001" in loss["todo_th"] and loss["done"] is False
    assert loss["todo_for"] == "list"
    html = _page(world, MAESAI, f"/rounds/{ROUND}/units/{MAESAI}")
    assert "สิ่งที่ อปท. นี้ต้องทำ" in html and "รอ อปท. แก้รายชื่อสังกัดอื่น" in html

    # the LAO's next file listing the child again is refused, on the pupil-list sheet, naming the decision
    r = world.send(MAESAI, MAESAI, _other_workbook(world, MAESAI, obec))
    assert r.status_code == 422, r.get_json()
    (err,) = r.get_json()["errors"]
    assert err["code"] == "SERVER_DECIDED_ELSEWHERE" and err["sheet"] == PUPIL_SHEET
    assert err["row"] == FIRST_DATA_ROW + 2 and "จังหวัดพะเยา" in err["message"]
    assert world.db.execute("SELECT COUNT(*) FROM other_pupils").fetchone()[0] == 3  # nothing replaced

    r = world.send(MAESAI, MAESAI, _other_workbook(world, MAESAI, obec[:2]))
    assert r.status_code == 200, r.get_json()
    (done,) = world.get("56", f"/rounds/{ROUND}/conflicts").get_json()["decided"]
    assert done["done"] is True and done["conflict_kind"] == "other_affiliation"

    # withdrawn, with the child off the list, there is nothing left to decide
    r = world.client.delete(f"/api/v1/rounds/{ROUND}/conflicts/{cid}/decision", json={"reason": "ทบทวน"},
                            headers=world.headers("56"))  # fmt: skip
    assert r.status_code == 200, r.get_json()
    assert world.get("56", f"/rounds/{ROUND}/conflicts").get_json()["conflicts"] == []


def test_a_bad_pupil_list_is_refused_whole_and_counts_only_still_go_through(world: World) -> None:
    world.fill(MAESAI)
    before = world.db.execute("SELECT COUNT(*) FROM other_counts").fetchone()[0]
    pupils = _listed(world.roster(TOWN_SCHOOL, 3, seed=30))
    pupils[1] = {**pupils[1], "citizen_id": "1234567890123"}
    pupils[2] = {**pupils[2], "other_school_code": "1056999999"}
    data = _other_workbook(world, MAESAI, pupils)
    r = world.send(MAESAI, MAESAI, data)
    assert r.status_code == 422
    errors = {(e["code"], e["sheet"], e["row"], e["column"]) for e in r.get_json()["errors"]}
    assert ("ID_CHECK_DIGIT", PUPIL_SHEET, FIRST_DATA_ROW + 1, "citizen_id") in errors
    assert ("OTHER_PUPIL_SCHOOL_UNKNOWN", PUPIL_SHEET, FIRST_DATA_ROW + 2, "other_school_code") in errors
    assert world.db.execute("SELECT COUNT(*) FROM other_pupils").fetchone()[0] == 0
    assert world.db.execute("SELECT COUNT(*) FROM other_counts").fetchone()[0] == before

    # the LAO's template carries the sheet, empty, with its headers; counts alone are accepted
    r = world.client.get(f"/api/v1/rounds/{ROUND}/units/{MAESAI}/template", headers=world.headers(MAESAI))
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb[PUPIL_SHEET]
    assert ws.cell(FIRST_DATA_ROW - 2, 2).value == "citizen_id" and ws.cell(FIRST_DATA_ROW, 2).value is None
    assert world.send(MAESAI, MAESAI, _other_workbook(world, MAESAI, [])).status_code == 200
