"""Registrars: people appointed by order beside a unit's census login (letter 004).

A school's registrar (นายทะเบียน) prepares and submits the graduate report ปพ.3; an LAO's registrar
(เจ้าพนักงานทะเบียน) checks it and approves or returns it. Each is appointed by an order (its number and
date), so the appointment is recorded with the order and the person it names; the login
(`<unit code>-reg`) goes through the same first-login profile as a census login (server/domain/
accounts.py). A change of registrar is a new order: the old appointment and the old person's profile
are ended, kept in the history, and the login gets a new first password for the new person. The census
login of the unit is untouched and keeps its own work (scope.py says who may do what).

    appoint(db, code, person=..., order_no=..., order_date=..., by=...) -> (login, password)
    current(db, code) -> appointment | None        history(db, code) -> [appointment], oldest first
    history_for(db, actor, code) -> dict            scope view: the unit's registrars, current and past
    login_for(code) -> str
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlite_utils

from server.domain import accounts, audit, registry, scope
from server.domain.actor import Actor
from server.domain.errors import bad_request
from server.storage import clock
from server.storage.db import transaction

DUTY = "registrar"
LOGIN_SUFFIX = "-reg"
TITLE_TH = {"institution": "นายทะเบียน", "lao": "เจ้าพนักงานทะเบียน"}
"""The registrar's title at each level: a school's นายทะเบียน, an LAO's เจ้าพนักงานทะเบียน."""
RECORD_KINDS = ("school", "college")


def login_for(code: str) -> str:
    """The registrar's login of a unit: its code and `-reg` (the census login is the bare code)."""
    return f"{code}{LOGIN_SUFFIX}"


def title(level: str) -> str:
    return TITLE_TH.get(level, "นายทะเบียน")


def _check_unit(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    unit = registry.require_unit(db, code)
    if appointable(unit):
        return unit
    raise bad_request(
        "no_registrar",
        f"{registry.label(unit)} ไม่มีนายทะเบียน: แต่งตั้งได้เฉพาะโรงเรียน วิทยาลัย และองค์กรปกครองส่วนท้องถิ่น",
        {"unit": code, "kind": unit["kind"]},
    )


def _order_date(value: str | date) -> str:
    """The order's date as ISO (CE), from an ISO date or a Buddhist-Era one (2567-05-16)."""
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise bad_request("bad_order_date", f"วันที่ของคำสั่ง “{text}” ต้องอยู่ในรูป ปปปป-ดด-วว เช่น 2024-05-16") from None
    if parsed.year > 2400:  # typed in Buddhist Era
        parsed = parsed.replace(year=parsed.year - 543)
    return parsed.isoformat()


def appoint(
    db: sqlite_utils.Database,
    code: str,
    *,
    person: str,
    order_no: str,
    order_date: str | date,
    by: str,
    now: datetime | None = None,
) -> tuple[str, str]:
    """Appoint `person` registrar of unit `code` by order `order_no` of `order_date`; a first password.

    The first appointment creates the login; a later one is a change of registrar: the previous
    appointment and profile end now (both kept), the login's tokens end and its next login must
    create the new person's profile. Audited with the person, the order and who ran it (`by`).
    """
    now = now or clock.now()
    unit = _check_unit(db, code)
    person, order_no = (person or "").strip(), (order_no or "").strip()
    if not person or not order_no:
        raise bad_request("order_required", "กรุณาระบุชื่อผู้ได้รับแต่งตั้งและเลขที่คำสั่งแต่งตั้ง")
    iso_date = _order_date(order_date)
    login = login_for(code)
    password = accounts.new_password()
    hashed = accounts.hash_password(password)
    at = clock.iso(now)
    with transaction(db):
        row = db.execute("SELECT id, duty, unit_code FROM users WHERE login = ?", [login]).fetchone()
        if row is not None and (row[1] != DUTY or row[2] != code):
            raise bad_request("login_taken", f"ชื่อผู้ใช้ {login} ถูกใช้โดยบัญชีอื่นอยู่แล้ว")
        previous = current(db, code)
        if row is None:
            user_id = db.execute(
                "INSERT INTO users (login, role, unit_code, password_hash, must_complete_profile, created_at, duty)"
                " VALUES (?, 'unit', ?, ?, 1, ?, ?)",
                [login, code, hashed, at, DUTY],
            ).lastrowid
        else:
            user_id = row[0]
            db.execute("UPDATE users SET password_hash = ?, must_complete_profile = 1 WHERE id = ?", [hashed, user_id])
            db.execute("UPDATE profiles SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL", [at, user_id])
            accounts.revoke_tokens(db, user_id, now=now)
        db.execute(
            "UPDATE appointments SET ended_at = ? WHERE unit_code = ? AND duty = ? AND ended_at IS NULL",
            [at, code, DUTY],
        )
        mark = db.execute("SELECT COALESCE(MAX(id), 0) FROM profiles").fetchone()[0]
        db.execute(
            "INSERT INTO appointments (user_id, unit_code, duty, person, order_no, order_date, started_at,"
            " appointed_by, profile_mark) VALUES (?,?,?,?,?,?,?,?,?)",
            [user_id, code, DUTY, person, order_no, iso_date, at, by, mark],
        )
        audit.record(
            db,
            "registrar_appoint",
            login=audit.CLI_LOGIN,
            unit_code=code,
            now=now,
            detail={
                "login": login,
                "title": title(unit["level"]),
                "person": person,
                "order_no": order_no,
                "order_date": iso_date,
                "by": by,
                "replaces": {k: previous[k] for k in ("person", "order_no", "order_date")} if previous else None,
            },
        )
    return login, password


def history(db: sqlite_utils.Database, code: str) -> list[dict[str, Any]]:
    """Every registrar appointment of a unit, oldest first, with the profile each person created."""
    rows = list(
        db.query(
            "SELECT a.*, u.login FROM appointments a JOIN users u ON u.id = a.user_id"
            " WHERE a.unit_code = ? AND a.duty = ? ORDER BY a.id",
            [code, DUTY],
        )
    )
    for row, following in zip(rows, [*rows[1:], None], strict=False):
        until = following["profile_mark"] if following else None
        profile = db.execute(
            "SELECT first_name, last_name, position FROM profiles WHERE user_id = ? AND id > ?"
            " AND (? IS NULL OR id <= ?) ORDER BY id LIMIT 1",
            [row["user_id"], row["profile_mark"], until, until],
        ).fetchone()
        row["profile"] = dict(zip(("first_name", "last_name", "position"), profile, strict=True)) if profile else None
    return rows


def current(db: sqlite_utils.Database, code: str) -> dict[str, Any] | None:
    """The registrar in office at a unit (None: none appointed)."""
    rows = [r for r in history(db, code) if r["ended_at"] is None]
    return rows[-1] if rows else None


SHOWN = ("login", "person", "order_no", "order_date", "started_at", "ended_at", "appointed_by", "profile")


def appointable(unit: dict[str, Any]) -> bool:
    """Whether a unit has registrars at all (a school, a college, an LAO; not a child centre)."""
    return unit["level"] == "lao" or (unit["level"] == "institution" and unit["kind"] in RECORD_KINDS)


def history_for(db: sqlite_utils.Database, actor: Actor, code: str) -> dict[str, Any]:
    """A unit's registrars for whoever may view the unit: each appointment oldest first, with its order,
    its dates and the person (as named by the order and by the profile they made), the one in office
    marked `current`. Internal keys (user and profile ids) stay out."""
    unit = scope.check(db, actor, code, "view")
    rows = history(db, code)
    return {
        "unit": {"code": unit["code"], "name": unit["name"], "kind": unit["kind"], "level": unit["level"]},
        "title": title(unit["level"]),
        "appointable": appointable(unit),
        "registrars": [{**{k: r[k] for k in SHOWN}, "current": r["ended_at"] is None} for r in rows],
    }
