"""A child centre's "other basic data" (letter 003 §5.3.2): its caregivers, classrooms, capacity and head.

One row on the `cdc` template's basic-data sheet. The server refuses a centre's confirmation until it has
sent one (a centre without caregivers or a contact cannot be checked by its LAO), so the upload itself
only warns when the sheet is empty; what is typed is judged here, once, for Excel, the CLI and the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from validators.counts import COUNT_RULES, COUNT_THAI_DIGITS
from validators.fields import CDC_BASIC_COLUMNS
from validators.findings import Finding, FindingsView, rule
from validators.normalize import CountProblem, clean_text, has_thai_digits, parse_count, thai_digits_to_arabic
from validators.records import REQUIRED, _name_like_text

CDC_BASIC_MISSING = rule("CDC_BASIC_MISSING", "warning", "centre",
    "ยังไม่ได้กรอกข้อมูลพื้นฐานของศูนย์ (ชีต “ข้อมูลพื้นฐาน”) ส่งรายชื่อได้ แต่ยืนยันข้อมูลไม่ได้จนกว่าจะกรอก",
    "The centre's basic data is missing (required before the centre confirms)")  # fmt: skip
CDC_BASIC_ROWS = rule("CDC_BASIC_ROWS", "error", "centre",
    "ข้อมูลพื้นฐานของศูนย์กรอกได้แถวเดียว (พบ {value} แถว)",
    "The basic-data sheet holds one row")  # fmt: skip
CDC_NO_CAREGIVER = rule("CDC_NO_CAREGIVER", "error", "centre",
    "ศูนย์ต้องมีครูผู้ดูแลเด็กหรือผู้ดูแลเด็กอย่างน้อย 1 คน",
    "A centre needs at least one caregiver or assistant")  # fmt: skip
CDC_NO_CLASSROOM = rule("CDC_NO_CLASSROOM", "error", "centre",
    "ศูนย์ต้องมีห้องเรียนอย่างน้อย 1 ห้อง",
    "A centre needs at least one classroom")  # fmt: skip
CDC_CAPACITY_ZERO = rule("CDC_CAPACITY_ZERO", "error", "centre",
    "จำนวนเด็กที่ศูนย์รับได้ต้องมากกว่า 0",
    "A centre's capacity must be above zero")  # fmt: skip
CDC_OVER_CAPACITY = rule("CDC_OVER_CAPACITY", "warning", "centre",
    "มีรายชื่อเด็ก {value} คน เกินจำนวนที่ศูนย์รับได้ ({capacity} คน) กรุณาตรวจสอบ",
    "More children on the roster than the centre's capacity")  # fmt: skip
CDC_PHONE_FORMAT = rule("CDC_PHONE_FORMAT", "error", "centre",
    "เบอร์โทรศัพท์ “{value}” ต้องเป็นตัวเลข 9–10 หลัก ขึ้นต้นด้วย 0 เช่น 054-123456 หรือ 081-234-5678",
    "Phone must be 9-10 digits starting with 0")  # fmt: skip

COUNT_KEYS = tuple(c.key for c in CDC_BASIC_COLUMNS if c.kind == "count")


@dataclass(slots=True)
class BasicResult(FindingsView):
    record: dict[str, object] | None = None
    findings: list[Finding] = field(default_factory=list)


def _phone(raw: Mapping[str, object], row: int | None, out: list[Finding]) -> str:
    text, _ = clean_text(raw.get("head_phone"))
    if isinstance(raw.get("head_phone"), float):  # typed as a number: the leading 0 is gone
        text = "0" + str(int(raw["head_phone"]))  # type: ignore[call-overload]
    if not text:
        out.append(REQUIRED.finding("head_phone", row))
        return ""
    digits = "".join(ch for ch in thai_digits_to_arabic(text) if ch not in " -()")
    if not (digits.isascii() and digits.isdigit() and digits.startswith("0") and 9 <= len(digits) <= 10):
        out.append(CDC_PHONE_FORMAT.finding("head_phone", row, text))
    return digits


def check_basic_row(raw: Mapping[str, object], row: int | None, out: list[Finding]) -> dict[str, object]:
    """Judge the one basic-data row; return it cleaned (counts as ints, None where unreadable)."""
    record: dict[str, object] = {}
    for key in COUNT_KEYS:
        value = raw.get(key)
        try:
            n, how = parse_count(value)
        except CountProblem as problem:
            out.append(COUNT_RULES[problem.reason].finding(key, row, value))
            record[key] = None
            continue
        if how == "thai_digits" or (isinstance(value, str) and has_thai_digits(value)):
            out.append(COUNT_THAI_DIGITS.finding(key, row, value, clean=n))
        record[key] = n
    if record["caregivers"] == 0 and record["assistants"] == 0:
        out.append(CDC_NO_CAREGIVER.finding("caregivers", row))
    if record["classrooms"] == 0:
        out.append(CDC_NO_CLASSROOM.finding("classrooms", row))
    if record["capacity"] == 0:
        out.append(CDC_CAPACITY_ZERO.finding("capacity", row))
    record["head_name"] = _name_like_text(raw, "head_name", row, out)
    if not record["head_name"]:
        out.append(REQUIRED.finding("head_name", row))
    record["head_phone"] = _phone(raw, row, out)
    return record


def validate_cdc_basic(rows: Sequence[tuple[int, Mapping[str, object]]] | None, *, children: int) -> BasicResult:
    """The basic-data sheet's rows (None when an older template has no such sheet) against the roster's
    `children`. Missing data is a warning here and a blocker of the centre's confirmation on the server."""
    result = BasicResult()
    rows = list(rows or ())
    if not rows:
        result.findings.append(CDC_BASIC_MISSING.finding(None))
    elif len(rows) > 1:
        result.findings.append(CDC_BASIC_ROWS.finding(None, rows[1][0], len(rows)))
    else:
        row, raw = rows[0]
        result.record = check_basic_row(raw, row, result.findings)
        capacity = result.record.get("capacity")
        if isinstance(capacity, int) and capacity and children > capacity:
            result.findings.append(CDC_OVER_CAPACITY.finding("capacity", row, children, capacity=capacity))
    for finding in result.findings:
        finding.sheet = "basic"
    if not result.ok:
        result.record = None
    return result
