"""The summary sheet: one row per unit directly below the book's unit, its state and head counts."""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from server.books import data as d
from server.books.writer import KIND_TH, SHEET, BookWriter, Table, be_datetime_serial
from server.storage import clock
from validators.fields import STATE_TH


def summary_rows(bw: BookWriter) -> list[dict[str, Any]]:
    """One row per unit directly below the book's unit (institutions, LAOs or provinces)."""
    b, rows = bw.b, []
    if b.scope == "lao":
        lao = b.unit
        for inst in bw.insts_by_lao[lao["code"]]:
            rows.append(
                {"unit": inst, "counts": b.counts.get(inst["code"], {}), "other": 0, "insts": None, "laos": None}
            )
        rows.append(
            {
                "unit": {
                    "code": "",
                    "name": f"สถานศึกษาสังกัดอื่น ({len(b.other)} แห่ง)",
                    "kind": "other",
                    "level": "lao_other",
                },
                "counts": {},
                "other": bw.lao_other[lao["code"]],
                "insts": None,
                "laos": None,
                "state_of": lao,
            }
        )
    elif b.scope == "province":
        for lao in b.laos:
            kids = bw.insts_by_lao[lao["code"]]
            rows.append(
                {
                    "unit": lao,
                    "counts": bw.lao_counts[lao["code"]],
                    "other": bw.lao_other[lao["code"]],
                    "insts": (sum(1 for i in kids if i["code"] in b.confirmations), len(kids)),
                    "laos": None,
                }
            )
    else:
        for prov in b.provinces:
            laos = bw.laos_by_prov[prov["code"]]
            insts = [i for u in laos for i in bw.insts_by_lao[u["code"]]]
            rows.append(
                {
                    "unit": prov,
                    "counts": bw.prov_counts[prov["code"]],
                    "other": bw.prov_other[prov["code"]],
                    "insts": (sum(1 for i in insts if i["code"] in b.confirmations), len(insts)),
                    "laos": (sum(1 for u in laos if u["code"] in b.confirmations), len(laos)),
                }
            )
    return rows


def columns(bw: BookWriter) -> tuple[list[tuple[str, str, float]], int]:
    """The summary's columns (header, kind, width) and the index of its first level-count column."""
    b = bw.b
    child = {"lao": "สถานศึกษา", "province": "อปท.", "national": "จังหวัด"}[b.scope]
    sp = " " if b.scope == "province" else ""
    cols: list[tuple[str, str, float]] = [
        (f"รหัส{sp}{child}", "code", 11),
        (f"ชื่อ{sp}{child}", "text", 30),
        ("ประเภท", "text", 10),
    ]
    if b.scope == "national":
        cols += [("อปท. ยืนยันแล้ว", "int", 9), ("อปท. ทั้งหมด", "int", 9)]
    if b.scope != "lao":
        cols += [("สถานศึกษา ยืนยันแล้ว", "int", 10), ("สถานศึกษา ทั้งหมด", "int", 10)]
    cols += [("สถานะ", "text", 14), ("ยืนยันโดย", "text", 18), ("ยืนยันเมื่อ", "datetime", 16)]
    first_level_col = len(cols)
    for _name, _g in bw.levels:
        cols += [("ชาย", "int", 8), ("หญิง", "int", 8)]
    cols += [
        ("รวมชาย", "int", 9),
        ("รวมหญิง", "int", 9),
        ("นักเรียนในสังกัด อปท.", "int", 11),
        ("สังกัดอื่น", "int", 10),
        ("รวมทั้งสิ้น", "int", 11),
    ]
    if b.correcting:
        cols += [("ฐานการจัดสรร รวม", "int", 11), ("ผลต่างจากฐาน", "int", 10)]
    return cols, first_level_col


def basis_total(bw: BookWriter, row: dict[str, Any]) -> int:
    """The row's total in the allocation basis (correction rounds)."""
    u = row["unit"]
    if u.get("level") == "lao_other":
        return bw.basis_of(row["state_of"])[1]
    own, other = bw.basis_of(u)
    return sum(own.values()) + other


def head_lines(bw: BookWriter) -> list[str]:
    """The lines under the title: the round, the book unit's own state, how many units below confirmed."""
    b = bw.b
    conf = b.confirmations.get(b.unit["code"])
    if b.correcting:
        states = [bw.state_of(u) for u in (b.institutions if b.scope != "national" else b.provinces)]
        return [
            bw.round_line(),
            b.basis_label or "ฐานการจัดสรร: ไม่พบข้อมูลที่จังหวัดยืนยันไว้",
            f"รอบแก้ไขข้อมูล: แก้ไขได้โดยไม่ต้องยืนยัน · แก้ไขแล้ว {states.count('corrected'):,}"
            f" · ไม่เปลี่ยนแปลง {states.count('unchanged'):,} หน่วยงาน",
        ]
    if b.scope == "national":
        state_line = (
            f"จังหวัดยืนยันแล้ว {sum(1 for p in b.provinces if p['code'] in b.confirmations)} จาก {len(b.provinces)} จังหวัด"
        )
    elif conf:
        state_line = f"สถานะ: ยืนยันแล้ว โดย {conf['person']} ({conf['login']}) เมื่อ {clock.thai_datetime(conf['at'])}"
    else:
        level = "province" if b.scope == "province" else "lao"
        state_line = f"สถานะ: ยังไม่ยืนยัน · กำหนดยืนยัน {clock.thai_datetime(b.deadline(level))}"
    n_conf_insts = sum(1 for i in b.institutions if i["code"] in b.confirmations)
    progress = f"สถานศึกษายืนยันแล้ว {n_conf_insts:,} จาก {len(b.institutions):,} แห่ง"
    if b.scope != "lao":
        n_conf_laos = sum(1 for u in b.laos if u["code"] in b.confirmations)
        progress += f" · อปท. ยืนยันแล้ว {n_conf_laos:,} จาก {len(b.laos):,} แห่ง"
    return [bw.round_line(), state_line, progress]


def issue_links(bw: BookWriter, ws: Worksheet, r: int) -> None:
    """The issue counts, each a link to its sheet."""
    b, s, w = bw.b, bw.s, bw.w
    issues = [
        ("conflicts", f"เด็กซ้ำซ้อนกับสถานศึกษาอื่น {len(b.conflicts):,} ราย"),
        ("unconfirmed", f"ยังไม่ยืนยัน {len(bw.unconfirmed):,} หน่วยงาน"),
        ("changes", f"เปลี่ยนแปลงมากจากรอบก่อน {len(bw.changes):,} แห่ง"),
        ("removals", f"นำออก {sum(n for _u, _r, n in b.removals):,} ราย"),
        ("money", "ประมาณการค่าอาหารกลางวันและนม"),
    ]
    if b.correcting:
        diff = sum(bw.total.values()) + bw.total_other - sum(bw.basis_total.values()) - bw.basis_other
        issues[1] = ("correction", f"ผลต่างจากฐานการจัดสรร {diff:+,} คน")
    w.text(ws, r, 0, "ประเด็นที่ต้องตรวจสอบ:", s.label)
    for i, (key, label) in enumerate(issues):
        ws.write_url(r, 1 + 2 * i, f"internal:'{SHEET[key]}'!A1", s.link, string=label)


def unit_row(bw: BookWriter, ws: Worksheet, r: int, row: dict[str, Any]) -> tuple[int, int]:
    """One unit's row; returns its male and female totals (for the total row)."""
    b, s, w = bw.b, bw.s, bw.w
    u = row["unit"]
    c = 0
    w.text(ws, r, 0, u["code"], s.code)
    w.text(ws, r, 1, u["name"], s.text)
    w.text(ws, r, 2, KIND_TH.get(u["kind"], "สังกัดอื่น"), s.text)
    c = 3
    if b.scope == "national":
        ws.write_number(r, c, row["laos"][0], s.int)
        ws.write_number(r, c + 1, row["laos"][1], s.int)
        c += 2
    if b.scope != "lao":
        ws.write_number(r, c, row["insts"][0], s.int)
        ws.write_number(r, c + 1, row["insts"][1], s.int)
        c += 2
    state_unit = row.get("state_of", u)
    state = bw.state_of(state_unit)
    if u.get("level") == "lao_other":
        state = "confirmed" if state_unit["code"] in b.rosters else "not_uploaded"
        ws.write_string(r, c, "ส่งข้อมูลแล้ว" if state == "confirmed" else "ยังไม่ส่งข้อมูล", s.state(state))
    else:
        ws.write_string(r, c, STATE_TH[state], s.state(state))
    cf = b.confirmations.get(u["code"])
    if cf:
        w.text(ws, r, c + 1, cf["person"], s.text)
        ws.write_number(r, c + 2, be_datetime_serial(cf["at"]) or 0, s.datetime)
    else:
        ws.write_blank(r, c + 1, None, s.text)
        ws.write_blank(r, c + 2, None, s.text)
    c += 3
    lv = d.totals_by_level(row["counts"])
    for name, _g in bw.levels:
        ws.write_number(r, c, lv.get((name, "ชาย"), 0), s.int)
        ws.write_number(r, c + 1, lv.get((name, "หญิง"), 0), s.int)
        c += 2
    m = sum(n for (_g, sx), n in row["counts"].items() if sx == "ชาย")
    f = sum(n for (_g, sx), n in row["counts"].items() if sx == "หญิง")
    own = sum(row["counts"].values())
    values = [m, f, own, row["other"], own + row["other"]]
    if b.correcting:
        base = basis_total(bw, row)
        values += [base, own + row["other"] - base]
    for v in values:
        ws.write_number(r, c, v, s.int)
        c += 1
    return m, f


def total_row(
    bw: BookWriter, ws: Worksheet, r: int, rows: list[dict[str, Any]], first_level_col: int, tot_m: int, tot_f: int
) -> None:
    b, s = bw.b, bw.s
    ws.write_string(r, 0, "รวม", s.total_text)
    ws.write_string(r, 1, f"{len(rows):,} รายการ", s.total_text)
    for c in range(2, first_level_col):
        ws.write_blank(r, c, None, s.total_text)
    c = 3
    if b.scope == "national":
        ws.write_number(r, c, sum(x["laos"][0] for x in rows), s.total_int)
        ws.write_number(r, c + 1, sum(x["laos"][1] for x in rows), s.total_int)
        c += 2
    if b.scope != "lao":
        ws.write_number(r, c, sum(x["insts"][0] for x in rows), s.total_int)
        ws.write_number(r, c + 1, sum(x["insts"][1] for x in rows), s.total_int)
    c = first_level_col
    lv = d.totals_by_level(bw.total)
    for name, _g in bw.levels:
        ws.write_number(r, c, lv.get((name, "ชาย"), 0), s.total_int)
        ws.write_number(r, c + 1, lv.get((name, "หญิง"), 0), s.total_int)
        c += 2
    own = sum(bw.total.values())
    values = [tot_m, tot_f, own, bw.total_other, own + bw.total_other]
    if b.correcting:
        base = sum(bw.basis_total.values()) + bw.basis_other
        values += [base, own + bw.total_other - base]
    for v in values:
        ws.write_number(r, c, v, s.total_int)
        c += 1


def write(bw: BookWriter) -> None:
    s, w = bw.s, bw.w
    ws = bw.sheet("summary")
    bw.summary_ws = ws
    rows = summary_rows(bw)
    cols, first_level_col = columns(bw)
    table = Table(cols)
    table.measure([("", r["unit"]["name"]) for r in rows])
    r = bw.title(ws, f"สรุปจำนวนนักเรียนและเด็กเล็ก {bw.unit_label}", head_lines(bw), len(cols))
    issue_links(bw, ws, r)
    r += 2
    # header: level groups, then column names
    group_row = r
    ws.set_row(group_row, 18)
    for i, (name, _g) in enumerate(bw.levels):
        c = first_level_col + 2 * i
        ws.merge_range(group_row, c, group_row, c + 1, name, s.group)
    header = group_row + 1
    bw.header_row(ws, header, table)
    r = header + 1
    bw.summary_first = r
    tot_m = tot_f = 0
    for row in rows:
        m, f = unit_row(bw, ws, r, row)
        tot_m, tot_f = tot_m + m, tot_f + f
        r += 1
    bw.summary_last = r - 1
    extra = 2 if bw.b.correcting else 0
    bw.summary_cols = {"name": 1, "own": len(cols) - 3 - extra, "other": len(cols) - 2 - extra}
    total_row(bw, ws, r, rows, first_level_col, tot_m, tot_f)
    bw.finish_table(ws, header, bw.summary_last, len(cols), freeze_col=2)
    r += 2
    w.text(
        ws,
        r,
        0,
        "หมายเหตุ: นักเรียนในสังกัด อปท. นับจากรายชื่อที่สถานศึกษาส่งเข้าระบบ"
        " สังกัดอื่นคือจำนวนที่ อปท. กรอกสำหรับสถานศึกษาสังกัดอื่นในพื้นที่ (อ.1–ม.3)",
        s.note,
    )
