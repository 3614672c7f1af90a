"""The add-in's status sheet shows, in Thai, a school's decided duplicates (what to do, by when), its open
ones (who decides, how long open) and the province's spot-check notices (child not found, what to do; the
explanation once given), for both set-ups: the classic add-in over HTTP and the server's /xlwings/status.

Real xlwings Books on the remote engine (FakeExcel replays the actions), a live server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from clientjson import FakeExcel, payload_from_xlsx
from live import ROUND, Live, live_server

from addin import actions
from addin.book_io import FINDINGS_SHEET, STATUS_SHEET, VBA_ACTIONS
from validators.synthetic import make_roster

pytestmark = pytest.mark.live

PAO_SCHOOL, TOWN, CR_SCHOOL = "3056100001", "3056200001", "3057300001"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("status-integrity") / "data") as server:
        yield server


def _api(live: Live, login: str, method: str, path: str, **kw: Any) -> Any:
    live.ready(login)
    resp = requests.request(method, f"{live.url}/api/v1{path}", headers={"Authorization": f"Bearer "
                            f"{live.tokens[login]}"}, timeout=60, **kw)  # fmt: skip
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def _text(excel: FakeExcel) -> list[str]:
    return [" | ".join("" if v is None else str(v) for v in row) for row in excel.grid(STATUS_SHEET) if row]


def _world(live: Live, make_workbook: Callable[..., bytes]) -> tuple[list[dict[str, Any]], str, str, str]:
    """PAO school 10 children; the town school 6 of its own, one of the PAO school's (decided by the
    province: it counts at the PAO school) and one of Chiang Rai's school (open: the nation decides);
    a spot-check that did not find one of the town school's own children."""
    pao = make_roster("school", 10, year=2567, unit_code=PAO_SCHOOL, seed=41)
    cr = make_roster("school", 5, year=2567, unit_code=CR_SCHOOL, seed=42)
    town = [*make_roster("school", 6, year=2567, unit_code=TOWN, seed=43), dict(pao[0]), dict(cr[0])]
    for code, rows in ((PAO_SCHOOL, pao), (CR_SCHOOL, cr), (TOWN, town)):
        live.ready(code).upload(ROUND, code, "roster.xlsx", make_workbook(unit=code, rows=rows))
    decided, open_ = pao[0]["citizen_id"], cr[0]["citizen_id"]
    _api(live, "56", "POST", f"/rounds/{ROUND}/conflicts/{decided}/decision",
         json={"keep": PAO_SCHOOL, "reason": "ตรวจทะเบียนบ้านแล้ว"})  # fmt: skip
    check = _api(live, "56", "POST", f"/rounds/{ROUND}/units/56/spot-checks",
                 json={"institutions": 3, "children": 50, "seed": 5})  # fmt: skip
    missing = town[1]["citizen_id"]
    assert missing in {c["citizen_id"] for i in check["institutions"] for c in i["children"]}
    _api(live, "56", "POST", f"/rounds/{ROUND}/units/56/spot-checks/{check['id']}/results",
         json={"results": [{"citizen_id": missing, "found": False, "note": "ไม่พบตัวในวันตรวจ"}]})  # fmt: skip
    return town, decided, open_, missing


def test_status_sheet_shows_decisions_conflicts_and_notices(live: Live, make_workbook: Callable[..., bytes]) -> None:
    town, decided, open_, missing = _world(live, make_workbook)
    excel = FakeExcel(payload_from_xlsx(make_workbook(unit=TOWN, rows=town)))

    book = excel.book()
    outcome = actions.status(book, live.ready(TOWN))
    acts = book.json()["actions"]
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    excel.apply(acts)
    assert outcome.ok and "ต้องแก้ตามการตัดสินเด็กซ้ำซ้อน 1 ราย" in outcome.message
    assert "ไม่พบตัวเด็กจากการสุ่มตรวจ 1 คน" in outcome.message
    lines = _text(excel)
    text = "\n".join(lines)

    # the decision it lost: what to do and by when, who decided and why
    assert "หน่วยงานนี้ต้องดำเนินการตามการตัดสิน 1 ราย" in text
    (todo,) = [line for line in lines if line.startswith(decided) and "นำเด็กออก" in line]
    for part in ("3056100001", "11 พ.ย. 2567 17:00 น.", "จังหวัดพะเยา", "ชื่อ56 ทดสอบ", "ตรวจทะเบียนบ้านแล้ว"):
        assert part in todo, part
    # the open conflict: both schools, who decides (the nation: two provinces), how long it has been open
    conflict = [line for line in lines if line.startswith(open_)]
    assert len(conflict) == 2 and all("กรมส่งเสริมการปกครองท้องถิ่น" in c and "เปิดมาแล้ว 0 วัน" in c for c in conflict)
    assert any(CR_SCHOOL in c for c in conflict)
    # the spot-check notice: the child, the officer's note, what to do
    (notice,) = [line for line in lines if line.startswith(missing)]
    assert "ไม่พบตัวในวันตรวจ" in notice and "ยังไม่ได้นำออกหรือชี้แจง" in notice and "ชี้แจง" in notice
    assert town[1]["first_name"] in notice

    # once explained, the sheet says so (and the server set-up, /xlwings/status, writes the same)
    _api(live, TOWN, "POST", f"/rounds/{ROUND}/units/{TOWN}/spot-check-notices/{missing}/explanation",
         json={"explanation": "เด็กป่วย ไปโรงพยาบาลในวันตรวจ มีใบรับรองแพทย์"})  # fmt: skip
    resp = requests.post(f"{live.url}/xlwings/status", json=excel.payload(),
                         headers={"Authorization": f"Bearer {live.tokens[TOWN]}"}, timeout=60)  # fmt: skip
    assert resp.status_code == 200, resp.text
    excel.apply(resp.json()["actions"])
    lines = _text(excel)
    (notice,) = [line for line in lines if line.startswith(missing)]
    assert "ชี้แจงแล้ว" in notice and "มีใบรับรองแพทย์" in notice and "ชื่อ3056200001 ทดสอบ" in notice
    assert any(line.startswith(decided) and "นำเด็กออก" in line for line in lines)
    _lao_sees_its_schools_decisions_and_notices(live, make_workbook)


def _lao_sees_its_schools_decisions_and_notices(live: Live, make_workbook: Callable[..., bytes]) -> None:
    from validators.synthetic import make_other_counts

    excel = FakeExcel(payload_from_xlsx(make_workbook("other", rows=make_other_counts(2), unit="05560101")))
    book = excel.book()
    outcome = actions.status(book, live.ready("05560101"))
    excel.apply(book.json()["actions"])
    assert outcome.ok and "ต้องแก้ตามการตัดสิน" not in outcome.message  # its school must act, not the LAO
    text = "\n".join(_text(excel))
    assert "การตัดสินเด็กซ้ำซ้อน 1 ราย" in text and "โรงเรียนเทศบาลบ้านต๋อม (3056200001)" in text
    assert "แจ้งเตือนจากการสุ่มตรวจสอบ: ไม่พบตัวเด็ก 1 คน" in text and "มีใบรับรองแพทย์" in text


MAESAI, CDC = "06560201", "3056500001"
PUPIL_SHEET = "รายชื่อนักเรียนสังกัดอื่น"


def _maesai_rows() -> list[dict[str, Any]]:
    from validators.fields import span_count_keys

    return [{"other_school_code": "1056000001", "other_school_name": "โรงเรียนบ้านแม่ใส (สพฐ.)", "affiliation": "สพฐ.",
             "grades": "k1-p6", "closed": "ไม่ใช่", **{k: 1 for k in span_count_keys("k1-p6")}}]  # fmt: skip


def _listed(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"other_school_code": "1056000001", "citizen_id": c["citizen_id"], "first_name": c["first_name"],
             "last_name": c["last_name"], "grade": "อ.1"} for c in children]  # fmt: skip


def test_other_affiliation_list_in_the_add_in(live: Live, make_workbook: Callable[..., bytes]) -> None:
    """The LAO's pupil list: checked by the add-in's validate (cells on the list sheet), sent, cross-checked
    on the server; the LAO's status sheet shows the conflict with its school and whom to ask."""
    cdc = make_roster("cdc", 6, year=2567, unit_code=CDC, seed=44)
    live.ready(CDC).upload(ROUND, CDC, "roster.xlsx", make_workbook("cdc", unit=CDC, rows=cdc))
    others = make_roster("school", 3, year=2567, unit_code="1056000001", seed=45)
    bad = [*_listed(others), {**_listed(cdc[:1])[0], "citizen_id": "1234567890123"}]
    excel = FakeExcel(payload_from_xlsx(make_workbook("other", rows=_maesai_rows(), unit=MAESAI, pupils=bad)))
    book = excel.book()
    outcome = actions.validate(book)
    excel.apply(book.json()["actions"])
    assert not outcome.ok
    findings = [" | ".join(str(v) for v in row if v is not None) for row in excel.grid(FINDINGS_SHEET) if row]
    (bad_id,) = [line for line in findings if "ID_CHECK_DIGIT" in line]
    assert f"{PUPIL_SHEET}!B8" in bad_id and "1234567890123" in bad_id

    good = [*_listed(others), *_listed(cdc[:1])]
    excel = FakeExcel(payload_from_xlsx(make_workbook("other", rows=_maesai_rows(), unit=MAESAI, pupils=good)))
    book = excel.book()
    outcome = actions.upload(book, live.ready(MAESAI))
    excel.apply(book.json()["actions"])
    assert outcome.ok, outcome.message
    (cf,) = outcome.data["body"]["conflicts"]
    assert cf["kind"] == "other_affiliation" and cf["citizen_id"] == cdc[0]["citizen_id"]

    book = excel.book()
    outcome = actions.status(book, live.ready(MAESAI))
    excel.apply(book.json()["actions"])
    assert outcome.ok and "เลขประจำตัวซ้ำ" in outcome.message  # the blocker: it cannot confirm yet
    lines = [line for line in _text(excel) if line.startswith(cdc[0]["citizen_id"])]
    assert len(lines) == 2 and all("จังหวัดพะเยา" in line and "เปิดมาแล้ว 0 วัน" in line for line in lines)
    assert any(CDC in line for line in lines)
    assert any(MAESAI in line and "โรงเรียนบ้านแม่ใส" in line and "สังกัดอื่น" in line for line in lines)
