"""The web session, kept server-side: the cookie carries only a random session id (issue 10, item 4).

Why not Flask's default cookie session: it is signed, not encrypted, so anyone holding the cookie (a
shared PC's profile, a proxy log, a support screenshot) could read what it carries, and it used to
carry the bearer token itself. Here the cookie is 256 random bits; the server keeps the session's
contents in the `web_sessions` table of the same SQLite database, under the SHA-256 of that id (a copy
of the database gives no live session). A logged-in session holds only the *hash* of its token, so
the token row decides whether it is alive: a logout, a password change (accounts.revoke_tokens) or an
account reset ends the session at once, and the session expires with its token.

Cookie flags: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS (directly, or through
a reverse proxy that ProxyFix trusts) or when `LEC_HTTPS=1`. Logging in issues a new session id
(`rotate`), so an id planted before login is worthless after it.

    ServerSession                 the session object (a dict); `rotate = True` asks for a new id
    SqliteSessionInterface        app.session_interface = SqliteSessionInterface()
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict
from werkzeug.wrappers import Response

ANONYMOUS_LIFETIME = timedelta(hours=2)
"""A session before login holds only the login form's CSRF secret: it need not live long."""

_serializer = TaggedJSONSerializer()  # what Flask's own cookie session uses (keeps tuples, bytes, ...)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):  # type: ignore[type-arg,misc]
    """A dict that notes when it is changed; `sid` is None until first saved."""

    def __init__(self, initial: dict[str, Any] | None = None, sid: str | None = None) -> None:
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.modified = False
        self.rotate = False


class SqliteSessionInterface(SessionInterface):
    """Sessions in the `web_sessions` table, reached through the request's own connection (get_db)."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        from server.web.context import get_db, now

        sid = request.cookies.get(self.get_cookie_name(app))
        if sid and len(sid) < 100:
            row = (
                get_db()
                .execute("SELECT data, expires_at FROM web_sessions WHERE sid_hash = ?", [_hash(sid)])
                .fetchone()
            )
            if row is not None and row[1] > _iso(now()):
                return ServerSession(_serializer.loads(row[0]), sid)
        return ServerSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        from flask import request

        from server.storage.db import transaction
        from server.web.context import get_db, now

        assert isinstance(session, ServerSession)
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        secure = bool(self.get_cookie_secure(app) or request.is_secure)
        samesite, httponly = self.get_cookie_samesite(app), self.get_cookie_httponly(app)
        if session.accessed:
            response.vary.add("Cookie")
        if not session:  # emptied (logout) or never used: nothing kept, no cookie
            if session.sid:
                db = get_db()
                with transaction(db):
                    db.execute("DELETE FROM web_sessions WHERE sid_hash = ?", [_hash(session.sid)])
                response.delete_cookie(
                    name, domain=domain, path=path, secure=secure, samesite=samesite, httponly=httponly
                )
            return
        if not (session.modified or session.rotate or session.sid is None):
            return
        db = get_db()  # only now: a bearer-token API call never touches the sessions table
        at = now()
        lifetime = app.permanent_session_lifetime if session.get("token_hash") else ANONYMOUS_LIFETIME
        expires = at + lifetime
        with transaction(db):
            if session.rotate or session.sid is None:
                if session.sid:
                    db.execute("DELETE FROM web_sessions WHERE sid_hash = ?", [_hash(session.sid)])
                db.execute("DELETE FROM web_sessions WHERE expires_at <= ?", [_iso(at)])  # tidy as we go
                session.sid = secrets.token_urlsafe(32)
                session.rotate = False
            db.execute(
                "INSERT INTO web_sessions (sid_hash, data, expires_at) VALUES (?,?,?)"
                " ON CONFLICT(sid_hash) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
                [_hash(session.sid), _serializer.dumps(dict(session)), _iso(expires)],
            )
        # the browser's expiry follows the wall clock even when the server's clock is set (LEC_NOW)
        response.set_cookie(
            name,
            session.sid,
            expires=datetime.now(UTC) + lifetime,
            httponly=httponly,
            domain=domain,
            path=path,
            secure=secure,
            samesite=samesite,
        )


def _iso(when: Any) -> str:
    from server.storage import clock

    return clock.iso(when)
