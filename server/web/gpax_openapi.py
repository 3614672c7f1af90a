"""The paths of the GPAX export and the LocalSchool migration in the OpenAPI document (openapi.py merges them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.domain.gpax import COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = {"type": "string"}
INT = {"type": "integer"}


def _unit(*extra: str) -> list[dict[str, Any]]:
    out = [
        {"name": "year", "in": "path", "required": True, "schema": {"type": "integer", "example": 2567}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056200001"}},
    ]
    return out + [{"name": n, "in": "path", "required": True, "schema": INT} for n in extra]


def paths(_resp: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return {
        "/years/{year}/units/{code}/gpax.csv": {"get": {
            "summary": "GPAX export for the Ministry and TCAS: per pupil the school code, citizen ID, GPAX and "
                       "each learning area's GPA and credits (cut to two decimals, not rounded), over the "
                       "first 5 or 6 terms from term 1 of year-2; streamed CSV",
            "description": "Columns: " + ", ".join(COLUMNS) + ". `code` is a school, an LAO, a province or "
                           "`TH` (the nation: national admin only); the caller must see the unit.",
            "parameters": [
                {"name": "year", "in": "path", "required": True, "schema": {"type": "integer", "example": 2567}},
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "56"}},
                {"name": "terms", "in": "query", "required": False,
                 "schema": {"type": "integer", "enum": [5, 6], "default": 6}},
            ],
            "responses": _resp(400, 401, 403, 404, ok_type="text/csv"),
        }},
        "/years/{year}/units/{code}/localschool": {"get": {
            "summary": "The unit's LocalSchool imports of the year, newest first: who sent them, when, and the "
                       "counts (rows, stored, unchanged, failed) with the failed-rows workbook's path",
            "parameters": _unit(),
            "responses": _resp(401, 403, 404, ok={"type": "object", "properties": {
                "unit": S, "year": INT, "imports": {"type": "array", "items": {"type": "object", "properties": {
                    "import_id": INT, "filename": {"type": ["string", "null"]}, "login": S, "at": S, "rows": INT,
                    "stored": INT, "unchanged": INT, "failed": INT,
                    "failed_workbook": {"type": ["string", "null"]}}}}}}),
        }, "post": {
            "summary": "Import a school's past results (LocalSchool migration workbook, multipart `file`): good rows "
                       "are stored (a re-import changes nothing), failed rows come back as a workbook to fix",
            "parameters": _unit(),
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {
                **_resp(400, 401, 403, 404, 413, ok={"type": "object", "properties": {
                    "accepted": {"const": True}, "import_id": INT, "rows": INT, "stored": INT, "unchanged": INT,
                    "failed": INT, "failed_workbook": {"type": ["string", "null"]}, "errors": {"type": "array"},
                    "warnings": {"type": "array"}}}),
                "422": {"description": "not a LocalSchool workbook of this unit and year; nothing stored",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
            }}},
        "/years/{year}/units/{code}/localschool/{import_id}/failed": {"get": {
            "summary": "The rows of one import that failed, as a LocalSchool workbook with the Thai reason beside "
                       "each (fix them and send this workbook back)",
            "parameters": _unit("import_id"), "responses": _resp(401, 403, 404, ok_type=XLSX)}},
        "/years/{year}/units/{code}/register/template": {"get": {
            "summary": "The registrar's pupil register form, pre-filled from the school's last confirmed census "
                       "roster and its register so far (send it back through records/workbook)",
            "parameters": _unit(), "responses": _resp(401, 403, 404, ok_type=XLSX)}},
        "/years/{year}/units/{code}/register": {"get": {
            "summary": "The school's pupil register: student numbers, parents, entry and leaving, ปพ.1 series and "
                       "number, per pupil",
            "parameters": _unit(), "responses": _resp(401, 403, 404)}},
    }  # fmt: skip
