"""Duplicate decisions through the API: who may decide, what a decision changes at once, withdrawal."""

from __future__ import annotations

from typing import Any

from serverkit import ROUND, World

from workbook_templates.meta import FIRST_DATA_ROW

PAO_SCHOOL, TOWN_SCHOOL, CR_SCHOOL = "3056100001", "3056200001", "3057300001"


def _duplicate(world: World, a: str, b: str) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """`a` uploads 10 children, `b` 5 more plus the first child of `a`: one conflict."""
    rows_a = world.roster(a, 10, seed=3)
    rows_b = [*world.roster(b, 5, seed=4), dict(rows_a[0])]
    world.upload_rows(a, a, rows_a)
    result = world.upload_rows(b, b, rows_b)
    assert [c["citizen_id"] for c in result["conflicts"]] == [rows_a[0]["citizen_id"]]
    return rows_a[0], rows_a, rows_b


def _decide(world: World, login: str, cid: str, keep: str, reason: str = "ตรวจเอกสารแล้ว", **kw: Any) -> Any:
    return world.post(login, f"/rounds/{ROUND}/conflicts/{cid}/decision", json={"keep": keep, "reason": reason, **kw})


def test_cross_lao_duplicate_is_decided_by_the_province(world: World) -> None:
    child, _, rows_b = _duplicate(world, PAO_SCHOOL, TOWN_SCHOOL)
    cid = child["citizen_id"]
    world.set_now("2024-11-04T10:00:00+07:00")  # three days after the upload

    listed = world.get("56", f"/rounds/{ROUND}/conflicts").get_json()
    (open_,) = listed["conflicts"]
    assert open_["citizen_id"] == cid and open_["decider"]["code"] == "56" and open_["may_decide"] is True
    assert open_["open_days"] == 3 and listed["decided"] == []
    assert world.get("02560001", f"/rounds/{ROUND}/conflicts").get_json()["conflicts"][0]["may_decide"] is False

    # neither LAO, neither school, nor another province, nor the admin (a higher level) may decide it
    for login in ("02560001", "05560101", PAO_SCHOOL, TOWN_SCHOOL, "dla"):
        r = _decide(world, login, cid, PAO_SCHOOL)
        assert r.status_code == 403 and r.get_json()["error"] == "not_decider", login
        assert "จังหวัดพะเยา" in r.get_json()["message"]
    assert _decide(world, "57", cid, PAO_SCHOOL).status_code == 404
    # a reason is required; the keeper must be one of the two
    r = _decide(world, "56", cid, PAO_SCHOOL, reason="  ")
    assert r.status_code == 400 and r.get_json()["error"] == "reason_required"
    r = _decide(world, "56", cid, CR_SCHOOL)
    assert r.status_code == 400 and r.get_json()["error"] == "keep_not_in_conflict"

    before = world.status("05560101").get_json()["counts"]["pupils_total"]
    r = _decide(world, "56", cid, PAO_SCHOOL, reason="ผู้ปกครองยืนยันว่าเด็กเรียนที่ อบจ.")
    assert r.status_code == 201, r.get_json()
    decision = r.get_json()
    assert decision["keep"] == PAO_SCHOOL and decision["person"] == "ชื่อ56 ทดสอบ"
    assert decision["decider"] == "56" and decision["done"] is False
    assert _decide(world, "56", cid, TOWN_SCHOOL).status_code == 409

    # takes effect at once: the child counts only at the PAO school
    assert world.status("05560101").get_json()["counts"]["pupils_total"] == before - 1
    assert world.status("02560001").get_json()["counts"]["pupils_total"] == 10
    town = world.status(TOWN_SCHOOL).get_json()
    (loss,) = town["decisions"]
    assert loss["keep"] == PAO_SCHOOL and "นำเด็กออก" in loss["todo_th"] and loss["due_th"]
    assert town["conflicts"] == []
    listed = world.get("56", f"/rounds/{ROUND}/conflicts").get_json()
    assert listed["conflicts"] == [] and [d["citizen_id"] for d in listed["decided"]] == [cid]

    _confirm_then_bring_back(world, cid, rows_b)


def _confirm_then_bring_back(world: World, cid: str, rows_b: list[dict[str, Any]]) -> None:
    """The LAOs confirm; the losing school's next upload with the child is refused, naming the decision."""
    # the LAOs confirm (a decided conflict no longer blocks them)
    for code in ("3056500001", "02560001", "05560101", "06560201"):
        world.fill(code)
    for code in (PAO_SCHOOL, TOWN_SCHOOL, "3056500001", "02560001", "05560101"):
        r = world.confirm(code)
        assert r.status_code == 200, (code, r.get_json())

    # the town school's next upload bringing the child back is refused, naming the decision
    r = world.revoke("05560101", TOWN_SCHOOL)
    assert r.status_code == 409  # its LAO is confirmed: revoke the LAO first
    assert world.revoke("56", "05560101").status_code == 200
    assert world.revoke("05560101", TOWN_SCHOOL).status_code == 200
    r = world.send(TOWN_SCHOOL, TOWN_SCHOOL, world.workbook(TOWN_SCHOOL, rows_b))
    assert r.status_code == 422, r.get_json()
    (err,) = r.get_json()["errors"]
    assert err["code"] == "SERVER_DECIDED_ELSEWHERE" and err["column"] == "citizen_id"
    assert err["row"] == FIRST_DATA_ROW + 5 and err["sheet"] == "นักเรียน"
    for part in (cid, "จังหวัดพะเยา", "ชื่อ56 ทดสอบ", "โรงเรียนพะเยาพิทยาคม อบจ. (3056100001)", "ผู้ปกครองยืนยัน"):
        assert part in err["message"], part
    # without the child it is accepted, and the decision is done
    r = world.send(TOWN_SCHOOL, TOWN_SCHOOL, world.workbook(TOWN_SCHOOL, rows_b[:-1]))
    assert r.status_code == 200, r.get_json()
    assert world.get("56", f"/rounds/{ROUND}/conflicts").get_json()["decided"][0]["done"] is True

    decided = world.audit(action="conflict_decide", outcome="ok")
    assert {a["unit_code"] for a in decided} == {PAO_SCHOOL, TOWN_SCHOOL} and {a["login"] for a in decided} == {"56"}
    refused = world.audit(action="conflict_decide", outcome="refused")
    assert {a["login"] for a in refused} >= {"02560001", PAO_SCHOOL, "dla", "57"}
    entries = world.get("56", f"/audit?action=conflict_decide&round={ROUND}").get_json()["entries"]
    assert any("ชื่อ56" in str(e) for e in entries)


def test_undecided_conflict_still_blocks_and_same_lao_is_decided_by_the_lao(world: World) -> None:
    rows_a = world.roster(TOWN_SCHOOL, 8, seed=5)
    cdc = world.roster("3056500001", 4, seed=6)
    shared = dict(cdc[0])
    world.upload_rows("3056500001", "3056500001", cdc)
    # a child centre and the school of one LAO list the same ID
    rows_a[0] = {**rows_a[0], "citizen_id": shared["citizen_id"]}
    world.upload_rows(TOWN_SCHOOL, TOWN_SCHOOL, rows_a)
    world.fill("05560101")
    assert world.confirm(TOWN_SCHOOL).status_code == 200
    assert world.confirm("3056500001").status_code == 200
    r = world.confirm("05560101")
    assert r.status_code == 409 and r.get_json()["error"] == "open_conflicts"

    cid = shared["citizen_id"]
    assert _decide(world, "56", cid, TOWN_SCHOOL).status_code == 403  # the LAO sees both: the LAO decides
    r = _decide(world, "05560101", cid, "3056500001", kind="mistyped", reason="โรงเรียนพิมพ์เลขผิด")
    assert r.status_code == 201, r.get_json()
    assert "พิมพ์ผิด" in r.get_json()["kind_th"] and "แก้เลขประจำตัว" in r.get_json()["todo_th"]

    # withdrawn by a higher level: the conflict is open again and blocks again
    r = world.client.delete(
        f"/api/v1/rounds/{ROUND}/conflicts/{cid}/decision", json={"reason": "ทบทวน"}, headers=world.headers(TOWN_SCHOOL)
    )
    assert r.status_code == 403
    r = world.client.delete(
        f"/api/v1/rounds/{ROUND}/conflicts/{cid}/decision", json={"reason": "ทบทวน"}, headers=world.headers("56")
    )
    assert r.status_code == 200, r.get_json()
    assert world.confirm("05560101").get_json()["error"] == "open_conflicts"
    assert _decide(world, "05560101", cid, "3056500001").status_code == 201
    assert world.confirm("05560101").status_code == 200
    (w,) = world.audit(action="conflict_withdraw", outcome="ok")[:1]
    assert w["login"] == "56"


def test_cross_province_duplicate_is_decided_by_the_admin(world: World) -> None:
    child, _, _ = _duplicate(world, CR_SCHOOL, TOWN_SCHOOL)
    cid = child["citizen_id"]
    for login in ("56", "57"):
        assert _decide(world, login, cid, CR_SCHOOL).status_code == 403
    r = _decide(world, "dla", cid, CR_SCHOOL)
    assert r.status_code == 201 and r.get_json()["decider"] == "TH"
    r = world.client.delete(f"/api/v1/rounds/{ROUND}/conflicts/{cid}/decision", headers=world.headers("56"))
    assert r.status_code == 403  # a province is below the national level that decided
