"""Academic records (LSQ): a school's curriculum, results and assessments workbooks become its record.

    upload_records_workbook(db, actor, year, code, data, filename=..., files_dir=..., now=None) -> dict
        scope first, then read and validate in an isolated worker (`check_any_file`, what `lec validate`
        runs), then store the workbook's rows in one transaction; audited either way.
    class_pupils(db, code, year, class_name) -> [Pupil] | None   the class in the last confirmed census
    pupil_record(db, actor, year, code, citizen_id) -> dict      every result, GPA per term/area, GPAX

The guarantees are the roster upload's (uploads.py): a refusal before reading (403, 404) stores nothing
but the audit record; a rejected workbook (422) stores no row, keeps the file for the audit trail while
the unit's rejected files stay under quota; an accepted one replaces what it covers (a results workbook:
its class, term and subjects; a curriculum: the year's subjects; assessments: the class's year) whole.
GPAs come from `validators.academic.summarise` (cut, not rounded), never from figures in the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from server.domain import audit, pupil_register, registry, report_locks, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, not_found
from server.domain.uploads import Quota, UploadRejected, file_path, incoming_dir, keep_file
from server.storage import clock
from server.storage.db import transaction
from validators.academic import GradedSubject, Pupil, area_of, areas, class_grade, summarise
from validators.academic.common import decimal_text
from workbook_templates.check import FileReport
from workbook_templates.meta import previous_digest
from workbook_templates.sandbox import Isolation, WorkerBusy, check_file_isolated

ACTION = "records_upload"
RECORD_KINDS = ("school", "college")
"""Units that keep academic records: schools and colleges (a child centre has no subjects)."""
IDENTITY_KEYS = ("citizen_id", "student_no", "first_name", "last_name", "row")
RESULT_KEYS = ("year", "term", "class_name", "subject_code", "subject_name", "kind", "credits", "hours", "area",
               "attendance_pct", "score_total", "grade", "pending")  # fmt: skip


def _text(value: object) -> str | None:
    """A decimal as exact text for storage ("1.5", "79.5"); None stays None; text (the worker's results
    numbers, already in this form: `decimal_text`) as is."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)


def _rejected(message: str, code: str = "RECORDS_REFUSED") -> UploadRejected:
    return UploadRejected([{"sheet": None, "row": None, "column": None, "code": code, "message": message}], [])


# --- the class roster ------------------------------------------------------------------------------


def confirmed_round(db: sqlite_utils.Database, code: str, year: int) -> str | None:
    """The latest round up to `year` whose roster of the unit was confirmed (or fixed in a correction)."""
    row = db.execute(
        "SELECT r.id FROM rounds r JOIN rosters ro ON ro.round_id = r.id AND ro.unit_code = ?"
        " WHERE r.year <= ? AND (r.mode = 'correction' OR EXISTS (SELECT 1 FROM confirmations c"
        "      WHERE c.round_id = r.id AND c.unit_code = ?))"
        " ORDER BY r.year DESC, r.round_no DESC LIMIT 1",
        [code, year, code],
    ).fetchone()
    return row[0] if row else None


def class_pupils(db: sqlite_utils.Database, code: str, year: int, class_name: str) -> list[Pupil] | None:
    """The pupils of `class_name` ("ม.3/1": grade and room) in the unit's last confirmed census roster,
    in roster order; None when the unit has no confirmed roster yet (then nothing is compared)."""
    grade = class_grade(class_name)
    source = confirmed_round(db, code, year)
    if grade is None or source is None:
        return None
    _, _, room = class_name.partition("/")
    sql = "SELECT citizen_id, first_name, last_name FROM pupils WHERE round_id = ? AND unit_code = ? AND grade = ?"
    args: list[Any] = [source, code, grade]
    if room.strip():
        sql += " AND TRIM(COALESCE(room, '')) = ?"
        args.append(room.strip())
    return [Pupil(cid, first or "", last or "") for cid, first, last in db.execute(sql + " ORDER BY row_no", args)]


def student_numbers(db: sqlite_utils.Database, code: str) -> dict[str, str]:
    """The school's own student numbers, typed once in an earlier workbook and kept (citizen ID -> number)."""
    rows = db.execute(
        "SELECT citizen_id, student_no FROM results WHERE unit_code = ? AND student_no IS NOT NULL ORDER BY year, term",
        [code],
    )
    return {cid: no for cid, no in rows}


# --- upload --------------------------------------------------------------------------------------------


def _check(data: bytes, filename: str, files_dir: str | Path, isolation: Isolation | None,
           roster: list[Pupil] | None) -> FileReport:  # fmt: skip
    """`check_any_file` in a capped worker on a private temp file (see workbook_templates.sandbox); results
    numbers come back as the text the store keeps (`check_records_file`)."""
    incoming = incoming_dir(files_dir)
    incoming.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=incoming, suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            return check_file_isolated(
                tmp, file=filename, limits=isolation, checker="check_records_file", roster=roster
            )
        except WorkerBusy as exc:
            raise ServiceError(
                503, "busy", "ขณะนี้มีผู้ส่งไฟล์จำนวนมาก ระบบยังไม่ได้บันทึกข้อมูล กรุณาส่งใหม่อีกครั้งในอีกสักครู่", str(exc)
            ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _read_and_validate(db: sqlite_utils.Database, unit: dict[str, Any], year: int, data: bytes, filename: str,
                       files_dir: str | Path, isolation: Isolation | None) -> FileReport:  # fmt: skip
    """Read in a worker; when the server's confirmed class differs from the copy the workbook carries,
    judge the file again against the server's (its memory wins, as for rosters)."""
    if db.conn.in_transaction:
        db.execute("ROLLBACK")  # hold no lock while a worker reads
    report = _check(data, filename, files_dir, isolation, None)
    meta = report.meta
    if meta is None:
        raise UploadRejected(report.errors, [])
    if meta.form == "localschool":
        raise _rejected(
            "ไฟล์นี้เป็นผลการเรียนย้อนหลัง (LocalSchool) ให้ส่งที่ /years/{ปี}/units/{รหัส}/localschool"
            " หรือคำสั่ง lec localschool import ซึ่งรับแถวที่ถูกต้องและส่งแถวที่ผิดกลับมาให้แก้",
            "FORM_MISMATCH",
        )
    if meta.form not in ("curriculum", "results", "assessments", "register"):
        raise _rejected(
            "ไฟล์นี้เป็นแบบฟอร์มทะเบียนนักเรียน ให้ส่งที่เมนูส่งทะเบียนนักเรียนของรอบสำรวจ ไม่ใช่ทะเบียนผลการเรียน", "FORM_MISMATCH"
        )
    if meta.unit_code != unit["code"]:
        raise _rejected(f"ไฟล์นี้ทำไว้สำหรับหน่วย {meta.unit_code} ไม่ใช่ {registry.label(unit)}", "UNIT_MISMATCH")
    if meta.year != year:
        raise _rejected(f"ไฟล์นี้เป็นของปีการศึกษา {meta.year} แต่ส่งเข้าปีการศึกษา {year}", "YEAR_MISMATCH")
    if meta.form != "curriculum":
        pupils = class_pupils(db, unit["code"], year, meta.class_name)
        carried = [(p.citizen_id, p.first_name, p.last_name) for p in pupils or []]
        if pupils is not None and previous_digest(carried) != meta.roster_digest:
            report = _check(data, filename, files_dir, isolation, pupils)
    if meta.form == "register" and not report.errors:  # what only the server knows (census births, ปพ.1 taken)
        report.errors += pupil_register.server_checks(db, unit["code"], report.records)
    if report.errors:
        raise UploadRejected(report.errors, report.warnings)
    return report


def _check_quota(db: sqlite_utils.Database, code: str, size: int, sha: str, quota: Quota) -> None:
    """413 when this new content would take the unit past its share of the disk (rosters and records
    together: one school, one share)."""
    if db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone():
        return  # one copy per content: a file already kept costs nothing more
    used = int(
        db.execute(
            "SELECT COALESCE(SUM(size), 0) FROM files WHERE sha256 IN (SELECT sha256 FROM uploads WHERE unit_code = ?"
            " UNION SELECT sha256 FROM record_uploads WHERE unit_code = ?)",
            [code, code],
        ).fetchone()[0]
    )
    if used + size > quota.unit_mb * 2**20:
        raise ServiceError(
            413,
            "unit_quota",
            f"พื้นที่เก็บไฟล์ของหน่วยนี้เต็ม (ใช้ไปแล้ว {used / 2**20:,.0f} MB จาก {quota.unit_mb:,} MB) กรุณาติดต่อผู้ดูแลระบบ",
            {"used_bytes": used, "quota_bytes": quota.unit_mb * 2**20},
        )


def _rejected_bytes(db: sqlite_utils.Database, code: str) -> int:
    sql = """SELECT COALESCE(SUM(f.size), 0) FROM files f WHERE f.sha256 IN (
               SELECT file_sha256 FROM audit WHERE unit_code = ? AND action = ?
               AND outcome = 'rejected' AND json_extract(detail, '$.kept') = 1)"""
    return int(db.execute(sql, [code, ACTION]).fetchone()[0]) + int(
        db.execute(sql, [code, "localschool_import"]).fetchone()[0]
    )


def _refuse(db: sqlite_utils.Database, actor: Actor | None, year: int, code: str, err: ServiceError, sha: str,
            data: bytes, filename: str | None, files_dir: str | Path, quota: Quota, now: datetime,
            action: str = ACTION) -> None:  # fmt: skip
    """Audit a refusal; a 422 for a unit in scope keeps the file (under the unit's rejected quota)."""
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    kept = False
    with transaction(db):
        if err.status == 422 and registry.get_unit(db, code) is not None:
            known = db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone() is not None
            if known or _rejected_bytes(db, code) + len(data) <= quota.rejected_mb * 2**20:
                keep_file(db, files_dir, data)
                kept = True
        detail: dict[str, Any] = {"message": err.message, "filename": filename, "kept": kept, "year": year}
        if isinstance(err, UploadRejected):
            detail["errors"] = len(err.detail["errors"])
            detail["first_errors"] = err.detail["errors"][:20]
        audit.record(db, action, "rejected" if err.status == 422 else "refused", actor=actor,
                     login=None if actor else audit.CLI_LOGIN,
                     unit_code=code if registry.get_unit(db, code) else None, code=err.code,
                     sha256=sha, detail=detail, now=now)  # fmt: skip


def upload_records_workbook(
    db: sqlite_utils.Database,
    actor: Actor,
    year: int,
    code: str,
    data: bytes,
    *,
    filename: str | None = None,
    files_dir: str | Path,
    now: datetime | None = None,
    isolation: Isolation | None = None,
    quota: Quota | None = None,
) -> dict[str, Any]:
    """Scope first; then read and validate in a worker; then keep the file and store the rows whole."""
    now = now or clock.now()
    quota = quota or Quota()
    sha = hashlib.sha256(data).hexdigest()
    try:
        unit = scope.check(db, actor, code, "records")
        if unit["kind"] not in RECORD_KINDS:
            raise _rejected(f"{registry.label(unit)} ไม่ใช่โรงเรียนหรือวิทยาลัย จึงไม่มีทะเบียนผลการเรียน", "UNIT_KIND")
        report = _read_and_validate(db, unit, year, data, filename or "", files_dir, isolation)
        with transaction(db):
            if report.meta is not None and report.meta.form in ("results", "assessments"):
                report_locks.check(db, code, year, report.meta.class_name)  # an approved ปพ.3 stands on them
            _check_quota(db, code, len(data), sha, quota)
            keep_file(db, files_dir, data)
            return _store(db, actor, unit, year, report, sha=sha, filename=filename, now=now)
    except ServiceError as err:
        _refuse(db, actor, year, code, err, sha, data, filename, files_dir, quota, now)
        raise


def _store(db: sqlite_utils.Database, actor: Actor, unit: dict[str, Any], year: int, report: FileReport, *,
           sha: str, filename: str | None, now: datetime) -> dict[str, Any]:  # fmt: skip
    """Replace what the workbook covers and record the upload (inside the caller's transaction)."""
    meta: Any = report.meta
    code = unit["code"]
    upload_id = db.execute(
        "INSERT INTO record_uploads (year, unit_code, form, term, class_name, sha256, filename, user_id, login,"
        " uploaded_at, rows, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            year,
            code,
            meta.form,
            meta.term,
            meta.class_name,
            sha,
            filename,
            actor.user_id,
            actor.login,
            clock.iso(now),
            report.rows,
            json.dumps(report.warnings, ensure_ascii=False, default=str),
        ],
    ).lastrowid
    if meta.form == "curriculum":
        db.execute("DELETE FROM subjects WHERE year = ? AND unit_code = ?", [year, code])
        db.conn.executemany(
            "INSERT OR REPLACE INTO subjects (year, unit_code, grade, term, subject_code, subject_name, kind, credits,"
            " hours, area, upload_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(year, code, r["grade"], r["term"] or 0, r["subject_code"], r["subject_name"], r["kind"],
              _text(r["credits"]), _text(r["hours"]), r["area"], upload_id) for r in report.records],
        )  # fmt: skip
    elif meta.form == "register":
        pupil_register.store(db, code, year, report.records, upload_id)
    elif meta.form == "assessments":
        db.execute(
            "DELETE FROM assessments WHERE year = ? AND unit_code = ? AND class_name = ?", [year, code, meta.class_name]
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO assessments (year, unit_code, class_name, citizen_id, student_no, ratings,"
            " upload_id) VALUES (?,?,?,?,?,?,?)",
            [(year, code, meta.class_name, r["citizen_id"], r["student_no"],
              json.dumps({k: v for k, v in r.items() if k not in IDENTITY_KEYS}, ensure_ascii=False), upload_id)
             for r in report.records],
        )  # fmt: skip
    else:
        subjects = {s.code: s for s in meta.subjects}
        marks = ",".join("?" * len(subjects))
        db.execute(
            f"DELETE FROM results WHERE year = ? AND term = ? AND unit_code = ? AND class_name = ?"
            f" AND subject_code IN ({marks})",
            [year, meta.term, code, meta.class_name, *subjects],
        )
        # a subject's columns once per sheet, not once per pupil (its area is parsed from its code)
        per_subject = {c: (c, s.name, s.kind, _text(s.credits), _text(s.hours), area_of(c))
                       for c, s in subjects.items()}  # fmt: skip
        head = (year, meta.term, code, meta.class_name)
        rows = []
        for r in report.records:
            sc, name, kind, credits, hours, area = per_subject[r["subject_code"]]
            rows.append((*head, sc, r["citizen_id"], r["student_no"], r["first_name"], r["last_name"], name, kind,
                         credits, hours, area, _text(r["attendance_pct"]), _text(r["score_term"]),
                         _text(r["score_final"]), _text(r["score_total"]), r["grade"], int(bool(r["pending"])),
                         upload_id))  # fmt: skip
        db.conn.executemany(
            "INSERT OR REPLACE INTO results (year, term, unit_code, class_name, subject_code, citizen_id, student_no,"
            " first_name, last_name, subject_name, kind, credits, hours, area, attendance_pct, score_term,"
            " score_final, score_total, grade, pending, upload_id) VALUES (" + ",".join("?" * 21) + ")",
            rows,
        )
    audit.record(db, ACTION, "accepted", actor=actor, unit_code=code, sha256=sha, now=now,
                 detail={"filename": filename, "form": meta.form, "year": year, "term": meta.term,
                         "class_name": meta.class_name, "rows": report.rows, "upload_id": upload_id})  # fmt: skip
    return {
        "accepted": True,
        "upload_id": upload_id,
        "form": meta.form,
        "year": year,
        "term": meta.term or None,
        "class_name": meta.class_name or None,
        "rows": report.rows,
        "warnings": report.warnings,
        "notices": report.notices,
        "pending": [
            {k: r[k] for k in ("citizen_id", "first_name", "last_name", "subject_code", "grade")}
            for r in report.records
            if r.get("pending")
        ],
    }


# --- a pupil's record ------------------------------------------------------------------------------


def _dec(text: str | None) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def weight_of(row: dict[str, Any]) -> Decimal:
    """Credits where the subject has them (secondary, vocational), else hours (primary)."""
    return _dec(row["credits"]) if row["credits"] else _dec(row["hours"])


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def pupil_record(db: sqlite_utils.Database, actor: Actor, year: int, code: str, citizen_id: str) -> dict[str, Any]:
    """Every result of the pupil at the unit up to `year`, with GPA per term and area and the GPAX."""
    unit = scope.check(db, actor, code, "view")
    rows = [
        dict(r)
        for r in db.query(
            "SELECT * FROM results WHERE unit_code = ? AND citizen_id = ? AND year <= ?"
            " ORDER BY year, term, subject_code",
            [code, citizen_id, year],
        )
    ]
    if not rows:
        raise not_found("no_record", f"ไม่พบผลการเรียนของเลขประจำตัว {citizen_id} ที่ {registry.label(unit)}",
                        {"unit": code, "citizen_id": citizen_id})  # fmt: skip
    graded = [
        GradedSubject(r["subject_code"], r["grade"] or "", weight_of(r), r["area"], r["year"], r["term"]) for r in rows
    ]
    summary = summarise(graded)
    last = rows[-1]
    census = db.execute(
        "SELECT p.prefix, p.first_name, p.last_name, p.sex, p.birth_date, p.grade, p.room FROM pupils p"
        " JOIN rounds r ON r.id = p.round_id WHERE p.unit_code = ? AND p.citizen_id = ?"
        " ORDER BY r.year DESC, r.round_no DESC LIMIT 1",
        [code, citizen_id],
    ).fetchone()
    identity = {
        "citizen_id": citizen_id,
        "student_no": next((r["student_no"] for r in reversed(rows) if r["student_no"]), None),
        "prefix": census[0] if census else None,
        "first_name": last["first_name"],
        "last_name": last["last_name"],
        "sex": census[3] if census else None,
        "birth_date": census[4] if census else None,
        "class_name": last["class_name"],
    }
    area_names = areas().titles
    assessments = [
        {"year": y, "class_name": c, **json.loads(ratings)}
        for y, c, ratings in db.execute(
            "SELECT year, class_name, ratings FROM assessments WHERE unit_code = ? AND citizen_id = ? AND year <= ?"
            " ORDER BY year",
            [code, citizen_id, year],
        )
    ]
    return {
        "unit": {"code": unit["code"], "name": unit["name"]},
        "pupil": identity,
        "results": [{k: r[k] for k in RESULT_KEYS} for r in rows],
        "terms": [{"year": y, "term": t, "gpa": _num(g)} for (y, t), g in summary.by_term.items()],
        "areas": [
            {"area": a, "name": area_names.get(a or "", a or "อื่น ๆ"), "gpa": _num(v.gpa), "weight": _num(v.weight)}
            for a, v in summary.by_area.items()
        ],
        "gpax": _num(summary.gpax),
        "weight_attempted": _num(summary.weight_attempted),
        "weight_earned": _num(summary.weight_earned),
        "pending": [
            {"year": p.year, "term": p.term, "subject_code": p.subject_code, "grade": p.grade} for p in summary.pending
        ],
        "assessments": assessments,
    }


check_in_worker = _check
"""`check_any_file` in a capped worker (for the other academic imports: the LocalSchool migration)."""
check_quota = _check_quota
refuse = _refuse
rejected = _rejected


def kept_file(files_dir: str | Path, sha256: str) -> Path:
    """Where an accepted or rejected records workbook is kept (the roster uploads' store)."""
    return file_path(files_dir, sha256)


__all__ = [
    "ACTION",
    "class_pupils",
    "confirmed_round",
    "pupil_record",
    "student_numbers",
    "upload_records_workbook",
    "weight_of",
]
