"""The OpenAPI 3.1 document served at /api/v1/openapi.json, written by hand (a test checks that it lists
every route of the blueprint, so it cannot silently fall behind)."""

from __future__ import annotations

from typing import Any

from server.web import gpax_openapi, graduates_openapi, records_openapi, records_overview_openapi

ERROR = {"$ref": "#/components/schemas/Error"}


def _resp(*codes: int, ok: dict[str, Any] | None = None, ok_type: str = "application/json") -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {ok_type: {"schema": ok or {"type": "object"}}}}}
    text = {
        400: "bad input",
        401: "not logged in",
        403: "out of scope / profile_required",
        404: "unknown",
        409: "chain order",
        413: "too large",
        422: "workbook has errors",
        423: "past deadline or closed",
        429: "too many failed logins",
        501: "not implemented yet",
    }
    for c in codes:
        out[str(c)] = {"description": text[c], "content": {"application/json": {"schema": ERROR}}}
    return out


def _created(*codes: int) -> dict[str, Any]:
    """Like `_resp`, for a POST that creates something: 201 instead of 200."""
    out = _resp(*codes)
    out["201"] = {**out.pop("200"), "description": "Created"}
    return out


def _unit_params() -> list[dict[str, Any]]:
    return [
        {"name": "round", "in": "path", "required": True, "schema": {"type": "string", "example": "2567-2"}},
        {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "3056100001"}},
    ]


def _body(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "properties": props, "required": required}}},
    }


S = {"type": "string"}
CHECK = {"name": "check_id", "in": "path", "required": True, "schema": {"type": "integer"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUTH = [{"bearer": []}]


def document() -> dict[str, Any]:
    unit = _unit_params()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LEC Sheets API",
            "version": "1",
            "description": "Uploads and the confirmation chain institution → LAO → province. Errors are "
            "{error, message (Thai), detail}.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": S, "message": S, "detail": {}},
                    "required": ["error", "message"],
                }
            },
        },
        "security": AUTH,
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": _resp()}},
            "/token": {
                "post": {
                    "summary": "Log in: a bearer token",
                    "security": [],
                    "requestBody": _body({"login": S, "password": S}, ["login", "password"]),
                    "responses": _resp(
                        400,
                        401,
                        429,
                        ok={"type": "object", "properties": {"token": S, "must_complete_profile": {"type": "boolean"}}},
                    ),
                },
                "delete": {"summary": "Log out (revoke this token)", "responses": _resp(401)},
            },
            "/me": {"get": {"summary": "The caller, current profile and profile history", "responses": _resp(401)}},
            "/me/profile": {
                "post": {
                    "summary": "Create the responsible person's profile and set a new password (first login, "
                    "or a handover: the old profile is kept in the history). Outside the first login "
                    "current_password is required, and every other token and web session ends",
                    "requestBody": _body(
                        {
                            "first_name": S,
                            "last_name": S,
                            "position": S,
                            "phone": S,
                            "new_password": S,
                            "current_password": S,
                        },
                        ["first_name", "last_name", "position", "phone", "new_password"],
                    ),
                    "responses": _resp(400, 401, 403, 429),
                }
            },
            "/users/{login}/reset": {
                "post": {
                    "summary": "Change of responsible person: new first password (admin or the level above)",
                    "parameters": [{"name": "login", "in": "path", "required": True, "schema": S}],
                    "responses": _resp(401, 403, 404),
                }
            },
            "/rounds": {"get": {"summary": "All rounds with their deadlines and phase", "responses": _resp(401, 403)}},
            "/rounds/{round}/conflicts": {
                "get": {
                    "summary": "Open ID conflicts visible to the caller (who decides, open since) and decided ones",
                    "parameters": unit[:1],
                    "responses": _resp(401, 403, 404),
                }
            },
            "/rounds/{round}/units/{code}/spot-checks": {
                "post": {
                    "summary": "The province draws a seeded, risk-weighted sample (same seed, same sample)",
                    "parameters": unit,
                    "requestBody": _body(
                        {
                            "institutions": {"type": "integer"},
                            "children": {"type": "integer"},
                            "seed": {"type": "integer"},
                        },
                        ["institutions", "children"],
                    ),
                    "responses": _created(400, 401, 403, 404, 409),
                },
                "get": {
                    "summary": "The province's spot-checks of the round",
                    "parameters": unit,
                    "responses": _resp(401, 403, 404),
                },
            },
            "/rounds/{round}/units/{code}/spot-checks/{check_id}": {
                "get": {
                    "summary": "One spot-check: the sample and its results so far",
                    "parameters": [*unit, CHECK],
                    "responses": _resp(401, 403, 404),
                },
            },
            "/rounds/{round}/units/{code}/spot-checks/{check_id}/workbook": {
                "get": {
                    "summary": "The printable check list (xlsx): per institution found / not found / note, signatures",
                    "parameters": [*unit, CHECK],
                    "responses": _resp(401, 403, 404, ok_type=XLSX),
                },
            },
            "/rounds/{round}/units/{code}/spot-checks/{check_id}/results": {
                "post": {
                    "summary": 'Record results: the filled check list (multipart `file`) or {"results": [...]}',
                    "parameters": [*unit, CHECK],
                    "responses": _resp(400, 401, 403, 404, 422),
                },
            },
            "/rounds/{round}/conflicts/{citizen_id}/decision": {
                "post": {
                    "summary": "Decide who keeps the child (the lowest level seeing every institution); 409 if decided",
                    "parameters": [*unit[:1], {"name": "citizen_id", "in": "path", "required": True, "schema": S}],
                    "requestBody": _body(
                        {"keep": S, "reason": S, "kind": {"type": "string", "enum": ["present", "mistyped"]}},
                        ["keep", "reason"],
                    ),
                    "responses": _created(400, 401, 403, 404, 409, 423),
                },
                "delete": {
                    "summary": "Withdraw the decision (the same level or a higher one)",
                    "parameters": [*unit[:1], {"name": "citizen_id", "in": "path", "required": True, "schema": S}],
                    "responses": _resp(401, 403, 404, 423),
                },
            },
            "/rounds/{round}/units/{code}/status": {
                "get": {
                    "summary": "State, who confirmed when, counts, children's states, open conflicts, blockers",
                    "parameters": unit,
                    "responses": _resp(401, 403, 404),
                }
            },
            "/rounds/{round}/units/{code}/roster": {
                "get": {
                    "summary": "The stored roster and removed register (institution) or other counts (LAO)",
                    "parameters": unit,
                    "responses": _resp(401, 403, 404),
                }
            },
            "/rounds/{round}/units/{code}/template": {
                "get": {
                    "summary": "The unit's pre-filled template (.xlsx)",
                    "parameters": unit,
                    "responses": _resp(
                        401, 403, 404, ok_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                    ),
                }
            },
            "/rounds/{round}/units/{code}/workbook": {
                "post": {
                    "summary": "Upload a filled workbook (multipart field `file`)",
                    "parameters": unit,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"file": {"type": "string", "format": "binary"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        **_resp(
                            400,
                            401,
                            403,
                            404,
                            409,
                            413,
                            423,
                            ok={
                                "type": "object",
                                "properties": {
                                    "accepted": {"const": True},
                                    "rows": {"type": "integer"},
                                    "warnings": {"type": "array"},
                                    "conflicts": {"type": "array"},
                                    "duplicate": {"type": "boolean"},
                                },
                            },
                        ),
                        "422": {
                            "description": "the workbook has errors; nothing stored but the audit record",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "accepted": {"const": False},
                                            "errors": {"type": "array"},
                                            "warnings": {"type": "array"},
                                        },
                                    }
                                }
                            },
                        },
                    },
                }
            },
            "/rounds/{round}/units/{code}/confirm": {
                "post": {
                    "summary": "Confirm the unit (its own account)",
                    "parameters": unit,
                    "responses": _resp(401, 403, 404, 409, 423),
                }
            },
            "/rounds/{round}/units/{code}/revoke": {
                "post": {
                    "summary": "Revoke the unit's confirmation (the level above, with a reason)",
                    "parameters": unit,
                    "requestBody": _body({"reason": S}, ["reason"]),
                    "responses": _resp(400, 401, 403, 404, 409, 423),
                }
            },
            "/rounds/{round}/units/{code}/exception": {
                "post": {
                    "summary": "Admin: let the unit act after its deadline / after closing, until a time",
                    "parameters": unit,
                    "requestBody": _body({"until": S, "reason": S}, ["until", "reason"]),
                    "responses": _resp(400, 401, 403, 404),
                }
            },
            "/rounds/{round}/units/{code}/consolidated": {
                "get": {
                    "summary": "The consolidated LAO / province / national (TH) workbook (.xlsx)",
                    "parameters": unit,
                    "responses": _resp(
                        401, 403, 404, ok_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                    ),
                }
            },
            "/audit": {
                "get": {
                    "summary": "Audit records in the caller's scope, exactly as the audit page shows them (logins "
                    "too; the person by name and position); limit 1-5000 (default 500)",
                    "parameters": [
                        {"name": n, "in": "query", "schema": S}
                        for n in ("round", "unit", "action", "who", "date_from", "date_to", "limit")
                    ],
                    "responses": _resp(400, 401, 403, 404),
                }
            },
            **records_openapi.paths(_resp),
            **records_overview_openapi.paths(_resp),
            **graduates_openapi.paths(_resp),
            **gpax_openapi.paths(_resp),
        },
    }
