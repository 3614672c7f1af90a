"""The OpenAPI document is generated from the routes' models: it lists every route of the API, it is a
valid OpenAPI 3 document, and a body that does not match its model is a 400 naming the field in Thai."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate
from serverkit import ROUND, World

from server.web import schemas

CHECK_PATH = f"/rounds/{ROUND}/units/56/spot-checks"


def _documented(client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_lists_exactly_the_routes_of_the_url_map(app: Flask, client) -> None:
    doc = _documented(client)
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented, {"undocumented": routes - documented, "not routes": documented - routes}
    assert len(routes) >= 24


def test_the_document_is_valid_openapi_3(client) -> None:
    doc = _documented(client)
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] == "LEC Sheets API"
    validate(doc)  # openapi-spec-validator: raises on an invalid document
    token = doc["paths"]["/token"]["post"]
    assert token["security"] == [] and token["summary"] == "Log in: a bearer token"
    assert token["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/TokenBody")
    assert set(token["responses"]) == {"200", "400", "401", "429"}
    assert doc["paths"]["/me"]["get"]["responses"].keys() == {"200", "401"}  # no body, no 400
    upload = doc["paths"]["/rounds/{round_id}/units/{code}/workbook"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/WorkbookRejected")
    assert "ยังไม่ได้เข้าสู่ระบบ" in upload["responses"]["401"]["description"]
    labels = doc["components"]["schemas"]["ReasonBody"]["properties"]["reason"]
    assert labels["title"] == "เหตุผล"
    assert doc["components"]["schemas"]["DecisionBody"]["properties"]["kind"]["enum"] == ["present", "mistyped"]


def test_every_request_model_is_used_by_a_route(client) -> None:
    doc = _documented(client)
    used = {
        ref.rsplit("/", 1)[-1]
        for path in doc["paths"].values()
        for op in path.values()
        for content in op.get("requestBody", {}).get("content", {}).values()
        for ref in [content["schema"]["$ref"]]
    }
    used |= {"AuditQuery", "SpotResult"}  # the query's parameters, and an item of ResultsBody
    models = {n for n, m in vars(schemas).items() if isinstance(m, type) and issubclass(m, schemas.Body)}
    assert models - {"Body"} == used


# A bad body on each JSON endpoint: (login, method, path, body, the field named)
BAD_BODIES = [
    (None, "post", "/token", {"login": "56"}, "password", "ต้องระบุรหัสผ่าน"),
    (None, "post", "/token", {"login": 56, "password": "x"}, "login", "รหัสผู้ใช้ ต้องเป็นข้อความ"),
    ("56", "post", "/me/profile", {"first_name": "ก"}, "last_name", "ต้องระบุนามสกุล"),
    ("dla", "post", "/users/3056200001/reset", {"reason": ["x"]}, "reason", "เหตุผล ต้องเป็นข้อความ"),
    ("05560101", "post", f"/rounds/{ROUND}/units/3056200001/revoke", {}, "reason", "ต้องระบุเหตุผล"),
    ("dla", "post", f"/rounds/{ROUND}/units/3056200001/exception", {"reason": "x"}, "until", "ต้องระบุผ่อนผันถึง"),
    ("56", "post", f"/rounds/{ROUND}/conflicts/1103700000011/decision", {"keep": "x", "reason": "y", "kind": "z"},
     "kind", "ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้"),
    ("56", "delete", f"/rounds/{ROUND}/conflicts/1103700000011/decision", {"reason": 5}, "reason", "ต้องเป็นข้อความ"),
    ("56", "post", CHECK_PATH, {"institutions": "two"}, "institutions", "ต้องเป็นจำนวนเต็ม"),
    ("56", "post", CHECK_PATH, {"institutions": 2, "children": True}, "children", "ต้องเป็นจำนวนเต็ม"),
    ("56", "post", f"{CHECK_PATH}/1/results", {"results": [{"citizen_id": "1", "found": "yes"}]},
     "results[0].found", "พบตัว ต้องเป็น true หรือ false"),
    ("56", "post", f"{CHECK_PATH}/1/results", {}, "results", "ต้องระบุผลการตรวจ"),
]  # fmt: skip


@pytest.mark.parametrize(("login", "method", "path", "body", "field", "message"), BAD_BODIES)
def test_a_bad_body_is_a_400_naming_the_field_in_thai(
    world: World, login: str | None, method: str, path: str, body: Any, field: str, message: str
) -> None:
    headers = world.headers(login) if login else {}
    r = getattr(world.client, method)(f"/api/v1{path}", json=body, headers=headers)
    answer = r.get_json()
    assert r.status_code == 400 and answer["error"] == "invalid_body", answer
    named = {e["field"]: e["message"] for e in answer["errors"]}
    assert message in named[field] and f"({field})" in named[field], named
    assert message in answer["message"] and answer["detail"]["errors"] == answer["errors"]


def test_a_body_that_is_no_object_is_bad_json(world: World) -> None:
    for body in ([1, 2], "text"):
        r = world.client.post("/api/v1/token", json=body)
        assert r.status_code == 400 and r.get_json()["error"] == "bad_json", body


def test_a_form_encoded_body_is_validated_against_the_same_model(world: World) -> None:
    r = world.client.post("/api/v1/token", data={"login": "56"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "password"
    r = world.client.post("/api/v1/token", data={"login": "56", "password": world.passwords["56"]})
    assert r.status_code == 200 and r.get_json()["token"]


def test_a_bad_body_is_judged_after_who_calls_and_their_scope(world: World) -> None:
    path = f"/api/v1/rounds/{ROUND}/units/3056200001/revoke"
    r = world.client.post(path, json={"reason": 5})  # no credentials
    assert r.status_code == 401 and r.get_json()["error"] == "unauthenticated"
    r = world.client.post(f"/api/v1{CHECK_PATH}/1/results", json={}, headers=world.headers("57"))
    assert r.status_code == 403 and r.get_json()["error"] == "out_of_scope"  # another province's check


def test_a_multipart_post_without_its_file_names_the_file(world: World) -> None:
    world.fill("3056200001", 5)
    check = world.post("56", CHECK_PATH, json={"institutions": 1, "children": 1, "seed": 3}).get_json()
    r = world.client.post(
        f"/api/v1{CHECK_PATH}/{check['id']}/results", data={"note": "x"}, headers=world.headers("56"),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert r.status_code == 400 and r.get_json()["errors"] == [{"field": "file", "message": "ต้องระบุไฟล์ (file)"}]
