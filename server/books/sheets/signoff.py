"""The sign-off sheet: the totals a province or LAO certifies, with the signature blocks."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from server.books import data as d
from server.books.writer import SCOPE_TH, BookWriter, be_datetime_serial
from server.storage import clock
from validators.fields import STATE_TH


def numbers(bw: BookWriter, ws: Worksheet, r: int) -> int:
    """The head counts by level, the LAO's own total, other affiliations and the grand total."""
    b, s = bw.b, bw.s
    for c, h in enumerate(("ระดับ", "ชาย", "หญิง", "รวม")):
        ws.write_string(r, c, h, s.header)
    r += 1
    lv = d.totals_by_level(bw.total)
    for name, _g in bw.levels:
        m, f = lv.get((name, "ชาย"), 0), lv.get((name, "หญิง"), 0)
        ws.write_string(r, 0, name, s.text)
        ws.write_number(r, 1, m, s.int)
        ws.write_number(r, 2, f, s.int)
        ws.write_number(r, 3, m + f, s.int)
        r += 1
    own = sum(bw.total.values())
    m_all = sum(n for (_g, sx), n in bw.total.items() if sx == "ชาย")
    ws.write_string(r, 0, "รวมนักเรียนในสังกัด อปท.", s.total_text)
    ws.write_number(r, 1, m_all, s.total_int)
    ws.write_number(r, 2, own - m_all, s.total_int)
    ws.write_number(r, 3, own, s.total_int)
    r += 1
    other_m = sum(n for (_g, sx), n in bw.other_total().items() if sx == "ชาย")
    ws.write_string(r, 0, f"สถานศึกษาสังกัดอื่น ({len(b.other):,} แห่ง)", s.text)
    ws.write_number(r, 1, other_m, s.int)
    ws.write_number(r, 2, bw.total_other - other_m, s.int)
    ws.write_number(r, 3, bw.total_other, s.int)
    r += 1
    ws.write_string(r, 0, "รวมทั้งสิ้น", s.total_text)
    ws.write_number(r, 1, m_all + other_m, s.total_int)
    ws.write_number(r, 2, own - m_all + bw.total_other - other_m, s.total_int)
    ws.write_number(r, 3, own + bw.total_other, s.total_int)
    r += 2
    return r


def chain_lines(bw: BookWriter) -> list[str]:
    """Where the confirmation chain stands below the book's unit, and the unit's own confirmation."""
    b = bw.b
    n_insts = len(b.institutions)
    n_ci = sum(1 for i in b.institutions if i["code"] in b.confirmations)
    lines = [f"สถานศึกษา: ยืนยันแล้ว {n_ci:,} จาก {n_insts:,} แห่ง"]
    if b.scope != "lao":
        lines.append(
            f"อปท.: ยืนยันแล้ว {sum(1 for u in b.laos if u['code'] in b.confirmations):,} จาก {len(b.laos):,} แห่ง"
        )
    if b.scope == "national":
        lines.append(
            f"จังหวัด: ยืนยันแล้ว {sum(1 for p in b.provinces if p['code'] in b.confirmations):,}"
            f" จาก {len(b.provinces):,} จังหวัด"
        )
    lines.append(f"เด็กซ้ำซ้อนที่ยังไม่แก้ไข: {len(b.conflicts):,} ราย")
    if b.scope != "national":
        conf = b.confirmations.get(b.unit["code"])
        if conf:
            pos = f" ตำแหน่ง {conf['position']}" if conf["position"] else ""
            lines.append(
                f"การยืนยันของ{SCOPE_TH[b.scope]}: ยืนยันแล้ว โดย {conf['person']}{pos}"
                f" (บัญชี {conf['login']}) เมื่อ {clock.thai_datetime(conf['at'])}"
            )
        else:
            level = "province" if b.scope == "province" else "lao"
            lines.append(f"การยืนยันของ{SCOPE_TH[b.scope]}: ยังไม่ยืนยัน (กำหนด {clock.thai_datetime(b.deadline(level))})")
    return lines


def confirmation_record(bw: BookWriter, ws: Worksheet, r: int) -> None:
    """The attachment: each unit directly below (and the book's own) with who confirmed it, when."""
    b, s, w = bw.b, bw.s, bw.w
    for c, h in enumerate(("หน่วยงาน", "รหัส", "สถานะ", "ยืนยันโดย", "ตำแหน่ง", "ยืนยันเมื่อ")):
        ws.write_string(r, c, h, s.header)
    r += 1
    record_units = {
        "lao": [b.unit, *bw.insts_by_lao[b.unit["code"]]],
        "province": [b.unit, *b.laos],
        "national": b.provinces,
    }[b.scope]
    for u in record_units:
        state = bw.state_of(u)
        cf = b.confirmations.get(u["code"])
        w.text(ws, r, 0, u["name"], s.text)
        w.text(ws, r, 1, u["code"], s.code)
        ws.write_string(r, 2, STATE_TH[state], s.state(state))
        w.text(ws, r, 3, cf["person"] if cf else "", s.text)
        w.text(ws, r, 4, cf["position"] if cf else "", s.text)
        if cf:
            ws.write_number(r, 5, be_datetime_serial(cf["at"]) or 0, s.datetime)
        else:
            ws.write_blank(r, 5, None, s.text)
        r += 1


def report_numbers(bw: BookWriter, ws: Worksheet, r: int) -> int:
    """A correction report's table: per level, the basis, the corrected figure and the difference."""
    s = bw.s
    for c, h in enumerate(("ระดับ", "ฐานการจัดสรร", "หลังแก้ไข", "ผลต่าง")):
        ws.write_string(r, c, h, s.header)
    r += 1
    now_lv, base_lv = d.totals_by_level(bw.total), d.totals_by_level(bw.basis_total)
    names = [name for name, _g in d.LEVEL_GROUPS if any(k[0] == name for k in (*now_lv, *base_lv))]
    rows = [(name, sum(base_lv.get((name, x), 0) for x in d.SEXES), sum(now_lv.get((name, x), 0) for x in d.SEXES))
            for name in names]  # fmt: skip
    rows.append((f"สถานศึกษาสังกัดอื่น ({len(bw.b.other):,} แห่ง)", bw.basis_other, bw.total_other))
    for name, base, now in rows:
        ws.write_string(r, 0, name, s.text)
        for c, v in enumerate((base, now, now - base)):
            ws.write_number(r, 1 + c, v, s.int)
        r += 1
    base = sum(bw.basis_total.values()) + bw.basis_other
    now = sum(bw.total.values()) + bw.total_other
    ws.write_string(r, 0, "รวมทั้งสิ้น", s.total_text)
    for c, v in enumerate((base, now, now - base)):
        ws.write_number(r, 1 + c, v, s.total_int)
    return r + 2


def write_report(bw: BookWriter) -> None:
    """A correction round's sheet is a report of what changed, not a confirmation form: nobody confirms
    in a correction window, so it names the basis, the differences and the units that corrected."""
    b, s, w = bw.b, bw.s, bw.w
    ws = bw.sheet("report", landscape=False)
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 5, 13)
    w.text(ws, 0, 0, f"รายงานการแก้ไขข้อมูลจำนวนนักเรียนและเด็กเล็ก {bw.unit_label}", s.title)
    rnd = b.round
    ws.write_string(
        1,
        0,
        f"ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']} (รอบแก้ไขข้อมูล) ข้อมูล ณ วันที่"
        f" {clock.thai_date(rnd['as_of'])} · รหัสชุดข้อมูล {bw.version}",
        s.subtitle,
    )
    w.text(ws, 2, 0, b.basis_label or "", s.subtitle)
    w.text(ws, 3, 0, f"จัดทำจากข้อมูลในระบบเมื่อ {clock.thai_datetime(b.now)}", s.note)
    r = report_numbers(bw, ws, 5)
    units = b.institutions if b.scope != "national" else b.provinces
    states = [bw.state_of(u) for u in units]
    for line in (
        f"หน่วยงานที่แก้ไขข้อมูลในรอบนี้ {states.count('corrected'):,} แห่ง"
        f" · ไม่เปลี่ยนแปลง (ใช้ข้อมูลที่ยืนยันไว้) {states.count('unchanged'):,} แห่ง",
        "รอบแก้ไขข้อมูลไม่มีการยืนยัน การจัดสรรยังใช้ฐานการจัดสรรข้างต้น ผลต่างแสดงไว้เพื่อการตรวจสอบ",
    ):
        w.text(ws, r, 0, line)
        r += 1
    r += 1
    r = signatures(bw, ws, r, [((0, 2), "ผู้จัดทำรายงาน"), ((3, 5), "ผู้ตรวจสอบ")])
    w.text(ws, r, 0, "แนบท้าย: หน่วยงานที่แก้ไขข้อมูล", s.label)
    r += 1
    for c, h in enumerate(("หน่วยงาน", "รหัส", "ฐานการจัดสรร", "หลังแก้ไข", "ผลต่าง")):
        ws.write_string(r, c, h, s.header)
    r += 1
    for u, state in zip(units, states, strict=True):
        if state != "corrected":
            continue
        base = sum(bw.basis_of(u)[0].values())
        now = sum(b.counts.get(u["code"], {}).values()) if u["level"] == "institution" else sum(
            bw.prov_counts[u["code"]].values())  # fmt: skip
        w.text(ws, r, 0, u["name"], s.text)
        w.text(ws, r, 1, u["code"], s.code)
        for c, v in enumerate((base, now, now - base)):
            ws.write_number(r, 2 + c, v, s.int)
        r += 1
    ws.fit_to_pages(1, 0)


def write(bw: BookWriter) -> None:
    """The printable page people sign: A4 landscape (the record's six columns need it), the numbers, the
    confirmation record, signatures."""
    b, s, w = bw.b, bw.s, bw.w
    if b.correcting:
        write_report(bw)
        return
    ws = bw.sheet("signoff")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 5, 13)
    ws.repeat_rows(0, 1)
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, 5, "", s.sign_bold)
    w.text(ws, 0, 0, f"แบบรับรองข้อมูลจำนวนนักเรียนและเด็กเล็ก {bw.unit_label}", s.title)
    rnd = b.round
    ws.merge_range(1, 0, 1, 5, "", s.subtitle)
    ws.write_string(
        1,
        0,
        f"ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']} ข้อมูล ณ วันที่"
        f" {clock.thai_date(rnd['as_of'])} · รหัสชุดข้อมูล {bw.version}",
        s.subtitle,
    )
    r = 3
    ws.write_string(r, 0, f"จัดทำจากข้อมูลในระบบเมื่อ {clock.thai_datetime(b.now)}", s.note)
    r += 2
    r = numbers(bw, ws, r)
    # the state of the chain
    lines = chain_lines(bw)
    for line in lines:
        w.text(ws, r, 0, line)
        r += 1
    r += 1
    w.text(ws, r, 0, "ขอรับรองว่าข้อมูลจำนวนนักเรียนและเด็กเล็กข้างต้นถูกต้อง ครบถ้วน ตรงตามข้อมูลในระบบ ณ รหัสชุดข้อมูลที่ระบุ", s.label)
    r += 3
    # signature blocks: preparer and checker side by side, approver centred below
    blocks = [((0, 2), "ผู้จัดทำ"), ((3, 5), "ผู้ตรวจสอบ")]
    r = signatures(bw, ws, r, blocks)
    r += 1
    r = signatures(bw, ws, r, [((1, 4), "ผู้อนุมัติ")])
    # the confirmation record, as an attachment on the next page(s)
    r += 1
    ws.set_h_pagebreaks([r])
    w.text(ws, r, 0, "แนบท้าย: บันทึกการยืนยันข้อมูลของหน่วยงานในสังกัด", s.label)
    r += 1
    confirmation_record(bw, ws, r)


def signatures(bw: BookWriter, ws: Worksheet, r: int, blocks: Sequence[tuple[tuple[int, int], str]]) -> int:
    lines = [
        "ลงชื่อ ....................................................",
        "(....................................................)",
        "ตำแหน่ง ................................................",
        "วันที่ ........ / ........ / ........",
    ]
    for i in range(len(lines) + 1):
        for (c0, c1), role in blocks:
            text = role if i == len(lines) else lines[i]
            ws.merge_range(r + i, c0, r + i, c1, text, bw.s.sign_bold if i == len(lines) else bw.s.sign)
    return r + len(lines) + 2
