"""Rounds (YEAR-N, Buddhist Era), their deadlines and the admin's recorded exceptions.

Deadlines are data, not code (letter 003 gives two sets of dates for the same round). A level's confirm
is refused after its deadline (423, naming the deadline in Thai); after `closes` the round is
read-only: no upload, confirm or revoke. The national admin may grant a unit an exception until a given
time, recorded in the audit trail; it lifts both limits for actions on that unit.
Mode 'correction' (letter 002): units fix data but nobody confirms; allocation keeps using the snapshot
frozen by an earlier round's province confirmations.

    create_round(db, round_id, as_of=..., opens=..., institution_deadline=..., lao_deadline=...,
                 province_deadline=..., closes=None, mode='confirm', basis=None, actor=None) -> dict
    get_round(db, id) / require_round(db, id) -> dict ; list_rounds(db) -> [dict]
    phase(round, now) -> 'upcoming' | 'open' | 'closed'
    deadline_for(round, level) -> datetime
    check_confirm_window(db, round, unit, now) -> exception_id | None    (423 / 409 correction)
    check_writable(db, round, unit, now) -> exception_id | None          (423 before opening / closed)
    grant_exception(db, actor, round_id, unit_code, until=..., reason=...) -> dict
    active_exception(db, round_id, unit_code, now) -> dict | None
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import sqlite_utils

from server.domain import audit, correction, registry
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, conflict, locked, not_found
from server.storage import clock
from server.storage.db import transaction

ROUND_ID = re.compile(r"^(25\d\d)-([1-9]\d?)$")
MODES = ("confirm", "correction")
DEADLINE_COLUMN = {"institution": "institution_deadline", "lao": "lao_deadline", "province": "province_deadline"}
LEVEL_SHORT_TH = {"institution": "สถานศึกษา", "lao": "องค์กรปกครองส่วนท้องถิ่น", "province": "จังหวัด"}


def parse_round_id(round_id: str) -> tuple[int, int]:
    m = ROUND_ID.match(round_id or "")
    if not m:
        raise bad_request("bad_round", f"รหัสรอบ '{round_id}' ไม่ถูกต้อง: ใช้รูปแบบ ปีการศึกษา-ครั้งที่ เช่น 2567-2")
    return int(m.group(1)), int(m.group(2))


def create_round(
    db: sqlite_utils.Database,
    round_id: str,
    *,
    as_of: str | date,
    opens: str | datetime,
    institution_deadline: str | datetime,
    lao_deadline: str | datetime,
    province_deadline: str | datetime,
    closes: str | datetime | None = None,
    mode: str = "confirm",
    basis: str | None = None,
    actor: Actor | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Create a round; the times must be in order opens < institution ≤ LAO ≤ province ≤ closes.

    A correction round names its allocation basis (`basis`, default: the last confirm round with a frozen
    snapshot) and starts from every unit's data confirmed there (`correction.open_window`)."""
    year, round_no = parse_round_id(round_id)
    if mode not in MODES:
        raise bad_request("bad_mode", f"รูปแบบรอบ '{mode}' ไม่ถูกต้อง (confirm หรือ correction)")
    if get_round(db, round_id):
        raise conflict("round_exists", f"มีรอบ {round_id} อยู่แล้ว")
    if mode == "correction":
        basis = correction.check_basis(db, basis or correction.default_basis(db, year, round_no), year, round_no)["id"]
    elif basis:
        raise bad_request("basis_needs_correction", "ระบุฐานการจัดสรร (--basis) ได้เฉพาะรอบแก้ไขข้อมูล (--mode correction)")
    as_of_date = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)[:10])
    times = {
        "opens": clock.parse_datetime(opens, default_time=time(0, 0)),
        "institution_deadline": clock.parse_datetime(institution_deadline),
        "lao_deadline": clock.parse_datetime(lao_deadline),
        "province_deadline": clock.parse_datetime(province_deadline),
    }
    times["closes"] = clock.parse_datetime(closes) if closes else times["province_deadline"]
    order = list(times.values())
    if not (order[0] < order[1] <= order[2] <= order[3] <= order[4]):
        raise bad_request(
            "bad_deadlines",
            "กำหนดเวลาต้องเรียงกัน: เปิดระบบ < สถานศึกษา ≤ อปท. ≤ จังหวัด ≤ ปิดระบบ",
            {k: clock.iso(v) for k, v in times.items()},
        )
    row = {
        "id": round_id,
        "year": year,
        "round_no": round_no,
        "mode": mode,
        "as_of": as_of_date.isoformat(),
        **{k: clock.iso(v) for k, v in times.items()},
        "created_at": clock.iso(clock.now()),
        "basis_round": basis,
    }
    with transaction(db):
        db.execute(f"INSERT INTO rounds ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        if basis:
            row["seeded"] = correction.open_window(db, round_id, basis)
        audit.record(
            db,
            "round_create",
            actor=actor,
            login=None if actor else audit.CLI_LOGIN,
            round_id=round_id,
            detail=row if actor else {**row, "by": by or audit.cli_by()},
        )
    return row


def get_round(db: sqlite_utils.Database, round_id: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM rounds WHERE id = ?", [round_id]))
    return rows[0] if rows else None


def require_round(db: sqlite_utils.Database, round_id: str) -> dict[str, Any]:
    rnd = get_round(db, round_id)
    if rnd is None:
        raise not_found("unknown_round", f"ไม่พบรอบการบันทึกข้อมูล {round_id}", {"round": round_id})
    return rnd


def list_rounds(db: sqlite_utils.Database, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or clock.now()
    rows = list(db.query("SELECT * FROM rounds ORDER BY year DESC, round_no DESC"))
    for r in rows:
        r["phase"] = phase(r, now)
    return rows


def current_round(db: sqlite_utils.Database, now: datetime | None = None) -> dict[str, Any] | None:
    """The round a login lands on and `lec round current` prints: the newest open one, else the newest."""
    all_rounds = list_rounds(db, now)
    return next((r for r in all_rounds if r["phase"] == "open"), all_rounds[0] if all_rounds else None)


def phase(rnd: dict[str, Any], now: datetime) -> str:
    if now < clock.parse_datetime(rnd["opens"]):
        return "upcoming"
    if now > clock.parse_datetime(rnd["closes"]):
        return "closed"
    return "open"


def deadline_for(rnd: dict[str, Any], level: str) -> datetime:
    return clock.parse_datetime(rnd[DEADLINE_COLUMN[level]])


def active_exception(db: sqlite_utils.Database, round_id: str, unit_code: str, now: datetime) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT * FROM exceptions WHERE round_id = ? AND unit_code = ? AND until >= ? ORDER BY until DESC LIMIT 1",
            [round_id, unit_code, clock.iso(now)],
        )
    )
    return rows[0] if rows else None


def _not_open(rnd: dict[str, Any]) -> ServiceError:
    return locked(
        "round_not_open",
        f"รอบ {rnd['id']} ยังไม่เปิดระบบ (เปิด {clock.thai_datetime(rnd['opens'])})",
        {"round": rnd["id"], "opens": rnd["opens"]},
    )


def check_writable(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any], now: datetime) -> int | None:
    """Refuse any change before opening or after closing, unless the unit holds an exception."""
    state = phase(rnd, now)
    if state == "open":
        return None
    exc = active_exception(db, rnd["id"], unit["code"], now)
    if exc:
        return int(exc["id"])
    if state == "upcoming":
        raise _not_open(rnd)
    raise locked(
        "round_closed",
        f"รอบ {rnd['id']} ปิดระบบแล้ว ({clock.thai_datetime(rnd['closes'])}) ข้อมูลอ่านได้อย่างเดียว",
        {"round": rnd["id"], "closes": rnd["closes"]},
    )


def check_confirm_window(
    db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any], now: datetime
) -> int | None:
    """A level confirms only in a confirm round, after opening and by its own deadline (or exception)."""
    if rnd["mode"] == "correction":
        raise conflict(
            "correction_round",
            f"รอบ {rnd['id']} เป็นรอบแก้ไขข้อมูล: แก้ไขได้โดยไม่ต้องยืนยัน และการจัดสรรยังใช้ข้อมูลที่ยืนยันไว้เดิม",
            {"round": rnd["id"]},
        )
    exc_id = check_writable(db, rnd, unit, now)
    deadline = deadline_for(rnd, unit["level"])
    if now > deadline:
        exc = active_exception(db, rnd["id"], unit["code"], now)
        if exc is None:
            raise locked(
                "deadline_passed",
                f"เลยกำหนดยืนยันของ{LEVEL_SHORT_TH[unit['level']]} ({clock.thai_datetime(deadline)}) แล้ว"
                " หากจำเป็นต้องยืนยัน ให้ขออนุญาตเป็นกรณีพิเศษจากกรมส่งเสริมการปกครองท้องถิ่น",
                {"round": rnd["id"], "level": unit["level"], "deadline": clock.iso(deadline)},
            )
        exc_id = int(exc["id"])
    return exc_id


def grant_exception(
    db: sqlite_utils.Database,
    actor: Actor | None,
    round_id: str,
    unit_code: str,
    *,
    until: str | datetime,
    reason: str,
    now: datetime | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Let one unit act after its deadline or after closing, until `until`; recorded. Admin only
    (the API checks scope; the CLI is the admin at the console)."""
    now = now or clock.now()
    rnd = require_round(db, round_id)
    unit = registry.require_unit(db, unit_code)
    if not (reason or "").strip():
        raise bad_request("reason_required", "กรุณาระบุเหตุผลของการอนุญาตเป็นกรณีพิเศษ")
    until_dt = clock.parse_datetime(until)
    if until_dt <= now:
        raise bad_request("bad_until", "เวลาสิ้นสุดการอนุญาตต้องอยู่หลังเวลาปัจจุบัน")
    with transaction(db):
        cur = db.execute(
            "INSERT INTO exceptions (round_id, unit_code, until, reason, granted_by, granted_at) VALUES (?,?,?,?,?,?)",
            [
                rnd["id"],
                unit["code"],
                clock.iso(until_dt),
                reason.strip(),
                actor.user_id if actor else None,
                clock.iso(now),
            ],
        )
        row = {
            "id": cur.lastrowid,
            "round_id": rnd["id"],
            "unit_code": unit["code"],
            "until": clock.iso(until_dt),
            "reason": reason.strip(),
        }
        audit.record(
            db,
            "exception",
            actor=actor,
            login=None if actor else audit.CLI_LOGIN,
            round_id=rnd["id"],
            unit_code=unit["code"],
            detail=row if actor else {**row, "by": by or audit.cli_by()},
            now=now,
        )
    return row
