"""Academic workbooks filled as a school fills them, for the demo and the bench.

Why one module for both: the demo's school and the bench's school of 1,500 pupils must be the same
kind of data (a real curriculum, real results templates with only the input cells typed), so what is
measured is what the demo shows.

    class_subjects(grade, term, count=10) -> [ResultSubject]    a class's subjects with valid codes
    curriculum_rows(grades, count=10) -> [dict]                 the curriculum form's rows for those
    filled_results(..., pupils, subjects, seed) -> bytes        a results workbook with typed scores
    filled_assessments(..., pupils, seed) -> bytes              an assessments workbook, every rating typed
    school_classes(pupils_by_grade, size) -> {class: [Pupil]}   grades split into rooms of `size`

Scores are drawn around each pupil's own level (seeded), so GPAs spread as a real class's do; about one
result in a hundred is ร and one in two hundred มส (attendance under 80 %), which the pages list.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import openpyxl

from validators.academic import Pupil, ResultSubject, level_of
from workbook_templates.academic_build import SHEET_TITLES, build_assessments, build_results
from workbook_templates.meta import FIRST_DATA_ROW, KEY_ROW

# (letter, name, credits a term in secondary, hours a term in primary, kind digit)
SUBJECTS: tuple[tuple[str, str, str, int, str], ...] = (
    ("ท", "ภาษาไทย", "1.5", 100, "1"),
    ("ค", "คณิตศาสตร์", "1.5", 100, "1"),
    ("ว", "วิทยาศาสตร์และเทคโนโลยี", "1.5", 60, "1"),
    ("ส", "สังคมศึกษา ศาสนา และวัฒนธรรม", "1.5", 40, "1"),
    ("พ", "สุขศึกษาและพลศึกษา", "1", 40, "1"),
    ("ศ", "ศิลปะ", "1", 40, "1"),
    ("ง", "การงานอาชีพ", "1", 20, "1"),
    ("อ", "ภาษาอังกฤษ", "1.5", 80, "1"),
    ("ส", "ประวัติศาสตร์", "0.5", 20, "1"),
    ("ค", "คณิตศาสตร์เพิ่มเติม", "1", 40, "2"),
)
LEVEL_DIGIT = {"primary": "1", "lower": "2", "upper": "3"}


def _year_digit(grade: str) -> str:
    n = int(grade.rsplit(".", 1)[1])
    return str(n - 3 if level_of(grade) == "upper" else n)


def class_subjects(grade: str, term: int, count: int = 10) -> list[ResultSubject]:
    """The first `count` subjects of SUBJECTS for a class of `grade` in `term`: codes like ท21101 (term 1)
    and ท21102 (term 2), the second subject of an area numbered on; credits in secondary, hours in primary."""
    level = level_of(grade)
    out: list[ResultSubject] = []
    seen: dict[tuple[str, str], int] = {}
    for letter, name, credits, hours, kind in SUBJECTS[:count]:
        n = seen.get((letter, kind), 0)
        seen[(letter, kind)] = n + 1
        seq = f"{2 * n + term:02d}"
        code = f"{letter}{LEVEL_DIGIT[level]}{_year_digit(grade)}{kind}{seq}"
        primary = level == "primary"
        load = (None, Decimal(hours)) if primary else (Decimal(credits), None)
        out.append(ResultSubject(code, f"{name} {2 * n + term}", "basic" if kind == "1" else "additional", *load))
    return out


def curriculum_rows(grades: Sequence[str], count: int = 10) -> list[dict[str, Any]]:
    """The curriculum form's rows (as a registrar types them) for every grade and both terms."""
    rows = []
    for grade in grades:
        for term in (1, 2):
            for s in class_subjects(grade, term, count):
                rows.append({"grade": grade, "term": term, "subject_code": s.code, "subject_name": s.name,
                             "kind": "พื้นฐาน" if s.kind == "basic" else "เพิ่มเติม",
                             "credits": float(s.credits) if s.credits is not None else None,
                             "hours": int(s.hours) if s.hours is not None else None})  # fmt: skip
    return rows


def school_classes(pupils_by_grade: Mapping[str, Sequence[Pupil]], size: int = 35) -> dict[str, list[Pupil]]:
    """Each grade's pupils in rooms of at most `size`: {"ม.1/1": [...], "ม.1/2": [...]}."""
    out: dict[str, list[Pupil]] = {}
    for grade, pupils in pupils_by_grade.items():
        rooms = max(1, -(-len(pupils) // size))
        for room in range(rooms):
            out[f"{grade}/{room + 1}"] = list(pupils[room::rooms])
    return out


def typed_result(rng: random.Random, level: float, subject: ResultSubject) -> dict[str, Any]:
    """What a teacher types for one pupil: attendance and the two score parts, or ร / มส instead."""
    roll = rng.random()
    if roll < 0.005:
        return {"attendance_pct": rng.randint(55, 79), "mark": "มส"}
    if roll < 0.015:
        return {"attendance_pct": rng.randint(85, 100), "score_term": rng.randint(20, 50), "mark": "ร"}
    share = min(1.0, max(0.2, rng.gauss(level, 0.08)))
    term = round(float(subject.max_term) * min(1.0, max(0.0, share + rng.uniform(-0.05, 0.05))))
    final = round(float(subject.max_final) * min(1.0, max(0.0, share + rng.uniform(-0.1, 0.1))))
    return {"attendance_pct": rng.randint(82, 100), "score_term": term, "score_final": final}


def _type_rows(data: bytes, typed: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """Type values into the input cells of each named sheet (columns found by the hidden key row)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, rows in typed.items():
        ws = wb[sheet]
        cols = {c.value: c.column for c in ws[KEY_ROW] if c.value}
        for i, row in enumerate(rows):
            for key, value in row.items():
                ws.cell(FIRST_DATA_ROW + i, cols[key], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pupil_level(citizen_id: str, seed: int) -> float:
    """A pupil's usual share of full marks (0.58-0.96: most pupils pass, a few fail a subject), the same
    in every subject and term."""
    return random.Random(f"{seed}-{citizen_id}").uniform(0.58, 0.96)


def filled_results(*, unit_code: str, unit_name: str, year: int, term: int, class_name: str,
                   pupils: Sequence[Pupil], subjects: Sequence[ResultSubject], seed: int,
                   student_nos: Mapping[str, str] | None = None) -> bytes:  # fmt: skip
    """A results workbook of one class and term with every pupil's result typed in every subject."""
    buf = io.BytesIO()
    build_results(unit_code=unit_code, unit_name=unit_name, year=year, term=term, class_name=class_name,
                  subjects=subjects, pupils=pupils, student_nos=student_nos or {}, out=buf)  # fmt: skip
    rng = random.Random(f"{seed}-{class_name}-{term}")
    numbers = student_nos or {}
    typed = {
        s.code: [
            {**typed_result(rng, pupil_level(p.citizen_id, seed), s),
             **({} if numbers.get(p.citizen_id) else {"student_no": f"{seed % 10}{i + 1:04d}"})}
            for i, p in enumerate(pupils)
        ]
        for s in subjects
    }  # fmt: skip
    return _type_rows(buf.getvalue(), typed)


def filled_assessments(*, unit_code: str, unit_name: str, year: int, class_name: str, pupils: Sequence[Pupil],
                       seed: int, student_nos: Mapping[str, str] | None = None) -> bytes:  # fmt: skip
    """An assessments workbook of one class and year, every rating and activity typed."""
    from validators.academic import ACTIVITY_KEYS, RATING_KEYS

    buf = io.BytesIO()
    build_assessments(unit_code=unit_code, unit_name=unit_name, year=year, class_name=class_name, pupils=pupils,
                      student_nos=student_nos or {}, out=buf)  # fmt: skip
    rng = random.Random(f"{seed}-{class_name}-assess")
    ratings = ("ดีเยี่ยม", "ดีเยี่ยม", "ดี", "ดี", "ผ่าน")
    rows = [{**{k: rng.choice(ratings) for k in RATING_KEYS}, **dict.fromkeys(ACTIVITY_KEYS, "ผ")} for _ in pupils]
    return _type_rows(buf.getvalue(), {SHEET_TITLES["assessments"]: rows})
