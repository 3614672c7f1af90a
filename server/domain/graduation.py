"""Who finishes a level at a school in a year, and why the others do not (the list behind ปพ.3).

The candidates are the pupils with results in the level's last class (ป.6, ม.3, ม.6, ปวช.3, ปวส.2)
that year; each is judged on every result of the programme kept at the school (`validators.academic.
graduation.judge`, the criteria in force for the year), the subjects the school's curriculum marks
basic for the years the pupil sat, and the year assessments. Names and the school's student number
come from the results; title, sex and birth date from the school's census roster; parents' names and
the ปพ.1 series and number from the registrar's pupil register when it holds them.

    graduation_list(db, actor, year, code, level) -> dict     scope `view`; see `build_list`
    build_list(db, unit, year, level) -> dict                 no scope check (the chain and the bench)
    figures_digest(listing) -> str                            what a submitted version was built from
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlite_utils

from server.domain import registrars, registry, scope
from server.domain.actor import Actor
from server.domain.errors import bad_request, not_found
from validators.academic import areas, class_grade
from validators.academic.common import plain_number
from validators.academic.graduation import LEVELS, Criteria, Status, Taken, criteria, judge

RECORD_KINDS = ("school", "college")
REGISTER_TABLE = "pupil_register"
"""The registrar's pupil register (issue 16 item 2), read when present: parents and the ปพ.1 number."""
REGISTER_COLUMNS = {"father_name": "father_name", "mother_name": "mother_name", "pp1_series": "pp1_series",
                    "pp1_no": "pp1_number"}  # fmt: skip
"""Our key -> the register's column."""


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _credits(value: Decimal) -> str:
    """78.0 -> "78", 76.50 -> "76.5": credits as a person writes them."""
    return plain_number(value)


def _dec(text: str | None) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def require_level(level: str, year: int) -> Criteria:
    if level not in LEVELS:
        raise not_found("unknown_level", f"ระดับ “{level}” ไม่ใช่ระดับที่จบการศึกษา (p6, m3, m6, pvc3, pvs2)")
    try:
        return criteria(level, year)
    except ValueError:
        raise bad_request("no_criteria", f"ยังไม่มีเกณฑ์การจบระดับ {level} สำหรับปีการศึกษา {year}") from None


def _candidates(db: sqlite_utils.Database, code: str, year: int, c: Criteria) -> dict[str, str]:
    """citizen ID -> class name, of the pupils with results in the level's last class that year."""
    out: dict[str, str] = {}
    grade_of: dict[str, str | None] = {}
    for name, cid in db.execute(
        "SELECT DISTINCT class_name, citizen_id FROM results WHERE unit_code = ? AND year = ? ORDER BY class_name",
        [code, year],
    ):
        if name not in grade_of:
            grade_of[name] = class_grade(name)
        if grade_of[name] == c.final_grade:
            out.setdefault(cid, name)
    return out


def _results(db: sqlite_utils.Database, code: str, year: int, c: Criteria, ids: set[str]) -> dict[str, list[dict]]:
    """Every result of the candidates in the programme's classes up to `year` (repeated years included)."""
    first = year - len(c.grades) - 3
    by_pupil: dict[str, list[dict[str, Any]]] = defaultdict(list)
    grade_of: dict[str, str | None] = {}
    for row in db.query(
        "SELECT year, term, class_name, subject_code, subject_name, citizen_id, student_no, first_name, last_name,"
        " kind, credits, hours, area, grade FROM results WHERE unit_code = ? AND year BETWEEN ? AND ?",
        [code, first, year],
    ):
        if row["citizen_id"] not in ids:
            continue
        name = row["class_name"]
        if name not in grade_of:
            grade_of[name] = class_grade(name)
        if grade_of[name] in c.grades:
            by_pupil[row["citizen_id"]].append(row)
    return by_pupil


def _required(db: sqlite_utils.Database, code: str, year: int, c: Criteria) -> dict[int, list[tuple[str, str]]]:
    """The basic subjects of the school's curriculum for each class of the programme, by the year an
    on-time pupil sat it (a subject the structure requires that a pupil has no result for is a reason)."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for grade in c.grades:
        sat = c.grade_in(year, grade)
        for subject_code, name in db.execute(
            "SELECT DISTINCT subject_code, subject_name FROM subjects WHERE unit_code = ? AND year = ? AND grade = ?"
            " AND kind = 'basic' ORDER BY subject_code",
            [code, sat, grade],
        ):
            out[int(sat or 0)].append((subject_code, name))
    return out


def _assessments(db: sqlite_utils.Database, code: str, year: int, c: Criteria, ids: set[str]) -> dict[str, list]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cid, y, name, ratings in db.execute(
        "SELECT citizen_id, year, class_name, ratings FROM assessments WHERE unit_code = ? AND year BETWEEN ? AND ?",
        [code, year - len(c.grades) - 3, year],
    ):
        if cid in ids and class_grade(name) in c.grades:
            out[cid].append({"year": y, **json.loads(ratings)})
    return out


def _census(db: sqlite_utils.Database, code: str, year: int, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Title, sex and birth date from the school's latest roster up to `year` that lists the pupil."""
    out: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "SELECT p.citizen_id, p.prefix, p.sex, p.birth_date FROM pupils p JOIN rounds r ON r.id = p.round_id"
        " WHERE p.unit_code = ? AND r.year <= ? ORDER BY r.year DESC, r.round_no DESC",
        [code, year],
    ):
        if row["citizen_id"] in ids and row["citizen_id"] not in out:
            out[row["citizen_id"]] = row
    return out


def _register(db: sqlite_utils.Database, code: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Parents and the ปพ.1 series and number from the registrar's pupil register, when it exists."""
    if REGISTER_TABLE not in db.table_names():
        return {}
    columns = db[REGISTER_TABLE].columns_dict
    have = {ours: theirs for ours, theirs in REGISTER_COLUMNS.items() if theirs in columns}
    if not have:
        return {}
    select = ", ".join(f"{theirs} AS {ours}" for ours, theirs in have.items())
    rows = db.query(f"SELECT citizen_id, {select} FROM {REGISTER_TABLE} WHERE unit_code = ?", [code])
    return {r["citizen_id"]: r for r in rows if r["citizen_id"] in ids}


def _weight(row: dict[str, Any], c: Criteria) -> Decimal:
    return _dec(row["hours"]) if c.weight == "hours" else _dec(row["credits"] or row["hours"])


def _student_sort(p: dict[str, Any]) -> tuple[str, int, str, str]:
    no = p.get("student_no") or ""
    return (p["class_name"], int(no) if no.isdigit() else 10**9, no, p["first_name"] or "")


def _pupil(cid: str, class_name: str, rows: list[dict[str, Any]], status: Status, extra: dict[str, Any],
           final: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    last = rows[-1]
    titles = areas().titles
    return {
        "citizen_id": cid,
        "student_no": next((r["student_no"] for r in reversed(rows) if r["student_no"]), None),
        "prefix": extra.get("prefix"),
        "first_name": last["first_name"] or "",
        "last_name": last["last_name"] or "",
        "sex": extra.get("sex"),
        "birth_date": extra.get("birth_date"),
        **{k: extra.get(k) for k in REGISTER_COLUMNS},
        "class_name": class_name,
        "graduated": status.graduated,
        "reasons": status.reasons,
        "earned_total": _credits(status.earned_total),
        "earned_basic": _credits(status.earned_basic),
        "earned_additional": _credits(status.earned_additional),
        "gpax": _num(status.gpax),
        "areas": {
            a: {"name": titles.get(a or "", a or "อื่น ๆ"), "gpa": _num(v.gpa), "weight": _credits(v.weight)}
            for a, v in status.by_area.items()
        },
        "basic_results": [
            {"subject_code": t.subject_code, "subject_name": t.subject_name, "grade": t.grade, "year": t.year}
            for t in status.subjects
            if t.kind == "basic"
        ],
        "assessment": {k: v for k, v in (final or {}).items() if k != "year"},
    }


def build_list(db: sqlite_utils.Database, unit: dict[str, Any], year: int, level: str) -> dict[str, Any]:
    """Every candidate of `level` at `unit` in `year`, judged; graduates first in student-number order."""
    c = require_level(level, year)
    code = unit["code"]
    classes = _candidates(db, code, year, c)
    ids = set(classes)
    results = _results(db, code, year, c, ids)
    required = _required(db, code, year, c)
    assessments = _assessments(db, code, year, c, ids)
    census = _census(db, code, year, ids)
    register = _register(db, code, ids)
    pupils = []
    for cid, class_name in classes.items():
        rows = results.get(cid, [])
        taken = [Taken(r["subject_code"], r["subject_name"], r["kind"], _weight(r, c), r["grade"] or "", r["year"],
                       r["term"], r["area"]) for r in rows]  # fmt: skip
        years = {r["year"] for r in rows}
        needed = [s for y, subjects in required.items() if y in years for s in subjects]
        status = judge(c, taken, required=needed, assessments=assessments.get(cid, []), final_year=year)
        final = next((a for a in assessments.get(cid, []) if a["year"] == year), None)
        pupils.append(_pupil(cid, class_name, rows, status, {**census.get(cid, {}), **register.get(cid, {})}, final))
    pupils.sort(key=_student_sort)
    graduates = [p for p in pupils if p["graduated"]]
    lao = registry.get_unit(db, unit["parent"]) if unit.get("parent") else None
    province = registry.get_unit(db, lao["parent"]) if lao and lao.get("parent") else None
    appointed = registrars.current(db, code)
    return {
        "registrar": {k: appointed[k] for k in ("person", "order_no", "order_date")} if appointed else None,
        "unit": {"code": code, "name": unit["name"], "kind": unit["kind"]},
        "lao": {"code": lao["code"], "name": lao["name"]} if lao else None,
        "province": {"code": province["code"], "name": province["name"]} if province else None,
        "year": year,
        "level": level,
        "criteria": {
            "curriculum": c.curriculum,
            "curriculum_title": c.curriculum_title,
            "level_title": c.level_title,
            "variant": c.variant,
            "final_grade": c.final_grade,
            "weight": c.weight,
            "min_total": _num(c.min_total),
            "min_basic": _num(c.min_basic),
            "min_additional": _num(c.min_additional),
            "min_gpax": _num(c.min_gpax),
        },
        "candidates": len(pupils),
        "graduates": graduates,
        "not_graduated": [p for p in pupils if not p["graduated"]],
        "totals": _totals(graduates),
    }


def _totals(graduates: list[dict[str, Any]]) -> dict[str, int]:
    """Graduates by sex, as the report's foot prints them (unknown sex counted apart, never guessed)."""
    male = sum(1 for p in graduates if p["sex"] == "ชาย")
    female = sum(1 for p in graduates if p["sex"] == "หญิง")
    return {"male": male, "female": female, "unknown": len(graduates) - male - female, "total": len(graduates)}


def graduation_list(db: sqlite_utils.Database, actor: Actor, year: int, code: str, level: str) -> dict[str, Any]:
    """`build_list` for a unit the actor may view; only schools and colleges have graduates."""
    unit = scope.check(db, actor, code, "view")
    if unit["kind"] not in RECORD_KINDS:
        raise bad_request("not_a_school", f"{registry.label(unit)} ไม่ใช่โรงเรียนหรือวิทยาลัย จึงไม่มีผู้สำเร็จการศึกษา")
    return build_list(db, unit, year, level)


def figures_digest(listing: dict[str, Any]) -> str:
    """SHA-256 of the list's figures (not of a workbook's bytes, which carry a build time): two builds
    from unchanged data agree, and any change of a result, name or status changes it."""
    body = {k: listing[k] for k in ("unit", "year", "level", "criteria", "graduates", "not_graduated", "totals")}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
