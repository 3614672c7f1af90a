"""The registry of units: provinces, LAOs, institutions and other-affiliation schools.

Imported from `code,name,parent,kind` CSV (`lec registry import`), with optional columns `grades`
(an other-affiliation school's span: `k1-p6`, `k1-m3`, `p1-m3`) and `affiliation` (free text, `สพฐ.`).
A file without an optional column leaves what the registry already holds there. Codes are checked by the shared rule
`validators.validate_unit_code`, so the registry cannot hold a code the templates would refuse.

    import_csv(db, path, actor=None) -> ImportResult          insert or update, all-or-nothing
    get_unit(db, code) -> dict | None ; require_unit(db, code) -> dict (404)
    children(db, code, level=None) -> list[dict]
    descendants(db, code) -> list[str]                        codes below a unit (any depth)
    other_schools(db, lao) -> list[dict]                      the LAO's other-affiliation schools
    province_of(db, code) -> str | None ; lao_of(db, code) -> str | None
    LEVEL_BY_KIND, FORM_BY_KIND, LEVEL_TH
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from server.domain import audit
from server.domain.errors import ServiceError, not_found
from server.storage import clock
from server.storage.db import transaction

LAO_KINDS = ("pao", "city", "town", "subdistrict", "sao")
INSTITUTION_KINDS = ("school", "college", "cdc")
LEVEL_BY_KIND = {
    "province": "province",
    **{k: "lao" for k in LAO_KINDS},
    **{k: "institution" for k in INSTITUTION_KINDS},
    "other_school": "other_school",
}
FORM_BY_KIND = {"school": "school", "college": "school", "cdc": "cdc", **{k: "other" for k in LAO_KINDS}}
"""Which workbook form a unit uploads: institutions their roster, LAOs their other-affiliation counts."""
PARENT_LEVEL = {"province": None, "lao": "province", "institution": "lao", "other_school": "lao"}
LEVEL_TH = {"province": "จังหวัด", "lao": "องค์กรปกครองส่วนท้องถิ่น", "institution": "สถานศึกษา",
            "other_school": "สถานศึกษาสังกัดอื่น", "national": "กรมส่งเสริมการปกครองท้องถิ่น"}  # fmt: skip
LEVEL_SHORT_TH = {**LEVEL_TH, "lao": "อปท."}
"""The pages' short form (a table column is narrow)."""
KIND_TH = {
    "school": "โรงเรียน", "college": "วิทยาลัย", "cdc": "ศูนย์พัฒนาเด็กเล็ก", "pao": "อบจ.", "city": "เทศบาลนคร",
    "town": "เทศบาลเมือง", "subdistrict": "เทศบาลตำบล", "sao": "อบต.", "province": "จังหวัด",
}  # fmt: skip
KIND_SHORT_TH = {  # the abbreviations the letters use: อบจ., ทน. (เทศบาลนคร), ทม., ทต., อบต., ศพด.
    **KIND_TH,
    "city": "ทน.",
    "town": "ทม.",
    "subdistrict": "ทต.",
    "cdc": "ศพด.",
    "other_school": "สังกัดอื่น",
}
NATIONAL = "TH"
"""The nation's code: the national admin's scope, the national book, the parent of a province."""
NATIONAL_NAME = LEVEL_TH["national"]
_ORDER = {"province": 0, "lao": 1, "institution": 2, "other_school": 2}


@dataclass
class ImportResult:
    inserted: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def get_unit(db: sqlite_utils.Database, code: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM units WHERE code = ?", [code]))
    return rows[0] if rows else None


def require_unit(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    unit = get_unit(db, code)
    if unit is None:
        raise not_found("unknown_unit", f"ไม่พบหน่วยงานรหัส {code} ในทะเบียน", {"code": code})
    return unit


def children(db: sqlite_utils.Database, code: str, level: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM units WHERE parent = ?" + (" AND level = ?" if level else "") + " ORDER BY code"
    return list(db.query(sql, [code, level] if level else [code]))


def other_schools(db: sqlite_utils.Database, lao: str) -> list[dict[str, Any]]:
    """The other-affiliation schools the registry lists under an LAO (code order): what it must report."""
    return children(db, lao, "other_school")


def descendants(db: sqlite_utils.Database, code: str) -> list[str]:
    rows = db.execute(
        "WITH RECURSIVE d(code) AS (SELECT code FROM units WHERE parent = ?"
        " UNION ALL SELECT u.code FROM units u JOIN d ON u.parent = d.code) SELECT code FROM d",
        [code],
    ).fetchall()
    return [r[0] for r in rows]


def ancestors(db: sqlite_utils.Database, code: str) -> list[dict[str, Any]]:
    """The units above `code`, nearest first (an institution's LAO, then its province)."""
    out, unit = [], get_unit(db, code)
    while unit and unit["parent"]:
        unit = get_unit(db, unit["parent"])
        if unit:
            out.append(unit)
    return out


def province_of(db: sqlite_utils.Database, code: str) -> str | None:
    unit = get_unit(db, code)
    if unit and unit["level"] == "province":
        return unit["code"]
    return next((u["code"] for u in ancestors(db, code) if u["level"] == "province"), None)


def label(unit: dict[str, Any]) -> str:
    """'เทศบาลตำบลบ้านต๋อม (05560101)': how messages name a unit."""
    return f"{unit['name']} ({unit['code']})"


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "parent", "kind"} - set(reader.fieldnames or [])
    if missing:
        raise ServiceError(400, "bad_registry_csv", f"แฟ้มทะเบียนไม่มีคอลัมน์ {', '.join(sorted(missing))}")
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


OPTIONAL_COLUMNS = ("grades", "affiliation")
"""Columns only an other-affiliation school uses; absent from older four-column files."""


def _optional_errors(i: int, row: dict[str, str], kind: str) -> list[str]:
    from validators.fields import GRADE_SPANS

    errors = []
    grades = row.get("grades") or ""
    if grades and kind != "other_school":
        errors.append(f"แถว {i}: ช่วงชั้น (grades) ใช้กับสถานศึกษาสังกัดอื่น (other_school) เท่านั้น")
    elif grades and grades not in GRADE_SPANS:
        errors.append(f"แถว {i}: ช่วงชั้น '{grades}' ไม่ถูกต้อง ต้องเป็น {', '.join(GRADE_SPANS)}")
    if row.get("affiliation") and kind != "other_school":
        errors.append(f"แถว {i}: สังกัด (affiliation) ใช้กับสถานศึกษาสังกัดอื่น (other_school) เท่านั้น")
    return errors


def import_rows(
    db: sqlite_utils.Database, rows: list[dict[str, str]], *, actor: Any = None, by: str | None = None
) -> ImportResult:
    """Insert or update units. Any invalid row refuses the whole file (a half registry misleads)."""
    from validators import validate_unit_code  # the shared rule; imported late to keep startup light

    result = ImportResult()
    known = {r["code"]: r for r in db.query("SELECT code, level FROM units")}
    incoming = {r["code"]: r for r in rows}
    for i, row in enumerate(rows, start=2):
        code, kind, parent = row["code"], row["kind"], row["parent"] or None
        if parent in (NATIONAL, ""):
            parent = None
        level = LEVEL_BY_KIND.get(kind)
        if level is None:
            result.errors.append(f"แถว {i}: ประเภทหน่วยงาน '{kind}' ไม่ถูกต้อง")
            continue
        for finding in validate_unit_code(code, kind, parent=parent):
            if finding.severity == "error":
                result.errors.append(f"แถว {i}: {finding.message}")
        if not row["name"]:
            result.errors.append(f"แถว {i}: ไม่มีชื่อหน่วยงาน {code}")
        result.errors += _optional_errors(i, row, kind)
        want = PARENT_LEVEL[level]
        if want is None:
            if parent:
                result.errors.append(f"แถว {i}: จังหวัด {code} ต้องไม่มีหน่วยงานต้นสังกัด")
        else:
            parent_level = (
                LEVEL_BY_KIND.get(incoming[parent]["kind"])
                if parent in incoming
                else known.get(parent, {}).get("level")
            )
            if parent_level != want:
                result.errors.append(f"แถว {i}: ต้นสังกัดของ {code} ต้องเป็น{LEVEL_TH[want]} ที่มีในทะเบียน (ได้ '{parent}')")
        row["parent"], row["level"] = parent or "", level
    if result.errors:
        return result
    now = clock.iso(clock.now())
    with transaction(db):
        for row in sorted(rows, key=lambda r: _ORDER[r["level"]]):
            exists = row["code"] in known
            given = [c for c in OPTIONAL_COLUMNS if c in row]  # an absent column keeps the stored value
            db.execute(
                f"INSERT INTO units (code, name, kind, level, parent, updated_at{''.join(', ' + c for c in given)})"
                f" VALUES (?,?,?,?,?,?{',?' * len(given)})"
                " ON CONFLICT(code) DO UPDATE SET name=excluded.name, kind=excluded.kind,"
                " level=excluded.level, parent=excluded.parent, updated_at=excluded.updated_at"
                + "".join(f", {c}=excluded.{c}" for c in given),
                [row["code"], row["name"], row["kind"], row["level"], row["parent"] or None, now,
                 *(row[c] or None for c in given)],
            )  # fmt: skip
            result.updated += exists
            result.inserted += not exists
        audit.record(
            db,
            "registry_import",
            actor=actor,
            login=None if actor else audit.CLI_LOGIN,
            detail={
                "inserted": result.inserted,
                "updated": result.updated,
                **({} if actor else {"by": by or audit.cli_by()}),
            },
        )
    return result


def import_csv(
    db: sqlite_utils.Database, path: str | Path, *, actor: Any = None, by: str | None = None
) -> ImportResult:
    return import_rows(db, read_csv(Path(path).read_text(encoding="utf-8-sig")), actor=actor, by=by)
