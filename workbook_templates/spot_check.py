"""The province's spot-check list: a printable workbook (one sheet per institution) and its reader.

Letter 000 §9.4 asks the province to check institutions "from time to time" while a round is open; in
practice an officer visits or phones a school with a list of names. This is that list: per institution
the sampled children with columns found / not found / note and signature lines, printed on A4. Filled
in, the same workbook goes back to the server, which reads it through the hardened reader
(`read.open_workbook`, which runs `check_container` first) like every other upload.

    build_check_list(check, out)    check = {"id","round","province","province_name","drawn_at_th",
                                     "institutions":[{"code","name","children":[{"citizen_id",
                                     "first_name","last_name","grade"}]}]}
    read_check_list(source) -> CheckList   the spot-check id and each row's found / note, or Thai errors
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

import xlsxwriter

from workbook_templates.read import Source, open_workbook

MARK = "lec-spot-check"
META_SHEET = "meta"
KEYS = ("seq", "citizen_id", "first_name", "last_name", "grade", "found", "note")
HEADERS_TH = ("ลำดับ", "เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "ชั้น", "พบตัวเด็ก (พบ / ไม่พบ)", "หมายเหตุ")
FOUND_TH = {"พบ": True, "ไม่พบ": False}
HEADER_ROW = 4
"""0-based row of the Thai headers; the stable keys are on the hidden row above them."""
SIGNATURES = (
    "ลงชื่อ ........................................................ ผู้ตรวจสอบ (เจ้าหน้าที่จังหวัด)",
    "       (........................................................)  ตำแหน่ง ..............................",
    "ลงชื่อ ........................................................ ผู้อำนวยการสถานศึกษา / หัวหน้าศูนย์",
    "       (........................................................)  วันที่ตรวจ ......./......./...........",
)


def build_check_list(check: dict[str, Any], out: str | IO[bytes]) -> None:
    """Write the check list: a hidden meta sheet with the spot-check id, then one sheet per institution."""
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    title = wb.add_format({"bold": True, "font_size": 14, "font_name": "TH Sarabun New"})
    text = wb.add_format({"font_name": "TH Sarabun New", "font_size": 14, "border": 1, "num_format": "@"})
    head = wb.add_format(
        {
            "bold": True,
            "font_name": "TH Sarabun New",
            "font_size": 14,
            "border": 1,
            "bg_color": "#DDEBF7",
            "text_wrap": True,
            "valign": "vcenter",
        }
    )
    plain = wb.add_format({"font_name": "TH Sarabun New", "font_size": 14})
    for inst in check["institutions"]:
        ws = wb.add_worksheet(inst["code"][:31])
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.write_string(0, 0, f"แบบตรวจสอบการมีตัวตนของเด็ก (สุ่มตรวจสอบ) ครั้งที่ {check['id']}", title)
        where = f"{inst['name']} ({inst['code']}) · {check['province_name']} · รอบ {check['round']}"
        ws.write_string(1, 0, where, plain)
        ws.write_string(
            2,
            0,
            "พบตัวเด็กแล้วเลือก “พบ” ไม่พบให้เลือก “ไม่พบ” และเขียนหมายเหตุ (เช่น ย้ายไปแล้ว ไม่เคยมาเรียน)"
            f" · สุ่มเมื่อ {check['drawn_at_th']}",
            plain,
        )
        for col, key in enumerate(KEYS):
            ws.write_string(HEADER_ROW - 1, col, key)
        ws.set_row(HEADER_ROW - 1, None, None, {"hidden": True})
        for col, name in enumerate(HEADERS_TH):
            ws.write_string(HEADER_ROW, col, name, head)
        for col, width in enumerate((7, 20, 18, 20, 8, 18, 40)):
            ws.set_column(col, col, width)
        row = HEADER_ROW + 1
        for n, child in enumerate(inst["children"], start=1):
            ws.write_number(row, 0, n, text)
            for col, key in enumerate(("citizen_id", "first_name", "last_name", "grade"), start=1):
                ws.write_string(row, col, str(child.get(key) or ""), text)
            ws.write_blank(row, 5, None, text)
            ws.write_blank(row, 6, None, text)
            row += 1
        if inst["children"]:
            ws.data_validation(
                HEADER_ROW + 1,
                5,
                row - 1,
                5,
                {"validate": "list", "source": list(FOUND_TH), "error_message": "เลือก พบ หรือ ไม่พบ"},
            )
        row += 2
        for line in SIGNATURES:
            ws.write_string(row, 0, line, plain)
            row += 2
    meta = wb.add_worksheet(META_SHEET)
    meta.write_string(0, 0, MARK)
    meta.write_number(0, 1, int(check["id"]))
    meta.write_string(1, 0, str(check["round"]))
    meta.write_string(1, 1, str(check["province"]))
    meta.hide()
    wb.close()


@dataclass
class CheckList:
    """What a filled check list says: its spot-check id, each row's verdict, and Thai errors."""

    spot_check_id: int | None
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(sheet: str | None, row: int | None, column: str | None, message: str) -> dict[str, Any]:
    return {"sheet": sheet, "row": row, "column": column, "code": "SPOT_CHECK_CELL", "message": message}


def read_check_list(source: Source) -> CheckList:
    """Read a filled check list (raises `WorkbookError` for a file that is no workbook at all)."""
    wb = open_workbook(source)
    names = wb.sheet_names
    if META_SHEET not in names:
        not_ours = "ไฟล์นี้ไม่ใช่แบบตรวจสอบที่ดาวน์โหลดจากระบบ (ไม่พบแผ่นงาน meta)"
        return CheckList(None, errors=[_error(None, None, None, not_ours)])
    meta = wb.get_sheet_by_name(META_SHEET).to_python(nrows=2)
    if not meta or not meta[0] or meta[0][0] != MARK:
        return CheckList(None, errors=[_error(META_SHEET, 1, None, "ไฟล์นี้ไม่ใช่แบบตรวจสอบที่ดาวน์โหลดจากระบบ")])
    out = CheckList(int(meta[0][1]))
    for name in names:
        if name == META_SHEET:
            continue
        _read_sheet(wb.get_sheet_by_name(name).to_python(skip_empty_area=False), name, out)
    return out


def _read_sheet(data: list[list[Any]], name: str, out: CheckList) -> None:
    key_row = next((i for i, r in enumerate(data[:10]) if "citizen_id" in r and "found" in r), None)
    if key_row is None:
        out.errors.append(_error(name, None, None, f"แผ่นงาน {name}: ไม่พบแถวหัวตาราง (อย่าลบหรือย้ายแถวหัวตาราง)"))
        return
    col = {k: data[key_row].index(k) for k in KEYS if k in data[key_row]}
    for i, row in enumerate(data[key_row + 2 :], start=key_row + 3):
        cid = str(row[col["citizen_id"]] or "").strip() if col["citizen_id"] < len(row) else ""
        if not cid.isdigit():
            continue  # signature lines and blank rows
        raw = str(row[col["found"]] or "").strip() if col["found"] < len(row) else ""
        note = str(row[col["note"]] or "").strip() if "note" in col and col["note"] < len(row) else ""
        if raw and raw not in FOUND_TH:
            message = f"แผ่นงาน {name} แถว {i} คอลัมน์ “พบตัวเด็ก”: “{raw}” ต้องเป็น พบ หรือ ไม่พบ"
            out.errors.append(_error(name, i, "found", message))
            continue
        out.results.append(
            {"unit_code": name, "citizen_id": cid, "found": FOUND_TH.get(raw), "note": note, "sheet": name, "row": i}
        )
