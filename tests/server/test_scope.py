"""Scope on every route: institution → itself; LAO → its institutions; province → its LAOs and their
institutions; admin → all. Unknown round or unit is 404."""

from __future__ import annotations

import pytest
from serverkit import ROUND, World

VIEW = {
    "3056200001": {"3056200001"},
    "05560101": {"05560101", "3056200001", "3056500001"},
    "56": {"56", "02560001", "05560101", "06560201", "3056100001", "3056200001", "3056500001"},
    "57": {"57", "06570101", "3057300001"},
    "dla": {
        "56",
        "57",
        "02560001",
        "05560101",
        "06560201",
        "06570101",
        "3056100001",
        "3056200001",
        "3056500001",
        "3057300001",
    },
}
ALL = VIEW["dla"]


@pytest.mark.parametrize("login", sorted(VIEW))
def test_view_scope(world: World, login: str) -> None:
    for code in sorted(ALL):
        for path in ("status", "roster"):  # (the consolidated book has its own scope tests)
            r = world.get(login, f"/rounds/{ROUND}/units/{code}/{path}")
            if code in VIEW[login]:
                assert r.status_code == 200, (login, code, path)
            else:
                assert r.status_code == 403 and r.get_json()["error"] == "out_of_scope", (login, code, path)
                assert r.get_json()["message"]


def test_only_the_unit_itself_confirms(world: World) -> None:
    world.fill("3056200001")
    for login in ("3056500001", "05560101", "56", "dla"):
        r = world.confirm(login, "3056200001")
        assert r.status_code == 403 and r.get_json()["error"] == "out_of_scope", login
    assert world.confirm("3056200001").status_code == 200


def test_unknown_round_and_unit(world: World) -> None:
    assert world.get("56", "/rounds/2599-1/units/56/status").status_code == 404
    r = world.get("56", f"/rounds/{ROUND}/units/9999999999/status")
    assert r.status_code == 404 and r.get_json()["error"] == "unknown_unit"
    assert world.get("56", "/no-such-route").get_json()["error"] == "not_found"


def test_audit_and_conflicts_are_filtered_by_scope(world: World) -> None:
    world.fill("3056200001")
    world.fill("3057300001")
    mine = world.get("3056200001", "/audit").get_json()["entries"]
    assert mine and {e["unit_code"] or e["actor_unit"] for e in mine} == {"3056200001"}
    assert "login" in {e["action"] for e in mine}  # logins (no target unit) are the actor's own records
    theirs = world.get("57", "/audit").get_json()["entries"]
    assert {e["unit_code"] or e["actor_unit"] for e in theirs} == {"57", "3057300001"}
    assert world.get("3056200001", "/audit?unit=3057300001").status_code == 403
    assert len(world.get("dla", "/audit?action=upload").get_json()["entries"]) == 2


def test_national_status_is_for_the_admin(world: World) -> None:
    r = world.status("dla", "TH")
    assert r.status_code == 200
    assert [c["code"] for c in r.get_json()["children"]] == ["56", "57"]
    assert world.status("56", "TH").status_code == 403
