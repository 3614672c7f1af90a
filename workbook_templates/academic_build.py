"""Write the academic-records templates (XlsxWriter): `curriculum`, `results` and `assessments`.

They follow the roster templates' conventions (build.py): an instructions sheet first; on every data
sheet a title, a subtitle, a hidden row of stable keys above the Thai header, then the rows; only input
cells unlocked; dropdowns fed from a very-hidden list sheet through defined names; a verdict column;
sheets protected; a very-hidden metadata sheet with a digest.

A `results` workbook is one class and term with one protected sheet per subject, pre-filled with the
class's pupils (ID and name, locked; the school's student number typed once). The teacher types
attendance, the two score parts and, where no grade can be given, ร or มส; the sheet computes the total
(ROUND(term + final, 2)) and the grade (LOOKUP in the band table copied from scales.json) with classic
formulas that Excel, LibreOffice and WPS evaluate with no add-in. The Python rules re-derive both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from validators.academic import ACTIVITY_KEYS, RATING_KEYS, Pupil, ResultSubject, assessment, class_grade, scale
from validators.academic.assessments import ASSESSMENT_LABELS
from validators.academic.common import SUBJECT_GRADES, plain_number, scale_name
from workbook_templates.academic_meta import (
    ACADEMIC_FORM_TITLES,
    CLASS_KEYS,
    CLASS_SHEET,
    ROLE_OF_ACADEMIC_FORM,
    AcademicMeta,
    academic_meta_rows,
)
from workbook_templates.build import FONT, FONT_SIZE, INSTRUCTIONS_SHEET, OK_WORD, PROTECT_OPTIONS, SHEET_PASSWORD
from workbook_templates.meta import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    KEY_ROW,
    LISTS_SHEET,
    META_SHEET,
    STATUS_KEY,
    SUBTITLE_ROW,
    TITLE_ROW,
    previous_digest,
)
from workbook_templates.safe_text import write_text

Out = str | os.PathLike[str] | IO[bytes]
Finish = Callable[[Workbook], None]
"""`build_*(finish=...)`: called with the workbook just before it is closed (as `build_template`'s hook)."""
CURRICULUM_CAPACITY = 300
STATUS_HEADER = "ผลตรวจ (อัตโนมัติ)"
SHEET_TITLES = {"subjects": "รายวิชา", "assessments": "ผลการประเมิน"}


@dataclass(frozen=True, slots=True)
class Col:
    """One column of an academic sheet: key, Thai header, width, and what fills it."""

    key: str
    header: str
    width: float
    kind: str  # "input" | "number" | "list" | "fixed" (pre-filled, locked) | "formula"
    list_name: str | None = None


CURRICULUM_COLUMNS = (
    Col("grade", "ชั้น", 9, "list", "list_subject_grade"),
    Col("term", "ภาคเรียน (1/2 เว้นว่าง = ทั้งปี)", 11, "number"),
    Col("subject_code", "รหัสวิชา", 13, "input"),
    Col("subject_name", "ชื่อรายวิชา", 30, "input"),
    Col("kind", "ประเภท (พื้นฐาน/เพิ่มเติม)", 13, "list", "list_kind"),
    Col("credits", "หน่วยกิต (มัธยม/อาชีวะ)", 11, "number"),
    Col("hours", "เวลาเรียน (ชั่วโมง)", 11, "number"),
    Col("tpc", "ท-ป-น (อาชีวะ)", 10, "input"),
)
PUPIL_FIXED = (
    Col("citizen_id", "เลขประจำตัวประชาชน", 17, "fixed"),
    Col("student_no", "เลขประจำตัวนักเรียน", 11, "input"),
    Col("first_name", "ชื่อ", 15, "fixed"),
    Col("last_name", "นามสกุล", 16, "fixed"),
)
RESULT_COLUMNS = (
    *PUPIL_FIXED,
    Col("attendance_pct", "เวลาเรียน (%)", 10, "number"),
    Col("score_term", "คะแนนระหว่างภาค", 11, "number"),
    Col("score_final", "คะแนนปลายภาค", 11, "number"),
    Col("mark", "ร / มส (ถ้ามี)", 9, "list", "list_mark"),
    Col("score_total", "คะแนนรวม", 9, "formula"),
    Col("grade", "ผลการเรียน", 9, "formula"),
)
ASSESSMENT_COLUMNS = (
    *PUPIL_FIXED,
    *(Col(k, ASSESSMENT_LABELS[k], 14, "list", "list_rating") for k in RATING_KEYS),
    *(Col(k, ASSESSMENT_LABELS[k], 12, "list", "list_activity") for k in ACTIVITY_KEYS),
)
LOCALSCHOOL_COLUMNS = (
    Col("citizen_id", "เลขประจำตัวประชาชน", 17, "input"),
    Col("student_no", "เลขประจำตัวนักเรียน", 11, "input"),
    Col("first_name", "ชื่อ", 14, "input"),
    Col("last_name", "นามสกุล", 15, "input"),
    Col("year", "ปีการศึกษา (พ.ศ.)", 10, "number"),
    Col("term", "ภาคเรียน (1/2)", 8, "number"),
    Col("class_name", "ชั้น (เช่น ม.1/1)", 9, "input"),
    Col("subject_code", "รหัสวิชา", 11, "input"),
    Col("subject_name", "ชื่อรายวิชา", 22, "input"),
    Col("kind", "ประเภท (พื้นฐาน/เพิ่มเติม)", 11, "list", "list_kind"),
    Col("credits", "หน่วยกิต (มัธยม/อาชีวะ)", 9, "number"),
    Col("hours", "เวลาเรียน (ชั่วโมง)", 9, "number"),
    Col("score_total", "คะแนนรวม (ถ้ามี)", 9, "number"),
    Col("grade", "ผลการเรียน (4 … 0, ร, มส)", 10, "input"),
)
REGISTER_COLUMNS = (
    Col("citizen_id", "เลขประจำตัวประชาชน", 17, "fixed"),
    Col("first_name", "ชื่อ", 14, "fixed"),
    Col("last_name", "นามสกุล", 15, "fixed"),
    Col("birth_date", "วันเกิด (จากทะเบียนสำรวจ)", 12, "fixed"),
    Col("class_name", "ชั้น", 8, "fixed"),
    Col("student_no", "เลขประจำตัวนักเรียน", 11, "input"),
    Col("father_name", "ชื่อ-นามสกุลบิดา", 22, "input"),
    Col("mother_name", "ชื่อ-นามสกุลมารดา", 22, "input"),
    Col("entry_date", "วันที่เข้าเรียน (วว/ดด/ปปปป พ.ศ.)", 13, "input"),
    Col("previous_school", "โรงเรียนเดิม", 22, "input"),
    Col("leave_date", "วันที่ออก (ถ้ามี)", 13, "input"),
    Col("leave_reason", "สาเหตุที่ออก", 18, "list", "list_leave_reason"),
    Col("pp1_series", "ปพ.1 ชุดที่", 9, "input"),
    Col("pp1_number", "ปพ.1 เลขที่", 10, "input"),
)
COLUMNS = {"subjects": CURRICULUM_COLUMNS, "assessments": ASSESSMENT_COLUMNS, "localschool": LOCALSCHOOL_COLUMNS,
           "register": REGISTER_COLUMNS}  # fmt: skip
"""Columns by role; every results sheet has RESULT_COLUMNS."""


def columns_of(role: str) -> tuple[Col, ...]:
    return COLUMNS.get(role, RESULT_COLUMNS)


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 18})
        self.subtitle = wb.add_format({**base, "font_color": "#333333"})
        self.key = wb.add_format({**base, "font_color": "#999999", "font_size": 9})
        self.header = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9E2F3", "border": 1}
        )
        self.input = wb.add_format({**base, "num_format": "@", "locked": False, "bg_color": "#FFFDE7"})
        self.number = wb.add_format({**base, "num_format": "General", "locked": False, "bg_color": "#FFFDE7"})
        self.fixed = wb.add_format({**base, "num_format": "@", "locked": True})
        self.formula = wb.add_format({**base, "locked": True, "bg_color": "#F2F2F2", "align": "center"})
        self.status = wb.add_format({**base, "font_size": 12, "locked": True, "bg_color": "#F2F2F2"})
        self.text = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({**base, "bold": True})
        self.bad = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.good = wb.add_format({"font_color": "#006100"})

    def of(self, col: Col) -> Any:
        return {"input": self.input, "list": self.input, "number": self.number, "fixed": self.fixed}.get(
            col.kind, self.formula
        )


def _new_workbook(out: Out, title: str, meta_label: str) -> tuple[Workbook, _Formats]:
    wb = xlsxwriter.Workbook(
        out,
        {
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"title": title, "author": "LEC Sheets", "comments": meta_label})
    return wb, _Formats(wb)


def _now(generated_at: str | None) -> str:
    return generated_at or datetime.now(UTC).isoformat(timespec="seconds")


def _lists(wb: Workbook, lists: Mapping[str, Sequence[object]]) -> None:
    """Closed lists and the band table on a very-hidden sheet, each behind a defined name."""
    ws = wb.add_worksheet(LISTS_SHEET)
    ws.very_hidden()
    for i, (name, values) in enumerate(lists.items()):
        ws.write_string(0, i, name)
        for r, v in enumerate(values, start=1):
            if isinstance(v, str):
                ws.write_string(r, i, v)
            else:
                ws.write_number(r, i, float(v))  # type: ignore[arg-type]
        letter = xl_col_to_name(i)
        wb.define_name(name, f"={LISTS_SHEET}!${letter}$2:${letter}${max(2, len(values) + 1)}")
    ws.protect(SHEET_PASSWORD)


def _hidden_table(wb: Workbook, name: str, rows: Sequence[tuple[str, str]] | Sequence[Sequence[str]]) -> None:
    ws = wb.add_worksheet(name)
    ws.very_hidden()
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v:
                write_text(ws, r, c, v)
    ws.protect(SHEET_PASSWORD)


def _instructions(ws: Worksheet, fmt: _Formats, title: str, meta: AcademicMeta, lines: Sequence[str]) -> None:
    ws.set_column(0, 0, 120)
    ws.write_string(0, 0, title, fmt.title)
    unit = f"รหัสหน่วย {meta.unit_code}" + (f"  {meta.unit_name}" if meta.unit_name else "")
    ws.write_string(1, 0, unit, fmt.bold)
    ws.write_string(3, 0, "วิธีกรอก", fmt.bold)
    for i, line in enumerate(lines):
        ws.write_string(4 + i, 0, line, fmt.text)
    ws.write_string(6 + len(lines), 0, "แบบฟอร์มนี้ล็อกไว้เพื่อป้องกันการแก้ไขโดยไม่ตั้งใจ ข้อมูลจะถูกตรวจซ้ำทุกครั้งที่ส่งเข้าระบบ", fmt.text)
    ws.protect(SHEET_PASSWORD, {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.activate()


def _sheet(
    wb: Workbook, fmt: _Formats, name: str, cols: Sequence[Col], title: str, subtitle: str, nrows: int
) -> tuple[Worksheet, dict[str, str]]:
    """A data sheet's frame: columns, title rows, hidden key row, Thai header. Returns key -> letter."""
    ws = wb.add_worksheet(name)
    ncol = len(cols)
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width, fmt.of(c))
    ws.set_column(ncol, ncol, 20, fmt.status)
    for c in range(ncol + 1):
        ws.write_blank(TITLE_ROW - 1, c, None, fmt.title)
        ws.write_blank(SUBTITLE_ROW - 1, c, None, fmt.subtitle)
    ws.set_row(TITLE_ROW - 1, 30)
    ws.write_string(TITLE_ROW - 1, 0, title, fmt.title)
    ws.write_string(SUBTITLE_ROW - 1, 0, subtitle, fmt.subtitle)
    ws.set_row(KEY_ROW - 1, None, fmt.key, {"hidden": True})
    for i, c in enumerate(cols):
        ws.write_string(KEY_ROW - 1, i, c.key, fmt.key)
    ws.write_string(KEY_ROW - 1, ncol, STATUS_KEY, fmt.key)
    ws.set_row(HEADER_ROW - 1, 48)
    for i, c in enumerate(cols):
        ws.write_string(HEADER_ROW - 1, i, c.header, fmt.header)
    ws.write_string(HEADER_ROW - 1, ncol, STATUS_HEADER, fmt.header)
    last = FIRST_DATA_ROW - 1 + max(nrows, 1) - 1
    for i, c in enumerate(cols):
        if c.kind == "list":
            ws.data_validation(
                FIRST_DATA_ROW - 1,
                i,
                last,
                i,
                {
                    "validate": "list",
                    "source": f"={c.list_name}",
                    "error_title": "ค่าไม่อยู่ในรายการ",
                    "error_message": f"ช่อง {c.header} ต้องเลือกจากรายการเท่านั้น (คลิกลูกศรที่มุมขวาของช่อง)",
                },
            )
    status = f"{xl_col_to_name(ncol)}{FIRST_DATA_ROW}"
    ws.conditional_format(
        FIRST_DATA_ROW - 1,
        ncol,
        last,
        ncol,
        {"type": "formula", "criteria": f'={status}="{OK_WORD}"', "format": fmt.good},
    )
    ws.conditional_format(
        FIRST_DATA_ROW - 1,
        ncol,
        last,
        ncol,
        {
            "type": "formula",
            "criteria": f'=AND({status}<>"",{status}<>"{OK_WORD}")',
            "format": fmt.bad,
        },
    )
    ws.freeze_panes(HEADER_ROW, 4 if cols is not CURRICULUM_COLUMNS else 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW - 1)
    ws.print_area(0, 0, last, ncol - 1)
    return ws, {c.key: xl_col_to_name(i) for i, c in enumerate(cols)}


def _number_check(ws: Worksheet, col: int, nrows: int, maximum: Decimal, what: str) -> None:
    ws.data_validation(
        FIRST_DATA_ROW - 1,
        col,
        FIRST_DATA_ROW - 2 + nrows,
        col,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": float(maximum),
            "error_title": "ตัวเลขไม่ถูกต้อง",
            "error_message": f"{what} ต้องเป็นตัวเลข 0 ถึง {plain_number(maximum)}",
        },
    )


def _write_pupils(
    ws: Worksheet, fmt: _Formats, cols: Sequence[Col], pupils: Sequence[Pupil], student_nos: Mapping[str, str]
) -> None:
    """The locked ID and name of each pupil; the row's input cells written blank in their unlocked format
    (a cell with its own style, not one left to the column's: every spreadsheet program honours it)."""
    inputs = [(i, fmt.of(c)) for i, c in enumerate(cols) if c.kind in ("input", "number", "list")]
    for r, p in enumerate(pupils):
        row = FIRST_DATA_ROW - 1 + r
        for i, cell_fmt in inputs:
            ws.write_blank(row, i, None, cell_fmt)
        write_text(ws, row, 0, p.citizen_id, fmt.fixed)
        if student_nos.get(p.citizen_id):
            write_text(ws, row, 1, student_nos[p.citizen_id], fmt.input)
        write_text(ws, row, 2, p.first_name, fmt.fixed)
        write_text(ws, row, 3, p.last_name, fmt.fixed)


def _class_copy(pupils: Sequence[Pupil]) -> list[tuple[str, str, str]]:
    return [(p.citizen_id, p.first_name, p.last_name) for p in pupils]


def sheet_name_of(code: str) -> str:
    """A subject's sheet: its code (Excel forbids []:*?/\\ and allows 31 characters; codes are safe)."""
    return code[:31]


# --- results ----------------------------------------------------------------------------------------


def result_formulas(r: int, min_attendance: Decimal, low_mark: str) -> tuple[str, str]:
    """The total and the grade formulas of Excel row `r` (columns as RESULT_COLUMNS lays them out).

    total = ROUND(term + final, 2) when both parts are numbers; grade = the typed mark, else the
    low-attendance mark under the floor, else LOOKUP(total) in the band table (ascending mins).
    """
    total = f'=IF(COUNT(F{r}:G{r})<2,"",ROUND(F{r}+G{r},2))'
    grade = (
        f'=IF(LEN(TRIM(H{r}))>0,TRIM(H{r}),IF(AND(ISNUMBER(E{r}),E{r}<{plain_number(min_attendance)}),"{low_mark}",'
        f'IF(ISNUMBER(I{r}),LOOKUP(I{r},band_min,band_grade),"")))'
    )
    return total, grade


def result_verdict(r: int, subject: ResultSubject, min_attendance: Decimal, low_mark: str) -> str:
    """The row's Thai verdict: what a teacher with no add-in sees next to each pupil."""
    att = f"E{r}"
    low = f"AND(ISNUMBER({att}),{att}<{plain_number(min_attendance)})"
    mark = f"TRIM(H{r})"
    checks = [
        (f"NOT(ISNUMBER({att}))", "ยังไม่กรอกเวลาเรียน"),
        (f"OR({att}<0,{att}>100)", "เวลาเรียนผิด"),
        (f"OR(AND(ISNUMBER(F{r}),OR(F{r}<0,F{r}>{plain_number(subject.max_term)})),"
         f"AND(ISNUMBER(G{r}),OR(G{r}<0,G{r}>{plain_number(subject.max_final)})))", "คะแนนเกิน"),
        (f'AND({mark}="{low_mark}",NOT({low}))', f"{low_mark} ไม่ถูกต้อง"),
        (f'AND({low},LEN({mark})>0,{mark}<>"{low_mark}")', f"ต้องเป็น {low_mark}"),
        (f"AND(LEN({mark})=0,NOT({low}),COUNT(F{r}:G{r})<2)", "คะแนนไม่ครบ"),
    ]  # fmt: skip
    expr = f'"{OK_WORD}"'
    for bad, word in reversed(checks):
        expr = f'IF({bad},"{word}",{expr})'
    return f'=IF(COUNTA(E{r}:H{r})>0,IFERROR({expr},"ตรวจไม่ได้"),"ยังไม่กรอก")'


def build_results(
    *,
    unit_code: str,
    unit_name: str = "",
    year: int,
    term: int,
    class_name: str,
    subjects: Sequence[ResultSubject],
    pupils: Sequence[Pupil],
    student_nos: Mapping[str, str] | None = None,
    out: Out,
    generated_at: str | None = None,
    finish: Finish | None = None,
) -> AcademicMeta:
    """One class and term: a protected sheet per subject, pre-filled with the class's pupils."""
    grade = class_grade(class_name)
    if grade is None:
        raise ValueError(f"not a class with subjects: {class_name!r}")
    if term not in (1, 2):
        raise ValueError("term is 1 or 2")
    codes = [s.code for s in subjects]
    if not subjects or len(set(codes)) != len(codes):
        raise ValueError("subjects must be given, each once")
    sc = scale(scale_name(grade))
    roster = _class_copy(pupils)
    meta = AcademicMeta(
        form="results",
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        generated_at=_now(generated_at),
        term=term,
        class_name=class_name,
        sheets={s.code: sheet_name_of(s.code) for s in subjects},
        subjects=tuple(subjects),
        roster_count=len(roster),
        roster_digest=previous_digest(roster),
    )
    title = f"{ACADEMIC_FORM_TITLES['results']} ชั้น {class_name} ภาคเรียนที่ {term}/{year}"
    wb, fmt = _new_workbook(out, title, meta.round_label)
    _instructions(
        wb.add_worksheet(INSTRUCTIONS_SHEET),
        fmt,
        title,
        meta,
        _results_help(sc.low_attendance_mark, sc.attendance_min, list(sc.marks)),
    )
    n = len(pupils)
    for s in subjects:
        load = f"{plain_number(s.credits)} หน่วยกิต" if s.credits is not None else f"{plain_number(s.hours or 0)} ชั่วโมง"
        ws, _ = _sheet(
            wb,
            fmt,
            meta.sheets[s.code],
            RESULT_COLUMNS,
            f"{s.code} {s.name}  ชั้น {class_name} ภาคเรียนที่ {term}/{year}",
            f"{load}  •  คะแนนระหว่างภาค {plain_number(s.max_term)} ปลายภาค {plain_number(s.max_final)}  •  "
            "กรอกเฉพาะช่องสีเหลือง  •  คะแนนรวมและผลการเรียนคำนวณให้อัตโนมัติ",
            n,
        )
        _write_pupils(ws, fmt, RESULT_COLUMNS, pupils, student_nos or {})
        _number_check(ws, 4, n, Decimal(100), "เวลาเรียน (%)")
        _number_check(ws, 5, n, s.max_term, "คะแนนระหว่างภาค")
        _number_check(ws, 6, n, s.max_final, "คะแนนปลายภาค")
        for i in range(n):
            r = FIRST_DATA_ROW + i
            total, grade_f = result_formulas(r, sc.attendance_min, sc.low_attendance_mark)
            ws.write_formula(r - 1, 8, total, fmt.formula, "")
            ws.write_formula(r - 1, 9, grade_f, fmt.formula, "")
            ws.write_formula(r - 1, 10, result_verdict(r, s, sc.attendance_min, sc.low_attendance_mark), fmt.status,
                             "ยังไม่กรอก")  # fmt: skip
        ws.set_footer(f"&L{unit_code} {class_name} {term}/{year}&Cหน้า &P / &N")
        ws.protect(SHEET_PASSWORD, PROTECT_OPTIONS)
    bands = sorted(sc.bands)
    _lists(
        wb,
        {
            "list_mark": list(sc.marks),
            "band_min": [m for m, _ in bands],
            "band_grade": [Decimal(g) for _, g in bands],
        },
    )
    _hidden_table(wb, CLASS_SHEET, [CLASS_KEYS, *roster])
    _hidden_table(wb, META_SHEET, academic_meta_rows(meta))
    if finish is not None:  # the add-in's hook: its settings sheet, buttons and VBA project
        finish(wb)
    wb.close()
    return meta


def _results_help(low: str, minimum: Decimal, marks: Sequence[str]) -> list[str]:
    return [
        "1. หนึ่งชีตต่อหนึ่งรายวิชา รายชื่อนักเรียนใส่ไว้ให้แล้วตามทะเบียนที่ยืนยันล่าสุด ห้ามเพิ่ม ลบ หรือสลับแถว",
        "2. กรอกเลขประจำตัวนักเรียน (ครั้งเดียว) เวลาเรียนเป็นร้อยละ คะแนนระหว่างภาค และคะแนนปลายภาค เป็นเลขอารบิก",
        "3. คะแนนรวมและผลการเรียน (4, 3.5, 3, 2.5, 2, 1.5, 1, 0) คำนวณให้อัตโนมัติตามเกณฑ์ ไม่ต้องพิมพ์",
        f"4. เวลาเรียนไม่ถึงร้อยละ {plain_number(minimum)} ผลการเรียนจะเป็น {low} อัตโนมัติ",
        f"5. ถ้ายังให้ผลการเรียนไม่ได้ ให้เลือก {' '.join(marks)} ในช่อง ร / มส (เช่น ร = งานหรือการสอบยังไม่ครบ)",
        '6. คอลัมน์ "ผลตรวจ" ที่ไม่ใช่คำว่า "ถูกต้อง" แสดงว่ายังต้องแก้ไข ตรวจไฟล์ด้วยปุ่มของ Add-in หรือคำสั่ง lec validate ก่อนส่ง',
    ]


# --- curriculum ---------------------------------------------------------------------------------------


def build_curriculum(
    *,
    unit_code: str,
    unit_name: str = "",
    year: int,
    out: Out,
    rows: Sequence[Mapping[str, Any]] = (),
    capacity: int = CURRICULUM_CAPACITY,
    generated_at: str | None = None,
    finish: Finish | None = None,
) -> AcademicMeta:
    """A school's subjects for a year; `rows` pre-fills (last year's subjects, or tests)."""
    role = ROLE_OF_ACADEMIC_FORM["curriculum"]
    meta = AcademicMeta(
        form="curriculum",
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        generated_at=_now(generated_at),
        sheets={role: SHEET_TITLES[role]},
    )
    title = f"{ACADEMIC_FORM_TITLES['curriculum']} ปีการศึกษา {year}"
    wb, fmt = _new_workbook(out, title, meta.round_label)
    _instructions(
        wb.add_worksheet(INSTRUCTIONS_SHEET),
        fmt,
        title,
        meta,
        [
            "1. หนึ่งแถวต่อหนึ่งรายวิชาต่อหนึ่งชั้น (ถ้าสอนวิชาเดียวกันสองภาคเรียน ให้กรอกแยกแถวตามภาคเรียน)",
            "2. รหัสวิชาตามหลักสูตรแกนกลาง เช่น ท21101 (อักษรกลุ่มสาระ ระดับ ปีที่ ประเภท ลำดับ) หรือรหัสอาชีวะ เช่น 20000-1101",
            "3. มัธยมศึกษาและอาชีวศึกษากรอกหน่วยกิต (ทีละ 0.5; 1 หน่วยกิต = 40 ชั่วโมงต่อภาคเรียน) ประถมศึกษากรอกเวลาเรียนเป็นชั่วโมง",
            "4. อาชีวศึกษากรอก ท-ป-น (ทฤษฎี-ปฏิบัติ-หน่วยกิต) เช่น 1-2-2",
        ],
    )
    ws, letters = _sheet(
        wb,
        fmt,
        SHEET_TITLES[role],
        CURRICULUM_COLUMNS,
        title,
        f"รหัสหน่วย {unit_code}  •  กรอกเฉพาะช่องสีเหลือง ตั้งแต่แถวที่ {FIRST_DATA_ROW} ลงไป",
        capacity,
    )
    for r, row in enumerate(rows):
        for i, c in enumerate(CURRICULUM_COLUMNS):
            v = row.get(c.key)
            if isinstance(v, str) and v:
                write_text(ws, FIRST_DATA_ROW - 1 + r, i, v, fmt.input)
            elif isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
                ws.write_number(FIRST_DATA_ROW - 1 + r, i, float(v), fmt.number)
    need = [letters[k] for k in ("grade", "subject_code", "subject_name")]
    for i in range(capacity):
        r = FIRST_DATA_ROW + i
        blank = ",".join(f"LEN(TRIM({x}{r}))=0" for x in need)
        load = f"AND(LEN(TRIM({letters['credits']}{r}))=0,LEN(TRIM({letters['hours']}{r}))=0)"
        ws.write_formula(r - 1, len(CURRICULUM_COLUMNS),
                         f'=IF(COUNTA(A{r}:H{r})>0,IF(OR({blank}),"กรอกไม่ครบ",IF({load},"ไม่มีหน่วยกิต/ชั่วโมง",'
                         f'"{OK_WORD}")),"")', fmt.status, "")  # fmt: skip
    ws.protect(SHEET_PASSWORD, PROTECT_OPTIONS)
    ws.data_validation(
        FIRST_DATA_ROW - 1,
        1,
        FIRST_DATA_ROW - 2 + capacity,
        1,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 2,
            "error_title": "ภาคเรียนไม่ถูกต้อง",
            "error_message": "ภาคเรียนต้องเป็น 1 หรือ 2 (เว้นว่างสำหรับวิชาที่สอนทั้งปี)",
        },
    )
    _lists(wb, {"list_subject_grade": list(SUBJECT_GRADES), "list_kind": ["พื้นฐาน", "เพิ่มเติม"]})
    _hidden_table(wb, META_SHEET, academic_meta_rows(meta))
    if finish is not None:  # the add-in's hook: its settings sheet, buttons and VBA project
        finish(wb)
    wb.close()
    return meta


# --- assessments --------------------------------------------------------------------------------------


def build_assessments(
    *,
    unit_code: str,
    unit_name: str = "",
    year: int,
    class_name: str,
    pupils: Sequence[Pupil],
    student_nos: Mapping[str, str] | None = None,
    out: Out,
    generated_at: str | None = None,
    finish: Finish | None = None,
) -> AcademicMeta:
    """One class and year: reading-thinking-writing, characteristics and each activity per pupil."""
    if class_grade(class_name) is None:
        raise ValueError(f"not a class with subjects: {class_name!r}")
    role = ROLE_OF_ACADEMIC_FORM["assessments"]
    roster = _class_copy(pupils)
    meta = AcademicMeta(
        form="assessments",
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        generated_at=_now(generated_at),
        class_name=class_name,
        sheets={role: SHEET_TITLES[role]},
        roster_count=len(roster),
        roster_digest=previous_digest(roster),
    )
    title = f"ผลการประเมินชั้น {class_name} ปีการศึกษา {year}"
    wb, fmt = _new_workbook(out, title, meta.round_label)
    a = assessment()
    _instructions(
        wb.add_worksheet(INSTRUCTIONS_SHEET),
        fmt,
        title,
        meta,
        [
            f"1. {ASSESSMENT_LABELS['reading']} และ{ASSESSMENT_LABELS['character']}: เลือก {' '.join(a.rating)}",
            f"2. กิจกรรมพัฒนาผู้เรียนแต่ละกิจกรรม: เลือก {' '.join(a.activity)} (ผ = ผ่าน มผ = ไม่ผ่าน; ต้องมีเวลาเข้าร่วมร้อยละ 80)",
            "3. รายชื่อนักเรียนใส่ไว้ให้แล้วตามทะเบียนที่ยืนยันล่าสุด ห้ามเพิ่ม ลบ หรือสลับแถว",
        ],
    )
    n = len(pupils)
    ws, letters = _sheet(
        wb, fmt, SHEET_TITLES[role], ASSESSMENT_COLUMNS, title, f"รหัสหน่วย {unit_code}  •  กรอกเฉพาะช่องสีเหลือง", n
    )
    _write_pupils(ws, fmt, ASSESSMENT_COLUMNS, pupils, student_nos or {})
    keys = [*RATING_KEYS, *ACTIVITY_KEYS]
    first, last = letters[keys[0]], letters[keys[-1]]
    for i in range(n):
        r = FIRST_DATA_ROW + i
        ws.write_formula(r - 1, len(ASSESSMENT_COLUMNS),
                         f'=IF(COUNTBLANK({first}{r}:{last}{r})>0,"กรอกไม่ครบ","{OK_WORD}")', fmt.status,
                         "กรอกไม่ครบ")  # fmt: skip
    ws.protect(SHEET_PASSWORD, PROTECT_OPTIONS)
    _lists(wb, {"list_rating": list(a.rating), "list_activity": list(a.activity)})
    _hidden_table(wb, CLASS_SHEET, [CLASS_KEYS, *roster])
    _hidden_table(wb, META_SHEET, academic_meta_rows(meta))
    if finish is not None:  # the add-in's hook: its settings sheet, buttons and VBA project
        finish(wb)
    wb.close()
    return meta
