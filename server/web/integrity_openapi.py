"""The OpenAPI paths of server/web/integrity_routes.py (server/web/openapi.py merges them in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

S = {"type": "string"}
NOTICE = {
    "type": "object",
    "properties": {
        "spot_check": {"type": "integer"}, "unit_code": S, "unit_name": S, "citizen_id": S, "first_name": S,
        "last_name": S, "grade": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]},
        "found": {"type": ["boolean", "null"]}, "still_listed": {"type": "boolean"},
        "state": {"enum": ["open", "explained", "removed", None]},
        "todo_th": {"type": ["string", "null"], "description": "what the institution must do (Thai)"},
        "explanation": {"type": ["string", "null"]}, "explained_at": {"type": ["string", "null"]},
        "explained_at_th": {"type": ["string", "null"]}, "explained_by": {"type": ["string", "null"]},
    },
}  # fmt: skip


def _params(*extra: str) -> list[dict[str, Any]]:
    out = [
        {"name": "round", "in": "path", "required": True, "schema": {"type": "string", "example": "2567-2"}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056200001"}},
    ]
    return out + [{"name": n, "in": "path", "required": True, "schema": S} for n in extra]


def paths(_resp: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return {
        "/rounds/{round}/units/{code}/spot-check-notices": {"get": {
            "summary": "Children a spot-check did not find at the unit and below, each with its state (open, "
                       "explained, removed), what the institution must do, and its explanation",
            "parameters": _params(),
            "responses": _resp(401, 403, 404, ok={"type": "object", "properties": {
                "notices": {"type": "array", "items": NOTICE}}}),
        }},
        "/rounds/{round}/units/{code}/spot-check-notices/{citizen_id}/explanation": {"post": {
            "summary": "The institution's explanation for a child a spot-check did not find (the institution "
                       "itself; recorded with the person, audited, shown to its LAO and province)",
            "parameters": _params("citizen_id"),
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["explanation"],
                "properties": {"explanation": {"type": "string", "maxLength": 1000}}}}}},
            "responses": _resp(400, 401, 403, 404, 423, ok=NOTICE),
        }},
    }  # fmt: skip
