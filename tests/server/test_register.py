"""The registrar's pupil register through the real Flask app: the form comes pre-filled from the school's
confirmed census roster (read back with openpyxl), the registrar types what the census lacks, the records
upload stores it whole (and the next form carries it back); its rules refuse the file whole, naming the
sheet, row and column in Thai: a date of entry before birth (also when the locked birth date was typed
over: the server judges against the census), a ปพ.1 number twice in the file or already another pupil's,
a leaving date without its reason."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from serverkit import World

SCHOOL, YEAR = "3056200001", 2567
SHEET = "ทะเบียนนักเรียน"
COL = {k: i + 1 for i, k in enumerate(["citizen_id", "first_name", "last_name", "birth_date", "class_name",
       "student_no", "father_name", "mother_name", "entry_date", "previous_school", "leave_date", "leave_reason",
       "pp1_series", "pp1_number"])}  # fmt: skip


@pytest.fixture
def school(world: World) -> World:
    assert world.upload_rows(SCHOOL, SCHOOL, world.roster(SCHOOL, n=6, seed=3))["accepted"]
    assert world.confirm(SCHOOL).status_code == 200
    return world


def template(world: World) -> bytes:
    resp = world.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/register/template")
    assert resp.status_code == 200, resp.get_json()
    return resp.data


def sheet_rows(data: bytes) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    keys = [c.value for c in ws[3]]
    return [dict(zip(keys, r, strict=False)) for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]


def later(thai_date: str, years: int) -> str:
    day, month, year = thai_date.split("/")
    return f"{day}/{month}/{int(year) + years}"


def filled(data: bytes, edits: dict[int, dict[str, Any]] | None = None) -> bytes:
    """Type the register as a registrar would: every pupil complete, then `edits` (row index -> cells)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    n = 0
    while ws.cell(5 + n, 1).value:
        r = 5 + n
        birth = ws.cell(r, COL["birth_date"]).value
        typed = {"student_no": f"{2001 + n}", "father_name": f"นายพ่อ ที่{n}", "mother_name": f"นางแม่ ที่{n}",
                 "entry_date": later(birth, 6), "previous_school": "โรงเรียนอนุบาลบ้านต๋อม", "pp1_series": "ก",
                 "pp1_number": f"{100 + n}", **(edits or {}).get(n, {})}  # fmt: skip
        for key, value in typed.items():
            ws.cell(r, COL[key], value)
        n += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def send(world: World, data: bytes, login: str = SCHOOL) -> Any:
    return world.client.post(f"/api/v1/years/{YEAR}/units/{SCHOOL}/records/workbook", headers=world.headers(login),
                             data={"file": (io.BytesIO(data), "register.xlsx")},
                             content_type="multipart/form-data")  # fmt: skip


def stored(world: World) -> int:
    return world.db.execute("SELECT COUNT(*) FROM pupil_register").fetchone()[0]


def test_round_trip(school: World) -> None:
    blank = template(school)
    rows = sheet_rows(blank)
    census = school.db.execute("SELECT citizen_id, first_name, grade, room, birth_date FROM pupils ORDER BY row_no")
    census = census.fetchall()
    assert [(r["citizen_id"], r["first_name"]) for r in rows] == [(c[0], c[1]) for c in census]
    assert rows[0]["class_name"] == f"{census[0][2]}/{census[0][3]}" and rows[0]["student_no"] is None
    y, m, d = census[0][4].split("-")
    assert rows[0]["birth_date"] == f"{d}/{m}/{int(y) + 543}"  # the census's birth date, in BE

    leave = later(rows[1]["birth_date"], 7)  # a year after the entry filled() types (birth + 6)
    resp = send(school, filled(blank, {1: {"leave_date": leave, "leave_reason": "ย้ายสถานศึกษา"}}))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["form"] == "register" and resp.get_json()["rows"] == len(rows)
    body = school.get(SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/register").get_json()
    first = next(p for p in body["pupils"] if p["citizen_id"] == rows[0]["citizen_id"])
    assert (first["student_no"], first["father_name"], first["pp1_series"], first["pp1_number"]) == (
        "2001", "นายพ่อ ที่0", "ก", "100")  # fmt: skip
    assert first["entry_date"] == f"{int(y) + 6}-{m}-{d}" and first["upload_id"] > 0
    moved = next(p for p in body["pupils"] if p["citizen_id"] == rows[1]["citizen_id"])
    ld, lm, ly = leave.split("/")
    assert (moved["leave_date"], moved["leave_reason"]) == (f"{int(ly) - 543}-{lm}-{ld}", "ย้ายสถานศึกษา")

    again = sheet_rows(template(school))  # the next form carries what the register holds
    assert [(r["student_no"], r["pp1_number"]) for r in again] == [(f"{2001 + i}", f"{100 + i}") for i in range(6)]
    assert again[1]["leave_reason"] == "ย้ายสถานศึกษา"
    assert send(school, filled(template(school))).status_code == 200  # re-sent: replaced, not doubled
    assert stored(school) == 6


def errors(resp: Any) -> list[dict[str, Any]]:
    assert resp.status_code == 422, resp.get_json()
    return resp.get_json()["errors"]


def test_rules_refuse_the_file_whole(school: World) -> None:
    blank = template(school)
    birth = sheet_rows(blank)[2]["birth_date"]
    errs = errors(send(school, filled(blank, {2: {"entry_date": later(birth, -1)}})))
    assert [(e["code"], e["sheet"], e["row"], e["column"], e["cell"]) for e in errs] == [
        ("REGISTER_ENTRY_BEFORE_BIRTH", SHEET, 7, "entry_date", f"{SHEET}!I7")]  # fmt: skip
    assert "อยู่ก่อนวันเกิด" in errs[0]["message"]

    # the locked birth date typed over to hide it: the server judges against the census
    errs = errors(send(school, filled(blank, {2: {"entry_date": later(birth, -1), "birth_date": later(birth, -3)}})))
    assert [e["code"] for e in errs] == ["REGISTER_ENTRY_BEFORE_BIRTH"] and errs[0]["cell"] == f"{SHEET}!I7"

    errs = errors(send(school, filled(blank, {4: {"pp1_number": "101"}})))
    assert [(e["code"], e["row"]) for e in errs] == [("REGISTER_PP1_DUPLICATE", 9)] and "แถว 6" in errs[0]["message"]

    errs = errors(send(school, filled(blank, {0: {"leave_date": later(sheet_rows(blank)[0]["birth_date"], 8)}})))
    assert [(e["code"], e["column"]) for e in errs] == [("REGISTER_LEAVE_INCOMPLETE", "leave_reason")]

    errs = errors(send(school, filled(blank, {0: {"entry_date": "31/13/2567", "student_no": None}})))
    assert {e["code"] for e in errs} == {"REGISTER_DATE", "ACADEMIC_REQUIRED"}
    assert stored(school) == 0  # nothing stored by any of them

    assert send(school, filled(blank)).status_code == 200
    # a new form whose pupil 0 takes the number pupil 1 already holds in the register
    errs = errors(send(school, filled(template(school), {0: {"pp1_number": "101"}, 1: {"pp1_number": "900"}})))
    assert [e["code"] for e in errs] == ["REGISTER_PP1_TAKEN"] and "เป็นของนักเรียน" in errs[0]["message"]


def test_scope(school: World) -> None:
    resp = school.get("3057300001", f"/years/{YEAR}/units/{SCHOOL}/register/template")
    assert resp.status_code == 403
    assert send(school, filled(template(school)), login="3057300001").status_code == 403
    assert school.get("05560101", f"/years/{YEAR}/units/{SCHOOL}/register").status_code == 200  # its LAO sees it


def test_cli_template_and_validate(school: World, tmp_path) -> None:
    """`lec template register --data-dir` pre-fills from the server's census as the API does; `lec validate`
    reads the form and names a bad cell."""
    from click.testing import CliRunner

    from server.cli import main

    out = tmp_path / "register.xlsx"
    res = CliRunner().invoke(main, ["template", "register", "--unit", SCHOOL, "--year", str(YEAR), "--data-dir",
                                    str(school.app.config["DATA_DIR"]), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "นักเรียน 6 คน" in res.output
    assert [r["citizen_id"] for r in sheet_rows(out.read_bytes())] == [
        r["citizen_id"] for r in sheet_rows(template(school))
    ]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(filled(out.read_bytes(), {3: {"pp1_series": None}}))
    res = CliRunner().invoke(main, ["validate", str(bad)])
    assert res.exit_code == 1 and "REGISTER_PP1_INCOMPLETE" in res.output and f"{SHEET}!M8" in res.output
