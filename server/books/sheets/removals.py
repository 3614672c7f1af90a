"""The removals sheet: children taken off a roster this round, with the reason given."""

from __future__ import annotations

from collections import Counter, defaultdict

from server.books.writer import BookWriter, Table
from validators.fields import REMOVAL_REASONS


def write(bw: BookWriter) -> None:
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("removals")
    r = bw.title(
        ws,
        "จำนวนเด็กที่นำออกจากทะเบียน แยกตามเหตุผล",
        ["ตามทะเบียนนำออกของสถานศึกษา (หนังสือ 003 ข้อ 4.3.4): เหตุผล 1–3 คือเด็กที่ไม่มีตัวตน", bw.round_line()],
        8,
    )
    reasons = list(REMOVAL_REASONS)
    extra = sorted({reason for _u, reason, _n in b.removals if reason not in REMOVAL_REASONS})
    labels = [REMOVAL_REASONS[k] for k in reasons] + [x or "ไม่ระบุ" for x in extra]
    keys = reasons + extra
    cols = [("รหัส อปท.", "code", 10), ("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 26)]
    cols += [(label, "int", 12) for label in labels] + [("รวม", "int", 8)]
    table = Table(cols)
    table.widths[3:-1] = [14.0] * len(labels)
    bw.header_row(ws, r, table)
    ws.set_row(r, 60)
    header, r = r, r + 1
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for unit, reason, n in b.removals:
        per[unit][reason] += n
    lao_of = b.lao_of_institution()
    totals: Counter[str] = Counter()
    for inst in b.institutions:
        c = per.get(inst["code"])
        if not c:
            continue
        w.text(ws, r, 0, lao_of[inst["code"]], s.code)
        w.text(ws, r, 1, inst["code"], s.code)
        w.text(ws, r, 2, inst["name"], s.text)
        for i, k in enumerate(keys):
            ws.write_number(r, 3 + i, c.get(k, 0), s.int)
        ws.write_number(r, 3 + len(keys), sum(c.values()), s.int)
        totals.update(c)
        r += 1
    last = r - 1
    ws.write_string(r, 0, "รวม", s.total_text)
    ws.write_blank(r, 1, None, s.total_text)
    ws.write_blank(r, 2, None, s.total_text)
    for i, k in enumerate(keys):
        ws.write_number(r, 3 + i, totals.get(k, 0), s.total_int)
    ws.write_number(r, 3 + len(keys), sum(totals.values()), s.total_int)
    bw.finish_table(ws, header, last, len(cols), freeze_col=3)
