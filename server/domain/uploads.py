"""Uploads: a workbook becomes a unit's roster or other-affiliation counts.

    upload_workbook(db, actor, round_id, code, data, filename=..., files_dir=..., now=None) -> dict
        check, then store rows: `workbook_templates.check_file` (the function `lec validate` and the
        add-in call, here in an isolated worker, with the previous confirmed roster) reads and validates,
        the server checks the template's unit, round and form, then the rows replace the unit's in one
        transaction.
    keep_file(db, files_dir, data) -> sha256            content-addressed store, <files>/ab/cdef...
    previous_children(db, rnd, code) -> [PreviousChild] the unit's last confirmed roster
    roster_rows(db, round_id, code) / removal_rows(...) / other_rows(...)   what is stored
    other_pupil_rows(db, round_id, lao)                  the pupil list attached to an LAO's counts
    basic_row(db, round_id, code)                                            a centre's basic data

Result: {"accepted": True, "rows", "removals", "warnings", "notices", "conflicts", "upload_id",
"duplicate", "on_behalf"}; a rejected workbook raises `UploadRejected` (422) whose detail carries
{"accepted": False, "errors", "warnings"}: nothing is stored but the audit record and the kept file.
Refusals before reading (scope 403, closed 423, confirmed 409) are audited too.
Why one transaction: a half-replaced roster would be counted; readers see the old or the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from server.domain import audit, chain, conflicts, registry, rounds, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, conflict
from server.storage import clock
from server.storage.db import transaction
from validators.fields import FORM_TITLES
from workbook_templates.sandbox import Isolation, WorkerBusy, check_file_isolated


class UploadRejected(ServiceError):
    """422: the workbook has errors. `detail` is the body of design.md's 422 answer."""

    def __init__(self, errors: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> None:
        first = errors[0]["message"] if errors else ""
        super().__init__(
            422,
            "workbook_rejected",
            f"แฟ้มมีข้อผิดพลาด {len(errors)} รายการ ระบบยังไม่ได้บันทึกข้อมูล: {first}",
            {"accepted": False, "errors": errors, "warnings": warnings},
        )


def keep_file(db: sqlite_utils.Database, files_dir: str | Path, data: bytes) -> str:
    """Store `data` under its SHA-256 (write to a temp file, then rename: never a half file)."""
    sha = hashlib.sha256(data).hexdigest()
    path = Path(files_dir) / sha[:2] / sha[2:]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # 0600, and so the kept file
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:  # a full disk: leave no partial temp file behind (the app answers 503)
            Path(tmp).unlink(missing_ok=True)
            raise
    db.execute(
        "INSERT OR IGNORE INTO files (sha256, size, first_seen_at) VALUES (?,?,?)",
        [sha, len(data), clock.iso(clock.now())],
    )
    return sha


def file_path(files_dir: str | Path, sha256: str) -> Path:
    return Path(files_dir) / sha256[:2] / sha256[2:]


def _finding_dict(f: Any, form: str) -> dict[str, Any]:
    from validators.fields import SHEETS

    sheet = SHEETS.get(form, {}).get(f.sheet, f.sheet) if f.sheet else None
    return {"sheet": sheet, "row": f.row, "column": f.column, "code": f.code, "message": f.message}


def previous_round(db: sqlite_utils.Database, rnd: dict[str, Any], code: str) -> str | None:
    """The latest earlier round where the unit's roster was confirmed (or fixed in a correction round)."""
    row = db.execute(
        "SELECT r.id FROM rounds r JOIN rosters ro ON ro.round_id = r.id AND ro.unit_code = ?"
        " WHERE (r.year < ? OR (r.year = ? AND r.round_no < ?))"
        " AND (r.mode = 'correction' OR EXISTS (SELECT 1 FROM confirmations c"
        "      WHERE c.round_id = r.id AND c.unit_code = ?))"
        " ORDER BY r.year DESC, r.round_no DESC LIMIT 1",
        [code, rnd["year"], rnd["year"], rnd["round_no"], code],
    ).fetchone()
    return row[0] if row else None


def previous_children(db: sqlite_utils.Database, rnd: dict[str, Any], code: str) -> list[Any] | None:
    """The children of `previous_round`'s roster; None when there is none (a first round)."""
    from validators import PreviousChild

    source = previous_round(db, rnd, code)
    if source is None:
        return None
    year = rounds.parse_round_id(source)[0]  # an earlier year's roster: its pupils must have moved up
    return [
        PreviousChild(cid, first or "", last or "", grade, year)
        for cid, first, last, grade in db.execute(
            "SELECT citizen_id, first_name, last_name, grade FROM pupils WHERE round_id = ? AND unit_code = ?"
            " ORDER BY row_no",
            [source, code],
        )
    ]


def _audit_refusal(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    code: str,
    err: ServiceError,
    sha: str | None,
    filename: str | None,
    now: datetime,
    *,
    kept: bool = False,
) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    detail: dict[str, Any] = {"message": err.message, "filename": filename, "kept": kept}
    if isinstance(err, UploadRejected):
        detail["errors"] = len(err.detail["errors"])
        detail["first_errors"] = err.detail["errors"][:20]
    with transaction(db):
        audit.record(
            db,
            "upload",
            "rejected" if err.status == 422 else "refused",
            actor=actor,
            round_id=round_id,
            unit_code=code,
            code=err.code,
            sha256=sha,
            detail=detail,
            now=now,
        )


def _precheck(
    db: sqlite_utils.Database, actor: Actor, round_id: str, code: str, now: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scope, round window and chain state: what refuses an upload before its content matters."""
    unit = scope.check(db, actor, code, "upload")
    rnd = rounds.require_round(db, round_id)
    rounds.check_writable(db, rnd, unit, now)
    if chain.confirmation(db, round_id, code):
        if unit["level"] == "institution":
            lao = registry.get_unit(db, unit["parent"])
            ask = f"กรุณาขอให้ อปท. ต้นสังกัด {registry.label(lao) if lao else ''} ยกเลิกการยืนยันก่อน"
        else:
            prov = registry.get_unit(db, unit["parent"])
            ask = f"กรุณาขอให้จังหวัด {registry.label(prov) if prov else ''} ยกเลิกการยืนยันของ อปท. ก่อน"
        raise conflict(
            "confirmed_cannot_upload",
            f"{registry.label(unit)} ยืนยันข้อมูลรอบ {round_id} แล้ว จึงส่งแฟ้มใหม่ไม่ได้: {ask}",
            {"unit": code, "round": round_id},
        )
    return unit, rnd


def upload_workbook(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    code: str,
    data: bytes | IO[bytes],
    *,
    filename: str | None = None,
    files_dir: str | Path,
    now: datetime | None = None,
    isolation: Isolation | None = None,
    quota: Quota | None = None,
) -> dict[str, Any]:
    """Scope, round and chain first; then read and validate in an isolated worker; keep and store if accepted.

    `data` is the file's bytes or a stream of them (a web upload is copied to disk in chunks, never held
    whole in memory while it waits for a worker). Nothing refused before its content was read is written
    anywhere (a 403, 409 or 423 keeps only the audit record with the file's hash). A 422 from a caller in
    scope keeps the file for the audit trail while the unit's kept rejected files stay under
    `quota.rejected_mb`.
    """
    now = now or clock.now()
    quota = quota or Quota()
    incoming: Path | None = None
    sha: str | None = None
    kept = False
    try:
        unit, rnd = _precheck(db, actor, round_id, code, now)
        incoming, sha, size = _receive(data, files_dir)
        report = _read_and_validate(db, rnd, unit, incoming, filename, now, isolation)
        _check_decisions(db, rnd, unit, report)  # even the current file again: a decision since may refuse it
        current = chain.roster(db, round_id, code)
        if current and current["sha256"] == sha:
            return _duplicate(db, actor, rnd, unit, current, sha, filename, now)
        registry_errors, registry_warnings = registry_findings(db, unit, report.form, report.records)
        if registry_errors:
            raise UploadRejected(registry_errors, report.warnings + registry_warnings)
        _check_quota(db, code, size, sha, quota)
        _keep(db, files_dir, incoming, sha, size, record=False)  # its `files` row goes in with the roster
        kept = True
        warnings = report.warnings + registry_warnings
        warnings += carried_warnings(db, rnd, unit, report.form, report.records)
        return _store(
            db,
            actor,
            rnd,
            unit,
            report.form,
            report.records,
            report.removals,
            warnings=warnings,
            notices=report.notices,
            basic=report.basic,
            pupils=report.pupils,
            sha=sha,
            size=size,
            filename=filename,
            now=now,
        )
    except ServiceError as err:
        if sha is None:  # refused before reading: the hash goes to the audit, the bytes nowhere
            sha = _hash_only(data)
        if err.status == 422 and not kept and incoming is not None:
            kept = _keep_rejected(db, files_dir, code, incoming, sha, quota)
        _audit_refusal(db, actor, round_id, code, err, sha, filename, now, kept=kept)
        raise
    finally:
        if incoming is not None:
            incoming.unlink(missing_ok=True)


def _chunks(data: bytes | IO[bytes]) -> Iterator[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        yield bytes(data)
        return
    while chunk := data.read(1 << 20):
        yield chunk


def _hash_only(data: bytes | IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(data):
        digest.update(chunk)
    return digest.hexdigest()


def _receive(data: bytes | IO[bytes], files_dir: str | Path) -> tuple[Path, str, int]:
    """Copy the upload to a private file in the incoming dir (0600, fsynced), hashing it on the way."""
    incoming = incoming_dir(files_dir)
    incoming.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=incoming, suffix=".xlsx")  # mode 0600
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in _chunks(data):
                digest.update(chunk)
                size += len(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:  # a full disk: leave no partial file behind (the app answers 503)
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), digest.hexdigest(), size


def _keep(db: sqlite_utils.Database, files_dir: str | Path, incoming: Path, sha: str, size: int, *,
          record: bool = True) -> None:  # fmt: skip
    """Move the received file into the content-addressed store (atomic rename; one copy per content).

    `record=False`: the caller writes the `files` row in its own transaction (`_record_file`). A write
    outside the process's write queue waits on SQLite's busy handler instead, which polls; on deadline day
    the queue hands the lock from one writer to the next and the poller never got in (503 after 30 s)."""
    path = file_path(files_dir, sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(incoming, path)
    if record:
        _record_file(db, sha, size)


def _record_file(db: sqlite_utils.Database, sha: str, size: int) -> None:
    db.execute(
        "INSERT OR IGNORE INTO files (sha256, size, first_seen_at) VALUES (?,?,?)", [sha, size, clock.iso(clock.now())]
    )


def limits(config: Mapping[str, Any]) -> dict[str, Any]:
    """The `isolation` and `quota` arguments of `upload_workbook` from the app's config (see config.py)."""
    isolation = Isolation(
        memory_mb=int(config["WORKER_MEMORY_MB"]),
        seconds=float(config["WORKER_SECONDS"]),
        workers=int(config["WORKERS"]),
        queue_seconds=float(config["WORKER_QUEUE_SECONDS"]),
    )
    quota = Quota(unit_mb=int(config["UNIT_QUOTA_MB"]), rejected_mb=int(config["REJECTED_QUOTA_MB"]))
    return {"isolation": isolation, "quota": quota}


@dataclass(frozen=True, slots=True)
class Quota:
    """Disk a unit may fill: accepted files (every version it sent) and rejected files kept for audit."""

    unit_mb: int = 1024
    rejected_mb: int = 100


def _unit_bytes(db: sqlite_utils.Database, code: str, *, rejected: bool) -> int:
    if rejected:
        sql = """SELECT COALESCE(SUM(f.size), 0) FROM files f WHERE f.sha256 IN (
                   SELECT file_sha256 FROM audit WHERE unit_code = ? AND action = 'upload'
                   AND outcome = 'rejected' AND json_extract(detail, '$.kept') = 1)"""
    else:
        sql = """SELECT COALESCE(SUM(f.size), 0) FROM files f
                 WHERE f.sha256 IN (SELECT sha256 FROM uploads WHERE unit_code = ?)"""
    return int(db.execute(sql, [code]).fetchone()[0])


def _check_quota(db: sqlite_utils.Database, code: str, size: int, sha: str, quota: Quota) -> None:
    """413 when this new content would take the unit past its share of the disk."""
    if db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone():
        return  # one copy per content: a file already kept costs nothing more
    used = _unit_bytes(db, code, rejected=False)
    if used + size > quota.unit_mb * 2**20:
        raise ServiceError(
            413,
            "unit_quota",
            f"พื้นที่เก็บไฟล์ของหน่วยนี้เต็ม (ใช้ไปแล้ว {used / 2**20:,.0f} MB จาก {quota.unit_mb:,} MB) กรุณาติดต่อผู้ดูแลระบบ",
            {"used_bytes": used, "quota_bytes": quota.unit_mb * 2**20},
        )


def _keep_rejected(db: sqlite_utils.Database, files_dir: str | Path, code: str, incoming: Path, sha: str,
                   quota: Quota) -> bool:  # fmt: skip
    """Keep a rejected file for the audit trail, unless the unit's rejected files already fill their share."""
    if db.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha]).fetchone():
        return True
    if not incoming.exists():  # a worker that could not start may leave nothing to keep: still a clean refusal
        return False
    size = incoming.stat().st_size
    if _unit_bytes(db, code, rejected=True) + size > quota.rejected_mb * 2**20:
        return False
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    with transaction(db):
        _keep(db, files_dir, incoming, sha, size)
    return True


def _read_and_validate(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any], path: Path,
                       filename: str | None, now: datetime, isolation: Isolation | None) -> Any:  # fmt: skip
    """`check_file` (what `lec validate` runs) in an isolated worker; then the server's own checks."""
    from server.domain import upload_rules

    expected = registry.FORM_BY_KIND.get(unit["kind"])
    # The server's memory of the last confirmed roster wins over the copy inside the file; with none
    # (a first round) nothing is compared, even if the template carries rows.
    previous = previous_children(db, rnd, unit["code"]) if expected != "other" else None
    if db.conn.in_transaction:
        db.execute("ROLLBACK")  # hold no lock on the database while a worker reads
    try:
        kind = unit["kind"] if unit["kind"] in ("school", "college", "cdc") else None
        report = check_file_isolated(path, file=filename or "", previous=previous or [], today=now.date(),
                                     as_of=date.fromisoformat(rnd["as_of"]), unit_kind=kind,
                                     limits=isolation)  # fmt: skip
    except WorkerBusy as exc:
        raise ServiceError(
            503, "busy", "ขณะนี้มีผู้ส่งไฟล์จำนวนมาก ระบบยังไม่ได้บันทึกข้อมูล กรุณาส่งใหม่อีกครั้งในอีกสักครู่", str(exc)
        ) from None
    meta = report.meta
    if meta is None:  # not readable as a template at all
        raise UploadRejected(report.errors, [])
    wrong = []
    if meta.unit_code != unit["code"]:
        wrong.append(upload_rules.UNIT_MISMATCH.finding(None, value=meta.unit_code, unit=unit["code"]))
    if (meta.year, meta.round_no) != (rnd["year"], rnd["round_no"]):
        wrong.append(upload_rules.ROUND_MISMATCH.finding(None, value=f"{meta.year}-{meta.round_no}", round=rnd["id"]))
    if meta.form != expected:
        wrong.append(
            upload_rules.FORM_MISMATCH.finding(
                None,
                value=FORM_TITLES.get(meta.form, meta.form),
                unit=registry.label(unit),
                expected=FORM_TITLES.get(expected or "", expected),
            )
        )
    if wrong:
        raise UploadRejected([_finding_dict(f, meta.form) for f in wrong], [])
    if report.errors:
        raise UploadRejected(report.errors, report.warnings)
    return report


def _check_decisions(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any], report: Any) -> None:
    """A roster may not bring back a child a duplicate decision gave to another institution (422, the
    clerk's row and the decision named: who decided, when, where the child counts and what to do)."""
    refused = conflicts.refused_ids(db, rnd["id"], unit["code"])
    if not refused:
        return
    from server.domain import upload_rules

    errors = []
    sheet = "pupils" if report.form == "other" else "roster"
    for r in report.pupils if report.form == "other" else report.records:
        dec = refused.get(r.get("citizen_id"))
        if dec is None:
            continue
        f = upload_rules.DECIDED_ELSEWHERE.finding(
            "citizen_id",
            r.get("row"),
            r["citizen_id"],
            name=f"{r.get('first_name') or ''} {r.get('last_name') or ''}".strip(),
            decider=f"{dec['decider_name']} ({dec['person']})",
            at=dec["decided_at_th"],
            keep=f"{dec['keep_name']} ({dec['keep']})",
            why=dec["reason"],
            todo=dec["todo_th"],
        )
        f.sheet = sheet
        errors.append(_finding_dict(f, report.form))
    if errors:
        raise UploadRejected(errors, report.warnings)


def incoming_dir(files_dir: str | Path) -> Path:
    """Where uploads wait while a worker reads them: beside the file store, never inside it."""
    return Path(files_dir).parent / "incoming"


def sweep_incoming(files_dir: str | Path, older_than_s: float = 3600) -> int:
    """Delete uploads left waiting by a killed server (they were never accepted); returns how many."""
    import time

    gone = 0
    for path in incoming_dir(files_dir).glob("*.xlsx"):
        try:
            if time.time() - path.stat().st_mtime > older_than_s:
                path.unlink()
                gone += 1
        except OSError:
            continue
    return gone


def _duplicate(
    db: sqlite_utils.Database,
    actor: Actor,
    rnd: dict[str, Any],
    unit: dict[str, Any],
    current: dict[str, Any],
    sha: str,
    filename: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The same file as the current roster: nothing to change; say so instead of re-storing."""
    with transaction(db):
        audit.record(
            db,
            "upload",
            "duplicate",
            actor=actor,
            round_id=rnd["id"],
            unit_code=unit["code"],
            sha256=sha,
            now=now,
            detail={"filename": filename, "same_as": current["upload_id"]},
        )
    return {
        "accepted": True,
        "duplicate": True,
        "upload_id": current["upload_id"],
        "rows": current["rows"],
        "removals": None,
        "warnings": json.loads(_upload_warnings(db, current["upload_id"])),
        "notices": [],
        "conflicts": conflicts.conflicts_of_unit(db, rnd["id"], unit["code"]),
        "on_behalf": bool(current["on_behalf"]),
        "message": f"ไฟล์นี้เหมือนกับไฟล์ที่ส่งไว้แล้วเมื่อ {clock.thai_datetime(current['uploaded_at'])} ไม่มีการเปลี่ยนแปลงข้อมูล",
    }


def _upload_warnings(db: sqlite_utils.Database, upload_id: int) -> str:
    row = db.execute("SELECT warnings FROM uploads WHERE id = ?", [upload_id]).fetchone()
    return row[0] if row else "[]"


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def registry_findings(
    db: sqlite_utils.Database, unit: dict[str, Any], form: str, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Other-affiliation counts against the registry's list for this LAO -> (errors, warnings).

    A registered school left out is an error (a forgotten school costs its pupils their lunch money; a
    closed one is sent with zeros); its counts are judged against the registry's span, whatever the
    file's span cell says. A school the registry does not list is accepted with a warning and stored
    flagged (`registered` False) for the province to check. Marks each record's `registered` and span."""
    if form != "other":
        return [], []
    from server.domain import upload_rules
    from validators.counts import span_findings

    known = {r["code"]: r for r in registry.other_schools(db, unit["code"])}
    lao = registry.label(unit)
    errors, warnings = [], []
    sent = set()
    for r in records:
        code = r.get("other_school_code")
        sent.add(code)
        school = known.get(code)
        r["registered"] = school is not None
        if school is None:
            f = upload_rules.OTHER_NOT_IN_REGISTRY.finding("other_school_code", r.get("row"), code, lao=lao)
            f.sheet = "counts"
            warnings.append(_finding_dict(f, form))
            continue
        if school["grades"]:
            r["grades"] = school["grades"]
            for f in span_findings(r, school["grades"], r.get("row")):
                f.sheet = "counts"
                errors.append(_finding_dict(f, form))
    for code, school in sorted(known.items()):
        if code not in sent:
            f = upload_rules.OTHER_MISSING.finding("other_school_code", None, code, name=school["name"], lao=lao)
            f.sheet = "counts"
            errors.append(_finding_dict(f, form))
    return errors, warnings


def last_year_other(db: sqlite_utils.Database, rnd: dict[str, Any], lao: str) -> tuple[int, dict[str, dict]] | None:
    """(year, {school code: row}) of the LAO's other-affiliation counts last confirmed (or corrected) in an
    earlier academic year; None when there are none."""
    row = db.execute(
        "SELECT r.id, r.year FROM rounds r WHERE r.year < ? AND EXISTS (SELECT 1 FROM other_counts o"
        " WHERE o.round_id = r.id AND o.lao_code = ?) AND (r.mode = 'correction' OR EXISTS (SELECT 1 FROM"
        " confirmations c WHERE c.round_id = r.id AND c.unit_code = ?)) ORDER BY r.year DESC, r.round_no DESC LIMIT 1",
        [rnd["year"], lao, lao],
    ).fetchone()
    if not row:
        return None
    rows = db.query("SELECT * FROM other_counts WHERE round_id = ? AND lao_code = ?", [row[0], lao])
    return int(row[1]), {r["other_school_code"]: r for r in rows}


def carried_warnings(
    db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any], form: str, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Other-affiliation counts identical to last year's, grade by grade, are questioned school by school:
    a year later every pupil has moved up, so the same numbers are most likely last year's copied on."""
    if form != "other":
        return []
    last = last_year_other(db, rnd, unit["code"])
    if last is None:
        return []
    from server.domain import upload_rules
    from validators.fields import OTHER_COUNT_KEYS

    year, before = last
    out = []
    for r in records:
        old = before.get(str(r.get("other_school_code") or ""))
        now = [int(r.get(k) or 0) for k in OTHER_COUNT_KEYS]
        if old is None or not any(now) or now != [int(old[k] or 0) for k in OTHER_COUNT_KEYS]:
            continue
        name = r.get("other_school_name") or old["other_school_name"] or ""
        f = upload_rules.OTHER_UNCHANGED.finding("other_school_code", r.get("row"), old["other_school_code"],
                                                 name=name, year=year)  # fmt: skip
        f.sheet = "counts"
        out.append(_finding_dict(f, form))
    return out


def _store(
    db: sqlite_utils.Database,
    actor: Actor,
    rnd: dict[str, Any],
    unit: dict[str, Any],
    form: str,
    records: list[dict[str, Any]],
    removals: list[dict[str, Any]],
    *,
    warnings: list[dict[str, Any]],
    notices: list[dict[str, Any]],
    sha: str,
    filename: str | None,
    now: datetime,
    basic: dict[str, Any] | None = None,
    pupils: list[dict[str, Any]] | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """Replace the unit's rows with the validated ones in one transaction, then report conflicts."""
    on_behalf = actor.unit_code != unit["code"]
    rid, code = rnd["id"], unit["code"]
    with transaction(db, heavy=True):  # light writers (confirm, login) waiting now go first
        # re-check inside the write lock: a confirm may have landed while we validated
        if chain.confirmation(db, rid, code):
            raise conflict("confirmed_cannot_upload", f"{registry.label(unit)} ยืนยันข้อมูลแล้วระหว่างการส่ง")
        if size is not None:
            _record_file(db, sha, size)
        cur = db.execute(
            "INSERT INTO uploads (round_id, unit_code, form, sha256, filename, user_id, profile_id, on_behalf,"
            " rows, removals, warnings, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                rid,
                code,
                form,
                sha,
                filename,
                actor.user_id,
                actor.profile_id,
                int(on_behalf),
                len(records),
                len(removals),
                json.dumps(warnings, ensure_ascii=False),
                clock.iso(now),
            ],
        )
        upload_id = int(cur.lastrowid or 0)
        if form == "other":
            _store_other(db, rid, code, records)
            _store_other_pupils(db, rid, code, records, pupils or [])
        else:
            _store_roster(db, rid, code, records, removals)
        if unit["kind"] == "cdc":
            _store_basic(db, rid, code, upload_id, basic)
        db.execute(
            "INSERT INTO rosters (round_id, unit_code, form, upload_id, rows, updated_at) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(round_id, unit_code) DO UPDATE SET form=excluded.form, upload_id=excluded.upload_id,"
            " rows=excluded.rows, updated_at=excluded.updated_at",
            [rid, code, form, upload_id, len(records), clock.iso(now)],
        )
        audit.record(
            db,
            "upload",
            actor=actor,
            round_id=rid,
            unit_code=code,
            sha256=sha,
            now=now,
            detail={
                "upload_id": upload_id,
                "form": form,
                "rows": len(records),
                "removals": len(removals),
                "warnings": len(warnings),
                "filename": filename,
                "on_behalf": on_behalf,
            },
        )
    found = conflicts.conflicts_of_unit(db, rid, code)  # an LAO's pupil list is cross-checked too
    conflicts.note_seen(db, rid, [c["citizen_id"] for c in found], now)
    return {
        "accepted": True,
        "duplicate": False,
        "upload_id": upload_id,
        "rows": len(records),
        "removals": len(removals),
        "warnings": warnings + conflict_warnings(found, code, form),
        "notices": notices,
        "conflicts": found,
        "on_behalf": on_behalf,
    }


def conflict_warnings(found: list[dict[str, Any]], code: str, form: str) -> list[dict[str, Any]]:
    """Each open conflict as a warning on the clerk's own row, naming the other institution(s)."""
    from server.domain import upload_rules

    out = []
    for c in found:
        mine = next((u for u in c["units"] if u["code"] == code), None)
        others = ", ".join(f"{u['name']} ({u['code']})" for u in c["units"] if u["code"] != code)
        if mine is None:
            continue
        f = upload_rules.ID_CONFLICT.finding(
            "citizen_id",
            mine["row_no"],
            c["citizen_id"],
            name=f"{mine['first_name']} {mine['last_name']}",
            other=others,
        )
        f.sheet = mine.get("sheet", "roster")
        out.append(_finding_dict(f, form))
    return out


def _store_roster(
    db: sqlite_utils.Database, rid: str, code: str, records: list[dict[str, object]], removals: list[dict[str, object]]
) -> None:
    """Replace the unit's rows: raw executemany inside the caller's transaction (measured fastest)."""
    db.execute("DELETE FROM pupils WHERE round_id = ? AND unit_code = ?", [rid, code])
    db.execute("DELETE FROM removals WHERE round_id = ? AND unit_code = ?", [rid, code])
    db.conn.executemany(
        "INSERT INTO pupils (round_id, unit_code, citizen_id, row_no, prefix, first_name, last_name, sex,"
        " birth_date, grade, room, nationality, entry_date, age_group) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                rid,
                code,
                r["citizen_id"],
                r.get("row"),
                r.get("prefix"),
                r.get("first_name"),
                r.get("last_name"),
                r.get("sex"),
                _iso(r.get("birth_date")),
                r.get("grade"),
                r.get("room") or None,
                r.get("nationality"),
                _iso(r.get("entry_date")),
                r.get("age_group"),
            )
            for r in records
        ],
    )
    seen: set[object] = set()
    unique = []
    for r in removals:  # the register may list a child twice (a warning): keep the first
        if r["citizen_id"] not in seen:
            seen.add(r["citizen_id"])
            unique.append(r)
    db.conn.executemany(
        "INSERT INTO removals (round_id, unit_code, citizen_id, row_no, prefix, first_name, last_name,"
        " removed_on, reason, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                rid,
                code,
                r["citizen_id"],
                r.get("row"),
                r.get("prefix") or None,
                r.get("first_name"),
                r.get("last_name"),
                _iso(r.get("removed_on")),
                r.get("reason"),
                r.get("note") or None,
            )
            for r in unique
        ],
    )
    conflicts.note_duplicates(db, rid, code)  # the conflict index and the kept head counts, in the same transaction
    conflicts.recount(db, rid, [code])


def _store_other(db: sqlite_utils.Database, rid: str, lao: str, records: list[dict[str, object]]) -> None:
    from validators.fields import OTHER_COUNT_KEYS

    db.execute("DELETE FROM other_counts WHERE round_id = ? AND lao_code = ?", [rid, lao])
    cols = (
        "round_id",
        "lao_code",
        "other_school_code",
        "row_no",
        "other_school_name",
        "affiliation",
        "grades",
        "registered",
        "closed",
        *OTHER_COUNT_KEYS,
    )
    db.conn.executemany(
        f"INSERT INTO other_counts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [
            (
                rid,
                lao,
                r["other_school_code"],
                r.get("row"),
                r.get("other_school_name"),
                r.get("affiliation"),
                r.get("grades"),
                int(r.get("registered", True)),
                int(bool(r.get("closed"))),
                *(int(r.get(k) or 0) for k in OTHER_COUNT_KEYS),
            )
            for r in records
        ],
    )


def _store_other_pupils(
    db: sqlite_utils.Database, rid: str, lao: str, counts: list[dict[str, Any]], pupils: list[dict[str, Any]]
) -> None:
    """The LAO's pupil list replaces the last one with its counts (a file without the list clears it: the
    file is the LAO's whole answer for the round)."""
    names = {r["other_school_code"]: r.get("other_school_name") for r in counts}
    db.execute("DELETE FROM other_pupils WHERE round_id = ? AND lao_code = ?", [rid, lao])
    db.conn.executemany(
        "INSERT INTO other_pupils (round_id, lao_code, citizen_id, other_school_code, other_school_name, row_no,"
        " prefix, first_name, last_name, grade) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (rid, lao, p["citizen_id"], p["other_school_code"], names.get(p["other_school_code"]), p.get("row"),
             p.get("prefix"), p.get("first_name"), p.get("last_name"), p.get("grade"))
            for p in pupils
        ],
    )  # fmt: skip


def other_pupil_rows(db: sqlite_utils.Database, round_id: str, lao: str) -> list[dict[str, Any]]:
    """The pupil list an LAO attached to its other-affiliation counts (empty: counts only)."""
    return list(
        db.query("SELECT * FROM other_pupils WHERE round_id = ? AND lao_code = ? ORDER BY row_no", [round_id, lao])
    )


def _store_basic(db: sqlite_utils.Database, rid: str, code: str, upload_id: int, basic: dict[str, Any] | None) -> None:
    """A centre's basic data goes with its upload: a new upload without it leaves the centre without it."""
    from validators.fields import CDC_BASIC_KEYS

    db.execute("DELETE FROM cdc_basic WHERE round_id = ? AND unit_code = ?", [rid, code])
    if basic:
        db.execute(
            f"INSERT INTO cdc_basic (round_id, unit_code, upload_id, {', '.join(CDC_BASIC_KEYS)})"
            f" VALUES (?,?,?{',?' * len(CDC_BASIC_KEYS)})",
            [rid, code, upload_id, *(basic[k] for k in CDC_BASIC_KEYS)],
        )


def basic_row(db: sqlite_utils.Database, round_id: str, code: str) -> dict[str, Any] | None:
    """A centre's stored basic data for a round, or None."""
    rows = list(db.query("SELECT * FROM cdc_basic WHERE round_id = ? AND unit_code = ?", [round_id, code]))
    return rows[0] if rows else None


def roster_rows(db: sqlite_utils.Database, round_id: str, code: str) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM pupils WHERE round_id = ? AND unit_code = ? ORDER BY row_no", [round_id, code]))


def removal_rows(db: sqlite_utils.Database, round_id: str, code: str) -> list[dict[str, Any]]:
    return list(
        db.query("SELECT * FROM removals WHERE round_id = ? AND unit_code = ? ORDER BY row_no", [round_id, code])
    )


def other_rows(db: sqlite_utils.Database, round_id: str, lao: str) -> list[dict[str, Any]]:
    return list(
        db.query("SELECT * FROM other_counts WHERE round_id = ? AND lao_code = ? ORDER BY row_no", [round_id, lao])
    )
