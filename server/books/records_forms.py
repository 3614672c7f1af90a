"""A school's academic records forms, pre-filled from the server: what the records page downloads.

Why here and not only in `lec template`: a school clerk without the command line downloads the form of
a class from the school's records page; it must carry the same pupils (the class in the last confirmed
census roster), the same student numbers (typed once, kept) and the same subjects (the stored
curriculum) as the command's template, so both call `workbook_templates.academic_build`.

    form_bytes(db, unit, year, form, class_name="", term=None, buttons=None) -> (bytes, filename)
        `buttons` ({"server_url", "login", "mode"}) makes the macro-enabled variant (.xlsm) with the
        add-in's settings sheet and buttons (addin/xlsm.py). ServiceError 400 when the class or term
        does not fit the form, 404 when the class has no pupils in a confirmed roster or (results) the
        year's curriculum has no subject for it.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import sqlite_utils

from addin.xlsm import build_records_xlsm
from server.domain import records
from server.domain.errors import ServiceError, bad_request, not_found
from server.domain.records_views import class_sort_key
from validators.academic import ResultSubject, class_grade
from workbook_templates.academic_build import build_assessments, build_curriculum, build_results

FORMS = ("curriculum", "results", "assessments")
BUILDERS = {"curriculum": build_curriculum, "results": build_results, "assessments": build_assessments}
KIND_TH = {"basic": "พื้นฐาน", "additional": "เพิ่มเติม"}


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def stored_subjects(db: sqlite_utils.Database, code: str, year: int) -> list[dict[str, Any]]:
    """The year's curriculum as stored, one row per class level, term and subject."""
    return [dict(r) for r in db.query(
        "SELECT grade, term, subject_code, subject_name, kind, credits, hours FROM subjects"
        " WHERE year = ? AND unit_code = ? ORDER BY grade, term, subject_code", [year, code])]  # fmt: skip


def class_subjects(rows: list[dict[str, Any]], grade: str, term: int) -> list[ResultSubject]:
    """The subjects of `grade` taught in `term` (a row of term 0 is taught all year)."""
    return [ResultSubject(r["subject_code"], r["subject_name"], r["kind"], _dec(r["credits"]), _dec(r["hours"]))
            for r in rows if r["grade"] == grade and int(r["term"] or 0) in (0, term)]  # fmt: skip


def _build(form: str, buttons: dict[str, str] | None, **kw: Any) -> bytes:
    buf = io.BytesIO()
    if buttons is None:
        BUILDERS[form](out=buf, **kw)
    else:
        build_records_xlsm(form, out=buf, **buttons, **kw)
    return buf.getvalue()


def form_bytes(db: sqlite_utils.Database, unit: dict[str, Any], year: int, form: str, class_name: str = "",
               term: int | None = None, buttons: dict[str, str] | None = None) -> tuple[bytes, str]:  # fmt: skip
    """Build the form for the unit (scope already checked by the caller)."""
    code = unit["code"]
    common = {"unit_code": code, "unit_name": unit["name"], "year": year}
    ext = "xlsm" if buttons is not None else "xlsx"
    if form == "curriculum":
        rows = [{**r, "kind": KIND_TH.get(r["kind"] or "", r["kind"]),
                 "credits": float(r["credits"]) if r["credits"] else None,
                 "hours": int(Decimal(r["hours"])) if r["hours"] else None}
                for r in stored_subjects(db, code, year)]  # fmt: skip
        return _build(form, buttons, **common, rows=rows), f"รายวิชา_{code}_{year}.{ext}"
    if form not in FORMS:
        raise bad_request("bad_form", "แบบฟอร์มต้องเป็น รายวิชา ผลการเรียน หรือผลการประเมิน")
    grade = class_grade(class_name)
    if grade is None:
        raise bad_request("bad_class", f"ชั้น “{class_name}” ไม่ใช่ชั้นที่มีรายวิชา (เช่น ป.4/1 ม.1/2 หรือ ม.1)")
    pupils = records.class_pupils(db, code, year, class_name)
    if not pupils:
        raise not_found("no_pupils", f"ไม่พบนักเรียนชั้น {class_name} ในทะเบียนนักเรียนที่ยืนยันแล้วของปีการศึกษา {year}"
                        " (ยืนยันทะเบียนนักเรียนของรอบสำรวจก่อน)", {"class_name": class_name})  # fmt: skip
    numbers = records.student_numbers(db, code)
    safe = class_name.replace("/", "-")
    if form == "assessments":
        data = _build(form, buttons, **common, class_name=class_name, pupils=pupils, student_nos=numbers)
        return data, f"ประเมิน_{code}_{safe}_{year}.{ext}"
    if term not in (1, 2):
        raise bad_request("bad_term", "ภาคเรียนต้องเป็น 1 หรือ 2")
    subjects = class_subjects(stored_subjects(db, code, year), grade, term)
    if not subjects:
        raise ServiceError(404, "no_subjects", f"ยังไม่มีรายวิชาของชั้น {grade} ภาคเรียนที่ {term} ในรายวิชาของสถานศึกษาปี {year}:"
                           " ส่งแบบรายวิชาก่อน", {"grade": grade, "term": term})  # fmt: skip
    data = _build(form, buttons, **common, term=term, class_name=class_name, subjects=subjects, pupils=pupils,
                  student_nos=numbers)  # fmt: skip
    return data, f"ผลการเรียน_{code}_{safe}_{term}-{year}.{ext}"


def census_classes(db: sqlite_utils.Database, code: str, year: int) -> list[str]:
    """The classes of the last confirmed census roster with subjects: each grade, then each grade/room."""
    source = records.confirmed_round(db, code, year)
    if source is None:
        return []
    sql = "SELECT DISTINCT grade, TRIM(COALESCE(room, '')) FROM pupils WHERE round_id = ? AND unit_code = ?"
    pairs = db.execute(sql, [source, code]).fetchall()
    out: list[str] = []
    for grade, room in pairs:
        if class_grade(grade) is None:
            continue
        out += [grade] + ([f"{grade}/{room}"] if room else [])
    return sorted(set(out), key=class_sort_key)
