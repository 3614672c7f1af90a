"""The correction sheet (correction rounds only): the allocation basis and the corrected data side by side.

Why a sheet of its own: what a correction window changed is what DLA wants to see (domain.md, "A
season"), per unit and per grade, against the basis it keeps allocating on. One row per unit and grade
where either side has a pupil, then the unit's total; an LAO or province book lists institutions and
other-affiliation schools, the national book provinces.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from server.books import data as d
from server.books.writer import BookWriter, Table

COLUMNS: list[tuple[str, str, float]] = [
    ("รหัส อปท./จังหวัด", "code", 10),
    ("รหัสหน่วยงาน", "code", 12),
    ("ชื่อหน่วยงาน", "text", 28),
    ("ชั้น", "text", 8),
    ("ฐานการจัดสรร ชาย", "int", 9),
    ("ฐานการจัดสรร หญิง", "int", 9),
    ("ฐานการจัดสรร รวม", "int", 9),
    ("หลังแก้ไข ชาย", "int", 9),
    ("หลังแก้ไข หญิง", "int", 9),
    ("หลังแก้ไข รวม", "int", 9),
    ("ผลต่าง", "int", 9),
    ("สถานะ", "text", 14),
]


def units(bw: BookWriter) -> Iterator[tuple[str, str, str, d.Counts, d.Counts, str]]:
    """(parent code, code, name, basis counts, corrected counts, state) per unit of the sheet."""
    b = bw.b
    if b.scope == "national":
        for prov in b.provinces:
            basis, _o = bw.basis_of(prov)
            yield "", prov["code"], prov["name"], basis, bw.prov_counts[prov["code"]], bw.state_of(prov)
        return
    for inst in b.institutions:
        basis = b.basis.get(("roster", inst["code"]), {})
        yield inst["parent"], inst["code"], inst["name"], basis, b.counts.get(inst["code"], {}), bw.state_of(inst)
    seen = set()
    for row in b.other:
        key = f"{row['lao_code']}/{row['other_school_code']}"
        seen.add(key)
        lao = {"code": row["lao_code"], "level": "lao"}
        yield (
            row["lao_code"],
            row["other_school_code"],
            row["other_school_name"] or "",
            b.basis.get(("other", key), {}),
            b.other_counts(row),
            bw.state_of(lao),
        )
    for (src, key), basis in sorted(b.basis.items()):  # an other school the correction dropped
        if src == "other" and key not in seen:
            lao, code = key.split("/", 1)
            yield lao, code, "", basis, {}, "corrected"


def _row(ws: Any, bw: BookWriter, r: int, head: tuple[str, str, str, str], basis: tuple[int, int],
         now: tuple[int, int], state: str | None, fmt: Any, int_fmt: Any) -> None:  # fmt: skip
    w = bw.w
    for c, v in enumerate(head):
        w.text(ws, r, c, v, fmt)
    for c, v in enumerate((basis[0], basis[1], sum(basis), now[0], now[1], sum(now), sum(now) - sum(basis))):
        ws.write_number(r, 4 + c, v, int_fmt)
    if state is None:
        ws.write_blank(r, 11, None, fmt)
    else:
        from validators.fields import STATE_TH

        ws.write_string(r, 11, STATE_TH[state], bw.s.state("confirmed" if state == "unchanged" else "uploaded"))


def write(bw: BookWriter) -> None:
    b, s = bw.b, bw.s
    if not b.correcting:
        return
    ws = bw.sheet("correction")
    r = bw.title(
        ws,
        "เทียบข้อมูลหลังแก้ไขกับฐานการจัดสรร รายหน่วยงานและรายชั้น",
        [b.basis_label or "ฐานการจัดสรร: ไม่พบข้อมูลที่จังหวัดยืนยันไว้", bw.round_line()],
        len(COLUMNS),
    )
    table = Table(COLUMNS)
    bw.header_row(ws, r, table)
    header, r = r, r + 1
    tot_b, tot_n = [0, 0], [0, 0]
    for parent, code, name, basis, now, state in units(bw):
        for g in d.GRADE_ORDER:
            bm, bf = basis.get((g, "ชาย"), 0), basis.get((g, "หญิง"), 0)
            nm, nf = now.get((g, "ชาย"), 0), now.get((g, "หญิง"), 0)
            if bm or bf or nm or nf:
                _row(ws, bw, r, (parent, code, name, g), (bm, bf), (nm, nf), None, s.text, s.int)
                r += 1
        bsum = (_sex(basis, "ชาย"), _sex(basis, "หญิง"))
        nsum = (_sex(now, "ชาย"), _sex(now, "หญิง"))
        _row(ws, bw, r, (parent, code, name, "รวม"), bsum, nsum, state, s.total_text, s.total_int)
        tot_b = [tot_b[0] + bsum[0], tot_b[1] + bsum[1]]
        tot_n = [tot_n[0] + nsum[0], tot_n[1] + nsum[1]]
        r += 1
    last = r - 1
    _row(ws, bw, r, ("รวมทั้งสิ้น", "", "", ""), (tot_b[0], tot_b[1]), (tot_n[0], tot_n[1]), None, s.total_text,
         s.total_int)  # fmt: skip
    bw.correction_totals = (sum(tot_b), sum(tot_n))
    bw.finish_table(ws, header, last, len(COLUMNS), freeze_col=4)


def _sex(counts: d.Counts, sex: str) -> int:
    return sum(n for (_g, sx), n in counts.items() if sx == sex)
