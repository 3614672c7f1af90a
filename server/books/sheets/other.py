"""The other-affiliation sheet: the LAOs' counts of pupils in schools of other affiliations."""

from __future__ import annotations

from server.books import data as d
from server.books.writer import BookWriter, Table
from validators.fields import GRADE_SPAN_LABELS, OTHER_GRADES

NOT_REGISTERED = "ไม่อยู่ในทะเบียน (จังหวัดตรวจสอบ)"
"""How a school the LAO added itself, unknown to the registry, is flagged for the province."""


def write(bw: BookWriter) -> None:
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("other")
    r = bw.title(
        ws,
        "จำนวนนักเรียนสถานศึกษาสังกัดอื่นในพื้นที่ อปท.",
        [
            bw.round_line(),
            "กรอกโดย อปท. ตามชั้นที่เปิดสอน อ.1–ป.6 หรือถึง ม.3 สำหรับโรงเรียนขยายโอกาส"
            " · อปท. จ่ายค่าอาหารกลางวันและนมให้สถานศึกษาเหล่านี้",
            "โรงเรียนที่มีคำว่า “ไม่อยู่ในทะเบียน” อปท. เพิ่มเอง จังหวัดต้องตรวจสอบและแจ้งแก้ทะเบียน",
        ],
        12,
    )
    national = b.scope == "national"
    cols: list[tuple[str, str, float]] = [("จังหวัด", "code", 7)] if national else []
    cols += [
        ("รหัส อปท.", "code", 10),
        ("ชื่อ อปท.", "text", 20),
        ("รหัสสถานศึกษา", "code", 12),
        ("ชื่อสถานศึกษา", "text", 26),
        ("สังกัด", "text", 8),
        ("ชั้นที่เปิดสอน", "text", 12),
        ("ทะเบียน", "text", 14),
        ("ยุบเลิก", "text", 7),
    ]
    first_grade = len(cols)
    grades = list(OTHER_GRADES)
    for _g in grades:
        cols += [("ชาย", "int", 6), ("หญิง", "int", 6)]
    cols += [("รวมชาย", "int", 8), ("รวมหญิง", "int", 8), ("รวม", "int", 8)]
    table = Table(cols)
    off = 1 if national else 0
    table.measure(
        [
            (
                *([""] * off),
                "",
                bw.unit_names.get(x["lao_code"], ""),
                "",
                x["other_school_name"] or "",
                x["affiliation"] or "",
                GRADE_SPAN_LABELS.get(x["grades"] or "", ""),
                "" if x["registered"] else NOT_REGISTERED,
            )
            for x in b.other[:3000]
        ]
    )
    bw.grade_group_row(ws, r, first_grade, grades)
    bw.header_row(ws, r + 1, table)
    header, r = r + 1, r + 2
    prov_of = b.province_of_lao()
    total: d.Counts = {}
    for x in b.other:
        lao = x["lao_code"]
        if national:
            w.text(ws, r, 0, prov_of.get(lao, ""), s.code)
        w.text(ws, r, off, lao, s.code)
        w.text(ws, r, off + 1, bw.unit_names.get(lao, ""), s.text)
        w.text(ws, r, off + 2, x["other_school_code"], s.code)
        w.text(ws, r, off + 3, x["other_school_name"], s.text)
        w.text(ws, r, off + 4, x["affiliation"], s.text)
        w.text(ws, r, off + 5, GRADE_SPAN_LABELS.get(x["grades"] or "", ""), s.text)
        w.text(ws, r, off + 6, "" if x["registered"] else NOT_REGISTERED, s.text)
        ws.write_string(r, off + 7, "ใช่" if x["closed"] else "", s.text)
        c = b.other_counts(x)
        d.add_counts(total, c)
        bw.counts_cells(ws, r, first_grade, c, grades, s.int)
        r += 1
    if not b.other:
        bw.empty(ws, r, "ยังไม่มีข้อมูลสถานศึกษาสังกัดอื่น")
        r += 1
    last = r - 1
    ws.write_string(r, 0, "รวม", s.total_text)
    for c in range(1, first_grade):
        ws.write_blank(r, c, None, s.total_text)
    bw.counts_cells(ws, r, first_grade, total, grades, s.total_int)
    bw.finish_table(ws, header, last, len(cols), freeze_col=off + 4)
