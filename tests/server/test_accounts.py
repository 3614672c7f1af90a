"""Accounts (letter 003 §5.1): first login, profile, handover, rate limit, tokens, sessions and CSRF."""

from __future__ import annotations

from flask import Flask
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, ROUND, World, make_world

from server.storage import config
from server.web import auth
from server.web.app import create_app
from server.web.context import get_db, now

PROFILE = {
    "first_name": "สมศรี",
    "last_name": "ใจดี",
    "position": "ครู",
    "phone": "081-234-5678",
    "new_password": PASSWORD,
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_first_login_requires_profile_and_new_password(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/token", json={"login": "3056100001", "password": world.passwords["3056100001"]})
    assert r.status_code == 200 and r.get_json()["must_complete_profile"] is True
    token = r.get_json()["token"]
    for method, path in (
        ("get", "/rounds"),
        ("get", f"/rounds/{ROUND}/units/3056100001/status"),
        ("post", f"/rounds/{ROUND}/units/3056100001/confirm"),
    ):
        resp = getattr(c, method)(f"/api/v1{path}", headers=bearer(token))
        assert resp.status_code == 403 and resp.get_json()["error"] == "profile_required", path
    assert c.get("/api/v1/me", headers=bearer(token)).get_json()["must_complete_profile"] is True

    r = c.post("/api/v1/me/profile", json={**PROFILE, "position": ""}, headers=bearer(token))
    assert r.status_code == 400 and r.get_json()["error"] == "profile_incomplete"
    r = c.post("/api/v1/me/profile", json={**PROFILE, "new_password": "short"}, headers=bearer(token))
    assert r.status_code == 400 and r.get_json()["error"] == "weak_password"
    r = c.post(
        "/api/v1/me/profile", json={**PROFILE, "new_password": world.passwords["3056100001"]}, headers=bearer(token)
    )
    assert r.status_code == 400 and r.get_json()["error"] == "same_password"
    r = c.post("/api/v1/me/profile", json=PROFILE, headers=bearer(token))
    assert r.status_code == 200 and r.get_json()["profile"]["first_name"] == "สมศรี"
    assert c.get("/api/v1/rounds", headers=bearer(token)).status_code == 200

    old = c.post("/api/v1/token", json={"login": "3056100001", "password": world.passwords["3056100001"]})
    assert old.status_code == 401 and old.get_json()["error"] == "bad_credentials"
    new = c.post("/api/v1/token", json={"login": "3056100001", "password": PASSWORD})
    assert new.status_code == 200 and new.get_json()["must_complete_profile"] is False
    # the refused confirm before the profile is in the audit trail
    assert world.audit(action="confirm")[0]["code"] == "profile_required"


def test_handover_keeps_the_old_profile(world: World) -> None:
    world.headers("05560101")
    r = world.post(
        "05560101",
        "/me/profile",
        json={**PROFILE, "first_name": "คนใหม่", "new_password": "another-Secret-1", "current_password": PASSWORD},
    )
    assert r.status_code == 200
    history = r.get_json()["profile_history"]
    assert [p["first_name"] for p in history] == ["ชื่อ05560101", "คนใหม่"]
    assert history[0]["ended_at"] and history[1]["ended_at"] is None
    assert r.get_json()["profile"]["first_name"] == "คนใหม่"


def test_reset_by_the_level_above_starts_a_new_profile(world: World) -> None:
    world.headers("3056200001")
    r = world.post("02560001", "/users/3056200001/reset", json={"reason": "คำสั่งแต่งตั้งใหม่"})
    assert r.status_code == 403  # not its LAO
    r = world.post("05560101", "/users/3056200001/reset", json={"reason": "คำสั่งแต่งตั้งใหม่"})
    assert r.status_code == 200
    fresh = r.get_json()["password"]
    # the old token is revoked, the new person must create a profile
    assert world.status("3056200001").status_code == 401
    token = world.login("3056200001", fresh)
    r = world.client.get(f"/api/v1/rounds/{ROUND}/units/3056200001/status", headers=bearer(token))
    assert r.status_code == 403 and r.get_json()["error"] == "profile_required"
    r = world.client.post("/api/v1/me/profile", json=PROFILE, headers=bearer(token))
    assert [p["first_name"] for p in r.get_json()["profile_history"]] == ["ชื่อ3056200001", "สมศรี"]
    assert world.audit(action="account_reset")[0]["login"] == "05560101"


def test_failed_logins_back_off_per_account_and_address(world: World) -> None:
    """Five failures from one address make *that address* wait 1 s, 2 s, 4 s ...; never a lock."""
    c = world.client
    attacker, office = {"REMOTE_ADDR": "10.9.9.9"}, {"REMOTE_ADDR": "10.1.1.1"}
    for _ in range(5):
        assert (
            c.post("/api/v1/token", json={"login": "56", "password": "wrong"}, environ_base=attacker).status_code == 401
        )
    r = c.post("/api/v1/token", json={"login": "56", "password": world.passwords["56"]}, environ_base=attacker)
    assert r.status_code == 429 and r.get_json()["error"] == "rate_limited"
    assert r.headers["Retry-After"] == "1" and "กรุณารอ 1 วินาที" in r.get_json()["message"]
    # the rightful person at another address is not locked out (the old hard lock refused this for 15 min)
    assert (
        c.post(
            "/api/v1/token", json={"login": "56", "password": world.passwords["56"]}, environ_base=office
        ).status_code
        == 200
    )
    # another login from the attacker's address is not slowed by this one
    assert (
        c.post(
            "/api/v1/token", json={"login": "57", "password": world.passwords["57"]}, environ_base=attacker
        ).status_code
        == 200
    )
    waits = []
    for second in (1, 3, 7):  # each failure doubles the wait: 1 s, then 2 s, then 4 s
        world.set_now(f"2024-11-01T10:00:0{second}")
        assert (
            c.post("/api/v1/token", json={"login": "56", "password": "wrong"}, environ_base=attacker).status_code == 401
        )
        r = c.post("/api/v1/token", json={"login": "56", "password": "wrong"}, environ_base=attacker)
        waits.append(int(r.headers["Retry-After"]))
    assert waits == [2, 4, 8]
    world.set_now("2024-11-01T10:00:15")  # waited long enough: the right password works from there too
    assert (
        c.post(
            "/api/v1/token", json={"login": "56", "password": world.passwords["56"]}, environ_base=attacker
        ).status_code
        == 200
    )
    logins = [a for a in world.audit(action="login") if a["login"] == "56"]
    assert [a["code"] for a in logins] == ["bad_credentials"] * 5 + ["rate_limited", None] + [
        "bad_credentials",
        "rate_limited",
    ] * 3 + [None]
    # refused attempts on a unit's login are shown to that unit (its code is on the record)
    assert {a["unit_code"] for a in logins if a["outcome"] == "refused"} == {"56"}


def test_unknown_login_and_bad_tokens(world: World) -> None:
    c = world.client
    assert c.post("/api/v1/token", json={"login": "nobody", "password": "x"}).status_code == 401
    assert c.post("/api/v1/token", data="not json", content_type="text/plain").status_code == 400
    assert c.get("/api/v1/rounds").status_code == 401
    assert c.get("/api/v1/rounds", headers=bearer("forged")).status_code == 401
    token = world.tokens.get("56") or world.headers("56")["Authorization"][7:]
    assert c.delete("/api/v1/token", headers=bearer(token)).status_code == 200
    assert c.get("/api/v1/rounds", headers=bearer(token)).status_code == 401


def test_secrets_are_not_stored_in_clear(world: World) -> None:
    token = world.headers("56")["Authorization"][7:]
    assert not world.db.execute("SELECT 1 FROM tokens WHERE token_hash = ?", [token]).fetchone()
    hashes = [r[0] for r in world.db.execute("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in str(list(world.db.execute("SELECT * FROM users")))
    # the default (not the test) parameters are slow on purpose
    assert config.DEFAULTS["ARGON2_MEMORY_COST"] >= 65536 and config.DEFAULTS["ARGON2_TIME_COST"] >= 3


def test_secret_key_is_generated_in_the_data_dir(app: Flask) -> None:
    key_file = app.config["DATA_DIR"] / "secret_key"
    assert key_file.read_text().strip() == app.config["SECRET_KEY"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_session_pages_need_csrf(tmp_path) -> None:
    app = create_app({"DATA_DIR": tmp_path / "d", **FAST_HASH, "NOW": OPEN_TIME})

    @app.post("/test-login")
    def _login() -> str:
        from flask import request

        from server.domain import accounts

        token, _ = accounts.authenticate(get_db(), request.form["login"], request.form["password"], now=now())
        auth.login_session(token)
        return auth.csrf_token()

    client = app.test_client()
    with app.app_context():
        from server.storage import db

        world = make_world(app, client, db.connect(app.config["DB_PATH"]))
    world.headers("56")  # profile done
    csrf = client.post("/test-login", data={"login": "56", "password": PASSWORD}).get_data(as_text=True)
    assert client.get(f"/api/v1/rounds/{ROUND}/units/56/status").status_code == 200  # the session works
    r = client.post(f"/api/v1/rounds/{ROUND}/units/56/confirm")
    assert r.status_code == 403 and r.get_json()["error"] == "csrf"
    r = client.post(f"/api/v1/rounds/{ROUND}/units/56/confirm", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 409  # past CSRF, refused by the chain (its LAOs have not confirmed)
