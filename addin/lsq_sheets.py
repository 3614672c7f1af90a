"""The add-in's status sheet for the registrar's pupil register and the LocalSchool migration form, in Thai.

Why apart from records_sheets.py: these two forms are not a class's results. For a register form the
status is the school's register as the server holds it (how many pupils, how many with a ปพ.1 number,
who has left) with this workbook's pupils that the server does not hold yet; for a LocalSchool form it
is the year's imports with the last one's counts (stored, unchanged, failed) and where the failed-rows
workbook is. The writers use only `book_io.write_rows` and fills, as the other status sheets, so the
classic add-in and the server-hosted set-up write the same sheet.

    write_register_status(book, body, meta, workbook_ids=(), now=None) -> (sheet, message)
    write_localschool_status(book, body, meta, now=None) -> (sheet, message)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from addin.book_io import HEADER_FILL, STATUS_SHEET, fresh_sheet, write_rows
from addin.sheets import _stamp

REGISTER_HEADER = ("เลขประจำตัวประชาชน", "เลขประจำตัวนักเรียน", "ชื่อ", "นามสกุล", "ชั้น", "ปพ.1 ชุดที่", "ปพ.1 เลขที่",
                   "วันที่ออก", "สาเหตุที่ออก")  # fmt: skip
IMPORTS_HEADER = ("นำเข้าเมื่อ", "แฟ้ม", "ผู้ส่ง", "แถว", "บันทึกใหม่", "เหมือนเดิม", "ไม่ผ่าน", "แฟ้มแถวที่ไม่ผ่าน")
TABLE_ROW = 10
"""Row of the table's header on the status sheet (the rows above carry the unit, the year and the counts)."""


def _unit(meta: Any) -> str:
    return f"{meta.unit_code} {meta.unit_name or ''}".strip()


def write_register_status(book: Any, body: Mapping[str, Any], meta: Any, workbook_ids: Sequence[str] = (), *,
                          now: datetime | None = None) -> tuple[Any, str]:  # fmt: skip
    """The register as the server holds it; `workbook_ids` (this workbook's pupils) are checked against it."""
    sheet = fresh_sheet(book, STATUS_SHEET)
    pupils = list(body.get("pupils") or [])
    held = {str(p.get("citizen_id")) for p in pupils}
    missing = [cid for cid in workbook_ids if cid not in held]
    with_pp1 = sum(1 for p in pupils if p.get("pp1_number"))
    left = sum(1 for p in pupils if p.get("leave_date"))
    rows: list[list[Any]] = [
        [f"สถานะทะเบียนนักเรียนของนายทะเบียน  ({_stamp(now)})"],
        [None],
        ["หน่วยงาน", _unit(meta)],
        ["ปีการศึกษาของแบบฟอร์ม", meta.year],
        ["นักเรียนในทะเบียนบนเซิร์ฟเวอร์ (คน)", len(pupils)],
        ["มีเลขที่ ปพ.1 แล้ว (คน)", with_pp1],
        ["ออกจากสถานศึกษาแล้ว (คน)", left],
        ["นักเรียนในแฟ้มนี้ที่ยังไม่อยู่บนเซิร์ฟเวอร์ (คน)", len(missing)],
        [None],
        list(REGISTER_HEADER),
    ]
    rows += [[p.get("citizen_id"), p.get("student_no"), p.get("first_name"), p.get("last_name"), p.get("class_name"),
              p.get("pp1_series"), p.get("pp1_number"), p.get("leave_date"), p.get("leave_reason")]
             for p in pupils]  # fmt: skip
    if not pupils:
        rows.append(["ยังไม่มีนักเรียนในทะเบียนบนเซิร์ฟเวอร์ กรอกแบบนี้แล้วกด ส่งข้อมูล"])
    if missing:
        rows += [[None], ["นักเรียนในแฟ้มนี้ที่ยังไม่อยู่บนเซิร์ฟเวอร์ (ส่งแฟ้มนี้เพื่อบันทึก)"]]
        rows += [[cid] for cid in missing]
    write_rows(sheet, 1, rows, text_columns=(0, 6))  # IDs, student and ปพ.1 numbers stay text
    sheet.range((TABLE_ROW, 1), (TABLE_ROW, len(REGISTER_HEADER))).color = HEADER_FILL
    sheet.activate()
    message = f"{meta.unit_code}: ทะเบียนนักเรียนบนเซิร์ฟเวอร์ {len(pupils)} คน"
    if workbook_ids:
        message += f" นักเรียนในแฟ้มนี้ {len(workbook_ids)} คน ยังไม่อยู่บนเซิร์ฟเวอร์ {len(missing)} คน"
    return sheet, message


def write_localschool_status(book: Any, body: Mapping[str, Any], meta: Any, *,
                             now: datetime | None = None) -> tuple[Any, str]:  # fmt: skip
    """The year's LocalSchool imports as the server holds them, the last one's counts on top."""
    sheet = fresh_sheet(book, STATUS_SHEET)
    imports = list(body.get("imports") or [])
    last = imports[0] if imports else {}
    rows: list[list[Any]] = [
        [f"สถานะการนำเข้าผลการเรียนย้อนหลัง (LocalSchool)  ({_stamp(now)})"],
        [None],
        ["หน่วยงาน", _unit(meta)],
        ["ปีการศึกษาที่นำเข้า", meta.year],
        ["นำเข้าแล้ว (ครั้ง)", len(imports)],
        ["ครั้งล่าสุด", f"{last.get('at', '')} {last.get('filename') or ''}".strip() if last else "ยังไม่เคยนำเข้า"],
        ["ครั้งล่าสุด: แถว / บันทึกใหม่ / เหมือนเดิม / ไม่ผ่าน",
         f"{last.get('rows', 0)} / {last.get('stored', 0)} / {last.get('unchanged', 0)} / {last.get('failed', 0)}"
         if last else "-"],
        ["แฟ้มแถวที่ไม่ผ่านของครั้งล่าสุด", last.get("failed_workbook") or "-"],
        [None],
        list(IMPORTS_HEADER),
    ]  # fmt: skip
    rows += [[i.get("at"), i.get("filename"), i.get("login"), i.get("rows"), i.get("stored"), i.get("unchanged"),
              i.get("failed"), i.get("failed_workbook") or "-"] for i in imports]  # fmt: skip
    if not imports:
        rows.append(["ยังไม่มีการนำเข้าผลการเรียนย้อนหลังของปีนี้บนเซิร์ฟเวอร์"])
    write_rows(sheet, 1, rows, text_columns=(1,))
    sheet.range((TABLE_ROW, 1), (TABLE_ROW, len(IMPORTS_HEADER))).color = HEADER_FILL
    sheet.activate()
    if not last:
        return sheet, f"{meta.unit_code}: ยังไม่มีการนำเข้าผลการเรียนย้อนหลังของปีการศึกษา {meta.year}"
    message = (f"{meta.unit_code}: นำเข้าครั้งล่าสุด {last.get('rows', 0)} แถว บันทึกใหม่ {last.get('stored', 0)}"
               f" เหมือนเดิม {last.get('unchanged', 0)} ไม่ผ่าน {last.get('failed', 0)} แถว")  # fmt: skip
    if last.get("failed"):
        message += " (ดาวน์โหลดแถวที่ไม่ผ่านได้ที่หน้านำเข้าผลการเรียนย้อนหลังของเว็บไซต์)"
    return sheet, message
