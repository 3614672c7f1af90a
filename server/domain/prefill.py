"""Pre-filled templates from the server's data: the unit's name and its last confirmed roster.

    prefill(db, rnd, code) -> dict          build_template's previous_rows/previous_removals/rows/removals
    template_bytes(db, rnd, unit) -> (xlsx bytes, filename)
Why pre-fill: a clerk edits last round's confirmed list instead of retyping it, and the removal check
(a child may not vanish without a removal record) then works offline in Excel too.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import sqlite_utils

from server.domain import registry
from server.domain.uploads import previous_round
from validators.fields import DATE_KEYS, PUPIL_KEYS, REMOVAL_KEYS


def _clean(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    from validators.fields import REMOVAL_REASONS

    out = {}
    for k in keys:
        v = row.get(k)
        if k in DATE_KEYS and v:
            v = date.fromisoformat(v)
        if k == "reason" and v in REMOVAL_REASONS:
            v = REMOVAL_REASONS[v]  # the dropdown shows labels
        out[k] = v
    return out


def _rows(db: sqlite_utils.Database, unit: dict[str, Any], source: str | None) -> tuple[list[dict], list[dict]]:
    if source is None:
        return [], []
    code = unit["code"]
    if unit["level"] == "lao":
        from validators.fields import OTHER_COUNT_KEYS

        rows = db.query(
            "SELECT * FROM other_counts WHERE round_id = ? AND lao_code = ? ORDER BY row_no", [source, code]
        )
        return [
            {
                **{k: r[k] for k in ("other_school_code", "other_school_name", "affiliation")},
                "closed": "ใช่" if r["closed"] else "ไม่ใช่",
                **{k: r[k] for k in OTHER_COUNT_KEYS},
            }
            for r in rows
        ], []
    pupils = [
        _clean(r, PUPIL_KEYS)
        for r in db.query("SELECT * FROM pupils WHERE round_id = ? AND unit_code = ? ORDER BY row_no", [source, code])
    ]
    removed = [
        _clean(r, REMOVAL_KEYS)
        for r in db.query("SELECT * FROM removals WHERE round_id = ? AND unit_code = ? ORDER BY row_no", [source, code])
    ]
    return pupils, removed


def prefill(db: sqlite_utils.Database, rnd: dict[str, Any], code: str) -> dict[str, Any]:
    """build_template's row arguments: `previous_rows`/`previous_removals` from the last confirmed
    roster (also kept hidden in the file for the offline removal check) and, when this round already
    has an accepted upload, `rows`/`removals` from it so the clerk continues where they left off."""
    unit = registry.require_unit(db, code)
    previous, previous_removed = _rows(db, unit, previous_round(db, rnd, code))
    has_current = db.execute("SELECT 1 FROM rosters WHERE round_id = ? AND unit_code = ?", [rnd["id"], code]).fetchone()
    out: dict[str, Any] = {"previous_rows": previous or None, "previous_removals": previous_removed or None}
    if has_current:
        rows, removed = _rows(db, unit, rnd["id"])
        out["rows"] = rows
        out["removals"] = removed if unit["level"] != "lao" else None
    return out


def template_bytes(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any]) -> tuple[bytes, str]:
    from workbook_templates import build_template

    form = registry.FORM_BY_KIND.get(unit["kind"])
    if form is None:
        from server.domain.errors import bad_request

        raise bad_request("no_template", f"{registry.label(unit)} ไม่มีแบบฟอร์มสำหรับกรอกข้อมูล")
    buf = io.BytesIO()
    build_template(
        form,
        unit_code=unit["code"],
        unit_name=unit["name"],
        year=rnd["year"],
        round_no=rnd["round_no"],
        out=buf,
        **prefill(db, rnd, unit["code"]),
    )
    return buf.getvalue(), f"{form}_{unit['code']}_{rnd['id']}.xlsx"
