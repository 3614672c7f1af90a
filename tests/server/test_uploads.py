"""Uploads through POST .../workbook with real templates (workbook_templates.build_template(rows=...))."""

from __future__ import annotations

import contextlib
from pathlib import Path

from serverkit import ROUND, World

from server.domain import rounds, uploads
from validators.synthetic import make_other_counts


def count(world: World, table: str, code: str) -> int:
    col = "lao_code" if table == "other_counts" else "unit_code"
    return world.db.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} = ?", [code]).fetchone()[0]


def test_accepted_upload_is_stored_kept_and_audited(world: World) -> None:
    data = world.workbook("3056200001", n=25)
    r = world.send("3056200001", "3056200001", data, filename="นักเรียน.xlsx")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["accepted"] is True and body["rows"] == 25 and body["conflicts"] == []
    assert count(world, "pupils", "3056200001") == 25
    # every citizen ID is stored as text
    assert {type(r[0]) for r in world.db.execute("SELECT citizen_id FROM pupils")} == {str}
    (rec,) = world.audit(action="upload", outcome="ok")
    sha = rec["file_sha256"]
    kept = Path(world.app.config["FILES_DIR"]) / sha[:2] / sha[2:]
    assert kept.read_bytes() == data
    assert rec["login"] == "3056200001" and rec["profile_id"]
    st = world.status("3056200001").get_json()
    assert st["state"] == "uploaded" and st["upload"]["rows"] == 25 and st["upload"]["sha256"] == sha
    assert st["counts"]["pupils_total"] == 25
    roster = world.get("05560101", f"/rounds/{ROUND}/units/3056200001/roster").get_json()
    assert len(roster["pupils"]) == 25


def test_same_file_twice_is_recognised(world: World) -> None:
    data = world.workbook("3056100001", n=10)
    assert world.send("3056100001", "3056100001", data).get_json()["duplicate"] is False
    r = world.send("3056100001", "3056100001", data)
    assert r.status_code == 200 and r.get_json()["duplicate"] is True
    assert "เหมือนกับไฟล์ที่ส่งไว้แล้ว" in r.get_json()["message"]
    assert world.db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0] == 1
    assert [a["outcome"] for a in world.audit(action="upload")] == ["ok", "duplicate"]


def test_rejected_upload_stores_nothing_but_audit_and_file(world: World) -> None:
    good = world.roster("3056200001", 12)
    assert world.send("3056200001", "3056200001", world.workbook("3056200001", good)).status_code == 200
    bad = [dict(r) for r in world.roster("3056200001", 15, seed=3)]
    bad[2]["citizen_id"] = "1234567890123"  # wrong check digit
    bad[4]["first_name"] = ""
    data = world.workbook("3056200001", bad)
    r = world.send("3056200001", "3056200001", data)
    assert r.status_code == 422
    body = r.get_json()
    assert body["accepted"] is False and body["error"] == "workbook_rejected"
    assert {e["column"] for e in body["errors"]} >= {"citizen_id", "first_name"}
    assert all({"sheet", "row", "column", "code", "message"} <= set(e) for e in body["errors"])
    assert body["errors"][0]["sheet"] == "นักเรียน" and body["errors"][0]["row"] == 7
    # the old roster is untouched; the file is kept; the audit says who sent what
    assert {r["citizen_id"] for r in uploads.roster_rows(world.db, ROUND, "3056200001")} == {
        r["citizen_id"] for r in good
    }
    assert world.db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0] == 1
    rejected = world.audit(action="upload", outcome="rejected")
    assert len(rejected) == 1 and rejected[0]["code"] == "workbook_rejected"
    sha = rejected[0]["file_sha256"]
    assert (Path(world.app.config["FILES_DIR"]) / sha[:2] / sha[2:]).read_bytes() == data


def test_new_upload_replaces_the_roster_atomically(world: World, monkeypatch) -> None:
    world.send("3056200001", "3056200001", world.workbook("3056200001", n=30))
    assert count(world, "pupils", "3056200001") == 30
    world.send("3056200001", "3056200001", world.workbook("3056200001", n=20, seed=5))
    assert count(world, "pupils", "3056200001") == 20

    def crash(db, rid, code, records, removals):  # the old rows are deleted, then the disk "fails"
        db.execute("DELETE FROM pupils WHERE round_id = ? AND unit_code = ?", [rid, code])
        raise OSError("disk full")

    monkeypatch.setattr(uploads, "_store_roster", crash)
    with contextlib.suppress(OSError):
        world.upload_rows("3056200001", "3056200001", world.roster("3056200001", 7, seed=8))
    assert count(world, "pupils", "3056200001") == 20  # rolled back: never half a roster


def test_template_must_be_of_this_unit_round_and_form(world: World) -> None:
    cases = {
        "SERVER_UNIT_MISMATCH": world.workbook("3056200001", unit_code="3056100001", n=3),
        "SERVER_ROUND_MISMATCH": world.workbook("3056200001", round_no=1, n=3),
        "SERVER_FORM_MISMATCH": world.workbook("3056200001", form="cdc", n=3, rows=world.roster("3056500001", 3)),
    }
    for code, data in cases.items():
        r = world.send("3056200001", "3056200001", data)
        assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == code, (code, r.get_json())
    r = world.send("3056200001", "3056200001", b"not a workbook")
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"].startswith("WORKBOOK_")
    assert count(world, "pupils", "3056200001") == 0


def test_upload_scope(world: World) -> None:
    data = world.workbook("3056200001", n=5)
    for login in ("3056100001", "02560001", "56", "57"):  # a sibling, another LAO, the province, elsewhere
        r = world.send(login, "3056200001", data)
        assert r.status_code == 403 and r.get_json()["error"] == "out_of_scope", login
    # the LAO uploads a workbook returned to it on behalf of its institution: recorded as such
    r = world.send("05560101", "3056200001", data)
    assert r.status_code == 200 and r.get_json()["on_behalf"] is True
    assert world.status("3056200001").get_json()["upload"]["on_behalf"] is True
    ok = world.audit(action="upload", outcome="ok")[-1]
    assert ok["login"] == "05560101" and ok["unit_code"] == "3056200001" and '"on_behalf": true' in ok["detail"]
    refused = world.audit(action="upload", outcome="refused")
    assert {a["login"] for a in refused} == {"3056100001", "02560001", "56", "57"}


def test_lao_other_affiliation_counts(world: World) -> None:
    r = world.send("06560201", "06560201", world.workbook("06560201", form="other"))
    assert r.status_code == 200 and r.get_json()["rows"] == 3  # the registered school and two added
    assert count(world, "other_counts", "06560201") == 3
    st = world.status("06560201").get_json()
    assert st["counts"]["other_total"] > 0 and st["state"] == "uploaded"
    # an institution's roster sent to an LAO is the wrong form
    r = world.send(
        "06560201", "06560201", world.workbook("06560201", form="school", rows=world.roster("3056200001", 3))
    )
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "SERVER_FORM_MISMATCH"


def test_missing_children_of_the_previous_confirmed_roster(world: World) -> None:
    rounds.create_round(
        world.db,
        "2567-1",
        as_of="2024-06-10",
        opens="2024-05-16",
        institution_deadline="2024-06-30",
        lao_deadline="2024-06-30",
        province_deadline="2024-07-01",
    )
    before = world.roster("3056100001", 10)
    world.set_now("2024-06-20T10:00")
    assert (
        world.send(
            "3056100001", "3056100001", world.workbook("3056100001", before, round_no=1), round_id="2567-1"
        ).status_code
        == 200
    )
    assert world.confirm("3056100001", round_id="2567-1").status_code == 200
    world.set_now("2024-11-01T10:00")
    gone = before[3]
    r = world.send("3056100001", "3056100001", world.workbook("3056100001", before[:3] + before[4:]))
    assert r.status_code == 422
    (err,) = r.get_json()["errors"]
    assert err["code"] == "PREVIOUS_MISSING" and gone["first_name"] in err["message"]
    removal = {k: gone[k] for k in ("citizen_id", "prefix", "first_name", "last_name")}
    removal.update(removed_on="10/08/2567", reason="ย้ายสถานศึกษา", note="")
    r = world.send("3056100001", "3056100001", world.workbook("3056100001", before[:3] + before[4:], [removal]))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["removals"] == 1
    # the template the server hands out carries this round's rows and the previous roster
    t = world.get("3056100001", f"/rounds/{ROUND}/units/3056100001/template")
    assert t.status_code == 200 and t.data[:2] == b"PK"


def test_too_large_is_413(world: World) -> None:
    world.app.config["MAX_CONTENT_LENGTH"] = 10_000
    r = world.send("3056200001", "3056200001", b"x" * 20_000)
    assert r.status_code == 413 and r.get_json()["error"] == "too_large"


def test_missing_file_field_is_400(world: World) -> None:
    r = world.post("3056200001", f"/rounds/{ROUND}/units/3056200001/workbook", json={})
    assert r.status_code == 400 and r.get_json()["error"] == "file_required"


def test_other_counts_are_compared_with_the_registry(world: World) -> None:
    """A registered school left out is refused (enter zeros if it closed); unregistered ones are flagged."""
    added = make_other_counts(2)
    r = world.send("06560201", "06560201", world.workbook("06560201", added, form="other"))  # not 1056000001
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert [e["code"] for e in errors] == ["SERVER_OTHER_MISSING"]
    assert "1056000001" in errors[0]["message"] and "0 ทั้งหมด" in errors[0]["message"]
    assert errors[0]["sheet"] == "สังกัดอื่น"
    assert count(world, "other_counts", "06560201") == 0

    r = world.send("06560201", "06560201", world.workbook("06560201", [*world.registered_other("06560201"), *added]))
    assert r.status_code == 200, r.get_json()
    codes = [w["code"] for w in r.get_json()["warnings"]]
    assert codes.count("SERVER_OTHER_NOT_IN_REGISTRY") == 2
    flags = dict(world.db.execute("SELECT other_school_code, registered FROM other_counts").fetchall())
    assert flags == {"1056000001": 1, added[0]["other_school_code"]: 0, added[1]["other_school_code"]: 0}


def test_leading_zero_ids_and_g_codes_survive_as_text(world: World) -> None:
    from validators.identity import with_check_digit

    rows = [dict(r) for r in world.roster("3056200001", 5)]
    rows[0]["citizen_id"] = with_check_digit("056010123456")  # a border-province child: leading 0
    rows[1]["citizen_id"] = "G675600000001"
    rows[1]["nationality"] = "เมียนมา"
    r = world.send("3056200001", "3056200001", world.workbook("3056200001", rows))
    assert r.status_code == 200, r.get_json()
    stored = {p["citizen_id"] for p in uploads.roster_rows(world.db, ROUND, "3056200001")}
    assert rows[0]["citizen_id"] in stored and "G675600000001" in stored
