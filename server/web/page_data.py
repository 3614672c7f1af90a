"""What the web pages show, assembled from the core's services (chain, scope, rounds, registry).

Why separate from server/web/pages.py: the routes stay thin (parse, call, render) and these functions can
be tested without HTTP. Nothing here decides a chain rule or a scope rule: states, blockers and
conflicts come from `chain.status`, permissions from `scope.may`.

    default_round(db, now) -> dict | None          the round a login lands on
    tree(db, actor, rnd, now) -> dict              the dashboard's own unit: with its institutions (an LAO);
                                                   alone for a province and the nation, whose units the
                                                   progress dashboard shows (server/web/dashboard.py)
    unit_view(db, actor, rnd, code, now) -> dict   one unit's page: status plus what the viewer may do
    audit_rows(db, actor, filters) -> [dict]       the audit log within the viewer's scope (page and API alike)
    audit_entry(row) -> dict                       one of those rows as GET /api/v1/audit gives it
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from server.domain import chain, conflicts, progress, registrars, registry, rounds, scope, spot_checks
from server.domain.actor import Actor
from server.web.thai_format import count_table

AUDIT_LIMIT = 500


def default_round(db: sqlite_utils.Database, now: datetime) -> dict[str, Any] | None:
    """The newest open round, else the newest round of any phase (`rounds.current_round`)."""
    return rounds.current_round(db, now)


def _round_open(rnd: dict[str, Any], now: datetime) -> bool:
    return rounds.phase(rnd, now) == "open"


def _node(
    db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], unit: dict[str, Any], state: str, now: datetime
) -> dict[str, Any]:
    """One tree node: the unit, its state and the buttons this viewer may press on it."""
    level = unit["level"]
    deadline = rounds.deadline_for(rnd, level) if level in rounds.DEADLINE_COLUMN else None
    open_ = _round_open(rnd, now) and rnd["mode"] == "confirm"
    return {
        "code": unit["code"],
        "name": unit["name"],
        "kind": unit["kind"],
        "level": level,
        "state": state,
        "deadline": deadline.isoformat() if deadline else None,
        "overdue": bool(deadline and now > deadline and state != "confirmed"),
        "can_confirm": open_ and state != "confirmed" and scope.may(db, actor, unit, "confirm"),
        "can_revoke": open_ and state == "confirmed" and scope.may(db, actor, unit, "revoke"),
        "children": [],
    }


def _from_status(
    db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], status: dict[str, Any], now: datetime
) -> dict[str, Any]:
    unit = registry.require_unit(db, status["unit"]["code"])
    node = _node(db, actor, rnd, unit, status["state"], now)
    node.update(
        total=status["counts"]["total"],
        pupils=status["counts"]["pupils_total"],
        other=status["counts"]["other_total"],
        confirmed=status["confirmed"],
        conflicts=status["conflicts"],
        blockers=status["blockers"],
        rows=status["upload"]["rows"] if status["upload"] else None,
    )
    for kid in status["children"]:
        child = _node(db, actor, rnd, registry.require_unit(db, kid["code"]), kid["state"], now)
        child.update(rows=kid["rows"], confirmed_at=kid["confirmed_at"])
        if child["can_revoke"] and node["state"] == "confirmed":
            # chain.revoke would refuse (letter 000 §8); say whom to ask instead of offering the button
            child["can_revoke"] = False
            above = "จังหวัด" if unit["level"] == "lao" else "กรมฯ"
            child["revoke_note"] = f"ยกเลิกได้เมื่อ{above}ยกเลิกการยืนยันของ {unit['name']} ก่อน"
        node["children"].append(child)
    return node


def tree(db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The viewer's own unit with everything below it, two levels deep at most.

    An institution sees itself; an LAO itself and its institutions; a province itself, its LAOs and
    their institutions; the national admin the provinces (each province links to its own tree).
    """
    if actor.is_admin:
        root = {
            "code": registry.NATIONAL,
            "name": registry.NATIONAL_NAME,
            "level": "national",
            "kind": "national",
            "state": None,
            "children": [],
            "conflicts": _national_conflicts(db, actor, rnd, now),
            "blockers": [],
            "confirmed": None,
        }
        return root  # the provinces are the dashboard's (server/web/dashboard.py)
    assert actor.unit_code
    if actor.level == "province":  # its LAOs and institutions: the dashboard (server/web/dashboard.py)
        return _province_head(db, actor, rnd, actor.unit_code, now)
    root = _from_status(db, actor, rnd, chain.status(db, actor, rnd["id"], actor.unit_code, now=now), now)
    return _expand_laos(db, actor, rnd, root, now)


def _province_head(
    db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], code: str, now: datetime
) -> dict[str, Any]:
    """A province's own card without `chain.status`: that one also walks every LAO and counts every pupil
    (0.3 s for a 349-LAO province); the card needs the state, who confirmed, the blockers and the open
    conflicts, and leaves the head counts to the province's unit page."""
    unit = scope.check(db, actor, code, "view")
    node = _node(db, actor, rnd, unit, progress.unit_states(db, rnd, [unit])[code], now)
    conf = chain.confirmation(db, rnd["id"], code)
    confirmed = None
    if conf is not None:
        person = f"{conf['first_name'] or ''} {conf['last_name'] or ''}".strip() or None
        confirmed = {"at": conf["confirmed_at"], "by": conf["login"], "person": person, "position": conf["position"]}
    fixing = rnd["mode"] == "correction"
    node.update(
        total=None,
        confirmed=confirmed,
        conflicts=conflicts.conflicts_for(db, rnd["id"], [code, *registry.descendants(db, code)]),
        blockers=[] if conf or fixing else chain.blockers(db, rnd, unit),
        deadline=None if fixing else node["deadline"],
    )
    return node


def _national_conflicts(
    db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """The nation's open conflicts, oldest first, each with how long it has been open and who decides."""
    found = conflicts.with_open_days(db, rnd["id"], conflicts.conflicts_for(db, rnd["id"], None), now)
    writable = _round_open(rnd, now)
    for cf in found:
        cf["may_decide"] = writable and conflicts.may_decide(actor, cf["decider"])
    return sorted(found, key=lambda c: (c["opened_at"] or "", c["citizen_id"]))


def _expand_laos(
    db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], node: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Under a province, give each LAO its own status (totals, conflicts) and its institutions."""
    if node["level"] == "province":
        node["children"] = [
            _from_status(db, actor, rnd, chain.status(db, actor, rnd["id"], kid["code"], now=now), now)
            if kid["level"] == "lao"
            else kid
            for kid in node["children"]
        ]
    return node


def unit_view(db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], code: str, now: datetime) -> dict[str, Any]:
    """One unit's page: `chain.status` (which checks scope) plus counts tables and permissions."""
    status = chain.status(db, actor, rnd["id"], code, now=now)
    unit = registry.require_unit(db, code)
    node = _expand_laos(db, actor, rnd, _from_status(db, actor, rnd, status, now), now)
    writable = _round_open(rnd, now) or bool(status["exception"])
    status["conflicts"].sort(key=lambda c: (c.get("opened_at") or "", c["citizen_id"]))  # the oldest first
    for cf in status["conflicts"]:  # each carries its decider (conflicts.with_open_days)
        cf["may_decide"] = writable and conflicts.may_decide(actor, cf["decider"])
    for dec in status["decisions"]:
        dec["may_withdraw"] = writable and conflicts.may_withdraw(db, actor, dec["decider"])
        dec["mine_to_fix"] = (
            unit["level"] == "institution" or dec.get("conflict_kind") == "other_affiliation"
        ) and any(u["code"] == code and not u["keeps"] and u["still_listed"] for u in dec["units"])
    notices = spot_checks.notices_of_unit(db, rnd["id"], code)
    own_checks = unit["level"] == "province" and (actor.is_admin or actor.unit_code == code)
    return {
        "status": status,
        "notices": notices,
        "can_explain": writable and not actor.is_admin and actor.unit_code == code and unit["level"] == "institution",
        "spot_checks": spot_checks.list_for(db, actor, rnd["id"], code) if own_checks else None,
        "can_draw": own_checks and writable,
        "node": node,
        "unit": unit,
        "ancestors": list(reversed(registry.ancestors(db, code))),
        "pupil_rows": count_table(status["counts"]["pupils"]),
        "other_rows": count_table(status["counts"]["other"]),
        "correction": _correction_view(status),
        "form": registry.FORM_BY_KIND.get(unit["kind"]),
        "can_upload": writable and status["state"] != "confirmed" and scope.may(db, actor, unit, "upload"),
        "has_template": registry.FORM_BY_KIND.get(unit["kind"]) is not None,
        "has_consolidated": unit["level"] in ("lao", "province"),
        "registrars": registrars.history_for(db, actor, code) if registrars.appointable(unit) else None,
    }


def _correction_view(status: dict[str, Any]) -> dict[str, Any] | None:
    """A correction round's block: the basis and its date, the corrected total, the difference per grade
    (the same numbers as the status JSON's "correction")."""
    corr = status.get("correction")
    if not corr:
        return None
    rows = []
    for source, title in (("pupils", "สถานศึกษาสังกัด อปท."), ("other", "สังกัดอื่น")):
        basis = {r["grade"]: r["total"] for r in count_table(corr["basis"][source])}
        now = {r["grade"]: r["total"] for r in count_table(status["counts"][source])}
        for grade in dict.fromkeys([*basis, *now]):
            rows.append({"source": title, "grade": grade, "basis": basis.get(grade, 0), "now": now.get(grade, 0),
                         "diff": now.get(grade, 0) - basis.get(grade, 0)})  # fmt: skip
    return {
        "label": corr["basis_label"],
        "basis": corr["basis"]["total"],
        "now": status["counts"]["total"],
        "diff": corr["difference"]["total"],
        "rows": rows,
    }


def parse_day(text: str | None) -> date | None:
    """A date typed in a filter box: dd/mm/yyyy as clerks write it, or ISO; a year above 2400 is BE."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if "/" in text:
            d, m, y = (int(part) for part in text.split("/"))
            day = date(y, m, d)
        else:
            day = date.fromisoformat(text)
    except ValueError:
        return None
    return day.replace(year=day.year - 543) if day.year > 2400 else day


def audit_rows(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    unit: str | None = None,
    action: str | None = None,
    who: str | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    round_id: str | None = None,
    limit: int = AUDIT_LIMIT,
) -> list[dict[str, Any]]:
    """Audit records the viewer may see, newest first, with the person's name from their profile.

    Written here rather than with `audit.entries` because the page needs filters it lacks (who, date)
    and must also show records whose *actor* is in scope (logins and profile changes carry no target
    unit). Scope: a record is visible when its target or its actor's unit is the viewer's unit or below.
    """
    where: list[str] = []
    params: list[Any] = []
    visible = scope.visible_units(db, actor)
    if visible is not None:
        where.append(
            "(a.unit_code IN (SELECT value FROM json_each(?)) OR a.actor_unit IN (SELECT value FROM json_each(?)))"
        )
        params += [json.dumps(visible), json.dumps(visible)]
    if unit:
        scope.check(db, actor, unit, "view")
        where.append("(a.unit_code = ? OR a.actor_unit = ?)")
        params += [unit, unit]
    if action:
        where.append("a.action = ?")
        params.append(action)
    if who:
        where.append("a.login = ?")
        params.append(who.strip())
    if round_id:
        where.append("a.round_id = ?")
        params.append(round_id)
    if day_from:
        where.append("a.at >= ?")
        params.append(day_from.isoformat())
    if day_to:
        where.append("a.at < ?")
        params.append((day_to + timedelta(days=1)).isoformat())
    sql = (
        "SELECT a.*, p.first_name, p.last_name, p.position, u.name AS unit_name FROM audit a"
        " LEFT JOIN profiles p ON p.id = a.profile_id LEFT JOIN units u ON u.code = a.unit_code"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.id DESC LIMIT ?"
    rows = list(db.query(sql, [*params, limit]))
    for row in rows:
        row["detail"] = json.loads(row["detail"] or "{}")
        row["person"] = " ".join(x for x in (row["first_name"], row["last_name"]) if x) or None
        if row["person"] is None and row["login"] == "cli" and isinstance(row["detail"].get("by"), str):
            row["person"] = row["detail"]["by"]  # a console command: `--by NAME`, else the OS user and host
        row["summary"] = _audit_summary(row)
    return rows


AUDIT_API_FIELDS = (
    "id",
    "at",
    "action",
    "outcome",
    "code",
    "login",
    "person",
    "position",
    "actor_unit",
    "unit_code",
    "unit_name",
    "round_id",
    "file_sha256",
    "summary",
    "detail",
)
"""What GET /api/v1/audit gives per record: the person by name and position, as the page shows them
(no internal user or profile id)."""


def audit_entry(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in AUDIT_API_FIELDS}


def _audit_summary(row: dict[str, Any]) -> str:
    """The one line of detail a province officer wants: the reason, the rows, the refusal."""
    d = row["detail"]
    parts = []
    if d.get("reason"):
        parts.append(f"เหตุผล: {d['reason']}")
    if row["action"] == "upload" and d.get("rows") is not None:
        parts.append(f"{d['rows']:,} แถว")
    if d.get("errors") and not d.get("message"):
        parts.append(f"ข้อผิดพลาด {d['errors']:,} รายการ")
    if d.get("warnings"):
        parts.append(f"คำเตือน {d['warnings']:,} รายการ")
    if d.get("filename"):
        parts.append(f"ไฟล์ {d['filename']}")
    if d.get("on_behalf"):
        parts.append("ส่งแทนสถานศึกษา")
    if row["action"] == "confirm" and d.get("total") is not None:
        parts.append(f"รวม {d['total']:,} คน")
    if d.get("message") and row["outcome"] != "ok":
        parts.append(str(d["message"]))
    return " · ".join(parts)
