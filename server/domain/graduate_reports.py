"""The graduate report's chain: the school's registrar submits ปพ.3, the LAO's registrar approves it or
returns it with a reason; approval freezes it.

Each submission keeps the report as a file (content-addressed under its SHA-256, like every upload)
and a new version row holding that hash and the digest of the figures it was built from; versions and
events (submit / approve / return, by whom and which profile, with the reason) are append-only, and
each step is audited like the census chain. While submitted, what the LAO reads is the kept file; the
approval refuses (409) if the school's data changed since, so what is approved is what was read. Once
approved, the kept file is the report for good: a later change of results is refused (report_locks,
423) until the LAO's registrar returns the report, and a return keeps the approved version in the
history.

    report_state(db, actor, year, code, level) -> dict | None     scope view: state, versions, events
    kept_report(db, year, code, level) -> (bytes-path info) | None the file of a submitted/approved report
    submit(db, actor, year, code, level, render=..., files_dir=..., now=...) -> dict
    approve(db, actor, year, code, level, now=...) -> dict
    return_report(db, actor, year, code, level, reason, now=...) -> dict
    reports_for(db, actor, year=None) -> [dict]                   the reports of the units in scope
    unit_reports(db, code, year) -> [dict]                        one school's reports of a year (caller checked scope)

`render(listing, version=, state=, stamped_at=)` makes the workbook's bytes: the web layer passes
`server.books.graduates.report_bytes` (a service does not import the books above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from server.domain import audit, graduation, registry, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, conflict, not_found
from server.domain.uploads import file_path, keep_file
from server.storage import clock
from server.storage.db import transaction

Render = Callable[..., bytes]
STATE_TH = {"submitted": "ส่งแล้ว รอเจ้าพนักงานทะเบียนตรวจสอบ", "returned": "ส่งคืนให้แก้ไข", "approved": "อนุมัติแล้ว"}
ACTION_TH = {"submit": "ส่ง", "approve": "อนุมัติ", "return": "ส่งคืน"}


def _report(db: sqlite_utils.Database, year: int, code: str, level: str) -> dict[str, Any] | None:
    rows = list(
        db.query("SELECT * FROM graduate_reports WHERE year = ? AND unit_code = ? AND level = ?", [year, code, level])
    )
    return rows[0] if rows else None


def _version(db: sqlite_utils.Database, report_id: int, version: int) -> dict[str, Any]:
    return next(
        db.query("SELECT * FROM graduate_report_versions WHERE report_id = ? AND version = ?", [report_id, version])
    )


def _history(db: sqlite_utils.Database, report: dict[str, Any]) -> dict[str, Any]:
    versions = list(
        db.query("SELECT * FROM graduate_report_versions WHERE report_id = ? ORDER BY version", [report["id"]])
    )
    events = list(
        db.query(
            "SELECT e.*, p.first_name, p.last_name, p.position FROM graduate_report_events e"
            " LEFT JOIN profiles p ON p.id = e.profile_id WHERE e.report_id = ? ORDER BY e.id",
            [report["id"]],
        )
    )
    for e in events:
        e["person"] = " ".join(x for x in (e.pop("first_name"), e.pop("last_name")) if x) or None
        e["action_th"] = ACTION_TH[e["action"]]
    return {**report, "state_th": STATE_TH[report["state"]], "versions": versions, "events": events}


def report_state(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str) -> dict[str, Any] | None:
    """The report's state with every version and event (None: never submitted), for a unit in view."""
    scope.check(db, actor, code, "view")
    graduation.require_level(level, year)
    report = _report(db, year, code, level)
    return _history(db, report) if report else None


def kept_report(db: sqlite_utils.Database, files_dir: str | Path, year: int, code: str,
                level: str) -> dict[str, Any] | None:  # fmt: skip
    """The kept file of a submitted or approved report (path, sha256, version, state); None otherwise
    (never submitted, or returned: then the report is a draft built from the data as it is now)."""
    report = _report(db, year, code, level)
    if report is None or report["state"] == "returned":
        return None
    v = _version(db, report["id"], report["version"])
    return {"path": file_path(files_dir, v["sha256"]), "sha256": v["sha256"], "version": v["version"],
            "state": report["state"]}  # fmt: skip


@contextmanager
def _audited(db: sqlite_utils.Database, action: str, actor: Actor, code: str, year: int, level: str,
             now: datetime) -> Iterator[None]:  # fmt: skip
    """A refused submit, approval or return is an audit record too (like the census chain's): who tried
    what on which report, and why it was refused."""
    try:
        yield
    except ServiceError as err:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        with transaction(db):
            audit.record(db, action, "refused", actor=actor, code=err.code, now=now,
                         unit_code=code if registry.get_unit(db, code) else None,
                         detail={"message": err.message, "year": year, "level": level})  # fmt: skip
        raise


def _event(db: sqlite_utils.Database, actor: Actor, report_id: int, version: int, action: str, at: str,
           reason: str | None = None) -> None:  # fmt: skip
    db.execute(
        "INSERT INTO graduate_report_events (report_id, version, action, reason, at, user_id, profile_id, login)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [report_id, version, action, reason, at, actor.user_id, actor.profile_id, actor.login],
    )


def submit(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str, *, render: Render,
           files_dir: str | Path, now: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    """The school's registrar submits the report: a new kept version (a resubmission while the LAO has
    not decided replaces what it reads); refused once approved (409) and with no graduate (409)."""
    now = now or clock.now()
    with _audited(db, "graduates_submit", actor, code, year, level, now):
        return _submit(db, actor, year, code, level, render, files_dir, now)


def _submit(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str, render: Render,
            files_dir: str | Path, now: datetime) -> dict[str, Any]:  # fmt: skip
    at = clock.iso(now)
    unit = scope.check(db, actor, code, "graduates_submit")
    listing = graduation.build_list(db, unit, year, level)
    variant = listing["criteria"]["variant"]
    if not listing["graduates"]:
        raise conflict("no_graduates", f"ยังไม่มีผู้ผ่านเกณฑ์การจบ ({variant}) ปีการศึกษา {year} จึงยังส่งรายงานไม่ได้")
    digest = graduation.figures_digest(listing)
    before = _report(db, year, code, level)
    if before and before["state"] == "approved":
        raise conflict("already_approved", f"รายงาน {variant} ปีการศึกษา {year} อนุมัติแล้ว หากต้องแก้ไขให้ อปท. ส่งคืนก่อน")
    version = (before["version"] if before else 0) + 1
    data = render(listing, version=version, state="submitted", stamped_at=at)  # outside the write lock
    with transaction(db):
        report = _report(db, year, code, level)
        if (report and (report["version"], report["state"])) != (before and (before["version"], before["state"])):
            raise conflict("report_changed", "รายงานเปลี่ยนสถานะระหว่างการส่ง กรุณาลองอีกครั้ง")
        sha = keep_file(db, files_dir, data)
        if report is None:
            report_id = int(
                db.execute(
                    "INSERT INTO graduate_reports (year, unit_code, level, state, version, updated_at)"
                    " VALUES (?,?,?,'submitted',?,?)",
                    [year, code, level, version, at],
                ).lastrowid
                or 0
            )
        else:
            report_id = report["id"]
            db.execute(
                "UPDATE graduate_reports SET state = 'submitted', version = ?, updated_at = ? WHERE id = ?",
                [version, at, report_id],
            )
        db.execute(
            "INSERT INTO graduate_report_versions (report_id, version, sha256, figures_sha256, graduates, candidates,"
            " created_at) VALUES (?,?,?,?,?,?,?)",
            [report_id, version, sha, digest, len(listing["graduates"]), listing["candidates"], at],
        )
        _event(db, actor, report_id, version, "submit", at)
        audit.record(db, "graduates_submit", actor=actor, unit_code=code, sha256=sha, now=now,
                     detail={"year": year, "level": level, "version": version, "graduates": len(listing["graduates"]),
                             "candidates": listing["candidates"], "figures_sha256": digest})  # fmt: skip
        return _history(db, _report(db, year, code, level) or {})


def _decidable(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str,
               allowed: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    unit = scope.check(db, actor, code, "graduates_decide")
    c = graduation.require_level(level, year)
    report = _report(db, year, code, level)
    if report is None:
        raise not_found("no_report", f"{registry.label(unit)} ยังไม่ได้ส่งรายงาน {c.variant} ปีการศึกษา {year}")
    if report["state"] not in allowed:
        raise conflict(
            f"report_{report['state']}",
            f"รายงาน {c.variant} ปีการศึกษา {year} ของ {registry.label(unit)} อยู่ในสถานะ “{STATE_TH[report['state']]}”",
            {"state": report["state"]},
        )
    return unit, report


def approve(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str, *,
            now: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    """The LAO's registrar approves the submitted version; refused (409) when the school's data changed
    after it was submitted (the kept file would no longer be what the data says: the school resubmits)."""
    now = now or clock.now()
    with _audited(db, "graduates_approve", actor, code, year, level, now):
        return _approve(db, actor, year, code, level, now)


def _approve(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str,
             now: datetime) -> dict[str, Any]:  # fmt: skip
    at = clock.iso(now)
    unit, report = _decidable(db, actor, year, code, level, ("submitted",))
    version = _version(db, report["id"], report["version"])
    if graduation.figures_digest(graduation.build_list(db, unit, year, level)) != version["figures_sha256"]:
        raise conflict(
            "changed_since_submit",
            f"ข้อมูลผลการเรียนของ {registry.label(unit)} เปลี่ยนไปหลังส่งรายงานฉบับที่ {report['version']}"
            " กรุณาส่งคืนให้สถานศึกษาตรวจสอบและส่งใหม่",
            {"version": report["version"]},
        )
    with transaction(db):
        current = _report(db, year, code, level)
        if current is None or (current["state"], current["version"]) != ("submitted", report["version"]):
            raise conflict("report_changed", "รายงานถูกส่งใหม่ระหว่างการตรวจสอบ กรุณาเปิดดูฉบับล่าสุดอีกครั้ง")
        db.execute("UPDATE graduate_reports SET state = 'approved', updated_at = ? WHERE id = ?", [at, report["id"]])
        _event(db, actor, report["id"], report["version"], "approve", at)
        audit.record(db, "graduates_approve", actor=actor, unit_code=code, sha256=version["sha256"], now=now,
                     detail={"year": year, "level": level, "version": report["version"]})  # fmt: skip
        return _history(db, _report(db, year, code, level) or {})


def return_report(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str, reason: str, *,
                  now: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    """The LAO's registrar returns a submitted or approved report with a reason; the school may then
    change its data and submit again. Returning an approved report is how a correction is made after
    approval, so the approved version stays in the history and the return is audited with its reason."""
    now = now or clock.now()
    with _audited(db, "graduates_return", actor, code, year, level, now):
        return _return(db, actor, year, code, level, reason, now)


def _return(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str, reason: str,
            now: datetime) -> dict[str, Any]:  # fmt: skip
    at = clock.iso(now)
    reason = (reason or "").strip()
    if not reason:
        raise bad_request("reason_required", "กรุณาระบุเหตุผลที่ส่งคืนรายงาน")
    _, report = _decidable(db, actor, year, code, level, ("submitted", "approved"))
    with transaction(db):
        db.execute("UPDATE graduate_reports SET state = 'returned', updated_at = ? WHERE id = ?", [at, report["id"]])
        _event(db, actor, report["id"], report["version"], "return", at, reason)
        audit.record(db, "graduates_return", actor=actor, unit_code=code, now=now,
                     detail={"year": year, "level": level, "version": report["version"], "reason": reason,
                             "was": report["state"]})  # fmt: skip
        return _history(db, _report(db, year, code, level) or {})


def reports_for(db: sqlite_utils.Database, actor: Actor, year: int | None = None) -> list[dict[str, Any]]:
    """Every report of the units the actor may view (an LAO its schools, a province all of its own, the
    national admin all), newest first, with the school's name and the last event."""
    scope.require_profile(actor)
    units = scope.visible_units(db, actor)
    sql = (
        "SELECT g.*, u.name AS unit_name, u.parent AS lao_code, v.graduates, v.candidates,"
        " (SELECT e.action FROM graduate_report_events e WHERE e.report_id = g.id ORDER BY e.id DESC LIMIT 1) AS last,"
        " (SELECT e.reason FROM graduate_report_events e WHERE e.report_id = g.id ORDER BY e.id DESC LIMIT 1) AS reason"
        " FROM graduate_reports g JOIN units u ON u.code = g.unit_code"
        " JOIN graduate_report_versions v ON v.report_id = g.id AND v.version = g.version WHERE 1 = 1"
    )
    args: list[Any] = []
    if year is not None:
        sql += " AND g.year = ?"
        args.append(year)
    if units is not None:
        sql += f" AND g.unit_code IN ({','.join('?' * len(units))})"
        args.extend(units)
    rows = list(db.query(sql + " ORDER BY g.year DESC, g.unit_code, g.level", args))
    for r in rows:
        r["state_th"] = STATE_TH[r["state"]]
    return rows


def unit_reports(db: sqlite_utils.Database, code: str, year: int) -> list[dict[str, Any]]:
    """One school's reports of `year` by level, with their state in Thai, the kept version's counts and
    the last step (and a return's reason): what the add-in's status sheet of a records form lists. The
    caller has checked the viewer's scope (records_views.records_overview does)."""
    rows = list(
        db.query(
            "SELECT g.level, g.state, g.version, g.updated_at, v.graduates, v.candidates,"
            " (SELECT e.action FROM graduate_report_events e WHERE e.report_id = g.id ORDER BY e.id DESC LIMIT 1)"
            " AS last,"
            " (SELECT e.reason FROM graduate_report_events e WHERE e.report_id = g.id ORDER BY e.id DESC LIMIT 1)"
            " AS reason"
            " FROM graduate_reports g JOIN graduate_report_versions v ON v.report_id = g.id AND v.version = g.version"
            " WHERE g.unit_code = ? AND g.year = ? ORDER BY g.level",
            [code, year],
        )
    )
    for r in rows:
        r["state_th"] = STATE_TH[r["state"]]
        r["variant"] = graduation.require_level(r["level"], year).variant
        r["level_title"] = graduation.require_level(r["level"], year).level_title
    return rows
