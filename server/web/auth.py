"""Who is calling: a bearer token (API, add-in) or the page session (web), plus CSRF for sessions.

The page session stores the same kind of bearer token the API issues (never the user id), so a page
session expires, and is cut by an account reset, exactly like an API token.

    current_actor() -> Actor | None      from `Authorization: Bearer` or the session's token
    require_actor(profile=True) -> Actor 401 without credentials; 403 profile_required before profile
    login_session(token)                 after accounts.authenticate on the login page
    logout_session()
    csrf_token() -> str                  put in every page form as `csrf_token` (or X-CSRF-Token header)
    check_csrf()                         called by the app for unsafe methods on session requests
"""

from __future__ import annotations

import hmac
import secrets

from flask import g, request, session

from server.domain import accounts, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, forbidden

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def current_actor() -> Actor | None:
    if "actor" in g:
        return g.actor
    from server.web.context import get_db, now

    token = bearer_token()
    g.via_session = False
    if token is None and session.get("token"):
        token, g.via_session = session["token"], True
    actor = accounts.actor_for_token(get_db(), token, now()) if token else None
    g.actor = actor
    return actor


def require_actor(profile: bool = True) -> Actor:
    actor = current_actor()
    if actor is None:
        raise ServiceError(401, "unauthenticated", "กรุณาเข้าสู่ระบบก่อน (ไม่มีหรือหมดอายุ token)")
    if profile:
        scope.require_profile(actor)
    return actor


def login_session(token: str) -> None:
    session.clear()
    session["token"] = token
    session["csrf"] = secrets.token_urlsafe(24)
    session.permanent = True


def logout_session() -> None:
    token = session.get("token")
    if token:
        from server.web.context import get_db

        accounts.logout(get_db(), token)
    session.clear()


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse an unsafe request riding on the session cookie without the session's CSRF token."""
    if request.method not in UNSAFE or bearer_token() or not session.get("token"):
        return
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    if not hmac.compare_digest(sent, session.get("csrf", "")):
        raise forbidden("csrf", "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง")
