"""Deadlines (423 with the Thai date), closing, exceptions, correction rounds and the frozen snapshot."""

from __future__ import annotations

import sqlite3

import pytest
from serverkit import ROUND, World

from server.domain import chain, rounds
from server.domain.errors import ServiceError


def confirm_phayao(world: World) -> None:
    for code in ("3056100001", "3056200001", "3056500001", "02560001", "05560101", "06560201"):
        world.fill(code)
    for code in ("3056100001", "3056200001", "3056500001", "02560001", "05560101", "06560201", "56"):
        r = world.confirm(code)
        assert r.status_code == 200, (code, r.get_json())


def test_confirm_after_the_level_deadline_is_423_naming_it(world: World) -> None:
    world.fill("3056100001")
    world.fill("02560001")
    world.set_now("2024-11-11T17:01")
    r = world.confirm("3056100001")
    assert r.status_code == 423
    assert r.get_json()["error"] == "deadline_passed"
    assert "เลยกำหนดยืนยันของสถานศึกษา (11 พ.ย. 2567 17:00 น.) แล้ว" in r.get_json()["message"]
    r = world.confirm("02560001")
    assert r.status_code == 423 and "องค์กรปกครองส่วนท้องถิ่น (11 พ.ย. 2567 17:00 น.)" in r.get_json()["message"]
    refused = world.audit(action="confirm", outcome="refused")
    assert [a["code"] for a in refused] == ["deadline_passed", "deadline_passed"]


def test_province_confirms_on_its_own_later_deadline(world: World) -> None:
    for code in ("3056100001", "3056200001", "3056500001", "02560001", "05560101", "06560201"):
        world.fill(code)
        assert world.confirm(code).status_code == 200
    world.set_now("2024-11-12T16:59")
    assert world.confirm("56").status_code == 200


def test_before_opening_and_after_closing(world: World) -> None:
    world.set_now("2024-09-30T23:00")
    r = world.send("3056100001", "3056100001", world.workbook("3056100001", n=3))
    assert r.status_code == 423 and r.get_json()["error"] == "round_not_open"
    world.set_now("2024-11-01T10:00")
    world.fill("3056100001")
    assert world.confirm("3056100001").status_code == 200
    world.set_now("2024-11-12T17:00:01")
    r = world.send("3056200001", "3056200001", world.workbook("3056200001", n=3))
    assert r.status_code == 423 and r.get_json()["error"] == "round_closed"
    assert "ปิดระบบแล้ว (12 พ.ย. 2567 17:00 น.)" in r.get_json()["message"]
    r = world.revoke("02560001", "3056100001")
    assert r.status_code == 423 and r.get_json()["error"] == "round_closed"
    assert world.confirm("56").status_code == 423
    # read-only, not dark: the state can still be read
    assert world.status("56").status_code == 200
    assert world.get("3056100001", "/rounds").get_json()["rounds"][0]["phase"] == "closed"


def test_admin_exception_is_recorded_and_lifts_the_limits_for_that_unit(world: World) -> None:
    world.fill("3056100001")
    world.set_now("2024-11-11T18:00")
    assert world.confirm("3056100001").status_code == 423
    r = world.post(
        "02560001", f"/rounds/{ROUND}/units/3056100001/exception", json={"until": "2024-11-11T20:00", "reason": "ไฟดับ"}
    )
    assert r.status_code == 403
    r = world.post(
        "dla",
        f"/rounds/{ROUND}/units/3056100001/exception",
        json={"until": "2024-11-11T20:00", "reason": "ไฟฟ้าดับทั้งอำเภอ"},
    )
    assert r.status_code == 200, r.get_json()
    r = world.confirm("3056100001")
    assert r.status_code == 200 and r.get_json()["exception"]
    assert world.confirm("3056200001").status_code == 423  # only that unit
    (rec,) = world.audit(action="exception")
    assert rec["login"] == "dla" and rec["unit_code"] == "3056100001" and "ไฟฟ้าดับ" in rec["detail"]
    # after closing too, until the exception ends
    world.set_now("2024-11-11T19:00")
    world.fill("3056200001")  # no exception: still fine before closing (uploads close with the round)
    world.set_now("2024-11-12T18:00")
    r = world.post(
        "dla", f"/rounds/{ROUND}/units/3056200001/exception", json={"until": "2024-11-13T12:00", "reason": "ส่งแฟ้มไม่ทัน"}
    )
    assert r.status_code == 200
    assert world.send("3056200001", "3056200001", world.workbook("3056200001", n=4)).status_code == 200
    assert world.send("3056500001", "3056500001", world.workbook("3056500001", n=4)).status_code == 423
    r = world.post("dla", f"/rounds/{ROUND}/units/3056200001/exception", json={"until": "2024-11-13", "reason": ""})
    assert r.status_code == 400 and r.get_json()["error"] == "reason_required"


def test_revoking_after_the_lower_deadline_needs_an_exception(world: World) -> None:
    world.fill("3056100001")
    assert world.confirm("3056100001").status_code == 200
    world.set_now("2024-11-12T09:00")
    r = world.revoke("02560001", "3056100001")
    assert r.status_code == 423 and r.get_json()["error"] == "revoke_after_deadline"
    world.post(
        "dla",
        f"/rounds/{ROUND}/units/3056100001/exception",
        json={"until": "2024-11-12T16:00", "reason": "แก้ไขหลังกำหนด"},
    )
    assert world.revoke("02560001", "3056100001").status_code == 200


def test_snapshot_is_frozen_and_a_correction_round_never_changes_it(world: World) -> None:
    confirm_phayao(world)
    snap = chain.snapshot_of(world.db, ROUND, "56")
    assert snap is not None and snap["total"] > 60
    basis = chain.allocation_basis(world.db, "56")
    assert basis["id"] == snap["id"]
    # the snapshot tables are append-only
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        world.db.execute("UPDATE snapshot_counts SET count = 0")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        world.db.execute("DELETE FROM snapshots")

    rounds.create_round(
        world.db,
        "2567-3",
        as_of="2024-11-10",
        opens="2025-01-15T08:30",
        institution_deadline="2025-01-31",
        lao_deadline="2025-01-31",
        province_deadline="2025-01-31",
        mode="correction",
    )
    world.set_now("2025-01-20T10:00")
    previous = {
        r["citizen_id"]
        for r in world.db.query(
            "SELECT citizen_id FROM pupils WHERE round_id = ? AND unit_code = '3056100001'", [ROUND]
        )
    }
    kept = [r for r in world.roster("3056100001") if r["citizen_id"] in previous][:15]
    newcomers = world.roster("3056100001", 8, seed=77)
    gone = [r for r in world.roster("3056100001") if r not in kept]
    removals = [
        {
            **{k: g[k] for k in ("citizen_id", "prefix", "first_name", "last_name")},
            "removed_on": "2024-12-01",
            "reason": "ย้ายสถานศึกษา",
            "note": "",
        }
        for g in gone
    ]
    r = world.send(
        "3056100001",
        "3056100001",
        world.workbook("3056100001", kept + newcomers, removals, round_no=3),
        round_id="2567-3",
    )
    assert r.status_code == 200, r.get_json()
    r = world.confirm("3056100001", round_id="2567-3")
    assert r.status_code == 409 and r.get_json()["error"] == "correction_round"
    assert world.status("3056100001", round_id="2567-3").get_json()["counts"]["pupils_total"] == 23
    # the allocation basis is still the snapshot frozen by the province in 2567-2, unchanged
    again = chain.allocation_basis(world.db, "56")
    assert again == snap


def test_round_creation_checks(world: World) -> None:
    times = dict(
        as_of="2024-06-10",
        opens="2024-06-01",
        institution_deadline="2024-06-30",
        lao_deadline="2024-06-29",
        province_deadline="2024-07-01",
    )
    with pytest.raises(ServiceError) as e:
        rounds.create_round(world.db, "2567-1", **times)
    assert e.value.code == "bad_deadlines"
    with pytest.raises(ServiceError) as e:
        rounds.create_round(world.db, "2024-1", **{**times, "lao_deadline": "2024-06-30"})
    assert e.value.code == "bad_round"
    with pytest.raises(ServiceError) as e:
        rounds.create_round(world.db, ROUND, **{**times, "lao_deadline": "2024-06-30"})
    assert e.value.status == 409
    rnd = rounds.require_round(world.db, ROUND)
    assert rnd["institution_deadline"] == "2024-11-11T17:00:00+07:00"
    assert rnd["closes"] == rnd["province_deadline"]
