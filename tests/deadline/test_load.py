"""Deadline day at CI size: 50 concurrent clients on a live `lec serve`; afterwards every invariant holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from server.tools import loadrun

pytestmark = pytest.mark.live


def test_deadline_day_loses_nothing(plan: loadrun.Plan, tmp_path: Path) -> None:
    data = tmp_path / "data"
    loadrun.install(data, plan)
    with loadrun.LiveServer(data) as server:
        outcome = loadrun.run_deadline(server.base, plan, time_limit=240)
        log = server.log()
    assert outcome.failures == [], (outcome.failures[:10], log[-3000:])
    summary = outcome.summary()
    assert set(summary["statuses"]) == {"200"}, summary["statuses"]
    # every school uploaded twice, the revoked ones a third time; all units confirmed in the end
    n_revoked = len(plan.laos)
    assert summary["uploads"] == 2 * len(plan.institutions) + n_revoked + len(plan.laos)
    assert loadrun.check_invariants(data, plan, outcome) == []
    conn = sqlite3.connect(data / "lec.db")
    confirmed = {r[0] for r in conn.execute("SELECT unit_code FROM confirmations")}
    conn.close()
    assert confirmed == {*plan.institutions, *plan.laos, *plan.provinces}
    assert sum(outcome.revoked.values()) == n_revoked


def test_the_checker_sees_a_mixed_roster_and_a_broken_chain(plan: loadrun.Plan, tmp_path: Path) -> None:
    """The invariants above could fail: damage a finished run's database and they do."""
    data = tmp_path / "data"
    small = loadrun.Plan(
        {p: ls[:1] for p, ls in list(plan.provinces.items())[:1]},
        {lao: plan.laos[lao] for lao in next(iter(plan.provinces.values()))[:1]},
        plan.books,
        plan.ids,
        plan.rows,
    )
    loadrun.install(data, small)
    with loadrun.LiveServer(data) as server:
        outcome = loadrun.run_deadline(server.base, small, time_limit=120)
    assert outcome.failures == [] and loadrun.check_invariants(data, small, outcome) == []
    school, lao = small.institutions[0], next(iter(small.laos))
    province = next(iter(small.provinces))
    conn = sqlite3.connect(data / "lec.db")
    with conn:
        conn.execute("DELETE FROM pupils WHERE unit_code = ? AND row_no = 5", [school])
        conn.execute("DELETE FROM confirmations WHERE unit_code = ?", [small.institutions[1]])
    problems = loadrun.check_invariants(data, small, outcome)
    assert any(school in p and "a mix or a partial store" in p for p in problems), problems
    assert any(p.startswith("kept head counts differ") for p in problems), problems  # a row gone behind their back
    assert any(p.startswith(f"LAO {lao} confirmed while institution") for p in problems), problems
    with conn:
        conn.execute("DELETE FROM confirmations WHERE unit_code = ?", [lao])
    problems = loadrun.check_invariants(data, small, outcome)
    conn.close()
    assert f"province {province} confirmed while LAO {lao} is not" in problems, problems
