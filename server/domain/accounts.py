"""Accounts, the responsible person's profile, bearer tokens and the login rate limit (letter 003 §5.1).

A login is a unit code (or a national admin's name). Its first login uses the issued password; the
person must then create a profile (name, surname, position, phone) and set a new password before
anything else (403 `profile_required`). When the responsible person changes, a new profile starts and
the old one is kept, ended, in the history, so every audit record names the person, not just the code.

    Actor                                      who is acting: user, unit, level, current profile
    issue_accounts(db) -> [(login, password)]  a census login for every unit without one (`lec users issue`);
                                               registrars' logins are issued by server/domain/registrars.py
    make_admin(db, login) -> password          a national admin (`lec users admin`)
    authenticate(db, login, password, addr=...) -> (token, Actor)   guarded (login_guard); 401 / 429
    actor_for_token(db, token) / actor_for_token_hash(db, hash) -> Actor | None ; actor_for_user(db, user_id)
    complete_profile(db, actor, first_name=..., ..., new_password=..., current_password=...)
    revoke_tokens(db, user_id, keep=hash)      a password change ends every other token and web session
    reset_account(db, actor, login) -> password  change of responsible person, by admin or level above
    profile_history(db, login) -> [profile]    ; logout(db, token) ; logout_hash(db, hash)
    set_hash_params(time_cost, memory_cost, parallelism)   tests lower the (slow) argon2 defaults
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.domain import audit, login_guard, registry
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, forbidden, not_found
from server.storage import clock
from server.storage.db import transaction

_hasher = PasswordHasher()
_DUMMY_HASH: str | None = None
MIN_PASSWORD_LENGTH = 8
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Issued passwords avoid look-alikes (0/O, 1/l/I): they are read off paper by clerks."""


def set_hash_params(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Tune argon2id. The defaults are slow on purpose; only tests should lower them."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _DUMMY_HASH = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password(length: int = 12) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def token_hash(token: str) -> str:
    """Tokens are 256-bit random, so a fast hash is enough to make a stolen table useless."""
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for_user(db: sqlite_utils.Database, user_id: int) -> Actor:
    rows = list(
        db.query(
            "SELECT u.*, n.level AS unit_level, n.name AS unit_name,"
            " (SELECT id FROM profiles p WHERE p.user_id = u.id AND p.ended_at IS NULL"
            "  ORDER BY id DESC LIMIT 1) AS profile_id"
            " FROM users u LEFT JOIN units n ON n.code = u.unit_code WHERE u.id = ?",
            [user_id],
        )
    )
    if not rows:
        raise not_found("unknown_user", "ไม่พบผู้ใช้")
    u = rows[0]
    return Actor(
        user_id=u["id"],
        login=u["login"],
        role="registrar" if u["duty"] == "registrar" else u["role"],
        unit_code=u["unit_code"],
        level="national" if u["role"] == "admin" else u["unit_level"],
        unit_name=u["unit_name"] or ("กรมส่งเสริมการปกครองท้องถิ่น" if u["role"] == "admin" else None),
        profile_id=u["profile_id"],
        must_complete_profile=bool(u["must_complete_profile"]),
    )


def _user_by_login(db: sqlite_utils.Database, login: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM users WHERE login = ?", [login]))
    return rows[0] if rows else None


def _insert_user(db: sqlite_utils.Database, login: str, role: str, unit_code: str | None, password: str) -> int:
    cur = db.execute(
        "INSERT INTO users (login, role, unit_code, password_hash, must_complete_profile, created_at)"
        " VALUES (?,?,?,?,1,?)",
        [login, role, unit_code, hash_password(password), clock.iso(clock.now())],
    )
    return int(cur.lastrowid or 0)


def issue_accounts(
    db: sqlite_utils.Database, *, progress: Callable[[int], None] | None = None, by: str | None = None
) -> list[tuple[str, str]]:
    """An account (login = unit code, random first password) for every unit that has none.

    Other-affiliation schools get none: their counts are entered by the LAO. Hashing is slow on
    purpose (~0.1 s each), so `progress(n)` is told after each hash for a progress bar.
    """
    units = [
        r["code"]
        for r in db.query(
            "SELECT code FROM units WHERE level IN ('province','lao','institution')"
            " AND code NOT IN (SELECT unit_code FROM users WHERE unit_code IS NOT NULL AND duty IS NULL) ORDER BY code"
        )
    ]
    issued = [(code, new_password()) for code in units]
    hashed = []
    for code, pw in issued:  # hash outside the write lock
        hashed.append((code, hash_password(pw)))
        if progress:
            progress(1)
    now = clock.iso(clock.now())
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO users (login, role, unit_code, password_hash, must_complete_profile, created_at)"
            " VALUES (?, 'unit', ?, ?, 1, ?)",
            [(code, code, h, now) for code, h in hashed],
        )
        audit.record(
            db, "users_issue", login=audit.CLI_LOGIN, detail={"count": len(issued), "by": by or audit.cli_by()}
        )
    return issued


def make_admin(db: sqlite_utils.Database, login: str, password: str | None = None) -> str:
    """Create a national admin, or give an existing admin a new first password."""
    password = password or new_password(16)
    existing = _user_by_login(db, login)
    with transaction(db):
        if existing is None:
            _insert_user(db, login, "admin", None, password)
        elif existing["role"] != "admin":
            raise bad_request("login_taken", f"ชื่อผู้ใช้ {login} เป็นบัญชีของหน่วยงานอยู่แล้ว")
        else:
            db.execute(
                "UPDATE users SET password_hash = ?, must_complete_profile = 1 WHERE id = ?",
                [hash_password(password), existing["id"]],
            )
        audit.record(db, "admin_create", login=login, detail={"existing": existing is not None})
    return password


def _guarded_check(
    db: sqlite_utils.Database,
    login: str,
    password: str,
    stored_hash: str | None,
    *,
    addr: str | None,
    now: datetime,
    limits: login_guard.Limits,
    unit_code: str | None,
    then: Callable[[], None] | None = None,
) -> bool:
    """One password check under the login guard: admitted and recorded atomically, refused (429) when the
    address must still wait on this account. Refusals and wrong passwords are audited.

    `then` runs inside the transaction that records a right password (a login's token and audit record):
    two commits a login instead of three, each one a wait for the write lock and an fsync on deadline day.
    The slow hash runs between the two, holding no lock."""
    try:
        with transaction(db, durable=False):  # a power cut may lose an attempt record, never two tries at once
            attempt = login_guard.admit(db, login, addr, now, limits)
    except ServiceError as err:
        with transaction(db):
            audit.record(
                db, "login", "refused", login=login, code=err.code, unit_code=unit_code, detail={"addr": addr}, now=now
            )
        raise
    global _DUMMY_HASH
    if stored_hash is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-password")
        verify_password(_DUMMY_HASH, password)  # same cost as a real check: no user-enumeration by timing
        ok = False
    else:
        ok = verify_password(stored_hash, password)
    with transaction(db, durable=False):  # a token lost to a power cut: log in again
        if ok:
            login_guard.succeeded(db, attempt)
            if then is not None:
                then()
        else:
            audit.record(
                db,
                "login",
                "refused",
                login=login,
                code="bad_credentials",
                unit_code=unit_code,
                detail={"addr": addr},
                now=now,
            )
    return ok


def authenticate(
    db: sqlite_utils.Database,
    login: str,
    password: str,
    *,
    addr: str | None = None,
    now: datetime | None = None,
    ttl_hours: int = 12,
    limits: login_guard.Limits | None = None,
) -> tuple[str, Actor]:
    """Check a password and issue a bearer token. Every attempt is audited (with the account's unit, so
    the unit sees who tried its login); repeated failures from one address are slowed (server/login_guard.py)."""
    now = now or clock.now()
    login = (login or "").strip()
    user = _user_by_login(db, login)
    token = secrets.token_urlsafe(32)
    actor = actor_for_user(db, user["id"]) if user else None

    def issue() -> None:  # inside the transaction that records the right password
        assert user is not None and actor is not None
        db.execute(
            "INSERT INTO tokens (user_id, token_hash, created_at, expires_at) VALUES (?,?,?,?)",
            [user["id"], token_hash(token), clock.iso(now), clock.iso(now + timedelta(hours=ttl_hours))],
        )
        audit.record(db, "login", actor=actor, detail={"addr": addr}, now=now)

    ok = _guarded_check(
        db,
        login,
        password,
        user["password_hash"] if user else None,
        addr=addr,
        now=now,
        limits=limits or login_guard.Limits(),
        unit_code=user["unit_code"] if user else None,
        then=issue,
    )
    if not ok:
        raise ServiceError(401, "bad_credentials", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    assert user is not None and actor is not None
    if _hasher.check_needs_rehash(user["password_hash"]):  # once after the parameters change: no lock held
        new_hash = hash_password(password)
        with transaction(db):
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [new_hash, user["id"]])
    return token, actor


def actor_for_token(db: sqlite_utils.Database, token: str, now: datetime | None = None) -> Actor | None:
    return actor_for_token_hash(db, token_hash(token), now)


def actor_for_token_hash(db: sqlite_utils.Database, hashed: str, now: datetime | None = None) -> Actor | None:
    """The actor of a live token, by its stored hash (a web session keeps only the hash, server-side)."""
    now = now or clock.now()
    row = db.execute(
        "SELECT user_id, expires_at FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", [hashed]
    ).fetchone()
    if row is None or clock.parse_datetime(row[1]) <= now:
        return None
    return actor_for_user(db, row[0])


def logout(db: sqlite_utils.Database, token: str) -> None:
    logout_hash(db, token_hash(token))


def logout_hash(db: sqlite_utils.Database, hashed: str) -> None:
    actor = actor_for_token_hash(db, hashed)
    with transaction(db):
        db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            [clock.iso(clock.now()), hashed],
        )
        if actor:
            audit.record(db, "logout", actor=actor)


def revoke_tokens(
    db: sqlite_utils.Database, user_id: int, *, keep: str | None = None, now: datetime | None = None
) -> int:
    """End every live token of an account (and so every web session riding on one) but `keep` (a hash).
    Call inside the transaction that changes the password."""
    cur = db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash IS NOT ?",
        [clock.iso(now or clock.now()), user_id, keep],
    )
    return cur.rowcount


def _check_new_password(actor: Actor, password: str, stored_hash: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise bad_request("weak_password", f"รหัสผ่านใหม่ต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร")
    if password == actor.login or (password.isdigit() and len(set(password)) == 1):
        raise bad_request("weak_password", "รหัสผ่านใหม่ต้องไม่ใช่ชื่อผู้ใช้หรือตัวเลขซ้ำกัน")
    if verify_password(stored_hash, password):
        raise bad_request("same_password", "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านที่ได้รับ")


PROFILE_FIELDS = {"first_name": "ชื่อ", "last_name": "นามสกุล", "position": "ตำแหน่ง", "phone": "หมายเลขโทรศัพท์"}


def complete_profile(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    position: str,
    phone: str,
    new_password: str,
    current_password: str | None = None,
    keep_token_hash: str | None = None,
    addr: str | None = None,
    limits: login_guard.Limits | None = None,
    now: datetime | None = None,
) -> Actor:
    """Start the responsible person's profile and set their own password (letter 003 §5.1).

    Called again by a logged-in user it records a handover: the old profile is ended, not overwritten.
    Outside the first login the current password is required (a stolen token or an unattended browser
    cannot take the account over), checked under the same guard as a login; and every other token and
    web session of the account ends, so a stolen token does not outlive the change. `keep_token_hash` is
    the caller's own token, which goes on working.
    """
    now = now or clock.now()
    values = {"first_name": first_name, "last_name": last_name, "position": position, "phone": phone}
    values = {k: (v or "").strip() for k, v in values.items()}
    missing = [PROFILE_FIELDS[k] for k, v in values.items() if not v]
    if missing:
        raise bad_request("profile_incomplete", "กรุณากรอก " + ", ".join(missing), {"missing": missing})
    main_number = re.split(r"ต่อ|ext|#|x", values["phone"], maxsplit=1, flags=re.IGNORECASE)[0]
    digits = "".join(ch for ch in main_number if ch.isdigit())  # Thai digits count too
    if not 9 <= len(digits) <= 10:
        raise bad_request("bad_phone", "หมายเลขโทรศัพท์ต้องมี 9–10 หลัก", {"phone": values["phone"]})
    user = _user_by_login(db, actor.login)
    assert user is not None
    if not user["must_complete_profile"]:
        if not current_password:
            raise bad_request("current_password_required", "กรุณากรอกรหัสผ่านปัจจุบันเพื่อยืนยันการเปลี่ยนแปลง")
        if not _guarded_check(
            db,
            actor.login,
            current_password,
            user["password_hash"],
            addr=addr,
            now=now,
            limits=limits or login_guard.Limits(),
            unit_code=actor.unit_code,
        ):
            raise forbidden("bad_current_password", "รหัสผ่านปัจจุบันไม่ถูกต้อง")
    _check_new_password(actor, new_password, user["password_hash"])
    password_hash = hash_password(new_password)
    with transaction(db):
        previous = db.execute(
            "SELECT id FROM profiles WHERE user_id = ? AND ended_at IS NULL", [actor.user_id]
        ).fetchall()
        db.execute(
            "UPDATE profiles SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL", [clock.iso(now), actor.user_id]
        )
        cur = db.execute(
            "INSERT INTO profiles (user_id, first_name, last_name, position, phone, started_at) VALUES (?,?,?,?,?,?)",
            [actor.user_id, *values.values(), clock.iso(now)],
        )
        db.execute(
            "UPDATE users SET password_hash = ?, must_complete_profile = 0 WHERE id = ?", [password_hash, actor.user_id]
        )
        ended = revoke_tokens(db, actor.user_id, keep=keep_token_hash, now=now)
        updated = actor_for_user(db, actor.user_id)
        audit.record(
            db,
            "profile",
            actor=updated,
            unit_code=actor.unit_code,
            now=now,
            detail={**values, "profile_id": cur.lastrowid, "replaces": [r[0] for r in previous], "tokens_ended": ended},
        )
    return updated


def reset_account(db: sqlite_utils.Database, actor: Actor, login: str, *, reason: str = "") -> str:
    """A change of responsible person: a new first password; the next login must create a new profile.

    Allowed to the national admin and to the account of the unit directly above (an LAO for its
    institutions, a province for its LAOs), who appoint the officers in the letters.
    """
    user = _user_by_login(db, login)
    if user is None:
        raise not_found("unknown_user", f"ไม่พบผู้ใช้ {login}")
    if not actor.is_admin:
        unit = registry.get_unit(db, user["unit_code"]) if user["unit_code"] else None
        if unit is None or unit["parent"] != actor.unit_code:
            raise forbidden("out_of_scope", "เปลี่ยนผู้รับผิดชอบได้เฉพาะหน่วยงานต้นสังกัดโดยตรงหรือกรมฯ")
    password = new_password()
    with transaction(db):
        db.execute(
            "UPDATE users SET password_hash = ?, must_complete_profile = 1 WHERE id = ?",
            [hash_password(password), user["id"]],
        )
        revoke_tokens(db, user["id"])
        audit.record(
            db, "account_reset", actor=actor, unit_code=user["unit_code"], detail={"login": login, "reason": reason}
        )
    return password


def profile_history(db: sqlite_utils.Database, login: str) -> list[dict[str, Any]]:
    """Every person who has been responsible for a login, oldest first."""
    return list(
        db.query(
            "SELECT p.* FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.login = ? ORDER BY p.id",
            [login],
        )
    )


def current_profile(db: sqlite_utils.Database, user_id: int) -> dict[str, Any] | None:
    rows = list(
        db.query("SELECT * FROM profiles WHERE user_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1", [user_id])
    )
    return rows[0] if rows else None
