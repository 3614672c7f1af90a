"""A records form's status sheet lists the school's graduate reports ปพ.3 of the year and their states,
in both set-ups: the add-in's action with the server's JSON (`GET /years/{y}/units/{c}/records`) and
the server-hosted /xlwings/status. Real Flask app (serverkit's World), real xlwings Books on the remote
engine (FakeExcel replays the actions), graduateskit's ม.3 cohort walked to a submitted, returned report."""

from __future__ import annotations

import io
from typing import Any

from clientjson import FakeExcel, payload_from_xlsx
from graduateskit import FINAL_YEAR, LAO, SCHOOL, results_workbook, walk_results
from serverkit import World

from addin import actions
from addin.book_io import STATUS_SHEET, VBA_ACTIONS
from server.domain import registrars

REG, LAO_REG = f"{SCHOOL}-reg", f"{LAO}-reg"
REASON = "ดารุณียังค้าง ร วิชา ว23102"


class WorldBackend:
    """The add-in's Backend over the test client: only what the records status needs."""

    def __init__(self, world: World, login: str) -> None:
        self.world, self.login = world, login

    def records_status(self, year: int, unit: str) -> dict[str, Any]:
        resp = self.world.get(self.login, f"/years/{year}/units/{unit}/records")
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()


def reported(world: World) -> None:
    """Both registrars appointed; ม.3 submitted (3 graduates: P4 short of credits, P5's open ร) and returned."""
    for code, person in ((SCHOOL, "นางสาวพิมพ์ใจ รักเรียน"), (LAO, "นายสมชาย ทะเบียนดี")):
        login, password = registrars.appoint(world.db, code, person=person, order_no=f"1/{code}",
                                             order_date="2024-05-16", by="test")  # fmt: skip
        world.passwords[login] = password
    walk_results(world)
    base = f"/years/{FINAL_YEAR}/units/{SCHOOL}/graduates/m3"
    assert world.post(REG, base + "/submit").get_json()["state"] == "submitted"
    assert world.post(LAO_REG, base + "/return", json={"reason": REASON}).get_json()["state"] == "returned"


def report_rows(excel: FakeExcel) -> list[list[Any]]:
    grid = excel.grid(STATUS_SHEET)
    start = next(i for i, r in enumerate(grid) if r and r[0] == "รายงานผู้สำเร็จการศึกษา (ปพ.3) ของปีนี้")
    return [r for r in grid[start + 2 :] if r and r[0]]


def test_status_sheet_lists_the_graduate_reports(world: World) -> None:
    reported(world)
    body = WorldBackend(world, SCHOOL).records_status(FINAL_YEAR, SCHOOL)  # the census login reads it too
    [report] = body["graduate_reports"]
    assert (report["level"], report["state"], report["version"], report["graduates"]) == ("m3", "returned", 1, 3)
    assert report["reason"] == REASON and report["variant"] == "ปพ.3:บ" and report["candidates"] >= 5

    excel = FakeExcel(payload_from_xlsx(results_workbook(FINAL_YEAR, 2), name="ผลการเรียน ม.3-1.xlsx"))
    book = excel.book()
    outcome = actions.status(book, WorldBackend(world, REG))
    acts = book.json()["actions"]
    assert {a["func"] for a in acts} <= VBA_ACTIONS
    excel.apply(acts)
    assert outcome.ok, outcome.message
    [row] = report_rows(excel)
    assert row[2:6] == ["ส่งคืนให้แก้ไข", 1, 3, report["candidates"]]
    assert row[1] == "ปพ.3:บ" and REASON in row[6] and "ส่งรายงานใหม่" in row[6]

    # the server-hosted set-up: the same sheet from /xlwings/status; after approval the next step changes
    base = f"/years/{FINAL_YEAR}/units/{SCHOOL}/graduates/m3"
    fixed = world.client.post(f"/api/v1/years/{FINAL_YEAR}/units/{SCHOOL}/records/workbook",
                              headers=world.headers(REG), content_type="multipart/form-data",
                              data={"file": (io.BytesIO(results_workbook(FINAL_YEAR, 2, cleared=True)),
                                             "r.xlsx")})  # fmt: skip
    assert fixed.status_code == 200, fixed.get_json()
    assert world.post(REG, base + "/submit").status_code == 200
    assert world.post(LAO_REG, base + "/approve").get_json()["state"] == "approved"
    hosted = FakeExcel(payload_from_xlsx(results_workbook(FINAL_YEAR, 2), name="ผลการเรียน ม.3-1.xlsx"))
    resp = world.client.post("/xlwings/status", json=hosted.payload(), headers=world.headers(REG))
    assert resp.status_code == 200, resp.get_data()[:300]
    hosted.apply(resp.get_json()["actions"])
    [row] = report_rows(hosted)
    assert row[2:6] == ["อนุมัติแล้ว", 2, 4, report["candidates"]] and "แก้ไขไม่ได้" in row[6]
