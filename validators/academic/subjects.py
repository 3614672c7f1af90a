"""Subject codes and a school's subjects (the `curriculum` form).

A core-curriculum code is a learning-area letter and five digits: level (1 primary, 2 lower, 3 upper
secondary), year of study within the level (0 = any year), kind (1 basic, 2 additional) and a two-digit
sequence: ท21101, ค23201. A vocational code is `20000-1101` (first digit 2 ปวช., 3 ปวส.) with its
theory-practice-credits `1-2-2`. The code is what the Ministry, the transcript and TCAS key on, so its
shape has to agree with the class the subject is taught in and with the kind the school typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from validators.academic.common import (
    A_CLASS_UNKNOWN,
    A_NOT_NUMBER,
    A_REQUIRED,
    PRIMARY,
    NotANumber,
    class_grade,
    level_of,
    plain_number,
    text_of,
    to_decimal,
)
from validators.academic.data import areas
from validators.findings import Finding, FindingsView, rule
from validators.normalize import thai_digits_to_arabic

SUBJECT_CODE_FORMAT = rule("SUBJECT_CODE_FORMAT", "error", "academic_subjects",
    "รหัสวิชา “{value}” ไม่ถูกรูปแบบ ต้องเป็นอักษรกลุ่มสาระ 1 ตัวตามด้วยตัวเลข 5 หลัก (เช่น ท21101) "
    "หรือรหัสวิชาอาชีวศึกษา เช่น 20000-1101",
    "Not a core-curriculum code (letter + 5 digits) nor a vocational code (20000-1101)")  # fmt: skip
SUBJECT_CODE_SCHEME = rule("SUBJECT_CODE_SCHEME", "error", "academic_subjects",
    "รหัสวิชา {value} เป็นรหัสแบบ{scheme} แต่ชั้น {grade} ใช้รหัสแบบ{expected}",
    "A vocational code in a basic-education class, or the reverse")  # fmt: skip
SUBJECT_AREA_UNKNOWN = rule("SUBJECT_AREA_UNKNOWN", "warning", "academic_subjects",
    "รหัสวิชา {value} ขึ้นต้นด้วย “{letter}” ซึ่งไม่ใช่อักษรของกลุ่มสาระการเรียนรู้ที่ระบบรู้จัก กรุณาตรวจสอบ",
    "The code's first letter is not a known learning area")  # fmt: skip
SUBJECT_LEVEL_MISMATCH = rule("SUBJECT_LEVEL_MISMATCH", "error", "academic_subjects",
    "รหัสวิชา {value} หลักที่ 1 คือ {digit} ({level}) แต่สอนในชั้น {grade} ซึ่งต้องเป็น {expected}",
    "The code's level digit does not match the class it is taught in")  # fmt: skip
SUBJECT_YEAR_MISMATCH = rule("SUBJECT_YEAR_MISMATCH", "error", "academic_subjects",
    "รหัสวิชา {value} หลักที่ 2 คือ {digit} (ปีที่ {digit}) แต่สอนในชั้น {grade} ซึ่งต้องเป็น {expected} หรือ 0",
    "The code's year digit does not match the class (0 = any year of the level)")  # fmt: skip
SUBJECT_KIND_MISMATCH = rule("SUBJECT_KIND_MISMATCH", "error", "academic_subjects",
    "รหัสวิชา {value} หลักที่ 3 คือ {digit} (รายวิชา{code_kind}) แต่ระบุประเภทเป็นรายวิชา{kind}",
    "The code's kind digit (1 basic, 2 additional) does not match the kind typed")  # fmt: skip
SUBJECT_KIND_UNKNOWN = rule("SUBJECT_KIND_UNKNOWN", "error", "academic_subjects",
    "ประเภทรายวิชา “{value}” ต้องเป็น “พื้นฐาน” หรือ “เพิ่มเติม”",
    "Kind must be basic or additional")  # fmt: skip
SUBJECT_CREDITS_STEP = rule("SUBJECT_CREDITS_STEP", "error", "academic_subjects",
    "หน่วยกิต {value} ต้องมากกว่า 0 และเพิ่มทีละ 0.5 (เช่น 0.5, 1, 1.5)",
    "Credits must be positive and in steps of 0.5")  # fmt: skip
SUBJECT_CREDITS_HOURS = rule("SUBJECT_CREDITS_HOURS", "error", "academic_subjects",
    "วิชา {code} {value} หน่วยกิต ต้องมีเวลาเรียน {expected} ชั่วโมงต่อภาค (40 ชั่วโมง = 1 หน่วยกิต) แต่กรอก {hours} ชั่วโมง",
    "Credits and hours disagree: 40 hours a term make 1 credit")  # fmt: skip
SUBJECT_CREDITS_MISSING = rule("SUBJECT_CREDITS_MISSING", "error", "academic_subjects",
    "วิชา {code} สอนในชั้น {grade} ต้องกรอกหน่วยกิต",
    "A secondary or vocational subject needs its credits")  # fmt: skip
SUBJECT_HOURS_MISSING = rule("SUBJECT_HOURS_MISSING", "error", "academic_subjects",
    "วิชา {code} สอนในชั้น {grade} (ประถมศึกษา) ต้องกรอกเวลาเรียนเป็นชั่วโมง",
    "A primary subject carries hours")  # fmt: skip
SUBJECT_HOURS_INVALID = rule("SUBJECT_HOURS_INVALID", "error", "academic_subjects",
    "เวลาเรียน {value} ชั่วโมง ต้องเป็นจำนวนเต็มที่มากกว่า 0",
    "Hours must be a positive whole number")  # fmt: skip
SUBJECT_PRIMARY_CREDITS = rule("SUBJECT_PRIMARY_CREDITS", "warning", "academic_subjects",
    "วิชา {code} ชั้น {grade} เป็นระดับประถมศึกษา ซึ่งใช้เวลาเรียนแทนหน่วยกิต ระบบไม่ใช้หน่วยกิต {value} ที่กรอก",
    "Primary subjects carry hours, not credits: the credits are ignored")  # fmt: skip
SUBJECT_TERM = rule("SUBJECT_TERM", "error", "academic_subjects",
    "ภาคเรียน “{value}” ต้องเป็น 1 หรือ 2 (เว้นว่างได้สำหรับวิชาที่สอนทั้งปี)",
    "Term must be 1 or 2 (blank for a year-long subject)")  # fmt: skip
SUBJECT_TPC_FORMAT = rule("SUBJECT_TPC_FORMAT", "error", "academic_subjects",
    "ท-ป-น “{value}” ต้องเป็นตัวเลขสามจำนวนคั่นด้วยขีด เช่น 1-2-2 (ทฤษฎี-ปฏิบัติ-หน่วยกิต)",
    "Theory-practice-credits must look like 1-2-2")  # fmt: skip
SUBJECT_TPC_CREDITS = rule("SUBJECT_TPC_CREDITS", "error", "academic_subjects",
    "วิชา {code} ท-ป-น {value} ไม่สอดคล้องกัน: {reason}",
    "Theory-practice-credits disagree with each other or with the credits column")  # fmt: skip
SUBJECT_DUPLICATE = rule("SUBJECT_DUPLICATE", "error", "academic_subjects",
    "รหัสวิชา {value} ชั้น {grade}{term} ซ้ำกับแถว {other_row}",
    "The same subject twice for one class and term")  # fmt: skip

BASIC_CODE = re.compile(r"([A-Zก-ฮ])([1-3])([0-6])([12])([0-9]{2})")
VOCATIONAL_CODE = re.compile(r"([23])([0-9]{4})-([0-9]{4})")
TPC = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+(?:\.5)?)")
KINDS = {"basic": "พื้นฐาน", "additional": "เพิ่มเติม"}
KIND_ALIASES = {
    "พื้นฐาน": "basic", "รายวิชาพื้นฐาน": "basic", "basic": "basic", "1": "basic", "พ": "basic",
    "เพิ่มเติม": "additional", "รายวิชาเพิ่มเติม": "additional", "additional": "additional", "2": "additional",
    "ต": "additional",
}  # fmt: skip
KIND_DIGIT = {"1": "basic", "2": "additional"}
LEVEL_DIGIT = {"primary": "1", "lower": "2", "upper": "3"}
VOCATIONAL_DIGIT = {"ปวช.": "2", "ปวส.": "3"}
SUBJECT_LABELS = {
    "grade": "ชั้น",
    "term": "ภาคเรียน",
    "subject_code": "รหัสวิชา",
    "subject_name": "ชื่อรายวิชา",
    "kind": "ประเภทรายวิชา",
    "credits": "หน่วยกิต",
    "hours": "เวลาเรียน (ชั่วโมง)",
    "tpc": "ท-ป-น",
}


@dataclass(frozen=True, slots=True)
class SubjectCode:
    """A parsed code. `scheme` is "basic" or "vocational"; the digits are None where a scheme has none."""

    code: str
    scheme: str
    area: str | None  # learning-area key (areas.json), None for an unknown letter or a vocational code
    letter: str | None = None
    level_digit: str | None = None
    year_digit: str | None = None
    kind: str | None = None  # "basic" | "additional" from the kind digit


def normalise_code(value: object) -> str:
    """A code as typed -> canonical: trimmed, no inner spaces, Arabic digits, Latin letters upper-case."""
    text = thai_digits_to_arabic(text_of(value)).replace(" ", "").replace("–", "-")
    return text.upper() if text[:1].isascii() else text


def parse_subject_code(value: object) -> SubjectCode | None:
    """The parts of a subject code, or None when it has neither shape."""
    code = normalise_code(value)
    m = BASIC_CODE.fullmatch(code)
    if m:
        letter, level, year, kind, _ = m.groups()
        return SubjectCode(code, "basic", areas().by_letter.get(letter), letter, level, year, KIND_DIGIT[kind])
    m = VOCATIONAL_CODE.fullmatch(code)
    if m:
        return SubjectCode(code, "vocational", None, None, m.group(1))
    return None


def area_of(code: str) -> str | None:
    """The learning-area key of a subject code ("thai", "math", ...), None when unknown or vocational."""
    parsed = parse_subject_code(code)
    return parsed.area if parsed else None


def _year_in_level(grade: str) -> str:
    """ป.4 -> "4", ม.2 -> "2", ม.5 -> "2": the year of study within its level."""
    n = int(grade.rsplit(".", 1)[1])
    return str(n - 3 if level_of(grade) == "upper" else n)


def check_code(code: SubjectCode, grade: str, kind: str | None, row: int | None, out: list[Finding]) -> None:
    """The code's shape against the class (`grade`, canonical) and the kind typed ("basic"/"additional")."""
    level = level_of(grade)
    if (code.scheme == "vocational") != (level == "vocational"):
        names = {"basic": "หลักสูตรแกนกลาง (เช่น ท21101)", "vocational": "อาชีวศึกษา (เช่น 20000-1101)"}
        expected = "vocational" if level == "vocational" else "basic"
        out.append(
            SUBJECT_CODE_SCHEME.finding(
                "subject_code", row, code.code, scheme=names[code.scheme], grade=grade, expected=names[expected]
            )
        )
        return
    if code.scheme == "vocational":
        program = grade.rsplit(".", 1)[0] + "."
        want = VOCATIONAL_DIGIT[program]
        if code.level_digit != want:
            out.append(
                SUBJECT_LEVEL_MISMATCH.finding(
                    "subject_code",
                    row,
                    code.code,
                    digit=code.level_digit,
                    level=areas().vocational_levels.get(code.level_digit or "", "?"),
                    grade=grade,
                    expected=want,
                )
            )
        return
    if code.area is None:
        out.append(SUBJECT_AREA_UNKNOWN.finding("subject_code", row, code.code, letter=code.letter))
    want = LEVEL_DIGIT[level]
    if code.level_digit != want:
        out.append(
            SUBJECT_LEVEL_MISMATCH.finding(
                "subject_code",
                row,
                code.code,
                digit=code.level_digit,
                level=areas().levels.get(code.level_digit or "", "?"),
                grade=grade,
                expected=want,
            )
        )
    else:
        year = _year_in_level(grade)
        if code.year_digit not in ("0", year):
            out.append(
                SUBJECT_YEAR_MISMATCH.finding(
                    "subject_code", row, code.code, digit=code.year_digit, grade=grade, expected=year
                )
            )
    if kind is not None and code.kind != kind:
        out.append(
            SUBJECT_KIND_MISMATCH.finding(
                "kind",
                row,
                code.code,
                digit="1" if code.kind == "basic" else "2",
                code_kind=KINDS[code.kind or "basic"],
                kind=KINDS[kind],
            )
        )


def credits_ok(credits: Decimal) -> bool:
    """Positive and a whole number of half credits."""
    return credits > 0 and (credits % areas().credit_step) == 0


def _number(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> Decimal | None:
    value = raw.get(key)
    try:
        return to_decimal(value)
    except NotANumber:
        out.append(A_NOT_NUMBER.finding(key, row, value, label=SUBJECT_LABELS[key]))
        return None


def check_subject(
    raw: Mapping[str, object], row: int | None, out: list[Finding], *, grade: str | None = None
) -> dict[str, object]:
    """Judge one subject row; return the cleaned subject.

    `grade` is the class when the caller knows it (a results workbook is for one class); otherwise the
    row's own `grade` cell is read. Returns keys grade, term, subject_code, subject_name, kind, credits,
    hours, tpc, area and `weight` (credits for secondary and vocational, hours for primary: what a GPA
    multiplies the grade by).
    """
    if grade is None:
        typed = text_of(raw.get("grade"))
        grade = class_grade(typed) if typed else None
        if not typed:
            out.append(A_REQUIRED.finding("grade", row, label=SUBJECT_LABELS["grade"]))
        elif grade is None:
            out.append(A_CLASS_UNKNOWN.finding("grade", row, typed))
    term_text = thai_digits_to_arabic(text_of(raw.get("term")))
    term = int(term_text) if term_text in ("1", "2") else None
    if term_text and term is None:
        out.append(SUBJECT_TERM.finding("term", row, term_text))

    code_text = normalise_code(raw.get("subject_code"))
    code = parse_subject_code(code_text) if code_text else None
    if not code_text:
        out.append(A_REQUIRED.finding("subject_code", row, label=SUBJECT_LABELS["subject_code"]))
    elif code is None:
        out.append(SUBJECT_CODE_FORMAT.finding("subject_code", row, code_text))
    name = text_of(raw.get("subject_name"))
    if not name:
        out.append(A_REQUIRED.finding("subject_name", row, label=SUBJECT_LABELS["subject_name"]))

    kind_text = text_of(raw.get("kind"))
    kind = KIND_ALIASES.get(kind_text.lower()) if kind_text else None
    if kind_text and kind is None:
        out.append(SUBJECT_KIND_UNKNOWN.finding("kind", row, kind_text))
    elif not kind_text and (code is None or code.scheme == "basic"):
        out.append(A_REQUIRED.finding("kind", row, label=SUBJECT_LABELS["kind"]))
    if code is not None and grade is not None:
        check_code(code, grade, kind, row, out)
    if kind is None and code is not None:
        kind = code.kind

    credits = _number(raw, "credits", row, out)
    hours = _number(raw, "hours", row, out)
    tpc = text_of(raw.get("tpc"))
    weight: Decimal | None = None
    if grade is not None:
        weight = _check_load(code_text, grade, credits, hours, tpc, row, out)
    return {
        "grade": grade,
        "term": term,
        "subject_code": code_text,
        "subject_name": name,
        "kind": kind,
        "credits": credits if grade not in PRIMARY else None,
        "hours": hours,
        "tpc": tpc or None,
        "area": code.area if code else None,
        "weight": weight,
        "row": row,
    }


def _check_load(
    code: str,
    grade: str,
    credits: Decimal | None,
    hours: Decimal | None,
    tpc: str,
    row: int | None,
    out: list[Finding],
) -> Decimal | None:
    """Credits, hours and theory-practice-credits; returns the subject's weight in a GPA."""
    level = level_of(grade)
    hours_bad = hours is not None and (hours <= 0 or hours != hours.to_integral_value())
    if hours_bad:
        out.append(SUBJECT_HOURS_INVALID.finding("hours", row, plain_number(hours or Decimal(0))))
        hours = None
    if level == "primary":
        if credits is not None:
            out.append(SUBJECT_PRIMARY_CREDITS.finding("credits", row, plain_number(credits), code=code, grade=grade))
        if hours is None and not hours_bad:
            out.append(SUBJECT_HOURS_MISSING.finding("hours", row, code=code, grade=grade))
        return hours
    if credits is None:
        out.append(SUBJECT_CREDITS_MISSING.finding("credits", row, code=code, grade=grade))
        return None
    if not credits_ok(credits):
        out.append(SUBJECT_CREDITS_STEP.finding("credits", row, plain_number(credits)))
        return None
    if level == "vocational":
        if tpc:
            _check_tpc(code, tpc, credits, row, out)
        return credits
    if hours is not None:
        expected = credits * areas().hours_per_credit
        if hours != expected:
            out.append(
                SUBJECT_CREDITS_HOURS.finding(
                    "hours",
                    row,
                    plain_number(credits),
                    code=code,
                    expected=plain_number(expected),
                    hours=plain_number(hours),
                )
            )
    return credits


def _check_tpc(code: str, tpc: str, credits: Decimal, row: int | None, out: list[Finding]) -> None:
    """`t-p-c`: c equals the credits column, and lies between t + p/3 and t + p/2 (2-3 practice periods
    a week make one credit, one theory period makes one)."""
    m = TPC.fullmatch(thai_digits_to_arabic(tpc).replace(" ", ""))
    if not m:
        out.append(SUBJECT_TPC_FORMAT.finding("tpc", row, tpc))
        return
    t, p, c = (Decimal(x) for x in m.groups())
    if c != credits:
        reason = f"หน่วยกิตใน ท-ป-น คือ {plain_number(c)} แต่ช่องหน่วยกิตคือ {plain_number(credits)}"
    elif not (t + p / 3 <= c <= t + p / 2):
        reason = f"ทฤษฎี {plain_number(t)} ชั่วโมงและปฏิบัติ {plain_number(p)} ชั่วโมงต่อสัปดาห์ ไม่ได้ {plain_number(c)} หน่วยกิต"
    else:
        return
    out.append(SUBJECT_TPC_CREDITS.finding("tpc", row, tpc, code=code, reason=reason))


@dataclass(slots=True)
class CurriculumResult(FindingsView):
    """The school's subjects for a year, cleaned, and the findings (`sheet` = "subjects")."""

    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def validate_curriculum(rows: Sequence[tuple[int, Mapping[str, object]]]) -> CurriculumResult:
    """Judge the `curriculum` form: every subject row, and no subject twice for one class and term."""
    result = CurriculumResult()
    seen: dict[tuple[object, object, str], int] = {}
    for row, raw in rows:
        start = len(result.findings)
        record = check_subject(raw, row, result.findings)
        result.records.append(record)
        key = (record["grade"], record["term"], str(record["subject_code"]))
        if record["subject_code"] and record["grade"]:
            if key in seen:
                term = f" ภาคเรียนที่ {record['term']}" if record["term"] else ""
                result.findings.append(
                    SUBJECT_DUPLICATE.finding(
                        "subject_code",
                        row,
                        record["subject_code"],
                        grade=record["grade"],
                        term=term,
                        other_row=seen[key],
                    )
                )
            else:
                seen[key] = row
        for f in result.findings[start:]:
            f.sheet = "subjects"
    return result
