"""What the records pages show: a school's year of records, one class's results for a term.

    records_overview(db, actor, year, code) -> dict   the year's classes and terms, uploads, other years
    class_results(db, actor, year, code, class_name, term) -> dict
        pupils × subjects with grades, each pupil's GPA of the term (cut), the pending ร / มส

Why a module beside `records.py` and not inside it: these are read-only views for people (the school,
its LAO and province), shaped for a page; the record itself (`records.pupil_record`) stays the one
source of a pupil's GPA and the transcript. Both check scope first (`scope.check(..., "view")`), so a
unit outside the actor's scope answers 403 before anything is read, and the GPA comes from
`validators.academic.gpa`, never from a figure in a file.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from server.domain import graduate_reports, registry, scope
from server.domain.errors import not_found
from server.domain.records import RECORD_KINDS, weight_of
from validators.academic import GradedSubject, areas, class_grade, gpa
from validators.fields import GRADES

FORM_TH = {
    "curriculum": "รายวิชาของสถานศึกษา",
    "results": "ผลการเรียนรายวิชา",
    "assessments": "ผลการประเมินประจำปี",
    "register": "ทะเบียนนักเรียน (นายทะเบียน)",
    "localschool": "ผลการเรียนย้อนหลัง (LocalSchool)",
}
SUBJECT_KEYS = ("subject_code", "subject_name", "kind", "credits", "hours", "area")
_GRADE_ORDER = {g: i for i, g in enumerate(GRADES)}


def class_sort_key(class_name: str) -> tuple[int, str, int, str]:
    """School order: ป.1/1 before ป.1/2 before ป.2/1 before ม.1/1 (grade, then room as a number)."""
    grade = class_grade(class_name) or ""
    _, _, room = class_name.partition("/")
    room = room.strip()
    return (_GRADE_ORDER.get(grade, len(_GRADE_ORDER)), grade, int(room) if room.isdigit() else 0, room)


def subject_sort_key(subject: dict[str, Any]) -> tuple[int, int, str]:
    """The report card's order: learning areas as the curriculum lists them (ไทย, คณิต, วิทย์, ...),
    basic subjects before additional ones, then by code."""
    order = list(areas().titles)
    area = subject.get("area")
    rank = order.index(area) if area in order else len(order)
    return (rank, {"basic": 0, "additional": 1}.get(subject.get("kind") or "", 2), subject["subject_code"])


def records_unit(db: sqlite_utils.Database, actor: Any, code: str) -> dict[str, Any]:
    """The unit after the view check; a unit that keeps no academic records (a child centre, an LAO)
    answers 404 with the reason, so a link typed by hand does not show an empty page as if data were lost."""
    unit = scope.check(db, actor, code, "view")
    if unit["kind"] not in RECORD_KINDS:
        raise not_found("no_records", f"{registry.label(unit)} ไม่ใช่โรงเรียนหรือวิทยาลัย จึงไม่มีทะเบียนผลการเรียน",
                        {"unit": code})  # fmt: skip
    return unit


def records_overview(db: sqlite_utils.Database, actor: Any, year: int, code: str) -> dict[str, Any]:
    """The year's classes and terms with their counts, the year's accepted uploads, the other years."""
    unit = records_unit(db, actor, code)
    rows = db.execute(
        "SELECT class_name, term, COUNT(DISTINCT citizen_id), COUNT(DISTINCT subject_code), SUM(pending)"
        " FROM results WHERE unit_code = ? AND year = ? GROUP BY class_name, term",
        [code, year],
    ).fetchall()
    classes: dict[str, dict[str, Any]] = {}
    for class_name, term, pupils, subjects, pending in rows:
        entry = classes.setdefault(class_name, {"class_name": class_name, "terms": {}})
        entry["terms"][term] = {"term": term, "pupils": pupils, "subjects": subjects, "pending": pending or 0}
    uploads = [
        {"form": form, "form_th": FORM_TH.get(form, form), "term": term or None, "class_name": cls or None,
         "filename": filename, "login": login, "at": at, "rows": n}
        for form, term, cls, filename, login, at, n in db.execute(
            "SELECT form, term, class_name, filename, login, uploaded_at, rows FROM record_uploads"
            " WHERE unit_code = ? AND year = ? ORDER BY uploaded_at DESC, id DESC LIMIT 100",
            [code, year],
        )
    ]  # fmt: skip
    years = [
        y
        for (y,) in db.execute(
            "SELECT DISTINCT year FROM record_uploads WHERE unit_code = ? ORDER BY year DESC", [code]
        )
    ]
    subjects = db.execute("SELECT COUNT(*) FROM subjects WHERE unit_code = ? AND year = ?", [code, year]).fetchone()[0]
    return {
        "unit": unit,
        "year": year,
        "classes": [
            {"class_name": c["class_name"], "terms": [c["terms"][t] for t in sorted(c["terms"])]}
            for c in sorted(classes.values(), key=lambda c: class_sort_key(c["class_name"]))
        ],
        "uploads": uploads,
        "years": years,
        "curriculum_subjects": subjects,
    }


def overview_for_clients(db: sqlite_utils.Database, actor: Any, year: int, code: str) -> dict[str, Any]:
    """`records_overview` for the API and the add-in: the unit reduced to its public fields (code, name, kind),
    with the school's graduate reports ปพ.3 of the year and their states (the add-in's status lists them)."""
    view = records_overview(db, actor, year, code)
    return {**view, "unit": {k: view["unit"][k] for k in ("code", "name", "kind")},
            "graduate_reports": graduate_reports.unit_reports(db, code, year)}  # fmt: skip


def latest_year(db: sqlite_utils.Database, actor: Any, code: str) -> int | None:
    """The newest year with an accepted records upload of the unit (after the view check); None if none."""
    records_unit(db, actor, code)
    row = db.execute("SELECT MAX(year) FROM record_uploads WHERE unit_code = ?", [code]).fetchone()
    return int(row[0]) if row and row[0] else None


def _student_order(row: dict[str, Any]) -> tuple[int, int, str, str]:
    no = (row["student_no"] or "").strip()
    return (0 if no.isdigit() else 1, int(no) if no.isdigit() else 0, no, row["citizen_id"])


def class_results(
    db: sqlite_utils.Database, actor: Any, year: int, code: str, class_name: str, term: int
) -> dict[str, Any]:
    """One class's results of one term: subjects as columns, pupils as rows, GPA of the term per pupil.

    A pupil without a result in a subject shows an empty cell (the upload rules refuse a sheet that
    misses a pupil of the roster, but a subject may be uploaded later than another)."""
    unit = records_unit(db, actor, code)
    rows = [
        dict(r)
        for r in db.query(
            "SELECT citizen_id, student_no, first_name, last_name, subject_code, subject_name, kind, credits, hours,"
            " area, attendance_pct, score_total, grade, pending FROM results"
            " WHERE unit_code = ? AND year = ? AND term = ? AND class_name = ? ORDER BY subject_code",
            [code, year, term, class_name],
        )
    ]
    if not rows:
        raise not_found("no_class_results",
                        f"ยังไม่มีผลการเรียนของชั้น {class_name} ภาคเรียนที่ {term}/{year} ที่ {registry.label(unit)}",
                        {"unit": code, "year": year, "term": term, "class_name": class_name})  # fmt: skip
    subjects: dict[str, dict[str, Any]] = {}
    pupils: dict[str, dict[str, Any]] = {}
    identity = ("citizen_id", "student_no", "first_name", "last_name")
    for r in rows:
        subjects.setdefault(r["subject_code"], {k: r[k] for k in SUBJECT_KEYS})
        p = pupils.setdefault(r["citizen_id"], {**{k: r[k] for k in identity}, "grades": {}, "graded": []})
        p["student_no"] = p["student_no"] or r["student_no"]
        p["grades"][r["subject_code"]] = {k: r[k] for k in ("grade", "score_total", "attendance_pct")}
        p["grades"][r["subject_code"]]["pending"] = bool(r["pending"])
        p["graded"].append(GradedSubject(r["subject_code"], r["grade"] or "", weight_of(r), r["area"], year, term))
    out_pupils = []
    for p in sorted(pupils.values(), key=_student_order):
        value = gpa(p.pop("graded"))
        p["gpa"] = None if value is None else format(value, "f")
        out_pupils.append(p)
    pending = [
        {"citizen_id": r["citizen_id"], "name": f"{r['first_name'] or ''} {r['last_name'] or ''}".strip(),
         "student_no": r["student_no"], "subject_code": r["subject_code"], "subject_name": r["subject_name"],
         "grade": r["grade"]}
        for r in sorted(rows, key=_student_order) if r["pending"]
    ]  # fmt: skip
    other_terms = [
        t
        for (t,) in db.execute(
            "SELECT DISTINCT term FROM results WHERE unit_code = ? AND year = ? AND class_name = ? ORDER BY term",
            [code, year, class_name],
        )
    ]
    ratings = {
        cid: json.loads(text)
        for cid, text in db.execute(
            "SELECT citizen_id, ratings FROM assessments WHERE unit_code = ? AND year = ? AND class_name = ?",
            [code, year, class_name],
        )
    }
    return {
        "unit": unit,
        "year": year,
        "term": term,
        "class_name": class_name,
        "terms": other_terms,
        "subjects": sorted(subjects.values(), key=subject_sort_key),
        "pupils": out_pupils,
        "pending": pending,
        "assessed": len(ratings),
    }


__all__ = [
    "FORM_TH",
    "class_results",
    "class_sort_key",
    "latest_year",
    "overview_for_clients",
    "records_overview",
    "records_unit",
    "subject_sort_key",
]
