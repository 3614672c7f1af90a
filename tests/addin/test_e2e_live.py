"""End to end against a live server: validate -> upload -> status -> confirm, both set-ups.

1. Classic add-in: the `addin.actions` functions on a Book, talking HTTP to the server with `ApiClient`.
2. No local Python: the workbook's JSON posted to /xlwings/<action> over HTTP, exactly as the VBA
   client does, with the returned actions replayed on the JSON in between (FakeExcel).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from clientjson import FakeExcel, payload_from_xlsx
from live import PASSWORD, ROUND, Live, live_server

from addin import actions
from addin.book_io import FINDINGS_SHEET, SETTINGS_SHEET, STATUS_SHEET, VBA_ACTIONS
from addin.client import ApiClient, ApiError

pytestmark = pytest.mark.live

SCHOOL = "3056200001"
CDC = "3056500001"
PAO_SCHOOL = "3056100001"
LAO = "05560101"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("live") / "data") as server:
        yield server


def _status_value(excel: FakeExcel, label: str) -> object:
    for row in excel.grid(STATUS_SHEET):
        if row and row[0] == label:
            return row[1]
    raise AssertionError(label)


def test_classic_add_in_chain(live: Live, make_workbook: Callable[..., bytes]) -> None:
    client = live.ready(SCHOOL)
    excel = FakeExcel(payload_from_xlsx(make_workbook(unit=SCHOOL, n=25)))

    book = excel.book()
    outcome = actions.validate(book)
    excel.apply(book.json()["actions"])
    assert outcome.ok and "ถูกต้องทั้งหมด" in outcome.message

    book = excel.book()
    outcome = actions.upload(book, client)
    excel.apply(book.json()["actions"])
    assert outcome.ok, outcome.message
    assert outcome.data["body"]["accepted"] is True and outcome.data["body"]["rows"] == 25
    assert "ส่งข้อมูลสำเร็จ" in excel.grid(FINDINGS_SHEET)[1][0]

    book = excel.book()
    outcome = actions.status(book, client)
    excel.apply(book.json()["actions"])
    assert outcome.ok and outcome.data["status"]["state"] == "uploaded"
    assert _status_value(excel, "สถานะ") == "ส่งข้อมูลแล้ว รอยืนยัน"

    # Confirm asks first: on the remote engine the question travels as an alert with a VBA callback.
    book = excel.book()
    outcome = actions.confirm(book, client)
    acts = book.json()["actions"]
    assert outcome.pending
    assert [a["func"] for a in acts] == ["alert"]
    assert acts[0]["args"][2] == "yes_no" and acts[0]["args"][4] == actions.CONFIRM_CALLBACK
    assert client.status(ROUND, SCHOOL)["state"] == "uploaded"  # nothing confirmed yet

    book = excel.book()
    assert not actions.confirm(book, client, answer="no").ok
    assert client.status(ROUND, SCHOOL)["state"] == "uploaded"

    book = excel.book()
    outcome = actions.confirm(book, client, answer="yes")
    excel.apply(book.json()["actions"])
    assert outcome.ok, outcome.message
    assert client.status(ROUND, SCHOOL)["state"] == "confirmed"
    assert _status_value(excel, "สถานะ") == "ยืนยันแล้ว"

    # Confirming twice is refused by the chain, and said in Thai.
    again = actions.confirm(excel.book(), client, answer="yes")
    assert not again.ok and again.data["status"] == 409 and "ยืนยัน" in again.message


def test_upload_refused_by_server_shows_its_verdict(live: Live, make_workbook: Callable[..., bytes]) -> None:
    """A child-centre form for a school passes the local rules (its rows have no grade to hold against the
    unit's kind, and the code's type digit cannot tell a school from a college); the server, which knows
    the unit is a school, refuses it (422)."""
    # The other way round is refused locally, before sending: a child centre (type digit 5) has no grades.
    wrong_way = FakeExcel(payload_from_xlsx(make_workbook("school", unit=CDC, n=5))).book()
    local = actions.upload(wrong_way, live.ready(CDC))
    assert not local.ok and local.data["sent"] is False
    client = live.ready(PAO_SCHOOL)
    excel = FakeExcel(payload_from_xlsx(make_workbook("cdc", unit=PAO_SCHOOL, n=5)))
    book = excel.book()
    outcome = actions.upload(book, client)
    excel.apply(book.json()["actions"])
    assert not outcome.ok and outcome.data["sent"], outcome.message
    assert outcome.data["status"] == 422 and outcome.data["body"]["accepted"] is False
    assert "เซิร์ฟเวอร์ไม่รับข้อมูล" in excel.grid(FINDINGS_SHEET)[1][0]
    codes = [row[6] for row in excel.grid(FINDINGS_SHEET)[4:] if row and row[0] is not None]
    assert codes == [e["code"] for e in outcome.data["body"]["errors"]]
    # An unknown unit is a 404, said in Thai.
    other = actions.upload(FakeExcel(payload_from_xlsx(make_workbook("cdc", unit="3056500002", n=3))).book(), client)
    assert not other.ok and other.data["status"] == 404


def test_local_errors_are_not_uploaded(live: Live, make_workbook: Callable[..., bytes]) -> None:
    from validators.synthetic import make_roster

    rows = make_roster("cdc", 5, year=2567, unit_code=CDC)
    rows[0]["citizen_id"] = "1234567890123"
    client = live.ready(CDC)
    book = FakeExcel(payload_from_xlsx(make_workbook("cdc", rows=rows, unit=CDC))).book()
    outcome = actions.upload(book, client)
    assert not outcome.ok and outcome.data["sent"] is False
    assert client.status(ROUND, CDC)["state"] == "not_uploaded"


def test_expired_token_is_a_thai_401(live: Live, make_workbook: Callable[..., bytes]) -> None:
    book = FakeExcel(payload_from_xlsx(make_workbook(unit=SCHOOL, n=3))).book()
    outcome = actions.status(book, ApiClient(live.url, "not-a-token"))
    assert not outcome.ok and outcome.data["status"] == 401 and "เข้าสู่ระบบ" in outcome.message
    with pytest.raises(ApiError) as info:
        ApiClient("http://127.0.0.1:9").status(ROUND, SCHOOL)
    assert info.value.status == 0 and "ติดต่อเซิร์ฟเวอร์ไม่ได้" in info.value.message


def _post(live: Live, action: str, excel: FakeExcel, auth: str | None = None, **params: str) -> list[dict]:
    headers = {"Authorization": auth} if auth else {}
    resp = requests.post(f"{live.url}/xlwings/{action}", json=excel.payload(), headers=headers, params=params,
                         timeout=60)  # fmt: skip
    assert resp.status_code == 200, resp.text
    acts = resp.json()["actions"]
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    excel.apply(acts)
    return acts


def test_server_protocol_chain(live: Live, make_workbook: Callable[..., bytes]) -> None:
    """The no-local-Python set-up: JSON in, actions out, over HTTP."""
    live.ready(CDC)  # first login and profile done on the web/API beforehand
    excel = FakeExcel(payload_from_xlsx(make_workbook("cdc", unit=CDC, n=12)))
    # The settings sheet as xlsm.py writes it: the login only, never a password.
    excel.body["sheets"].append({"name": SETTINGS_SHEET, "pictures": [], "tables": [], "values": [
        ["ตั้งค่า", None, None], [None, None, None], ["ที่อยู่เซิร์ฟเวอร์", live.url, "server_url"],
        ["รหัสผู้ใช้", CDC, "login"]]})  # fmt: skip

    resp = requests.post(f"{live.url}/xlwings/validate", json=excel.payload(), timeout=60)
    assert resp.status_code == 401  # the server works on a workbook only for a logged-in caller

    acts = _post(live, "login", excel, auth="LecPassword " + quote("ผิด"))
    assert acts[-1]["func"] == "alert" and acts[-1]["args"][3] == "critical"
    assert not any(a["func"] == "runMacro" for a in acts)

    acts = _post(live, "login", excel, auth="LecPassword " + quote(PASSWORD))
    token_call = next(a for a in acts if a["func"] == "runMacro")
    assert token_call["args"][0].endswith("!LecSetToken")
    bearer = "Bearer " + token_call["args"][1]
    acts = _post(live, "validate", excel, auth=bearer)
    assert acts[-1]["func"] == "alert" and "ถูกต้องทั้งหมด" in acts[-1]["args"][0]

    resp = requests.post(f"{live.url}/xlwings/upload", json=excel.payload(), timeout=60)
    assert resp.status_code == 401 and resp.json()["error"] == "unauthenticated"

    acts = _post(live, "upload", excel, auth=bearer)
    assert "ส่งข้อมูลสำเร็จ" in acts[-1]["args"][0]
    acts = _post(live, "status", excel, auth=bearer)
    assert _status_value(excel, "สถานะ") == "ส่งข้อมูลแล้ว รอยืนยัน"
    acts = _post(live, "confirm", excel, auth=bearer)
    assert [a["func"] for a in acts] == ["alert"] and acts[0]["args"][4] == actions.CONFIRM_CALLBACK
    acts = _post(live, "confirm", excel, auth=bearer, answer="yes")
    assert "ยืนยันข้อมูลของ 3056500001 แล้ว" in acts[-1]["args"][0]
    assert _status_value(excel, "สถานะ") == "ยืนยันแล้ว"


def test_lao_status_lists_children(live: Live, make_workbook: Callable[..., bytes], tmp_path: Path) -> None:
    from validators.synthetic import make_other_counts

    client = live.ready(LAO)
    excel = FakeExcel(payload_from_xlsx(make_workbook("other", rows=make_other_counts(2), unit=LAO)))
    book = excel.book()
    outcome = actions.status(book, client)
    excel.apply(book.json()["actions"])
    assert outcome.ok
    codes = {row[0] for row in excel.grid(STATUS_SHEET) if row}
    assert {SCHOOL, CDC} <= codes
