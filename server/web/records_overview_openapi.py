"""The OpenAPI entry of `GET /years/{year}/units/{code}/records` (server/web/records_overview_api.py).

Kept apart from the route so that server/web/openapi.py (imported by the API routes) imports no route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def paths(resp: Callable[..., dict[str, Any]]) -> dict[str, Any]:
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
        "years": {"type": "array", "items": n}, "curriculum_subjects": n,
        "graduate_reports": {"type": "array", "items": {"type": "object", "properties": {
            "level": s, "variant": s, "level_title": s, "state": s, "state_th": s, "version": n, "graduates": n,
            "candidates": n, "last": s, "reason": {"type": ["string", "null"]}, "updated_at": s}}}}}  # fmt: skip
    params = [
        {"name": "year", "in": "path", "required": True, "schema": {"type": "integer", "example": 2567}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056200001"}},
    ]
    return {"/years/{year}/units/{code}/records": {"get": {
        "summary": "A school's year of academic records: classes and terms stored (pupils, subjects, pending "
                   "ร/มส), the year's accepted uploads, the other years with records, the year's graduate "
                   "reports ปพ.3 and their states",
        "parameters": params, "responses": resp(401, 403, 404, ok=ok)}}}  # fmt: skip
