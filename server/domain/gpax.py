"""The GPAX export: per pupil, GPAX and each learning area's GPA and credits, for the Ministry and TCAS.

    export_units(db, actor, code) -> list[str]        the schools and colleges of a school, an LAO, a
                                                      province or the nation (`TH`), scope checked
    window(year, terms) -> list[(year, term)]         the terms the figures are taken over
    gpax_rows(db, schools, year, terms) -> Iterator   one row (a tuple in COLUMNS order) per pupil
    csv_chunks(db, schools, year, terms) -> Iterator  the CSV text in chunks, header first
    audit_export(db, actor, code, year, terms, n)     the export's audit record (it carries citizen IDs)

The window is the programme's last three years as TCAS counts them: from term 1 of `year - 2`, the
first `terms` terms (6: up to term 2 of `year`; 5: up to term 1 of `year`, the GPAX a pupil applies
with before the last term ends). A pupil is exported when the unit holds a result of theirs in `year`
(a pupil who left earlier is not in this year's export), once per school that holds their results.

Every figure is the GPA rule of `validators.academic` (`Tally`: Σ grade × weight / Σ weight, marks
left out, cut to two decimals, not rounded). The rows are read school by school in citizen-ID order
through the `results_pupil` index and tallied one pupil at a time, so memory does not grow with the
nation: the export is a stream, never a table held in memory. The price of its one read snapshot: while a
national export runs (minutes at the nation's size), SQLite cannot checkpoint the WAL past it, so the WAL
grows by what is written meanwhile and shrinks at the next checkpoint after the export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlite_utils

from server.domain import audit, registry, scope
from server.domain.actor import Actor
from server.domain.errors import bad_request
from server.storage import clock
from server.storage.db import transaction
from validators.academic import Tally, areas, weighted

RECORD_KINDS = ("school", "college")
TERM_CHOICES = (5, 6)
ACTION = "gpax_export"
AREA_KEYS: tuple[str, ...] = tuple(areas().titles)
COLUMNS: tuple[str, ...] = (
    "school_code",
    "citizen_id",
    "terms",
    "weight_unit",
    "credits",
    "gpax",
    *(f"{a}_{what}" for a in AREA_KEYS for what in ("gpa", "credits")),
)
"""The CSV header: stable English keys. `credits` columns hold hours for a primary pupil (the weight a
primary GPA is averaged over); `weight_unit` says which. A pupil with any subject in credits is averaged
over the credit subjects only (primary results weighed in hours do not enter a secondary GPAX).
`terms` counts the window's terms with results."""
CHUNK_ROWS = 2_000


def export_units(db: sqlite_utils.Database, actor: Actor, code: str) -> list[str]:
    """The schools and colleges whose results the export covers; 403/404 out of scope, as every route."""
    if scope.is_national(code):
        scope.require_national(actor, "ส่งออกผลการเรียนเฉลี่ยสะสม (GPAX) ของทั้งประเทศ", {"unit": code})
        sql = "SELECT code FROM units WHERE kind IN ('school','college') ORDER BY code"
        return [r[0] for r in db.execute(sql)]
    unit = scope.check(db, actor, code, "view")
    if unit["level"] == "institution":
        if unit["kind"] not in RECORD_KINDS:
            raise bad_request(
                "unit_kind", f"{registry.label(unit)} ไม่ใช่โรงเรียนหรือวิทยาลัย จึงไม่มีผลการเรียน", {"unit": code}
            )
        return [unit["code"]]
    below = set(registry.descendants(db, unit["code"]))
    sql = "SELECT code FROM units WHERE kind IN ('school','college') ORDER BY code"
    return [r[0] for r in db.execute(sql) if r[0] in below]


def parse_terms(value: str | None) -> int:
    """The `terms` query parameter: 6 (default) or 5; anything else is a 400 in Thai."""
    if value in (None, ""):
        return 6
    if value not in ("5", "6"):
        raise bad_request("bad_terms", f"terms ต้องเป็น 5 หรือ 6 ภาคเรียน (ได้ “{value}”)", {"terms": value})
    return int(value)


def window(year: int, terms: int) -> list[tuple[int, int]]:
    """The (year, term)s of the export, in order: term 1 of year-2 onwards, the first `terms` of them."""
    if terms not in TERM_CHOICES:
        raise ValueError(f"terms is 5 or 6, not {terms}")
    return [(y, t) for y in (year - 2, year - 1, year) for t in (1, 2)][:terms]


def _num(value: Decimal | None) -> str:
    """A figure as CSV text: GPAs keep their two decimals ("3.30"), weights as a person writes them."""
    if value is None:
        return ""
    if value.as_tuple().exponent == -2:  # type: ignore[operator]
        return format(value, "f")
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


EXPORT_SQL = (
    "SELECT citizen_id, year, term, area, grade, credits, hours FROM results"
    " WHERE unit_code = ? AND year * 10 + term BETWEEN ? AND ? ORDER BY citizen_id"
)


def gpax_rows(db: sqlite_utils.Database, schools: list[str], year: int, terms: int) -> Iterator[tuple[str, ...]]:
    """One row per pupil of each school (COLUMNS order), school by school, pupils in citizen-ID order."""
    span = window(year, terms)
    lo, hi = span[0][0] * 10 + span[0][1], span[-1][0] * 10 + span[-1][1]
    # (grade, credits, hours) -> (is a credit subject, the validators' weighted pair or None): a nation has
    # a few dozen distinct ones, so the rule runs a few dozen times, not once a row
    counted: dict[tuple[str | None, str | None, str | None], tuple[bool, tuple[Decimal, Decimal] | None]] = {}

    def judge(key: tuple[str | None, str | None, str | None]) -> tuple[bool, tuple[Decimal, Decimal] | None]:
        grade, credits, hours = key
        text = credits or hours
        pair = weighted(grade or "", Decimal(text)) if text else None
        counted[key] = result = (bool(credits), pair)
        return result

    for school in schools:
        cursor = db.execute(EXPORT_SQL, [school, lo, hi])
        for cid, rows in groupby(cursor, key=itemgetter(0)):
            credit_total, hour_total = Tally(), Tally()
            credit_areas: dict[str, Tally] = {}
            hour_areas: dict[str, Tally] = {}
            seen: set[int] = set()
            current = has_credits = False
            for _, y, t, area, grade, credits, hours in rows:
                seen.add(y * 10 + t)
                if y == year:
                    current = True
                key = (grade, credits, hours)
                is_credit, pair = counted.get(key) or judge(key)
                if is_credit:
                    has_credits = True
                if pair is None:
                    continue
                total, by_area = (credit_total, credit_areas) if is_credit else (hour_total, hour_areas)
                total.add_weighted(pair)
                if area:
                    tally = by_area.get(area)
                    if tally is None:
                        tally = by_area[area] = Tally()
                    tally.add_weighted(pair)
            if not current:
                continue
            unit = "credits" if has_credits else "hours"
            total, by_area = (credit_total, credit_areas) if has_credits else (hour_total, hour_areas)
            cells = [school, cid, str(len(seen)), unit, _num(total.den), _num(total.value())]
            for a in AREA_KEYS:
                tally = by_area.get(a)
                cells += [_num(tally.value()), _num(tally.den)] if tally else ["", ""]
            yield tuple(cells)


def csv_chunks(
    db: sqlite_utils.Database, schools: list[str], year: int, terms: int, chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """The export as CSV text (header first), a few thousand rows a chunk, read in one snapshot."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    own = not db.conn.in_transaction
    if own:
        db.execute("BEGIN")  # one read snapshot: an upload during the export does not tear it
    try:
        for row in gpax_rows(db, schools, year, terms):
            writer.writerow(row)
            n += 1
            if n % chunk_rows == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()
    finally:
        if own and db.conn.in_transaction:
            db.execute("ROLLBACK")


def audit_export(db: sqlite_utils.Database, actor: Actor, code: str, year: int, terms: int, schools: int, *,
                 now: datetime | None = None) -> None:  # fmt: skip
    """Who exported whose citizen IDs and grades, when (the export itself is not kept)."""
    with transaction(db):
        audit.record(db, ACTION, "ok", actor=actor, unit_code=None if scope.is_national(code) else code,
                     detail={"scope": code, "year": year, "terms": terms, "schools": schools},
                     now=now or clock.now())  # fmt: skip


def export_detail(code: str, year: int, terms: int) -> dict[str, Any]:
    """The download's file name and what it covers (for the route's headers)."""
    return {"filename": f"gpax-{code}-{year}-{terms}terms.csv", "scope": code, "year": year, "terms": terms}


__all__ = ["COLUMNS", "audit_export", "csv_chunks", "export_units", "gpax_rows", "parse_terms", "window"]
