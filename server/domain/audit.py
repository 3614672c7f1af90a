"""The append-only audit trail: every login, profile, upload, confirm, revoke, exception and round.

Why: the letters threaten disciplinary action over wrong data, so every number must be traceable to the
person (profile) who entered or confirmed it. Refused attempts are recorded too (outcome 'refused' or
'rejected'), because "who tried to confirm after the deadline" is exactly what a province asks. SQLite
triggers (server/storage/db.py) refuse UPDATE and DELETE on this table, so not even a bug here can rewrite it.

    record(db, action, outcome, actor=..., round_id=..., unit_code=..., code=..., detail=...)
    cli_by(name=None) -> str      who ran a CLI command: `--by NAME`, else the OS user and host
    entries(db, round_id=None, unit_code=None, units=None, action=None, limit=500) -> list[dict]
"""

from __future__ import annotations

import getpass
import json
import socket
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlite_utils

from server.storage import clock

if TYPE_CHECKING:
    from server.domain.actor import Actor

ACTIONS = (
    "login", "logout", "profile", "account_reset", "upload", "confirm", "revoke", "exception",
    "round_create", "registry_import", "users_issue", "admin_create",
    "conflict_decide", "conflict_withdraw", "spot_check_draw", "spot_check_results",
    "registrar_appoint", "graduates_submit", "graduates_approve", "graduates_return",
)  # fmt: skip


CLI_LOGIN = "cli"
"""The `login` of records made at the console; the person is in `detail.by` (see `cli_by`)."""


def cli_by(name: str | None = None) -> str:
    """Who ran a CLI command, for its audit record: the `--by` name with the OS account it ran under,
    else that account alone (`user@host`). Why both: `--by` is typed, the OS account is not."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's arbitrary uid)
        user = "unknown"
    who = f"{user}@{socket.gethostname()}"
    name = (name or "").strip()
    return f"{name} ({who})" if name else who


def record(
    db: sqlite_utils.Database,
    action: str,
    outcome: str = "ok",
    *,
    actor: Actor | None = None,
    login: str | None = None,
    round_id: str | None = None,
    unit_code: str | None = None,
    code: str | None = None,
    sha256: str | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Append one record and return its id. Call inside the transaction of the action it records."""
    cur = db.execute(
        "INSERT INTO audit (at, action, outcome, code, user_id, login, profile_id, actor_unit,"
        " round_id, unit_code, file_sha256, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            clock.iso(now or clock.now()),
            action,
            outcome,
            code,
            actor.user_id if actor else None,
            actor.login if actor else login,
            actor.profile_id if actor else None,
            actor.unit_code if actor else None,
            round_id,
            unit_code,
            sha256,
            json.dumps(detail or {}, ensure_ascii=False, default=str),
        ],
    )
    return int(cur.lastrowid or 0)


def entries(
    db: sqlite_utils.Database,
    *,
    round_id: str | None = None,
    unit_code: str | None = None,
    units: list[str] | None = None,
    action: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Audit records, newest first, filtered; `units` restricts targets to a scope's unit codes."""
    where, params = [], []
    if round_id:
        where.append("round_id = ?")
        params.append(round_id)
    if unit_code:
        where.append("unit_code = ?")
        params.append(unit_code)
    if units is not None:
        where.append(f"unit_code IN ({','.join('?' * len(units))})" if units else "0")
        params.extend(units)
    if action:
        where.append("action = ?")
        params.append(action)
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT ?"
    rows = list(db.query(sql, [*params, limit]))
    for row in rows:
        row["detail"] = json.loads(row["detail"] or "{}")
    return rows
