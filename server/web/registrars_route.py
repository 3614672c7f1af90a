"""`GET /api/v1/units/{code}/registrars`: a unit's registrars, current and past.

Why its own small blueprint: the graduate report's routes (graduates_api.py) are being converted by
another change; the registrar history names no year (an appointment outlives school years), so it sits
under `/units/{code}` and reads `registrars.history_for`, which checks that the caller may view the unit.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from server.domain import registrars
from server.web import auth
from server.web import schemas as s
from server.web.context import get_db
from server.web.openapi import answers, api_doc

bp = Blueprint("registrars", __name__, url_prefix="/api/v1")


@bp.get("/units/<code>/registrars")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.RegistrarsAnswer))
def registrar_history(code: str) -> Any:
    """A unit's registrars, current and past: the person, the appointing order (number, date), the dates in office"""
    actor = auth.require_actor()
    return jsonify(registrars.history_for(get_db(), actor, code))


def register(app: Any) -> None:
    app.register_blueprint(bp)
