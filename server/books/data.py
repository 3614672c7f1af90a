"""What a consolidated book shows, read straight from SQLite: plain rows and aggregates, no Excel.

Why its own module: the numbers in a book must be the stored numbers, so they come from SQL (GROUP BY
for counts, one streaming cursor per institution for the pupil list) and from nothing else; the tests
compare the written book against the same tables. Everything is read inside one read transaction
(`read_snapshot`), so in WAL mode a book never mixes data from before and after a concurrent upload.

    load(db, round_id, code, now) -> BookData        units, counts, other counts, chain state, issues
    iter_pupils(db, round_id, institutions) -> rows  the pupils, institution by institution, in row order
    fingerprint(db, round_id, code, now) -> str      changes whenever anything the book shows changes
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from server.domain import conflicts, correction, registry, rounds, spot_checks
from server.domain.registry import NATIONAL
from server.storage import clock
from validators.fields import CDC_AGE_GROUPS, GRADE_KEYS, GRADES, LEVELS, OTHER_COUNT_KEYS, OTHER_GRADES, PUPIL_KEYS

CHILD_CENTRE = "ศพด."
"""The grade label of a child-centre child whose age group is unknown (stored before age groups were)."""
AGE_GROUP_LABELS = {key: f"ศพด. {label}" for key, label in CDC_AGE_GROUPS.items()}
"""Child centres have age groups, not grades: each is a column of the books, like a grade."""
CHILD_CENTRE_LABELS: tuple[str, ...] = (*AGE_GROUP_LABELS.values(), CHILD_CENTRE)
GRADE_ORDER: tuple[str, ...] = (*GRADES, *CHILD_CENTRE_LABELS)
SEXES = ("ชาย", "หญิง")
LEVEL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *((name, grades) for name, grades in LEVELS.items()),
    ("เด็กเล็ก (ศพด.)", CHILD_CENTRE_LABELS),
)
"""Levels of the summary sheet: อนุบาล, ประถมศึกษา, ม.ต้น, ม.ปลาย, ปวช., ปวส., then child centres."""

BOOK_LAYOUT = 3
"""Bump when the book's layout changes: part of the fingerprint, so cached books of the old layout go."""

BIG_CHANGE_MIN = 10
"""A change against the previous round is "big" from this many pupils..."""
BIG_CHANGE_SHARE = 0.2
"""...and this share of the previous count (a new or vanished unit of at least BIG_CHANGE_MIN too)."""

_OTHER_GRADE_OF = {k: (OTHER_GRADES[i // 2], "ชาย" if k.endswith("_m") else "หญิง")
                   for i, k in enumerate(OTHER_COUNT_KEYS)}  # fmt: skip

Counts = dict[tuple[str, str], int]
"""(grade label, sex) -> head count; a child centre's children count under CHILD_CENTRE."""


@dataclass
class BookData:
    """Everything a book shows except the pupil list (streamed separately by `iter_pupils`)."""

    scope: str  # 'lao' | 'province' | 'national'
    unit: dict[str, Any]
    round: dict[str, Any]
    now: datetime
    provinces: list[dict[str, Any]]
    laos: list[dict[str, Any]]
    institutions: list[dict[str, Any]]
    counts: dict[str, Counts]
    other: list[dict[str, Any]]
    confirmations: dict[str, dict[str, Any]]
    rosters: dict[str, dict[str, Any]]
    removals: list[tuple[str, str, int]]
    conflicts: list[dict[str, Any]]
    spot_checks: list[dict[str, Any]] = field(default_factory=list)
    """Every child the province's spot-checks sampled at the book's institutions, with the result."""
    previous_round: str | None = None
    laos_with_other: set[str] = field(default_factory=set)
    """LAOs the registry lists other-affiliation schools under (the others have no sheet to send)."""
    previous: dict[tuple[str, str], int] = field(default_factory=dict)
    """(source 'roster'|'other', unit code) -> total in the latest earlier snapshot of the province."""
    previous_rounds: dict[str, str] = field(default_factory=dict)
    """province -> the round its compared snapshot was frozen in."""
    basis: dict[tuple[str, str], Counts] = field(default_factory=dict)
    """Correction rounds: (source, unit key as in `previous`) -> counts of the allocation basis."""
    basis_label: str | None = None
    """Correction rounds: what the basis is and its date, in the words of the pages."""
    corrected: set[str] = field(default_factory=set)
    """Correction rounds: units that uploaded in the window itself."""

    @property
    def correcting(self) -> bool:
        return self.round["mode"] == "correction"

    # --- derived views, computed on demand -----------------------------------------------------------

    def lao_of_institution(self) -> dict[str, str]:
        return {i["code"]: i["parent"] for i in self.institutions}

    def province_of_lao(self) -> dict[str, str]:
        return {u["code"]: u["parent"] for u in self.laos}

    def other_counts(self, row: dict[str, Any]) -> Counts:
        """An other-affiliation row as (grade, sex) counts."""
        return {_OTHER_GRADE_OF[k]: int(row[k] or 0) for k in OTHER_COUNT_KEYS}

    def grades_present(self) -> tuple[str, ...]:
        """Grade columns worth showing: every grade with a pupil, in school order (อ.1–ป.6 at least)."""
        seen = {g for c in self.counts.values() for (g, _s), n in c.items() if n}
        seen.update(OTHER_GRADES[:9])
        return tuple(g for g in GRADE_ORDER if g in seen)

    def confirmed(self, code: str) -> bool:
        return code in self.confirmations

    def deadline(self, level: str) -> datetime:
        return rounds.deadline_for(self.round, level)


@contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One consistent read of the database for the whole build (WAL keeps writers going meanwhile)."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")
    try:
        db.conn.execute("SELECT 1 FROM units LIMIT 1").fetchall()  # the read snapshot starts here
        yield
    finally:
        if db.conn.in_transaction:
            db.conn.execute("COMMIT")


def scope_of(unit: dict[str, Any]) -> str:
    return "national" if unit["code"] == NATIONAL else unit["level"]


def national_unit() -> dict[str, Any]:
    return {"code": NATIONAL, "name": "ทั่วประเทศ", "kind": "national", "level": "national", "parent": None}


def resolve_unit(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    """The unit a book is about: `TH` for the nation, else an LAO or a province of the registry."""
    if code.upper() == NATIONAL:
        return national_unit()
    unit = registry.require_unit(db, code)
    if unit["level"] not in ("lao", "province"):
        from server.domain.errors import bad_request

        raise bad_request(
            "not_consolidated_level",
            f"แฟ้มรวมมีเฉพาะระดับ อปท. จังหวัด และประเทศ ({registry.label(unit)} เป็น{registry.LEVEL_TH[unit['level']]})",
            {"unit": code},
        )
    return unit


def _json(codes: list[str]) -> str:
    return json.dumps(codes)


def _units(db: sqlite_utils.Database, unit: dict[str, Any]) -> tuple[list[dict], list[dict], list[dict]]:
    """Provinces, LAOs and institutions of the book, each in code order under its parent."""
    q = db.conn.execute
    cols = ("code", "name", "kind", "level", "parent")
    sel = "SELECT code, name, kind, level, parent FROM units"
    scope = scope_of(unit)
    if scope == "national":
        provinces = [dict(zip(cols, r, strict=True)) for r in q(f"{sel} WHERE level='province' ORDER BY code")]
        prov_codes = {p["code"] for p in provinces}
        laos = [dict(zip(cols, r, strict=True)) for r in q(f"{sel} WHERE level='lao' ORDER BY parent, code")]
        laos = [u for u in laos if u["parent"] in prov_codes]
    elif scope == "province":
        provinces = [unit]
        laos = [
            dict(zip(cols, r, strict=True))
            for r in q(f"{sel} WHERE level='lao' AND parent=? ORDER BY code", [unit["code"]])
        ]
    else:
        parent = registry.get_unit(db, unit["parent"]) if unit["parent"] else None
        provinces = [parent] if parent else []
        laos = [unit]
    order = {u["code"]: i for i, u in enumerate(laos)}
    if scope == "national":
        rows = q(f"{sel} WHERE level='institution'")
    else:
        rows = q(
            f"{sel} WHERE level='institution' AND parent IN (SELECT value FROM json_each(?))", [_json(list(order))]
        )
    insts = [dict(zip(cols, r, strict=True)) for r in rows]
    insts = sorted((i for i in insts if i["parent"] in order), key=lambda i: (order[i["parent"]], i["code"]))
    return provinces, laos, insts


def _counts(db: sqlite_utils.Database, round_id: str, scope: str, inst_codes: list[str]) -> dict[str, Counts]:
    """Head counts per institution, grade and sex: one GROUP BY over the stored pupils."""
    if scope == "national":
        rows = db.conn.execute(
            "SELECT unit_code, COALESCE(grade, age_group), sex, COUNT(*) FROM pupils WHERE round_id = ?"
            f" AND {conflicts.COUNTED_SQL} GROUP BY unit_code, grade, age_group, sex",
            [round_id],
        )
    else:
        rows = db.conn.execute(
            "SELECT unit_code, COALESCE(grade, age_group), sex, COUNT(*) FROM pupils WHERE round_id = ?"
            f" AND unit_code IN (SELECT value FROM json_each(?)) AND {conflicts.COUNTED_SQL}"
            " GROUP BY unit_code, grade, age_group, sex",
            [round_id, _json(inst_codes)],
        )
    known = set(inst_codes)
    out: dict[str, Counts] = {}
    for unit, grade, sex, n in rows:
        if unit not in known:
            continue
        key = (AGE_GROUP_LABELS.get(grade, grade) or CHILD_CENTRE, sex or "")
        c = out.setdefault(unit, {})
        c[key] = c.get(key, 0) + n
    return out


def _other(db: sqlite_utils.Database, round_id: str, lao_codes: list[str]) -> list[dict[str, Any]]:
    cur = db.conn.execute(
        "SELECT * FROM other_counts WHERE round_id = ? AND lao_code IN (SELECT value FROM json_each(?))",
        [round_id, _json(lao_codes)],
    )
    names = [d[0] for d in cur.description]
    order = {c: i for i, c in enumerate(lao_codes)}
    rows = [dict(zip(names, r, strict=True)) for r in cur]
    rows.sort(key=lambda r: (order[r["lao_code"]], r["row_no"] or 0, r["other_school_code"]))
    return rows


def _confirmations(db: sqlite_utils.Database, round_id: str, codes: set[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for code, at, login, first, last, position in db.conn.execute(
        "SELECT c.unit_code, c.confirmed_at, u.login, p.first_name, p.last_name, p.position"
        " FROM confirmations c JOIN users u ON u.id = c.user_id LEFT JOIN profiles p ON p.id = c.profile_id"
        " WHERE c.round_id = ?",
        [round_id],
    ):
        if code in codes:
            person = f"{first or ''} {last or ''}".strip()
            out[code] = {"at": at, "login": login, "person": person or login, "position": position or ""}
    return out


def _rosters(db: sqlite_utils.Database, round_id: str, codes: set[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for code, rows, upload_id, at, login, on_behalf in db.conn.execute(
        "SELECT r.unit_code, r.rows, r.upload_id, up.at, us.login, up.on_behalf FROM rosters r"
        " JOIN uploads up ON up.id = r.upload_id JOIN users us ON us.id = up.user_id WHERE r.round_id = ?",
        [round_id],
    ):
        if code in codes:
            out[code] = {"rows": rows, "upload_id": upload_id, "at": at, "by": login, "on_behalf": bool(on_behalf)}
    return out


def _removals(db: sqlite_utils.Database, round_id: str, codes: set[str]) -> list[tuple[str, str, int]]:
    rows = db.conn.execute(
        "SELECT unit_code, COALESCE(reason, ''), COUNT(*) FROM removals WHERE round_id = ?"
        " GROUP BY unit_code, reason ORDER BY unit_code, reason",
        [round_id],
    )
    return [(u, r, n) for u, r, n in rows if u in codes]


def _previous(
    db: sqlite_utils.Database, rnd: dict[str, Any], provinces: list[str], lao: str | None
) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
    """Per-unit totals of each province's latest snapshot from an earlier round (the allocation basis)."""
    if not provinces:
        return {}, {}
    heads = db.conn.execute(
        "SELECT s.province_code, MAX(s.id) FROM snapshots s JOIN rounds r ON r.id = s.round_id"
        " WHERE (r.year < ? OR (r.year = ? AND r.round_no < ?))"
        " AND s.province_code IN (SELECT value FROM json_each(?)) GROUP BY s.province_code",
        [rnd["year"], rnd["year"], rnd["round_no"], _json(provinces)],
    ).fetchall()
    if not heads:
        return {}, {}
    ids = [sid for _p, sid in heads]
    round_of = dict(
        db.conn.execute(
            "SELECT id, round_id FROM snapshots WHERE id IN (SELECT value FROM json_each(?))", [_json(ids)]
        ).fetchall()
    )
    previous: dict[tuple[str, str], int] = {}
    for lao_code, unit, source, total in db.conn.execute(
        "SELECT lao_code, unit_code, source, SUM(count) FROM snapshot_counts"
        " WHERE snapshot_id IN (SELECT value FROM json_each(?)) GROUP BY lao_code, unit_code, source",
        [_json(ids)],
    ):
        if lao is None or lao_code == lao:
            key = (source, unit if source == "roster" else f"{lao_code}/{unit}")
            previous[key] = previous.get(key, 0) + int(total)
    return previous, {p: round_of[sid] for p, sid in heads}


_GRADE_OF_KEY = {k: g for g, k in GRADE_KEYS.items()} | {"cdc": CHILD_CENTRE} | AGE_GROUP_LABELS
_SEX_OF_KEY = {"m": "ชาย", "f": "หญิง"}


def _basis(
    db: sqlite_utils.Database, rnd: dict[str, Any], provinces: list[str] | None, lao: str | None
) -> tuple[dict[tuple[str, str], Counts], str | None]:
    """A correction round's allocation basis as book counts, and its label (round, census date, frozen)."""
    if rnd["mode"] != "correction" or not rnd.get("basis_round"):
        return {}, None
    out: dict[tuple[str, str], Counts] = {}
    for lao_code, unit, source, grade, sex, n in correction.basis_rows(db, rnd, provinces):
        if lao is not None and lao_code != lao:
            continue
        key = (source, unit if source == "roster" else f"{lao_code}/{unit}")
        c = out.setdefault(key, {})
        k = (_GRADE_OF_KEY.get(grade, grade), _SEX_OF_KEY.get(sex, sex))
        c[k] = c.get(k, 0) + int(n)
    basis_rnd = rounds.require_round(db, rnd["basis_round"])
    snaps = correction.basis_snapshots(db, rnd, provinces)
    label = correction.basis_label(basis_rnd, next(iter(snaps.values())) if len(snaps) == 1 else None)
    return out, label


def load(db: sqlite_utils.Database, round_id: str, code: str, now: datetime | None = None) -> BookData:
    """Read everything the book of `code` (an LAO, a province or TH) shows for the round."""
    now = now or clock.now()
    rnd = rounds.require_round(db, round_id)
    unit = resolve_unit(db, code)
    scope = scope_of(unit)
    provinces, laos, insts = _units(db, unit)
    inst_codes = [i["code"] for i in insts]
    lao_codes = [u["code"] for u in laos]
    every = {*inst_codes, *lao_codes, *(p["code"] for p in provinces)}
    previous, previous_rounds = _previous(
        db, rnd, [p["code"] for p in provinces], unit["code"] if scope == "lao" else None
    )
    basis, basis_label = _basis(
        db,
        rnd,
        None if scope == "national" else [p["code"] for p in provinces],
        unit["code"] if scope == "lao" else None,
    )
    return BookData(
        scope=scope,
        unit=unit,
        round=rnd,
        now=now,
        provinces=provinces,
        laos=laos,
        institutions=insts,
        counts=_counts(db, round_id, scope, inst_codes),
        other=_other(db, round_id, lao_codes),
        confirmations=_confirmations(db, round_id, every),
        rosters=_rosters(db, round_id, every),
        removals=_removals(db, round_id, set(inst_codes)),
        conflicts=conflicts.conflicts_for(db, round_id, None if scope == "national" else [*inst_codes, *lao_codes]),
        spot_checks=spot_checks.notices_for(
            db, round_id, None if scope == "national" else inst_codes, only_missing=False
        ),
        previous=previous,
        previous_rounds=previous_rounds,
        laos_with_other={
            r[0] for r in db.conn.execute("SELECT DISTINCT parent FROM units WHERE level = 'other_school'")
        }
        & set(lao_codes),
        previous_round=next(iter(sorted(set(previous_rounds.values()))), None) if previous_rounds else None,
        basis=basis,
        basis_label=basis_label,
        corrected=correction.corrected_units(db, round_id) & every if basis_label else set(),
    )


def iter_pupils(
    db: sqlite_utils.Database, round_id: str, institutions: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], tuple[Any, ...]]]:
    """(institution, pupil row in PUPIL_KEYS order), institution by institution, in roster order.

    One indexed query per institution (the primary key starts with round and unit), so nothing is
    sorted or held in memory beyond one school's rows.
    """
    sql = f"SELECT {', '.join(PUPIL_KEYS)} FROM pupils WHERE round_id = ? AND unit_code = ? ORDER BY row_no, citizen_id"
    execute = db.conn.execute
    for inst in institutions:
        for row in execute(sql, [round_id, inst["code"]]):
            yield inst, row


def fingerprint(db: sqlite_utils.Database, round_id: str, code: str, now: datetime | None = None) -> str:
    """A short hash of everything the book shows, cheap enough to compute on every download.

    Why these inputs: every write the server makes to a roster goes with a new `rosters.upload_id` in
    the same transaction (so pupils, removals and other counts are covered by the rosters rows); a
    confirm or revoke adds or deletes a `confirmations` row; profiles name the confirmers; snapshots
    feed the comparison with the previous round; the registry decides who is in the book; the round
    row holds the deadlines; the clock decides which deadlines have passed; and the layout version and
    the rates file decide what the same data looks like. Rows are hashed in
    full (they are few), not just counted, so a revoke followed by a re-confirm still changes it.
    """
    now = now or clock.now()
    rnd = rounds.require_round(db, round_id)
    unit = resolve_unit(db, code)
    from server.books.money import rates_fingerprint

    h = hashlib.sha256(f"layout {BOOK_LAYOUT} rates {rates_fingerprint()}".encode())
    q = db.conn.execute
    if scope_of(unit) == "national":
        codes_sql, params = "SELECT code FROM units", []
    else:
        codes_sql = (
            "WITH RECURSIVE d(code) AS (SELECT ? UNION ALL SELECT u.code FROM units u JOIN d"
            " ON u.parent = d.code) SELECT code FROM d"
        )
        params = [unit["code"]]
        if unit["parent"]:  # the LAO book names its province's confirmation too
            codes_sql += " UNION SELECT ?"
            params.append(unit["parent"])
    h.update(json.dumps(sorted(rnd.items()), default=str).encode())
    h.update(repr(q("SELECT COUNT(*), MAX(updated_at) FROM units").fetchone()).encode())
    for table, cols in (
        ("rosters", "unit_code, upload_id, rows, updated_at"),
        ("confirmations", "unit_code, confirmed_at, user_id, profile_id"),
    ):
        for row in q(
            f"SELECT {cols} FROM {table} WHERE round_id = ? AND unit_code IN ({codes_sql}) ORDER BY unit_code",
            [round_id, *params],
        ):
            h.update(repr(row).encode())
    h.update(repr(q("SELECT MAX(id), COUNT(*) FROM profiles").fetchone()).encode())
    h.update(repr(q("SELECT MAX(id) FROM snapshots").fetchone()).encode())
    for sql in (  # duplicate decisions move children; spot-check results fill the spot-check sheet
        "SELECT COUNT(*), MAX(id), MAX(withdrawn_at) FROM conflict_decisions WHERE round_id = ?",
        "SELECT COUNT(*), MAX(s.id), MAX(s.recorded_at), SUM(i.found IS NOT NULL), SUM(i.found = 0)"
        " FROM spot_checks s LEFT JOIN spot_check_items i ON i.spot_check_id = s.id WHERE s.round_id = ?",
    ):
        h.update(repr(q(sql, [round_id]).fetchone()).encode())
    h.update(repr(q("SELECT COUNT(*), MAX(created_at) FROM rounds").fetchone()).encode())
    passed = [rounds.phase(rnd, now)] + [now > rounds.deadline_for(rnd, lvl) for lvl in rounds.DEADLINE_COLUMN]
    h.update(repr(passed).encode())
    return h.hexdigest()[:20]


def totals_by_level(counts: Counts) -> dict[tuple[str, str], int]:
    """(level name, sex) -> n, for the summary's level columns."""
    level_of = {g: name for name, grades in LEVEL_GROUPS for g in grades}
    out: dict[tuple[str, str], int] = defaultdict(int)
    for (grade, sex), n in counts.items():
        out[(level_of.get(grade, "อื่น ๆ"), sex)] += n
    return out


def add_counts(target: Counts, source: Counts) -> None:
    for k, n in source.items():
        target[k] = target.get(k, 0) + n
