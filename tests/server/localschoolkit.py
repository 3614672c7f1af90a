"""Test kit for the LocalSchool migration: a workbook filled as a school exports its history.

`history_workbook(rows)` builds the real blank `localschool` template and types `rows` (lists in
LOCALSCHOOL_KEYS order) into its input cells with openpyxl; `failed_sheet(data)` reads a failed-rows
workbook back with openpyxl (an independent reader): each row's typed cells and the reason beside it.

GOOD: pupils A and B of recordskit, ม.1/1 in 2565 (term 1: ท21101, ค21101; term 2: ท21102), 1.5 credits:
    A 4, 3.5 | 3   -> GPA 2565 term 1 = 3.75; with the fixed row 14 (ส21101 4) 11.5 / 3 = 3.833 -> 3.83
    B 2, ร   | 1.5 -> ร is stored as pending, not averaged
BAD (one reason each):
    row 11  ท21101 taught in ป.4 (the code's level digit 2 is lower secondary)   SUBJECT_LEVEL_MISMATCH
    row 12  grade "5"                                                          LOCALSCHOOL_GRADE_UNKNOWN
    row 13  total 64 with grade 3 (64 is a 2)                                  LOCALSCHOOL_GRADE_BAND
    row 14  A's ท21101 of 2565 term 1 again                                    LOCALSCHOOL_DUPLICATE
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from recordskit import PUPILS, SCHOOL

from validators.academic.localschool import LOCALSCHOOL_KEYS
from workbook_templates.academic_history import REASON_HEADER, SHEET_NAME, build_localschool

A, B, _C = PUPILS
YEAR = 2567


def row(p: Any, year: int, term: int, klass: str, code: str, name: str, grade: str, total: Any = None) -> list[Any]:
    return [p.citizen_id, "1001" if p is A else "1002", p.first_name, p.last_name, year, term, klass, code, name,
            "พื้นฐาน", 1.5, None, total, grade]  # fmt: skip


GOOD = [
    row(A, 2565, 1, "ม.1/1", "ท21101", "ภาษาไทย 1", "4", 85),
    row(A, 2565, 1, "ม.1/1", "ค21101", "คณิตศาสตร์ 1", "3.5"),
    row(A, 2565, 2, "ม.1/1", "ท21102", "ภาษาไทย 2", "3"),
    row(B, 2565, 1, "ม.1/1", "ท21101", "ภาษาไทย 1", "2"),
    row(B, 2565, 1, "ม.1/1", "ค21101", "คณิตศาสตร์ 1", "ร"),
    row(B, 2565, 2, "ม.1/1", "ท21102", "ภาษาไทย 2", "1.5"),
]
BAD = [
    row(A, 2564, 1, "ป.4", "ท21101", "ภาษาไทย", "3"),
    row(B, 2566, 1, "ม.2/1", "ท22101", "ภาษาไทย 3", "5"),
    row(B, 2566, 1, "ม.2/1", "ค22101", "คณิตศาสตร์ 3", "3", 64),
    row(A, 2565, 1, "ม.1/1", "ท21101", "ภาษาไทย 1", "4"),
]
BAD_CODES = ["SUBJECT_LEVEL_MISMATCH", "LOCALSCHOOL_GRADE_UNKNOWN", "LOCALSCHOOL_GRADE_BAND", "LOCALSCHOOL_DUPLICATE"]
FIXES = [  # what the school types over the failed rows: a primary subject in hours; grade 4; grade 2; another subject
    {"subject_code": "ท14101", "credits": None, "hours": 160},
    {"grade": "4"},
    {"grade": "2"},
    {"subject_code": "ส21101", "subject_name": "สังคมศึกษา 1"},
]


def history_workbook(rows: list[list[Any]], unit_code: str = SCHOOL, year: int = YEAR) -> bytes:
    buf = io.BytesIO()
    build_localschool(unit_code=unit_code, unit_name="โรงเรียนทดสอบ", year=year, out=buf, capacity=100)
    return type_rows(buf.getvalue(), rows)


def type_rows(template: bytes, rows: list[list[Any]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[SHEET_NAME]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            ws.cell(5 + i, j + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def failed_sheet(data: bytes) -> list[dict[str, Any]]:
    """The data rows of a failed-rows workbook: typed cells by key, and `reason` (the last column)."""
    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET_NAME]
    keys = [c.value for c in ws[3]]
    assert ws.cell(4, len(LOCALSCHOOL_KEYS) + 1).value == REASON_HEADER
    out = []
    for cells in ws.iter_rows(min_row=5, values_only=True):
        if any(v not in (None, "") for v in cells[: len(LOCALSCHOOL_KEYS)]):
            out.append({**dict(zip(keys, cells, strict=False)), "reason": cells[len(LOCALSCHOOL_KEYS)]})
    return out


def fix(data: bytes, fixes: list[dict[str, Any]]) -> bytes:
    """Type corrections over the failed rows, in place, as the school would."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SHEET_NAME]
    for i, change in enumerate(fixes):
        for key, value in change.items():
            ws.cell(5 + i, LOCALSCHOOL_KEYS.index(key) + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
