"""`GET /api/v1/years/{year}/units/{code}/records`: a school's year of academic records as JSON.

What the add-in's "สถานะ" button shows for a records form (and any program may read): the classes and
terms stored with their pupils, subjects and pending ร/มส, the year's accepted uploads, the other years.
The same view as the records index page (`records_views.records_overview`, scope checked there).
Documented through its answer model (`schemas.RecordsOverviewAnswer`) with `api_doc.validate`, as the
other /api/v1 routes are (server/web/openapi.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from server.domain import records_views
from server.web import auth
from server.web import schemas as s
from server.web.context import get_db
from server.web.openapi import answers, api_doc

bp = Blueprint("records_overview", __name__, url_prefix="/api/v1")


@bp.get("/years/<int:year>/units/<code>/records")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.RecordsOverviewAnswer))
def records_overview(year: int, code: str) -> Any:
    """A school's year of academic records: classes and terms stored (pupils, subjects, pending ร/มส), the
    year's accepted uploads, the other years with records"""
    actor = auth.require_actor()
    return jsonify(records_views.overview_for_clients(get_db(), actor, year, code))


def register(app: Any) -> None:
    app.register_blueprint(bp)
