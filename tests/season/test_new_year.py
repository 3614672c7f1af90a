"""A new school year starts promoted: the round-1 template of 2568 carries 2567's confirmed roster one grade up,
its leavers alone in the removal register, and a roster sent back on last year's grades is named.

Every expected grade and reason is written out by hand here (not read from validators.promotion).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
from seasonkit import NEXT_YEAR, confirm_province, open_next_year
from serverkit import World
from walk import sheet_rows

from validators.fields import SHEETS

SCHOOL = "3056200001"
CENTRE = "3056500001"
BY_HAND = {
    "อ.1": "อ.2", "อ.2": "อ.3", "อ.3": "ป.1", "ป.1": "ป.2", "ป.2": "ป.3", "ป.3": "ป.4", "ป.4": "ป.5",
    "ป.5": "ป.6", "ป.6": "ม.1", "ม.1": "ม.2", "ม.2": "ม.3",
}  # fmt: skip
"""The kit's schools teach อ.1–ม.3 (extended opportunity): ม.3 leaves to study on, everyone else moves up."""


def template(world: World, code: str) -> bytes:
    resp = world.get(code, f"/rounds/{NEXT_YEAR}/units/{code}/template")
    assert resp.status_code == 200, resp.get_json()
    return resp.data


def test_the_new_years_template_moves_everyone_up_and_lists_the_leavers(world: World) -> None:
    sent = confirm_province(world)
    open_next_year(world)
    data = template(world, SCHOOL)
    last_year = {r["citizen_id"]: r for r in sent[SCHOOL]}
    roster = sheet_rows(data, SHEETS["school"]["roster"])
    removed = sheet_rows(data, SHEETS["school"]["removed"])
    stayed = {cid for cid, r in last_year.items() if r["grade"] != "ม.3"}
    assert {r["citizen_id"] for r in roster} == stayed
    for r in roster:
        assert r["grade"] == BY_HAND[last_year[r["citizen_id"]]["grade"]], r
    assert {r["citizen_id"] for r in removed} == set(last_year) - stayed and removed
    assert {r["reason"] for r in removed} == {"ย้ายไปเรียนต่อ"}
    assert {r["removed_on"] for r in removed} == {"31/03/2568"}
    # last year's register is not carried: the school sent none, and the new one holds only the leavers
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(data))["lec_meta"].iter_rows(values_only=True)}
    assert (meta["previous_year"], meta["as_of"], meta["unit_kind"]) == ("2567", "2025-06-10", "school")


def test_the_promoted_template_sent_back_as_is_is_accepted_without_a_grade_warning(world: World) -> None:
    sent = confirm_province(world)
    open_next_year(world)
    resp = world.send(SCHOOL, SCHOOL, template(world, SCHOOL), round_id=NEXT_YEAR)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert "GRADES_NOT_PROMOTED" not in {w["code"] for w in body["warnings"]}
    leavers = [r for r in sent[SCHOOL] if r["grade"] == "ม.3"]
    stored = world.get(SCHOOL, f"/rounds/{NEXT_YEAR}/units/{SCHOOL}/roster").get_json()
    assert {r["citizen_id"] for r in stored["removals"]} == {r["citizen_id"] for r in leavers}
    assert len(stored["pupils"]) == len(sent[SCHOOL]) - len(leavers)


def test_a_centres_children_stay_without_grades(world: World) -> None:
    sent = confirm_province(world)
    open_next_year(world)
    data = template(world, CENTRE)
    roster = sheet_rows(data, SHEETS["cdc"]["roster"])
    assert {r["citizen_id"] for r in roster} == {r["citizen_id"] for r in sent[CENTRE]}  # the kit's are 2–4
    assert sheet_rows(data, SHEETS["cdc"]["removed"]) == []


def test_lec_template_previous_of_an_earlier_year_promotes_and_lec_validate_checks_it(tmp_path: Path) -> None:
    """Offline, with no server: last year's filled workbook becomes this year's promoted template, and
    `lec validate` on it names a pupil kept in last year's grade (the template says which year it carried)."""
    from click.testing import CliRunner
    from walk import fill, set_grade

    from server.cli import main
    from validators.synthetic import make_roster
    from workbook_templates import build_template

    rows = make_roster("school", 18, year=2567, unit_code=SCHOOL, seed=4, grades=("ป.4", "ป.5", "ป.6"))
    old = tmp_path / "2567.xlsx"
    build_template("school", unit_code=SCHOOL, unit_name="โรงเรียนทดสอบ", year=2567, round_no=2, out=str(old),
                   rows=rows, capacity=30)  # fmt: skip
    new = tmp_path / "2568.xlsx"
    done = CliRunner().invoke(main, ["template", "school", "--unit", SCHOOL, "--year", "2568", "--round", "1",
                                     "--previous", str(old), "--out", str(new)])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "เลื่อนชั้นจากปีการศึกษา 2567" in done.output
    data = new.read_bytes()
    roster, register = sheet_rows(data, SHEETS["school"]["roster"]), sheet_rows(data, SHEETS["school"]["removed"])
    by_hand = {"ป.4": "ป.5", "ป.5": "ป.6"}
    assert {r["citizen_id"]: r["grade"] for r in roster} == {
        r["citizen_id"]: by_hand[r["grade"]] for r in rows if r["grade"] != "ป.6"
    }
    assert {r["citizen_id"]: r["reason"] for r in register} == {
        r["citizen_id"]: "ย้ายไปเรียนต่อ" for r in rows if r["grade"] == "ป.6"
    }  # a primary school: its ป.6 go on elsewhere

    def verdict(data: bytes) -> dict:
        path = tmp_path / "check.xlsx"
        path.write_bytes(data)
        return json.loads(CliRunner().invoke(main, ["validate", "--json", str(path)]).output)["files"][0]

    as_is = verdict(fill(data, roster))
    assert not as_is["errors"] and "GRADES_NOT_PROMOTED" not in {w["code"] for w in as_is["warnings"]}
    repeater = next(r for r in roster if r["grade"] == "ป.5")  # a ป.4 of last year, kept back
    kept_back = verdict(set_grade(data, repeater["citizen_id"], "ป.4"))
    (warn,) = [w for w in kept_back["warnings"] if w["code"] == "GRADES_NOT_PROMOTED"]
    assert "1 คน" in warn["message"]
