"""Other-affiliation schools as the registry knows them, and a child centre's basic data.

The LAO's template is built by the server from the registry (the real `prefill.template_bytes`), filled
with openpyxl as an officer would (only the cells the sheet leaves open) and uploaded through the real
path; a forced count in a locked cell is refused by the server.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from serverkit import BASIC, ROUND, World

from server.domain import prefill, registry, rounds
from validators.fields import GRADE_SPAN_LABELS, OTHER_COUNT_KEYS, SHEETS, span_count_keys
from workbook_templates.meta import FIRST_DATA_ROW, KEY_ROW

SPANS = {"1056000011": "k1-p6", "1056000012": "k1-m3", "1056000013": "p1-m3"}


def _with_spans(world: World) -> None:
    """Three schools under อบต.แม่ใส, one of each shape (a CSV with the optional columns)."""
    rows = [
        {"code": code, "name": f"โรงเรียนทดสอบ {span}", "parent": "06560201", "kind": "other_school",
         "grades": span, "affiliation": "สพฐ."}
        for code, span in SPANS.items()
    ]  # fmt: skip
    result = registry.import_rows(world.db, rows)
    assert not result.errors, result.errors


def _template(world: World, lao: str) -> openpyxl.Workbook:
    rnd = rounds.require_round(world.db, ROUND)
    data, _name = prefill.template_bytes(world.db, rnd, registry.require_unit(world.db, lao))
    return openpyxl.load_workbook(io.BytesIO(data))


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[KEY_ROW] if c.value}


def _fill_open_cells(ws, per_grade: int = 4) -> int:
    """What an officer does: type a count into every open (unlocked) count cell of the pre-filled rows."""
    cols = _columns(ws)
    typed = 0
    row = FIRST_DATA_ROW
    while ws.cell(row, cols["other_school_code"]).value:
        for key in OTHER_COUNT_KEYS:
            cell = ws.cell(row, cols[key])
            if not cell.protection.locked:
                cell.value = per_grade
                typed += 1
        row += 1
    return typed


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_registry_import_keeps_span_and_affiliation_and_old_files_still_import(world: World, tmp_path: Path) -> None:
    _with_spans(world)
    school = registry.get_unit(world.db, "1056000012")
    assert (school["grades"], school["affiliation"]) == ("k1-m3", "สพฐ.")
    old = tmp_path / "old.csv"  # a four-column file: names change, spans stay
    old.write_text("code,name,parent,kind\n1056000012,โรงเรียนเปลี่ยนชื่อ,06560201,other_school\n", encoding="utf-8")
    assert not registry.import_csv(world.db, old).errors
    school = registry.get_unit(world.db, "1056000012")
    assert (school["name"], school["grades"], school["affiliation"]) == ("โรงเรียนเปลี่ยนชื่อ", "k1-m3", "สพฐ.")
    bad = [{"code": "1056000014", "name": "x", "parent": "06560201", "kind": "other_school", "grades": "k1-m6"}]
    assert "k1-m6" in registry.import_rows(world.db, bad).errors[0]


def test_lao_template_is_prefilled_and_locked_to_each_span_then_uploads(world: World) -> None:
    _with_spans(world)
    wb = _template(world, "06560201")
    ws = wb[SHEETS["other"]["counts"]]
    assert ws.protection.sheet
    cols = _columns(ws)
    by_code = {}
    row = FIRST_DATA_ROW
    while ws.cell(row, cols["other_school_code"]).value:
        by_code[ws.cell(row, cols["other_school_code"]).value] = row
        row += 1
    assert set(by_code) == {"1056000001", *SPANS}  # every registered school, nothing to retype
    for code, span in {**SPANS, "1056000001": "k1-p6"}.items():
        r = by_code[code]
        assert ws.cell(r, cols["grades"]).value == GRADE_SPAN_LABELS[span]
        assert ws.cell(r, cols["closed"]).value == "ไม่ใช่" and not ws.cell(r, cols["closed"]).protection.locked
        for key in ("other_school_code", "other_school_name", "affiliation", "grades"):
            assert ws.cell(r, cols[key]).protection.locked, (code, key)
        open_keys = {k for k in OTHER_COUNT_KEYS if not ws.cell(r, cols[k]).protection.locked}
        assert open_keys == set(span_count_keys(span)), code
    assert {k for k in OTHER_COUNT_KEYS if ws.cell(by_code["1056000011"], cols[k]).protection.locked} == {
        "m1_m", "m1_f", "m2_m", "m2_f", "m3_m", "m3_f"}  # fmt: skip
    # the empty rows below stay open (the column's format) for a school the registry does not list
    assert ws.cell(row, cols["other_school_code"]).value is None
    assert not ws.column_dimensions["A"].protection.locked

    assert _fill_open_cells(ws) == 18 + 24 + 18 + 18
    r = world.send("06560201", "06560201", _save(wb))
    assert r.status_code == 200, r.get_json()
    stored = {x["other_school_code"]: x for x in world.db.query("SELECT * FROM other_counts")}
    for code, span in SPANS.items():
        assert stored[code]["grades"] == span and stored[code]["registered"] == 1
        assert sum(stored[code][k] for k in OTHER_COUNT_KEYS) == 4 * len(span_count_keys(span))
    assert world.confirm("06560201").status_code == 200


def test_a_forced_count_in_a_primary_schools_m_grades_is_refused(world: World) -> None:
    _with_spans(world)
    wb = _template(world, "06560201")
    ws = wb[SHEETS["other"]["counts"]]
    _fill_open_cells(ws)
    cols = _columns(ws)
    row = next(r for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 10)
               if ws.cell(r, cols["other_school_code"]).value == "1056000011")  # fmt: skip
    ws.protection.sheet = False  # what it takes to type there: unprotect the sheet
    ws.cell(row, cols["m1_m"]).value = 7
    r = world.send("06560201", "06560201", _save(wb))
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert [(e["code"], e["column"], e["row"]) for e in errors] == [("OTHER_GRADE_NOT_TAUGHT", "m1_m", row)]
    assert "อ.1–ป.6" in errors[0]["message"]

    # the span cell forced too ("extended opportunity"): the registry's span still decides, on the server
    ws.cell(row, cols["grades"]).value = GRADE_SPAN_LABELS["k1-m3"]
    for key in OTHER_COUNT_KEYS[18:]:
        ws.cell(row, cols[key]).value = 7
    r = world.send("06560201", "06560201", _save(wb))
    assert r.status_code == 422
    assert {(e["code"], e["column"]) for e in r.get_json()["errors"]} == {
        ("OTHER_GRADE_NOT_TAUGHT", k) for k in OTHER_COUNT_KEYS[18:]}  # fmt: skip
    assert world.db.execute("SELECT COUNT(*) FROM other_counts").fetchone()[0] == 0


def test_a_school_left_off_must_be_sent_with_zeros_and_an_unregistered_one_is_flagged(world: World) -> None:
    _with_spans(world)
    wb = _template(world, "06560201")
    ws = wb[SHEETS["other"]["counts"]]
    _fill_open_cells(ws)
    cols = _columns(ws)
    last = FIRST_DATA_ROW + 3  # the fourth registered school
    code = ws.cell(last, cols["other_school_code"]).value
    ws.protection.sheet = False
    for c in range(1, len(cols) + 1):  # deleting the row's contents, the way a clerk "removes" a school
        ws.cell(last, c).value = None
    r = world.send("06560201", "06560201", _save(wb))
    assert r.status_code == 422
    (error,) = r.get_json()["errors"]
    assert error["code"] == "SERVER_OTHER_MISSING" and code in error["message"] and "0" in error["message"]

    # closed: all zeros, sent; and a school the registry does not know, added in an empty row
    wb = _template(world, "06560201")
    ws = wb[SHEETS["other"]["counts"]]
    _fill_open_cells(ws)
    ws.cell(last, cols["closed"]).value = "ใช่"
    for key in span_count_keys(registry.get_unit(world.db, code)["grades"]):
        ws.cell(last, cols[key]).value = 0
    new = FIRST_DATA_ROW + 4
    values = {"other_school_code": "1056999999", "other_school_name": "โรงเรียนเปิดใหม่", "affiliation": "สพฐ.",
              "grades": GRADE_SPAN_LABELS["k1-p6"], "closed": "ไม่ใช่"}  # fmt: skip
    for key, value in values.items():
        ws.cell(new, cols[key]).value = value
    for key in span_count_keys("k1-p6"):
        ws.cell(new, cols[key]).value = 2
    r = world.send("06560201", "06560201", _save(wb))
    assert r.status_code == 200, r.get_json()
    assert [w["code"] for w in r.get_json()["warnings"]] == ["SERVER_OTHER_NOT_IN_REGISTRY"]
    flags = dict(world.db.execute("SELECT other_school_code, registered FROM other_counts").fetchall())
    assert flags["1056999999"] == 0 and flags[code] == 1
    closed = world.db.execute("SELECT closed FROM other_counts WHERE other_school_code = ?", [code]).fetchone()
    assert closed[0] == 1


def test_a_centre_without_basic_data_cannot_confirm(world: World) -> None:
    code = "3056500001"
    r = world.send(code, code, world.workbook(code, basic=None))
    assert r.status_code == 200
    assert "CDC_BASIC_MISSING" in [w["code"] for w in r.get_json()["warnings"]]
    r = world.confirm(code)
    assert r.status_code == 409 and r.get_json()["error"] == "basic_data_missing"
    assert "ข้อมูลพื้นฐาน" in r.get_json()["message"]

    wrong = {**BASIC, "head_phone": "12345", "caregivers": 0, "assistants": 0}
    r = world.send(code, code, world.workbook(code, basic=wrong))
    assert r.status_code == 422
    assert {e["code"] for e in r.get_json()["errors"]} == {"CDC_PHONE_FORMAT", "CDC_NO_CAREGIVER"}
    assert all(e["sheet"] == SHEETS["cdc"]["basic"] for e in r.get_json()["errors"])

    r = world.send(code, code, world.workbook(code, basic=BASIC))
    assert r.status_code == 200, r.get_json()
    row = world.db.execute("SELECT caregivers, capacity, head_phone FROM cdc_basic WHERE unit_code = ?", [code])
    assert row.fetchone() == (2, 60, "054123456")
    assert world.confirm(code).status_code == 200
    # the next template carries the basic data forward for the clerk to check
    rnd = rounds.require_round(world.db, ROUND)
    assert prefill.prefill(world.db, rnd, code)["basic"]["head_name"] == BASIC["head_name"]


def test_centre_status_counts_children_by_age_group(world: World) -> None:
    code = "3056500001"
    rows = world.roster(code, 30)
    assert world.send(code, code, world.workbook(code, rows)).status_code == 200
    counts = world.status(code, code).get_json()["counts"]["pupils"]
    hand: dict[str, int] = {}
    for r in rows:  # full years on 16 May 2024 (ปีการศึกษา 2567)
        b = r["birth_date"]
        age = 2024 - b.year - ((b.month, b.day) > (5, 16))
        key = f"a{min(age, 5)}"
        hand[key] = hand.get(key, 0) + 1
    assert {k: v["m"] + v["f"] for k, v in counts.items()} == hand
    assert set(hand) <= {"a2", "a3", "a4", "a5"}
