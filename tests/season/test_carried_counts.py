"""Other-affiliation counts identical to last year's are questioned, naming the school."""

from __future__ import annotations

from seasonkit import NEXT_YEAR, confirm_province, open_next_year
from serverkit import World

LAO = "06560201"


def test_counts_copied_from_last_year_are_a_warning_naming_the_school(world: World) -> None:
    sent = confirm_province(world)
    open_next_year(world)
    same = [dict(r) for r in sent[LAO]]
    result = world.upload_rows(LAO, LAO, same, round_id=NEXT_YEAR)
    found = [w for w in result["warnings"] if w["code"] == "SERVER_OTHER_UNCHANGED"]
    assert len(found) == 1
    assert same[0]["other_school_name"] in found[0]["message"] and "1056000001" in found[0]["message"]
    assert "2567" in found[0]["message"]


def test_counts_that_moved_are_not_questioned(world: World) -> None:
    sent = confirm_province(world)
    open_next_year(world)
    moved = [dict(r) for r in sent[LAO]]
    moved[0]["p1_m"] = int(moved[0]["p1_m"] or 0) + 1
    result = world.upload_rows(LAO, LAO, moved, round_id=NEXT_YEAR)
    assert not [w for w in result["warnings"] if w["code"] == "SERVER_OTHER_UNCHANGED"]


def test_a_later_round_of_the_same_year_is_not_compared(world: World) -> None:
    """Round 2 repeating round 1's counts of the same year is ordinary: only an earlier year counts."""
    from server.domain import rounds

    sent = confirm_province(world)
    rounds.create_round(world.db, "2567-3", as_of="2025-01-05", opens="2025-01-01T00:00",
                        institution_deadline="2025-01-20T17:00", lao_deadline="2025-01-20T17:00",
                        province_deadline="2025-01-21T17:00")  # fmt: skip
    world.set_now("2025-01-10T10:00:00+07:00")
    result = world.upload_rows(LAO, LAO, [dict(r) for r in sent[LAO]], round_id="2567-3")
    assert not [w for w in result["warnings"] if w["code"] == "SERVER_OTHER_UNCHANGED"]
