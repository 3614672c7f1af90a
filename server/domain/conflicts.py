"""Conflicts: the same citizen ID on the rosters of two institutions in the same round, and their decisions.

A conflict is not an upload error (either school may be right: the child moved), so the upload is
accepted and the conflict is shown to both institutions, their LAOs and the province, with the other
side's name and code so they can phone each other. It is "open" while both rosters still hold the ID and
nobody has decided it; it closes when one side removes the child, or when the lowest level that sees
both sides decides who keeps the child (domain.md, "Duplicates and spot-checks"): the LAO when both
institutions are its own, the province when they are in two of its LAOs, the national admin across
provinces. An LAO cannot confirm while any of its institutions is in an open conflict (OBEC claws back
money for such duplicates); a decided one no longer blocks it. Conflicts are computed from the rosters:
which IDs sit on two rosters is indexed in `roster_duplicates`, rewritten for a unit in the transaction
that replaces its roster (`note_duplicates`), so it cannot disagree with them; decisions are stored (who
decided matters as much as what: the letters hold officers personally responsible).

    conflicts_for(db, round_id, units) -> [conflict]   open (undecided) conflicts touching any of `units`
                                                        (None = all units, for the admin)
    conflicts_of_unit(db, round_id, unit_code) -> [conflict]   one unit's open conflicts
    listing(db, actor, round_id, now) -> {"conflicts", "decided"}   open ones with how long, decided ones
    decide(db, actor, round_id, citizen_id, keep=, kind=, reason=, now=) -> decision
    withdraw(db, actor, round_id, citizen_id, reason=, now=) -> decision
    decisions_for(db, round_id, units, now) -> [decision]     active decisions touching any of `units`
    losses_of_unit(db, round_id, code, now) -> [decision]     decisions another institution won, with the
                                                              work left to this one and its due date
    refused_ids(db, round_id, code) -> {citizen_id: decision}   IDs this unit's upload may not bring back
    note_seen(db, round_id, ids, now)                          remember when a conflict was first seen
    with_open_days(db, round_id, found, now) -> found          each with opened_at and "เปิดมาแล้ว N วัน"
    COUNTED_SQL                                                the WHERE fragment: a pupil row counts
A conflict is {"citizen_id", "kind", "units": [{"code","name","lao","lao_name","province","first_name",
"last_name","grade","row_no"}]} (row_no: the Excel row on that unit's roster). `kind` is "duplicate" (two
rosters) or "other_affiliation": an ID of the pupil list an LAO attached to its other-affiliation counts
(letter 003 §5.2(1)) is also on a roster of the round, so the child would be paid for twice. The other
side of such a conflict is the LAO that sent the list (its code: it answers for the list, and a decision
for that side is stored with the LAO as keeper), with "other_school_code", "other_school_name" and
"sheet": "pupils" beside it; it is decided, and blocks, like a duplicate:

    with_other_affiliation(db, round_id, units, found) -> found + the other-affiliation conflicts
    other_affiliation_conflicts(db, round_id, units) -> [conflict]   those touching any of `units`
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from server.domain import audit, registry, rounds, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, conflict, forbidden, not_found
from server.storage import clock
from server.storage.db import transaction

COUNTED_SQL = (
    "NOT EXISTS (SELECT 1 FROM conflict_decisions cd WHERE cd.round_id = pupils.round_id"
    " AND cd.citizen_id = pupils.citizen_id AND cd.withdrawn_at IS NULL AND cd.keep_unit <> pupils.unit_code)"
)
"""A pupil row counts unless a standing decision gave the child to another institution (the decision
takes effect at once, before the losing school has sent its corrected roster). Use on table `pupils`."""


def recount(db: sqlite_utils.Database, round_id: str, codes: Iterable[str] | None) -> None:
    """Recount the kept head counts (`roster_counts`) of these units (None: every unit of the round) by
    COUNTED_SQL. Called inside the transaction that changes a roster or a decision, so the counts a status
    reads are always those of the rosters; one grouped query over the units' rows (a 1,850-row roster:
    about 5 ms, where a trigger per row cost 100 ms more)."""
    where, args = "round_id = ?", [round_id]
    if codes is not None:
        args += list(codes)
        where += f" AND unit_code IN ({','.join('?' * (len(args) - 1))})"
    db.execute(f"DELETE FROM roster_counts WHERE {where}", args)
    db.execute(
        "INSERT INTO roster_counts (round_id, unit_code, grade, sex, n) SELECT round_id, unit_code,"
        f" COALESCE(grade, age_group, ''), COALESCE(sex, ''), COUNT(*) FROM pupils WHERE {where} AND {COUNTED_SQL}"
        " GROUP BY round_id, unit_code, COALESCE(grade, age_group, ''), COALESCE(sex, '')",
        args,
    )


KINDS = ("present", "mistyped")
KIND_TH = {
    "present": "เด็กเรียนอยู่ที่ {keep} จริง",
    "mistyped": "เลขประจำตัวที่ {other} พิมพ์ผิด (เด็กที่ {keep} เป็นเจ้าของเลขนี้)",
}
"""The reason choices a decider needs (with the free text beside them): with keep = A, "present" is
"the child is at A" and "mistyped" is "a mistyped ID at B"; the page offers both for each side."""
TODO_TH = {
    "present": "นำเด็กออกจากรายชื่อ โดยบันทึกในทะเบียนนักเรียนที่ออก (เช่น ย้ายสถานศึกษา) แล้วส่งแฟ้มใหม่",
    "mistyped": "แก้เลขประจำตัวของเด็กคนนี้ให้ถูกต้องตามเอกสารแสดงตน แล้วส่งแฟ้มใหม่",
}
"""What the losing institution must do, by the kind of decision."""

_DETAIL_SQL = """
SELECT p.citizen_id, p.unit_code AS code, u.name, l.code AS lao, l.name AS lao_name, l.parent AS province,
       p.first_name, p.last_name, p.grade, p.row_no
FROM pupils p JOIN units u ON u.code = p.unit_code LEFT JOIN units l ON l.code = u.parent
WHERE p.round_id = ? AND p.citizen_id IN ({ids})
ORDER BY p.citizen_id, p.unit_code
"""


def _details(db: sqlite_utils.Database, round_id: str, ids: list[str]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.query(_DETAIL_SQL.format(ids=",".join("?" * len(chunk))), [round_id, *chunk]):
            cid = row.pop("citizen_id")
            out.setdefault(cid, {"citizen_id": cid, "units": []})["units"].append(row)
    return [c for c in out.values() if len(c["units"]) > 1]


def _decided_ids(db: sqlite_utils.Database, round_id: str) -> set[str]:
    return {
        r[0]
        for r in db.execute(
            "SELECT citizen_id FROM conflict_decisions WHERE round_id = ? AND withdrawn_at IS NULL", [round_id]
        )
    }


def note_duplicates(db: sqlite_utils.Database, round_id: str, code: str | None) -> None:
    """Rewrite `roster_duplicates` for one unit whose roster just changed (inside that transaction): every
    (ID, unit) of its IDs that another roster of the round holds too, and no longer the IDs it dropped
    that now sit on one roster only (None: the whole round, after a bulk load). Why: finding a province's
    conflicts by probing each of its 67,000 pupil rows cost 118 ms of CPU per status request; this costs
    one probe per row of the new roster."""
    if code is None:
        db.execute("DELETE FROM roster_duplicates WHERE round_id = ?", [round_id])
        db.execute(
            "INSERT INTO roster_duplicates (round_id, unit_code, citizen_id) SELECT p.round_id, p.unit_code,"
            " p.citizen_id FROM pupils p WHERE p.round_id = ? AND EXISTS (SELECT 1 FROM pupils q WHERE q.round_id"
            " = p.round_id AND q.citizen_id = p.citizen_id AND q.unit_code <> p.unit_code)",
            [round_id],
        )
        return
    before = [
        r[0]
        for r in db.execute(
            "SELECT citizen_id FROM roster_duplicates WHERE round_id = ? AND unit_code = ?", [round_id, code]
        )
    ]
    db.execute("DELETE FROM roster_duplicates WHERE round_id = ? AND unit_code = ?", [round_id, code])
    db.execute(
        "INSERT OR IGNORE INTO roster_duplicates (round_id, unit_code, citizen_id) SELECT q.round_id, q.unit_code,"
        " q.citizen_id FROM pupils p JOIN pupils q ON q.round_id = p.round_id AND q.citizen_id = p.citizen_id"
        " WHERE p.round_id = ? AND p.unit_code = ? AND EXISTS (SELECT 1 FROM pupils o WHERE o.round_id ="
        " p.round_id AND o.citizen_id = p.citizen_id AND o.unit_code <> p.unit_code)",
        [round_id, code],
    )
    for start in range(0, len(before), 500):
        chunk = before[start : start + 500]
        db.execute(
            f"DELETE FROM roster_duplicates WHERE round_id = ? AND citizen_id IN ({','.join('?' * len(chunk))})"
            " AND (SELECT COUNT(*) FROM pupils q WHERE q.round_id = roster_duplicates.round_id"
            " AND q.citizen_id = roster_duplicates.citizen_id) < 2",
            [round_id, *chunk],
        )


def _all_conflicts(db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None) -> list[dict[str, Any]]:
    """Every ID on two or more rosters touching `units`, decided or not (the nation's from the rosters
    themselves; a set of units' from the `roster_duplicates` index)."""
    if units is None:
        ids = [
            r[0]
            for r in db.execute(
                "SELECT citizen_id FROM pupils WHERE round_id = ? GROUP BY citizen_id HAVING COUNT(*) > 1",
                [round_id],
            )
        ]
        return _details(db, round_id, ids)
    found: set[str] = set()
    codes = list(units)
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(
            r[0]
            for r in db.execute(
                "SELECT DISTINCT citizen_id FROM roster_duplicates WHERE round_id = ? AND unit_code IN"
                f" ({','.join('?' * len(chunk))})",
                [round_id, *chunk],
            )
        )
    return _details(db, round_id, sorted(found))


def conflicts_for(db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None) -> list[dict[str, Any]]:
    """The open conflicts: on two rosters and not decided (a standing decision closes a conflict)."""
    units = None if units is None else list(units)
    found = with_other_affiliation(db, round_id, units, _all_conflicts(db, round_id, units))
    if not found:
        return found
    decided = _decided_ids(db, round_id)
    return [c for c in found if c["citizen_id"] not in decided]


def conflicts_of_unit(db: sqlite_utils.Database, round_id: str, unit_code: str) -> list[dict[str, Any]]:
    return conflicts_for(db, round_id, [unit_code])


# --- who decides --------------------------------------------------------------------------------------


def decider_of(db: sqlite_utils.Database, unit_codes: Iterable[str]) -> dict[str, Any]:
    """The lowest level whose scope holds every institution: {"level", "code", "name"}."""
    laos, provinces = set(), set()
    for code in unit_codes:
        unit = registry.get_unit(db, code)
        if unit and unit["level"] == "lao":  # the LAO answering for its other-affiliation pupil list
            lao = unit
        else:
            lao = registry.get_unit(db, unit["parent"]) if unit and unit["parent"] else None
        laos.add(lao["code"] if lao else None)
        provinces.add(lao["parent"] if lao else None)
    if len(laos) == 1 and None not in laos:
        level, code = "lao", laos.pop()
    elif len(provinces) == 1 and None not in provinces:
        level, code = "province", provinces.pop()
    else:
        return {"level": "national", "code": registry.NATIONAL, "name": registry.NATIONAL_NAME}
    unit = registry.require_unit(db, code)
    return {"level": level, "code": code, "name": registry.label(unit)}


def may_decide(actor: Actor, decider: dict[str, Any]) -> bool:
    if decider["level"] == "national":
        return actor.is_admin
    return not actor.is_admin and actor.unit_code == decider["code"]


def may_withdraw(db: sqlite_utils.Database, actor: Actor, decider: str) -> bool:
    """The same level or a higher one: the decider itself, a unit above it, or the national admin."""
    if actor.is_admin:
        return True
    if decider == registry.NATIONAL:
        return False
    return actor.unit_code == decider or any(a["code"] == actor.unit_code for a in registry.ancestors(db, decider))


# --- reading decisions --------------------------------------------------------------------------------

_DECISION_SQL = """
SELECT d.*, us.login AS decided_by, pr.first_name AS p_first, pr.last_name AS p_last, pr.position AS p_position,
       wu.login AS withdrawn_login
FROM conflict_decisions d JOIN users us ON us.id = d.user_id LEFT JOIN profiles pr ON pr.id = d.profile_id
LEFT JOIN users wu ON wu.id = d.withdrawn_by
"""


def _due(db: sqlite_utils.Database, round_id: str, now: datetime) -> datetime:
    """By when the losing institution must act: its own deadline, or the LAO's if that one has passed."""
    rnd = rounds.require_round(db, round_id)
    inst = rounds.deadline_for(rnd, "institution")
    return inst if now <= inst else rounds.deadline_for(rnd, "lao")


def _shape(db: sqlite_utils.Database, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A decision as the API and the pages show it: who keeps, why, who decided, what the others must do."""
    codes = json.loads(row["units"])
    names = {u["code"]: u["name"] for u in (registry.get_unit(db, c) for c in codes) if u}
    holding = {
        r[0]
        for r in db.execute(
            "SELECT unit_code FROM pupils WHERE round_id = ? AND citizen_id = ?", [row["round_id"], row["citizen_id"]]
        )
    }
    keep = row["keep_unit"]
    others = [c for c in codes if c != keep]
    keep_label = f"{names.get(keep, keep)} ({keep})"
    other_label = ", ".join(f"{names.get(c, c)} ({c})" for c in others)
    due = _due(db, row["round_id"], now)
    decider = (
        registry.NATIONAL_NAME
        if row["decider"] == registry.NATIONAL
        else registry.label(registry.require_unit(db, row["decider"]))
    )
    person = f"{row['p_first'] or ''} {row['p_last'] or ''}".strip() or row["decided_by"]
    return {
        "id": row["id"],
        "round": row["round_id"],
        "citizen_id": row["citizen_id"],
        "keep": keep,
        "keep_name": names.get(keep, keep),
        "kind": row["kind"],
        "kind_th": KIND_TH[row["kind"]].format(keep=keep_label, other=other_label),
        "reason": row["reason"],
        "units": [
            {"code": c, "name": names.get(c, c), "keeps": c == keep, "still_listed": c in holding} for c in codes
        ],
        "decider": row["decider"],
        "decider_name": decider,
        "decided_at": row["decided_at"],
        "decided_at_th": clock.thai_datetime(row["decided_at"]),
        "decided_by": row["decided_by"],
        "person": person,
        "position": row["p_position"],
        "todo_th": TODO_TH[row["kind"]],
        "due": clock.iso(due),
        "due_th": clock.thai_datetime(due),
        "done": not any(c in holding for c in others),
        "withdrawn_at": row["withdrawn_at"],
    } | _other_side(db, row, names, holding)


def _active_rows(db: sqlite_utils.Database, round_id: str) -> list[dict[str, Any]]:
    return list(db.query(_DECISION_SQL + " WHERE d.round_id = ? AND d.withdrawn_at IS NULL ORDER BY d.id", [round_id]))


def decisions_for(
    db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Standing decisions touching any of `units` (None: all), newest last."""
    now = now or clock.now()
    wanted = None if units is None else set(units)
    return [
        _shape(db, r, now)
        for r in _active_rows(db, round_id)
        if wanted is None or wanted.intersection(json.loads(r["units"]))
    ]


def losses_of_unit(
    db: sqlite_utils.Database, round_id: str, code: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Decisions that gave a child of `code`'s roster to another institution (what `code` must do)."""
    return [d for d in decisions_for(db, round_id, [code], now) if d["keep"] != code]


def refused_ids(db: sqlite_utils.Database, round_id: str, code: str) -> dict[str, dict[str, Any]]:
    """IDs a new roster of `code` may not hold: decided in favour of another institution of the conflict."""
    now = clock.now()
    return {
        r["citizen_id"]: _shape(db, r, now)
        for r in _active_rows(db, round_id)
        if r["keep_unit"] != code and code in json.loads(r["units"])
    }


def note_seen(db: sqlite_utils.Database, round_id: str, ids: Iterable[str], now: datetime) -> None:
    """Remember when each conflict was first seen (an upload found it): "open for N days" counts from here."""
    rows = [(round_id, cid, clock.iso(now)) for cid in ids]
    if rows:
        with transaction(db):
            db.conn.executemany(
                "INSERT OR IGNORE INTO conflict_seen (round_id, citizen_id, first_seen) VALUES (?,?,?)", rows
            )


def _opened_at(db: sqlite_utils.Database, round_id: str, cf: dict[str, Any]) -> str:
    row = db.execute(
        "SELECT first_seen FROM conflict_seen WHERE round_id = ? AND citizen_id = ?", [round_id, cf["citizen_id"]]
    ).fetchone()
    if row:
        return row[0]
    codes = [u["code"] for u in cf["units"]]  # never noted (older data): the latest of the two uploads
    got = db.execute(
        f"SELECT MAX(updated_at) FROM rosters WHERE round_id = ? AND unit_code IN ({','.join('?' * len(codes))})",
        [round_id, *codes],
    ).fetchone()
    return got[0]


def with_open_days(
    db: sqlite_utils.Database, round_id: str, found: list[dict[str, Any]], now: datetime | None = None
) -> list[dict[str, Any]]:
    """Each open conflict with since when (`opened_at`, `opened_at_th`) and how many whole days it has been
    open (`open_days`, `open_th` "เปิดมาแล้ว N วัน"): a province and the nation chase the oldest first.
    Also who decides it (`decider`), so a list of conflicts says whom to ask."""
    now = now or clock.now()
    for cf in found:
        cf["decider"] = decider_of(db, [u["code"] for u in cf["units"]])
        opened = _opened_at(db, round_id, cf)
        days = max(0, (now - clock.parse_datetime(opened)).days) if opened else None
        cf["opened_at"] = opened
        cf["opened_at_th"] = clock.thai_datetime(opened) if opened else None
        cf["open_days"] = days
        cf["open_th"] = f"เปิดมาแล้ว {days} วัน" if days is not None else None
    return found


def listing(db: sqlite_utils.Database, actor: Actor, round_id: str, now: datetime | None = None) -> dict[str, Any]:
    """GET /rounds/{round}/conflicts: the open conflicts in the caller's scope, each with who decides and
    how long it has been open (oldest first), and the standing decisions in that scope."""
    now = now or clock.now()
    scope.require_profile(actor)
    rounds.require_round(db, round_id)
    units = scope.visible_units(db, actor)
    open_ = with_open_days(db, round_id, conflicts_for(db, round_id, units), now)
    for cf in open_:
        cf["may_decide"] = may_decide(actor, cf["decider"])
    open_.sort(key=lambda c: (c["opened_at"] or "", c["citizen_id"]))
    decided = decisions_for(db, round_id, units, now)
    for d in decided:
        d["may_withdraw"] = may_withdraw(db, actor, d["decider"])
    return {"conflicts": open_, "decided": decided}


# --- deciding and withdrawing -------------------------------------------------------------------------


def _refused(
    db: sqlite_utils.Database,
    action: str,
    actor: Actor,
    round_id: str,
    citizen_id: str,
    err: ServiceError,
    now: datetime,
    units: list[str],
) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    with transaction(db):
        for code in units or [None]:
            audit.record(
                db,
                action,
                "refused",
                actor=actor,
                round_id=round_id,
                unit_code=code,
                code=err.code,
                detail={"citizen_id": citizen_id, "message": err.message},
                now=now,
            )


def _check_province_open(db: sqlite_utils.Database, round_id: str, codes: list[str]) -> None:
    """A province's confirmation froze its counts: a decision that moves a child there must wait for a revoke."""
    for code in codes:
        province = registry.province_of(db, code)
        if (
            province
            and db.execute(
                "SELECT 1 FROM confirmations WHERE round_id = ? AND unit_code = ?", [round_id, province]
            ).fetchone()
        ):
            prov = registry.require_unit(db, province)
            raise conflict(
                "province_confirmed",
                f"{registry.label(prov)} ยืนยันข้อมูลแล้ว การตัดสินจะเปลี่ยนจำนวนที่ยืนยันไว้:"
                " กรุณาขอให้กรมส่งเสริมการปกครองท้องถิ่นยกเลิกการยืนยันของจังหวัดก่อน",
                {"province": province},
            )


def decide(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    citizen_id: str,
    *,
    keep: str,
    reason: str,
    kind: str = "present",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Decide who keeps the child: by the lowest level that sees every institution of the conflict.

    Takes effect at once: the child counts only at `keep`, the conflict stops blocking the LAO, and the
    others' next uploads may not bring the child back. Audited on every institution of the conflict.
    """
    now = now or clock.now()
    codes: list[str] = []
    try:
        scope.require_profile(actor)
        rnd = rounds.require_round(db, round_id)
        with transaction(db):
            units = None if actor.is_admin else scope.visible_units(db, actor)
            found = with_other_affiliation(db, round_id, units, _all_conflicts(db, round_id, units))
            cf = next((c for c in found if c["citizen_id"] == citizen_id), None)
            if cf is None and any(
                d["citizen_id"] == citizen_id for d in decisions_for(db, round_id, scope.visible_units(db, actor), now)
            ):
                raise conflict("already_decided", f"เลขประจำตัว {citizen_id} ได้รับการตัดสินแล้ว")
            if cf is None:
                raise not_found("no_conflict", f"ไม่พบเลขประจำตัว {citizen_id} ซ้ำกันในรอบ {round_id} ภายในขอบเขตของท่าน")
            codes = [u["code"] for u in cf["units"]]
            decider = decider_of(db, codes)
            if not may_decide(actor, decider):
                raise forbidden(
                    "not_decider",
                    f"เลขประจำตัว {citizen_id} ซ้ำกันระหว่าง {', '.join(codes)}: ผู้ตัดสินคือ {decider['name']}"
                    " (ระดับต่ำสุดที่เห็นสถานศึกษาทุกแห่งของกรณีนี้)",
                    {"decider": decider["code"], "units": codes},
                )
            if citizen_id in _decided_ids(db, round_id):
                raise conflict("already_decided", f"เลขประจำตัว {citizen_id} ได้รับการตัดสินแล้ว: ถอนการตัดสินก่อนจึงตัดสินใหม่ได้")
            if keep not in codes:
                raise bad_request(
                    "keep_not_in_conflict",
                    f"{keep} ไม่ได้อยู่ในกรณีนี้: เลือกสถานศึกษาที่เด็กอยู่จาก {', '.join(codes)}",
                    {"units": codes},
                )
            if kind not in KINDS:
                raise bad_request("bad_kind", "เหตุผลต้องเป็น present (เด็กอยู่ที่นี่จริง) หรือ mistyped (อีกแห่งพิมพ์เลขผิด)")
            reason = (reason or "").strip()
            if not reason:
                raise bad_request("reason_required", "กรุณาระบุเหตุผลของการตัดสิน (เช่น ตรวจเอกสารแสดงตนแล้ว)")
            rounds.check_writable(db, rnd, registry.require_unit(db, keep), now)
            _check_province_open(db, round_id, codes)
            cur = db.execute(
                "INSERT INTO conflict_decisions (round_id, citizen_id, keep_unit, kind, reason, units, decider,"
                " decided_at, user_id, profile_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [round_id, citizen_id, keep, kind, reason, json.dumps(codes), decider["code"], clock.iso(now),
                 actor.user_id, actor.profile_id],
            )  # fmt: skip
            decision_id = int(cur.lastrowid or 0)
            _note_other_school(db, decision_id, cf)
            for code in codes:
                audit.record(
                    db,
                    "conflict_decide",
                    actor=actor,
                    round_id=round_id,
                    unit_code=code,
                    now=now,
                    detail={"citizen_id": citizen_id, "keep": keep, "kind": kind, "reason": reason,
                            "units": codes, "decider": decider["code"], "decision": decision_id},
                )  # fmt: skip
            recount(db, round_id, codes)
    except ServiceError as err:
        _refused(db, "conflict_decide", actor, round_id, citizen_id, err, now, codes)
        raise
    row = next(iter(db.query(_DECISION_SQL + " WHERE d.id = ?", [decision_id])))
    return _shape(db, row, now)


def withdraw(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    citizen_id: str,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Withdraw a standing decision (the same level or a higher one): the conflict is open again."""
    now = now or clock.now()
    codes: list[str] = []
    try:
        scope.require_profile(actor)
        rnd = rounds.require_round(db, round_id)
        with transaction(db):
            rows = [r for r in _active_rows(db, round_id) if r["citizen_id"] == citizen_id]
            if not rows:
                raise not_found("not_decided", f"เลขประจำตัว {citizen_id} ยังไม่มีการตัดสินในรอบ {round_id}")
            row = rows[0]
            codes = json.loads(row["units"])
            if not may_withdraw(db, actor, row["decider"]):
                who = registry.NATIONAL_NAME if row["decider"] == registry.NATIONAL else row["decider"]
                raise forbidden(
                    "not_decider",
                    f"ถอนการตัดสินของเลขประจำตัว {citizen_id} ได้เฉพาะผู้ตัดสิน ({who}) หรือหน่วยงานระดับสูงกว่า",
                    {"decider": row["decider"]},
                )
            rounds.check_writable(db, rnd, registry.require_unit(db, row["keep_unit"]), now)
            _check_province_open(db, round_id, codes)
            db.execute(
                "UPDATE conflict_decisions SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_profile = ?,"
                " withdraw_reason = ? WHERE id = ?",
                [clock.iso(now), actor.user_id, actor.profile_id, (reason or "").strip() or None, row["id"]],
            )
            for code in codes:
                audit.record(
                    db,
                    "conflict_withdraw",
                    actor=actor,
                    round_id=round_id,
                    unit_code=code,
                    now=now,
                    detail={"citizen_id": citizen_id, "decision": row["id"], "keep": row["keep_unit"],
                            "reason": (reason or "").strip()},
                )  # fmt: skip
            recount(db, round_id, codes)
    except ServiceError as err:
        _refused(db, "conflict_withdraw", actor, round_id, citizen_id, err, now, codes)
        raise
    shaped = _shape(db, row, now)
    shaped["withdrawn_at"] = clock.iso(now)
    return shaped


# --- other-affiliation pupil lists (letter 003 §5.2(1)) -----------------------------------------------

OTHER_KIND = "other_affiliation"
OTHER_TODO_TH = {
    "present": "นำเด็กออกจากรายชื่อนักเรียนของโรงเรียนสังกัดอื่น {school} และแก้จำนวนนักเรียนของโรงเรียนนั้นให้ตรง"
    " แล้วส่งแบบฟอร์มสังกัดอื่นใหม่",
    "mistyped": "แก้เลขประจำตัวของเด็กคนนี้ในรายชื่อนักเรียนของโรงเรียนสังกัดอื่น {school} ให้ถูกต้องตามเอกสารแสดงตน"
    " แล้วส่งแบบฟอร์มสังกัดอื่นใหม่",
}
"""What the LAO must do when a decision keeps the child on an institution's roster, not on its list."""

_OTHER_SQL = """
SELECT o.citizen_id, o.lao_code, o.other_school_code, o.other_school_name, o.first_name, o.last_name, o.grade,
       o.row_no, l.name AS lao_name, l.parent AS province
FROM other_pupils o JOIN units l ON l.code = o.lao_code
WHERE o.round_id = ? AND o.citizen_id IN ({ids})
ORDER BY o.citizen_id, o.lao_code
"""
_ON_A_ROSTER = "EXISTS (SELECT 1 FROM pupils p WHERE p.round_id = o.round_id AND p.citizen_id = o.citizen_id)"
_ON_A_LIST = "EXISTS (SELECT 1 FROM other_pupils o WHERE o.round_id = p.round_id AND o.citizen_id = p.citizen_id)"


def other_side_name(school_name: str | None, school_code: str, lao_name: str | None) -> str:
    """How a conflict names the other side: the school, and whose list it is on."""
    return f"{school_name or school_code} ({school_code}) สังกัดอื่น ตามรายชื่อของ {lao_name or ''}".strip()


def _listed_on_rosters(db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None) -> list[str]:
    """IDs on an LAO's pupil list and on a roster, touching `units`: the lists of LAOs among them, and the
    rosters of institutions among them (each side probed by index: the cost follows the caller's scope,
    not the size of every list in the nation)."""
    if units is None:
        sql = f"SELECT DISTINCT o.citizen_id FROM other_pupils o WHERE o.round_id = ? AND {_ON_A_ROSTER}"
        return [r[0] for r in db.execute(sql, [round_id])]
    codes = json.dumps(list(units))
    found = {
        r[0]
        for r in db.execute(
            "SELECT o.citizen_id FROM other_pupils o WHERE o.round_id = ? AND o.lao_code IN"
            f" (SELECT value FROM json_each(?)) AND {_ON_A_ROSTER}",
            [round_id, codes],
        )
    }
    found.update(
        r[0]
        for r in db.execute(
            "SELECT p.citizen_id FROM pupils p WHERE p.round_id = ? AND p.unit_code IN"
            f" (SELECT value FROM json_each(?)) AND {_ON_A_LIST}",
            [round_id, codes],
        )
    )
    return sorted(found)


def other_affiliation_conflicts(
    db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None
) -> list[dict[str, Any]]:
    """IDs of an LAO's other-affiliation pupil list that a roster of the round also holds, touching `units`
    (the listing LAO, or an institution holding the ID; None: all), decided or not. Each conflict's units
    are every roster holding the ID, then the list(s) naming it (as their LAO's code)."""
    if db.execute("SELECT 1 FROM other_pupils WHERE round_id = ? LIMIT 1", [round_id]).fetchone() is None:
        return []  # no LAO attached a list this round: nothing to cross-check (the usual case, one lookup)
    ids = _listed_on_rosters(db, round_id, units)
    listed: dict[str, list[dict[str, Any]]] = {}
    holders: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(_OTHER_SQL.format(ids=marks), [round_id, *chunk]):
            listed.setdefault(row["citizen_id"], []).append(row)
        for row in db.query(_DETAIL_SQL.format(ids=marks), [round_id, *chunk]):
            holders.setdefault(row.pop("citizen_id"), []).append(row)
    out = []
    for cid in ids:
        sides = [
            {"code": o["lao_code"], "name": other_side_name(o["other_school_name"], o["other_school_code"],
             o["lao_name"]), "lao": o["lao_code"], "lao_name": o["lao_name"], "province": o["province"],
             "first_name": o["first_name"], "last_name": o["last_name"], "grade": o["grade"], "row_no": o["row_no"],
             "other_school_code": o["other_school_code"], "other_school_name": o["other_school_name"],
             "sheet": "pupils"}
            for o in listed.get(cid, [])
        ]  # fmt: skip
        out.append({"citizen_id": cid, "kind": OTHER_KIND, "units": [*holders.get(cid, []), *sides]})
    return out


def with_other_affiliation(
    db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None, found: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Roster duplicates (`found`, kind "duplicate") with the other-affiliation conflicts added; an ID on
    two rosters and a list is one conflict of kind "other_affiliation" listing all of them."""
    for cf in found:
        cf.setdefault("kind", "duplicate")
    others = other_affiliation_conflicts(db, round_id, units)
    if not others:
        return found
    by_id = {cf["citizen_id"]: cf for cf in others}
    merged = [by_id.pop(cf["citizen_id"], cf) for cf in found]
    return merged + list(by_id.values())


def _note_other_school(db: sqlite_utils.Database, decision_id: int, cf: dict[str, Any]) -> None:
    """Remember which other-affiliation school a decision's list side was (the list may change later)."""
    side = next((u for u in cf["units"] if u.get("other_school_code")), None)
    if side is not None:
        db.execute(
            "UPDATE conflict_decisions SET other_school_code = ?, other_school_name = ? WHERE id = ?",
            [side["other_school_code"], side["other_school_name"], decision_id],
        )


def _other_side(
    db: sqlite_utils.Database, row: dict[str, Any], names: dict[str, str], holding: set[str]
) -> dict[str, Any]:
    """A decision of an other-affiliation conflict, as `_shape` gives it but naming the school and the
    list: whether the list still holds the child, and what the LAO must do when the child stays on a roster."""
    school = row.get("other_school_code")
    if not school:
        return {"conflict_kind": "duplicate", "todo_for": "roster"}
    codes = json.loads(row["units"])
    lao = next((c for c in codes if (registry.get_unit(db, c) or {}).get("level") == "lao"), None)
    if lao is None:
        return {"conflict_kind": OTHER_KIND, "todo_for": "roster"}
    label = other_side_name(row.get("other_school_name"), school, names.get(lao, lao))
    on_list = (
        db.execute(
            "SELECT 1 FROM other_pupils WHERE round_id = ? AND lao_code = ? AND citizen_id = ?",
            [row["round_id"], lao, row["citizen_id"]],
        ).fetchone()
        is not None
    )
    keep = row["keep_unit"]
    shown = {**names, lao: label}
    keep_label = f"{shown.get(keep, keep)}" + ("" if keep == lao else f" ({keep})")
    others = [c for c in codes if c != keep]
    other_label = ", ".join(shown.get(c, c) + ("" if c == lao else f" ({c})") for c in others)
    still = {c: (on_list if c == lao else c in holding) for c in codes}
    school_label = f"{row.get('other_school_name') or school} ({school})"
    return {
        "conflict_kind": OTHER_KIND,
        "todo_for": "roster" if keep == lao else "list",  # who must act: the school's roster or the LAO's list
        "other_school_code": school,
        "other_school_name": row.get("other_school_name"),
        "keep_name": shown.get(keep, keep),
        "kind_th": KIND_TH[row["kind"]].format(keep=keep_label, other=other_label),
        "units": [{"code": c, "name": shown.get(c, c), "keeps": c == keep, "still_listed": still[c]} for c in codes],
        "todo_th": TODO_TH[row["kind"]] if keep == lao else OTHER_TODO_TH[row["kind"]].format(school=school_label),
        "done": not any(still[c] for c in others),
    }
