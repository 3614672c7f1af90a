"""Routes of the integrity work (issue 13) that are not duplicates' own: spot-check notices and their
explanations, for the API and the pages. Thin: parse, call the service, answer.

    GET  /api/v1/rounds/{round}/units/{code}/spot-check-notices           children not found at `code` and
                                                                          below, each with its state and
                                                                          the institution's explanation
    POST /api/v1/rounds/{round}/units/{code}/spot-check-notices/{citizen_id}/explanation {"explanation"}
    POST /rounds/{round}/units/{code}/notices/{citizen_id}/explain        the unit page's form (session + CSRF)

Scope and who may explain (the institution itself) are the service's (server/domain/spot_check_notices.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.domain import rounds, scope, spot_check_notices, spot_checks
from server.domain.errors import ServiceError
from server.web import auth
from server.web.context import get_db, now

api_bp = Blueprint("integrity_api", __name__, url_prefix="/api/v1")
page_bp = Blueprint("integrity_pages", __name__)


@api_bp.get("/rounds/<round_id>/units/<code>/spot-check-notices")
def notices(round_id: str, code: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    rounds.require_round(db, round_id)
    scope.check(db, actor, code, "view")
    return jsonify({"notices": spot_checks.notices_of_unit(db, round_id, code)})


@api_bp.post("/rounds/<round_id>/units/<code>/spot-check-notices/<citizen_id>/explanation")
def explain(round_id: str, code: str, citizen_id: str) -> Any:
    actor = auth.require_actor()
    data = request.get_json(silent=True)
    text = data.get("explanation") if isinstance(data, dict) else None
    # scope first (the service's): a caller outside it learns nothing from a body check
    notice = spot_check_notices.explain(get_db(), actor, round_id, code, citizen_id,
                                        text if isinstance(text, str) else "", now=now())  # fmt: skip
    return jsonify(notice)


@page_bp.post("/rounds/<round_id>/units/<code>/notices/<citizen_id>/explain")
def explain_form(round_id: str, code: str, citizen_id: str) -> Response:
    """The institution's explanation form on its unit page; back to the page with the answer in Thai."""
    back = url_for("pages.unit_page", round_id=round_id, code=code)
    try:
        actor = auth.require_actor()
        spot_check_notices.explain(get_db(), actor, round_id, code, citizen_id, request.form.get("explanation", ""),
                                   now=now())  # fmt: skip
    except ServiceError as err:
        if err.status == 401:
            return redirect(url_for("pages.login"))
        if err.code == "profile_required":
            return redirect(url_for("pages.profile"))
        if err.status in (403, 404) and err.code != "no_notice":
            return Response(render_template("error.html", error=err), status=err.status)
        flash(err.message, "error")
        return redirect(back)
    flash(f"บันทึกคำชี้แจงของเลขประจำตัว {citizen_id} แล้ว อปท. และจังหวัดเห็นคำชี้แจงนี้ในหน้าของตน", "ok")
    return redirect(back)


def register(app: Flask) -> None:
    app.register_blueprint(api_bp)
    app.register_blueprint(page_bp)
