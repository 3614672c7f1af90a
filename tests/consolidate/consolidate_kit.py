"""Reading a written book back (python-calamine) and the same numbers from SQL, for the tests."""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils
from python_calamine import CalamineWorkbook

CHILD_CENTRE = "ศพด."
NOW = "2024-11-05T10:00:00+07:00"
"""Inside the demo's round 2567-2 (before its deadlines), so the book's deadline notes are stable."""
FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


def sheets(path: Path) -> list[str]:
    return CalamineWorkbook.from_path(str(path)).sheet_names


def rows(path: Path, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def header_index(table: list[list[Any]], first: str) -> int:
    """The row whose first cell is `first` (the visible header of a table)."""
    return next(i for i, r in enumerate(table) if r and r[0] == first)


def grade_columns(table: list[list[Any]], header: int) -> dict[tuple[str, str], int]:
    """(grade, sex) -> column, from the merged grade row above a ชาย/หญิง header row."""
    out, grade = {}, None
    for c, sex in enumerate(table[header]):
        label = table[header - 1][c] if c < len(table[header - 1]) else ""
        if label:
            grade = label
        if sex in ("ชาย", "หญิง") and grade:
            out[(grade, sex)] = c
    return out


def body(table: list[list[Any]], header: int) -> list[list[Any]]:
    """Data rows below the header, up to (not including) the total row ("รวม...") or a blank row."""
    out = []
    for r in table[header + 1 :]:
        if not r or (r[0] in ("", None) and not any(r[1:3])) or str(r[0]).startswith("รวม"):
            break
        out.append(r)
    return out


def total_row(table: list[list[Any]], header: int) -> list[Any]:
    return next(r for r in table[header + 1 :] if r and str(r[0]).startswith("รวม"))


def hand_age_group(birth_iso: str, round_id: str) -> str:
    """A centre child's age group counted by hand: full years on 16 May of the round's academic year
    (BE year - 543), independently of the product's code, as the letter defines it."""
    year = int(round_id.split("-")[0]) - 543
    born = date.fromisoformat(birth_iso)
    age = year - born.year - ((born.month, born.day) > (5, 16))
    return {2: "ศพด. 2–3 ปี", 3: "ศพด. 3–4 ปี", 4: "ศพด. 4–5 ปี"}.get(age, "ศพด. 5 ปีขึ้นไป")


def sql_counts(db: sqlite_utils.Database, round_id: str, codes: list[str]) -> dict[str, Counter]:
    """institution -> Counter((grade, sex)) straight from the stored pupils; a centre's children by the
    age group counted by hand from their birth dates."""
    out: dict[str, Counter] = {c: Counter() for c in codes}
    for unit, grade, birth, sex in db.execute(
        "SELECT unit_code, grade, birth_date, sex FROM pupils WHERE round_id = ?"
        # a child a duplicate decision gave to another institution counts there only
        " AND NOT EXISTS (SELECT 1 FROM conflict_decisions d WHERE d.round_id = pupils.round_id"
        " AND d.citizen_id = pupils.citizen_id AND d.withdrawn_at IS NULL AND d.keep_unit <> pupils.unit_code)",
        [round_id],
    ):
        if unit in out:
            out[unit][(grade or hand_age_group(birth, round_id), sex)] += 1
    return out


def institutions_of(db: sqlite_utils.Database, code: str) -> list[str]:
    if code == "TH":
        return [r[0] for r in db.execute("SELECT code FROM units WHERE level = 'institution'")]
    return [
        r[0]
        for r in db.execute(
            "WITH RECURSIVE d(code) AS (SELECT ? UNION ALL SELECT u.code FROM units u JOIN d ON u.parent = d.code)"
            " SELECT u.code FROM units u JOIN d ON d.code = u.code WHERE u.level = 'institution'",
            [code],
        )
    ]


def laos_of(db: sqlite_utils.Database, code: str) -> list[str]:
    if code == "TH":
        return [r[0] for r in db.execute("SELECT code FROM units WHERE level = 'lao'")]
    unit = db.execute("SELECT level FROM units WHERE code = ?", [code]).fetchone()[0]
    if unit == "lao":
        return [code]
    return [r[0] for r in db.execute("SELECT code FROM units WHERE parent = ? AND level = 'lao'", [code])]


def sheet_xml(path: Path) -> dict[str, str]:
    """Every worksheet's XML, by its visible name."""
    import re

    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
        out = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', wb):
            out[name] = z.read("xl/" + targets[rid].lstrip("/").removeprefix("xl/")).decode()
        return out
