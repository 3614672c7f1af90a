"""A correction window starts from the confirmed data; its allocation basis is the frozen snapshot."""

from __future__ import annotations

import pytest
from seasonkit import (
    CORRECTION,
    PROVINCE,
    PROVINCE_INSTS,
    confirm_province,
    grade_counts,
    open_correction,
    other_total,
)
from serverkit import World

from server.domain import rounds
from server.domain.errors import ServiceError


def test_untouched_units_keep_their_numbers_and_read_unchanged(world: World) -> None:
    sent = confirm_province(world)
    basis_total = sum(len(sent[c]) for c in PROVINCE_INSTS) + other_total(sent["06560201"])
    row = open_correction(world)
    assert row["basis_round"] == "2567-2"
    st = world.status(PROVINCE, round_id=CORRECTION).get_json()
    assert st["state"] == "unchanged" and st["deadline"] is None and st["blockers"] == []
    assert st["counts"]["total"] == basis_total
    corr = st["correction"]
    assert corr["basis_round"] == "2567-2" and corr["basis"]["total"] == basis_total
    assert corr["difference"]["total"] == 0 and corr["difference"]["pupils"] == {}
    assert "10 พ.ย. 2567" in corr["basis_label"]
    assert {k["state"] for k in st["children"]} == {"unchanged"}
    school = world.status("3056200001", round_id=CORRECTION).get_json()
    assert school["state"] == "unchanged"
    assert school["counts"]["pupils"] == grade_counts(sent["3056200001"])


def test_a_fix_shows_as_corrected_with_its_difference_per_grade(world: World) -> None:
    sent = confirm_province(world)
    open_correction(world)
    code = "3056200001"
    extra = [
        r for r in world.roster(code, n=40, seed=9) if r["citizen_id"] not in {x["citizen_id"] for x in sent[code]}
    ][:3]
    world.upload_rows(code, code, [*sent[code], *extra], round_id=CORRECTION)
    st = world.status(code, round_id=CORRECTION).get_json()
    assert st["state"] == "corrected"
    want = grade_counts(extra)
    assert st["correction"]["difference"]["pupils"] == want
    assert st["correction"]["difference"]["total"] == 3
    assert st["correction"]["basis"]["total"] == len(sent[code])
    prov = world.status(PROVINCE, round_id=CORRECTION).get_json()
    assert prov["state"] == "corrected" and prov["correction"]["difference"]["total"] == 3
    states = {k["code"]: k["state"] for k in prov["children"]}
    assert states == {"02560001": "unchanged", "05560101": "corrected", "06560201": "unchanged"}
    # nobody confirms in a correction window
    assert world.confirm(code, round_id=CORRECTION).status_code == 409


def test_basis_must_be_a_confirmed_round(world: World) -> None:
    with pytest.raises(ServiceError) as err:
        open_correction(world)
    assert err.value.code == "no_basis"
    confirm_province(world)
    with pytest.raises(ServiceError) as err:
        rounds.create_round(world.db, "2567-4", mode="confirm", basis="2567-2", as_of="2025-01-05",
                            opens="2025-01-01T00:00", institution_deadline="2025-01-20T17:00",
                            lao_deadline="2025-01-20T17:00", province_deadline="2025-01-21T17:00")  # fmt: skip
    assert err.value.code == "basis_needs_correction"
