"""Routes of the integrity work (issue 13) that are not duplicates' own: spot-check notices and their
explanations, for the API and the pages. Thin: parse, call the service, answer.

    GET  /api/v1/rounds/{round}/units/{code}/spot-check-notices           children not found at `code` and
                                                                          below, each with its state and
                                                                          the institution's explanation
    POST /api/v1/rounds/{round}/units/{code}/spot-check-notices/{citizen_id}/explanation {"explanation"}
    POST /rounds/{round}/units/{code}/notices/{citizen_id}/explain        the unit page's form (session + CSRF)

Scope and who may explain (the institution itself) are the service's (server/domain/spot_check_notices.py).
The API routes declare their models (schemas.NoticesAnswer, ExplanationBody, Notice); the page's form
is no API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

from server.domain import rounds, scope, spot_check_notices, spot_checks
from server.domain.errors import ServiceError
from server.web import auth, openapi, page_kit
from server.web import schemas as s
from server.web.context import get_db, now
from server.web.openapi import answers, api_doc

api_bp = Blueprint("integrity_api", __name__, url_prefix="/api/v1")
page_bp = page_kit.refuse_as_pages(Blueprint("integrity_pages", __name__))


@api_bp.get("/rounds/<round_id>/units/<code>/spot-check-notices")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.NoticesAnswer))
def notices(round_id: str, code: str) -> Any:
    """Children a spot-check did not find at the unit and below, each with its state (open, explained,
    removed), what the institution must do, and its explanation"""
    actor = auth.require_actor()
    db = get_db()
    rounds.require_round(db, round_id)
    scope.check(db, actor, code, "view")
    return jsonify({"notices": spot_checks.notices_of_unit(db, round_id, code)})


@api_bp.post("/rounds/<round_id>/units/<code>/spot-check-notices/<citizen_id>/explanation")
@api_doc.validate(json=s.ExplanationBody, resp=answers(400, 401, 403, 404, 423, ok=s.Notice))
def explain(round_id: str, code: str, citizen_id: str) -> Any:
    """The institution's explanation for a child a spot-check did not find (the institution itself;
    recorded with the person, audited, shown to its LAO and province)

    An empty or too long explanation is the service's refusal (explanation_required, explanation_too_long,
    audited); the model only holds that it is text."""
    actor = auth.require_actor()
    db = get_db()
    # who may explain first (the service's): a caller outside it learns nothing from a body check
    spot_check_notices.check_caller(db, actor, round_id, code, citizen_id, now=now())
    body: s.ExplanationBody = openapi.body(s.ExplanationBody)
    return jsonify(spot_check_notices.explain(db, actor, round_id, code, citizen_id, body.explanation, now=now()))


@page_bp.post("/rounds/<round_id>/units/<code>/notices/<citizen_id>/explain")
def explain_form(round_id: str, code: str, citizen_id: str) -> Response:
    """The institution's explanation form on its unit page; back to the page with the answer in Thai."""
    back = url_for("pages.unit_page", round_id=round_id, code=code)
    try:
        actor = auth.require_actor()
        spot_check_notices.explain(get_db(), actor, round_id, code, citizen_id, request.form.get("explanation", ""),
                                   now=now())  # fmt: skip
    except ServiceError as err:
        if err.code == "profile_required" or (err.status in (401, 403, 404) and err.code != "no_notice"):
            raise  # the pages' refusal (page_kit): the login or profile page, or the Thai error page as HTML
        flash(err.message, "error")
        return redirect(back)
    flash(f"บันทึกคำชี้แจงของเลขประจำตัว {citizen_id} แล้ว อปท. และจังหวัดเห็นคำชี้แจงนี้ในหน้าของตน", "ok")
    return redirect(back)


def register(app: Flask) -> None:
    app.register_blueprint(api_bp)
    app.register_blueprint(page_bp)
