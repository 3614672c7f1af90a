"""The province's spot-checks (letter 000 §9.4): draw, print, record, and the notices a missing child raises.

A province draws a sample of its institutions and, in each, of the children on its roster. The draw is
seeded (the same seed over the same rosters gives the same sample, so a draw can be re-done and shown to
be fair) and weighted toward risk, because ghosts are where the money is: large changes since the last
confirmed roster, many newcomers, conflicts (open or decided), late uploads, and size. Within an
institution newcomers weigh more. Weighted sampling without replacement by Efraimidis–Spirakis keys
(u ** (1 / w), the largest keys win), which needs one pass and a seeded `random.Random`.

A child not found puts the institution on notice: its page and its LAO's show the child until the
institution takes it out of its roster (or a new check finds it). Every step is audited with the person.

    draw(db, actor, round_id, province, institutions=, children=, seed=None, now=) -> spot-check
    get(db, actor, round_id, province, check_id) -> spot-check (with results so far)
    list_for(db, actor, round_id, province) -> [spot-check heads]
    check_list(db, actor, round_id, province, check_id) -> dict for workbook_templates.spot_check
    record(db, actor, round_id, province, check_id, results, now=, filename=None) -> spot-check
    notices_for(db, round_id, units) -> [notice]       children not found, touching any of `units`, each
                                                       with its state (open / explained / removed), what
                                                       to do, and the institution's explanation if any
                                                       (recorded by spot_check_notices.explain)
"""

from __future__ import annotations

import json
import math
import random
from datetime import datetime
from typing import Any

import sqlite_utils

from server.domain import audit, conflicts, registry, rounds, scope, uploads
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, conflict, forbidden, not_found
from server.storage import clock
from server.storage.db import transaction

MAX_INSTITUTIONS = 200
MAX_CHILDREN = 200
NEWCOMER_WEIGHT = 3.0
"""A child not on the institution's last confirmed roster weighs this much more in the draw."""


def require_province(db: sqlite_utils.Database, actor: Actor, province: str) -> dict[str, Any]:
    """The province itself (or the national admin) draws and records; everyone else is refused."""
    unit = scope.check(db, actor, province, "view")
    if unit["level"] != "province":
        raise bad_request("not_province", f"สุ่มตรวจสอบได้เฉพาะระดับจังหวัด ({registry.label(unit)} ไม่ใช่จังหวัด)")
    if not (actor.is_admin or actor.unit_code == province):
        raise forbidden("out_of_scope", f"การสุ่มตรวจสอบของ {registry.label(unit)} ทำได้เฉพาะจังหวัดนั้นเอง")
    return unit


def _institutions(db: sqlite_utils.Database, province: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT i.* FROM units i JOIN units l ON l.code = i.parent WHERE l.parent = ? AND i.level = 'institution'"
            " ORDER BY i.code",
            [province],
        )
    )


def _risk(
    db: sqlite_utils.Database, rnd: dict[str, Any], inst: dict[str, Any], previous: set[str] | None, ids: list[str]
) -> dict[str, Any]:
    """The weight of one institution in the draw, with its parts (shown beside the sample, for fairness)."""
    rid, code = rnd["id"], inst["code"]
    size = len(ids)
    change = 0.0 if previous is None else abs(size - len(previous)) / max(len(previous), 1)
    newcomers = 0.0 if previous is None or not size else sum(1 for c in ids if c not in previous) / size
    touched = len(conflicts.conflicts_of_unit(db, rid, code)) + len(conflicts.decisions_for(db, rid, [code]))
    ros = db.execute("SELECT updated_at FROM rosters WHERE round_id = ? AND unit_code = ?", [rid, code]).fetchone()
    late = bool(ros and clock.parse_datetime(ros[0]) > rounds.deadline_for(rnd, "institution"))
    weight = 1 + 2 * min(change, 1) + 2 * newcomers + min(touched, 3) + (1 if late else 0) + math.log1p(size) / 3
    return {
        "weight": round(weight, 4),
        "size": size,
        "change": round(change, 4),
        "newcomers": round(newcomers, 4),
        "conflicts": touched,
        "late": late,
    }


def _pick(rng: random.Random, items: list[Any], weights: list[float], k: int) -> list[Any]:
    """k of `items` without replacement, weighted (Efraimidis–Spirakis), in the input order."""
    keyed = sorted(((rng.random() ** (1 / w), i) for i, w in enumerate(weights)), reverse=True)[:k]
    return [items[i] for i in sorted(i for _key, i in keyed)]


def draw(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    province: str,
    *,
    institutions: int,
    children: int,
    seed: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Draw and store a sample: `institutions` of the province's institutions with a roster, `children`
    children in each. Same seed over the same rosters, same sample."""
    now = now or clock.now()
    try:
        require_province(db, actor, province)
        rnd = rounds.require_round(db, round_id)
        if not (1 <= institutions <= MAX_INSTITUTIONS and 1 <= children <= MAX_CHILDREN):
            raise bad_request(
                "bad_sample_size",
                f"จำนวนสถานศึกษาต้องอยู่ระหว่าง 1–{MAX_INSTITUTIONS} และจำนวนเด็กต่อแห่ง 1–{MAX_CHILDREN}",
            )
        if seed is None:
            seed = random.SystemRandom().randrange(1, 2**31)
        rng = random.Random(int(seed))
        pool, weights, rosters = [], [], {}
        for inst in _institutions(db, province):
            rows = list(
                db.query(
                    "SELECT citizen_id, first_name, last_name, grade FROM pupils WHERE round_id = ? AND unit_code = ?"
                    f" AND {conflicts.COUNTED_SQL} ORDER BY row_no, citizen_id",
                    [round_id, inst["code"]],
                )
            )
            if not rows:
                continue
            prev = uploads.previous_children(db, rnd, inst["code"])
            previous = None if prev is None else {p.citizen_id for p in prev}
            risk = _risk(db, rnd, inst, previous, [r["citizen_id"] for r in rows])
            pool.append({"code": inst["code"], "name": inst["name"], "risk": risk})
            weights.append(risk["weight"])
            rosters[inst["code"]] = (rows, previous)
        if not pool:
            raise conflict("nothing_to_check", "ยังไม่มีสถานศึกษาในจังหวัดที่ส่งทะเบียนในรอบนี้ จึงยังสุ่มตรวจสอบไม่ได้")
        chosen = _pick(rng, pool, weights, institutions)
        for inst in chosen:
            rows, previous = rosters[inst["code"]]
            w = [NEWCOMER_WEIGHT if previous is not None and r["citizen_id"] not in previous else 1.0 for r in rows]
            inst["children"] = _pick(rng, rows, w, children)
        with transaction(db):
            cur = db.execute(
                "INSERT INTO spot_checks (round_id, province_code, seed, institutions, children, drawn_at, user_id,"
                " profile_id) VALUES (?,?,?,?,?,?,?,?)",
                [
                    round_id,
                    province,
                    int(seed),
                    institutions,
                    children,
                    clock.iso(now),
                    actor.user_id,
                    actor.profile_id,
                ],
            )
            check_id = int(cur.lastrowid or 0)
            db.conn.executemany(
                "INSERT INTO spot_check_items (spot_check_id, seq, unit_code, citizen_id, first_name, last_name, grade,"
                " risk) VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        check_id,
                        n,
                        inst["code"],
                        c["citizen_id"],
                        c["first_name"],
                        c["last_name"],
                        c["grade"],
                        inst["risk"]["weight"],
                    )
                    for inst in chosen
                    for n, c in enumerate(inst["children"], start=1)
                ],
            )
            audit.record(
                db,
                "spot_check_draw",
                actor=actor,
                round_id=round_id,
                unit_code=province,
                now=now,
                detail={
                    "spot_check": check_id,
                    "seed": int(seed),
                    "institutions": [i["code"] for i in chosen],
                    "children": sum(len(i["children"]) for i in chosen),
                },
            )
    except ServiceError as err:
        _refused(db, "spot_check_draw", actor, round_id, province, err, now)
        raise
    return {"id": check_id, "seed": int(seed), **_body(db, check_id)}


def _refused(
    db: sqlite_utils.Database, action: str, actor: Actor, round_id: str, province: str, err: ServiceError, now: datetime
) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    with transaction(db):
        audit.record(
            db,
            action,
            "refused",
            actor=actor,
            round_id=round_id,
            unit_code=province,
            code=err.code,
            detail={"message": err.message},
            now=now,
        )


def _head(db: sqlite_utils.Database, round_id: str, province: str, check_id: int) -> dict[str, Any]:
    rows = list(
        db.query(
            "SELECT s.*, u.login AS drawn_by, p.first_name AS p_first, p.last_name AS p_last, p.position AS p_position"
            " FROM spot_checks s JOIN users u ON u.id = s.user_id LEFT JOIN profiles p ON p.id = s.profile_id"
            " WHERE s.id = ? AND s.round_id = ? AND s.province_code = ?",
            [check_id, round_id, province],
        )
    )
    if not rows:
        raise not_found("unknown_spot_check", f"ไม่พบการสุ่มตรวจสอบครั้งที่ {check_id} ของจังหวัดนี้ในรอบ {round_id}")
    head = rows[0]
    head["person"] = f"{head.pop('p_first') or ''} {head.pop('p_last') or ''}".strip() or head["drawn_by"]
    head["position"] = head.pop("p_position")
    head["drawn_at_th"] = clock.thai_datetime(head["drawn_at"])
    return head


def _body(db: sqlite_utils.Database, check_id: int) -> dict[str, Any]:
    """The sample, institution by institution in draw order, with each child's result so far."""
    out: dict[str, dict[str, Any]] = {}
    for r in db.query(
        "SELECT i.*, u.name FROM spot_check_items i JOIN units u ON u.code = i.unit_code WHERE i.spot_check_id = ?"
        " ORDER BY i.unit_code, i.seq",
        [check_id],
    ):
        inst = out.setdefault(
            r["unit_code"], {"code": r["unit_code"], "name": r["name"], "risk": r["risk"], "children": []}
        )
        inst["children"].append(
            {
                "citizen_id": r["citizen_id"],
                "first_name": r["first_name"],
                "last_name": r["last_name"],
                "grade": r["grade"],
                "found": None if r["found"] is None else bool(r["found"]),
                "note": r["note"],
            }
        )
    items = [c for i in out.values() for c in i["children"]]
    return {
        "institutions": list(out.values()),
        "checked": sum(1 for c in items if c["found"] is not None),
        "missing": sum(1 for c in items if c["found"] is False),
        "total": len(items),
    }


def get(db: sqlite_utils.Database, actor: Actor, round_id: str, province: str, check_id: int) -> dict[str, Any]:
    require_province(db, actor, province)
    head = _head(db, round_id, province, check_id)
    return {**head, **_body(db, check_id), "state": _state(db, check_id)}


def _state(db: sqlite_utils.Database, check_id: int) -> str:
    total, done = db.execute(
        "SELECT COUNT(*), SUM(found IS NOT NULL) FROM spot_check_items WHERE spot_check_id = ?", [check_id]
    ).fetchone()
    return "done" if total and done == total else "in_progress"


def list_for(db: sqlite_utils.Database, actor: Actor, round_id: str, province: str) -> list[dict[str, Any]]:
    """The province's spot-checks of the round, newest first (heads with progress)."""
    require_province(db, actor, province)
    ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM spot_checks WHERE round_id = ? AND province_code = ? ORDER BY id DESC", [round_id, province]
        )
    ]
    out = []
    for check_id in ids:
        body = _body(db, check_id)
        head = _head(db, round_id, province, check_id)
        out.append(
            {
                **head,
                **{k: body[k] for k in ("checked", "missing", "total")},
                "state": _state(db, check_id),
                "institution_count": len(body["institutions"]),
            }
        )
    return out


def check_list(db: sqlite_utils.Database, actor: Actor, round_id: str, province: str, check_id: int) -> dict[str, Any]:
    """What the printable workbook needs (workbook_templates.spot_check.build_check_list)."""
    unit = require_province(db, actor, province)
    head = _head(db, round_id, province, check_id)
    return {
        "id": check_id,
        "round": round_id,
        "province": province,
        "province_name": registry.label(unit),
        "drawn_at_th": head["drawn_at_th"],
        **_body(db, check_id),
    }


def record(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    province: str,
    check_id: int,
    results: list[dict[str, Any]],
    *,
    now: datetime | None = None,
    filename: str | None = None,
) -> dict[str, Any]:
    """Record what the visit found: [{"citizen_id", "found": bool|None, "note"}] (None leaves a row open).

    Audited once for the province and once for each institution a child was not found at (so the
    institution and its LAO read it in their own audit log).
    """
    now = now or clock.now()
    try:
        require_province(db, actor, province)
        _head(db, round_id, province, check_id)
        sampled = {
            r[0]: r[1]
            for r in db.execute(
                "SELECT citizen_id, unit_code FROM spot_check_items WHERE spot_check_id = ?", [check_id]
            )
        }
        errors = []
        for n, r in enumerate(results, start=1):
            cid = str(r.get("citizen_id") or "").strip()
            if cid not in sampled:
                errors.append(f"รายการที่ {n}: เลขประจำตัว {cid or '(ว่าง)'} ไม่อยู่ในรายชื่อที่สุ่มไว้ครั้งที่ {check_id}")
            elif r.get("found") not in (True, False, None):
                errors.append(f"รายการที่ {n}: found ต้องเป็น true หรือ false")
        if errors:
            raise bad_request("bad_results", " · ".join(errors[:10]), {"errors": errors})
        given = [r for r in results if r.get("found") is not None]
        with transaction(db):
            db.conn.executemany(
                "UPDATE spot_check_items SET found = ?, note = ?, recorded_at = ? WHERE spot_check_id = ?"
                " AND citizen_id = ?",
                [
                    (
                        int(bool(r["found"])),
                        (str(r.get("note") or "").strip() or None),
                        clock.iso(now),
                        check_id,
                        str(r["citizen_id"]).strip(),
                    )
                    for r in given
                ],
            )
            db.execute(
                "UPDATE spot_checks SET recorded_at = ?, recorded_by = ? WHERE id = ?",
                [clock.iso(now), actor.user_id, check_id],
            )
            missing: dict[str, list[str]] = {}
            for r in given:
                if not r["found"]:
                    missing.setdefault(sampled[str(r["citizen_id"]).strip()], []).append(str(r["citizen_id"]).strip())
            detail = {
                "spot_check": check_id,
                "recorded": len(given),
                "missing": sum(len(v) for v in missing.values()),
                "filename": filename,
            }
            audit.record(
                db, "spot_check_results", actor=actor, round_id=round_id, unit_code=province, now=now, detail=detail
            )
            for code, ids in sorted(missing.items()):
                audit.record(
                    db,
                    "spot_check_results",
                    actor=actor,
                    round_id=round_id,
                    unit_code=code,
                    now=now,
                    detail={**detail, "not_found": ids},
                )
    except ServiceError as err:
        _refused(db, "spot_check_results", actor, round_id, province, err, now)
        raise
    return get(db, actor, round_id, province, check_id)


def notices_for(
    db: sqlite_utils.Database, round_id: str, units: list[str] | None, *, only_missing: bool = True
) -> list[dict[str, Any]]:
    """Children a spot-check did not find, at any of `units` (None: all), with whether the roster still
    lists them: an institution is on notice while one does (it must take the child out or explain).
    `only_missing=False`: every sampled child with its result so far (the book's spot-check sheet)."""
    sql = (
        "SELECT i.*, s.drawn_at, s.province_code, u.name AS unit_name, EXISTS (SELECT 1 FROM pupils p"
        " WHERE p.round_id = s.round_id AND p.unit_code = i.unit_code AND p.citizen_id = i.citizen_id) AS listed,"
        " ep.first_name AS e_first, ep.last_name AS e_last, ep.position AS e_position"
        " FROM spot_check_items i JOIN spot_checks s ON s.id = i.spot_check_id JOIN units u ON u.code = i.unit_code"
        " LEFT JOIN profiles ep ON ep.id = i.explained_profile"
        " WHERE s.round_id = ?" + (" AND i.found = 0" if only_missing else "")
    )
    params: list[Any] = [round_id]
    if units is not None:
        sql += " AND i.unit_code IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(units))
    out = []
    for r in db.query(sql + " ORDER BY i.unit_code, i.spot_check_id, i.seq", params):
        out.append(
            {
                "spot_check": r["spot_check_id"],
                "unit_code": r["unit_code"],
                "unit_name": r["unit_name"],
                "citizen_id": r["citizen_id"],
                "first_name": r["first_name"],
                "last_name": r["last_name"],
                "grade": r["grade"],
                "note": r["note"],
                "found": None if r["found"] is None else bool(r["found"]),
                "drawn_at": r["drawn_at"],
                "recorded_at": r["recorded_at"],
                "recorded_at_th": clock.thai_datetime(r["recorded_at"]) if r["recorded_at"] else None,
                "still_listed": bool(r["listed"]),
                **_explained(r),
            }
        )
    return out


NOTICE_TODO_TH = (
    "นำชื่อเด็กออกจากทะเบียน (บันทึกในแผ่นงานนำออกพร้อมเหตุผล) แล้วส่งแฟ้มใหม่"
    " หรือถ้าเด็กมีตัวตนจริง ให้บันทึกคำชี้แจงพร้อมหลักฐานในหน้าหน่วยงานของสถานศึกษา"
)
"""What an institution on notice must do (issue 13: remove the child, or explain, which is recorded)."""


def _explained(r: dict[str, Any]) -> dict[str, Any]:
    """A notice's explanation by the institution (None until it gives one) and what is left to do."""
    person = f"{r.get('e_first') or ''} {r.get('e_last') or ''}".strip() or None
    explained = bool(r.get("explanation"))
    missing = r["found"] == 0
    return {
        "explanation": r.get("explanation"),
        "explained_at": r.get("explained_at"),
        "explained_at_th": clock.thai_datetime(r["explained_at"]) if r.get("explained_at") else None,
        "explained_by": person,
        "explained_position": r.get("e_position"),
        "state": None if not missing else "removed" if not r["listed"] else "explained" if explained else "open",
        "todo_th": NOTICE_TODO_TH if missing and r["listed"] and not explained else None,
    }


def notices_of_unit(db: sqlite_utils.Database, round_id: str, code: str) -> list[dict[str, Any]]:
    """Notices at `code` and below (the nation: all). Call after the caller's scope check (chain.status)."""
    if scope.is_national(code):
        return notices_for(db, round_id, None)
    return notices_for(db, round_id, [code, *registry.descendants(db, code)])


def record_file(db: sqlite_utils.Database, actor: Actor, round_id: str, province: str, check_id: int, data: bytes,
                *, filename: str | None = None, now: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    """Record the filled check list: read by the hardened reader (open_workbook runs check_container);
    422 with sheet, row and column for a bad cell, or for the list of another spot-check."""
    from workbook_templates import WorkbookError
    from workbook_templates.spot_check import read_check_list

    require_province(db, actor, province)
    try:
        try:
            read = read_check_list(data)
        except WorkbookError as err:
            raise ServiceError(422, "workbook_rejected", err.message_th, {"errors": [{"code": err.code,
                               "message": err.message_th}]}) from None  # fmt: skip
        if read.spot_check_id not in (None, check_id):
            other = f"ไฟล์นี้เป็นแบบตรวจสอบครั้งที่ {read.spot_check_id} ไม่ใช่ครั้งที่ {check_id}"
            read.errors.append({"sheet": None, "row": None, "column": None, "code": "SPOT_CHECK_OTHER",
                                "message": other})  # fmt: skip
        if read.errors:
            raise ServiceError(422, "spot_check_rejected", read.errors[0]["message"], {"errors": read.errors})
    except ServiceError as err:  # a rejected check list is part of the record too
        _refused(db, "spot_check_results", actor, round_id, province, err, now or clock.now())
        raise
    results = [r for r in read.results if r["found"] is not None]
    return record(db, actor, round_id, province, check_id, results, now=now, filename=filename)
