"""Rules about an LAO's other-affiliation counts: head counts per grade and sex for each school of
another ministry in its area (the LAO pays their lunch and milk, so their counts are collected).

The letters ask for an explicit 0 in a grade with no pupils, in Arabic digits, and all zeros for a
school that was formally closed. Blank is never read as zero: a forgotten cell must not pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from validators.context import RoundContext
from validators.fields import OTHER_COUNT_KEYS, YES_NO
from validators.findings import Finding, FindingsView, rule
from validators.normalize import CountProblem, clean_text, has_thai_digits, parse_count, thai_digits_to_arabic
from validators.records import REQUIRED, _name_like_text

COUNT_BLANK = rule("COUNT_BLANK", "error", "counts",
    "ช่อง {header} ว่าง ถ้าไม่มีนักเรียนให้กรอก 0",
    "Blank count: enter 0 when there are no pupils")  # fmt: skip
COUNT_NEGATIVE = rule("COUNT_NEGATIVE", "error", "counts",
    "ช่อง {header} ติดลบ ({value}) จำนวนนักเรียนต้องเป็น 0 ขึ้นไป",
    "Negative count")  # fmt: skip
COUNT_FRACTION = rule("COUNT_FRACTION", "error", "counts",
    "ช่อง {header} มีทศนิยม ({value}) จำนวนนักเรียนต้องเป็นจำนวนเต็ม",
    "Fractional count")  # fmt: skip
COUNT_NOT_NUMBER = rule("COUNT_NOT_NUMBER", "error", "counts",
    "ช่อง {header} ไม่ใช่ตัวเลข (“{value}”)",
    "Count is not a number")  # fmt: skip
COUNT_THAI_DIGITS = rule("COUNT_THAI_DIGITS", "warning", "counts",
    "ช่อง {header} พิมพ์ด้วยเลขไทย “{value}” ระบบอ่านเป็น {clean} ตามหนังสือสั่งการให้ใช้เลขอารบิก",
    "Count typed in Thai digits (the letters require Arabic digits); read as shown")  # fmt: skip
CLOSED_NOT_ZERO = rule("CLOSED_NOT_ZERO", "error", "counts",
    "สถานศึกษา {value} ยุบเลิกแล้ว จำนวนนักเรียนทุกช่องต้องเป็น 0 (พบ {total} คน)",
    "A closed school must have all zero counts")  # fmt: skip
OPEN_ALL_ZERO = rule("OPEN_ALL_ZERO", "warning", "counts",
    "สถานศึกษา {value} ไม่ได้ยุบเลิก แต่จำนวนนักเรียนเป็น 0 ทุกชั้น กรุณาตรวจสอบ",
    "An open school with all zero counts")  # fmt: skip
CLOSED_VALUE = rule("CLOSED_VALUE", "error", "counts",
    "ช่อง ยุบเลิกแล้ว ต้องเป็น “ใช่” หรือ “ไม่ใช่” (พบ “{value}”)",
    "Closed must be yes or no")  # fmt: skip
OTHER_CODE_FORMAT = rule("OTHER_CODE_FORMAT", "error", "counts",
    "รหัสสถานศึกษา “{value}” ต้องเป็นตัวเลข 8 หรือ 10 หลัก",
    "Other-affiliation school code must be 8 or 10 digits")  # fmt: skip
OTHER_CODE_DUPLICATE = rule("OTHER_CODE_DUPLICATE", "error", "counts",
    "รหัสสถานศึกษา {value} ซ้ำกับแถว {other_row}",
    "The same other-affiliation school twice")  # fmt: skip

_CLOSED_ALIASES = {"ใช่": True, "ไม่ใช่": False, "y": True, "n": False, "yes": True, "no": False,
                   "true": True, "false": False, "1": True, "0": False, "ยุบ": True, "ยุบเลิก": True,
                   "ไม่": False, "-": False}  # fmt: skip
assert set(YES_NO) <= set(_CLOSED_ALIASES)

_COUNT_RULES = {"blank": COUNT_BLANK, "negative": COUNT_NEGATIVE, "fraction": COUNT_FRACTION,
                "not_a_number": COUNT_NOT_NUMBER}  # fmt: skip


@dataclass(slots=True)
class CountsResult(FindingsView):
    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def check_counts_row(raw: Mapping[str, object], row: int | None, out: list[Finding]) -> dict[str, object]:
    """Judge one other-affiliation school's row; return the cleaned record (counts as ints, None if bad)."""
    code_raw, _ = clean_text(raw.get("other_school_code"))
    code = thai_digits_to_arabic(code_raw).replace(" ", "").replace("-", "")
    if not code:
        out.append(REQUIRED.finding("other_school_code", row))
    elif not (code.isascii() and code.isdigit() and len(code) in (8, 10)):
        out.append(OTHER_CODE_FORMAT.finding("other_school_code", row, code_raw))
    name = _name_like_text(raw, "other_school_name", row, out)
    if not name:
        out.append(REQUIRED.finding("other_school_name", row))

    closed_text, _ = clean_text(raw.get("closed"))
    closed = _CLOSED_ALIASES.get(closed_text.lower())
    if not closed_text:
        out.append(REQUIRED.finding("closed", row))
    elif closed is None:
        out.append(CLOSED_VALUE.finding("closed", row, closed_text))

    record: dict[str, object] = {
        "other_school_code": code,
        "other_school_name": name,
        "affiliation": clean_text(raw.get("affiliation"))[0],
        "closed": bool(closed),
    }
    total = 0
    all_read = True
    for key in OTHER_COUNT_KEYS:
        value = raw.get(key)
        try:
            n, how = parse_count(value)
        except CountProblem as problem:
            out.append(_COUNT_RULES[problem.reason].finding(key, row, value))
            record[key] = None
            all_read = False
            continue
        if how == "thai_digits" or (isinstance(value, str) and has_thai_digits(value)):
            out.append(COUNT_THAI_DIGITS.finding(key, row, value, clean=n))
        record[key] = n
        total += n
    if closed and total:
        out.append(CLOSED_NOT_ZERO.finding("closed", row, name or code, total=total))
    elif closed is False and all_read and total == 0:
        out.append(OPEN_ALL_ZERO.finding(None, row, name or code))
    return record


def validate_other_counts(rows: Sequence[tuple[int, Mapping[str, object]]], ctx: RoundContext) -> CountsResult:
    """Judge the whole other-affiliation form. `ctx` is taken for symmetry and future round rules."""
    result = CountsResult()
    seen: dict[str, int] = {}
    for row, raw in rows:
        start = len(result.findings)
        record = check_counts_row(raw, row, result.findings)
        record["row"] = row
        result.records.append(record)
        code = record["other_school_code"]
        if isinstance(code, str) and code:
            if code in seen:
                result.findings.append(
                    OTHER_CODE_DUPLICATE.finding("other_school_code", row, code, other_row=seen[code])
                )
            else:
                seen[code] = row
        for finding in result.findings[start:]:
            finding.sheet = "counts"
    return result
