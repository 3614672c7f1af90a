"""Progress of a round over a province (up to 349 LAOs, about a thousand institutions) or the nation.

Why its own module, beside `chain.status`: `chain.status` answers everything about ONE unit (counts,
conflicts, blockers) and costs a few queries per unit; a province page built from it for each of 349
LAOs took over a second, the national one seven. Here every unit's state comes from three set queries
over the whole round (confirmations, rosters, LAOs with other-affiliation schools), so a province or
the nation costs a handful of queries whatever its size. The states are chain's own (`chain._state`
calls `unit_states`), so the dashboard, the unit page and the add-in cannot disagree.

    unit_states(db, rnd, units) -> {code: state}        the chain's state of each unit, in bulk
    overview(db, actor, rnd, code, now) -> dict         a province ("84") or the nation ("TH"): its units
                                                        with state, deadline, lateness and contact; the
                                                        summary per level (count and share by state)
    late_rows(view) -> [dict]                           the units not confirmed (late first): the list a
                                                        province sends out, page and workbook alike
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import sqlite_utils

from server.domain import correction, registry, rounds, scope
from server.domain.actor import Actor
from server.storage import clock

CONFIRM_STATES = ("confirmed", "uploaded", "unconfirmed", "not_uploaded")
"""The order the summary shows a confirm round's states in: done first, nothing sent last."""
CORRECTION_STATES = ("corrected", "unchanged", "not_uploaded")
LEVELS = ("province", "lao", "institution")


def _in(codes: list[str]) -> str:
    return json.dumps(codes)


def unit_states(db: sqlite_utils.Database, rnd: dict[str, Any], units: list[dict[str, Any]]) -> dict[str, str]:
    """The chain's state of each unit (rows of `units` with code and level): confirmed; uploaded (a roster
    or other-affiliation counts are in); not_uploaded; unconfirmed for a province, and for an LAO with no
    other-affiliation school (it has nothing to upload). In a correction round: correction's three states."""
    if not units:
        return {}
    rid, codes = rnd["id"], _in([u["code"] for u in units])
    rostered = {
        r[0]
        for r in db.execute(
            "SELECT unit_code FROM rosters WHERE round_id = ? AND unit_code IN (SELECT value FROM json_each(?))",
            [rid, codes],
        )
    }
    if rnd["mode"] == "correction":
        return _correction_states(db, rnd, units, rostered)
    confirmed = {
        r[0]
        for r in db.execute(
            "SELECT unit_code FROM confirmations WHERE round_id = ? AND unit_code IN (SELECT value FROM json_each(?))",
            [rid, codes],
        )
    }
    with_other = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT parent FROM units WHERE level = 'other_school'"
            " AND parent IN (SELECT value FROM json_each(?))",
            [codes],
        )
    }
    out = {}
    for u in units:
        code, level = u["code"], u["level"]
        if code in confirmed:
            out[code] = "confirmed"
        elif level in ("institution", "lao") and code in rostered:
            out[code] = "uploaded"
        elif level == "institution" or (level == "lao" and code in with_other):
            out[code] = "not_uploaded"
        else:
            out[code] = "unconfirmed"
    return out


def _correction_states(
    db: sqlite_utils.Database, rnd: dict[str, Any], units: list[dict[str, Any]], rostered: set[str]
) -> dict[str, str]:
    """correction.unit_state in bulk: a unit is corrected when it or a unit below it uploaded in the window."""
    fixed = correction.corrected_units(db, rnd["id"])
    touched = set(fixed)
    for code, parent, grand in db.execute(
        "SELECT u.code, u.parent, p.parent FROM units u LEFT JOIN units p ON p.code = u.parent"
        " WHERE u.code IN (SELECT value FROM json_each(?))",
        [_in(sorted(fixed))],
    ):
        touched.update(c for c in (code, parent, grand) if c)
    out = {}
    for u in units:
        code = u["code"]
        if code in touched and (u["level"] != "institution" or code in fixed):
            out[code] = "corrected"
        elif u["level"] == "province" or code in rostered:
            out[code] = "unchanged"
        else:
            out[code] = "not_uploaded"
    return out


def _contacts(db: sqlite_utils.Database, codes: list[str]) -> dict[str, dict[str, Any]]:
    """The responsible person of each unit's account (its current profile): whom a reminder goes to."""
    out: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "SELECT us.unit_code, us.login, p.first_name, p.last_name, p.position, p.phone FROM users us"
        " LEFT JOIN profiles p ON p.user_id = us.id AND p.ended_at IS NULL"
        " WHERE us.unit_code IN (SELECT value FROM json_each(?)) ORDER BY us.id, p.id",
        [_in(codes)],
    ):
        person = " ".join(x for x in (row["first_name"], row["last_name"]) if x)
        out[row["unit_code"]] = {
            "login": row["login"],
            "person": person or None,
            "position": row["position"],
            "phone": row["phone"],
        }
    return out


def _units_of(db: sqlite_utils.Database, code: str) -> list[dict[str, Any]]:
    """The province's LAOs and institutions (code order), or every province, LAO and institution (TH)."""
    cols = "code, name, kind, level, parent"
    if code == registry.NATIONAL:
        return list(
            db.query(f"SELECT {cols} FROM units WHERE level IN ('province', 'lao', 'institution') ORDER BY code")
        )
    return list(
        db.query(
            f"SELECT {cols} FROM units WHERE parent = ? AND level = 'lao'"
            f" UNION ALL SELECT {cols} FROM units WHERE level = 'institution'"
            " AND parent IN (SELECT code FROM units WHERE parent = ? AND level = 'lao') ORDER BY code",
            [code, code],
        )
    )


def _facts(db: sqlite_utils.Database, rid: str, codes: list[str] | None, now: datetime) -> tuple[dict, dict, dict]:
    """Roster rows and upload time, confirmation time, and the latest standing exception of each unit of
    `codes` in the round (None: every unit, for the nation)."""
    only = "" if codes is None else " AND {col} IN (SELECT value FROM json_each(?))"
    extra = [] if codes is None else [_in(codes)]
    rosters = {
        r[0]: (r[1], r[2])
        for r in db.execute(
            "SELECT r.unit_code, r.rows, up.at FROM rosters r JOIN uploads up ON up.id = r.upload_id"
            " WHERE r.round_id = ?" + only.format(col="r.unit_code"),
            [rid, *extra],
        )
    }
    confirmed = {
        r[0]: r[1]
        for r in db.execute(
            "SELECT unit_code, confirmed_at FROM confirmations WHERE round_id = ?" + only.format(col="unit_code"),
            [rid, *extra],
        )
    }
    extended = {
        r[0]: r[1]
        for r in db.execute(
            "SELECT unit_code, MAX(until) FROM exceptions WHERE round_id = ? AND until >= ?"
            + only.format(col="unit_code")
            + " GROUP BY unit_code",
            [rid, clock.iso(now), *extra],
        )
    }
    return rosters, confirmed, extended


def overview(db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], code: str, now: datetime) -> dict[str, Any]:
    """Everything the dashboard and the late list show about a province or the nation ("TH", admin only).

    -> {"unit", "units": [row], "by_code", "summary": {level: {"total", "late", "states": [(state, n, share)]}},
        "correcting"}; a row is the unit with state, deadline (ISO, an exception's if one stands), overdue,
        rows, uploaded_at, confirmed_at, parent's name, province code and contact.
    """
    if scope.is_national(code):
        scope.require_national(actor, "ภาพรวมระดับประเทศดู")
        head = {"code": registry.NATIONAL, "name": registry.NATIONAL_NAME, "kind": "national", "level": "national"}
    else:
        head = scope.check(db, actor, code, "view")
        if head["level"] != "province":
            raise ValueError("overview is for a province or the nation")
    units = _units_of(db, head["code"])
    states = unit_states(db, rnd, units)
    national = head["level"] == "national"
    rosters, confirmed, extended = _facts(db, rnd["id"], None if national else [u["code"] for u in units], now)
    contacts = _contacts(db, [u["code"] for u in units])
    correcting = rnd["mode"] == "correction"
    deadlines = {lvl: rounds.deadline_for(rnd, lvl) for lvl in LEVELS if lvl in rounds.DEADLINE_COLUMN}
    due_iso = {lvl: clock.iso(dt) for lvl, dt in deadlines.items()}
    names = {u["code"]: u["name"] for u in units}
    if head["level"] == "province":
        names[head["code"]] = head["name"]
    by_code: dict[str, dict[str, Any]] = {}
    for u in units:
        state = states[u["code"]]
        deadline = None if correcting else deadlines.get(u["level"])
        due = None if correcting else due_iso.get(u["level"])
        if deadline and u["code"] in extended:  # an exception granted past the round's deadline
            deadline = max(deadline, clock.parse_datetime(extended[u["code"]]))
            due = clock.iso(deadline)
        roster = rosters.get(u["code"])
        row = {
            **u,
            "state": state,
            "deadline": due,
            "overdue": bool(deadline and now > deadline and state != "confirmed"),
            "rows": roster[0] if roster else None,
            "uploaded_at": roster[1] if roster else None,
            "confirmed_at": confirmed.get(u["code"]),
            "parent_name": names.get(u["parent"] or ""),
            "contact": contacts.get(u["code"]),
            "children": [],
        }
        by_code[u["code"]] = row
    for row in by_code.values():
        parent = by_code.get(row["parent"] or "")
        if parent is not None:
            parent["children"].append(row)
    for row in by_code.values():  # the province of each LAO and institution, for the national late list
        up = by_code.get(row["parent"] or "")
        row["province"] = (
            row["code"] if row["level"] == "province" else up["code"] if up and up["level"] == "province"
            else (up["parent"] if up else head["code"])
        )  # fmt: skip
    return {
        "unit": head,
        "units": list(by_code.values()),
        "by_code": by_code,
        "summary": summary(list(by_code.values()), correcting),
        "correcting": correcting,
    }


def summary(rows: list[dict[str, Any]], correcting: bool) -> dict[str, dict[str, Any]]:
    """Per level: how many units, how many late, and (state, count, share in %) in the states' order."""
    order = CORRECTION_STATES if correcting else CONFIRM_STATES
    by_level: dict[str, Counter[str]] = defaultdict(Counter)
    late: Counter[str] = Counter()
    for row in rows:
        by_level[row["level"]][row["state"]] += 1
        late[row["level"]] += row["overdue"]
    out = {}
    for level in LEVELS:
        counts = by_level.get(level)
        if not counts:
            continue
        total = sum(counts.values())
        out[level] = {
            "total": total,
            "late": late[level],
            "states": [(s, counts[s], 100.0 * counts[s] / total) for s in order if counts[s]],
        }
    return out


LATE_ORDER = {"not_uploaded": 0, "unconfirmed": 1, "uploaded": 2}


def late_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Units that are late or missing: not confirmed (in a correction round: nothing sent and no data to
    keep). Overdue first, then those with nothing sent, then by code, so the list reads as a call sheet."""
    if view["correcting"]:
        rows = [r for r in view["units"] if r["state"] == "not_uploaded"]
    else:
        rows = [r for r in view["units"] if r["state"] != "confirmed"]
    level_no = {lvl: i for i, lvl in enumerate(LEVELS)}
    return sorted(
        rows, key=lambda r: (not r["overdue"], level_no[r["level"]], LATE_ORDER.get(r["state"], 3), r["code"])
    )
