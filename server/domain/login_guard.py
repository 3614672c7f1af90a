"""Slowing password guessing without locking the rightful person out (issue 10, item 3).

Why not a lock: unit codes are public, so "five failures lock the account" lets anyone lock every school
out on deadline day. Failures are counted per *account and address* instead: after `free_failures`
failures from one address, that address waits 1 s, 2 s, 4 s ... (at most `max_delay_seconds`) between
tries on that account, while the right password from any other address still works at once. A
separate ceiling per address (`max_per_addr` failures over all accounts in the window) slows one
machine spraying many accounts. A success from an address clears that address's count.

Why atomic: the check and the record happen in one `BEGIN IMMEDIATE` transaction, and the attempt is
recorded as a failure *before* the (slow) password check, then turned into a success if the password
was right. So forty parallel tries are admitted one after the other and get exactly as many password
checks as forty serial tries would.

    Limits, limits(cfg) -> Limits
    admit(db, login, addr, now, limits) -> attempt id    call inside a write transaction; ServiceError 429
    succeeded(db, attempt_id)                            the password was right: not a failure after all
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from server.domain.errors import ServiceError
from server.storage import clock


@dataclass(frozen=True, slots=True)
class Limits:
    free_failures: int = 5
    max_per_addr: int = 100
    window_minutes: int = 15
    max_delay_seconds: int = 900


def limits(cfg: dict[str, Any]) -> Limits:
    """The limits from the app config (LOGIN_* settings in server/config.py)."""
    return Limits(
        free_failures=cfg["LOGIN_MAX_FAILURES"],
        max_per_addr=cfg["LOGIN_MAX_FAILURES_PER_ADDR"],
        window_minutes=cfg["LOGIN_WINDOW_MINUTES"],
        max_delay_seconds=cfg["LOGIN_MAX_DELAY_SECONDS"],
    )


def delay_after(failures: int, lim: Limits) -> int:
    """Seconds an address must wait after its latest failure on an account: 0, then 1, 2, 4, ... capped."""
    if failures < lim.free_failures:
        return 0
    return min(2 ** min(failures - lim.free_failures, 30), lim.max_delay_seconds)


def _refuse(retry: datetime, now: datetime) -> ServiceError:
    seconds = max(1, int((retry - now).total_seconds() + 0.999))
    return ServiceError(
        429,
        "rate_limited",
        f"เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป กรุณารอ {seconds:,} วินาที แล้วลองใหม่ (หลัง {clock.thai_datetime(retry)})",
        {"retry_after": seconds},
    )


def admit(db: sqlite_utils.Database, login: str, addr: str | None, now: datetime, lim: Limits) -> int:
    """Refuse (429) an address that must still wait on this account, else record a pending failure."""
    since = clock.iso(now - timedelta(minutes=lim.window_minutes))
    count, latest = db.execute(
        "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE login = ? AND addr IS ? AND ok = 0 AND at > ?"
        " AND id > COALESCE((SELECT MAX(id) FROM login_attempts WHERE login = ? AND addr IS ? AND ok = 1), 0)",
        [login, addr, since, login, addr],
    ).fetchone()
    wait = delay_after(count, lim)
    if wait and latest:
        retry = clock.parse_datetime(latest) + timedelta(seconds=wait)
        if retry > now:
            raise _refuse(retry, now)
    if addr is not None:
        by_addr, first = db.execute(
            "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE addr = ? AND ok = 0 AND at > ?", [addr, since]
        ).fetchone()
        if by_addr >= lim.max_per_addr:
            raise _refuse(clock.parse_datetime(first) + timedelta(minutes=lim.window_minutes), now)
    cur = db.execute("INSERT INTO login_attempts (login, addr, at, ok) VALUES (?,?,?,0)", [login, addr, clock.iso(now)])
    return int(cur.lastrowid or 0)


def succeeded(db: sqlite_utils.Database, attempt_id: int) -> None:
    db.execute("UPDATE login_attempts SET ok = 1 WHERE id = ?", [attempt_id])
