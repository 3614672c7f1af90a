"""Who is calling: a bearer token (API, add-in) or the page session (web), plus CSRF for sessions.

The page session (server/web_session.py, kept server-side) holds only the SHA-256 of a token the login
issued, never the token and never the user id, so a page session expires, and is cut by a logout, a
password change or an account reset, exactly like an API token.

CSRF is Flask-WTF's CSRFProtect, called once here for every unsafe request that could ride on the
session cookie: every POST of the pages (the login form too, so no one can log a victim into another
account) and any API call made with the session instead of a bearer token. A request carrying an
`Authorization` header (bearer token, the add-in's password) sends no cookie-borne credential, so it
needs none.

    current_actor() -> Actor | None      from `Authorization: Bearer` or the session's token
    require_actor(profile=True) -> Actor 401 without credentials; 403 profile_required before profile
    current_token_hash() -> str | None   the caller's own token (kept alive by a password change)
    login_session(token)                 after accounts.authenticate on the login page (new session id)
    logout_session()
    csrf_token() -> str                  put in every page form as `csrf_token` (or X-CSRF-Token header)
    check_csrf()                         called by the app before every request
"""

from __future__ import annotations

from flask import g, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from server.domain import accounts, scope
from server.domain.actor import Actor
from server.domain.errors import ServiceError, forbidden

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
csrf = CSRFProtect()
"""Installed by server.app.create_app with WTF_CSRF_CHECK_DEFAULT off: `check_csrf` decides when."""


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def current_token_hash() -> str | None:
    token = bearer_token()
    if token:
        return accounts.token_hash(token)
    return session.get("token_hash")


def current_actor() -> Actor | None:
    if "actor" in g:
        return g.actor
    from server.web.context import get_db, now

    hashed = current_token_hash()
    g.via_session = hashed is not None and bearer_token() is None
    actor = accounts.actor_for_token_hash(get_db(), hashed, now()) if hashed else None
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
    """Start the session of a fresh login under a new session id (no fixation), holding the token's hash."""
    session.clear()
    session["token_hash"] = accounts.token_hash(token)
    session.permanent = True
    if hasattr(session, "rotate"):
        session.rotate = True
    g.pop("actor", None)


def logout_session() -> None:
    hashed = session.get("token_hash")
    if hashed:
        from server.web.context import get_db

        accounts.logout_hash(get_db(), hashed)
    session.clear()
    if hasattr(session, "rotate"):
        session.rotate = True  # the old id is deleted even if a flash message keeps a session going
    g.pop("actor", None)


def csrf_token() -> str:
    return generate_csrf()


def check_csrf() -> None:
    """Refuse an unsafe request riding on the session cookie without the session's CSRF token."""
    if request.method not in UNSAFE or request.headers.get("Authorization"):
        return
    if request.blueprint != "pages" and not session.get("token_hash"):
        return  # no cookie-borne credential to abuse (e.g. POST /api/v1/token, anonymous API calls)
    try:
        csrf.protect()
    except CSRFError as err:
        raise forbidden(
            "csrf", "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง", {"reason": err.description}
        ) from err
