"""The pupil sheets: every pupil row, split over as many sheets as Excel's row limit needs."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from server.books import data as d
from server.books.safe import FORMULA_TRIGGERS, excel_serial
from server.books.writer import EXCEL_MAX_ROWS, BookWriter, Table

PUPIL_HEADERS: tuple[tuple[str, str, float], ...] = (
    ("รหัส อปท.", "code", 10), ("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 28),
    ("เลขประจำตัวประชาชน / G-Code", "code", 17), ("คำนำหน้า", "text", 9), ("ชื่อ", "text", 14),
    ("นามสกุล", "text", 16), ("เพศ", "text", 5), ("วันเกิด", "date", 11), ("ชั้น", "text", 6),
    ("ห้อง", "text", 5), ("สัญชาติ", "text", 9), ("วันที่ย้ายเข้า", "date", 11),
)  # fmt: skip
PER_SHEET = EXCEL_MAX_ROWS - 5
"""Pupil rows on one sheet (below the title, subtitle and header rows)."""


def make_sheets(bw: BookWriter, table: Table) -> list[Worksheet]:
    """As many pupil sheets as the rows need, each with its title and header (added before any row)."""
    n_sheets = max(1, -(-bw.pupil_total // PER_SHEET))
    sheets = []
    for k in range(n_sheets):
        ws = bw.sheet("pupils", suffix=f" ({k + 1})" if n_sheets > 1 else "")
        bw.w.text(
            ws,
            0,
            0,
            f"รายชื่อนักเรียนและเด็กเล็ก {bw.unit_label}" + (f" ส่วนที่ {k + 1} จาก {n_sheets}" if n_sheets > 1 else ""),
            bw.s.title,
        )
        bw.w.text(ws, 1, 0, bw.round_line(), bw.s.subtitle)
        bw.header_row(ws, 3, table)
        sheets.append(ws)
    return sheets


def write(bw: BookWriter) -> None:  # noqa: PLR0915  (one hot loop over 100,000 rows: no call per row)
    """The pupils, streamed from SQLite straight into the sheet: the hot loop of a province book."""
    assert bw.pupils is not None
    s = bw.s
    per_sheet = PER_SHEET
    table = Table(PUPIL_HEADERS)
    table.measure([("", "", i["name"]) for i in bw.b.institutions[:3000]])
    sheets = make_sheets(bw, table)
    ws = sheets[0]
    sheet_no, r = 0, 4
    string, number = ws.write_string, ws.write_number
    fmt_text, fmt_code, fmt_date = s.text, s.code, s.date
    slow = bw.w.text
    trig = FORMULA_TRIGGERS | {"<"}
    current = None
    lao_code = code = name = ""
    for inst, row in bw.pupils():
        if r > per_sheet + 3:
            bw.finish_table(ws, 3, r - 1, len(table.columns), freeze_col=4)
            sheet_no += 1
            ws, r = sheets[sheet_no], 4
            string, number = ws.write_string, ws.write_number
        if inst is not current:
            current = inst
            lao_code, code, name = inst["parent"], inst["code"], inst["name"] or ""
            name_safe = not name or name[0] not in trig
        string(r, 0, lao_code, fmt_code)
        string(r, 1, code, fmt_code)
        if name_safe:
            if name:
                string(r, 2, name, fmt_text)
        else:
            slow(ws, r, 2, name, fmt_text)
        cid, prefix, first, last, sex, birth, grade, room, nat, entry = row
        c = 3
        for value in (cid, prefix, first, last, sex):
            if value:
                if value[0] in trig:
                    slow(ws, r, c, value, fmt_code if c == 3 else fmt_text)
                else:
                    string(r, c, value, fmt_code if c == 3 else fmt_text)
            c += 1
        serial = excel_serial(birth)
        if serial is not None:
            number(r, 8, serial, fmt_date)
        elif birth:
            slow(ws, r, 8, birth, fmt_text)
        for c, value in ((9, grade or d.CHILD_CENTRE), (10, room), (11, nat)):
            if value:
                if value[0] in trig:
                    slow(ws, r, c, value, fmt_text)
                else:
                    string(r, c, value, fmt_text)
        if entry:
            serial = excel_serial(entry)
            if serial is not None:
                number(r, 12, serial, fmt_date)
            else:
                slow(ws, r, 12, entry, fmt_text)
        r += 1
    if r == 4:
        bw.empty(ws, r, "ยังไม่มีรายชื่อนักเรียน")
    bw.finish_table(ws, 3, r - 1, len(table.columns), freeze_col=4)
    for other in sheets[sheet_no + 1 :]:
        bw.finish_table(other, 3, 3, len(table.columns), freeze_col=4)
