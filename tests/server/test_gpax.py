"""The GPAX export through the real Flask app, for a school, an LAO, a province and the nation.

Results workbooks are filled as a teacher fills them (recordskit) for two schools of province 56 and one
of province 57, over the years 2566 and 2567; the CSV (read back with the csv module) must carry the
hand-computed figures below, cut and not rounded, and every scope must hold.

School 3056200001, class ม.1/1, every subject 1.5 credits (recordskit's grades for 2567):
    pupil A  2566: all 4 (term 1: ท ค ว, term 2: ท ค) = 30 / 7.5;  2567: 24.75 / 7.5
             6 terms (2565-1 .. 2567-2): 54.75 / 15 = 3.65
             5 terms (2565-1 .. 2567-1): (30 + 16.5) / 12 = 3.875 -> 3.87 (rounding would say 3.88)
                thai (4 + 4 + 4) -> 4.00 / 4.5; math (4 + 4 + 3.5) / 3 = 3.833 -> 3.83; science (4 + 3.5) -> 3.75 / 3
    pupil B  2566 as 2567 (2, 2, ร; 1.5, 2): 6 terms GPAX 15 / 12 = 1.87 (1.875 cut); science only ร: blank
    pupil C  มส in science both years: 6 terms 4.00 over 12 credits; science blank
    pupil D  only in 2566 (left): not in the 2567 export, in the 2566 one
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from recordskit import PUPILS, SCHOOL, results_workbook
from serverkit import World

from validators.academic import Pupil
from validators.identity import with_check_digit

A, B, C = (p.citizen_id for p in PUPILS)
D = Pupil(with_check_digit("110370000004"), "ดวงดี", "ลาออก")
OTHERS = [Pupil(with_check_digit(f"11037000010{i}"), f"ชื่อ{i}", "สกุล") for i in range(3)]
PAO_SCHOOL, FAR_SCHOOL = "3056100001", "3057300001"
GRADES_2566 = {
    0: {1: ["4", "4", "4"], 2: ["4", "4"]},
    1: {1: ["2", "2", "ร"], 2: ["1.5", "2"]},
    2: {1: ["4", "4", "มส"], 2: ["4", "4"]},
    3: {1: ["3", "3", "3"], 2: ["3", "3"]},
}


def send(world: World, login: str, data: bytes, code: str, year: int) -> None:
    resp = world.client.post(f"/api/v1/years/{year}/units/{code}/records/workbook", headers=world.headers(login),
                             data={"file": (io.BytesIO(data), "results.xlsx")},
                             content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 200, resp.get_json()


@pytest.fixture
def stocked(world: World) -> World:
    for term in (1, 2):
        send(world, SCHOOL, results_workbook(term, year=2566, pupils=[*PUPILS, D], grades=GRADES_2566), SCHOOL, 2566)
        send(world, SCHOOL, results_workbook(term), SCHOOL, 2567)
        send(world, PAO_SCHOOL, results_workbook(term, unit_code=PAO_SCHOOL, pupils=OTHERS), PAO_SCHOOL, 2567)
        send(world, FAR_SCHOOL, results_workbook(term, unit_code=FAR_SCHOOL, pupils=OTHERS), FAR_SCHOOL, 2567)
    return world


def export(world: World, login: str, code: str, year: int = 2567, terms: str | None = None) -> Any:
    query = f"?terms={terms}" if terms else ""
    return world.get(login, f"/years/{year}/units/{code}/gpax.csv{query}")


def table(resp: Any) -> dict[tuple[str, str], dict[str, str]]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "text/csv" and resp.is_streamed
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    return {(r["school_code"], r["citizen_id"]): r for r in rows}


def test_school_figures_six_and_five_terms(stocked: World) -> None:
    six = table(export(stocked, SCHOOL, SCHOOL))
    assert set(six) == {(SCHOOL, A), (SCHOOL, B), (SCHOOL, C)}  # D left in 2566
    a = six[(SCHOOL, A)]
    assert (a["terms"], a["weight_unit"], a["credits"], a["gpax"]) == ("4", "credits", "15", "3.65")
    assert (a["thai_gpa"], a["thai_credits"], a["math_gpa"], a["science_gpa"]) == ("3.75", "6", "3.50", "3.75")
    b, c = six[(SCHOOL, B)], six[(SCHOOL, C)]
    assert (b["gpax"], b["credits"], b["science_gpa"], b["science_credits"]) == ("1.87", "12", "", "")
    assert (c["gpax"], c["credits"], c["science_gpa"]) == ("4.00", "12", "")
    assert a["arts_gpa"] == "" and a["arts_credits"] == ""

    five = table(export(stocked, SCHOOL, SCHOOL, terms="5"))
    a5 = five[(SCHOOL, A)]
    assert (a5["terms"], a5["credits"], a5["gpax"]) == ("3", "12", "3.87")  # 3.875 cut, not 3.88
    assert (a5["thai_gpa"], a5["thai_credits"], a5["math_gpa"], a5["math_credits"]) == ("4.00", "4.5", "3.83", "4.5")
    assert (a5["science_gpa"], a5["science_credits"]) == ("3.75", "3")

    old = table(export(stocked, SCHOOL, SCHOOL, year=2566))
    assert old[(SCHOOL, D.citizen_id)]["gpax"] == "3.00" and old[(SCHOOL, A)]["gpax"] == "4.00"


def test_lao_province_nation_scopes(stocked: World) -> None:
    lao = table(export(stocked, "05560101", "05560101"))
    assert {k[0] for k in lao} == {SCHOOL}
    province = table(export(stocked, "56", "56"))
    assert {k[0] for k in province} == {SCHOOL, PAO_SCHOOL} and len(province) == 6
    assert province[(PAO_SCHOOL, OTHERS[0].citizen_id)]["gpax"] == "3.30"  # recordskit's pupil A figures
    nation = table(export(stocked, "dla", "TH"))
    assert {k[0] for k in nation} == {SCHOOL, PAO_SCHOOL, FAR_SCHOOL} and len(nation) == 9
    assert nation[(SCHOOL, A)] == province[(SCHOOL, A)]
    header = export(stocked, "56", "56").get_data(as_text=True).splitlines()[0].split(",")
    assert header[:6] == ["school_code", "citizen_id", "terms", "weight_unit", "credits", "gpax"]
    audited = stocked.db.execute("SELECT COUNT(*) FROM audit WHERE action = 'gpax_export'").fetchone()[0]
    assert audited == 4


@pytest.mark.parametrize(
    ("login", "code", "status", "error"),
    [
        (SCHOOL, "05560101", 403, "out_of_scope"),  # a school cannot export its LAO
        (SCHOOL, PAO_SCHOOL, 403, "out_of_scope"),  # nor another school
        ("05560101", PAO_SCHOOL, 403, "out_of_scope"),  # an LAO only its own schools
        ("06570101", "56", 403, "out_of_scope"),  # an LAO of 57 cannot export province 56
        ("56", FAR_SCHOOL, 403, "out_of_scope"),  # a province only its own
        ("56", "TH", 403, "out_of_scope"),  # the nation is the national admin's alone
        ("05560101", "3056500001", 400, "unit_kind"),  # a child centre has no results
        ("dla", "9999999999", 404, "unknown_unit"),
    ],
)
def test_scope_refusals(stocked: World, login: str, code: str, status: int, error: str) -> None:
    resp = export(stocked, login, code)
    assert resp.status_code == status and resp.get_json()["error"] == error
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in resp.get_json()["message"])  # a Thai reason


def test_terms_must_be_five_or_six(world: World) -> None:
    resp = export(world, SCHOOL, SCHOOL, terms="4")
    assert resp.status_code == 400 and resp.get_json()["error"] == "bad_terms"
    assert world.client.get(f"/api/v1/years/2567/units/{SCHOOL}/gpax.csv").status_code == 401
