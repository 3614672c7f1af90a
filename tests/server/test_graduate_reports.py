"""A school year walked to graduation through the real app: results in, graduation statuses, the ปพ.3
read back with openpyxl and its figures checked against graduateskit's hand-computed ones, submitted,
returned, fixed, approved, then refused to change; the registrars' scopes held on every route."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import openpyxl
from graduateskit import FINAL_YEAR, LAO, PUPILS, SCHOOL, results_workbook, send_records, walk_results
from serverkit import World

from server.domain import registrars

REG, LAO_REG = f"{SCHOOL}-reg", f"{LAO}-reg"
OTHER_LAO_REG, PAO_REG = "06570101-reg", "02560001-reg"
BASE = f"/years/{FINAL_YEAR}/units/{SCHOOL}/graduates/m3"


def appoint_all(world: World) -> None:
    for code, person in ((SCHOOL, "นางสาวพิมพ์ใจ รักเรียน"), (LAO, "นายสมชาย ทะเบียนดี"),
                         ("06570101", "นางอื่น ต่างจังหวัด"), ("02560001", "นายอบจ. ทะเบียน")):  # fmt: skip
        login, password = registrars.appoint(world.db, code, person=person, order_no=f"1/{code}",
                                             order_date="2024-05-16", by="test")  # fmt: skip
        world.passwords[login] = password


def cells(data: bytes, sheet: int = 0) -> list[list[Any]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in wb.worksheets[sheet].iter_rows(values_only=True)]


def row_of(rows: list[list[Any]], citizen_id: str) -> list[Any]:
    return next(r for r in rows if citizen_id in r)


def check_report_figures(data: bytes, graduates: int) -> None:
    """The figures of the ปพ.3, read back with openpyxl, against graduateskit's hand computation."""
    rows = cells(data)
    flat = [c for r in rows for c in r if c not in (None, "")]
    assert rows[0][0] == "แบบรายงานผู้สำเร็จการศึกษา" and "ปพ.3:บ" in flat
    assert any("โรงเรียนเทศบาลบ้านต๋อม รหัส 3056200001" in str(c) and "เทศบาลตำบลบ้านต๋อม" in str(c) for c in flat)
    assert any("อนุมัติการจบการศึกษา วันที่ 31 มีนาคม 2568" in str(c) for c in flat)
    header = next(r for r in rows if r[0] == "ที่")
    sub = rows[rows.index(header) + 1]
    thai = header.index("ภาษาไทย")
    math = header.index("คณิตศาสตร์")
    gpax = header.index("ผลการเรียนเฉลี่ยสะสม (GPAX)")
    basic, extra, total = (header.index(h) for h in ("หน่วยกิตพื้นฐาน", "หน่วยกิตเพิ่มเติม", "หน่วยกิตรวม"))
    assert (sub[thai], sub[thai + 1]) == ("หน่วยกิต", "ผลการเรียนเฉลี่ย")
    p1 = row_of(rows, PUPILS[0].citizen_id)
    assert p1[:7] == ["1", "2001", PUPILS[0].citizen_id, "-", "เด็กชาย กมล ใจดี", "ชาย", "1 พ.ค. 2552"]
    assert (p1[thai], p1[thai + 1], p1[math], p1[math + 1], p1[gpax]) == ("9", "4.00", "21", "4.00", "4.00")
    p2 = row_of(rows, PUPILS[1].citizen_id)
    # ภาษาไทย 6 × 1.5 credits at 3; คณิตศาสตร์ 9 basic credits at 3 and 12 additional at 2: 51/21 = 2.428 -> 2.42
    assert (p2[thai + 1], p2[math], p2[math + 1]) == ("3.00", "21", "2.42")
    assert (p2[basic], p2[extra], p2[total], p2[gpax]) == ("66", "12", "78", "2.84")  # 222/78 = 2.846, cut
    assert row_of(rows, PUPILS[2].citizen_id)[gpax] == "3.34"  # 261/78 = 3.346, cut
    assert p1[header.index("การอ่าน คิดวิเคราะห์ และเขียน")] == "ดีเยี่ยม"
    assert p1[header.index("กิจกรรมพัฒนาผู้เรียน")] == "ผ่าน"
    numbered = [r[0] for r in rows[rows.index(header) + 2 :] if r[0] and str(r[0]).isdigit()]
    assert numbered == [str(i) for i in range(1, graduates + 1)]
    females = graduates - 1
    assert f"รวมผู้สำเร็จการศึกษา ชาย 1 คน หญิง {females} คน รวม {graduates} คน" in flat
    assert "นายทะเบียน (ผู้จัดทำ)" in flat and "ผู้อำนวยการสถานศึกษา (ผู้อนุมัติ)" in flat
    assert "(นางสาวพิมพ์ใจ รักเรียน)" in flat  # the appointed registrar, named, with the order
    assert "คำสั่งแต่งตั้งนายทะเบียนที่ 1/3056200001 ลงวันที่ 16 พฤษภาคม 2567" in flat
    assert flat.count("ผู้ตรวจสอบ (กรรมการ)") == 2


def test_walk_to_graduation(world: World) -> None:
    appoint_all(world)
    walk_results(world, login=REG)  # the school's registrar sends the records
    status = world.get(REG, BASE + "/status").get_json()
    assert status["report"] is None and status["candidates"] == 5
    assert [p["citizen_id"] for p in status["graduates"]] == [p.citizen_id for p in PUPILS[:3]]
    short, pending = status["not_graduated"]
    assert short["reasons"][0] == "หน่วยกิตรวมที่ได้ 52 หน่วยกิต ไม่ถึงเกณฑ์ 77 หน่วยกิต"
    assert "ค้างผลการเรียน “ร” วิชา ว23102 วิทยาศาสตร์ 3/2 (ภาคเรียนที่ 2/2567)" in pending["reasons"]

    check_draft(world)
    check_refusals_before_submit(world)
    submit_return_fix_approve(world)
    refused_after_approval(world)


def check_draft(world: World) -> None:
    draft = world.get(REG, BASE)
    assert draft.status_code == 200 and draft.headers["X-Report-State"] == "draft"
    check_report_figures(draft.data, graduates=3)
    not_yet = cells(draft.data, 1)
    assert any(PUPILS[4].citizen_id in r for r in not_yet)
    assert any("ค้างผลการเรียน “ร” วิชา ว23102" in str(c) for r in not_yet for c in r)


def check_refusals_before_submit(world: World) -> None:
    """Scopes: who may not act on the report."""
    assert world.post(SCHOOL, BASE + "/submit").status_code == 403  # the census clerk
    assert world.post("dla", BASE + "/submit").status_code == 403  # the national admin is no registrar
    assert world.post(LAO_REG, BASE + "/submit").status_code == 403  # the LAO's registrar does not submit
    assert world.post(LAO_REG, BASE + "/approve").get_json()["error"] == "no_report"
    assert world.get("3057300001", BASE).status_code == 403  # a school of another province may not read it


def submit_return_fix_approve(world: World) -> None:
    sent = world.post(REG, BASE + "/submit")
    assert sent.status_code == 200, sent.get_json()
    assert (sent.get_json()["state"], sent.get_json()["version"]) == ("submitted", 1)
    kept = world.get(LAO_REG, BASE)
    assert kept.headers["X-Report-State"] == "submitted" and kept.headers["X-Report-Version"] == "1"
    assert hashlib.sha256(kept.data).hexdigest() == kept.headers["X-Report-SHA256"]
    check_report_figures(kept.data, graduates=3)

    for login in (REG, LAO, OTHER_LAO_REG, PAO_REG, "dla"):  # only the registrar of the LAO directly above
        resp = world.post(login, BASE + "/approve")
        assert resp.status_code == 403 and resp.get_json()["error"] in ("out_of_scope",), (login, resp.get_json())
        assert world.post(login, BASE + "/return", json={"reason": "x"}).status_code == 403
    assert world.post(LAO_REG, BASE + "/return", json={"reason": " "}).status_code == 400

    returned = world.post(LAO_REG, BASE + "/return", json={"reason": "ดารุณียังค้าง ร วิชา ว23102 กรุณาแก้แล้วส่งใหม่"})
    assert returned.status_code == 200 and returned.get_json()["state"] == "returned"
    assert world.get(REG, BASE).headers["X-Report-State"] == "returned"  # a draft again

    fixed = send_records(world, REG, results_workbook(FINAL_YEAR, 2, cleared=True), FINAL_YEAR)
    assert fixed.status_code == 200, fixed.get_json()
    again = world.post(REG, BASE + "/submit").get_json()
    assert (again["state"], again["version"], again["versions"][-1]["graduates"]) == ("submitted", 2, 4)

    approved = world.post(LAO_REG, BASE + "/approve")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    events = [(e["action"], e["version"], e["login"]) for e in approved.get_json()["events"]]
    assert events == [("submit", 1, REG), ("return", 1, LAO_REG), ("submit", 2, REG), ("approve", 2, LAO_REG)]
    frozen = world.get(REG, BASE)
    assert frozen.headers["X-Report-State"] == "approved" and frozen.headers["X-Report-Version"] == "2"
    check_report_figures(frozen.data, graduates=4)
    sha = frozen.headers["X-Report-SHA256"]
    assert approved.get_json()["versions"][1]["sha256"] == sha


def refused_after_approval(world: World) -> None:
    """Approved: a change of results is refused until the LAO's registrar returns it."""
    sha = world.get(REG, BASE).headers["X-Report-SHA256"]
    change = send_records(world, REG, results_workbook(FINAL_YEAR, 2), FINAL_YEAR)
    assert change.status_code == 423 and change.get_json()["error"] == "graduate_report_approved"
    assert world.post(REG, BASE + "/submit").get_json()["error"] == "already_approved"
    assert len(world.get(REG, BASE + "/status").get_json()["graduates"]) == 4  # nothing changed
    assert world.get(REG, BASE).headers["X-Report-SHA256"] == sha
    assert [a["outcome"] for a in world.audit(action="records_upload")][-1] == "refused"
    done = [a["action"] for a in world.audit(outcome="ok") if a["action"].startswith("graduates_")]
    assert done == ["graduates_submit", "graduates_return", "graduates_submit", "graduates_approve"]
    refused = [(a["action"], a["login"], a["code"]) for a in world.audit(outcome="refused")
               if a["action"].startswith("graduates_")]  # fmt: skip
    assert ("graduates_submit", SCHOOL, "out_of_scope") in refused  # the census clerk's try, on record
    assert ("graduates_approve", OTHER_LAO_REG, "out_of_scope") in refused
    assert ("graduates_submit", REG, "already_approved") in refused

    # the LAO's list, the province's, and another province's (empty)
    for login in (LAO, LAO_REG, "56"):
        listed = world.get(login, f"/graduate-reports?year={FINAL_YEAR}").get_json()["reports"]
        assert [(r["unit_code"], r["level"], r["state"], r["graduates"]) for r in listed] == [
            (SCHOOL, "m3", "approved", 4)]  # fmt: skip
    assert world.get("57", "/graduate-reports").get_json()["reports"] == []

    # a correction after approval: returned first, then the change goes through; the approved file stays kept
    assert world.post(LAO_REG, BASE + "/return", json={"reason": "แก้ชื่อวิชา"}).status_code == 200
    assert send_records(world, REG, results_workbook(FINAL_YEAR, 2, cleared=True), FINAL_YEAR).status_code == 200
    assert world.db.execute("SELECT COUNT(*) FROM graduate_report_versions").fetchone()[0] == 2


def test_approval_refused_when_data_changed_since_submit(world: World) -> None:
    appoint_all(world)
    walk_results(world, login=REG)
    assert world.post(REG, BASE + "/submit").status_code == 200
    # while submitted, the school may still change its data; the LAO cannot then approve what it read
    assert send_records(world, REG, results_workbook(FINAL_YEAR, 2, cleared=True), FINAL_YEAR).status_code == 200
    stale = world.post(LAO_REG, BASE + "/approve")
    assert stale.status_code == 409 and stale.get_json()["error"] == "changed_since_submit"
    resent = world.post(REG, BASE + "/submit").get_json()
    assert (resent["version"], resent["versions"][-1]["graduates"]) == (2, 4)
    assert world.post(LAO_REG, BASE + "/approve").get_json()["state"] == "approved"
    assert world.post(LAO_REG, BASE + "/approve").get_json()["error"] == "report_approved"
    # the census login of the LAO and the school can read the approved report; the audit names the people
    assert world.get(LAO, BASE).headers["X-Report-State"] == "approved"
    approve = world.audit(action="graduates_approve", outcome="ok")[-1]
    assert approve["login"] == LAO_REG and approve["profile_id"] and approve["file_sha256"]
