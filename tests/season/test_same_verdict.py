"""`lec validate` and the server give the same verdict on the same file, in every kind of round: a first
round, a later round of the same year, a correction window and the first round of a new year, each with a
file the server refuses and one it takes with warnings. Both checkers run on every case."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from seasonkit import CORRECTION, NEXT_YEAR, confirm_province, open_correction, open_next_year
from serverkit import ROUND, World
from walk import IN_ROUND_1, ROUND_1, ROUND_1_TIMES, fill, sheet_rows

from server.cli import main
from server.domain import rounds
from validators.fields import SHEETS
from validators.synthetic import make_roster

SCHOOL = "3056200001"
ROSTER, REMOVED = SHEETS["school"]["roster"], SHEETS["school"]["removed"]


def template(world: World, round_id: str) -> bytes:
    resp = world.get(SCHOOL, f"/rounds/{round_id}/units/{SCHOOL}/template")
    assert resp.status_code == 200
    return resp.data


def codes(body: dict[str, Any], key: str) -> set[str]:
    return {f["code"] for f in body.get(key, []) if not f["code"].startswith("SERVER_")}


def both(world: World, tmp: Path, round_id: str, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the server's answer, `lec validate --json`'s report) on the same bytes."""
    path = tmp / "case.xlsx"
    path.write_bytes(data)
    offline = json.loads(CliRunner().invoke(main, ["validate", "--json", str(path)]).output)["files"][0]
    resp = world.send(SCHOOL, SCHOOL, data, round_id=round_id)
    server = resp.get_json()
    assert resp.status_code == (422 if offline["errors"] else 200), server
    return server, offline


Case = dict[str, Any]
"""round, rows and register as first sent (with errors), then as the clerk fixes them."""


def round_1(world: World) -> Case:
    """2567-1 (census 10 June 2567), nothing before it: a move-in of 20 June is after the census date."""
    rounds.create_round(world.db, ROUND_1, **ROUND_1_TIMES)
    world.set_now(IN_ROUND_1)
    rows = make_roster("school", 12, year=2567, unit_code=SCHOOL, seed=3, round_no=1)
    bad = [{**rows[0], "entry_date": date(2024, 6, 20)}, *rows[1:]]
    good = [{**rows[0], "entry_date": date(2024, 6, 3)}, *rows[1:]]
    return {
        "round": ROUND_1,
        "rows": bad,
        "register": [],
        "fixed": good,
        "fixed_register": [],
        "refused": {"DATE_FUTURE"},
    }


def round_2(world: World) -> Case:
    """2567-2 (census 10 Nov 2567): a move-in of 20 Nov is refused, one of 1 Nov passes."""
    rows = world.roster(SCHOOL, n=12)
    bad = [{**rows[0], "entry_date": date(2024, 11, 20)}, *rows[1:]]
    good = [{**rows[0], "entry_date": date(2024, 11, 1)}, *rows[1:]]
    return {
        "round": ROUND,
        "rows": bad,
        "register": [],
        "fixed": good,
        "fixed_register": [],
        "refused": {"DATE_FUTURE"},
    }


def correction_window(world: World) -> Case:
    """2567-3 (census 5 Jan 2568): the issue's move-in of 05/01/2568 passes on both sides (offline it once
    failed against 10 Nov); a pupil dropped without a register line is refused."""
    sent = confirm_province(world)
    open_correction(world)
    rows = [dict(r) for r in sent[SCHOOL]]
    rows[1]["entry_date"] = date(2025, 1, 5)
    return {"round": CORRECTION, "rows": rows[1:], "register": [], "fixed": rows, "fixed_register": [],
            "refused": {"PREVIOUS_MISSING"}}  # fmt: skip


def new_year(world: World) -> Case:
    """2568-1 from its promoted template: two repeaters kept back (one warning naming 2 pupils) and one
    leaver's register line deleted (refused: the child would vanish)."""
    confirm_province(world)
    open_next_year(world)
    data = template(world, NEXT_YEAR)
    rows, register = sheet_rows(data, ROSTER), sheet_rows(data, REMOVED)
    back = {"ป.2": "ป.1", "ป.5": "ป.4"}
    for r in rows:
        if r["grade"] in back:
            r["grade"] = back.pop(r["grade"])
    assert not back and register
    return {"round": NEXT_YEAR, "rows": rows, "register": register[1:], "fixed": rows, "fixed_register": register,
            "refused": {"PREVIOUS_MISSING"}}  # fmt: skip


CASES: dict[str, Callable[[World], Case]] = {
    "round-1": round_1,
    "round-2": round_2,
    "correction-window": correction_window,
    "new-year": new_year,
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_verdict_offline_and_on_the_server(world: World, tmp_path: Path, case: str) -> None:
    c = CASES[case](world)
    server, offline = both(world, tmp_path, c["round"], fill(template(world, c["round"]), c["rows"], c["register"]))
    assert codes(server, "errors") == codes(offline, "errors") == c["refused"]
    assert codes(server, "warnings") == codes(offline, "warnings")
    # the clerk fixes the errors: the file then passes on both sides, with the same warnings
    data = fill(template(world, c["round"]), c["fixed"], c["fixed_register"])
    server, offline = both(world, tmp_path, c["round"], data)
    assert not server.get("errors") and not offline["errors"]
    assert codes(server, "warnings") == codes(offline, "warnings")
    if case == "new-year":
        (warn,) = [w for w in server["warnings"] if w["code"] == "GRADES_NOT_PROMOTED"]
        (same,) = [w for w in offline["warnings"] if w["code"] == "GRADES_NOT_PROMOTED"]
        assert warn["message"] == same["message"] and "2 คน" in warn["message"]
