"""The add-in's answers for the academic records forms (curriculum, results, assessments), in Thai.

Why beside sheets.py and not in it: a records form has no round and no confirmation; its "สถานะ" is the
school's year of records on the server (`GET /years/{year}/units/{code}/records`), and an upload's
answer lists the pending ร / มส the server recorded. The writers use only `book_io.write_rows` and
fills, so the classic add-in and the server-hosted set-up produce the same sheets.

    records_title(meta, what) -> str                   "ผลการส่งข้อมูล: 3056200001 โรงเรียน... ชั้น ม.1/1 ภาคเรียนที่ 1/2567"
    pending_rows(pending) -> [[...]]                   the server's pending marks, after the findings table
    write_records_status(book, body, meta, now=None)   the status sheet for a records form
    graduate_report_rows(reports) -> [[...]]           the school's ปพ.3 reports of the year and their states
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from addin.book_io import HEADER_FILL, STATUS_SHEET, fresh_sheet, write_rows
from addin.sheets import _stamp

FORM_TH = {"curriculum": "แบบรายวิชาของสถานศึกษา", "results": "แบบบันทึกผลการเรียนรายวิชา",
           "assessments": "แบบบันทึกผลการประเมินประจำปี"}  # fmt: skip
STATUS_HEADER = ("ชั้น", "ภาคเรียน", "นักเรียน (คน)", "รายวิชา", "ผลค้าง ร/มส")
STATUS_TABLE_ROW = 9
"""Row of the classes table's header on the status sheet (the rows above carry unit, year and counts)."""


def when_th(meta: Any) -> str:
    """'ภาคเรียนที่ 1/2567' for a term's results, 'ปีการศึกษา 2567' for a whole-year form."""
    return f"ภาคเรียนที่ {meta.term}/{meta.year}" if meta.term else f"ปีการศึกษา {meta.year}"


def records_title(meta: Any, what: str) -> str:
    """The findings sheet's title for a records form: who, which class, which term."""
    parts = [f"{what}: {meta.unit_code} {meta.unit_name}".strip()]
    if meta.class_name:
        parts.append(f"ชั้น {meta.class_name}")
    parts.append(when_th(meta))
    return " ".join(parts)


def pending_rows(pending: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """The results the server stored as pending (ร, มส): they stay listed until cleared."""
    if not pending:
        return []
    rows: list[list[Any]] = [
        [f"ผลการเรียนค้าง (ร / มส) {len(pending)} รายการ: ต้องแก้ผลการเรียนแล้วส่งแบบบันทึกใหม่"],
        ["เลขประจำตัว", "ชื่อ", "นามสกุล", "รายวิชา", "ผล"],
    ]
    rows += [[p.get("citizen_id"), p.get("first_name"), p.get("last_name"), p.get("subject_code"), p.get("grade")]
             for p in pending]  # fmt: skip
    return rows


NEXT_STEP_TH = {
    "submitted": "รอเจ้าพนักงานทะเบียนของ อปท. อนุมัติหรือส่งคืน",
    "returned": "แก้ไขข้อมูลแล้วให้นายทะเบียนส่งรายงานใหม่",
    "approved": "ผลการเรียนของรุ่นนี้แก้ไขไม่ได้จนกว่า อปท. จะส่งคืนรายงาน",
}
"""What the school does next with a report in each state (the registrars' chain, server/domain/graduate_reports.py)."""


def graduate_report_rows(reports: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """The school's graduate reports ปพ.3 of the year: level, state, version, graduates of candidates,
    and what comes next (with a return's reason); nothing when none was submitted. An approved report
    freezes its cohort's results, so a registrar sees here why an upload of that class is refused."""
    if not reports:
        return []
    rows: list[list[Any]] = [[None], ["รายงานผู้สำเร็จการศึกษา (ปพ.3) ของปีนี้"],
                             ["ชั้น", "แบบ", "สถานะ", "ฉบับที่", "ผู้สำเร็จ (คน)", "ผู้เข้าเกณฑ์พิจารณา (คน)",
                              "ขั้นต่อไป"]]  # fmt: skip
    for r in reports:
        step = NEXT_STEP_TH.get(str(r.get("state")), "")
        if r.get("state") == "returned" and r.get("reason"):
            step = f"เหตุผลที่ส่งคืน: {r['reason']} / {step}"
        rows.append([r.get("level_title") or r.get("level"), r.get("variant"), r.get("state_th") or r.get("state"),
                     r.get("version"), r.get("graduates"), r.get("candidates"), step])  # fmt: skip
    return rows


def write_records_status(book: Any, body: Mapping[str, Any], meta: Any, *, now: datetime | None = None) -> Any:
    """Replace the status sheet with the school's year of records as the server holds it; the class and
    term of this workbook are marked "← แฟ้มนี้" so the teacher sees at once whether it arrived."""
    sheet = fresh_sheet(book, STATUS_SHEET)
    unit = body.get("unit") or {}
    classes = body.get("classes") or []
    uploads = body.get("uploads") or []
    rows: list[list[Any]] = [
        [f"สถานะทะเบียนผลการเรียน  ({_stamp(now)})"],
        [None],
        ["หน่วยงาน", f"{unit.get('code', '')} {unit.get('name', '')}".strip()],
        ["ปีการศึกษา", body.get("year")],
        ["แฟ้มนี้", f"{FORM_TH.get(meta.form, meta.form)} {('ชั้น ' + meta.class_name) if meta.class_name else ''}"
                    f" {when_th(meta)}".replace("  ", " ")],
        ["รายวิชาของสถานศึกษาในปีนี้", body.get("curriculum_subjects", 0)],
        ["แฟ้มที่ส่งแล้วในปีนี้", len(uploads)],
        [None],
        list(STATUS_HEADER),
    ]  # fmt: skip
    for c in classes:
        for t in c.get("terms") or []:
            here = c.get("class_name") == meta.class_name and (not meta.term or t.get("term") == meta.term)
            rows.append([c.get("class_name"), t.get("term"), t.get("pupils"), t.get("subjects"), t.get("pending"),
                         "← แฟ้มนี้" if here else None])  # fmt: skip
    if not classes:
        rows.append(["ยังไม่มีผลการเรียนของปีนี้บนเซิร์ฟเวอร์"])
    if uploads:
        rows += [[None], ["แฟ้มที่ส่งล่าสุด"], ["ส่งเมื่อ", "แบบ", "ชั้น", "ภาคเรียน", "แถว", "ผู้ส่ง"]]
        rows += [[u.get("at"), u.get("form_th"), u.get("class_name") or "-", u.get("term") or "ทั้งปี", u.get("rows"),
                  u.get("login")] for u in uploads[:20]]  # fmt: skip
    rows += graduate_report_rows(body.get("graduate_reports") or [])
    write_rows(sheet, 1, rows, text_columns=(1,))
    sheet.range((STATUS_TABLE_ROW, 1), (STATUS_TABLE_ROW, len(STATUS_HEADER))).color = HEADER_FILL
    sheet.activate()
    return sheet
