"""The changes sheet: units whose head count moved a lot against the previous round."""

from __future__ import annotations

from server.books import data as d
from server.books.writer import BookWriter, Table


def write(bw: BookWriter) -> None:
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("changes")
    basis = ", ".join(sorted(set(b.previous_rounds.values()))) or "-"
    r = bw.title(
        ws,
        "สถานศึกษาที่จำนวนนักเรียนเปลี่ยนแปลงมากเมื่อเทียบกับรอบก่อน",
        [
            f"เทียบกับข้อมูลที่จังหวัดยืนยันแล้วของรอบ {basis}: เปลี่ยนแปลงอย่างน้อย"
            f" {d.BIG_CHANGE_MIN} คน และอย่างน้อยร้อยละ {int(d.BIG_CHANGE_SHARE * 100)}"
            " ควรตรวจสอบว่ามีตัวตนจริง (นักเรียนที่ไม่มีตัวตน) หรือตกหล่น",
            bw.round_line(),
        ],
        9,
    )
    table = Table(
        [
            ("ประเภท", "text", 10),
            ("รหัส อปท.", "code", 10),
            ("ชื่อ อปท.", "text", 20),
            ("รหัสสถานศึกษา", "code", 12),
            ("ชื่อสถานศึกษา", "text", 26),
            ("รอบก่อน", "int", 9),
            ("รอบนี้", "int", 9),
            ("เปลี่ยนแปลง", "int", 10),
            ("ร้อยละ", "pct", 8),
        ]
    )
    table.measure([("", "", bw.unit_names.get(x["lao"], ""), "", x["name"]) for x in bw.changes[:2000]])
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    for x in bw.changes:
        ws.write_string(r, 0, "สถานศึกษา" if x["source"] == "roster" else "สังกัดอื่น", s.text)
        w.text(ws, r, 1, x["lao"], s.code)
        w.text(ws, r, 2, bw.unit_names.get(x["lao"], ""), s.text)
        w.text(ws, r, 3, x["code"], s.code)
        w.text(ws, r, 4, x["name"], s.text)
        ws.write_number(r, 5, x["before"], s.int)
        ws.write_number(r, 6, x["now"], s.int)
        ws.write_number(r, 7, x["diff"], s.bad if x["diff"] > 0 else s.warn)
        if x["share"] is None:
            ws.write_string(r, 8, "ใหม่", s.text)
        else:
            ws.write_number(r, 8, x["share"], s.pct)
        r += 1
    if not b.previous:
        bw.empty(ws, r, "ยังไม่มีข้อมูลที่จังหวัดยืนยันแล้วของรอบก่อนให้เปรียบเทียบ")
    elif not bw.changes:
        bw.empty(ws, r, "ไม่มีสถานศึกษาที่เปลี่ยนแปลงมาก")
    bw.finish_table(ws, header, r - 1, len(table.columns), freeze_col=3)
