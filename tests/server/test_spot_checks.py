"""Spot-checks through the API: a seeded draw, the printed check list, results by file and by JSON."""

from __future__ import annotations

import io

import openpyxl
from serverkit import ROUND, World

PATH = f"/rounds/{ROUND}/units/56/spot-checks"


def _ready(world: World) -> None:
    for code, n in (("3056100001", 30), ("3056200001", 25), ("3056500001", 12)):
        world.fill(code, n, seed=len(code) + n)


def test_same_seed_same_sample_and_scope(world: World) -> None:
    _ready(world)
    a = world.post("56", PATH, json={"institutions": 2, "children": 4, "seed": 2567})
    b = world.post("56", PATH, json={"institutions": 2, "children": 4, "seed": 2567})
    assert a.status_code == 201 and b.status_code == 201, a.get_json()
    sample = [(i["code"], [c["citizen_id"] for c in i["children"]]) for i in a.get_json()["institutions"]]
    assert sample == [(i["code"], [c["citizen_id"] for c in i["children"]]) for i in b.get_json()["institutions"]]
    assert len(sample) == 2 and all(len(ids) == 4 for _code, ids in sample)
    assert a.get_json()["id"] != b.get_json()["id"] and a.get_json()["seed"] == 2567
    c = world.post("56", PATH, json={"institutions": 2, "children": 4, "seed": 1})
    other = [(i["code"], [x["citizen_id"] for x in i["children"]]) for i in c.get_json()["institutions"]]
    assert other != sample  # a different seed draws differently (fixed seeds: checked once, stays so)
    # every sampled child is on that institution's roster
    for code, ids in sample:
        roster = {r[0] for r in world.db.execute("SELECT citizen_id FROM pupils WHERE unit_code = ?", [code])}
        assert set(ids) <= roster
    for login in ("02560001", "3056100001", "57"):
        assert world.post(login, PATH, json={"institutions": 1, "children": 1}).status_code == 403, login
    assert world.post("56", PATH, json={"institutions": 0, "children": 1}).status_code == 400
    draws = world.audit(action="spot_check_draw", outcome="ok")
    assert len(draws) == 3 and {d["login"] for d in draws} == {"56"}


def test_printed_filled_uploaded_and_notice(world: World) -> None:
    _ready(world)
    check = world.post("56", PATH, json={"institutions": 2, "children": 3, "seed": 7}).get_json()
    r = world.get("56", f"{PATH}/{check['id']}/workbook")
    assert r.status_code == 200 and r.mimetype.endswith("sheet")
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    codes = [i["code"] for i in check["institutions"]]
    assert wb.sheetnames[:-1] == codes and wb["meta"].sheet_state == "hidden"
    first = wb[codes[0]]
    values = [[c.value for c in row] for row in first.iter_rows()]
    assert any(v and "ลงชื่อ" in str(v[0] or "") for v in values)  # signature lines
    header = next(i for i, v in enumerate(values) if v[1] == "เลขประจำตัวประชาชน")
    ids = [v[1] for v in values[header + 1 : header + 4]]
    assert ids == [c["citizen_id"] for c in check["institutions"][0]["children"]]
    # the officer finds two, not the third
    for n, (found, note) in enumerate((("พบ", ""), ("พบ", ""), ("ไม่พบ", "ไม่เคยมาเรียน"))):
        first.cell(header + 2 + n, 6, found)
        first.cell(header + 2 + n, 7, note or None)
    buf = io.BytesIO()
    wb.save(buf)
    r = world.client.post(
        f"/api/v1{PATH}/{check['id']}/results",
        headers=world.headers("56"),
        data={"file": (io.BytesIO(buf.getvalue()), "checked.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["checked"] == 3 and body["missing"] == 1 and body["state"] == "in_progress"
    missing = ids[2]
    # the institution's and its LAO's view show the notice
    inst = codes[0]
    lao = world.db.execute("SELECT parent FROM units WHERE code = ?", [inst]).fetchone()[0]
    for login in (inst, lao):
        notices = world.status(login, inst if login != inst else None).get_json()["notices"]
        assert [(n["citizen_id"], n["note"]) for n in notices] == [(missing, "ไม่เคยมาเรียน")], login
    # a bad cell is refused with the sheet, row and column
    first.cell(header + 2, 6, "อาจจะ")
    buf = io.BytesIO()
    wb.save(buf)
    r = world.client.post(
        f"/api/v1{PATH}/{check['id']}/results",
        headers=world.headers("56"),
        data={"file": (io.BytesIO(buf.getvalue()), "bad.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert f"แถว {header + 2}" in r.get_json()["message"] and codes[0] in r.get_json()["message"]
    assert world.audit(action="spot_check_results", outcome="refused")[-1]["code"] == "spot_check_rejected"
    # the rest by JSON
    rest = [{"citizen_id": c["citizen_id"], "found": True, "note": ""} for c in check["institutions"][1]["children"]]
    r = world.post("56", f"{PATH}/{check['id']}/results", json={"results": rest})
    assert r.status_code == 200 and r.get_json()["state"] == "done"
    r = world.post("56", f"{PATH}/{check['id']}/results", json={"results": [{"citizen_id": "1", "found": True}]})
    assert r.status_code == 400
    recorded = world.audit(action="spot_check_results", outcome="ok")
    assert {a["unit_code"] for a in recorded} == {"56", inst} and {a["login"] for a in recorded} == {"56"}


def test_the_province_book_has_the_spot_check_sheet(world: World) -> None:
    _ready(world)
    check = world.post("56", PATH, json={"institutions": 1, "children": 2, "seed": 11}).get_json()
    kids = check["institutions"][0]["children"]
    results = [{"citizen_id": kids[0]["citizen_id"], "found": False, "note": "ย้ายไปแล้ว"}]
    assert world.post("56", f"{PATH}/{check['id']}/results", json={"results": results}).status_code == 200
    r = world.get("56", f"/rounds/{ROUND}/units/56/consolidated")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)["สุ่มตรวจสอบ"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    found = {row[3]: (row[7], row[8], row[9]) for row in rows if row and row[3] in {k["citizen_id"] for k in kids}}
    assert found == {
        kids[0]["citizen_id"]: ("ไม่พบ", "ย้ายไปแล้ว", "ใช่"),
        kids[1]["citizen_id"]: ("ยังไม่ได้ตรวจ", None, "ใช่"),
    }
