"""The spot-check sheet: every child the province's spot-checks sampled here, found or not, with notes.

A child not found is the institution's notice (letter 000 §9.4): it stays visible here, marked, while
the roster still lists the child, so whoever signs the book sees it.
"""

from __future__ import annotations

from server.books import data as d
from server.books.writer import BookWriter, Table

RESULT_TH = {True: "พบ", False: "ไม่พบ", None: "ยังไม่ได้ตรวจ"}


def write(bw: BookWriter) -> None:
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("spot_checks")
    missing = sum(1 for x in b.spot_checks if x["found"] is False)
    r = bw.title(
        ws,
        "ผลการสุ่มตรวจสอบการมีตัวตนของเด็ก (หนังสือ ๐๐๐ ข้อ ๙.๔)",
        [
            f"สุ่มตรวจ {len(b.spot_checks):,} คน · ไม่พบตัว {missing:,} คน: สถานศึกษาที่ไม่พบตัวเด็กต้องนำชื่อออกหรือชี้แจง",
            bw.round_line(),
        ],
        11,
    )
    table = Table(
        [
            ("ครั้งที่", "int", 7),
            ("รหัสสถานศึกษา", "code", 12),
            ("ชื่อสถานศึกษา", "text", 26),
            ("เลขประจำตัว", "code", 16),
            ("ชื่อ", "text", 12),
            ("นามสกุล", "text", 14),
            ("ชั้น", "text", 7),
            ("ผลการตรวจ", "text", 11),
            ("หมายเหตุ", "text", 26),
            ("ยังอยู่ในทะเบียน", "text", 10),
            ("คำชี้แจงของสถานศึกษา", "text", 30),
        ]
    )
    table.measure([("", "", x["unit_name"] or "", "", x["first_name"] or "", x["last_name"] or "", "", "",
                    x["note"] or "", "", x.get("explanation") or "") for x in b.spot_checks[:2000]])  # fmt: skip
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    for x in b.spot_checks:
        ws.write_number(r, 0, x["spot_check"], s.int)
        w.text(ws, r, 1, x["unit_code"], s.code)
        w.text(ws, r, 2, x["unit_name"], s.text)
        w.text(ws, r, 3, x["citizen_id"], s.code)
        w.text(ws, r, 4, x["first_name"], s.text)
        w.text(ws, r, 5, x["last_name"], s.text)
        w.text(ws, r, 6, x["grade"] or d.CHILD_CENTRE, s.text)
        ws.write_string(r, 7, RESULT_TH[x["found"]], s.text)
        w.text(ws, r, 8, x["note"] or "", s.text)
        ws.write_string(r, 9, "ใช่" if x["still_listed"] else "ไม่ใช่", s.text)
        explained = (
            f"{x['explanation']} ({x['explained_by'] or ''} {x['explained_at_th']})" if x.get("explanation") else ""
        )
        w.text(ws, r, 10, explained, s.text)
        r += 1
    if not b.spot_checks:
        bw.empty(ws, r, "ยังไม่มีการสุ่มตรวจสอบในรอบนี้")
    bw.finish_table(ws, header, r - 1, len(table.columns), freeze_col=1)
