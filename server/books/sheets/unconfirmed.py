"""The unconfirmed sheet: units that have not confirmed, their state and whether they are past the deadline."""

from __future__ import annotations

from server.books.writer import BookWriter, Table, be_datetime_serial
from server.storage import clock
from validators.fields import STATE_TH


def write(bw: BookWriter) -> None:
    s, w = bw.s, bw.w
    ws = bw.sheet("unconfirmed")
    r = bw.title(
        ws,
        "หน่วยงานที่ยังไม่ยืนยันข้อมูล และกำหนดเวลา",
        ["เรียงตามระดับ: สถานศึกษา → อปท. → จังหวัด (ยืนยันจากล่างขึ้นบน)", bw.round_line()],
        8,
    )
    table = Table(
        [
            ("ระดับ", "text", 10),
            ("รหัส", "code", 11),
            ("ชื่อหน่วยงาน", "text", 28),
            ("ต้นสังกัด", "text", 24),
            ("สถานะ", "text", 16),
            ("ส่งข้อมูลล่าสุด", "datetime", 16),
            ("กำหนดยืนยัน", "datetime", 16),
            ("เลยกำหนด", "text", 9),
        ]
    )
    table.measure(
        [("", "", x["unit"]["name"], bw.unit_names.get(x["unit"]["parent"] or "", "")) for x in bw.unconfirmed[:2000]]
    )
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    level_th = {"institution": "สถานศึกษา", "lao": "อปท.", "province": "จังหวัด"}
    for x in bw.unconfirmed:
        u = x["unit"]
        ws.write_string(r, 0, level_th[x["level"]], s.text)
        w.text(ws, r, 1, u["code"], s.code)
        w.text(ws, r, 2, u["name"], s.text)
        parent = u["parent"] or ""
        w.text(ws, r, 3, f"{bw.unit_names.get(parent, '')} ({parent})" if parent else "", s.text)
        ws.write_string(r, 4, STATE_TH[x["state"]], s.state(x["state"]))
        if x["roster"]:
            ws.write_number(r, 5, be_datetime_serial(x["roster"]["at"]) or 0, s.datetime)
        else:
            ws.write_blank(r, 5, None, s.text)
        ws.write_number(r, 6, be_datetime_serial(clock.iso(x["deadline"])) or 0, s.datetime)
        ws.write_string(r, 7, "เลยกำหนด" if x["overdue"] else "", s.bad if x["overdue"] else s.text)
        r += 1
    if bw.b.correcting:
        bw.empty(ws, r, "รอบแก้ไขข้อมูล: ไม่มีการยืนยัน การจัดสรรใช้ฐานการจัดสรรที่ยืนยันไว้เดิม")
    elif not bw.unconfirmed:
        bw.empty(ws, r, "ทุกหน่วยงานยืนยันข้อมูลแล้ว")
    bw.finish_table(ws, header, r - 1, len(table.columns), freeze_col=3)
