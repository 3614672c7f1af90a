"""The graduate report's (ปพ.3) paths of the OpenAPI document (server/web/openapi.py merges them in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = {"type": "string"}
STATE = {"type": "string", "enum": ["submitted", "returned", "approved"]}
REPORT = {"type": "object", "properties": {
    "year": {"type": "integer"}, "unit_code": S, "level": S, "state": STATE, "state_th": S,
    "version": {"type": "integer"}, "versions": {"type": "array"}, "events": {"type": "array"}}}  # fmt: skip


def _params() -> list[dict[str, Any]]:
    return [
        {"name": "year", "in": "path", "required": True, "schema": {"type": "integer", "example": 2567}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056200001"}},
        {"name": "level", "in": "path", "required": True,
         "schema": {"type": "string", "enum": ["p6", "m3", "m6", "pvc3", "pvs2"]}},
    ]  # fmt: skip


def paths(_resp: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    base = "/years/{year}/units/{code}/graduates/{level}"
    p = _params()
    return {
        base: {"get": {
            "summary": "The graduate report ปพ.3, a printable A4 workbook: the kept file once submitted or approved "
                       "(headers X-Report-State, X-Report-Version, X-Report-SHA256), else a draft from the data now",
            "parameters": p, "responses": _resp(400, 401, 403, 404, ok_type=XLSX)}},
        base + "/status": {"get": {
            "summary": "Every candidate's graduation status with the Thai reasons, totals by sex, the criteria "
                       "(with their curriculum) and the report's state, versions and events",
            "parameters": p, "responses": _resp(400, 401, 403, 404)}},
        base + "/submit": {"post": {
            "summary": "The school's registrar submits the report (a new kept, hashed version)",
            "parameters": p, "responses": _resp(401, 403, 404, 409, ok=REPORT)}},
        base + "/approve": {"post": {
            "summary": "The LAO's registrar approves the submitted version; it is frozen (changes need a return "
                       "first); 409 when the school's data changed since it was submitted",
            "parameters": p, "responses": _resp(401, 403, 404, 409, ok=REPORT)}},
        base + "/return": {"post": {
            "summary": "The LAO's registrar returns a submitted or approved report with a reason",
            "parameters": p,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"reason": S}, "required": ["reason"]}}}},
            "responses": _resp(400, 401, 403, 404, 409, ok=REPORT)}},
        "/graduate-reports": {"get": {
            "summary": "The graduate reports of the units in the caller's scope (an LAO its schools, a province "
                       "all of its own, the national admin all) with their states",
            "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}}],
            "responses": _resp(401, 403)}},
    }  # fmt: skip
