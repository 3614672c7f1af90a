"""The chart sheet: head counts by level and sex, drawn from the summary sheet's cells."""

from __future__ import annotations

from collections import Counter

from server.books.writer import FONT, INT, SHEET, BookWriter, Table


def write(bw: BookWriter) -> None:
    b, s = bw.b, bw.s
    ws = bw.sheet("charts")
    ws.hide_gridlines(2)
    child = {"lao": "สถานศึกษา", "province": " อปท.", "national": "จังหวัด"}[b.scope]
    r = bw.title(ws, "แผนภูมิ", ["ความคืบหน้าการยืนยันข้อมูล และจำนวนนักเรียนราย" + child], 6)
    table = Table(
        [("ระดับ", "text", 14), ("ยืนยันแล้ว", "int", 12), ("ส่งข้อมูลแล้ว รอยืนยัน", "int", 14), ("ยังไม่ส่ง/ยังไม่ยืนยัน", "int", 14)]
    )
    bw.header_row(ws, r, table)
    levels = [("สถานศึกษา", b.institutions), ("อปท.", b.laos)]
    if b.scope == "national":
        levels.append(("จังหวัด", b.provinces))
    first = r + 1
    for i, (label, units) in enumerate(levels):
        states = Counter(bw.state_of(u) for u in units)
        ws.write_string(first + i, 0, label, s.text)
        ws.write_number(first + i, 1, states["confirmed"], s.int)
        ws.write_number(first + i, 2, states["uploaded"], s.int)
        ws.write_number(first + i, 3, states["not_uploaded"] + states["unconfirmed"], s.int)
    last = first + len(levels) - 1
    sheet = SHEET["charts"]
    progress = bw.wb.add_chart({"type": "bar", "subtype": "percent_stacked"})
    for col, color in ((1, "#70AD47"), (2, "#FFC000"), (3, "#C00000")):
        progress.add_series(
            {
                "name": [sheet, r, col],
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col],
                "fill": {"color": color},
                "data_labels": {"value": True},
            }
        )
    progress.set_title({"name": "ความคืบหน้าการยืนยันข้อมูล", "name_font": {"name": FONT["font_name"]}})
    progress.set_legend({"position": "top", "font": {"name": FONT["font_name"]}})
    progress.set_y_axis({"num_font": {"name": FONT["font_name"]}})
    progress.set_x_axis({"num_font": {"name": FONT["font_name"]}})
    height = 150 + 45 * len(levels)
    progress.set_size({"width": 900, "height": height})
    ws.insert_chart(last + 2, 0, progress)
    # counts by unit below: stacked bars of own pupils and other affiliation, from the summary sheet
    n = bw.summary_last - bw.summary_first + 1
    if n > 0:
        bars = bw.wb.add_chart({"type": "bar", "subtype": "stacked"})
        summ = SHEET["summary"]
        cats = [summ, bw.summary_first, bw.summary_cols["name"], bw.summary_last, bw.summary_cols["name"]]
        for key, label, color in (("own", "นักเรียนในสังกัด อปท.", "#4472C4"), ("other", "สังกัดอื่น", "#A5A5A5")):
            col = bw.summary_cols[key]
            bars.add_series(
                {
                    "name": label,
                    "categories": cats,
                    "values": [summ, bw.summary_first, col, bw.summary_last, col],
                    "fill": {"color": color},
                    "gap": 40,
                }
            )
        bars.set_title({"name": f"จำนวนนักเรียนราย{child}", "name_font": {"name": FONT["font_name"]}})
        bars.set_legend({"position": "top", "font": {"name": FONT["font_name"]}})
        bars.set_y_axis({"reverse": True, "num_font": {"name": FONT["font_name"]}})
        bars.set_x_axis(
            {
                "num_format": INT,
                "num_font": {"name": FONT["font_name"]},
                "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
            }
        )
        bars.set_size({"width": 900, "height": max(320, 110 + 18 * n)})
        ws.insert_chart(last + 2, 0, bars, {"y_offset": height + 20})
