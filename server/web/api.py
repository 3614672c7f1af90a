"""The JSON API under /api/v1 (design.md "HTTP API"). Thin: parse, call a service, return JSON.

Every route that names a unit goes through `scope.check` inside its service; routes that do not
(`/rounds`, `/audit`, `/conflicts`) filter by `scope.visible_units`. The consolidated workbook route
lives in server/web/consolidated_route.py. See server/web/openapi.py for the
document served at /api/v1/openapi.json and README "Server" for the table.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from server.domain import accounts, chain, conflicts, login_guard, registry, rounds, scope, spot_checks, uploads
from server.domain.errors import bad_request
from server.web import auth, openapi, page_data
from server.web.context import get_db, now

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None and request.form:
        data = request.form.to_dict()
    if not isinstance(data, dict):
        raise bad_request("bad_json", "ต้องส่งข้อมูลเป็น JSON object")
    return data


def _round_unit(round_id: str, code: str) -> None:
    """404 for an unknown round before anything else (scope is checked by each service)."""
    rounds.require_round(get_db(), round_id)


@bp.get("/openapi.json")
def openapi_document() -> Any:
    return jsonify(openapi.document())


@bp.post("/token")
def token() -> Any:
    data = _json()
    cfg = current_app.config
    tok, actor = accounts.authenticate(
        get_db(),
        str(data.get("login", "")),
        str(data.get("password", "")),
        addr=request.remote_addr,
        now=now(),
        ttl_hours=cfg["TOKEN_TTL_HOURS"],
        limits=login_guard.limits(cfg),
    )
    return jsonify(
        {
            "token": tok,
            "must_complete_profile": actor.must_complete_profile,
            "login": actor.login,
            "unit": actor.unit_code,
            "level": actor.level,
        }
    )


@bp.delete("/token")
def logout() -> Any:
    auth.require_actor(profile=False)
    tok = auth.bearer_token()
    if tok:
        accounts.logout(get_db(), tok)
    return jsonify({"ok": True})


def _me(actor: accounts.Actor) -> dict[str, Any]:
    db = get_db()
    return {
        "login": actor.login,
        "role": actor.role,
        "level": actor.level,
        "unit": actor.unit_code,
        "unit_name": actor.unit_name,
        "must_complete_profile": actor.must_complete_profile,
        "profile": accounts.current_profile(db, actor.user_id),
        "profile_history": accounts.profile_history(db, actor.login),
    }


@bp.get("/me")
def me() -> Any:
    return jsonify(_me(auth.require_actor(profile=False)))


@bp.post("/me/profile")
def me_profile() -> Any:
    actor = auth.require_actor(profile=False)
    data = _json()
    updated = accounts.complete_profile(
        get_db(),
        actor,
        first_name=str(data.get("first_name", "")),
        last_name=str(data.get("last_name", "")),
        position=str(data.get("position", "")),
        phone=str(data.get("phone", "")),
        new_password=str(data.get("new_password", "")),
        current_password=str(data.get("current_password", "")),
        keep_token_hash=auth.current_token_hash(),
        addr=request.remote_addr,
        limits=login_guard.limits(current_app.config),
        now=now(),
    )
    return jsonify(_me(updated))


@bp.post("/users/<login>/reset")
def reset_user(login: str) -> Any:
    actor = auth.require_actor()
    data = request.get_json(silent=True) or {}
    password = accounts.reset_account(get_db(), actor, login, reason=str(data.get("reason", "")))
    return jsonify({"login": login, "password": password, "must_complete_profile": True})


@bp.get("/rounds")
def list_rounds() -> Any:
    auth.require_actor()
    return jsonify({"rounds": rounds.list_rounds(get_db(), now())})


@bp.get("/rounds/<round_id>/units/<code>/status")
def unit_status(round_id: str, code: str) -> Any:
    actor = auth.require_actor()
    _round_unit(round_id, code)
    db = get_db()
    body = chain.status(db, actor, round_id, code, now=now())
    body["notices"] = spot_checks.notices_of_unit(db, round_id, code)
    return jsonify(body)


@bp.get("/rounds/<round_id>/units/<code>/roster")
def unit_roster(round_id: str, code: str) -> Any:
    actor = auth.require_actor()
    _round_unit(round_id, code)
    db = get_db()
    unit = scope.check(db, actor, code, "view")
    if unit["level"] == "lao":
        return jsonify({"unit": code, "other_counts": uploads.other_rows(db, round_id, code)})
    return jsonify(
        {
            "unit": code,
            "pupils": uploads.roster_rows(db, round_id, code),
            "removals": uploads.removal_rows(db, round_id, code),
        }
    )


@bp.get("/rounds/<round_id>/units/<code>/template")
def unit_template(round_id: str, code: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    rnd = rounds.require_round(db, round_id)
    unit = scope.check(db, actor, code, "view")
    from server.domain import prefill

    data, filename = prefill.template_bytes(db, rnd, unit)
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=filename,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.post("/rounds/<round_id>/units/<code>/workbook")
def unit_workbook(round_id: str, code: str) -> Any:
    actor = auth.require_actor()
    _round_unit(round_id, code)
    file = request.files.get("file")
    if file is None:
        raise bad_request("file_required", "กรุณาแนบไฟล์ในช่อง file (multipart/form-data)")
    result = uploads.upload_workbook(
        get_db(),
        actor,
        round_id,
        code,
        file.stream,
        filename=file.filename,
        files_dir=current_app.config["FILES_DIR"],
        now=now(),
        **uploads.limits(current_app.config),
    )
    return jsonify(result)


@bp.post("/rounds/<round_id>/units/<code>/confirm")
def unit_confirm(round_id: str, code: str) -> Any:
    actor = auth.require_actor(profile=False)
    return jsonify(chain.confirm(get_db(), actor, round_id, code, now=now()))


@bp.post("/rounds/<round_id>/units/<code>/revoke")
def unit_revoke(round_id: str, code: str) -> Any:
    actor = auth.require_actor(profile=False)
    data = request.get_json(silent=True) or request.form.to_dict() or {}
    return jsonify(chain.revoke(get_db(), actor, round_id, code, str(data.get("reason", "")), now=now()))


@bp.post("/rounds/<round_id>/units/<code>/exception")
def unit_exception(round_id: str, code: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    _round_unit(round_id, code)
    scope.check(db, actor, code, "exception")
    data = _json()
    row = rounds.grant_exception(
        db, actor, round_id, code, until=str(data.get("until", "")), reason=str(data.get("reason", "")), now=now()
    )
    return jsonify(row)


@bp.get("/rounds/<round_id>/conflicts")
def round_conflicts(round_id: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    rounds.require_round(db, round_id)
    return jsonify(conflicts.listing(db, actor, round_id, now()))


@bp.post("/rounds/<round_id>/conflicts/<citizen_id>/decision")
def conflict_decide(round_id: str, citizen_id: str) -> Any:
    """Who keeps the child and why, by the lowest level that sees every institution of the conflict."""
    actor = auth.require_actor()
    data = _json()
    decision = conflicts.decide(
        get_db(),
        actor,
        round_id,
        citizen_id,
        keep=str(data.get("keep", "")),
        kind=str(data.get("kind") or "present"),
        reason=str(data.get("reason", "")),
        now=now(),
    )
    return jsonify(decision), 201


@bp.delete("/rounds/<round_id>/conflicts/<citizen_id>/decision")
def conflict_withdraw(round_id: str, citizen_id: str) -> Any:
    actor = auth.require_actor()
    data = request.get_json(silent=True) or {}
    reason = str(data.get("reason", "")) if isinstance(data, dict) else ""
    return jsonify(conflicts.withdraw(get_db(), actor, round_id, citizen_id, reason=reason, now=now()))


AUDIT_MAX = 5000


@bp.get("/audit")
def audit_log() -> Any:
    """Exactly what the audit page shows (page_data.audit_rows: logins too, by name and position), with
    the page's filters (unit, action, who, round, date_from, date_to) and `limit` 1-5000."""
    actor = auth.require_actor()
    db = get_db()
    args = request.args
    text = (args.get("limit") or "").strip() or str(page_data.AUDIT_LIMIT)
    if not text.isdigit() or not 1 <= int(text) <= AUDIT_MAX:
        raise bad_request("bad_limit", f"limit ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง {AUDIT_MAX:,}", {"limit": text})
    days = {}
    for key in ("date_from", "date_to"):
        value = (args.get(key) or "").strip()
        days[key] = page_data.parse_day(value)
        if value and days[key] is None:
            raise bad_request("bad_date", f"{key} ต้องเป็นวันที่ เช่น 2024-11-01 หรือ 01/11/2567", {key: value})
    unit = (args.get("unit") or "").strip() or None
    if unit:
        registry.require_unit(db, unit)
    rows = page_data.audit_rows(
        db,
        actor,
        unit=unit,
        action=args.get("action") or None,
        who=args.get("who") or None,
        day_from=days["date_from"],
        day_to=days["date_to"],
        round_id=args.get("round") or None,
        limit=int(text),
    )
    return jsonify({"entries": [page_data.audit_entry(r) for r in rows]})


# --- spot-checks (letter 000 §9.4) ---------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(data: dict[str, Any], key: str, default: int | None = None) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).strip().lstrip("-").isdigit():
        raise bad_request("bad_number", f"{key} ต้องเป็นจำนวนเต็ม", {key: value})
    return int(value)


@bp.post("/rounds/<round_id>/units/<code>/spot-checks")
def spot_check_draw(round_id: str, code: str) -> Any:
    """Draw a seeded, risk-weighted sample of the province's institutions and children."""
    actor = auth.require_actor()
    data = _json()
    check = spot_checks.draw(
        get_db(),
        actor,
        round_id,
        code,
        institutions=_int(data, "institutions", 5) or 0,
        children=_int(data, "children", 10) or 0,
        seed=_int(data, "seed"),
        now=now(),
    )
    return jsonify(check), 201


@bp.get("/rounds/<round_id>/units/<code>/spot-checks")
def spot_check_list(round_id: str, code: str) -> Any:
    return jsonify({"spot_checks": spot_checks.list_for(get_db(), auth.require_actor(), round_id, code)})


@bp.get("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>")
def spot_check_get(round_id: str, code: str, check_id: int) -> Any:
    return jsonify(spot_checks.get(get_db(), auth.require_actor(), round_id, code, check_id))


@bp.get("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>/workbook")
def spot_check_workbook(round_id: str, code: str, check_id: int) -> Any:
    """The printable check list: per institution the sampled children, found / not found / note, signatures."""
    from workbook_templates.spot_check import build_check_list

    data = spot_checks.check_list(get_db(), auth.require_actor(), round_id, code, check_id)
    buf = io.BytesIO()
    build_check_list(data, buf)
    buf.seek(0)
    return send_file(buf, mimetype=XLSX, as_attachment=True, download_name=f"สุ่มตรวจ_{code}_{round_id}_{check_id}.xlsx")


@bp.post("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>/results")
def spot_check_results(round_id: str, code: str, check_id: int) -> Any:
    """The filled check list (multipart `file`, read by the hardened reader) or {"results": [...]}."""
    actor = auth.require_actor()
    db = get_db()
    spot_checks.require_province(db, actor, code)
    file = request.files.get("file")
    if file is not None:
        return jsonify(spot_checks.record_file(db, actor, round_id, code, check_id, file.read(),
                                               filename=file.filename, now=now()))  # fmt: skip
    results = _json().get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise bad_request("bad_results", "ต้องส่ง results เป็นรายการ {citizen_id, found, note} หรือไฟล์แบบตรวจสอบ")
    return jsonify(spot_checks.record(db, actor, round_id, code, check_id, results, now=now()))
