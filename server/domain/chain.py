"""The confirmation chain institution → LAO → province (letter 000 §7–9; docs/letters.md).

    confirm(db, actor, round_id, code, now=None) -> dict
        institution: has an accepted roster upload
        institution: a child centre also its basic data
        LAO: every institution confirmed, its other-affiliation counts uploaded (when the registry lists
        any other-affiliation school under it), no open conflict
        province: every LAO confirmed; freezes a snapshot of its counts (the allocation basis)
    revoke(db, actor, round_id, code, reason, now=None) -> dict
        by the level above only, with a reason, refused (409) while the level above the revoked unit
        is itself still confirmed: the message says whom to ask (letter 000 §8)
    status(db, actor, round_id, code, now=None) -> dict     state, who confirmed, counts, children,
                                                            open conflicts, standing decisions,
                                                            blockers of a confirm
                                                            (code "TH": national_status, admin only)
    blockers(db, rnd, unit) -> [dict]                       why a confirm would be refused now
    counts_of(db, round_id, code) -> dict                   head counts per grade key and sex
    In a correction round (server/domain/correction.py) a unit's state is corrected / unchanged /
    not_uploaded, there is no deadline or blocker, and status carries "correction": the allocation
    basis (round, census date, when frozen), its counts and the difference of the corrected counts.
    snapshot_of(db, round_id, province) / allocation_basis(db, province) -> dict | None
Every confirm and revoke, refused or not, is an audit record. The check and the write happen in one
BEGIN IMMEDIATE transaction, so a revoke racing a confirm cannot leave the chain inconsistent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlite_utils

from server.domain import audit, conflicts, correction, progress, registry, rounds, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, conflict, locked
from server.domain.registry import NATIONAL
from server.storage import clock
from server.storage.db import transaction

SEX_KEY = {"ชาย": "m", "หญิง": "f"}


def _grade_keys() -> dict[str, str]:
    from validators.fields import GRADE_KEYS

    return GRADE_KEYS


@contextmanager
def _audited(
    db: sqlite_utils.Database, action: str, actor: Actor, round_id: str, code: str, now: datetime
) -> Iterator[dict[str, Any]]:
    """Record a refusal of `action` in the audit trail, then re-raise it."""
    extra: dict[str, Any] = {}
    try:
        yield extra
    except ServiceError as err:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        with transaction(db):
            audit.record(
                db,
                action,
                "refused",
                actor=actor,
                round_id=round_id,
                unit_code=code,
                code=err.code,
                detail={"message": err.message, **extra},
                now=now,
            )
        raise


def confirmation(db: sqlite_utils.Database, round_id: str, code: str) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT c.*, u.login, p.first_name, p.last_name, p.position FROM confirmations c"
            " JOIN users u ON u.id = c.user_id LEFT JOIN profiles p ON p.id = c.profile_id"
            " WHERE c.round_id = ? AND c.unit_code = ?",
            [round_id, code],
        )
    )
    return rows[0] if rows else None


def _confirmed_set(db: sqlite_utils.Database, round_id: str, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    return {
        r[0]
        for r in db.execute(
            f"SELECT unit_code FROM confirmations WHERE round_id = ? AND unit_code IN ({','.join('?' * len(codes))})",
            [round_id, *codes],
        )
    }


def roster(db: sqlite_utils.Database, round_id: str, code: str) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT r.*, up.sha256, up.filename, up.on_behalf, up.at AS uploaded_at, us.login AS uploaded_by"
            " FROM rosters r JOIN uploads up ON up.id = r.upload_id JOIN users us ON us.id = up.user_id"
            " WHERE r.round_id = ? AND r.unit_code = ?",
            [round_id, code],
        )
    )
    return rows[0] if rows else None


def blockers(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    """Why `unit` may not confirm now, by the chain's order (deadlines are checked separately)."""
    out: list[dict[str, Any]] = []
    rid, code, level = rnd["id"], unit["code"], unit["level"]
    if level == "institution":
        if roster(db, rid, code) is None:
            out.append({"error": "no_upload", "message": f"{registry.label(unit)} ยังไม่ได้ส่งแฟ้มข้อมูลนักเรียนในรอบนี้"})
        elif (
            unit["kind"] == "cdc"
            and not db.execute("SELECT 1 FROM cdc_basic WHERE round_id = ? AND unit_code = ?", [rid, code]).fetchone()
        ):
            out.append(
                {
                    "error": "basic_data_missing",
                    "message": f"{registry.label(unit)} ยังไม่ได้กรอกข้อมูลพื้นฐานของศูนย์ (ชีต “ข้อมูลพื้นฐาน”: "
                    "ครูผู้ดูแลเด็ก ห้องเรียน จำนวนที่รับได้ หัวหน้าศูนย์) กรอกแล้วส่งแฟ้มใหม่ก่อนยืนยัน",
                }
            )
    elif level == "lao":
        insts = registry.children(db, code, "institution")
        done = _confirmed_set(db, rid, [i["code"] for i in insts])
        waiting = [i for i in insts if i["code"] not in done]
        if waiting:
            out.append(
                {
                    "error": "institutions_unconfirmed",
                    "message": "ยังมีสถานศึกษาในสังกัดที่ยังไม่ได้ยืนยันข้อมูล: " + ", ".join(registry.label(i) for i in waiting),
                    "units": [i["code"] for i in waiting],
                }
            )
        if roster(db, rid, code) is None and registry.other_schools(db, code):
            out.append({"error": "other_counts_missing", "message": "ยังไม่ได้ส่งข้อมูลจำนวนนักเรียนของสถานศึกษาสังกัดอื่น"})
        open_ = conflicts.conflicts_for(db, rid, [code, *(i["code"] for i in insts)])  # code: its pupil list
        if open_:
            out.append(
                {
                    "error": "open_conflicts",
                    "message": f"มีเลขประจำตัวซ้ำกับสถานศึกษาอื่นที่ยังไม่ได้แก้ไข {len(open_)} ราย",
                    "conflicts": open_,
                }
            )
    elif level == "province":
        laos = registry.children(db, code, "lao")
        done = _confirmed_set(db, rid, [u["code"] for u in laos])
        waiting = [u for u in laos if u["code"] not in done]
        if waiting:
            out.append(
                {
                    "error": "laos_unconfirmed",
                    "message": "ยังมี อปท. ในจังหวัดที่ยังไม่ได้ยืนยันข้อมูล: " + ", ".join(registry.label(u) for u in waiting),
                    "units": [u["code"] for u in waiting],
                }
            )
    return out


def confirm(
    db: sqlite_utils.Database, actor: Actor, round_id: str, code: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """Confirm `code`'s data for the round (see the module docstring for the conditions)."""
    now = now or clock.now()
    with _audited(db, "confirm", actor, round_id, code, now) as extra:
        unit = scope.check(db, actor, code, "confirm")
        rnd = rounds.require_round(db, round_id)
        with transaction(db):
            exc_id = rounds.check_confirm_window(db, rnd, unit, now)
            if confirmation(db, round_id, code):
                raise conflict("already_confirmed", f"{registry.label(unit)} ยืนยันข้อมูลรอบ {round_id} แล้ว")
            found = blockers(db, rnd, unit)
            if found:
                extra["blockers"] = [b["error"] for b in found]
                raise conflict(found[0]["error"], " / ".join(b["message"] for b in found), found)
            db.execute(
                "INSERT INTO confirmations (round_id, unit_code, confirmed_at, user_id, profile_id, exception_id)"
                " VALUES (?,?,?,?,?,?)",
                [round_id, code, clock.iso(now), actor.user_id, actor.profile_id, exc_id],
            )
            result: dict[str, Any] = {
                "round": round_id,
                "unit": code,
                "confirmed_at": clock.iso(now),
                "confirmed_by": actor.login,
                "exception": exc_id,
            }
            if unit["level"] == "province":
                result["snapshot"] = _freeze_snapshot(db, actor, round_id, code, now)
                db.execute(
                    "UPDATE confirmations SET snapshot_id = ? WHERE round_id = ? AND unit_code = ?",
                    [result["snapshot"], round_id, code],
                )
            result["counts"] = counts_of(db, round_id, code)
            audit.record(
                db,
                "confirm",
                actor=actor,
                round_id=round_id,
                unit_code=code,
                now=now,
                detail={"exception": exc_id, "snapshot": result.get("snapshot"), "total": result["counts"]["total"]},
            )
    return result


def _whom_to_ask(db: sqlite_utils.Database, parent: dict[str, Any]) -> str:
    above = registry.get_unit(db, parent["parent"]) if parent["parent"] else None
    return registry.label(above) if above else "กรมส่งเสริมการปกครองท้องถิ่น"


def revoke(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    code: str,
    reason: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Revoke `code`'s confirmation: top-down only (letter 000 §8), with a reason."""
    now = now or clock.now()
    with _audited(db, "revoke", actor, round_id, code, now) as extra:
        unit = scope.check(db, actor, code, "revoke")
        rnd = rounds.require_round(db, round_id)
        reason = (reason or "").strip()
        extra["reason"] = reason
        if not reason:
            raise bad_request("reason_required", "กรุณาระบุเหตุผลของการยกเลิกการยืนยัน")
        with transaction(db):
            rounds.check_writable(db, rnd, unit, now)
            current = confirmation(db, round_id, code)
            if current is None:
                raise conflict("not_confirmed", f"{registry.label(unit)} ยังไม่ได้ยืนยันข้อมูลรอบ {round_id}")
            parent = registry.get_unit(db, unit["parent"]) if unit["parent"] else None
            if parent and confirmation(db, round_id, parent["code"]):
                if actor.is_admin:
                    ask = f"กรุณายกเลิกการยืนยันของ {registry.label(parent)} ก่อน"
                else:
                    who = "กรุณา" if actor.unit_code == parent["code"] else f"ให้ {registry.label(parent)} "
                    ask = f"{who}ขอให้ {_whom_to_ask(db, parent)} ยกเลิกการยืนยันของ {registry.label(parent)} ก่อน"
                raise conflict(
                    "parent_confirmed",
                    f"{registry.label(parent)} ยืนยันข้อมูลแล้ว จึงยกเลิกการยืนยันของ {registry.label(unit)} ไม่ได้: {ask}",
                    {"parent": parent["code"], "ask": parent["parent"] or NATIONAL},
                )
            deadline = rounds.deadline_for(rnd, unit["level"])
            if now > deadline and not rounds.active_exception(db, round_id, code, now):
                raise locked(
                    "revoke_after_deadline",
                    f"เลยกำหนดยืนยันของ{rounds.LEVEL_SHORT_TH[unit['level']]} ({clock.thai_datetime(deadline)})"
                    f" แล้ว หากยกเลิก {registry.label(unit)} จะยืนยันใหม่ไม่ได้: ขออนุญาตเป็นกรณีพิเศษ"
                    " จากกรมส่งเสริมการปกครองท้องถิ่นให้หน่วยงานนี้ก่อน",
                    {"deadline": clock.iso(deadline)},
                )
            db.execute("DELETE FROM confirmations WHERE round_id = ? AND unit_code = ?", [round_id, code])
            audit.record(
                db,
                "revoke",
                actor=actor,
                round_id=round_id,
                unit_code=code,
                now=now,
                detail={
                    "reason": reason,
                    "was_confirmed_at": current["confirmed_at"],
                    "was_confirmed_by": current["login"],
                },
            )
    return {"round": round_id, "unit": code, "revoked_at": clock.iso(now), "revoked_by": actor.login, "reason": reason}


# --- counts and snapshots ----------------------------------------------------------------------------


def _institution_count_rows(db: sqlite_utils.Database, round_id: str, codes: list[str]) -> list[tuple]:
    """(unit, grade_key, sex_key, n) for institutions' rosters; a child centre's children count under their
    age group ('a2', 'a3', 'a4', 'a5'), or 'cdc' when it is unknown. A child a duplicate decision gave to
    another institution counts there only (conflicts.COUNTED_SQL). Read from `roster_counts`, which
    triggers keep by that rule as rosters and decisions change (schema v8): a province's counts cost
    1 ms there instead of 210 ms of CPU over its pupil rows."""
    if not codes:
        return []
    keys = _grade_keys()
    out = []
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        for unit, grade, sex, n in db.execute(
            "SELECT unit_code, grade, sex, n FROM roster_counts WHERE round_id = ?"
            f" AND unit_code IN ({','.join('?' * len(chunk))}) AND n > 0",
            [round_id, *chunk],
        ):
            out.append((unit, keys.get(grade, grade or "cdc"), SEX_KEY.get(sex, sex or "?"), n))
    return out


def _other_count_rows(db: sqlite_utils.Database, round_id: str, lao_codes: list[str]) -> list[tuple]:
    """(lao, other_school, grade_key, sex_key, n) unpivoted from the LAOs' other-affiliation counts."""
    from validators.fields import OTHER_COUNT_KEYS

    out = []
    for lao in lao_codes:
        for row in db.query("SELECT * FROM other_counts WHERE round_id = ? AND lao_code = ?", [round_id, lao]):
            for key in OTHER_COUNT_KEYS:
                if row[key]:
                    grade, sex = key.rsplit("_", 1)
                    out.append((lao, row["other_school_code"], grade, sex, row[key]))
    return out


def counts_of(db: sqlite_utils.Database, round_id: str, code: str) -> dict[str, Any]:
    """Head counts below (and of) a unit: {"pupils": {grade: {m, f}}, "other": {...}, "total"}."""
    unit = registry.require_unit(db, code)
    if unit["level"] == "institution":
        insts, laos = [code], []
    else:
        below = registry.descendants(db, code)
        lvl = {
            r["code"]: r["level"]
            for r in db.query(
                "SELECT code, level FROM units WHERE code IN (SELECT value FROM json_each(?))",
                [json.dumps(below)],
            )
        }
        insts = [c for c in below if lvl.get(c) == "institution"]
        laos = [code] if unit["level"] == "lao" else [c for c in below if lvl.get(c) == "lao"]
    pupils: dict[str, dict[str, int]] = {}
    for _unit, grade, sex, n in _institution_count_rows(db, round_id, insts):
        pupils.setdefault(grade, {"m": 0, "f": 0}).setdefault(sex, 0)
        pupils[grade][sex] += n
    other: dict[str, dict[str, int]] = {}
    for _lao, _school, grade, sex, n in _other_count_rows(db, round_id, laos):
        other.setdefault(grade, {"m": 0, "f": 0})
        other[grade][sex] += n
    total_p = sum(sum(v.values()) for v in pupils.values())
    total_o = sum(sum(v.values()) for v in other.values())
    return {
        "pupils": pupils,
        "pupils_total": total_p,
        "other": other,
        "other_total": total_o,
        "total": total_p + total_o,
    }


def _freeze_snapshot(db: sqlite_utils.Database, actor: Actor, round_id: str, province: str, now: datetime) -> int:
    laos = [u["code"] for u in registry.children(db, province, "lao")]
    lao_of = {}
    for lao in laos:
        for inst in registry.children(db, lao, "institution"):
            lao_of[inst["code"]] = lao
    rows = [(lao_of[u], u, "roster", g, s, n) for u, g, s, n in _institution_count_rows(db, round_id, list(lao_of))]
    rows += [(lao, school, "other", g, s, n) for lao, school, g, s, n in _other_count_rows(db, round_id, laos)]
    cur = db.execute(
        "INSERT INTO snapshots (round_id, province_code, taken_at, user_id, profile_id, total) VALUES (?,?,?,?,?,?)",
        [round_id, province, clock.iso(now), actor.user_id, actor.profile_id, sum(r[-1] for r in rows)],
    )
    sid = int(cur.lastrowid or 0)
    db.conn.executemany(
        "INSERT INTO snapshot_counts (snapshot_id, lao_code, unit_code, source, grade, sex, count)"
        " VALUES (?,?,?,?,?,?,?)",
        [(sid, *r) for r in rows],
    )
    return sid


def snapshot(db: sqlite_utils.Database, snapshot_id: int) -> dict[str, Any]:
    """A frozen snapshot with its counts. `in_force` is False once the confirmation that froze it has
    been revoked (the numbers stay, for the record; a new confirmation freezes a new snapshot)."""
    head = next(iter(db.query("SELECT * FROM snapshots WHERE id = ?", [snapshot_id])))
    conf = confirmation(db, head["round_id"], head["province_code"])
    head["in_force"] = bool(conf and conf["snapshot_id"] == head["id"])
    head["counts"] = list(
        db.query(
            "SELECT lao_code, unit_code, source, grade, sex, count FROM snapshot_counts WHERE snapshot_id = ?"
            " ORDER BY lao_code, unit_code, source, grade, sex",
            [snapshot_id],
        )
    )
    return head


def snapshot_of(db: sqlite_utils.Database, round_id: str, province: str) -> dict[str, Any] | None:
    """The latest snapshot a province confirmation of this round froze."""
    row = db.execute(
        "SELECT MAX(id) FROM snapshots WHERE round_id = ? AND province_code = ?", [round_id, province]
    ).fetchone()
    return snapshot(db, row[0]) if row and row[0] else None


def allocation_basis(db: sqlite_utils.Database, province: str) -> dict[str, Any] | None:
    """What allocation uses for a province: the latest snapshot frozen by a confirm round."""
    row = db.execute(
        "SELECT MAX(s.id) FROM snapshots s JOIN rounds r ON r.id = s.round_id"
        " WHERE s.province_code = ? AND r.mode = 'confirm'",
        [province],
    ).fetchone()
    return snapshot(db, row[0]) if row and row[0] else None


# --- status ------------------------------------------------------------------------------------------


def _state(db: sqlite_utils.Database, round_id: str, unit: dict[str, Any], rnd: dict[str, Any] | None = None) -> str:
    """One unit's state; the rule itself is `progress.unit_states`, which the dashboard runs in bulk."""
    return progress.unit_states(db, rnd or {"id": round_id, "mode": "confirm"}, [unit])[unit["code"]]


def status(
    db: sqlite_utils.Database, actor: Actor, round_id: str, code: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """Everything a page or the add-in shows about one unit in one round ("TH": the nation, admin only)."""
    now = now or clock.now()
    if code == NATIONAL:
        return national_status(db, actor, round_id, now=now)
    unit = scope.check(db, actor, code, "view")
    rnd = rounds.require_round(db, round_id)
    conf = confirmation(db, round_id, code)
    level = unit["level"]
    kids = (
        []
        if level == "institution"
        else [u for u in registry.children(db, code) if u["level"] in ("institution", "lao")]
    )
    children = []
    for kid in kids:
        kc = confirmation(db, round_id, kid["code"])
        kr = roster(db, round_id, kid["code"]) if kid["level"] == "institution" else None
        children.append(
            {
                "code": kid["code"],
                "name": kid["name"],
                "kind": kid["kind"],
                "level": kid["level"],
                "state": _state(db, round_id, kid, rnd),
                "confirmed_at": kc["confirmed_at"] if kc else None,
                "rows": kr["rows"] if kr else None,
            }
        )
    subtree = [code] if level == "institution" else [code, *registry.descendants(db, code)]
    exc = rounds.active_exception(db, round_id, code, now)
    fixing = rnd["mode"] == "correction"  # nobody confirms in a correction window: no deadline, no blockers
    deadline = rounds.deadline_for(rnd, level) if level in rounds.DEADLINE_COLUMN and not fixing else None
    ros = roster(db, round_id, code)
    counts = counts_of(db, round_id, code)
    return {
        "round": {"id": rnd["id"], "mode": rnd["mode"], "phase": rounds.phase(rnd, now)},
        "unit": {k: unit[k] for k in ("code", "name", "kind", "level", "parent")},
        "state": _state(db, round_id, unit, rnd),
        "confirmed": None
        if conf is None
        else {
            "at": conf["confirmed_at"],
            "by": conf["login"],
            "person": f"{conf['first_name'] or ''} {conf['last_name'] or ''}".strip() or None,
            "position": conf["position"],
        },
        "deadline": clock.iso(deadline) if deadline else None,
        "deadline_th": clock.thai_datetime(deadline) if deadline else None,
        "exception": exc,
        "upload": None
        if ros is None
        else {
            "id": ros["upload_id"],
            "form": ros["form"],
            "rows": ros["rows"],
            "at": ros["uploaded_at"],
            "by": ros["uploaded_by"],
            "on_behalf": bool(ros["on_behalf"]),
            "sha256": ros["sha256"],
            "filename": ros["filename"],
        },
        "counts": counts,
        "children": children,
        "conflicts": conflicts.with_open_days(db, round_id, conflicts.conflicts_for(db, round_id, subtree), now),
        "decisions": conflicts.decisions_for(db, round_id, subtree, now),
        "blockers": [] if conf or fixing else blockers(db, rnd, unit),
        "snapshot": _snapshot_head(db, round_id, code) if level == "province" else None,
        "correction": correction.status_block(db, rnd, unit, counts) if fixing else None,
    }


def _snapshot_head(db: sqlite_utils.Database, round_id: str, province: str) -> dict[str, Any] | None:
    snap = snapshot_of(db, round_id, province)
    if snap is None:
        return None
    return {k: snap[k] for k in ("id", "taken_at", "total", "in_force")}


def national_status(
    db: sqlite_utils.Database, actor: Actor, round_id: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """The admin's view of a round: every province's state and the open conflicts anywhere."""
    now = now or clock.now()
    scope.require_national(actor, "ภาพรวมระดับประเทศดู")
    rnd = rounds.require_round(db, round_id)
    provinces = list(db.query("SELECT * FROM units WHERE level = 'province' ORDER BY code"))
    done = _confirmed_set(db, round_id, [p["code"] for p in provinces])
    return {
        "round": {"id": rnd["id"], "mode": rnd["mode"], "phase": rounds.phase(rnd, now)},
        "unit": {
            "code": NATIONAL,
            "name": registry.NATIONAL_NAME,
            "kind": "national",
            "level": "national",
            "parent": None,
        },
        "state": "confirmed" if provinces and len(done) == len(provinces) else "unconfirmed",
        "children": [
            {
                "code": p["code"],
                "name": p["name"],
                "kind": p["kind"],
                "level": "province",
                "state": correction.unit_state(db, rnd, p)
                if rnd["mode"] == "correction"
                else ("confirmed" if p["code"] in done else "unconfirmed"),
                "confirmed_at": (confirmation(db, round_id, p["code"]) or {}).get("confirmed_at"),
                "rows": None,
            }
            for p in provinces
        ],
        "conflicts": conflicts.with_open_days(db, round_id, conflicts.conflicts_for(db, round_id, None), now),
        "blockers": [],
    }
