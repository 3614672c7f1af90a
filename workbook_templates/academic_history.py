"""Write the `localschool` workbook: a school's past results, one row per pupil, subject and term.

The same frame as the other academic forms (academic_build: instructions, hidden key row, protected
sheet, lists on a very-hidden sheet, metadata with a digest). Two uses:

- blank (`lec template localschool`): input columns open for `capacity` rows;
- the failed rows (`failed=[(typed cells, Thai reasons), ...]`): only the rows the server could not
  take, as they were typed, with the reasons in the last column, so the school corrects them and sends
  this same workbook back; it is a `localschool` workbook like the first, read by the same reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from workbook_templates.academic_build import (
    LOCALSCHOOL_COLUMNS,
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
from workbook_templates.meta import FIRST_DATA_ROW, HEADER_ROW, META_SHEET
from workbook_templates.safe_text import write_text

SHEET_NAME = "ผลการเรียนย้อนหลัง"
CAPACITY = 20_000
REASON_HEADER = "เหตุที่ต้องแก้ไข (จากระบบ)"
HELP = [
    "1. หนึ่งแถวต่อนักเรียนหนึ่งคน หนึ่งรายวิชา หนึ่งภาคเรียน (ผลการเรียนของปีการศึกษาที่ผ่านมา จากระบบ LocalSchool)",
    "2. ปีการศึกษาเป็น พ.ศ. 4 หลัก ภาคเรียน 1 หรือ 2 ชั้นเช่น ม.1/1 หรือ ป.4 รหัสวิชาตามหลักสูตร เช่น ท21101",
    "3. มัธยมศึกษาและอาชีวศึกษากรอกหน่วยกิต ประถมศึกษากรอกเวลาเรียนเป็นชั่วโมง",
    "4. ผลการเรียน 4 3.5 3 2.5 2 1.5 1 0 หรือ ร มส (อาชีวะ: ขร. ขส. มส. ท. ถ.น. ถ.ล.)"
    " ถ้ามีคะแนนรวมให้กรอกด้วย ระบบจะตรวจว่าตรงเกณฑ์",
    "5. ระบบรับแถวที่ถูกต้องทันที แถวที่ผิดจะส่งกลับเป็นไฟล์นี้เฉพาะแถวที่ผิดพร้อมเหตุผล แก้แล้วส่งไฟล์นั้นกลับมาได้เลย",
    "6. ส่งไฟล์เดิมซ้ำได้ ระบบไม่บันทึกซ้ำ (ผลวิชาเดียวกัน ภาคเรียนเดียวกัน ของนักเรียนคนเดียวกัน เป็นข้อมูลเดียวกัน)",
]


def _cell_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def build_localschool(
    *,
    unit_code: str,
    unit_name: str = "",
    year: int,
    out: Out,
    failed: Sequence[tuple[Mapping[str, str], Sequence[str]]] = (),
    capacity: int = CAPACITY,
    generated_at: str | None = None,
) -> AcademicMeta:
    """A blank migration workbook, or (with `failed`) the failed rows and their reasons to correct."""
    role = ROLE_OF_ACADEMIC_FORM["localschool"]
    meta = AcademicMeta(form="localschool", unit_code=unit_code, unit_name=unit_name, year=year,
                        generated_at=_now(generated_at), sheets={role: SHEET_NAME})  # fmt: skip
    title = f"{ACADEMIC_FORM_TITLES['localschool']} นำเข้าปีการศึกษา {year}"
    if failed:
        title = f"แถวที่ต้องแก้ไข: {title}"
    wb, fmt = _new_workbook(out, title, meta.round_label)
    _instructions(wb.add_worksheet(INSTRUCTIONS_SHEET), fmt, title, meta, HELP)
    rows = max(capacity, len(failed) + 200) if not failed else len(failed) + 200
    ws, _ = _sheet(wb, fmt, SHEET_NAME, LOCALSCHOOL_COLUMNS, title,
                   f"รหัสหน่วย {unit_code}  •  กรอกเฉพาะช่องสีเหลือง ตั้งแต่แถวที่ {FIRST_DATA_ROW} ลงไป", rows)  # fmt: skip
    ncol = len(LOCALSCHOOL_COLUMNS)
    if failed:
        ws.write_string(HEADER_ROW - 1, ncol, REASON_HEADER, fmt.header)
        ws.set_column(ncol, ncol, 60, fmt.status)
    for r, (typed, reasons) in enumerate(failed):
        excel_row = FIRST_DATA_ROW - 1 + r
        for i, c in enumerate(LOCALSCHOOL_COLUMNS):
            text = typed.get(c.key, "")
            number = _cell_number(text) if c.kind == "number" and text else None
            if number is not None:
                ws.write_number(excel_row, i, float(number), fmt.number)
            elif text:
                write_text(ws, excel_row, i, text, fmt.of(c))
            else:
                ws.write_blank(excel_row, i, None, fmt.of(c))
        write_text(ws, excel_row, ncol, " • ".join(reasons), fmt.status)
    ws.protect(SHEET_PASSWORD, PROTECT_OPTIONS)
    _lists(wb, {"list_kind": ["พื้นฐาน", "เพิ่มเติม"]})
    _hidden_table(wb, META_SHEET, academic_meta_rows(meta))
    wb.close()
    return meta
