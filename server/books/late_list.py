"""The "late or missing" list of a province or the nation as a workbook: the call sheet a province officer
sends out or phones down, one row per unit not confirmed, overdue first.

Why a workbook and not a page only: officers forward it to LAOs by e-mail and LINE, sort and annotate it.
Every name and contact in it was typed by someone, so cells go through `SafeWriter` (no formula, no raw
markup) as in the consolidated books. Dates are Thai text ("11 พ.ย. 2569 17:00 น."), which no column width
turns into `###`; printed as the consolidated books are (`printing.lay_out`: A4 landscape, columns as wide
as their text, fitted to the page width or at a readable scale across pages), header row on every page.

    COLUMNS                           the sheet's columns (key, Thai header, width)
    late_list_bytes(view, rnd, now) -> (bytes, filename)    from `progress.overview`
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import xlsxwriter

from server.books.printing import PrintedSheet, lay_out
from server.books.safe import SafeWriter
from server.domain import progress, registry
from server.storage import clock
from validators.fields import STATE_TH

SHEET = "ยังไม่ยืนยัน"
FONT = {"font_name": "TH Sarabun New", "font_size": 14}
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("no", "ลำดับ", 6),
    ("level", "ระดับ", 10),
    ("code", "รหัส", 13),
    ("name", "ชื่อหน่วยงาน", 36),
    ("kind", "ประเภท", 9),
    ("parent", "สังกัด", 30),
    ("province", "จังหวัด", 10),
    ("state", "สถานะ", 22),
    ("overdue", "เลยกำหนด", 10),
    ("deadline", "กำหนด", 20),
    ("uploaded_at", "ส่งแฟ้มล่าสุด", 20),
    ("rows", "จำนวนแถว", 10),
    ("person", "ผู้รับผิดชอบ", 24),
    ("position", "ตำแหน่ง", 18),
    ("phone", "โทรศัพท์", 13),
)
HEAD_ROW = 3


def _cells(no: int, row: dict[str, Any]) -> dict[str, Any]:
    contact = row["contact"] or {}
    return {
        "no": no,
        "level": registry.LEVEL_SHORT_TH.get(row["level"], row["level"]),
        "code": row["code"],
        "name": row["name"],
        "kind": registry.KIND_SHORT_TH.get(row["kind"], row["kind"]),
        "parent": row["parent_name"],
        "province": row["province"],
        "state": STATE_TH.get(row["state"], row["state"]),
        "overdue": "เลยกำหนด" if row["overdue"] else "",
        "deadline": clock.thai_datetime(row["deadline"]) if row["deadline"] else "",
        "uploaded_at": clock.thai_datetime(row["uploaded_at"]) if row["uploaded_at"] else "",
        "rows": row["rows"],
        "person": contact.get("person"),
        "position": contact.get("position"),
        "phone": contact.get("phone"),
    }


def late_list_bytes(view: dict[str, Any], rnd: dict[str, Any], now: datetime) -> tuple[bytes, str]:
    """The workbook of `progress.late_rows(view)`; the filename names the round and the unit."""
    rows = progress.late_rows(view)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    w = SafeWriter(wb, FONT)
    title, head, cell, num = (
        w.style(bold=True, font_size=18),
        w.style(bold=True, border=1, bg_color="#E7E6E6", align="center", valign="vcenter", text_wrap=True),
        w.style(border=1, valign="top"),
        w.style(border=1, valign="top", num_format="#,##0"),
    )
    ws = wb.add_worksheet(SHEET, worksheet_class=PrintedSheet)
    ws.key_cols = 4  # number, level, code and name repeat on each page across
    unit = view["unit"]
    where = unit["name"] if unit["level"] == "national" else f"{unit['name']} ({unit['code']})"
    w.text(ws, 0, 0, f"หน่วยงานที่ยังไม่ยืนยันข้อมูล รอบ {rnd['id']} · {where}", title)
    overdue = sum(r["overdue"] for r in rows)
    w.text(ws, 1, 0, f"{len(rows):,} หน่วยงาน (เลยกำหนด {overdue:,}) ณ {clock.thai_datetime(now)}")
    for c, (_key, header, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
        w.text(ws, HEAD_ROW, c, header, head)
    for i, row in enumerate(rows, start=1):
        values = _cells(i, row)
        for c, (key, _header, _width) in enumerate(COLUMNS):
            value = values[key]
            if isinstance(value, int):
                w.number(ws, HEAD_ROW + i, c, value, num)
            elif value:
                w.text(ws, HEAD_ROW + i, c, value, cell)
            else:
                ws.write_blank(HEAD_ROW + i, c, None, cell)
    ws.freeze_panes(HEAD_ROW + 1, 4)
    ws.autofilter(HEAD_ROW, 0, HEAD_ROW + len(rows), len(COLUMNS) - 1)
    lay_out(ws)  # columns as wide as their text; fitted to the page width unless that is unreadably small
    ws.repeat_rows(HEAD_ROW)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&Lรอบ " + rnd["id"] + "&Rหน้า &P / &N")
    wb.close()
    return buf.getvalue(), f"late-{rnd['id']}-{unit['code']}.xlsx"
