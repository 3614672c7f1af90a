"""`GET /api/v1/years/{year}/units/{code}/records`: a school's year of academic records as JSON.

What the add-in's "สถานะ" button shows for a records form (and any program may read): the classes and
terms stored with their pupils, subjects and pending ร/มส, the year's accepted uploads, the other years.
The same view as the records index page (`records_views.records_overview`, scope checked there).
Kept out of records_api.py, which another change is converting to request/response models.

    openapi_paths(resp) -> dict    this route's part of the hand-written OpenAPI document
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify

from server.domain import records_views
from server.web import auth
from server.web.context import get_db

bp = Blueprint("records_overview", __name__, url_prefix="/api/v1")


def overview_json(view: dict[str, Any]) -> dict[str, Any]:
    """The overview with the unit reduced to its public fields (code, name, kind)."""
    unit = view["unit"]
    return {**view, "unit": {k: unit[k] for k in ("code", "name", "kind")}}


@bp.get("/years/<int:year>/units/<code>/records")
def records_overview(year: int, code: str) -> Any:
    actor = auth.require_actor()
    return jsonify(overview_json(records_views.records_overview(get_db(), actor, year, code)))


def openapi_paths(resp: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The path's OpenAPI entry, merged by server/web/openapi.py."""
    s, n = {"type": "string"}, {"type": "integer"}
    term = {"type": "object", "properties": {"term": n, "pupils": n, "subjects": n, "pending": n}}
    ok = {"type": "object", "properties": {
        "unit": {"type": "object", "properties": {"code": s, "name": s, "kind": s}}, "year": n,
        "classes": {"type": "array", "items": {"type": "object", "properties": {
            "class_name": s, "terms": {"type": "array", "items": term}}}},
        "uploads": {"type": "array", "items": {"type": "object", "properties": {
            "form": s, "form_th": s, "term": {"type": ["integer", "null"]}, "class_name": {"type": ["string", "null"]},
            "filename": s, "login": s, "at": s, "rows": n}}},
        "years": {"type": "array", "items": n}, "curriculum_subjects": n}}  # fmt: skip
    params = [
        {"name": "year", "in": "path", "required": True, "schema": {"type": "integer", "example": 2567}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056200001"}},
    ]
    return {"/years/{year}/units/{code}/records": {"get": {
        "summary": "A school's year of academic records: classes and terms stored (pupils, subjects, pending "
                   "ร/มส), the year's accepted uploads, the other years with records",
        "parameters": params, "responses": resp(401, 403, 404, ok=ok)}}}  # fmt: skip


def register(app: Any) -> None:
    app.register_blueprint(bp)
