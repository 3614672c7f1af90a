"""The academic records' paths of the OpenAPI document (server/openapi.py merges them in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = {"type": "string"}


def _params(*extra: str) -> list[dict[str, Any]]:
    out = [
        {"name": "year", "in": "path", "required": True, "schema": {"type": "integer", "example": 2567}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056200001"}},
    ]
    return out + [{"name": n, "in": "path", "required": True, "schema": S} for n in extra]


def paths(_resp: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    student = _params("citizen_id")
    return {
        "/years/{year}/units/{code}/records/workbook": {"post": {
            "summary": "Upload a filled academic workbook (curriculum, results or assessments; multipart `file`)",
            "parameters": _params(),
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {
                **_resp(400, 401, 403, 404, 413, ok={"type": "object", "properties": {
                    "accepted": {"const": True}, "upload_id": {"type": "integer"}, "form": S,
                    "term": {"type": ["integer", "null"]}, "class_name": {"type": ["string", "null"]},
                    "rows": {"type": "integer"}, "warnings": {"type": "array"}, "pending": {"type": "array"}}}),
                "422": {"description": "the workbook has errors (or is for another unit or year); nothing stored "
                                       "but the audit record and the kept file",
                        "content": {"application/json": {"schema": {"type": "object", "properties": {
                            "accepted": {"const": False}, "errors": {"type": "array"},
                            "warnings": {"type": "array"}}}}}},
            }}},
        "/years/{year}/units/{code}/students/{citizen_id}/record": {"get": {
            "summary": "A pupil's results up to the year: GPA per term and learning area, GPAX (cut to two "
                       "decimals, not rounded), pending ร/มส",
            "parameters": student, "responses": _resp(401, 403, 404)}},
        "/years/{year}/units/{code}/students/{citizen_id}/transcript": {"get": {
            "summary": "The pupil's ปพ.1 transcript, a printable A4 workbook (.xlsx)",
            "parameters": student, "responses": _resp(401, 403, 404, ok_type=XLSX)}},
    }  # fmt: skip
