"""The whole chain of domain.md through the real app: every refusal, and the audit trail."""

from __future__ import annotations

from serverkit import INSTITUTIONS, ROUND, World

from workbook_templates.meta import FIRST_DATA_ROW


def ready_phayao(world: World) -> None:
    """Every Phayao institution and LAO has uploaded its data."""
    for code in ("3056100001", "3056200001", "3056500001"):
        world.fill(code)
    for lao in ("02560001", "05560101", "06560201"):
        world.fill(lao)


def test_whole_chain_in_order(world: World) -> None:
    """Every step through HTTP: workbook uploads, confirms bottom-up, refusals on the way."""
    for code in ("3056100001", "3056200001", "3056500001", "02560001", "05560101", "06560201"):
        r = world.send(code, code, world.workbook(code))
        assert r.status_code == 200 and r.get_json()["accepted"], (code, r.get_json())
    # province before its LAOs: 409 naming them
    r = world.confirm("56")
    assert r.status_code == 409 and r.get_json()["error"] == "laos_unconfirmed"
    assert "02560001" in r.get_json()["message"]
    # LAO before its institutions: 409
    r = world.confirm("05560101")
    assert r.status_code == 409 and r.get_json()["error"] == "institutions_unconfirmed"
    assert set(r.get_json()["detail"][0]["units"]) == {"3056200001", "3056500001"}

    for inst in ("3056100001", "3056200001", "3056500001"):
        r = world.confirm(inst)
        assert r.status_code == 200, r.get_json()
    r = world.confirm("3056100001")
    assert r.status_code == 409 and r.get_json()["error"] == "already_confirmed"

    for lao in ("02560001", "05560101", "06560201"):
        assert world.confirm(lao).status_code == 200
    r = world.confirm("56")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["snapshot"] and body["counts"]["pupils_total"] == 60

    status = world.status("56").get_json()
    assert status["state"] == "confirmed"
    assert status["confirmed"]["by"] == "56" and status["confirmed"]["person"] == "ชื่อ56 ทดสอบ"
    assert {c["code"]: c["state"] for c in status["children"]} == {
        "02560001": "confirmed",
        "05560101": "confirmed",
        "06560201": "confirmed",
    }

    confirms = world.audit(action="confirm")
    ok = [(a["unit_code"], a["outcome"]) for a in confirms if a["outcome"] == "ok"]
    assert ok == [
        ("3056100001", "ok"),
        ("3056200001", "ok"),
        ("3056500001", "ok"),
        ("02560001", "ok"),
        ("05560101", "ok"),
        ("06560201", "ok"),
        ("56", "ok"),
    ]
    refused = {(a["unit_code"], a["code"]) for a in confirms if a["outcome"] == "refused"}
    assert {
        ("56", "laos_unconfirmed"),
        ("05560101", "institutions_unconfirmed"),
        ("3056100001", "already_confirmed"),
    } <= refused
    assert all(a["profile_id"] for a in confirms)  # every action names the person


def test_institution_needs_an_upload(world: World) -> None:
    r = world.confirm("3056100001")
    assert r.status_code == 409 and r.get_json()["error"] == "no_upload"


def test_lao_with_no_other_affiliation_school_confirms_with_its_institutions_alone(world: World) -> None:
    """The registry lists no other-affiliation school under the PAO: it is not asked for the sheet."""
    assert world.status("02560001").get_json()["state"] == "unconfirmed"  # not "not uploaded": nothing to send
    world.fill("3056100001")
    assert world.confirm("3056100001").status_code == 200
    r = world.confirm("02560001")
    assert r.status_code == 200, r.get_json()
    assert world.db.execute("SELECT COUNT(*) FROM rosters WHERE unit_code = '02560001'").fetchone()[0] == 0


def test_lao_without_institutions_confirms_on_other_counts_alone(world: World) -> None:
    assert world.confirm("06560201").get_json()["error"] == "other_counts_missing"
    world.fill("06560201")
    assert world.confirm("06560201").status_code == 200


def test_revoke_goes_top_down(world: World) -> None:
    ready_phayao(world)
    for code in ("3056200001", "3056500001", "05560101"):
        assert world.confirm(code).status_code == 200
    # an institution cannot revoke itself, nor can the province skip the LAO
    r = world.revoke("3056200001", "3056200001")
    assert r.status_code == 403 and r.get_json()["error"] == "out_of_scope"
    r = world.revoke("56", "3056200001")
    assert r.status_code == 403
    # the LAO is confirmed: its institution's confirmation cannot be revoked yet; says whom to ask
    r = world.revoke("05560101", "3056200001")
    assert r.status_code == 409 and r.get_json()["error"] == "parent_confirmed"
    assert "จังหวัดพะเยา (56)" in r.get_json()["message"]
    # a confirmed institution cannot upload: ask the LAO
    r = world.client.post(
        f"/api/v1/rounds/{ROUND}/units/3056200001/workbook",
        headers=world.headers("3056200001"),
        data={"file": (__import__("io").BytesIO(b"x"), "a.xlsx")},
    )
    assert r.status_code == 409 and r.get_json()["error"] == "confirmed_cannot_upload"
    assert "ยกเลิกการยืนยัน" in r.get_json()["message"]
    # a reason is required
    r = world.revoke("56", "05560101", reason=" ")
    assert r.status_code == 400 and r.get_json()["error"] == "reason_required"
    # province revokes the LAO, then the LAO its institution
    assert world.revoke("56", "05560101", reason="ตรวจพบเด็กไม่มีตัวตน").status_code == 200
    r = world.revoke("05560101", "3056200001", reason="ขอแก้ไขรายชื่อ")
    assert r.status_code == 200, r.get_json()
    r = world.revoke("05560101", "3056200001")
    assert r.status_code == 409 and r.get_json()["error"] == "not_confirmed"
    # the institution can upload again, and everything above must confirm again
    assert world.fill("3056200001", n=21)["rows"] == 21
    assert world.confirm("05560101").get_json()["error"] == "institutions_unconfirmed"
    assert world.confirm("3056200001").status_code == 200
    assert world.confirm("05560101").status_code == 200

    revokes = world.audit(action="revoke", outcome="ok")
    assert [(a["login"], a["unit_code"]) for a in revokes] == [("56", "05560101"), ("05560101", "3056200001")]
    assert "ตรวจพบเด็กไม่มีตัวตน" in revokes[0]["detail"]


def test_admin_revokes_a_province_and_snapshots_are_kept(world: World) -> None:
    ready_phayao(world)
    for code in (*INSTITUTIONS[:3], "02560001", "05560101", "06560201", "56"):
        assert world.confirm(code).status_code == 200
    r = world.revoke("02560001", "3056100001")
    assert r.status_code == 409 and "จังหวัดพะเยา (56)" in r.get_json()["message"]
    r = world.revoke("56", "02560001")
    assert r.status_code == 409 and "กรมส่งเสริมการปกครองท้องถิ่น" in r.get_json()["message"]
    assert world.revoke("dla", "56", reason="จังหวัดขอแก้ไข").status_code == 200
    assert world.revoke("56", "02560001").status_code == 200
    assert world.db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 1
    snap = world.status("56").get_json()["snapshot"]
    assert snap["total"] > 0 and snap["in_force"] is False  # kept for the record, no longer confirmed
    assert world.confirm("02560001").status_code == 200
    assert world.confirm("56").status_code == 200
    again = world.status("56").get_json()["snapshot"]
    assert again["id"] != snap["id"] and again["in_force"] is True


def test_open_conflict_blocks_lao_confirm_and_is_shown_to_all(world: World) -> None:
    rows = world.roster("3056200001", 10)
    moved = dict(world.roster("3057300001", 5, seed=9)[0])  # a child of a Chiang Rai school...
    rows_cr = world.roster("3057300001", 5, seed=9)
    rows.append(moved)  # ...also on the Phayao municipal school's roster
    world.upload_rows("3057300001", "3057300001", rows_cr)
    result = world.upload_rows("3056200001", "3056200001", rows)
    assert result["accepted"] and len(result["conflicts"]) == 1
    conflict = result["conflicts"][0]
    assert conflict["citizen_id"] == moved["citizen_id"]
    assert {u["code"] for u in conflict["units"]} == {"3056200001", "3057300001"}
    assert {u["name"] for u in conflict["units"]} >= {"โรงเรียน อบต.ริมกก"}
    (warning,) = [w for w in result["warnings"] if w["code"] == "SERVER_ID_CONFLICT"]
    # the 11th pupil, on the Excel row the clerk sees
    assert warning["row"] == FIRST_DATA_ROW + 10 and "โรงเรียน อบต.ริมกก (3057300001)" in warning["message"]

    world.fill("3056500001")
    world.fill("05560101")
    assert world.confirm("3056200001").status_code == 200  # an institution may confirm its side
    assert world.confirm("3056500001").status_code == 200
    r = world.confirm("05560101")
    assert r.status_code == 409 and r.get_json()["error"] == "open_conflicts"

    for login, code in (
        ("3056200001", None),
        ("05560101", None),
        ("56", None),
        ("3057300001", None),
        ("06570101", None),
        ("57", None),
        ("dla", "3057300001"),
    ):
        st = world.status(login, code).get_json()
        assert [c["citizen_id"] for c in st["conflicts"]] == [moved["citizen_id"]], login
    assert world.get("02560001", f"/rounds/{ROUND}/conflicts").get_json()["conflicts"] == []
    assert len(world.get("57", f"/rounds/{ROUND}/conflicts").get_json()["conflicts"]) == 1

    # Chiang Rai removes the child (the register says why): the conflict closes, the LAO can confirm
    removal = {k: moved[k] for k in ("citizen_id", "prefix", "first_name", "last_name")}
    removal.update(removed_on="2024-10-15", reason="ย้ายสถานศึกษา", note="")
    world.upload_rows("3057300001", "3057300001", rows_cr[1:], [removal])
    assert world.confirm("05560101").status_code == 200


def test_status_lists_blockers_before_confirm(world: World) -> None:
    st = world.status("05560101").get_json()
    assert st["state"] == "not_uploaded"
    assert {b["error"] for b in st["blockers"]} == {"institutions_unconfirmed", "other_counts_missing"}
    assert st["deadline_th"] == "11 พ.ย. 2567 17:00 น."
