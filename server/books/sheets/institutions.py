"""The institutions sheet: every institution with its head counts by grade and sex."""

from __future__ import annotations

from server.books.writer import KIND_TH, BookWriter, Table, be_datetime_serial
from validators.fields import STATE_TH


def write(bw: BookWriter) -> None:
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("institutions")
    r = bw.title(
        ws,
        "จำนวนนักเรียนรายสถานศึกษา แยกตามชั้นและเพศ",
        [bw.round_line(), "นับจากรายชื่อนักเรียนที่สถานศึกษาส่งเข้าระบบ (ศพด. = เด็กเล็กของศูนย์พัฒนาเด็กเล็ก ไม่แยกชั้น)"],
        12,
    )
    national = b.scope == "national"
    cols: list[tuple[str, str, float]] = [("จังหวัด", "code", 7)] if national else []
    cols += [
        ("รหัส อปท.", "code", 10),
        ("ชื่อ อปท.", "text", 20),
        ("รหัสสถานศึกษา", "code", 12),
        ("ชื่อสถานศึกษา", "text", 26),
        ("ประเภท", "text", 10),
        ("สถานะ", "text", 14),
        ("ส่งข้อมูลเมื่อ", "datetime", 16),
        ("ยืนยันเมื่อ", "datetime", 16),
        ("ยืนยันโดย", "text", 16),
    ]
    first_grade = len(cols)
    for _g in bw.grades:
        cols += [("ชาย", "int", 6), ("หญิง", "int", 6)]
    cols += [("รวมชาย", "int", 8), ("รวมหญิง", "int", 8), ("รวม", "int", 8)]
    table = Table(cols)
    off = 1 if national else 0
    sample = b.institutions[:3000]
    table.measure([(*([""] * off), "", bw.unit_names.get(i["parent"], ""), "", i["name"]) for i in sample])
    bw.grade_group_row(ws, r, first_grade, bw.grades)
    bw.header_row(ws, r + 1, table)
    header, r = r + 1, r + 2
    prov_of = b.province_of_lao()
    text, num = w.text, ws.write_number
    for inst in b.institutions:
        lao = inst["parent"]
        if national:
            text(ws, r, 0, prov_of.get(lao, ""), s.code)
        text(ws, r, off, lao, s.code)
        text(ws, r, off + 1, bw.unit_names.get(lao, ""), s.text)
        text(ws, r, off + 2, inst["code"], s.code)
        text(ws, r, off + 3, inst["name"], s.text)
        ws.write_string(r, off + 4, KIND_TH.get(inst["kind"], inst["kind"]), s.text)
        state = bw.state_of(inst)
        ws.write_string(r, off + 5, STATE_TH[state], s.state(state))
        ros, cf = b.rosters.get(inst["code"]), b.confirmations.get(inst["code"])
        if ros:
            num(r, off + 6, be_datetime_serial(ros["at"]) or 0, s.datetime)
        else:
            ws.write_blank(r, off + 6, None, s.text)
        if cf:
            num(r, off + 7, be_datetime_serial(cf["at"]) or 0, s.datetime)
            text(ws, r, off + 8, cf["person"], s.text)
        else:
            ws.write_blank(r, off + 7, None, s.text)
            ws.write_blank(r, off + 8, None, s.text)
        bw.counts_cells(ws, r, first_grade, b.counts.get(inst["code"], {}), bw.grades, s.int)
        r += 1
    last = r - 1
    ws.write_string(r, 0, "รวม", s.total_text)
    for c in range(1, first_grade):
        ws.write_blank(r, c, None, s.total_text)
    bw.counts_cells(ws, r, first_grade, bw.total, bw.grades, s.total_int)
    bw.finish_table(ws, header, last, len(cols), freeze_col=off + 4)
