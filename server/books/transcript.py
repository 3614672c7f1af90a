"""The ปพ.1 transcript (ระเบียนแสดงผลการเรียน) of one pupil as a printable A4 workbook (XlsxWriter).

Built from `records.pupil_record`, so every figure on it (GPA per term, per learning area, GPAX) is the
one `validators.academic` computed, cut not rounded; numbers are written as text with two decimals
("2.99"), because a number cell formatted "0.00" would show Excel's rounding (3.00) of a cut value.
Layout: identity, then each year and term with its subjects (code, name, credits or hours, grade) and
the term's GPA, then GPA by learning area, GPAX and credits, assessments, and the registrar's and
director's signature lines; portrait A4, fitted to one page wide, header rows repeated.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from server.storage import clock
from validators.academic.assessments import ASSESSMENT_LABELS

FONT = "TH Sarabun New"
SHEET = "ปพ.1"


def _load(r: dict[str, Any]) -> str:
    return r["credits"] if r["credits"] else (f"{r['hours']} ชม." if r["hours"] else "")


def transcript_bytes(record: dict[str, Any]) -> bytes:
    """The workbook's bytes for `record` (what `records.pupil_record` returns), one block after another."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    fmt = _formats(wb)
    ws = wb.add_worksheet(SHEET)
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 38)
    ws.set_column(2, 3, 12)
    r = _identity(ws, fmt, record, 0)
    r = _terms(ws, fmt, record, r)
    r = _areas_and_totals(ws, fmt, record, r)
    r = _assessments(ws, fmt, record, r)
    _signatures(ws, fmt, r + 3)
    ws.set_footer(f"&L{record['unit']['code']} {record['pupil']['citizen_id']}&Rหน้า &P / &N")
    wb.close()
    return buf.getvalue()


Formats = dict[str, Any]


def _formats(wb: xlsxwriter.Workbook) -> Formats:
    base = {"font_name": FONT, "font_size": 14, "valign": "vcenter"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 18, "align": "center"}),
        "bold": wb.add_format({**base, "bold": True}),
        "head": wb.add_format({**base, "bold": True, "border": 1, "align": "center", "bg_color": "#E7E6E6"}),
        "cell": wb.add_format({**base, "border": 1}),
        "centre": wb.add_format({**base, "border": 1, "align": "center"}),
        "text": wb.add_format(base),
    }


def _identity(ws: Any, fmt: Formats, record: dict[str, Any], r: int) -> int:
    pupil, unit = record["pupil"], record["unit"]
    ws.merge_range(r, 0, r, 3, "ระเบียนแสดงผลการเรียน (ปพ.1)", fmt["title"])
    ws.merge_range(r + 1, 0, r + 1, 3, f"{unit['name']} รหัสสถานศึกษา {unit['code']}", fmt["text"])
    name = " ".join(x for x in (pupil.get("prefix"), pupil["first_name"], pupil["last_name"]) if x)
    born = clock.thai_date(pupil["birth_date"]) if pupil.get("birth_date") else "-"
    identity = [
        ("ชื่อ-นามสกุล", name),
        ("เลขประจำตัวประชาชน", pupil["citizen_id"]),
        ("เลขประจำตัวนักเรียน", pupil.get("student_no") or "-"),
        ("เพศ", pupil.get("sex") or "-"),
        ("วันเกิด", born),
        ("ชั้นล่าสุด", pupil.get("class_name") or "-"),
    ]
    r += 3
    for label, value in identity:
        ws.write_string(r, 0, label, fmt["bold"])
        ws.write_string(r, 1, str(value), fmt["text"])
        r += 1
    return r + 1


def _terms(ws: Any, fmt: Formats, record: dict[str, Any], r: int) -> int:
    """Each year and term: its subjects with credits (or hours) and grades, then the term's GPA."""
    terms = {(t["year"], t["term"]): t["gpa"] for t in record["terms"]}
    for (year, term), gpa in terms.items():
        ws.merge_range(r, 0, r, 3, f"ปีการศึกษา {year} ภาคเรียนที่ {term}", fmt["bold"])
        r += 1
        for c, h in enumerate(("รหัสวิชา", "รายวิชา", "หน่วยกิต/เวลา", "ผลการเรียน")):
            ws.write_string(r, c, h, fmt["head"])
        r += 1
        for res in record["results"]:
            if (res["year"], res["term"]) != (year, term):
                continue
            ws.write_string(r, 0, res["subject_code"], fmt["cell"])
            ws.write_string(r, 1, res["subject_name"], fmt["cell"])
            ws.write_string(r, 2, _load(res), fmt["centre"])
            ws.write_string(r, 3, res["grade"] or "-", fmt["centre"])
            r += 1
        ws.write_string(r, 1, "ผลการเรียนเฉลี่ยภาคเรียนนี้ (GPA)", fmt["bold"])
        ws.write_string(r, 3, gpa or "-", fmt["centre"])
        r += 2
    return r


def _areas_and_totals(ws: Any, fmt: Formats, record: dict[str, Any], r: int) -> int:
    """GPA by learning area, GPAX, credits attempted and earned, and what is still pending (ร, มส)."""
    ws.merge_range(r, 0, r, 3, "ผลการเรียนเฉลี่ยตามกลุ่มสาระการเรียนรู้", fmt["bold"])
    r += 1
    for c, h in enumerate(("", "กลุ่มสาระการเรียนรู้", "หน่วยกิต/เวลา", "ผลการเรียนเฉลี่ย")):
        ws.write_string(r, c, h, fmt["head"])
    r += 1
    for a in record["areas"]:
        ws.write_string(r, 0, "", fmt["cell"])
        ws.write_string(r, 1, a["name"], fmt["cell"])
        ws.write_string(r, 2, a["weight"] or "0", fmt["centre"])
        ws.write_string(r, 3, a["gpa"] or "-", fmt["centre"])
        r += 1
    r += 1
    ws.write_string(r, 1, "ผลการเรียนเฉลี่ยสะสม (GPAX)", fmt["bold"])
    ws.write_string(r, 3, record["gpax"] or "-", fmt["centre"])
    r += 1
    ws.write_string(r, 1, "หน่วยกิต/เวลาที่เรียน • ที่ได้", fmt["bold"])
    ws.write_string(r, 3, f"{record['weight_attempted']} • {record['weight_earned']}", fmt["centre"])
    r += 1
    if record["pending"]:
        pending = ", ".join(f"{p['subject_code']} ({p['grade']} {p['term']}/{p['year']})" for p in record["pending"])
        ws.write_string(r, 0, "ค้างผลการเรียน", fmt["bold"])
        ws.write_string(r, 1, pending, fmt["text"])
        r += 1
    return r


def _assessments(ws: Any, fmt: Formats, record: dict[str, Any], r: int) -> int:
    for a in record["assessments"]:
        r += 1
        ws.merge_range(r, 0, r, 3, f"ผลการประเมิน ปีการศึกษา {a['year']} ชั้น {a['class_name']}", fmt["bold"])
        r += 1
        for key, value in a.items():
            if key in ("year", "class_name"):
                continue
            ws.write_string(r, 1, ASSESSMENT_LABELS.get(key, key), fmt["text"])
            ws.write_string(r, 3, str(value or "-"), fmt["centre"])
            r += 1
    return r


def _signatures(ws: Any, fmt: Formats, r: int) -> None:
    """The registrar's and the director's signature lines, and the print area down to them."""
    for col, role in ((1, "นายทะเบียน"), (2, "ผู้อำนวยการสถานศึกษา")):
        ws.write_string(r, col, "ลงชื่อ ........................................", fmt["text"])
        ws.write_string(r + 1, col, f"({role})", fmt["text"])
        ws.write_string(r + 2, col, "วันที่ ........ / ........ / ........", fmt["text"])
    ws.print_area(0, 0, r + 2, 3)
