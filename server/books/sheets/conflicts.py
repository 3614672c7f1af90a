"""The conflicts sheet: citizen IDs on more than one roster, with every unit that lists them (and the
other-affiliation pupil lists that name them: such a side is its LAO's code and the school's name)."""

from __future__ import annotations

from server.books import data as d
from server.books.writer import BookWriter, Table


def write(bw: BookWriter) -> None:
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("conflicts")
    r = bw.title(
        ws,
        "เด็กที่มีชื่ออยู่ในสถานศึกษามากกว่าหนึ่งแห่ง (เลขประจำตัวซ้ำ)",
        [
            "ต้องแก้ไขก่อน อปท. ยืนยันได้: สถานศึกษาที่เด็กไม่ได้เรียนอยู่จริงนำเด็กออกพร้อมเหตุผล · ติดต่อกันได้ตามรหัสและชื่อที่แสดง",
            bw.round_line(),
        ],
        10,
    )
    table = Table(
        [
            ("เลขประจำตัว", "code", 16),
            ("ลำดับ", "int", 6),
            ("รหัสสถานศึกษา", "code", 12),
            ("ชื่อสถานศึกษา", "text", 24),
            ("รหัส อปท.", "code", 10),
            ("ชื่อ อปท.", "text", 20),
            ("จังหวัด", "code", 7),
            ("ชื่อ", "text", 12),
            ("นามสกุล", "text", 14),
            ("ชั้น", "text", 7),
            ("อยู่ในแฟ้มนี้", "text", 9),
        ]
    )
    table.measure(
        [
            ("", "", "", u["name"] or "", "", u["lao_name"] or "", "", u["first_name"] or "", u["last_name"] or "")
            for cf in b.conflicts[:2000]
            for u in cf["units"]
        ]
    )
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    inside = {i["code"] for i in b.institutions} | {u["code"] for u in b.laos}  # an LAO: its other-affiliation list
    for cf in b.conflicts:
        for k, u in enumerate(cf["units"], start=1):
            w.text(ws, r, 0, cf["citizen_id"], s.code)
            ws.write_number(r, 1, k, s.int)
            w.text(ws, r, 2, u["code"], s.code)
            w.text(ws, r, 3, u["name"], s.text)
            w.text(ws, r, 4, u["lao"], s.code)
            w.text(ws, r, 5, u["lao_name"], s.text)
            w.text(ws, r, 6, u["province"], s.code)
            w.text(ws, r, 7, u["first_name"], s.text)
            w.text(ws, r, 8, u["last_name"], s.text)
            w.text(ws, r, 9, u["grade"] or ("–" if u.get("other_school_code") else d.CHILD_CENTRE), s.text)
            ws.write_string(r, 10, "ใช่" if u["code"] in inside else "ไม่ใช่", s.text)
            r += 1
    if not b.conflicts:
        bw.empty(ws, r, "ไม่มีเด็กซ้ำซ้อน")
    bw.finish_table(ws, header, r - 1, len(table.columns), freeze_col=1)
