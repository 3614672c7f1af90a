"""The GPAX export's path of the OpenAPI document (server/web/openapi.py merges it in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.domain.gpax import COLUMNS


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
    }  # fmt: skip
