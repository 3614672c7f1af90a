"""The JSON API under /api/v1 (the README's "HTTP API"). Thin: parse, call a service, return JSON.

Every route that names a unit goes through `scope.check` inside its service; routes that do not
(`/rounds`, `/audit`, `/conflicts`) filter by `scope.visible_units`. The consolidated workbook route
lives in server/web/consolidated_route.py. Each route declares its bodies (server/web/schemas.py) with
`@api_doc.validate`, which validates the body before the view runs and generates the document served
at /api/v1/openapi.json (server/web/openapi.py); the view reads its body with `openapi.body(Model)`,
which refuses a bad one (400, Thai, naming the field) after the view's own auth and scope checks. A
docstring's first paragraph is the route's summary in the document.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from server.domain import accounts, chain, conflicts, login_guard, registry, rounds, scope, spot_checks, uploads
from server.domain.errors import bad_request
from server.web import auth, openapi, page_data
from server.web import schemas as s
from server.web.context import get_db, now
from server.web.openapi import PUBLIC, answers, api_doc, xlsx

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _round_unit(round_id: str, code: str) -> None:
    """404 for an unknown round before anything else (scope is checked by each service)."""
    rounds.require_round(get_db(), round_id)


@bp.get("/openapi.json")
@api_doc.validate(resp=answers(), security=PUBLIC)
def openapi_document() -> Any:
    """This document"""
    return jsonify(openapi.document())


@bp.post("/token")
@api_doc.validate(json=s.TokenBody, resp=answers(400, 401, 429, ok=s.TokenAnswer), security=PUBLIC)
def token() -> Any:
    """Log in: a bearer token"""
    body: s.TokenBody = openapi.body(s.TokenBody)
    cfg = current_app.config
    tok, actor = accounts.authenticate(
        get_db(),
        body.login,
        body.password,
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
@api_doc.validate(resp=answers(401, ok=s.OkAnswer))
def logout() -> Any:
    """Log out (revoke this token)"""
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
@api_doc.validate(resp=answers(401, ok=s.MeAnswer))
def me() -> Any:
    """The caller, current profile and profile history"""
    return jsonify(_me(auth.require_actor(profile=False)))


@bp.post("/me/profile")
@api_doc.validate(json=s.ProfileBody, resp=answers(400, 401, 403, 429, ok=s.MeAnswer))
def me_profile() -> Any:
    """Create the responsible person's profile and set a new password (first login, or a handover: the old
    profile is kept in the history). Outside the first login current_password is required, and every
    other token and web session ends"""
    actor = auth.require_actor(profile=False)
    body: s.ProfileBody = openapi.body(s.ProfileBody)
    updated = accounts.complete_profile(
        get_db(),
        actor,
        first_name=body.first_name,
        last_name=body.last_name,
        position=body.position,
        phone=body.phone,
        new_password=body.new_password,
        current_password=body.current_password,
        keep_token_hash=auth.current_token_hash(),
        addr=request.remote_addr,
        limits=login_guard.limits(current_app.config),
        now=now(),
    )
    return jsonify(_me(updated))


@bp.post("/users/<login>/reset")
@api_doc.validate(json=s.ResetBody, resp=answers(400, 401, 403, 404, ok=s.ResetAnswer))
def reset_user(login: str) -> Any:
    """Change of responsible person: new first password (admin or the level above)"""
    actor = auth.require_actor()
    body: s.ResetBody = openapi.body(s.ResetBody)
    password = accounts.reset_account(get_db(), actor, login, reason=body.reason)
    return jsonify({"login": login, "password": password, "must_complete_profile": True})


@bp.get("/rounds")
@api_doc.validate(resp=answers(401, 403, ok=s.RoundsAnswer))
def list_rounds() -> Any:
    """All rounds with their deadlines and phase"""
    auth.require_actor()
    return jsonify({"rounds": rounds.list_rounds(get_db(), now())})


@bp.get("/rounds/<round_id>/units/<code>/status")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.StatusAnswer))
def unit_status(round_id: str, code: str) -> Any:
    """State, who confirmed when, counts, children's states, open conflicts, blockers"""
    actor = auth.require_actor()
    _round_unit(round_id, code)
    db = get_db()
    body = chain.status(db, actor, round_id, code, now=now())
    body["notices"] = spot_checks.notices_of_unit(db, round_id, code)
    return jsonify(body)


@bp.get("/rounds/<round_id>/units/<code>/roster")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.RosterAnswer))
def unit_roster(round_id: str, code: str) -> Any:
    """The stored roster and removed register (institution) or other counts (LAO)"""
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
@api_doc.validate(resp=xlsx(401, 403, 404))
def unit_template(round_id: str, code: str) -> Any:
    """The unit's pre-filled template (.xlsx)"""
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
@api_doc.validate(
    form=s.FileBody,
    resp=answers(400, 401, 403, 404, 409, 413, 422, 423, ok=s.WorkbookAccepted),
    skip_validation=True,  # the file is read after the scope check, by the view (400 file_required)
)
def unit_workbook(round_id: str, code: str) -> Any:
    """Upload a filled workbook (multipart field `file`)"""
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
@api_doc.validate(resp=answers(401, 403, 404, 409, 423, ok=s.ConfirmAnswer))
def unit_confirm(round_id: str, code: str) -> Any:
    """Confirm the unit (its own account)"""
    actor = auth.require_actor(profile=False)
    return jsonify(chain.confirm(get_db(), actor, round_id, code, now=now()))


@bp.post("/rounds/<round_id>/units/<code>/revoke")
@api_doc.validate(json=s.ReasonBody, resp=answers(400, 401, 403, 404, 409, 423, ok=s.RevokeAnswer))
def unit_revoke(round_id: str, code: str) -> Any:
    """Revoke the unit's confirmation (the level above, with a reason)"""
    actor = auth.require_actor(profile=False)
    body: s.ReasonBody = openapi.body(s.ReasonBody)
    return jsonify(chain.revoke(get_db(), actor, round_id, code, body.reason, now=now()))


@bp.post("/rounds/<round_id>/units/<code>/exception")
@api_doc.validate(json=s.ExceptionBody, resp=answers(400, 401, 403, 404, ok=s.ExceptionAnswer))
def unit_exception(round_id: str, code: str) -> Any:
    """Admin: let the unit act after its deadline / after closing, until a time"""
    actor = auth.require_actor()
    db = get_db()
    _round_unit(round_id, code)
    scope.check(db, actor, code, "exception")
    body: s.ExceptionBody = openapi.body(s.ExceptionBody)
    row = rounds.grant_exception(db, actor, round_id, code, until=body.until, reason=body.reason, now=now())
    return jsonify(row)


@bp.get("/rounds/<round_id>/conflicts")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.ConflictsAnswer))
def round_conflicts(round_id: str) -> Any:
    """Open ID conflicts visible to the caller (who decides, open since) and decided ones"""
    actor = auth.require_actor()
    db = get_db()
    rounds.require_round(db, round_id)
    return jsonify(conflicts.listing(db, actor, round_id, now()))


@bp.post("/rounds/<round_id>/conflicts/<citizen_id>/decision")
@api_doc.validate(json=s.DecisionBody, resp=answers(400, 401, 403, 404, 409, 423, ok=s.DecisionAnswer, status=201))
def conflict_decide(round_id: str, citizen_id: str) -> Any:
    """Decide who keeps the child (the lowest level seeing every institution); 409 if decided"""
    actor = auth.require_actor()
    body: s.DecisionBody = openapi.body(s.DecisionBody)
    decision = conflicts.decide(
        get_db(), actor, round_id, citizen_id, keep=body.keep, kind=body.kind, reason=body.reason, now=now()
    )
    return jsonify(decision), 201


@bp.delete("/rounds/<round_id>/conflicts/<citizen_id>/decision")
@api_doc.validate(json=s.WithdrawBody, resp=answers(400, 401, 403, 404, 423, ok=s.DecisionAnswer))
def conflict_withdraw(round_id: str, citizen_id: str) -> Any:
    """Withdraw the decision (the same level or a higher one)"""
    actor = auth.require_actor()
    body: s.WithdrawBody = openapi.body(s.WithdrawBody)  # spectree reads no DELETE body: body() does
    return jsonify(conflicts.withdraw(get_db(), actor, round_id, citizen_id, reason=body.reason, now=now()))


AUDIT_MAX = 5000


@bp.get("/audit")
@api_doc.validate(query=s.AuditQuery, resp=answers(400, 401, 403, 404, ok=s.AuditAnswer))
def audit_log() -> Any:
    """Audit records in the caller's scope, exactly as the audit page shows them (logins too; the person by
    name and position); limit 1-5000 (default 500)

    page_data.audit_rows with the page's filters; a bad limit or date is refused by its own code
    (bad_limit, bad_date)."""
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


@bp.post("/rounds/<round_id>/units/<code>/spot-checks")
@api_doc.validate(json=s.DrawBody, resp=answers(400, 401, 403, 404, 409, ok=s.SpotCheckAnswer, status=201))
def spot_check_draw(round_id: str, code: str) -> Any:
    """The province draws a seeded, risk-weighted sample (same seed, same sample)"""
    actor = auth.require_actor()
    body: s.DrawBody = openapi.body(s.DrawBody)
    check = spot_checks.draw(
        get_db(),
        actor,
        round_id,
        code,
        institutions=body.institutions,
        children=body.children,
        seed=body.seed,
        now=now(),
    )
    return jsonify(check), 201


@bp.get("/rounds/<round_id>/units/<code>/spot-checks")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.SpotChecksAnswer))
def spot_check_list(round_id: str, code: str) -> Any:
    """The province's spot-checks of the round"""
    return jsonify({"spot_checks": spot_checks.list_for(get_db(), auth.require_actor(), round_id, code)})


@bp.get("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.SpotCheckAnswer))
def spot_check_get(round_id: str, code: str, check_id: int) -> Any:
    """One spot-check: the sample and its results so far"""
    return jsonify(spot_checks.get(get_db(), auth.require_actor(), round_id, code, check_id))


@bp.get("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>/workbook")
@api_doc.validate(resp=xlsx(401, 403, 404))
def spot_check_workbook(round_id: str, code: str, check_id: int) -> Any:
    """The printable check list (xlsx): per institution found / not found / note, signatures"""
    from workbook_templates.spot_check import build_check_list

    data = spot_checks.check_list(get_db(), auth.require_actor(), round_id, code, check_id)
    buf = io.BytesIO()
    build_check_list(data, buf)
    buf.seek(0)
    return send_file(buf, mimetype=XLSX, as_attachment=True, download_name=f"สุ่มตรวจ_{code}_{round_id}_{check_id}.xlsx")


@bp.post("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>/results")
@api_doc.validate(json=s.ResultsBody, form=s.FileBody, resp=answers(400, 401, 403, 404, 422, ok=s.SpotCheckAnswer))
def spot_check_results(round_id: str, code: str, check_id: int) -> Any:
    """Record results: the filled check list (multipart `file`) or {"results": [...]}

    The file is read by the hardened reader."""
    actor = auth.require_actor()
    db = get_db()
    spot_checks.require_province(db, actor, code)
    file = request.files.get("file")
    if file is not None:
        return jsonify(spot_checks.record_file(db, actor, round_id, code, check_id, file.read(),
                                               filename=file.filename, now=now()))  # fmt: skip
    body: s.ResultsBody = openapi.body(s.ResultsBody)
    results = [r.model_dump() for r in body.results]
    return jsonify(spot_checks.record(db, actor, round_id, code, check_id, results, now=now()))
