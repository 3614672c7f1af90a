"""A province's season on the server test kit: round 2567-2 confirmed, then a correction window.

Province 56 of tests/server/serverkit.py: three institutions (two schools, one child centre) in two
LAOs, and LAO 06560201 with other-affiliation counts. Every figure the tests check is computed here
by hand from the rows the kit uploads, never read back from the code under test.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from serverkit import ROUND, World

from server.domain import rounds
from validators.fields import GRADE_KEYS, OTHER_COUNT_KEYS

PROVINCE = "56"
PROVINCE_INSTS = ("3056100001", "3056200001", "3056500001")
PROVINCE_LAOS = ("02560001", "05560101", "06560201")
CORRECTION = "2567-3"
CORRECTION_TIMES = {
    "as_of": "2025-01-05",
    "opens": "2025-01-01T00:00",
    "institution_deadline": "2025-01-20T17:00",
    "lao_deadline": "2025-01-20T17:00",
    "province_deadline": "2025-01-21T17:00",
}
IN_WINDOW = "2025-01-10T10:00:00+07:00"
SEX = {"ชาย": "m", "หญิง": "f"}


def grade_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Hand count of a roster: grade key -> {m, f} (child-centre children count under 'cdc')."""
    c = Counter((GRADE_KEYS.get(str(r.get("grade") or ""), "cdc"), SEX[str(r["sex"])]) for r in rows)
    out: dict[str, dict[str, int]] = {}
    for (g, s), n in c.items():
        out.setdefault(g, {"m": 0, "f": 0})[s] += n
    return out


def other_total(rows: list[dict[str, Any]]) -> int:
    return sum(int(r.get(k) or 0) for r in rows for k in OTHER_COUNT_KEYS)


def confirm_province(world: World, round_id: str = ROUND) -> dict[str, Any]:
    """Upload every unit of province 56 and confirm bottom-up; returns the rows sent, per unit."""
    sent: dict[str, Any] = {}
    for code in (*PROVINCE_INSTS, *PROVINCE_LAOS):
        rows = world.roster(code, n=12 + len(sent)) if code in PROVINCE_INSTS else _other_rows(world, code)
        world.upload_rows(code, code, rows, round_id=round_id)
        sent[code] = rows
    for code in (*PROVINCE_INSTS, *PROVINCE_LAOS, PROVINCE):
        resp = world.confirm(code, round_id=round_id)
        assert resp.status_code == 200, resp.get_json()
    return sent


def _other_rows(world: World, lao: str) -> list[dict[str, Any]]:
    """Every other-affiliation school the registry lists under `lao` (each must be sent), 5 a grade."""
    return world.registered_other(lao)


def open_correction(world: World, basis: str | None = None) -> dict[str, Any]:
    row = rounds.create_round(world.db, CORRECTION, mode="correction", basis=basis, **CORRECTION_TIMES)
    world.set_now(IN_WINDOW)
    return row


LUNCH_GRADES = ("อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6")


def lunch_by_hand(n: int, days: int) -> float:
    """rates.json by hand: 36 THB up to 40 pupils, 27 to 100, 24 to 120, 22 above; times the days."""
    rate = 0 if n <= 0 else 36 if n <= 40 else 27 if n <= 100 else 24 if n <= 120 else 22
    return float(n * rate * days)


def institution_lunch(rows: list[dict[str, Any]], cdc: bool) -> float:
    n = len(rows) if cdc else sum(1 for r in rows if r.get("grade") in LUNCH_GRADES)
    return lunch_by_hand(n, 245 if cdc else 200)


def other_lunch(rows: list[dict[str, Any]]) -> float:
    keys = [k for k in OTHER_COUNT_KEYS if k[:2] in ("k1", "k2", "k3", "p1", "p2", "p3", "p4", "p5", "p6")]
    return sum(lunch_by_hand(sum(int(r.get(k) or 0) for k in keys), 200) for r in rows)


NEXT_YEAR = "2568-1"
NEXT_YEAR_TIMES = {
    "as_of": "2025-06-10",
    "opens": "2025-06-01T00:00",
    "institution_deadline": "2025-06-20T17:00",
    "lao_deadline": "2025-06-20T17:00",
    "province_deadline": "2025-06-21T17:00",
}
IN_NEXT_YEAR = "2025-06-05T10:00:00+07:00"


def open_next_year(world: World) -> dict[str, Any]:
    row = rounds.create_round(world.db, NEXT_YEAR, **NEXT_YEAR_TIMES)
    world.set_now(IN_NEXT_YEAR)
    return row
