"""Issue 10, items 3 and 4 on the real app: password changes end other sessions, the web session is opaque,
login CSRF is closed, every response carries the security headers, HTTPS and proxies are handled."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, ROUND, World, make_world

from server.storage import db
from server.web.app import create_app

PROFILE = {"first_name": "สมชาย", "last_name": "ผู้รับช่วง", "position": "ครู", "phone": "0812345678"}
NEW_PASSWORD = "เปลี่ยน-Secret-2568"


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:300]
    return match.group(1)


def web_login(client: FlaskClient, login: str, password: str = PASSWORD) -> Any:
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token})


def cookie(client: FlaskClient) -> str:
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def test_api_password_change_needs_the_current_password_and_ends_other_tokens(world: World) -> None:
    world.headers("05560101")
    mine, stolen = world.login("05560101"), world.login("05560101")
    browser = world.app.test_client()
    assert web_login(browser, "05560101").status_code == 302
    assert browser.get(f"/rounds/{ROUND}").status_code == 200

    def change(body: dict[str, str]) -> Any:
        return world.client.post(
            "/api/v1/me/profile",
            json={**PROFILE, "new_password": NEW_PASSWORD, **body},
            headers={"Authorization": f"Bearer {mine}"},
        )

    r = change({})
    assert r.status_code == 400 and r.get_json()["error"] == "current_password_required"
    assert "รหัสผ่านปัจจุบัน" in r.get_json()["message"]
    r = change({"current_password": "not-it"})
    assert r.status_code == 403 and r.get_json()["error"] == "bad_current_password"
    assert world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {stolen}"}).status_code == 200
    r = change({"current_password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    # the caller's own token goes on; the stolen token and the browser's session are over
    assert world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {mine}"}).status_code == 200
    assert world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {stolen}"}).status_code == 401
    page = browser.get(f"/rounds/{ROUND}")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    # ended: the first-login token, the stolen one and the browser's session
    assert json.loads(world.audit(action="profile")[-1]["detail"])["tokens_ended"] == 3
    # a wrong current password is a guarded login attempt: audited, and counted by the backoff
    assert [a["code"] for a in world.audit(action="login", outcome="refused")] == ["bad_credentials"]


def test_web_password_change_needs_the_current_password_and_ends_other_sessions(world: World) -> None:
    world.headers("3056200001")
    api_token = world.login("3056200001")
    other_browser, browser = world.app.test_client(), world.app.test_client()
    for c in (other_browser, browser):
        assert web_login(c, "3056200001").status_code == 302
    page = browser.get("/profile").get_data(as_text=True)
    assert 'name="current_password"' in page
    form = {**PROFILE, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "csrf_token": form_token(page)}
    refused = browser.post("/profile", data=form)
    assert refused.status_code == 400 and "รหัสผ่านปัจจุบัน" in refused.get_data(as_text=True)
    done = browser.post("/profile", data={**form, "current_password": PASSWORD})
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    assert browser.get(f"/rounds/{ROUND}").status_code == 200  # this session goes on
    assert other_browser.get(f"/rounds/{ROUND}").status_code == 302  # the other one is over
    assert world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 401
    assert world.client.post("/api/v1/token", json={"login": "3056200001", "password": NEW_PASSWORD}).status_code == 200


def test_the_session_cookie_is_an_opaque_id(world: World) -> None:
    world.headers("56")
    c = world.app.test_client()
    c.get("/login")
    before = cookie(c)
    r = web_login(c, "56")
    assert r.status_code == 302
    sid = cookie(c)
    assert sid != before  # a new id at login: an id planted before it is worthless
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", sid)  # 256 random bits, no payload
    # Flask's old cookie was "payload.timestamp.signature", its payload base64 JSON carrying the bearer
    # token; the id has no parts to decode (checking its random bytes for "{" failed 1 run in 8)
    assert "." not in sid and world.tokens["56"] not in sid
    # the id is no bearer token, and the database keeps only its hash and the token's hash
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {sid}"}).status_code == 401
    rows = list(world.db.query("SELECT * FROM web_sessions"))
    assert hashlib.sha256(sid.encode()).hexdigest() in {r["sid_hash"] for r in rows}
    assert all(sid not in r["data"] for r in rows)
    tokens = {r[0] for r in world.db.execute("SELECT token_hash FROM tokens")}
    data = next(r["data"] for r in rows if r["sid_hash"] == hashlib.sha256(sid.encode()).hexdigest())
    assert any(t in data for t in tokens)  # a token's hash, never a token
    # the API works on the session (with its CSRF token), and logout removes the session row
    assert c.get("/api/v1/me").get_json()["login"] == "56"
    page = c.get("/profile").get_data(as_text=True)
    assert c.post("/logout", data={"csrf_token": form_token(page)}).status_code == 302
    assert c.get("/api/v1/me").status_code == 401
    assert hashlib.sha256(sid.encode()).hexdigest() not in {
        r[0] for r in world.db.execute("SELECT sid_hash FROM web_sessions")
    }


def test_cookie_flags(world: World) -> None:
    world.headers("56")
    c = world.app.test_client()
    token = form_token(c.get("/login").get_data(as_text=True))
    r = c.post("/login", data={"login": "56", "password": PASSWORD, "csrf_token": token})
    set_cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # plain HTTP on a LAN: a Secure cookie would never come back


def test_login_csrf_is_closed(world: World) -> None:
    world.headers("56")
    logins_before = len(world.audit(action="login", outcome="ok"))
    stranger = world.app.test_client()  # no session at all: the old check compared "" with ""
    for data in (
        {"login": "56", "password": PASSWORD},
        {"login": "56", "password": PASSWORD, "csrf_token": ""},
        {"login": "56", "password": PASSWORD, "csrf_token": "forged"},
    ):
        r = stranger.post("/login", data=data)
        assert r.status_code == 403 and "แบบฟอร์มหมดอายุ" in r.get_data(as_text=True), data
    assert stranger.get_cookie("session") is None or stranger.get("/api/v1/me").status_code == 401
    # a token from another browser's session does not pass either
    other = world.app.test_client()
    token = form_token(other.get("/login").get_data(as_text=True))
    stranger.get("/login")
    assert stranger.post("/login", data={"login": "56", "password": PASSWORD, "csrf_token": token}).status_code == 403
    assert len(world.audit(action="login", outcome="ok")) == logins_before


def test_session_api_calls_need_csrf_but_bearer_calls_do_not(world: World) -> None:
    world.headers("56")
    c = world.app.test_client()
    web_login(c, "56")
    r = c.post(f"/api/v1/rounds/{ROUND}/units/56/confirm")
    assert r.status_code == 403 and r.get_json()["error"] == "csrf"
    token = form_token(c.get("/profile").get_data(as_text=True))
    r = c.post(f"/api/v1/rounds/{ROUND}/units/56/confirm", headers={"X-CSRF-Token": token})
    assert r.status_code == 409  # past CSRF, refused by the chain (its LAOs have not confirmed)
    assert world.post("56", f"/rounds/{ROUND}/units/56/confirm").status_code == 409  # bearer: no CSRF


HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def test_every_response_carries_the_security_headers(world: World) -> None:
    world.headers("56")
    c = world.app.test_client()
    web_login(c, "56")
    responses = {
        "page": c.get(f"/rounds/{ROUND}"),
        "login page": world.app.test_client().get("/login"),
        "redirect": world.app.test_client().get("/"),
        "static": c.get("/static/style.css"),
        "api": world.get("56", "/rounds"),
        "api 401": world.client.get("/api/v1/rounds"),
        "api 404": world.get("56", "/rounds/2500-1/units/56/status"),
        "page 404": c.get("/nowhere"),
        "csrf 403": c.post("/logout"),
        "xlwings": world.client.post("/xlwings/status", json={}),
        "openapi": world.client.get("/api/v1/openapi.json"),
    }
    for what, resp in responses.items():
        for name, value in HEADERS.items():
            assert resp.headers.get(name) == value, (what, name)
        csp = resp.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, what
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
        assert "Strict-Transport-Security" not in resp.headers, what
        resp.close()


def test_templates_have_no_inline_script() -> None:
    templates = Path(__file__).parents[2] / "server" / "templates"
    for path in templates.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            assert "src=" in tag, (path.name, tag)  # scripts come from /static only
        assert not re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE), path.name  # no onclick=...
        assert not re.search(r"\sstyle\s*=|<style", text, flags=re.IGNORECASE), path.name


def _https_world(tmp_path: Path, **overrides: Any) -> tuple[Flask, World]:
    app = create_app({"DATA_DIR": tmp_path / "d", **FAST_HASH, "NOW": OPEN_TIME, "TESTING": True, **overrides})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    world.headers("56")
    return app, world


def test_https_setting_makes_cookies_secure_and_sends_hsts(tmp_path: Path) -> None:
    app, _world = _https_world(tmp_path, HTTPS=1)
    c = app.test_client()
    r = c.get("/login")
    assert "Secure" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_proxy_the_forwarded_address_and_scheme_count(tmp_path: Path) -> None:
    app, world = _https_world(tmp_path, PROXY_HOPS=1)
    c = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    r = c.get("/login", headers=forwarded)
    assert "Secure" in r.headers["Set-Cookie"]  # TLS ended at the proxy: the browser still used HTTPS
    c.post("/api/v1/token", json={"login": "56", "password": "wrong"}, headers=forwarded)
    assert world.db.execute("SELECT addr FROM login_attempts ORDER BY id DESC LIMIT 1").fetchone()[0] == "203.0.113.7"
    # without PROXY_HOPS the same headers are not believed (anyone could claim any address)
    plain, plain_world = _https_world(tmp_path / "plain")
    r = plain.test_client().get("/login", headers=forwarded)
    assert "Secure" not in r.headers["Set-Cookie"]
    plain.test_client().post("/api/v1/token", json={"login": "56", "password": "wrong"}, headers=forwarded)
    last = plain_world.db.execute("SELECT addr FROM login_attempts ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert last == "127.0.0.1"
