"""The LocalSchool migration through the real Flask app: a file with bad rows stores the good ones and
gives back a workbook of just the bad rows with a Thai reason beside each (read with openpyxl); the
same file again changes nothing; the fixed rows sent back complete the import without duplicates."""

from __future__ import annotations

import io
from typing import Any

from localschoolkit import BAD, BAD_CODES, FIXES, GOOD, YEAR, A, B, failed_sheet, fix, history_workbook, row
from recordskit import SCHOOL, results_workbook
from serverkit import World

from server.storage import db as dbmod

BASE = f"/years/{YEAR}/units/{SCHOOL}"


def send(world: World, login: str, data: bytes, code: str = SCHOOL, path: str = "localschool") -> Any:
    return world.client.post(f"/api/v1/years/{YEAR}/units/{code}/{path}", headers=world.headers(login),
                             data={"file": (io.BytesIO(data), "history.xlsx")},
                             content_type="multipart/form-data")  # fmt: skip


def results(world: World) -> list[tuple[Any, ...]]:
    return world.db.execute(
        "SELECT year, term, subject_code, citizen_id, grade FROM results ORDER BY 1,2,3,4"
    ).fetchall()


def test_bad_rows_come_back_fixed_rows_complete_the_import(world: World) -> None:
    original = history_workbook([*GOOD, *BAD])
    resp = send(world, SCHOOL, original)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["rows"], body["stored"], body["unchanged"], body["failed"]) == (10, 6, 0, 4)
    by_row: dict[int, list[str]] = {}
    for e in body["errors"]:
        by_row.setdefault(e["row"], []).append(e["code"])
        assert e["cell"].startswith("ผลการเรียนย้อนหลัง!") and e["cell"].endswith(str(e["row"]))
    assert sorted(by_row) == [11, 12, 13, 14]
    assert all(code in by_row[11 + i] for i, code in enumerate(BAD_CODES))
    assert len(results(world)) == 6

    failed = world.get(SCHOOL, body["failed_workbook"].removeprefix("/api/v1"))
    assert failed.status_code == 200 and failed.mimetype.endswith("spreadsheetml.sheet")
    rows = failed_sheet(failed.data)
    assert [(r["citizen_id"], r["subject_code"], str(r["grade"])) for r in rows] == [
        (b[0], b[7], b[13]) for b in BAD
    ]  # just the bad rows, as typed
    assert "ป.4" in rows[0]["reason"] and "หลักที่ 1" in rows[0]["reason"]
    assert "“5”" in rows[1]["reason"] and "ต้องได้ผลการเรียน 2" in rows[2]["reason"]
    assert "ซ้ำกับแถว 5" in rows[3]["reason"]

    again = send(world, SCHOOL, original).get_json()  # the same file: nothing new, nothing doubled
    assert (again["stored"], again["unchanged"], again["failed"]) == (0, 6, 4)
    assert len(results(world)) == 6

    fixed = send(world, SCHOOL, fix(failed.data, FIXES)).get_json()
    assert (fixed["rows"], fixed["stored"], fixed["failed"], fixed["failed_workbook"]) == (4, 4, 0, None)
    stored = results(world)
    assert len(stored) == 10 and len({r[:4] for r in stored}) == 10  # no duplicates
    assert (2564, 1, "ท14101", A.citizen_id, "3") in stored and (2566, 1, "ค22101", B.citizen_id, "2") in stored
    assert send(world, SCHOOL, fix(failed.data, FIXES)).get_json()["unchanged"] == 4  # re-sent: still 10
    assert len(results(world)) == 10

    record = world.get(SCHOOL, f"{BASE}/students/{A.citizen_id}/record").get_json()
    terms = {(t["year"], t["term"]): t["gpa"] for t in record["terms"]}
    assert terms[(2565, 1)] == "3.83" and terms[(2565, 2)] == "3.00"  # (4 + 3.5 + 4 fixed ส21101) / 3 = 3.833
    b = world.get(SCHOOL, f"{BASE}/students/{B.citizen_id}/record").get_json()
    assert [(p["subject_code"], p["grade"]) for p in b["pending"]] == [("ค21101", "ร")]
    audit = world.db.execute("SELECT outcome, COUNT(*) FROM audit WHERE action = 'localschool_import' GROUP BY 1")
    assert dict(audit.fetchall()) == {"accepted": 4}


def test_live_results_are_never_overwritten(world: World) -> None:
    assert world.client.post(f"/api/v1/years/{YEAR}/units/{SCHOOL}/records/workbook", headers=world.headers(SCHOOL),
                             data={"file": (io.BytesIO(results_workbook(1)), "r.xlsx")},
                             content_type="multipart/form-data").status_code == 200  # fmt: skip
    live = [[*row[:4], YEAR, *row[5:]] for row in GOOD[:1]]  # A's ท21101 in 2567 term 1: a live result exists
    body = send(world, SCHOOL, history_workbook(live)).get_json()
    assert (body["stored"], body["failed"]) == (0, 1) and body["errors"][0]["code"] == "LOCALSCHOOL_LIVE_RESULT"
    grade = world.db.execute("SELECT grade FROM results WHERE citizen_id = ? AND subject_code = 'ท21101' AND year = ?",
                             [A.citizen_id, YEAR]).fetchone()[0]  # fmt: skip
    assert grade == "4"  # the teacher's result stands


def test_refusals(world: World) -> None:
    data = history_workbook(GOOD)
    resp = send(world, "3057300001", data)  # another province's school
    assert resp.status_code == 403 and resp.get_json()["error"] == "out_of_scope"
    resp = send(world, "3056100001", history_workbook(GOOD, unit_code="3056100001"), code="3056200001")
    assert resp.status_code == 403
    resp = send(world, "3056100001", data, code="3056100001")  # a file of another school
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["code"] == "UNIT_MISMATCH"
    resp = send(world, SCHOOL, results_workbook(1))  # a results workbook is not a migration
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["code"] == "FORM_MISMATCH"
    resp = send(world, SCHOOL, data, path="records/workbook")  # nor the reverse
    assert resp.status_code == 422 and "localschool" in resp.get_json()["errors"][0]["message"]
    assert results(world) == []
    ok = send(world, SCHOOL, history_workbook([*GOOD, *BAD])).get_json()
    other = world.get("3056100001", f"/years/{YEAR}/units/{SCHOOL}/localschool/{ok['import_id']}/failed")
    assert other.status_code == 403
    wrong = world.get("3056100001", f"/years/{YEAR}/units/3056100001/localschool/{ok['import_id']}/failed")
    assert wrong.status_code == 404 and wrong.get_json()["error"] == "no_import"


def test_migration_v8_keeps_the_records(tmp_path) -> None:
    """A database of schema 7 with results keeps them through v8's rebuild of record_uploads."""
    full = list(dbmod.MIGRATIONS)
    v8 = full.index(dbmod.SCHEMA_V8)
    path = tmp_path / "old.db"
    conn = dbmod.connect(path)
    try:
        dbmod.MIGRATIONS[:] = full[:v8]
        dbmod.migrate(conn)
        conn.execute("INSERT INTO units (code, name, kind, level, updated_at)"
                     " VALUES (?, 'x', 'school', 'institution', 't')", [SCHOOL])  # fmt: skip
        conn.execute("INSERT INTO files VALUES ('ab', 1, 't')")
        conn.execute("INSERT INTO record_uploads (year, unit_code, form, sha256, uploaded_at, rows)"
                     " VALUES (2567, ?, 'results', 'ab', 't', 1)", [SCHOOL])  # fmt: skip
        conn.execute("INSERT INTO results (year, term, unit_code, class_name, subject_code, citizen_id,"
                     " subject_name, grade, upload_id) VALUES (2567, 1, ?, 'ม.1/1', 'ท21101', '1', 'ไทย', '4', 1)",
                     [SCHOOL])  # fmt: skip
    finally:
        dbmod.MIGRATIONS[:] = full
    dbmod.migrate(conn)
    assert dbmod.schema_version(conn) == len(full)
    assert conn.execute("SELECT grade, upload_id FROM results").fetchall() == [("4", 1)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("INSERT INTO record_uploads (year, unit_code, form, sha256, uploaded_at, rows)"
                 " VALUES (2567, ?, 'localschool', 'ab', 't', 1)", [SCHOOL])  # fmt: skip
    conn.close()


def test_an_approved_graduate_report_refuses_a_change_to_its_cohort(world: World) -> None:
    """ปพ.3 of ม.3 2567 approved: a LocalSchool row of ม.1 in 2565 (its cohort's year) is refused whole
    (423, Thai, nothing stored, audited); a row of another class and year still goes in."""
    from graduateskit import FINAL_YEAR, LAO, walk_results

    from server.domain import registrars

    assert (SCHOOL, YEAR) == ("3056200001", FINAL_YEAR)  # graduateskit's school and final year
    for code, person in ((SCHOOL, "นางสาวพิมพ์ใจ รักเรียน"), (LAO, "นายสมชาย ทะเบียนดี")):
        login, password = registrars.appoint(world.db, code, person=person, order_no=f"1/{code}",
                                             order_date="2024-05-16", by="test")  # fmt: skip
        world.passwords[login] = password
    walk_results(world)
    report = f"/years/{FINAL_YEAR}/units/{SCHOOL}/graduates/m3"
    assert world.post(f"{SCHOOL}-reg", report + "/submit").status_code == 200
    assert world.post(f"{LAO}-reg", report + "/approve").get_json()["state"] == "approved"
    before = results(world)

    cohort = [row(A, 2565, 1, "ม.1/1", "ส21104", "ประวัติศาสตร์ 1", "4")]
    refused = send(world, SCHOOL, history_workbook(cohort))
    assert refused.status_code == 423, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "graduate_report_approved" and "ม.1/1 ปีการศึกษา 2565" in body["message"]
    assert "ส่งคืนรายงาน" in body["message"] and results(world) == before
    assert [a["outcome"] for a in world.audit(action="localschool_import")] == ["refused"]

    earlier = [[*row(A, 2564, 1, "ป.4", "ท14101", "ภาษาไทย", "3")[:10], None, 160, None, "3"]]
    ok = send(world, SCHOOL, history_workbook(earlier)).get_json()
    assert (ok["stored"], ok["failed"]) == (1, 0), ok

    assert world.post(f"{LAO}-reg", report + "/return", json={"reason": "เพิ่มผลการเรียนย้อนหลัง"}).status_code == 200
    again = send(world, SCHOOL, history_workbook(cohort)).get_json()
    assert (again["stored"], again["failed"]) == (1, 0), again
