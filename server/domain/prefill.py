"""Pre-filled templates from the server's data: the unit's name and its last confirmed roster; for an
LAO the other-affiliation schools of the registry (code, name, affiliation, grade span, "not closed").

    prefill(db, rnd, code) -> dict          build_template's arguments: previous_rows/previous_removals/rows/
                                            removals, as_of, unit_kind, previous_year (a new year), basic
    template_bytes(db, rnd, unit) -> (xlsx bytes, filename)
Why pre-fill: a clerk edits last round's confirmed list instead of retyping it, and the removal check
(a child may not vanish without a removal record) then works offline in Excel too.

A new academic year (the last confirmed roster is of an earlier year): the rows are that roster promoted
one grade and its leavers are the removal register's only lines, with their reasons for the clerk to
confirm (`validators.promotion.promote`); last year's removals are not carried. The template keeps the
old roster hidden, with its year, so `lec validate` warns of pupils left in last year's grade.
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
                **{k: r[k] for k in ("other_school_code", "other_school_name", "affiliation", "grades")},
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


def with_registry(db: sqlite_utils.Database, lao: str, sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An LAO's other-affiliation rows: every school the registry lists, first and locked to the registry's
    code, name, affiliation and span (counts and "closed" from `sent`, the last upload, if it had the
    school; else "not closed" and blank counts to fill), then the schools the LAO added itself."""
    from validators.fields import span_count_keys

    by_code = {r["other_school_code"]: r for r in sent}
    out = []
    for school in registry.other_schools(db, lao):
        old = by_code.pop(school["code"], {})
        span = school["grades"] or old.get("grades")
        out.append(
            {
                "other_school_code": school["code"],
                "other_school_name": school["name"],
                "affiliation": school["affiliation"] or old.get("affiliation"),
                "grades": span,
                "closed": old.get("closed", "ไม่ใช่"),
                "registered": True,
                **{k: old[k] for k in span_count_keys(span) if old.get(k) is not None},
            }
        )
    return out + [{**r, "registered": False} for r in by_code.values()]


def prefill(db: sqlite_utils.Database, rnd: dict[str, Any], code: str) -> dict[str, Any]:
    """build_template's row arguments: `previous_rows`/`previous_removals` from the last confirmed
    roster (also kept hidden in the file for the offline removal check) and, when this round already
    has an accepted upload, `rows`/`removals` from it so the clerk continues where they left off.
    An LAO's rows are the registry's other-affiliation schools merged with its last upload."""
    unit = registry.require_unit(db, code)
    has_current = db.execute("SELECT 1 FROM rosters WHERE round_id = ? AND unit_code = ?", [rnd["id"], code]).fetchone()
    if unit["level"] == "lao":
        sent, _ = _rows(db, unit, rnd["id"] if has_current else previous_round(db, rnd, code))
        return {
            "previous_rows": with_registry(db, code, sent) or None,
            "pupils": other_pupils(db, rnd["id"], code),
            **round_facts(rnd, unit),
        }
    source = previous_round(db, rnd, code)
    previous, previous_removed = _rows(db, unit, source)
    out: dict[str, Any] = {"previous_rows": previous or None, "previous_removals": previous_removed or None}
    out.update(round_facts(rnd, unit))
    source_year = int(source.split("-")[0]) if source else None
    if previous and source_year is not None and source_year < rnd["year"]:
        out.update(new_year(previous, rnd, unit, source_year))
    if has_current:
        rows, removed = _rows(db, unit, rnd["id"])
        out["rows"] = rows
        out["removals"] = removed
    if unit["kind"] == "cdc":
        out["basic"] = basic_data(db, rnd["id"] if has_current else previous_round(db, rnd, code), code)
    return out


def round_facts(rnd: dict[str, Any], unit: dict[str, Any]) -> dict[str, Any]:
    """The round's census date and the institution's registered kind, for the template's metadata: so
    `lec validate` judges the downloaded file against the same day and grades as the server."""
    out: dict[str, Any] = {"as_of": date.fromisoformat(rnd["as_of"])}
    if unit["kind"] in ("school", "college", "cdc"):
        out["unit_kind"] = unit["kind"]
    return out


def new_year(previous: list[dict[str, Any]], rnd: dict[str, Any], unit: dict[str, Any], source_year: int) -> dict:
    """A new year's rows: `previous` (an earlier year's confirmed roster) promoted, its leavers the whole
    removal register. The school's grades are read off that roster (the registry keeps no span for
    LEC's own schools); a centre's children leave past the centre's ages."""
    from validators.promotion import promote

    moved = promote(previous, year=rnd["year"], cdc=unit["kind"] == "cdc", as_of=date.fromisoformat(rnd["as_of"]))
    return {"rows": moved.rows, "removals": moved.leavers, "previous_removals": None, "previous_year": source_year}


def other_pupils(db: sqlite_utils.Database, round_id: str, lao: str) -> list[dict[str, Any]] | None:
    """The pupil list the LAO attached this round (its next file continues from it; a new round starts
    empty: last year's pupils have moved up a grade or left, and the list is optional)."""
    from validators.fields import OTHER_PUPIL_KEYS

    rows = db.query(
        f"SELECT {', '.join(OTHER_PUPIL_KEYS)} FROM other_pupils WHERE round_id = ? AND lao_code = ? ORDER BY row_no",
        [round_id, lao],
    )
    return [dict(r) for r in rows] or None


def basic_data(db: sqlite_utils.Database, round_id: str | None, code: str) -> dict[str, Any] | None:
    """A centre's basic data as sent in `round_id` (None when it sent none): it changes little between
    rounds, so the template carries it forward for the clerk to check."""
    if round_id is None:
        return None
    from validators.fields import CDC_BASIC_KEYS

    row = db.execute(
        f"SELECT {', '.join(CDC_BASIC_KEYS)} FROM cdc_basic WHERE round_id = ? AND unit_code = ?", [round_id, code]
    ).fetchone()
    return dict(zip(CDC_BASIC_KEYS, row, strict=True)) if row else None


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
