"""The add-in's buttons on the academic records forms, on real xlwings Books (remote engine) fed with
the client's JSON: validate marks and lists what `lec validate` finds; upload, status and confirm talk to
a live server, through the classic add-in (HTTP client) and the server-hosted set-up (/xlwings/<action>)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import requests
from clientjson import FakeExcel, payload_from_xlsx
from live import Live, live_server
from recordskit import CLASS, PUPILS, SCHOOL, YEAR, results_workbook

from addin import actions
from addin.book_io import ERROR_FILL, FINDINGS_SHEET, STATUS_SHEET, VBA_ACTIONS
from addin.client import ApiError
from workbook_templates.academic_read import check_any_file

OTHER_SCHOOL = "3057300001"


def with_bad_score(data: bytes, sheet: str = "ค21101") -> bytes:
    """Pupil B's term score typed as 95 where the subject allows 70."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[sheet]["F6"] = 95
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def findings(excel: FakeExcel) -> list[list[Any]]:
    return [r for r in excel.grid(FINDINGS_SHEET)[4:] if r and r[0] is not None and isinstance(r[0], int | float)]


def run(excel: FakeExcel, action: Any, *args: Any, **kw: Any) -> actions.Outcome:
    book = excel.book()
    outcome = action(book, *args, **kw)
    acts = book.json()["actions"]
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    excel.apply(acts)
    return outcome


def test_validate_marks_a_results_error_like_lec_validate() -> None:
    data = with_bad_score(results_workbook(1))
    excel = FakeExcel(payload_from_xlsx(data, name="ผลการเรียน ม.1-1.xlsx"))
    outcome = run(excel, actions.validate)
    assert not outcome.ok and outcome.errors == 2  # out of range, and so no usable term score (the rules say both)
    assert excel.fill("ค21101", "F6") == ERROR_FILL
    assert excel.fill("ค21101", "F7") is None
    rows = findings(excel)
    assert {r[2] for r in rows if r[3] == "ข้อผิดพลาด"} == {"ค21101!F6"}
    assert "RESULT_SCORE_RANGE" in [r[6] for r in rows]
    assert excel.grid(FINDINGS_SHEET)[0][0].startswith(f"ผลการตรวจสอบ: {SCHOOL}")
    assert f"ชั้น {CLASS} ภาคเรียนที่ 1/{YEAR}" in excel.grid(FINDINGS_SHEET)[0][0]
    cli = check_any_file(data, file="x.xlsx")  # what `lec validate` says of the file itself
    got = outcome.data["report"]
    for key in ("errors", "warnings"):
        assert [(f["code"], f["cell"]) for f in got[key]] == [(f["code"], f["cell"]) for f in getattr(cli, key)]


def test_validate_curriculum_and_assessments() -> None:
    from server.tools.records_fill import curriculum_rows, filled_assessments
    from workbook_templates.academic_build import build_curriculum

    buf = io.BytesIO()
    build_curriculum(unit_code=SCHOOL, year=YEAR, out=buf, rows=curriculum_rows(["ม.1"]))
    outcome = run(FakeExcel(payload_from_xlsx(buf.getvalue())), actions.validate)
    assert outcome.ok and outcome.errors == 0 and "ถูกต้องทั้งหมด (20 แถว)" in outcome.message
    data = filled_assessments(unit_code=SCHOOL, unit_name="", year=YEAR, class_name=CLASS, pupils=PUPILS, seed=1)
    outcome = run(FakeExcel(payload_from_xlsx(data)), actions.validate)
    assert outcome.ok and "3 แถว" in outcome.message


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("records-live") / "data") as server:
        yield server


def stored(live: Live, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
    from server.storage.db import connect

    db = connect(live.app.config["DB_PATH"])
    try:
        return [tuple(r) for r in db.execute(sql, args)]
    finally:
        db.close()


@pytest.mark.live
def test_classic_add_in_uploads_results_and_shows_status(live: Live) -> None:
    client = live.ready(SCHOOL)
    excel = FakeExcel(payload_from_xlsx(results_workbook(1)))
    outcome = run(excel, actions.upload, client)
    assert outcome.ok, outcome.message
    body = outcome.data["body"]
    assert body["accepted"] and body["rows"] == 9 and body["term"] == 1 and len(body["pending"]) == 2
    assert "ผลการเรียนค้าง (ร/มส) 2 รายการ" in excel.grid(FINDINGS_SHEET)[1][0]
    flat = [c for row in excel.grid(FINDINGS_SHEET) for c in row if c]
    assert "มส" in flat and "ร" in flat  # the pending list after the table
    assert stored(live, "SELECT COUNT(*) FROM results WHERE unit_code = ? AND term = 1", [SCHOOL]) == [(9,)]

    outcome = run(excel, actions.status, client)
    assert outcome.ok and f"ชั้น {CLASS} ภาคเรียนที่ 1/{YEAR} บันทึกแล้ว นักเรียน 3 คน 3 วิชา ผลค้าง 2" in outcome.message
    table = {(r[0], r[1]): r for r in excel.grid(STATUS_SHEET) if r and r[0] == CLASS}
    assert table[(CLASS, 1)][2:6] == [3, 3, 2, "← แฟ้มนี้"]

    refused = run(excel, actions.confirm, client)
    assert not refused.ok and "ไม่ต้องกดยืนยัน" in refused.message


@pytest.mark.live
def test_server_refusal_is_marked_and_nothing_stored(live: Live) -> None:
    """Another province's school sends this school's workbook: the server refuses before reading (403)."""
    before = stored(live, "SELECT COUNT(*) FROM results", [])
    excel = FakeExcel(payload_from_xlsx(results_workbook(2)))
    outcome = run(excel, actions.upload, live.ready(OTHER_SCHOOL))
    assert not outcome.ok and outcome.data["status"] == 403 and outcome.data["sent"]
    assert "เซิร์ฟเวอร์ไม่รับข้อมูล" in excel.grid(FINDINGS_SHEET)[1][0]
    assert stored(live, "SELECT COUNT(*) FROM results", []) == before
    bad = FakeExcel(payload_from_xlsx(with_bad_score(results_workbook(2), "ค21102")))
    local = run(bad, actions.upload, live.ready(SCHOOL))
    assert not local.ok and local.data["sent"] is False  # errors found locally are never sent
    with pytest.raises(ApiError) as info:
        live.ready(OTHER_SCHOOL).records_status(YEAR, SCHOOL)
    assert info.value.status == 403


@pytest.mark.live
def test_server_hosted_buttons_on_a_results_form(live: Live) -> None:
    """No local Python: the workbook's JSON goes to /xlwings/<action>, the answer's actions are replayed."""
    headers = {"Authorization": f"Bearer {live.ready(SCHOOL).token}"}
    excel = FakeExcel(payload_from_xlsx(results_workbook(2)))

    def post(action: str) -> list[dict[str, Any]]:
        resp = requests.post(f"{live.url}/xlwings/{action}", json=excel.payload(), headers=headers, timeout=60)
        assert resp.status_code == 200, resp.text
        acts = resp.json()["actions"]
        assert {a["func"] for a in acts} <= VBA_ACTIONS
        excel.apply(acts)
        return acts

    assert "ไม่พบข้อผิดพลาด" in post("validate")[-1]["args"][0]  # no error; the pending marks are warnings
    assert "ส่งข้อมูลสำเร็จ" in post("upload")[-1]["args"][0]
    assert stored(live, "SELECT COUNT(*) FROM results WHERE unit_code = ? AND term = 2", [SCHOOL]) == [(6,)]
    assert f"ชั้น {CLASS} ภาคเรียนที่ 2/{YEAR} บันทึกแล้ว" in post("status")[-1]["args"][0]
    assert any(r and r[:2] == [CLASS, 2] and r[5] == "← แฟ้มนี้" for r in excel.grid(STATUS_SHEET))


@pytest.mark.live
def test_merge_a_folder_of_class_workbooks(live: Live, tmp_path: Any) -> None:
    """A registrar's folder of the teachers' workbooks: each class and term sent once, two files of the
    same class and term held back for a person, a file with errors not sent (rosters: test_merge.py)."""
    from addin import merge

    (tmp_path / "m1-term1.xlsx").write_bytes(results_workbook(1))
    (tmp_path / "m1-term2.xlsx").write_bytes(results_workbook(2))
    (tmp_path / "m1-term2-copy.xlsx").write_bytes(results_workbook(2))
    (tmp_path / "bad.xlsx").write_bytes(with_bad_score(results_workbook(1)))
    results = {r.file: r for r in merge.merge_folder(tmp_path, live.ready(SCHOOL))}
    assert results["m1-term1.xlsx"].uploaded and results["m1-term1.xlsx"].verdict == "ส่งแล้ว 9 แถว"
    assert "ผลการเรียนค้าง (ร/มส) 2 รายการ" in results["m1-term1.xlsx"].detail
    assert not results["m1-term2.xlsx"].uploaded and not results["m1-term2-copy.xlsx"].uploaded
    assert "หลายแฟ้ม" in results["m1-term2.xlsx"].verdict
    assert results["bad.xlsx"].errors == 2 and not results["bad.xlsx"].uploaded
    assert results["m1-term1.xlsx"].form == "results"


def test_records_xlsm_carries_the_buttons_and_colours_through_its_macros() -> None:
    """A results form with the settings sheet, the buttons and the generated VBA project: the validate
    button's fills go between the workbook's own LecUnprotect / LecProtect (its sheets are protected)."""
    import zipfile

    from recordskit import TERM_SUBJECTS, fill, typed_row

    from addin import vba, xlsm
    from addin.book_io import SETTINGS_SHEET
    from server.web.xlwings_route import checked_actions

    out = io.BytesIO()
    xlsm.build_records_xlsm("results", out=out, server_url="https://lec.example.go.th", unit_code=SCHOOL,
                            unit_name="โรงเรียนทดสอบ", year=YEAR, term=1, class_name=CLASS,
                            subjects=TERM_SUBJECTS[1], pupils=PUPILS)  # fmt: skip
    z = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert "xl/vbaProject.bin" in z.namelist()
    vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    assert all(f"<x:FmlaMacro>[0]!{macro}</x:FmlaMacro>" in vml for macro, _ in vba.BUTTONS)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    settings = {r[2]: r[1] for r in wb[SETTINGS_SHEET].iter_rows(values_only=True) if len(r) > 2 and r[2]}
    assert settings["login"] == SCHOOL and settings["macros"] == xlsm.MACROS_MARK
    typed = {s.code: [typed_row("4") for _ in PUPILS] for s in TERM_SUBJECTS[1]}
    typed["ค21101"][1] = {"attendance_pct": 95, "score_term": 95, "score_final": 20}  # over the 70 allowed
    excel = FakeExcel(payload_from_xlsx(fill(out.getvalue(), typed), name="ผล.xlsm"))
    book = excel.book()
    outcome = actions.validate(book)
    acts = checked_actions(book)["actions"]
    excel.apply(acts)
    assert not outcome.ok and excel.fill("ค21101", "F6") == ERROR_FILL
    calls = [(a["func"], a["args"]) for a in acts if a["func"] == "runMacro"]
    assert ("runMacro", ["'ผล.xlsm'!LecUnprotect", "ค21101"]) in calls
    assert ("runMacro", ["'ผล.xlsm'!LecProtect", "ค21101"]) in calls
