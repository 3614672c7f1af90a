"""The add-in's four actions on an xlwings `Book`: validate, upload, status, confirm.

Each takes the Book (whatever engine is behind it) and, when it needs the server, a `Backend`; each
writes its answer into the workbook (marks on the cells, the findings or status sheet) and returns an
`Outcome` whose Thai title and message the caller shows in a message box (`notify`). The classic add-in
(`addin.macros`, through RunPython) and the server-hosted set-up (`server.web.xlwings_route`) call exactly
these functions, so what a clerk sees does not depend on where Python runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from addin import book_io, lsq_sheets, records_sheets, sheets
from addin.book_io import ERROR_FILL, INPUT_FILL, WARNING_FILL, Grid, Mark
from addin.client import ApiError, Backend
from workbook_templates.academic_meta import ACADEMIC_FORMS, AcademicMeta
from workbook_templates.academic_read import check_any_file
from workbook_templates.check import FileReport
from workbook_templates.read import FilledWorkbook

CONFIRM_CALLBACK = "LecConfirmAnswer"
"""VBA macro the server-hosted confirm question calls back with the clerk's answer (addin/vba)."""


@dataclass
class Outcome:
    """What happened, in Thai, for a message box; `data` keeps the details for programs and tests."""

    ok: bool
    title: str
    message: str
    errors: int = 0
    warnings: int = 0
    pending: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Loaded:
    """A Book read once: its grids, the template (if it is one) and the local validation report."""

    grids: dict[str, Grid]
    filled: FilledWorkbook | None
    report: FileReport

    @property
    def records(self) -> AcademicMeta | None:
        """The metadata of an academic records form (curriculum, results, assessments); None for a roster."""
        meta = self.report.meta
        return meta if self.report.form in ACADEMIC_FORMS and isinstance(meta, AcademicMeta) else None

    @property
    def round_id(self) -> str:
        assert self.filled is not None
        return self.filled.meta.round_label

    @property
    def unit(self) -> str:
        assert self.filled is not None
        return self.filled.meta.unit_code


def load(book: Any, *, today: date | None = None) -> Loaded:
    """Read the Book's values through xlwings and check them as `lec validate` does (`check_any_file`:
    a roster with the census rules, a records form with the academic ones)."""
    grids = book_io.read_grids(book)
    report = check_any_file(book_io.GridWorkbook(grids), file=str(book.name), today=today)
    return Loaded(grids, report.workbook, report)


def _marks(findings: Sequence[Mapping[str, Any]], widths: dict[str, int]) -> list[Mark]:
    out = []
    for f in findings:
        cell = f.get("cell")
        if not cell and f.get("sheet") and f.get("row"):
            cell = f"{f['sheet']}!{f['row']}:{f['row']}"
        mark = book_io.parse_cell(cell, widths)
        if mark:
            out.append(mark)
    return out


def _expand(marks: Sequence[Mark]) -> set[tuple[str, int, int]]:
    return {(m.sheet, m.row, c) for m in marks for c in range(m.first_col, m.last_col + 1)}


def remark(book: Any, loaded: Loaded, errors: Sequence[Mapping[str, Any]],
           warnings: Sequence[Mapping[str, Any]]) -> int:  # fmt: skip
    """Undo the last run's fills, then colour this run's cells (errors win over warnings on one cell).

    The last run's cells are read back from the findings sheet the Book carries, so the workbook itself
    remembers what the add-in coloured, whichever engine or PC coloured it.
    """
    widths = book_io.input_widths(loaded.filled, loaded.grids)
    bad = _marks(errors, widths)
    doubtful = _marks(warnings, widths)
    bad_cells = _expand(bad)
    doubtful = [m for m in doubtful if not (_expand([m]) <= bad_cells)]
    now_cells = bad_cells | _expand(doubtful)
    stale = [Mark(s, r, c, c) for s, r, c in sorted(_expand(book_io.previous_marks(loaded.grids, widths)) - now_cells)]
    macros = bool(sheets.read_settings(loaded.grids).get("macros"))
    return book_io.paint(book, [(stale, INPUT_FILL), (bad, ERROR_FILL), (doubtful, WARNING_FILL)], macros=macros)


def _summary(report: FileReport) -> str:
    if report.errors:
        text = f"พบข้อผิดพลาด {len(report.errors)} รายการ (ช่องสีแดง) ต้องแก้ไขก่อนส่งข้อมูล"
        if report.warnings:
            text += f" และคำเตือน {len(report.warnings)} รายการ (ช่องสีเหลือง)"
        return text
    if report.warnings:
        return (f"ไม่พบข้อผิดพลาด ({report.rows} แถว) มีคำเตือน {len(report.warnings)} รายการ (ช่องสีเหลือง) "
                "กรุณาตรวจว่าถูกต้องจริง แล้วส่งข้อมูลได้")  # fmt: skip
    return f"ข้อมูลถูกต้องทั้งหมด ({report.rows} แถว) ไม่พบข้อผิดพลาดหรือคำเตือน พร้อมส่งข้อมูล"


def _groups(report: FileReport) -> list[tuple[str, list[dict[str, Any]]]]:
    return [("error", report.errors), ("warning", report.warnings), ("info", report.notices)]


def _title(loaded: Loaded, what: str) -> str:
    if loaded.records is not None:
        return records_sheets.records_title(loaded.records, what)
    if loaded.filled is None:
        return f"{what}: {loaded.report.file}"
    meta = loaded.filled.meta
    return f"{what}: {meta.unit_code} {meta.unit_name} ปีการศึกษา {meta.year} ครั้งที่ {meta.round_no}".strip()


def validate(book: Any, *, today: date | None = None, now: datetime | None = None) -> Outcome:
    """Run the shared rules on the Book's own values; mark the cells and list every finding in Thai."""
    loaded = load(book, today=today)
    report = loaded.report
    remark(book, loaded, report.errors, report.warnings)
    summary = _summary(report)
    sheets.write_findings(book, _title(loaded, "ผลการตรวจสอบ"), summary, _groups(report), now=now)
    return Outcome(not report.errors, "ตรวจสอบข้อมูล", summary, len(report.errors), len(report.warnings),
                   data={"report": report.to_dict()})  # fmt: skip


def upload_filename(book_name: str) -> str:
    """The uploaded copy is always .xlsx (values only), whatever the Book is saved as."""
    stem = PurePath(book_name).stem or "workbook"
    return f"{stem}.xlsx"


def upload(book: Any, backend: Backend, *, today: date | None = None, now: datetime | None = None) -> Outcome:
    """Check locally first (no upload with errors), then send the values and show the server's verdict."""
    loaded = load(book, today=today)
    report = loaded.report
    if loaded.records is not None and not report.errors:
        return _upload_records(book, backend, loaded, now=now)
    if report.errors or loaded.filled is None:
        remark(book, loaded, report.errors, report.warnings)
        summary = "ยังไม่ได้ส่งข้อมูล: " + _summary(report)
        sheets.write_findings(book, _title(loaded, "ผลการตรวจสอบก่อนส่ง"), summary, _groups(report), now=now)
        return Outcome(False, "ส่งข้อมูล", summary, len(report.errors), len(report.warnings),
                       data={"report": report.to_dict(), "sent": False})  # fmt: skip
    data = book_io.grids_to_xlsx(loaded.grids)
    try:
        body = backend.upload(loaded.round_id, loaded.unit, upload_filename(str(book.name)), data)
    except ApiError as err:
        return _refused(book, loaded, err, now)
    warnings = list(body.get("warnings") or [])
    conflicts = list(body.get("conflicts") or [])
    remark(book, loaded, [], warnings)
    summary = f"ส่งข้อมูลสำเร็จ เซิร์ฟเวอร์บันทึก {body.get('rows', report.rows)} แถวแล้ว"
    if warnings:
        summary += f" มีคำเตือน {len(warnings)} รายการ"
    if conflicts:
        summary += f" และพบเลขประจำตัวซ้ำกับสถานศึกษาอื่น {len(conflicts)} ราย (ดูท้ายตาราง)"
    summary += " ขั้นต่อไป: ตรวจสถานะแล้วกดยืนยันข้อมูล"
    sheets.write_findings(book, _title(loaded, "ผลการส่งข้อมูล"), summary,
                          [("warning", warnings), ("info", list(body.get("notices") or []))],
                          extra=sheets.conflict_rows(conflicts), now=now)  # fmt: skip
    return Outcome(True, "ส่งข้อมูล", summary, 0, len(warnings), data={"body": body, "sent": True})


def _refused(book: Any, loaded: Loaded, err: ApiError, now: datetime | None) -> Outcome:
    """The server's refusal of an upload: its findings marked and listed, as for a local check."""
    errors = list(err.body.get("errors") or [])
    warnings = list(err.body.get("warnings") or [])
    if not errors:
        errors = [{"sheet": None, "cell": None, "message": err.message, "code": err.code}]
    remark(book, loaded, errors, warnings)
    summary = f"เซิร์ฟเวอร์ไม่รับข้อมูล: {err.message}"
    sheets.write_findings(book, _title(loaded, "ผลการส่งข้อมูล"), summary,
                          [("error", errors), ("warning", warnings)], now=now)  # fmt: skip
    return Outcome(False, "ส่งข้อมูล", summary, len(errors), len(warnings),
                   data={"status": err.status, "error": err.code, "body": err.body, "sent": True})  # fmt: skip


def _upload_records(book: Any, backend: Backend, loaded: Loaded, *, now: datetime | None) -> Outcome:
    """A records form checked clean: send its values to the records endpoint; list the pending ร / มส."""
    meta = loaded.records
    assert meta is not None
    data = book_io.grids_to_xlsx(loaded.grids)
    try:
        body = backend.upload_records(meta.year, meta.unit_code, upload_filename(str(book.name)), data)
    except ApiError as err:
        return _refused(book, loaded, err, now)
    warnings = list(body.get("warnings") or [])
    pending = list(body.get("pending") or [])
    remark(book, loaded, [], warnings)
    summary = f"ส่งข้อมูลสำเร็จ เซิร์ฟเวอร์บันทึก {body.get('rows', loaded.report.rows)} แถวแล้ว"
    if pending:
        summary += f" มีผลการเรียนค้าง (ร/มส) {len(pending)} รายการ (ดูท้ายตาราง)"
    summary += " ดูผลการเรียนของชั้นได้ที่หน้าเว็บ ทะเบียนผลการเรียน หรือกดปุ่มสถานะ"
    sheets.write_findings(book, _title(loaded, "ผลการส่งข้อมูล"), summary,
                          [("warning", warnings), ("info", list(body.get("notices") or []))],
                          extra=records_sheets.pending_rows(pending), now=now)  # fmt: skip
    return Outcome(True, "ส่งข้อมูล", summary, 0, len(warnings), data={"body": body, "sent": True})


def _unit_of(book: Any) -> tuple[Loaded | None, Outcome | None]:
    loaded = load(book)
    if loaded.filled is None and loaded.records is None:
        message = loaded.report.errors[0]["message"] if loaded.report.errors else "ไม่พบข้อมูลกำกับแบบฟอร์ม"
        return None, Outcome(False, "สถานะ", message, 1)
    return loaded, None


def status(book: Any, backend: Backend, *, now: datetime | None = None) -> Outcome:
    """Write the unit's place in the chain (and its children's, for an LAO) to the status sheet."""
    loaded, failed = _unit_of(book)
    if failed:
        return failed
    assert loaded is not None
    if loaded.records is not None and loaded.records.form in ("register", "localschool"):
        return _lsq_status(book, backend, loaded, now=now)
    if loaded.records is not None:
        return _records_status(book, backend, loaded.records, now=now)
    try:
        body = backend.status(loaded.round_id, loaded.unit)
    except ApiError as err:
        return Outcome(False, "สถานะ", err.message, 1, data={"status": err.status, "error": err.code})
    sheets.write_status(book, body, now=now)
    state = sheets.STATE_TH.get(body.get("state", ""), body.get("state", ""))
    message = f"{loaded.unit}: {state}"
    blockers = body.get("blockers") or []
    if blockers:
        message += " / " + blockers[0].get("message", "")
    todo = sheets.todo_summary(body)
    if todo:
        message += " / " + todo
    return Outcome(True, "สถานะ", message, data={"status": body})


def _records_status(book: Any, backend: Backend, meta: AcademicMeta, *, now: datetime | None) -> Outcome:
    """A records form's status: the school's year of records on the server, this workbook's class marked."""
    try:
        body = backend.records_status(meta.year, meta.unit_code)
    except ApiError as err:
        return Outcome(False, "สถานะ", err.message, 1, data={"status": err.status, "error": err.code})
    records_sheets.write_records_status(book, body, meta, now=now)
    here = [t for c in body.get("classes") or [] if c.get("class_name") == meta.class_name
            for t in c.get("terms") or [] if not meta.term or t.get("term") == meta.term]  # fmt: skip
    what = f"ชั้น {meta.class_name} {records_sheets.when_th(meta)}" if meta.class_name else records_sheets.when_th(meta)
    if meta.form == "curriculum":
        message = f"{meta.unit_code}: รายวิชาของสถานศึกษาบนเซิร์ฟเวอร์ {body.get('curriculum_subjects', 0)} รายการ"
    elif meta.form == "results" and here:
        message = (f"{meta.unit_code}: {what} บันทึกแล้ว นักเรียน {here[0].get('pupils')} คน"
                   f" {here[0].get('subjects')} วิชา ผลค้าง {here[0].get('pending')} รายการ")  # fmt: skip
    else:
        uploads = body.get("uploads") or []
        sent = any(u.get("form") == meta.form and u.get("class_name") == meta.class_name for u in uploads)
        message = f"{meta.unit_code}: {what} {'ส่งแล้ว' if sent else 'ยังไม่ได้ส่ง'}"
    return Outcome(True, "สถานะ", message, data={"status": body})


def _lsq_status(book: Any, backend: Backend, loaded: Loaded, *, now: datetime | None) -> Outcome:
    """A register form: the school's register on the server, this workbook's pupils checked against it;
    a LocalSchool form: the year's imports, the last one's counts."""
    meta = loaded.records
    assert meta is not None
    try:
        if meta.form == "register":
            body = backend.register_status(meta.year, meta.unit_code)
            ids = [str(r["citizen_id"]) for r in loaded.report.records if r.get("citizen_id")]
            _sheet, message = lsq_sheets.write_register_status(book, body, meta, ids, now=now)
        else:
            body = backend.localschool_status(meta.year, meta.unit_code)
            _sheet, message = lsq_sheets.write_localschool_status(book, body, meta, now=now)
    except ApiError as err:
        return Outcome(False, "สถานะ", err.message, 1, data={"status": err.status, "error": err.code})
    return Outcome(True, "สถานะ", message, data={"status": body})


def confirm(
    book: Any, backend: Backend, *, answer: str | None = None, callback: str = CONFIRM_CALLBACK,
    now: datetime | None = None,
) -> Outcome:  # fmt: skip
    """Confirm the unit, but only after an explicit "yes".

    Without `answer` the question is put to the clerk: the classic engine returns the button pressed at
    once; the remote engine queues an `alert` action whose `callback` (a VBA macro) calls back with the
    answer, so that call returns a pending Outcome and the confirmation happens on the second call.
    """
    loaded, failed = _unit_of(book)
    if failed:
        return failed
    assert loaded is not None
    if loaded.records is not None:
        return Outcome(False, "ยืนยันข้อมูล", "แบบบันทึกผลการเรียนไม่ต้องกดยืนยัน: เซิร์ฟเวอร์บันทึกทันทีเมื่อส่งสำเร็จ"
                       " (แก้ไขได้โดยส่งแบบบันทึกของชั้นและภาคเรียนเดิมใหม่ทั้งชุด)")  # fmt: skip
    meta = loaded.filled.meta  # type: ignore[union-attr]
    if answer is None:
        prompt = (f"ยืนยันข้อมูลของ {meta.unit_code} {meta.unit_name} ปีการศึกษา {meta.year} ครั้งที่ "
                  f"{meta.round_no} ใช่หรือไม่? เมื่อยืนยันแล้วจะแก้ไขได้เมื่อหน่วยเหนือยกเลิกการยืนยันเท่านั้น")  # fmt: skip
        answer = book.app.alert(prompt, title="ยืนยันข้อมูล", buttons="yes_no", mode="info", callback=callback)
        if answer is None:
            return Outcome(False, "ยืนยันข้อมูล", "รอคำตอบ", pending=True)
    if str(answer).lower() != "yes":
        return Outcome(False, "ยืนยันข้อมูล", "ยกเลิกแล้ว ยังไม่ได้ยืนยันข้อมูล")
    try:
        result = backend.confirm(loaded.round_id, loaded.unit)
    except ApiError as err:
        return Outcome(False, "ยืนยันข้อมูล", f"ยืนยันไม่สำเร็จ: {err.message}", 1,
                       data={"status": err.status, "error": err.code, "body": err.body})  # fmt: skip
    with contextlib.suppress(ApiError):  # the confirmation stands; "สถานะ" refreshes the sheet later
        sheets.write_status(book, backend.status(loaded.round_id, loaded.unit), now=now)
    total = (result.get("counts") or {}).get("total")
    message = f"ยืนยันข้อมูลของ {loaded.unit} แล้ว เมื่อ {result.get('confirmed_at', '')}"
    if total is not None:
        message += f" (จำนวนรวม {total} คน) กรุณาตรวจว่ารายงานแสดงตัวเลขถูกต้อง"
    return Outcome(True, "ยืนยันข้อมูล", message, data={"confirm": result})


def notify(book: Any, outcome: Outcome) -> None:
    """Show the outcome in a message box (an `alert` action on the remote engine)."""
    if outcome.pending:
        return
    book.app.alert(outcome.message, title=outcome.title, buttons="ok", mode="info" if outcome.ok else "critical")
