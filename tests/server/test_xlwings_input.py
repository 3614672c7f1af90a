"""Issue 10, item 5: the xlwings routes answer a malformed payload with a Thai 400, never a 500; the body
is capped; a workbook is worked on only for an authenticated caller."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serverkit import PASSWORD, World

sys.path.insert(0, str(Path(__file__).parents[1] / "addin"))  # the VBA client's JSON encoder

from clientjson import payload_from_xlsx

from addin.book_io import SETTINGS_SHEET

_GOOD: dict[str, Any] = {}


@pytest.fixture
def good(world: World) -> dict[str, Any]:
    """A school's template as the VBA client posts it, with the settings sheet naming the login."""
    if not _GOOD:
        _GOOD.update(payload_from_xlsx(world.workbook("3056200001", n=3)))
        _GOOD["sheets"].append(
            {
                "name": SETTINGS_SHEET,
                "pictures": [],
                "tables": [],
                "values": [["ตั้งค่า", None, None], ["รหัสผู้ใช้", "3056200001", "login"]],
            }
        )
    return copy.deepcopy(_GOOD)


def post(world: World, action: str, body: Any, auth: str | None = None, raw: bool = False) -> Any:
    headers = {"Authorization": auth} if auth else {}
    if raw:
        return world.client.post(f"/xlwings/{action}", data=body, headers=headers, content_type="application/json")
    return world.client.post(f"/xlwings/{action}", json=body, headers=headers)


def malformed(good: dict[str, Any]) -> dict[str, Any]:
    """Payloads the old route turned into a 500 (or would have), each a different way of being wrong."""
    sheet = good["sheets"][0]
    cases: dict[str, Any] = {
        "a list": [1, 2],
        "a number": 3,
        "null": None,
        "no sheets": {"book": good["book"]},
        "sheets not a list": {**good, "sheets": "x"},
        "empty sheets": {**good, "sheets": []},
        "a sheet not an object": {**good, "sheets": [1]},
        "a sheet without values": {**good, "sheets": [{"name": "x"}]},
        "values not a list": {**good, "sheets": [{**sheet, "values": "abc"}]},
        "a row not a list": {**good, "sheets": [{**sheet, "values": [1, 2]}]},
        "ragged rows": {**good, "sheets": [{**sheet, "values": [[1, 2], [1]]}]},
        "a cell that is a list": {**good, "sheets": [{**sheet, "values": [[[1]]]}]},
        "a cell that is an object": {**good, "sheets": [{**sheet, "values": [[{"a": 1}]]}]},
        "a nameless sheet": {**good, "sheets": [{**sheet, "name": ""}]},
        "a sheet name of 40 characters": {**good, "sheets": [{**sheet, "name": "ก" * 40}]},
        "two sheets of one name": {**good, "sheets": [sheet, sheet]},
        "65 sheets": {**good, "sheets": [{**sheet, "name": f"s{i}"} for i in range(65)]},
        "70 columns": {**good, "sheets": [{**sheet, "values": [[1] * 70]}]},
        "a 40,000-character cell": {**good, "sheets": [{**sheet, "values": [["x" * 40_000]]}]},
        "book not an object": {**good, "book": "x"},
        "active sheet out of range": {**good, "book": {**good["book"], "active_sheet_index": 99}},
        "negative active sheet": {**good, "book": {**good["book"], "active_sheet_index": -1}},
        "a name on a missing sheet": {**good, "names": [{"name": "x", "sheet_index": 99, "address": "A1"}]},
        "names not a list": {**good, "names": {"a": 1}},
        "pictures not a list": {**good, "sheets": [{**sheet, "pictures": 5}]},
    }
    return cases


RAW = {
    "not JSON": b"{not json",
    "NaN": b'{"sheets": [{"name": "a", "values": [[NaN]]}]}',
    "Infinity": b'{"sheets": [{"name": "a", "values": [[Infinity]]}]}',
    "empty body": b"",
}


def test_unauthenticated_posts_get_no_work_done(world: World, good: dict[str, Any]) -> None:
    r = post(world, "validate", {"sheets": [1]})  # the 500
    assert r.status_code == 401 and r.get_json()["error"] == "unauthenticated"
    for action in ("validate", "upload", "status", "confirm"):
        for body in (good, {"sheets": "x"}):
            r = post(world, action, body)
            assert r.status_code == 401 and "เข้าสู่ระบบ" in r.get_json()["message"], action
        assert post(world, action, good, auth="Bearer forged").status_code == 401


@pytest.mark.parametrize("action", ["validate", "upload", "status", "confirm"])
def test_malformed_payloads_are_a_thai_400(world: World, good: dict[str, Any], action: str) -> None:
    auth = world.headers("3056200001")["Authorization"]
    for what, body in malformed(good).items():
        r = post(world, action, body, auth)
        assert r.status_code == 400, (what, r.status_code, r.get_data()[:300])
        assert r.get_json()["error"] == "bad_xlwings_payload" and "แฟ้ม Excel" in r.get_json()["message"], what
    for what, data in RAW.items():
        r = post(world, action, data, auth, raw=True)
        assert r.status_code == 400, (what, r.status_code, r.get_data()[:300])
    assert post(world, action, good, auth).status_code == 200  # the well-formed book still works


def test_login_reads_only_the_settings_sheet_before_the_password(world: World, good: dict[str, Any]) -> None:
    world.headers("3056200001")
    body = {**good, "sheets": [*good["sheets"], {"name": "ขยะ", "values": [[1, 2], [3]]}]}  # ragged: unread
    r = post(world, "login", body, auth="LecPassword " + quote(PASSWORD))
    assert r.status_code == 200 and any(a["func"] == "runMacro" for a in r.get_json()["actions"])
    wrong = post(world, "login", body, auth="LecPassword " + quote("ผิด"))
    assert wrong.status_code == 200 and not any(a["func"] == "runMacro" for a in wrong.get_json()["actions"])
    for what, bad in {
        "no sheets": {"book": {}},
        "a list": [1],
        "bad settings": {**good, "sheets": [{"name": SETTINGS_SHEET, "values": [[1], [1, 2]]}]},
    }.items():
        r = post(world, "login", bad, auth="LecPassword " + quote(PASSWORD))
        assert r.status_code == 400, (what, r.get_data()[:300])
    assert post(world, "login", b"[", "LecPassword x", raw=True).status_code == 400


def test_the_body_is_capped(world: World, good: dict[str, Any]) -> None:
    auth = world.headers("3056200001")["Authorization"]
    world.app.config["XLWINGS_MAX_BYTES"] = 4096  # the template posts ~9 KB
    for action, header in (("validate", auth), ("login", "LecPassword " + quote(PASSWORD))):
        r = post(world, action, good, header)
        assert r.status_code == 413 and r.get_json()["error"] == "too_large", action
        assert "ใหญ่เกิน 4 KB" in r.get_json()["message"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sheet=st.dictionaries(st.sampled_from(["name", "values", "pictures", "tables", "x"]), JSON, max_size=5),
    book=JSON,
    names=JSON,
)
def test_no_payload_is_a_500(world: World, sheet: dict[str, Any], book: Any, names: Any) -> None:
    auth = world.headers("3056200001")["Authorization"]
    for body in ({"sheets": [sheet], "book": book, "names": names}, {"sheets": [sheet]}):
        r = post(world, "validate", body, auth)
        assert r.status_code in (200, 400), (body, r.status_code, r.get_data()[:300])
