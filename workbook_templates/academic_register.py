"""Write the `register` workbook: the registrar's pupil register, one row per pupil of the school.

Pre-filled by the caller (the server's `pupil_register.prefill_rows`, `lec template register --data-dir`):
each pupil of the school's last confirmed census roster (ID, name, birth date, class: locked) with what
the register already holds of them, then the pupils the register holds who are no longer on the roster
(so a leaving date can be given). The registrar types the rest; the same frame as every academic form.
Dates are written as the Thai forms print them (dd/mm/yyyy, Buddhist Era) in text cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from validators.academic import LEAVE_REASONS
from validators.normalize import format_thai_date
from workbook_templates.academic_build import (
    REGISTER_COLUMNS,
    Out,
    _hidden_table,
    _instructions,
    _lists,
    _new_workbook,
    _now,
    _sheet,
)
from workbook_templates.academic_meta import (
    ACADEMIC_FORM_TITLES,
    ROLE_OF_ACADEMIC_FORM,
    AcademicMeta,
    academic_meta_rows,
)
from workbook_templates.build import INSTRUCTIONS_SHEET, PROTECT_OPTIONS, SHEET_PASSWORD
from workbook_templates.meta import FIRST_DATA_ROW, META_SHEET, previous_digest
from workbook_templates.safe_text import write_text

SHEET_NAME = "ทะเบียนนักเรียน"
SPARE_ROWS = 0
HELP = [
    "1. รายชื่อนักเรียนมาจากทะเบียนสำรวจที่ยืนยันล่าสุด (เลขประจำตัว ชื่อ วันเกิด ชั้น ล็อกไว้) ต่อด้วยนักเรียนที่ออกไปแล้วแต่ยังอยู่ในทะเบียน",
    "2. กรอกเลขประจำตัวนักเรียน ชื่อบิดา มารดา วันที่เข้าเรียน (วว/ดด/ปปปป พ.ศ.) และโรงเรียนเดิม",
    "3. นักเรียนที่ออกแล้ว กรอกวันที่ออกและเลือกสาเหตุที่ออก (ต้องกรอกทั้งสองช่อง)",
    "4. ปพ.1 ชุดที่และเลขที่ ของแบบ ปพ.1 ที่ออกให้นักเรียน หนึ่งเลขที่ใช้ได้กับนักเรียนคนเดียว",
]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_thai_date(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_thai_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def build_register(
    *,
    unit_code: str,
    unit_name: str = "",
    year: int,
    pupils: Sequence[Mapping[str, Any]],
    out: Out,
    generated_at: str | None = None,
) -> AcademicMeta:
    """The register of a school: one row per pupil (keys of REGISTER_COLUMNS; dates as date or ISO text)."""
    role = ROLE_OF_ACADEMIC_FORM["register"]
    roster = [(str(p["citizen_id"]), str(p.get("first_name") or ""), str(p.get("last_name") or "")) for p in pupils]
    meta = AcademicMeta(form="register", unit_code=unit_code, unit_name=unit_name, year=year,
                        generated_at=_now(generated_at), sheets={role: SHEET_NAME}, roster_count=len(roster),
                        roster_digest=previous_digest(roster))  # fmt: skip
    title = f"{ACADEMIC_FORM_TITLES['register']} ปีการศึกษา {year}"
    wb, fmt = _new_workbook(out, title, meta.round_label)
    _instructions(wb.add_worksheet(INSTRUCTIONS_SHEET), fmt, title, meta, HELP)
    ws, _ = _sheet(wb, fmt, SHEET_NAME, REGISTER_COLUMNS, title,
                   f"รหัสหน่วย {unit_code}  •  กรอกเฉพาะช่องสีเหลือง", len(pupils) + SPARE_ROWS)  # fmt: skip
    for r, pupil in enumerate(pupils):
        excel_row = FIRST_DATA_ROW - 1 + r
        for i, c in enumerate(REGISTER_COLUMNS):
            text = _text(pupil.get(c.key))
            if text:
                write_text(ws, excel_row, i, text, fmt.of(c))
            else:
                ws.write_blank(excel_row, i, None, fmt.of(c))
    ws.protect(SHEET_PASSWORD, PROTECT_OPTIONS)
    _lists(wb, {"list_leave_reason": list(LEAVE_REASONS)})
    _hidden_table(wb, META_SHEET, academic_meta_rows(meta))
    wb.close()
    return meta
