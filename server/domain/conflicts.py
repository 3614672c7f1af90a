"""Conflicts: the same citizen ID on the rosters of two institutions in the same round.

A conflict is not an upload error (either school may be right: the child moved), so the upload is
accepted and the conflict is shown to both institutions, their LAOs and the province, with the other
side's name and code so they can phone each other. It is "open" while both rosters still hold the ID;
it closes when one side removes the child. An LAO cannot confirm while any of its institutions is in
an open conflict (OBEC claws back money for such duplicates). Computed from the rosters, never stored,
so it can never disagree with them.

    conflicts_for(db, round_id, units) -> [conflict]   open conflicts touching any of `units`
                                                        (None = all units, for the admin)
    conflicts_of_unit(db, round_id, unit_code) -> [conflict]   one unit's open conflicts
A conflict is {"citizen_id", "units": [{"code","name","lao","lao_name","province","first_name",
"last_name","grade","row_no"}]} (row_no: the Excel row on that unit's roster).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

_DETAIL_SQL = """
SELECT p.citizen_id, p.unit_code AS code, u.name, l.code AS lao, l.name AS lao_name, l.parent AS province,
       p.first_name, p.last_name, p.grade, p.row_no
FROM pupils p JOIN units u ON u.code = p.unit_code LEFT JOIN units l ON l.code = u.parent
WHERE p.round_id = ? AND p.citizen_id IN ({ids})
ORDER BY p.citizen_id, p.unit_code
"""


def _details(db: sqlite_utils.Database, round_id: str, ids: list[str]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.query(_DETAIL_SQL.format(ids=",".join("?" * len(chunk))), [round_id, *chunk]):
            cid = row.pop("citizen_id")
            out.setdefault(cid, {"citizen_id": cid, "units": []})["units"].append(row)
    return [c for c in out.values() if len(c["units"]) > 1]


def conflicts_for(db: sqlite_utils.Database, round_id: str, units: Iterable[str] | None) -> list[dict[str, Any]]:
    if units is None:
        ids = [
            r[0]
            for r in db.execute(
                "SELECT citizen_id FROM pupils WHERE round_id = ? GROUP BY citizen_id HAVING COUNT(*) > 1",
                [round_id],
            )
        ]
        return _details(db, round_id, ids)
    ids: set[str] = set()
    codes = list(units)
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        ids.update(
            r[0]
            for r in db.execute(
                "SELECT DISTINCT p.citizen_id FROM pupils p WHERE p.round_id = ? AND p.unit_code IN"
                f" ({','.join('?' * len(chunk))}) AND EXISTS (SELECT 1 FROM pupils q WHERE q.round_id ="
                " p.round_id AND q.citizen_id = p.citizen_id AND q.unit_code <> p.unit_code)",
                [round_id, *chunk],
            )
        )
    return _details(db, round_id, sorted(ids))


def conflicts_of_unit(db: sqlite_utils.Database, round_id: str, unit_code: str) -> list[dict[str, Any]]:
    return conflicts_for(db, round_id, [unit_code])
