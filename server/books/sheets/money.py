"""The money sheet: the estimated lunch, milk and per-head money from the rates in rates.json."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from xlsxwriter.worksheet import Worksheet

from server.books import data as d
from server.books import money
from server.books.writer import BookWriter, Table

Estimate = tuple[str, str, str, str, money.Estimate]
"""(LAO code, unit code, unit name, affiliation, estimate) for one institution or other-affiliation school."""


def banner(bw: BookWriter, ws: Worksheet, r: int) -> int:
    """The warning that these are estimates, and the rates' sources and assumptions; the next free row."""
    s, w, rates = bw.s, bw.w, bw.rates
    ws.set_row(r, 44)
    ws.merge_range(r, 0, r, 11, "", s.banner)
    ws.write_string(
        r,
        0,
        "⚠ ประมาณการจากจำนวนนักเรียนในแฟ้มนี้เท่านั้น ไม่ใช่ยอดจัดสรรงบประมาณ"
        " อัตราเปลี่ยนตามมติคณะรัฐมนตรี ตรวจสอบแหล่งที่มาด้านล่างก่อนใช้อ้างอิง",
        s.banner,
    )
    r += 1
    for src in rates["sources"]:
        mark = "" if src.get("verified") else " (ยังไม่ได้ตรวจสอบ)"
        w.text(ws, r, 0, f"• {src['what']} — ที่มา: {src['source']}{mark}", s.note)
        r += 1
    for a in rates.get("assumptions", []):
        w.text(ws, r, 0, f"• ข้อสมมุติ: {a}", s.note)
        r += 1
    r += 1
    return r


def columns(national: bool) -> list[tuple[str, str, float]]:
    cols: list[tuple[str, str, float]] = [("จังหวัด", "code", 7)] if national else []
    cols += [("รหัส อปท.", "code", 10), ("ชื่อ อปท.", "text", 20)]
    if not national:
        cols += [("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 26), ("สังกัด", "text", 9)]
    cols += [("นักเรียน อ.1–ป.6 / เด็กเล็ก", "int", 11)]
    if not national:
        cols += [("อัตรา (บาท/คน/วัน)", "money", 9), ("จำนวนวัน", "int", 7)]
    cols += [("ค่าอาหารกลางวัน (บาท)", "money", 15), ("นมพาสเจอร์ไรส์ (บาท)", "money", 15), ("นม UHT (บาท)", "money", 15)]
    return cols


def estimates(bw: BookWriter, *, basis: bool = False) -> list[Estimate]:
    """Every institution's and every other-affiliation school's estimate, in the book's order; with
    `basis`, from the allocation basis of a correction round instead of the data in the window."""
    b, rates = bw.b, bw.rates
    out: list[Estimate] = []
    for inst in b.institutions:
        c = b.basis.get(("roster", inst["code"]), {}) if basis else b.counts.get(inst["code"], {})
        by_grade = {g: c.get((g, "ชาย"), 0) + c.get((g, "หญิง"), 0) for g, _s in c}
        cdc_children = sum(by_grade.pop(label, 0) for label in d.CHILD_CENTRE_LABELS)
        est = money.estimate(by_grade, cdc_children, child_centre=inst["kind"] == "cdc", rates=rates)
        out.append((inst["parent"], inst["code"], inst["name"], "อปท.", est))
    for x in b.other:
        c = b.basis.get(("other", f"{x['lao_code']}/{x['other_school_code']}"), {}) if basis else b.other_counts(x)
        by_grade = {g: c.get((g, "ชาย"), 0) + c.get((g, "หญิง"), 0) for g, _s in c}
        est = money.estimate(by_grade, 0, child_centre=False, rates=rates)
        out.append(
            (x["lao_code"], x["other_school_code"], x["other_school_name"] or "", x["affiliation"] or "สังกัดอื่น", est)
        )
    return out


def lao_rows(bw: BookWriter, ws: Worksheet, r: int, found: list[Estimate], totals: list[float]) -> int:
    """The national book: one row per LAO, its institutions' estimates added up; the next free row."""
    b, s, w = bw.b, bw.s, bw.w
    per_lao: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for lao, _c, _n, _a, e in found:
        acc = per_lao[lao]
        acc[0] += e.eligible
        acc[1] += e.lunch
        acc[2] += e.milk_pasteurised
        acc[3] += e.milk_uht
    prov_of = b.province_of_lao()
    for lao in b.laos:
        acc = per_lao.get(lao["code"], [0, 0.0, 0.0, 0.0])
        w.text(ws, r, 0, prov_of.get(lao["code"], ""), s.code)
        w.text(ws, r, 1, lao["code"], s.code)
        w.text(ws, r, 2, lao["name"], s.text)
        ws.write_number(r, 3, acc[0], s.int)
        for i in range(3):
            ws.write_number(r, 4 + i, acc[1 + i], s.money)
        for i in range(4):
            totals[i] += acc[i]
        r += 1
    return r


def unit_rows(bw: BookWriter, ws: Worksheet, r: int, found: list[Estimate], totals: list[float]) -> int:
    """An LAO or province book: one row per institution or other-affiliation school; the next free row."""
    s, w = bw.s, bw.w
    for lao, code, name, aff, e in found:
        w.text(ws, r, 0, lao, s.code)
        w.text(ws, r, 1, bw.unit_names.get(lao, ""), s.text)
        w.text(ws, r, 2, code, s.code)
        w.text(ws, r, 3, name, s.text)
        w.text(ws, r, 4, aff, s.text)
        ws.write_number(r, 5, e.eligible, s.int)
        ws.write_number(r, 6, e.lunch_rate, s.money)
        ws.write_number(r, 7, e.lunch_days, s.int)
        ws.write_number(r, 8, e.lunch, s.money)
        ws.write_number(r, 9, e.milk_pasteurised, s.money)
        ws.write_number(r, 10, e.milk_uht, s.money)
        totals[0] += e.eligible
        totals[1] += e.lunch
        totals[2] += e.milk_pasteurised
        totals[3] += e.milk_uht
        r += 1
    return r


def total_row(
    bw: BookWriter, ws: Worksheet, r: int, cols: list[tuple[str, str, float]], national: bool, totals: list[float]
) -> None:
    s = bw.s
    ncols = len(cols)
    ws.write_string(r, 0, "รวม (ประมาณการ)", s.total_text)
    for c in range(1, ncols - 4):
        ws.write_blank(r, c, None, s.total_text)
    ws.write_number(r, ncols - 4 if national else 5, totals[0], s.total_int)
    if not national:
        ws.write_blank(r, 6, None, s.total_text)
        ws.write_blank(r, 7, None, s.total_text)
    for i in range(3):
        ws.write_number(r, ncols - 3 + i, totals[1 + i], s.total_money)


CORRECTION_COLUMNS: list[tuple[str, str, float]] = [
    ("รหัส อปท.", "code", 10),
    ("ชื่อ อปท.", "text", 20),
    ("รหัสสถานศึกษา", "code", 12),
    ("ชื่อสถานศึกษา", "text", 26),
    ("นักเรียน (ฐานการจัดสรร)", "int", 11),
    ("ค่าอาหารกลางวัน (ฐานการจัดสรร)", "money", 15),
    ("นมพาสเจอร์ไรส์ (ฐานการจัดสรร)", "money", 15),
    ("นม UHT (ฐานการจัดสรร)", "money", 15),
    ("นักเรียน (หลังแก้ไข)", "int", 11),
    ("ค่าอาหารกลางวัน (หลังแก้ไข)", "money", 15),
    ("ผลต่างค่าอาหารกลางวัน", "money", 15),
]


def write_correction(bw: BookWriter) -> None:
    """A correction round: the estimate on the allocation basis, the corrected figure beside it (the
    national book adds up per LAO)."""
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("money")
    lines = [b.basis_label or "", "ประมาณการคำนวณจากฐานการจัดสรร ตัวเลขหลังแก้ไขแสดงไว้เทียบ", bw.round_line()]
    r = bw.title(ws, "ประมาณการค่าอาหารกลางวันและค่าอาหารเสริม (นม) ต่อปี: ฐานการจัดสรรและหลังแก้ไข", lines, 11)
    r = banner(bw, ws, r)
    table = Table(CORRECTION_COLUMNS)
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    rows: dict[tuple[str, str], list[Any]] = {}
    national = b.scope == "national"
    for which, found in ((0, estimates(bw, basis=True)), (1, estimates(bw))):
        for lao, code, name, _aff, e in found:
            key = (lao, "" if national else code)
            acc = rows.setdefault(key, ["" if national else name, 0, 0.0, 0.0, 0.0, 0, 0.0])
            if which == 0:
                acc[1] += e.eligible
                acc[2] += e.lunch
                acc[3] += e.milk_pasteurised
                acc[4] += e.milk_uht
            else:
                acc[5] += e.eligible
                acc[6] += e.lunch
    totals = [0.0] * 7
    for (lao, code), acc in rows.items():
        w.text(ws, r, 0, lao, s.code)
        w.text(ws, r, 1, bw.unit_names.get(lao, ""), s.text)
        w.text(ws, r, 2, code, s.code)
        w.text(ws, r, 3, acc[0], s.text)
        values = [acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[6] - acc[2]]
        for i, v in enumerate(values):
            ws.write_number(r, 4 + i, v, s.int if i in (0, 4) else s.money)
            totals[i] += v
        r += 1
    last = r - 1
    ws.write_string(r, 0, "รวม (ประมาณการ)", s.total_text)
    for c in range(1, 4):
        ws.write_blank(r, c, None, s.total_text)
    for i, v in enumerate(totals):
        ws.write_number(r, 4 + i, v, s.total_int if i in (0, 4) else s.total_money)
    bw.money_totals = [totals[0], totals[1], totals[2], totals[3]]
    bw.money_corrected = (totals[4], totals[5])
    bw.finish_table(ws, header, last, len(CORRECTION_COLUMNS), freeze_col=2)


def write(bw: BookWriter) -> None:
    b = bw.b
    if b.correcting:
        write_correction(bw)
        return
    ws = bw.sheet("money")
    r = bw.title(ws, "ประมาณการค่าอาหารกลางวันและค่าอาหารเสริม (นม) ต่อปี", [bw.round_line()], 12)
    r = banner(bw, ws, r)
    national = b.scope == "national"
    cols = columns(national)
    table = Table(cols)
    if national:
        table.measure([("", "", u["name"]) for u in b.laos[:3000]])
    else:
        table.measure([("", bw.unit_names.get(i["parent"], ""), "", i["name"]) for i in b.institutions[:3000]])
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    found = estimates(bw)
    totals: list[float] = [0, 0.0, 0.0, 0.0]
    r = (lao_rows if national else unit_rows)(bw, ws, r, found, totals)
    last = r - 1
    total_row(bw, ws, r, cols, national, totals)
    bw.money_totals = totals
    bw.finish_table(ws, header, last, len(cols), freeze_col=2)
