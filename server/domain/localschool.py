"""The LocalSchool migration: a school's past results imported row by row, the failed rows sent back.

    import_workbook(db, actor, year, code, data, filename=..., files_dir=..., now=None) -> dict
        scope first (the unit's own accounts; `actor=None` is the console, `lec localschool import`),
        then read and validate in the capped worker (`check_any_file`, what `lec validate` runs), then
        in one transaction: keep the file, store every good row, record the failed ones; audited.
    failed_workbook(db, actor, year, code, import_id) -> (bytes, filename)   the rows that failed
    imports(db, actor, year, code) -> [dict]      the year's imports with their counts (pages, add-in)
    template_bytes(db, actor, year, code) -> (bytes, filename)   the empty LocalSchool form

Unlike the other academic forms, a LocalSchool file is not whole-or-nothing: a school's history is
tens of thousands of rows typed or exported years ago, and one bad row must not hold back the rest
(the OpenEMIS "failed records" habit). What stays whole-or-nothing is everything about the file itself:
a file that is not our workbook, not this form, or for another unit or year stores nothing (422), and
the good rows of a file go in one transaction with their upload record.

Idempotent: a row's key is (year, term, subject, pupil) in the school, the results table's key, so
a re-import replaces a row with itself (counted `unchanged`, not written) and re-sending the fixed rows
adds exactly them. A result stored from a live results workbook is never overwritten (a failed row,
`LOCALSCHOOL_LIVE_RESULT`). A file that would change a result an approved graduate report ปพ.3 stands on
is refused whole (423, report_locks), like a results upload: the report must be returned first; rows it
would leave as they are do not count. Who may import: whoever may send the school's records workbooks
(`scope.check(..., "records")`: the school's census login, its registrar, its LAO on its behalf).
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from server.domain import audit, records, registry, report_locks, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, not_found
from server.domain.uploads import Quota, UploadRejected, keep_file
from server.storage import clock
from server.storage.db import transaction
from validators.academic.localschool import LOCALSCHOOL_KEYS, key_of, live_conflicts
from workbook_templates.academic_build import LOCALSCHOOL_COLUMNS
from workbook_templates.academic_history import SHEET_NAME, build_localschool
from workbook_templates.sandbox import Isolation

ACTION = "localschool_import"
COMPARED = ("class_name", "student_no", "first_name", "last_name", "subject_name", "kind", "credits", "hours",
            "area", "score_total", "grade")  # fmt: skip
"""What a re-imported row is compared on: the same values are `unchanged` and not written again."""
LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(LOCALSCHOOL_COLUMNS)}


def _text(value: object) -> str | None:
    """A value as the results table keeps it (decimals as exact text: "1.5", "85")."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _unit(db: sqlite_utils.Database, actor: Actor | None, code: str, action: str) -> dict[str, Any]:
    unit = scope.check(db, actor, code, action) if actor is not None else registry.require_unit(db, code)
    if unit["kind"] not in records.RECORD_KINDS:
        raise records.rejected(f"{registry.label(unit)} ไม่ใช่โรงเรียนหรือวิทยาลัย จึงไม่มีทะเบียนผลการเรียน", "UNIT_KIND")
    return unit


def check_scope(db: sqlite_utils.Database, actor: Actor, code: str) -> None:
    """403/404 before a request's body is looked at (the import itself checks again, and audits)."""
    scope.check(db, actor, code, "records")


def _read(data: bytes, filename: str, files_dir: str | Path, isolation: Isolation | None, unit: dict[str, Any],
          year: int) -> Any:  # fmt: skip
    """The worker's report of a LocalSchool workbook for this unit and year, or the 422 saying why not."""
    report = records.check_in_worker(data, filename, files_dir, isolation, None)
    meta = report.meta
    if meta is None:
        raise UploadRejected(report.errors, [])
    if meta.form != "localschool":
        raise records.rejected(
            "ไฟล์นี้ไม่ใช่แบบฟอร์มผลการเรียนย้อนหลัง (LocalSchool) ใช้คำสั่ง lec template localschool เพื่อสร้างแบบฟอร์ม",
            "FORM_MISMATCH",
        )
    if meta.unit_code != unit["code"]:
        raise records.rejected(f"ไฟล์นี้ทำไว้สำหรับหน่วย {meta.unit_code} ไม่ใช่ {registry.label(unit)}", "UNIT_MISMATCH")
    if meta.year != year:
        raise records.rejected(f"ไฟล์นี้เป็นของปีการศึกษา {meta.year} แต่ส่งเข้าปีการศึกษา {year}", "YEAR_MISMATCH")
    whole = [e for e in report.errors if e.get("row") is None]
    if whole:
        raise UploadRejected(whole, report.warnings)
    return report


def import_workbook(
    db: sqlite_utils.Database,
    actor: Actor | None,
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
    """Scope, read in a worker, then store the good rows and record the failed ones in one transaction."""
    now = now or clock.now()
    quota = quota or Quota()
    sha = hashlib.sha256(data).hexdigest()
    try:
        unit = _unit(db, actor, code, "records")
        if db.conn.in_transaction:
            db.execute("ROLLBACK")  # hold no lock while a worker reads
        report = _read(data, filename or "", files_dir, isolation, unit, year)
        with transaction(db):
            records.check_quota(db, code, len(data), sha, quota)
            keep_file(db, files_dir, data)
            return _store(db, actor, unit, year, report, sha=sha, filename=filename, now=now)
    except ServiceError as err:
        records.refuse(db, actor, year, code, err, sha, data, filename, files_dir, quota, now, action=ACTION)
        raise


def _existing(db: sqlite_utils.Database, code: str, years: set[int]) -> dict[tuple[object, ...], dict[str, Any]]:
    """The unit's stored results of the file's years by key, with the form of the upload they came from."""
    if not years:
        return {}
    marks = ",".join("?" * len(years))
    rows = db.query(
        f"SELECT r.*, u.form FROM results r JOIN record_uploads u ON u.id = r.upload_id"
        f" WHERE r.unit_code = ? AND r.year IN ({marks})",
        [code, *sorted(years)],
    )
    return {(r["year"], r["term"], r["subject_code"], r["citizen_id"]): r for r in rows}


def _failed_entry(record: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {"row": record["row"], "typed": record["typed"], "reasons": [f["message"] for f in findings],
            "errors": findings}  # fmt: skip


def _finding(f: Any) -> dict[str, Any]:
    cell = f"{SHEET_NAME}!{LETTER.get(f.column or '', 'A')}{f.row}" if f.row else None
    return {"sheet": SHEET_NAME, "row": f.row, "column": f.column, "code": f.code, "message": f.message,
            "cell": cell, "value": f.value}  # fmt: skip


def _store(db: sqlite_utils.Database, actor: Actor | None, unit: dict[str, Any], year: int, report: Any, *,
           sha: str, filename: str | None, now: datetime) -> dict[str, Any]:  # fmt: skip
    """Split the rows into good and failed, write the good ones that differ, record the import."""
    code = unit["code"]
    by_row: dict[int, list[dict[str, Any]]] = {}
    for e in report.errors:
        by_row.setdefault(e["row"], []).append(e)
    good = [r for r in report.records if r["row"] not in by_row]
    existing = _existing(db, code, {int(r["year"]) for r in good})
    live = {k for k, v in existing.items() if v["form"] != "localschool"}
    for f in live_conflicts(good, live):
        by_row.setdefault(f.row, []).append(_finding(f))  # type: ignore[arg-type]
    good = [r for r in good if r["row"] not in by_row]
    failed = [_failed_entry(r, by_row[r["row"]]) for r in report.records if r["row"] in by_row]
    changed = []
    for r in good:
        values = {k: _text(r[k]) for k in COMPARED}
        old = existing.get(key_of(r))
        if old is None or any(_text(old[k]) != values[k] for k in COMPARED):
            changed.append((r, values))
    for class_year, class_name in sorted({(int(r["year"]), str(r["class_name"] or "")) for r, _ in changed}):
        report_locks.check(db, code, class_year, class_name)  # an approved ปพ.3 stands on them: 423, nothing stored

    upload_id = db.execute(
        "INSERT INTO record_uploads (year, unit_code, form, term, class_name, sha256, filename, user_id, login,"
        " uploaded_at, rows, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [year, code, "localschool", 0, "", sha, filename, actor.user_id if actor else None,
         actor.login if actor else audit.CLI_LOGIN, clock.iso(now), len(report.records),
         json.dumps(report.warnings, ensure_ascii=False, default=str)],
    ).lastrowid  # fmt: skip
    write = []
    unchanged = len(good) - len(changed)
    for r, values in changed:
        write.append((r["year"], r["term"], code, r["class_name"], r["subject_code"], r["citizen_id"],
                      values["student_no"], values["first_name"], values["last_name"], values["subject_name"],
                      values["kind"], values["credits"], values["hours"], values["area"], values["score_total"],
                      r["grade"], int(bool(r["pending"])), upload_id))  # fmt: skip
    db.conn.executemany(
        "INSERT OR REPLACE INTO results (year, term, unit_code, class_name, subject_code, citizen_id, student_no,"
        " first_name, last_name, subject_name, kind, credits, hours, area, score_total, grade, pending, upload_id)"
        " VALUES (" + ",".join("?" * 18) + ")",
        write,
    )
    stored_failed = [{k: v for k, v in f.items() if k != "errors"} for f in failed]
    db.execute(
        "INSERT INTO localschool_imports (upload_id, rows, stored, unchanged, failed, failed_rows)"
        " VALUES (?,?,?,?,?,?)",
        [upload_id, len(report.records), len(write), unchanged, len(failed),
         json.dumps(stored_failed, ensure_ascii=False)],
    )  # fmt: skip
    counts = {"rows": len(report.records), "stored": len(write), "unchanged": unchanged, "failed": len(failed)}
    audit.record(db, ACTION, "accepted", actor=actor, login=None if actor else audit.CLI_LOGIN, unit_code=code,
                 sha256=sha, now=now,
                 detail={"filename": filename, "year": year, "upload_id": upload_id, **counts})  # fmt: skip
    return {
        "accepted": True,
        "import_id": upload_id,
        "form": "localschool",
        "year": year,
        **counts,
        "failed_workbook": f"/api/v1/years/{year}/units/{code}/localschool/{upload_id}/failed" if failed else None,
        "errors": [e for f in failed for e in f["errors"]][:500],
        "warnings": report.warnings,
    }


def failed_rows(db: sqlite_utils.Database, actor: Actor | None, year: int, code: str, import_id: int) -> list[Any]:
    """The failed rows of one import of the unit: [{"row", "typed", "reasons"}]."""
    if actor is not None:
        scope.check(db, actor, code, "view")
    row = db.execute(
        "SELECT i.failed_rows FROM localschool_imports i JOIN record_uploads u ON u.id = i.upload_id"
        " WHERE i.upload_id = ? AND u.unit_code = ? AND u.year = ?",
        [import_id, code, year],
    ).fetchone()
    if row is None:
        raise not_found("no_import", f"ไม่พบการนำเข้าผลการเรียนย้อนหลังครั้งที่ {import_id} ของหน่วย {code} ปีการศึกษา {year}",
                        {"unit": code, "import_id": import_id})  # fmt: skip
    return list(json.loads(row[0]))


def failed_workbook(db: sqlite_utils.Database, actor: Actor | None, year: int, code: str,
                    import_id: int) -> tuple[bytes, str]:  # fmt: skip
    """The failed rows as a LocalSchool workbook with a Thai reason beside each (to fix and send back)."""
    rows = failed_rows(db, actor, year, code, import_id)
    unit = registry.require_unit(db, code)
    buf = io.BytesIO()
    failed = [({k: str(r["typed"].get(k, "")) for k in LOCALSCHOOL_KEYS}, r["reasons"]) for r in rows]
    build_localschool(unit_code=code, unit_name=unit["name"], year=year, out=buf, failed=failed)
    return buf.getvalue(), f"localschool-{code}-{year}-failed-{import_id}.xlsx"


IMPORTS_SHOWN = 50


def imports(db: sqlite_utils.Database, actor: Actor | None, year: int, code: str) -> list[dict[str, Any]]:
    """The unit's LocalSchool imports of `year`, newest first, with who sent them and their counts: what
    the import page lists and the add-in's status sheet writes for a LocalSchool form (scope: view)."""
    if actor is not None:
        scope.check(db, actor, code, "view")
    rows = db.query(
        "SELECT u.id AS import_id, u.filename, u.login, u.uploaded_at AS at, i.rows, i.stored, i.unchanged,"
        " i.failed FROM localschool_imports i JOIN record_uploads u ON u.id = i.upload_id"
        " WHERE u.unit_code = ? AND u.year = ? ORDER BY u.id DESC LIMIT ?",
        [code, year, IMPORTS_SHOWN],
    )
    return [
        {**r, "failed_workbook": f"/api/v1/years/{year}/units/{code}/localschool/{r['import_id']}/failed"
         if r["failed"] else None}
        for r in rows
    ]  # fmt: skip


def template_bytes(db: sqlite_utils.Database, actor: Actor, year: int, code: str) -> tuple[bytes, str]:
    """The empty LocalSchool form of the unit and year (what `lec template localschool` writes)."""
    unit = _unit(db, actor, code, "records")
    buf = io.BytesIO()
    build_localschool(unit_code=code, unit_name=unit["name"], year=year, out=buf)
    return buf.getvalue(), f"localschool-{code}-{year}.xlsx"


__all__ = ["ACTION", "check_scope", "failed_rows", "failed_workbook", "import_workbook", "imports", "template_bytes"]
