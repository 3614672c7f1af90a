"""The graduate report ปพ.3 (แบบรายงานผู้สำเร็จการศึกษา) of one school, level and year, as A4 (XlsxWriter).

Built from `graduation.build_list`, so every figure is the one the rules computed (GPAs cut, not
rounded, and written as text with two decimals: a "0.00" number format would show Excel's rounding).
Layout, after the Ministry's form: the variant (ปพ.3:ป / ปพ.3:บ / ปพ.3:พ), school, LAO, province, level,
year and curriculum; one row per graduate with the student number, citizen ID, ปพ.1 series and number,
name, sex, birth date, parents (when the registrar's register holds them), the credits and GPA of each
learning area (primary: the GPA of each area), credits by kind, GPAX, the assessments and a remark;
then the totals by sex and the signature lines of the registrar, two checkers and the approving
director. A second sheet lists the candidates who do not graduate, with the reasons, for the registrar.
Landscape, laid out by `printing.lay_out` (readable scale, key columns repeated across pages).

    report_bytes(listing, *, version=None, state=None, stamped_at=None) -> bytes
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from server.books.printing import PrintedSheet, lay_out
from server.storage import clock
from validators.academic import areas

FONT = "TH Sarabun New"
SHEET = "แบบ ปพ.3"
"""With a space, so XlsxWriter quotes the name in the print titles: LibreOffice misreads an unquoted
ปพ.3!$A:$E (a dot is its own sheet separator) and then repeats no key columns on the pages across."""
SHEET_NOT = "ผู้ยังไม่จบ"
CORE_AREAS = ("thai", "math", "science", "social", "health", "arts", "careers", "foreign")
STATE_TH = {None: "ฉบับร่าง (ยังไม่ได้ส่ง)", "returned": "ฉบับร่าง (ส่งคืนให้แก้ไข)", "submitted": "ส่งแล้ว รอตรวจสอบ",
            "approved": "อนุมัติแล้ว"}  # fmt: skip
SIGNATURES = (
    ("นายทะเบียน", "ผู้จัดทำ"),
    ("ผู้ตรวจสอบ", "กรรมการ"),
    ("ผู้ตรวจสอบ", "กรรมการ"),
    ("ผู้อำนวยการสถานศึกษา", "ผู้อนุมัติ"),
)
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
               "ตุลาคม", "พฤศจิกายน", "ธันวาคม")  # fmt: skip


def area_columns(listing: dict[str, Any]) -> list[str]:
    """The learning areas the report has columns for: the eight core ones for basic education, plus any
    other area a graduate studied (IS); none for vocational programmes (their codes have no area)."""
    seen = {a for p in listing["graduates"] for a in p["areas"] if a}
    if listing["level"] in ("pvc3", "pvs2"):
        return []
    return [*CORE_AREAS, *sorted(seen - set(CORE_AREAS))]


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 14, "valign": "vcenter"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 18}),
        "variant": wb.add_format({**base, "bold": True, "font_size": 16, "align": "right"}),
        "text": wb.add_format(base),
        "bold": wb.add_format({**base, "bold": True}),
        "head": wb.add_format(
            {**base, "bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#E7E6E6"}
        ),
        "cell": wb.add_format({**base, "border": 1}),
        "wrap": wb.add_format({**base, "border": 1, "text_wrap": True}),
        "centre": wb.add_format({**base, "border": 1, "align": "center"}),
        "number": wb.add_format({**base, "border": 1, "align": "center", "num_format": "0.0"}),
    }


def thai_long_date(iso: str) -> str:
    """'2025-03-31' -> '31 มีนาคม 2568' (the date as a certificate prints it)."""
    y, m, d = (int(x) for x in iso[:10].split("-"))
    return f"{d} {THAI_MONTHS[m - 1]} {y + 543}"


def graduation_date(year: int) -> str:
    """The graduation approval date commonly used: 31 March of the school year's end (year is B.E.)."""
    return f"{year + 1 - 543}-03-31"


def report_bytes(listing: dict[str, Any], *, version: int | None = None, state: str | None = None,
                 stamped_at: str | None = None) -> bytes:  # fmt: skip
    """The workbook of `listing` (what `graduation.build_list` returns). `version`, `state` and
    `stamped_at` print on the report so a copy on paper says which kept version it is."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    fmt = _formats(wb)
    ws = wb.add_worksheet(SHEET, worksheet_class=PrintedSheet)
    assert isinstance(ws, PrintedSheet)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    crit = listing["criteria"]
    unit = listing["unit"]
    stamp = f"ฉบับที่ {version} · {STATE_TH.get(state, state)}" if version else STATE_TH.get(state, "")
    if stamped_at:
        stamp += f" · ส่งเมื่อ {clock.thai_datetime(stamped_at)}"
    ws.set_footer(f"&L&12{unit['code']} ปีการศึกษา {listing['year']} {crit['variant']}&C&12หน้า &P จาก &N&R&12{stamp}")
    cols = area_columns(listing)
    r = _head(ws, fmt, listing, stamp)
    r = _table_header(ws, fmt, listing, cols, r)
    first = r
    for i, p in enumerate(listing["graduates"], start=1):
        _graduate_row(ws, fmt, listing, cols, r, i, p)
        r += 1
    if r == first:
        ws.write_string(r, 0, "ไม่มีผู้สำเร็จการศึกษา", fmt["text"])
        r += 1
    r = _totals(ws, fmt, listing, r + 1)
    _signatures(ws, fmt, r + 1, listing.get("registrar"))
    ws.key_cols = 5
    ws.repeat_rows(first - 2, first - 1)
    ws.freeze_panes(first, 5)
    lay_out(ws)
    _not_graduated(wb, fmt, listing)
    wb.close()
    return buf.getvalue()


def _head(ws: PrintedSheet, fmt: dict[str, Any], listing: dict[str, Any], stamp: str) -> int:
    crit, unit = listing["criteria"], listing["unit"]
    ws.set_row(0, 30)
    ws.write_string(0, 0, "แบบรายงานผู้สำเร็จการศึกษา", fmt["title"])
    ws.write_string(0, 8, crit["variant"], fmt["variant"])
    lao = listing["lao"]["name"] if listing["lao"] else "-"
    province = listing["province"]["name"] if listing["province"] else "-"
    lines = [
        f"ระดับ{crit['level_title']} ปีการศึกษา {listing['year']} · {crit['curriculum_title']}",
        f"สถานศึกษา {unit['name']} รหัส {unit['code']} · สังกัด {lao} · {province}",
        f"อนุมัติการจบการศึกษา วันที่ {thai_long_date(graduation_date(listing['year']))}"
        f" · ผู้สำเร็จการศึกษา {len(listing['graduates'])} คน จากผู้มีสิทธิ์ {listing['candidates']} คน · {stamp}",
    ]
    for i, line in enumerate(lines, start=1):
        ws.write_string(i, 0, line, fmt["text"])
    return len(lines) + 2


IDENTITY_HEADERS = ("ที่", "เลขประจำตัวนักเรียน", "เลขประจำตัวประชาชน", "ปพ.1 ชุดที่/เลขที่", "ชื่อ - นามสกุล", "เพศ",
                    "วัน เดือน ปีเกิด", "ชื่อ - นามสกุลบิดา / มารดา")  # fmt: skip
ASSESS_HEADERS = ("การอ่าน คิดวิเคราะห์ และเขียน", "คุณลักษณะอันพึงประสงค์", "กิจกรรมพัฒนาผู้เรียน", "หมายเหตุ")


def _totals_headers(level: str) -> list[str]:
    if level == "p6":
        return ["ผลการเรียนเฉลี่ย"]
    if level in ("pvc3", "pvs2"):
        return ["หน่วยกิตที่ได้", "ผลการเรียนเฉลี่ยสะสม (GPAX)"]
    return ["หน่วยกิตพื้นฐาน", "หน่วยกิตเพิ่มเติม", "หน่วยกิตรวม", "ผลการเรียนเฉลี่ยสะสม (GPAX)"]


def _table_header(ws: PrintedSheet, fmt: dict[str, Any], listing: dict[str, Any], cols: list[str], r: int) -> int:
    """Two header rows: identity columns span both; each learning area spans its credits and GPA."""
    titles = areas().titles
    ws.set_row(r, 36)
    ws.set_row(r + 1, 54)
    c = 0
    for h in IDENTITY_HEADERS:
        ws.merge_range(r, c, r + 1, c, h, fmt["head"])
        c += 1
    per_area = 1 if listing["level"] == "p6" else 2
    for a in cols:
        if per_area == 1:
            ws.merge_range(r, c, r + 1, c, titles.get(a, a), fmt["head"])
        else:
            ws.merge_range(r, c, r, c + 1, titles.get(a, a), fmt["head"])
            ws.write_string(r + 1, c, "หน่วยกิต", fmt["head"])
            ws.write_string(r + 1, c + 1, "ผลการเรียนเฉลี่ย", fmt["head"])
        c += per_area
    for h in (*_totals_headers(listing["level"]), *ASSESS_HEADERS):
        ws.merge_range(r, c, r + 1, c, h, fmt["head"])
        c += 1
    widths = [5, 11, 17, 11, 28, 6, 13, 26]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.set_column(len(widths), c - 1, 8)
    return r + 2


def _name(p: dict[str, Any]) -> str:
    return " ".join(x for x in (p.get("prefix"), p["first_name"], p["last_name"]) if x)


def _activities(p: dict[str, Any]) -> str:
    acts = [v for k, v in p["assessment"].items() if k.startswith("activity_")]
    if not acts:
        return "-"
    return "ผ่าน" if all(v == "ผ" for v in acts) else "ไม่ผ่าน"


def _graduate_row(ws: PrintedSheet, fmt: dict[str, Any], listing: dict[str, Any], cols: list[str], r: int, i: int,
                  p: dict[str, Any]) -> None:  # fmt: skip
    pp1 = "/".join(x for x in (p.get("pp1_series"), p.get("pp1_no")) if x) or "-"
    born = clock.thai_date(p["birth_date"]) if p.get("birth_date") else "-"
    parents = [x for x in (p.get("father_name"), p.get("mother_name")) if x]
    identity = (str(i), p.get("student_no") or "-", p["citizen_id"], pp1, _name(p), p.get("sex") or "-", born)
    ws.set_row(r, 44 if len(parents) > 1 else 22)
    for c, value in enumerate(identity):
        ws.write_string(r, c, value, fmt["cell"] if c == 4 else fmt["centre"])
    ws.write_string(r, len(identity), "\n".join(parents) or "-", fmt["wrap"])
    c = len(identity) + 1
    for a in cols:
        area = p["areas"].get(a)
        if listing["level"] != "p6":
            ws.write_string(r, c, area["weight"] if area else "-", fmt["centre"])
            c += 1
        ws.write_string(r, c, (area["gpa"] if area else None) or "-", fmt["centre"])
        c += 1
    level = listing["level"]
    if level == "p6":
        totals = [p["gpax"] or "-"]
    elif level in ("pvc3", "pvs2"):
        totals = [p["earned_total"], p["gpax"] or "-"]
    else:
        totals = [p["earned_basic"], p["earned_additional"], p["earned_total"], p["gpax"] or "-"]
    a = p["assessment"]
    for value in (*totals, a.get("reading") or "-", a.get("character") or "-", _activities(p), ""):
        ws.write_string(r, c, value, fmt["centre"])
        c += 1


def _totals(ws: PrintedSheet, fmt: dict[str, Any], listing: dict[str, Any], r: int) -> int:
    t = listing["totals"]
    line = f"รวมผู้สำเร็จการศึกษา ชาย {t['male']} คน หญิง {t['female']} คน รวม {t['total']} คน"
    if t["unknown"]:
        line += f" (ไม่ทราบเพศ {t['unknown']} คน)"
    ws.write_string(r, 0, line, fmt["bold"])
    return r + 2


def _signatures(ws: PrintedSheet, fmt: dict[str, Any], r: int, registrar: dict[str, Any] | None) -> None:
    """Four signature blocks across: the registrar who made it (named, with the appointing order, when
    one is appointed), two checkers, the approving director."""
    for i, (role, duty) in enumerate(SIGNATURES):
        c = 1 + i * 4
        name = f"({registrar['person']})" if registrar and i == 0 else "(........................................)"
        ws.write_string(r, c, "ลงชื่อ ........................................", fmt["text"])
        ws.write_string(r + 1, c, name, fmt["text"])
        ws.write_string(r + 2, c, f"{role} ({duty})", fmt["text"])
        ws.write_string(r + 3, c, "วันที่ ........ / ........ / ........", fmt["text"])
    if registrar:
        order = f"คำสั่งแต่งตั้งนายทะเบียนที่ {registrar['order_no']} ลงวันที่ {thai_long_date(registrar['order_date'])}"
        ws.write_string(r + 4, 1, order, fmt["text"])


def _not_graduated(wb: xlsxwriter.Workbook, fmt: dict[str, Any], listing: dict[str, Any]) -> None:
    ws = wb.add_worksheet(SHEET_NOT, worksheet_class=PrintedSheet)
    assert isinstance(ws, PrintedSheet)
    ws.write_string(0, 0, f"ผู้ยังไม่ผ่านเกณฑ์การจบ ({listing['criteria']['variant']}) ปีการศึกษา {listing['year']}",
                    fmt["title"])  # fmt: skip
    r = 2
    for c, h in enumerate(("ที่", "เลขประจำตัวประชาชน", "ชื่อ - นามสกุล", "ชั้น", "เหตุที่ยังไม่จบ")):
        ws.write_string(r, c, h, fmt["head"])
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 17)
    ws.set_column(2, 2, 28)
    ws.set_column(3, 3, 8)
    ws.set_column(4, 4, 60)
    r += 1
    for i, p in enumerate(listing["not_graduated"], start=1):
        for reason_no, reason in enumerate(p["reasons"] or ["-"]):
            cells = (str(i), p["citizen_id"], _name(p), p["class_name"]) if reason_no == 0 else ("", "", "", "")
            for c, v in enumerate(cells):
                ws.write_string(r, c, v, fmt["cell"])
            ws.write_string(r, 4, reason, fmt["cell"])
            r += 1
    if not listing["not_graduated"]:
        ws.write_string(r, 0, "ผู้มีสิทธิ์ทุกคนผ่านเกณฑ์การจบ", fmt["text"])
    lay_out(ws)
