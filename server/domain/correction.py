"""Correction windows (letter 002): fixes start from the last confirmed data; allocation keeps its basis.

Why a window is seeded rather than read through: every reader of a round (counts, books, templates,
the duplicate check) then sees one complete set of rows, and a unit that touches nothing keeps its
confirmed numbers instead of reading as 0. A seeded roster still points at the basis round's upload,
which is how "unchanged" is told from "corrected" (a roster whose upload belongs to the window).
The allocation basis is the snapshot frozen by the basis round's province confirmations (append-only
`snapshots`), so it never changes while the window is open.

    default_basis(db, year, round_no) -> round id | None   the last confirm round with a frozen snapshot
    check_basis(db, basis_id, year, round_no) -> dict      refuse a basis that cannot be one (400)
    open_window(db, round_id, basis_id) -> dict            copy confirmed rosters and counts into the window
    basis_snapshots(db, rnd, provinces) -> {province: {id, taken_at}}
    basis_rows(db, rnd, provinces) -> [(lao, unit, source, grade_key, sex_key, n)]
    basis_counts(db, rnd, code) -> dict                    same shape as chain.counts_of
    unit_state(db, rnd, unit) -> 'corrected' | 'unchanged' | 'not_uploaded'
    difference(corrected, basis) -> dict                   per grade and sex, and in total
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from server.domain import registry
from server.domain.errors import bad_request
from server.storage import clock
from server.storage.db import rebuild_kept

STATES = ("corrected", "unchanged", "not_uploaded")


def default_basis(db: sqlite_utils.Database, year: int, round_no: int) -> str | None:
    """The latest confirm round before (year, round_no) in which some province froze a snapshot."""
    row = db.execute(
        "SELECT r.id FROM rounds r WHERE r.mode = 'confirm' AND (r.year < ? OR (r.year = ? AND r.round_no < ?))"
        " AND EXISTS (SELECT 1 FROM snapshots s WHERE s.round_id = r.id)"
        " ORDER BY r.year DESC, r.round_no DESC LIMIT 1",
        [year, year, round_no],
    ).fetchone()
    return row[0] if row else None


def check_basis(db: sqlite_utils.Database, basis_id: str | None, year: int, round_no: int) -> dict[str, Any]:
    """The basis round's row, or a Thai 400 saying why it cannot be the allocation basis."""
    if not basis_id:
        raise bad_request(
            "no_basis",
            "ยังไม่มีรอบที่จังหวัดยืนยันข้อมูลแล้ว จึงเปิดรอบแก้ไขข้อมูลไม่ได้ (ระบุ --basis รอบที่ยืนยันแล้ว)",
        )
    rows = list(db.query("SELECT * FROM rounds WHERE id = ?", [basis_id]))
    if not rows:
        raise bad_request("bad_basis", f"ไม่พบรอบ {basis_id} ที่ระบุเป็นฐานการจัดสรร", {"basis": basis_id})
    basis = rows[0]
    if basis["mode"] != "confirm":
        raise bad_request("bad_basis", f"รอบ {basis_id} เป็นรอบแก้ไขข้อมูล ฐานการจัดสรรต้องเป็นรอบที่มีการยืนยัน")
    if (basis["year"], basis["round_no"]) >= (year, round_no):
        raise bad_request("bad_basis", f"ฐานการจัดสรร (รอบ {basis_id}) ต้องเป็นรอบก่อนหน้ารอบแก้ไขข้อมูล")
    if not db.execute("SELECT 1 FROM snapshots WHERE round_id = ?", [basis_id]).fetchone():
        raise bad_request("bad_basis", f"รอบ {basis_id} ยังไม่มีจังหวัดใดยืนยันข้อมูล จึงใช้เป็นฐานการจัดสรรไม่ได้")
    return basis


def open_window(db: sqlite_utils.Database, round_id: str, basis_id: str) -> dict[str, int]:
    """Seed the window with every unit's data confirmed in the basis round (inside the caller's
    transaction): rosters keep pointing at the basis round's uploads, so they read as unchanged."""
    confirmed = "SELECT unit_code FROM confirmations WHERE round_id = :basis"
    args = {"basis": basis_id, "rid": round_id}
    db.execute(
        "INSERT INTO rosters (round_id, unit_code, form, upload_id, rows, updated_at)"
        f" SELECT :rid, unit_code, form, upload_id, rows, updated_at FROM rosters"
        f" WHERE round_id = :basis AND unit_code IN ({confirmed})",
        args,
    )
    pupils = _copy(db, "pupils", f"unit_code IN ({confirmed})", args)
    others = _copy(db, "other_counts", f"lao_code IN ({confirmed})", args)
    _copy(db, "cdc_basic", f"unit_code IN ({confirmed})", args)
    rebuild_kept(db, round_id)  # the head counts and duplicate index a status reads
    return {"pupils": pupils, "other_schools": others}


def _copy(db: sqlite_utils.Database, table: str, where: str, args: dict[str, str]) -> int:
    """Copy `table`'s basis-round rows matching `where` into the window, every column as it is (so a
    column a later migration adds, such as a child's age group, is never dropped on the way)."""
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] != "round_id"]
    listed = ", ".join(cols)
    sql = f"INSERT INTO {table} (round_id, {listed}) SELECT :rid, {listed} FROM {table}"
    sql += f" WHERE round_id = :basis AND {where}"
    return db.execute(sql, args).rowcount


def basis_snapshots(
    db: sqlite_utils.Database, rnd: dict[str, Any], provinces: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """province -> the latest snapshot its confirmation froze in the basis round (id, taken_at, total)."""
    if not rnd.get("basis_round"):
        return {}
    sql = (
        "SELECT s.province_code, s.id, s.taken_at, s.total FROM snapshots s WHERE s.id IN"
        " (SELECT MAX(id) FROM snapshots WHERE round_id = ? GROUP BY province_code)"
    )
    params: list[Any] = [rnd["basis_round"]]
    if provinces is not None:
        sql += " AND s.province_code IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(provinces))
    return {p: {"id": sid, "taken_at": at, "total": total} for p, sid, at, total in db.execute(sql, params)}


def basis_rows(db: sqlite_utils.Database, rnd: dict[str, Any], provinces: list[str] | None) -> list[tuple]:
    """(lao, unit, source, grade_key, sex_key, n) of the basis snapshots of these provinces (None: all)."""
    ids = [s["id"] for s in basis_snapshots(db, rnd, provinces).values()]
    if not ids:
        return []
    return [
        tuple(r)
        for r in db.execute(
            "SELECT lao_code, unit_code, source, grade, sex, count FROM snapshot_counts"
            " WHERE snapshot_id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        )
    ]


def province_of(db: sqlite_utils.Database, unit: dict[str, Any]) -> str | None:
    while unit and unit["level"] != "province":
        unit = registry.get_unit(db, unit["parent"]) if unit["parent"] else None
    return unit["code"] if unit else None


def basis_counts(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any]) -> dict[str, Any]:
    """A unit's head counts in the allocation basis, in the shape of `chain.counts_of`."""
    province = province_of(db, unit)
    rows = basis_rows(db, rnd, [province]) if province else []
    code, level = unit["code"], unit["level"]
    pupils: dict[str, dict[str, int]] = {}
    other: dict[str, dict[str, int]] = {}
    for lao, u, source, grade, sex, n in rows:
        if level == "institution" and not (source == "roster" and u == code):
            continue
        if level == "lao" and lao != code:
            continue
        target = pupils if source == "roster" else other
        target.setdefault(grade, {"m": 0, "f": 0})
        target[grade][sex] = target[grade].get(sex, 0) + n
    total_p = sum(sum(v.values()) for v in pupils.values())
    total_o = sum(sum(v.values()) for v in other.values())
    return {
        "pupils": pupils,
        "pupils_total": total_p,
        "other": other,
        "other_total": total_o,
        "total": total_p + total_o,
    }


def _sub(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out = {}
    for grade in sorted(set(a) | set(b)):
        diff = {s: a.get(grade, {}).get(s, 0) - b.get(grade, {}).get(s, 0) for s in ("m", "f")}
        if any(diff.values()):
            out[grade] = diff
    return out


def difference(corrected: dict[str, Any], basis: dict[str, Any]) -> dict[str, Any]:
    """corrected − basis per grade and sex (grades with no change left out), and in total."""
    return {
        "pupils": _sub(corrected["pupils"], basis["pupils"]),
        "other": _sub(corrected["other"], basis["other"]),
        "pupils_total": corrected["pupils_total"] - basis["pupils_total"],
        "other_total": corrected["other_total"] - basis["other_total"],
        "total": corrected["total"] - basis["total"],
    }


def corrected_units(db: sqlite_utils.Database, round_id: str) -> set[str]:
    """Units that uploaded in the window itself (their roster's upload belongs to this round)."""
    return {
        r[0]
        for r in db.execute(
            "SELECT ro.unit_code FROM rosters ro JOIN uploads up ON up.id = ro.upload_id"
            " WHERE ro.round_id = ? AND up.round_id = ?",
            [round_id, round_id],
        )
    }


def unit_state(db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any]) -> str:
    """'corrected' (uploaded in the window; for a province or LAO: anything below it did), 'unchanged'
    (keeps its confirmed data) or 'not_uploaded' (had no confirmed data and sent none)."""
    code = unit["code"]
    fixed = corrected_units(db, rnd["id"])
    if unit["level"] in ("province", "lao"):
        below = set(registry.descendants(db, code)) | {code}
        if fixed & below:
            return "corrected"
        if unit["level"] == "province":
            return "unchanged"
    elif code in fixed:
        return "corrected"
    has = db.execute("SELECT 1 FROM rosters WHERE round_id = ? AND unit_code = ?", [rnd["id"], code]).fetchone()
    return "unchanged" if has else "not_uploaded"


def status_block(
    db: sqlite_utils.Database, rnd: dict[str, Any], unit: dict[str, Any], corrected: dict[str, Any]
) -> dict[str, Any]:
    """The status JSON's "correction": the basis (round, census date, when it was frozen), its counts,
    the corrected counts' difference from it."""
    basis_rnd = next(iter(db.query("SELECT * FROM rounds WHERE id = ?", [rnd["basis_round"]])))
    province = province_of(db, unit)
    snap = basis_snapshots(db, rnd, [province]).get(province or "") if province else None
    basis = basis_counts(db, rnd, unit)
    return {
        "basis_round": basis_rnd["id"],
        "basis_as_of": basis_rnd["as_of"],
        "basis_label": basis_label(basis_rnd, snap),
        "frozen_at": snap["taken_at"] if snap else None,
        "snapshot": snap["id"] if snap else None,
        "basis": basis,
        "difference": difference(corrected, basis),
    }


def basis_label(basis_rnd: dict[str, Any], snap: dict[str, Any] | None) -> str:
    """'ฐานการจัดสรร: ข้อมูลรอบ 2567-2 ณ วันที่ 10 พ.ย. 2567 (จังหวัดยืนยันเมื่อ ...)', the words every page
    and book uses for the basis."""
    text = f"ฐานการจัดสรร: ข้อมูลรอบ {basis_rnd['id']} ณ วันที่ {clock.thai_date(basis_rnd['as_of'])}"
    if snap:
        text += f" (จังหวัดยืนยันเมื่อ {clock.thai_datetime(snap['taken_at'])})"
    return text
