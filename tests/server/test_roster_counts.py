"""What schema v8 keeps beside the rosters is always what the rosters say: the head counts in
`roster_counts` are the recount by the rule of conflicts.COUNTED_SQL, and `roster_duplicates` lists
exactly the (unit, ID) pairs whose ID is on two rosters; through uploads that replace a roster, a
duplicate decision, its withdrawal, a new decision and a child removed by the losing side's next upload."""

from __future__ import annotations

from typing import Any

from serverkit import ROUND, World

from server.domain import chain, conflicts

PAO_SCHOOL, TOWN_SCHOOL = "3056100001", "3056200001"


def recount(world: World) -> list[tuple[Any, ...]]:
    return sorted(
        world.db.execute(
            "SELECT round_id, unit_code, COALESCE(grade, age_group, ''), COALESCE(sex, ''), COUNT(*) FROM pupils"
            f" WHERE {conflicts.COUNTED_SQL} GROUP BY 1, 2, 3, 4"
        ).fetchall()
    )


def kept(world: World) -> list[tuple[Any, ...]]:
    assert duplicates(world) == sorted(
        world.db.execute(
            "SELECT p.round_id, p.unit_code, p.citizen_id FROM pupils p WHERE EXISTS (SELECT 1 FROM pupils q"
            " WHERE q.round_id = p.round_id AND q.citizen_id = p.citizen_id AND q.unit_code <> p.unit_code)"
        )
    )
    return sorted(world.db.execute("SELECT round_id, unit_code, grade, sex, n FROM roster_counts WHERE n > 0"))


def duplicates(world: World) -> list[tuple[Any, ...]]:
    return sorted(world.db.execute("SELECT round_id, unit_code, citizen_id FROM roster_duplicates"))


def test_kept_counts_follow_uploads_and_decisions(world: World) -> None:
    rows_a = world.roster(PAO_SCHOOL, 12, seed=3)
    rows_b = [*world.roster(TOWN_SCHOOL, 6, seed=4), dict(rows_a[0]), dict(rows_a[1])]
    world.upload_rows(PAO_SCHOOL, PAO_SCHOOL, rows_a)
    world.upload_rows(TOWN_SCHOOL, TOWN_SCHOOL, rows_b)
    assert kept(world) == recount(world) and sum(r[-1] for r in kept(world)) == 20
    assert len(duplicates(world)) == 4  # two IDs, each on two rosters
    world.upload_rows(PAO_SCHOOL, PAO_SCHOOL, rows_a[:11])  # a replaced roster: one child fewer
    assert kept(world) == recount(world) and sum(r[-1] for r in kept(world)) == 19

    cid = rows_a[0]["citizen_id"]
    path = f"/rounds/{ROUND}/conflicts/{cid}/decision"
    r = world.post("56", path, json={"keep": PAO_SCHOOL, "reason": "ตรวจเอกสารแล้ว"})
    assert r.status_code == 201, r.get_json()
    assert kept(world) == recount(world)
    assert chain.counts_of(world.db, ROUND, TOWN_SCHOOL)["pupils_total"] == 7  # the child counts at the PAO school

    r = world.client.delete(f"/api/v1{path}", json={"reason": "ทบทวน"}, headers=world.headers("56"))
    assert r.status_code == 200, r.get_json()
    assert kept(world) == recount(world)
    assert chain.counts_of(world.db, ROUND, TOWN_SCHOOL)["pupils_total"] == 8

    r = world.post("56", path, json={"keep": TOWN_SCHOOL, "reason": "ผู้ปกครองยืนยัน"})
    assert r.status_code == 201, r.get_json()
    assert kept(world) == recount(world)
    assert chain.counts_of(world.db, ROUND, PAO_SCHOOL)["pupils_total"] == 10
    world.upload_rows(PAO_SCHOOL, PAO_SCHOOL, rows_a[1:11])  # the losing side removes the child
    assert kept(world) == recount(world)
    assert [d[2] for d in duplicates(world)] == [rows_a[1]["citizen_id"]] * 2
    assert [c["citizen_id"] for c in conflicts.conflicts_for(world.db, ROUND, [TOWN_SCHOOL])] == [
        rows_a[1]["citizen_id"]
    ]
    assert chain.counts_of(world.db, ROUND, PAO_SCHOOL)["pupils_total"] == 10
    assert chain.counts_of(world.db, ROUND, "56")["pupils_total"] == 18
