"""Academic records through the real Flask app: results workbooks filled as a teacher fills them are
uploaded, stored whole, and the GPA/GPAX of the JSON record and of the ปพ.1 transcript (read back with
openpyxl) equal the hand-computed figures in recordskit.py, including the cut-not-rounded 3.666 -> 3.66."""

from __future__ import annotations

import io
from typing import Any

from recordskit import CLASS, PUPILS, SCHOOL, YEAR, results_workbook, transcript_cells, value_beside
from serverkit import World

A, B, C = (p.citizen_id for p in PUPILS)


def send(world: World, login: str, data: bytes, code: str = SCHOOL, year: int = YEAR) -> Any:
    path = f"/api/v1/years/{year}/units/{code}/records/workbook"
    return world.client.post(path, headers=world.headers(login), data={"file": (io.BytesIO(data), "results.xlsx")},
                             content_type="multipart/form-data")  # fmt: skip


def counts(world: World) -> tuple[int, int]:
    return (world.db.execute("SELECT COUNT(*) FROM results").fetchone()[0],
            world.db.execute("SELECT COUNT(*) FROM record_uploads").fetchone()[0])  # fmt: skip


def upload_both_terms(world: World) -> None:
    for term in (1, 2):
        resp = send(world, SCHOOL, results_workbook(term))
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert body["accepted"] and body["term"] == term and body["class_name"] == CLASS


def test_results_stored_and_gpa_cut_not_rounded(world: World) -> None:
    upload_both_terms(world)
    assert counts(world) == (3 * 3 + 3 * 2, 2)
    rec = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{A}/record").get_json()
    assert [(t["term"], t["gpa"]) for t in rec["terms"]] == [(1, "3.66"), (2, "2.75")]  # 3.666... cut, not 3.67
    assert rec["gpax"] == "3.30"
    areas = {a["area"]: a["gpa"] for a in rec["areas"]}
    assert areas == {"thai": "3.50", "math": "3.00", "science": "3.50"}
    assert rec["pupil"]["student_no"] == "1001" and rec["weight_attempted"] == "7.5"
    b = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{B}/record").get_json()
    assert [t["gpa"] for t in b["terms"]] == ["2.00", "1.75"] and b["gpax"] == "1.87"  # 1.875 cut
    assert [(p["subject_code"], p["grade"]) for p in b["pending"]] == [("ว21101", "ร")]
    c = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{C}/record").get_json()
    assert c["gpax"] == "4.00" and [p["grade"] for p in c["pending"]] == ["มส"]


def test_transcript_figures(world: World) -> None:
    upload_both_terms(world)
    resp = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{A}/transcript")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    rows = transcript_cells(resp.data)
    assert value_beside(rows, "ผลการเรียนเฉลี่ยสะสม (GPAX)") == "3.30"
    term_gpas = [row[3] for row in rows if row[1] == "ผลการเรียนเฉลี่ยภาคเรียนนี้ (GPA)"]
    assert term_gpas == ["3.66", "2.75"]
    assert value_beside(rows, "ภาษาไทย") == "3.50" and value_beside(rows, "คณิตศาสตร์") == "3.00"
    assert value_beside(rows, "เลขประจำตัวประชาชน") == A
    flat = [c for row in rows for c in row if c]
    assert "ท21101" in flat and "(นายทะเบียน)" in flat and "(ผู้อำนวยการสถานศึกษา)" in flat
    # the LAO above the school may print it; a school of another province may not
    assert world.get("05560101", f"/years/{YEAR}/units/{SCHOOL}/students/{A}/transcript").status_code == 200
    assert world.get("3057300001", f"/years/{YEAR}/units/{SCHOOL}/students/{A}/transcript").status_code == 403


def test_bad_file_stores_nothing_but_is_kept_and_audited(world: World) -> None:
    data = results_workbook(1, grades={0: {1: ["4", "4", "4"]}, 1: {1: ["4", "4", "4"]}, 2: {1: ["4", "4", "4"]}})
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["ค21101"]["F6"] = 95  # a term score over the 70 the subject allows (row of pupil B)
    out = io.BytesIO()
    wb.save(out)
    resp = send(world, SCHOOL, out.getvalue())
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert any(e["code"] == "RESULT_SCORE_RANGE" and e["cell"] == "ค21101!F6" for e in errors), errors
    assert counts(world) == (0, 0)
    rejected = world.audit(action="records_upload", outcome="rejected")
    assert len(rejected) == 1
    sha = rejected[0]["file_sha256"]
    assert world.db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone()
    assert send(world, SCHOOL, b"not a workbook").status_code == 422
    assert counts(world) == (0, 0)


def test_other_school_is_refused_before_reading(world: World) -> None:
    resp = send(world, "3057300001", results_workbook(1))
    assert resp.status_code == 403 and resp.get_json()["error"] == "out_of_scope"
    assert counts(world) == (0, 0)
    assert world.audit(action="records_upload", outcome="refused")
    assert not world.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]


def test_wrong_unit_or_year_rejected(world: World) -> None:
    resp = send(world, SCHOOL, results_workbook(1, unit_code="3056100001"))
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["code"] == "UNIT_MISMATCH"
    resp = send(world, SCHOOL, results_workbook(1), year=YEAR + 1)
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["code"] == "YEAR_MISMATCH"
    assert counts(world) == (0, 0)


def test_reupload_replaces_whole(world: World) -> None:
    upload_both_terms(world)
    better = {0: {1: ["4", "4", "4"]}, 1: {1: ["2", "2", "2"]}, 2: {1: ["4", "4", "4"]}}
    assert send(world, SCHOOL, results_workbook(1, grades=better)).status_code == 200
    assert counts(world) == (15, 3)
    rec = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{A}/record").get_json()
    assert rec["terms"][0]["gpa"] == "4.00" and rec["gpax"] == "3.50"  # (18 + 8.25) / 7.5


def test_curriculum_then_results_template_from_it(world: World, tmp_path) -> None:
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from server.cli import main
    from workbook_templates.academic_build import build_curriculum

    buf = io.BytesIO()
    subjects = [{"grade": "ม.1", "term": 1, "subject_code": "ท21101", "subject_name": "ภาษาไทย 1", "kind": "พื้นฐาน",
                 "credits": 1.5, "hours": 60},
                {"grade": "ม.1", "term": 1, "subject_code": "ค21201", "subject_name": "คณิตเพิ่มเติม", "kind": "เพิ่มเติม",
                 "credits": 1, "hours": 40}]  # fmt: skip
    build_curriculum(unit_code=SCHOOL, year=YEAR, out=buf, rows=subjects)
    resp = send(world, SCHOOL, buf.getvalue())
    assert resp.status_code == 200, resp.get_json()
    stored = list(world.db.query("SELECT subject_code, credits, area FROM subjects ORDER BY subject_code"))
    assert stored == [{"subject_code": "ค21201", "credits": "1", "area": "math"},
                      {"subject_code": "ท21101", "credits": "1.5", "area": "thai"}]  # fmt: skip
    out = tmp_path / "r.xlsx"
    res = CliRunner().invoke(main, ["template", "results", "--unit", SCHOOL, "--year", str(YEAR), "--term", "1",
                                    "--class", CLASS, "--subjects", "ค21201", "--data-dir",
                                    str(world.app.config["DB_PATH"].parent), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert [ws.title for ws in load_workbook(out).worksheets if ws.sheet_state == "visible"][1:] == ["ค21201"]
    res = CliRunner().invoke(main, ["template", "results", "--unit", SCHOOL, "--year", str(YEAR), "--term", "1",
                                    "--class", CLASS, "--subjects", "ว21101", "--data-dir",
                                    str(world.app.config["DB_PATH"].parent), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 2 and "ว21101" in res.output


def test_assessments_on_the_record(world: World) -> None:
    from workbook_templates.academic_build import build_assessments

    upload_both_terms(world)
    buf = io.BytesIO()
    build_assessments(unit_code=SCHOOL, year=YEAR, class_name=CLASS, pupils=PUPILS, out=buf)
    ratings = {"reading": "ดีเยี่ยม", "character": "ดี", "activity_guidance": "ผ", "activity_scout": "ผ",
               "activity_club": "ผ", "activity_social": "มผ"}  # fmt: skip
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["ผลการประเมิน"]
    cols = {c.value: c.column for c in ws[3] if c.value}
    for i in range(len(PUPILS)):
        for key, value in ratings.items():
            ws.cell(5 + i, cols[key], value)
    out = io.BytesIO()
    wb.save(out)
    resp = send(world, SCHOOL, out.getvalue())
    assert resp.status_code == 200, resp.get_json()
    rec = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{A}/record").get_json()
    assert rec["assessments"][0]["reading"] == "ดีเยี่ยม" and rec["assessments"][0]["activity_social"] == "มผ"
    rows = transcript_cells(world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{A}/transcript").data)
    from validators.academic.assessments import ASSESSMENT_LABELS

    assert value_beside(rows, ASSESSMENT_LABELS["activity_social"]) == "มผ"


def test_confirmed_census_roster_wins_over_the_carried_copy(world: World) -> None:
    roster = world.roster(SCHOOL, n=80, seed=1)
    assert world.upload_rows(SCHOOL, SCHOOL, roster)["accepted"]
    assert world.confirm(SCHOOL).status_code == 200
    klass = [r["citizen_id"] for r in roster if (r["grade"], r["room"]) == ("ม.1", "1")]
    resp = send(world, SCHOOL, results_workbook(1))  # made offline for three pupils not in the census
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert {e["value"] for e in errors if e["code"] == "PUPIL_NOT_ON_ROSTER"} >= {A, B, C}
    missing = {e["value"] for e in errors if e["code"] == "PUPIL_MISSING_FROM_SHEET"}
    assert set(klass) <= missing
    assert counts(world) == (0, 0)


def test_unit_quota_refuses_new_files(world: World) -> None:
    world.app.config["UNIT_QUOTA_MB"] = 0
    resp = send(world, SCHOOL, results_workbook(1))
    assert resp.status_code == 413 and resp.get_json()["error"] == "unit_quota"
    assert counts(world) == (0, 0)
