"""Test kit for the academic records: results workbooks filled as a teacher fills them.

`results_workbook` builds a real results template (workbook_templates.academic_build) and types values
into its input cells only with openpyxl (attendance, the two score parts, ร/มส, the student number);
the total and grade formulas are left for the server's rules to re-derive.

The hand-computed figures of the two terms below (credits 1.5 each, lower secondary, class ม.1/1):
    pupil A  term 1: ท21101 4, ค21101 3.5, ว21101 3.5 -> 11/3 = 3.666... -> 3.66 (rounding says 3.67)
             term 2: ท21102 3, ค21102 2.5            -> 2.75
             GPAX 24.75 / 7.5 = 3.30; ภาษาไทย (4+3)/2 = 3.50; คณิตศาสตร์ (3.5+2.5)/2 = 3.00; วิทย์ 3.50
    pupil B  term 1: 2, 2, ร (pending, not averaged) -> 2.00; term 2: 1.5, 2 -> 1.75; GPAX 7.5/6 = 1.87 (1.875)
    pupil C  term 1: 4, 4, มส (attendance 70 %) -> 4.00; term 2: 4, 4 -> 4.00
"""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import openpyxl

from validators.academic import Pupil, ResultSubject
from validators.identity import with_check_digit
from workbook_templates.academic_build import build_results

SCHOOL = "3056200001"
CLASS = "ม.1/1"
YEAR = 2567
TERM_SUBJECTS = {
    1: [
        ResultSubject("ท21101", "ภาษาไทย 1", "basic", D("1.5"), None, D(70), D(30)),
        ResultSubject("ค21101", "คณิตศาสตร์ 1", "basic", D("1.5"), None, D(70), D(30)),
        ResultSubject("ว21101", "วิทยาศาสตร์ 1", "basic", D("1.5"), None, D(70), D(30)),
    ],
    2: [
        ResultSubject("ท21102", "ภาษาไทย 2", "basic", D("1.5"), None, D(70), D(30)),
        ResultSubject("ค21102", "คณิตศาสตร์ 2", "basic", D("1.5"), None, D(70), D(30)),
    ],
}
PUPILS = [
    Pupil(with_check_digit("110370000001"), "อนันต์", "ใจดี"),
    Pupil(with_check_digit("110370000002"), "บุษบา", "งามยิ่ง"),
    Pupil(with_check_digit("110370000003"), "ชูใจ", "มีสุข"),
]
SCORES = {  # grade -> (term, final) on a 70/30 subject
    "4": (56, 30),
    "3.5": (50, 27),
    "3": (50, 22),
    "2.5": (45, 22),
    "2": (40, 22),
    "1.5": (40, 17),
}
GRADES = {  # pupil index -> term -> grades in subject order ("ร" and "มส" typed as marks)
    0: {1: ["4", "3.5", "3.5"], 2: ["3", "2.5"]},
    1: {1: ["2", "2", "ร"], 2: ["1.5", "2"]},
    2: {1: ["4", "4", "มส"], 2: ["4", "4"]},
}


def typed_row(grade: str) -> dict[str, Any]:
    """What a teacher types for a wanted grade (a mark keeps attendance and scores blank or low)."""
    if grade == "มส":
        return {"attendance_pct": 70, "mark": "มส"}
    if grade == "ร":
        return {"attendance_pct": 90, "score_term": 40, "mark": "ร"}
    term, final = SCORES[grade]
    return {"attendance_pct": 95, "score_term": term, "score_final": final}


def fill(template: bytes, typed: dict[str, list[dict[str, Any]]]) -> bytes:
    """Type into input cells only (numbers as numbers, marks as text), as a teacher would."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    for sheet, rows in typed.items():
        ws = wb[sheet]
        cols = {c.value: c.column for c in ws[3] if c.value}
        for i, row in enumerate(rows):
            for key, value in row.items():
                assert key in ("attendance_pct", "score_term", "score_final", "mark", "student_no")
                ws.cell(5 + i, cols[key], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def results_workbook(term: int, *, unit_code: str = SCHOOL, grades: dict[int, dict[int, list[str]]] = GRADES,
                     pupils: list[Pupil] = PUPILS, year: int = YEAR) -> bytes:  # fmt: skip
    """A filled results workbook of class ม.1/1 for `term`, with the grades of `GRADES`."""
    buf = io.BytesIO()
    subjects = TERM_SUBJECTS[term]
    build_results(unit_code=unit_code, unit_name="โรงเรียนทดสอบ", year=year, term=term, class_name=CLASS,
                  subjects=subjects, pupils=pupils, out=buf)  # fmt: skip
    typed = {
        s.code: [{**typed_row(grades[i][term][j]), "student_no": f"{1001 + i}"} for i in range(len(pupils))]
        for j, s in enumerate(subjects)
    }
    return fill(buf.getvalue(), typed)


def transcript_cells(data: bytes) -> list[list[Any]]:
    """Every row of the transcript as read back by openpyxl (an independent reader)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def value_beside(rows: list[list[Any]], label: str) -> Any:
    """The last non-empty cell of the first row holding `label`."""
    for row in rows:
        if label in row:
            return [c for c in row if c not in (None, "")][-1]
    raise AssertionError(f"{label!r} not on the transcript")
