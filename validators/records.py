"""Rules about one record: a pupil, a child-centre child, or a row of the removed-children register.

`check_person` and `check_removal` normalise a raw row (as a reader got it from a cell), append their
findings to the list they are given and return the cleaned record. They are the hot path of validating
100,000 rows, so they avoid per-cell allocations: findings are built only when something is wrong or
was changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from validators.context import RoundContext
from validators.fields import (
    ADMISSION_GRADES,
    ADULT_PREFIX_AGE,
    CDC_IMPOSSIBLE_AGE,
    CDC_MIN_AGE,
    CDC_USUAL_MAX_AGE,
    CHILD_PREFIXES,
    GRADE_MIN_AGE,
    GRADE_SPAN_TH,
    GRADE_TYPICAL_AGE,
    GRADES,
    GRADES_BY_KIND,
    NATIONALITIES,
    PREFIX_SEX,
    PREFIXES,
    REMOVAL_REASON_BY_LABEL,
    REMOVAL_REASONS,
    SEXES,
    THAI_NATIONALITY,
    cdc_age_group,
)
from validators.findings import Finding, Rule, rule
from validators.identity import (
    PLACEHOLDER_DIGITS,
    id_category,
    is_gcode,
    is_placeholder_id,
    is_thai_id,
    thai_id_check_digit,
)
from validators.normalize import (
    DateProblem,
    clean_grade,
    clean_id,
    clean_nationality,
    clean_prefix,
    clean_sex,
    clean_text,
    format_thai_date,
    parse_date,
)

# --- normalisation notices (severity info) -------------------------------------------------------------
N_WHITESPACE = rule("N_WHITESPACE", "info", "normalisation",
    "ตัดช่องว่างที่เกินใน {header} แล้ว: “{value}”",
    "Stray whitespace removed from {header}")  # fmt: skip
N_ID_THAI_DIGITS = rule("N_ID_THAI_DIGITS", "info", "normalisation",
    "เลขประจำตัวพิมพ์ด้วยเลขไทย ระบบแปลงเป็นเลขอารบิกแล้ว: {value} → {clean}",
    "Thai digits in the ID converted to Arabic digits")  # fmt: skip
N_ID_SEPARATORS = rule("N_ID_SEPARATORS", "info", "normalisation",
    "ตัดช่องว่างหรือขีดในเลขประจำตัวออกแล้ว: {value} → {clean}",
    "Spaces or dashes removed from the ID")  # fmt: skip
N_ID_AS_NUMBER = rule("N_ID_AS_NUMBER", "info", "normalisation",
    "เลขประจำตัวถูกเก็บเป็นตัวเลข ระบบอ่านเป็นข้อความแล้ว (ควรจัดรูปแบบเซลล์เป็นข้อความ)",
    "The ID cell held a number; read back as text (format the cell as text)")  # fmt: skip
N_PREFIX_EXPANDED = rule("N_PREFIX_EXPANDED", "info", "normalisation",
    "ขยายคำนำหน้าชื่อ “{value}” เป็น “{clean}” แล้ว",
    "Abbreviated prefix expanded")  # fmt: skip
N_SEX_ALIAS = rule("N_SEX_ALIAS", "info", "normalisation",
    "อ่านเพศ “{value}” เป็น “{clean}”",
    "Sex written another way read as the canonical value")  # fmt: skip
N_GRADE_ALIAS = rule("N_GRADE_ALIAS", "info", "normalisation",
    "อ่านชั้น “{value}” เป็น “{clean}”",
    "Grade written another way read as the canonical value")  # fmt: skip
N_NATIONALITY_ALIAS = rule("N_NATIONALITY_ALIAS", "info", "normalisation",
    "อ่านสัญชาติ “{value}” เป็น “{clean}” ตามรายการ",
    "Nationality spelled another way (พม่า, Thai, สัญชาติลาว...) read as the list's spelling")  # fmt: skip
N_DATE_CE = rule("N_DATE_CE", "info", "normalisation",
    "อ่าน {header} “{value}” เป็นปีคริสต์ศักราช ({clean})",
    "Date typed as text with a Common Era year")  # fmt: skip
N_DATE_THAI_DIGITS = rule("N_DATE_THAI_DIGITS", "info", "normalisation",
    "{header} พิมพ์ด้วยเลขไทย ระบบอ่านเป็น {clean}",
    "Date typed with Thai digits")  # fmt: skip
N_DATE_SERIAL = rule("N_DATE_SERIAL", "info", "normalisation",
    "{header} เป็นเลขลำดับวันของ Excel ({value}) ระบบอ่านเป็น {clean}",
    "Date held as an Excel day number")  # fmt: skip
N_DATE_BE_CELL = rule("N_DATE_BE_CELL", "info", "normalisation",
    "{header} เป็นวันที่ที่ใส่ปี พ.ศ. ในเซลล์วันที่ ระบบอ่านเป็น {clean}",
    "A real date cell whose year is Buddhist Era")  # fmt: skip
N_DATE_TWO_DIGIT_YEAR = rule("N_DATE_TWO_DIGIT_YEAR", "warning", "normalisation",
    "{header} “{value}” มีปีสองหลัก ระบบอ่านเป็น {clean} กรุณาพิมพ์ปี พ.ศ. สี่หลัก",
    "Two-digit year: read as shown; type the four-digit BE year")  # fmt: skip

_DATE_NOTICE = {
    "ce_text": N_DATE_CE,
    "thai_digits": N_DATE_THAI_DIGITS,
    "serial": N_DATE_SERIAL,
    "be_cell": N_DATE_BE_CELL,
    "two_digit_year": N_DATE_TWO_DIGIT_YEAR,
}

# --- identity -----------------------------------------------------------------------------------------
ID_FORMAT = rule("ID_FORMAT", "error", "identity",
    "เลขประจำตัว “{value}” ไม่ใช่เลขประจำตัวประชาชน 13 หลัก หรือ G-Code (G ตามด้วยตัวเลข 12 หลัก)",
    "Not a 13-digit Thai ID nor a G-Code (G + 12 digits)")  # fmt: skip
ID_CHECK_DIGIT = rule("ID_CHECK_DIGIT", "error", "identity",
    "เลขประจำตัวประชาชน {value} หลักสุดท้ายไม่ถูกต้อง (ควรเป็น {expected}) กรุณาตรวจสอบว่าพิมพ์ถูกทุกหลัก",
    "Thai ID check digit is wrong")  # fmt: skip
ID_LEADING_ZERO_LOST = rule("ID_LEADING_ZERO_LOST", "warning", "identity",
    "เลขประจำตัวถูกพิมพ์เป็นตัวเลข Excel จึงตัดเลข 0 ข้างหน้าทิ้ง ระบบเติมกลับเป็น {clean} แล้ว "
    "กรุณาจัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์ใหม่",
    "ID typed as a number lost its leading 0 (restored); format the cell as text")  # fmt: skip
ID_AS_FLOAT = rule("ID_AS_FLOAT", "error", "identity",
    "เลขประจำตัว “{value}” ถูก Excel แปลงเป็นตัวเลขแบบย่อ (เช่น 1.10E+12) ตัวเลขท้ายสูญหายแล้ว "
    "กรุณาจัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์เลข 13 หลักใหม่",
    "ID became a number in exponent form and lost digits; retype it as text")  # fmt: skip
ID_PLACEHOLDER = rule("ID_PLACEHOLDER", "error", "identity",
    "เลขประจำตัว {value} ไม่ใช่เลขของบุคคลจริง (ตัวเลขเดียวกันทั้งหมดหรือเรียงต่อกัน) กรุณาใส่เลขจากสูติบัตร"
    "หรือทะเบียนบ้าน ถ้าเด็กไม่มีเลขประจำตัวประชาชนให้ขอ G-Code",
    "A placeholder ID no real person has (one digit repeated, a simple run) with a right check digit")  # fmt: skip
ID_NATIONALITY = rule("ID_NATIONALITY", "warning", "identity",
    "สัญชาติ “{nationality}” ไม่สอดคล้องกับประเภทเลขประจำตัว {value} ({category})",
    "Nationality does not match the ID's category (first digit 0/6/7 or a G-Code: not Thai)")  # fmt: skip

# --- person -------------------------------------------------------------------------------------------
REQUIRED = rule("REQUIRED", "error", "person",
    "ยังไม่ได้กรอก {header}",
    "A required cell is empty")  # fmt: skip
NAME_DIGITS = rule("NAME_DIGITS", "error", "person",
    "{header} “{value}” มีตัวเลขปนอยู่",
    "A name contains digits")  # fmt: skip
TEXT_TOO_LONG = rule("TEXT_TOO_LONG", "error", "person",
    "{header} ยาว {length:,} ตัวอักษร เกินที่กำหนด ({limit} ตัวอักษร)",
    "A name, room or note is longer than its limit")  # fmt: skip
NAME_CONTROL = rule("NAME_CONTROL", "error", "person",
    "{header} มีอักขระควบคุมหรือสัญลักษณ์ที่ไม่ใช่ชื่อ: “{value}”",
    "A name contains control characters or symbols")  # fmt: skip
PREFIX_UNKNOWN = rule("PREFIX_UNKNOWN", "error", "person",
    "คำนำหน้าชื่อ “{value}” ไม่อยู่ในรายการ (เด็กชาย เด็กหญิง นาย นางสาว)",
    "Prefix not in the list")  # fmt: skip
SEX_UNKNOWN = rule("SEX_UNKNOWN", "error", "person",
    "เพศ “{value}” ไม่อยู่ในรายการ (ชาย หญิง)",
    "Sex not in the list")  # fmt: skip
PREFIX_SEX_MISMATCH = rule("PREFIX_SEX", "error", "person",
    "คำนำหน้าชื่อ “{value}” ไม่ตรงกับเพศ “{sex}”",
    "Prefix does not agree with sex")  # fmt: skip
PREFIX_ADULT_AGE = rule("PREFIX_ADULT_AGE", "warning", "person",
    "อายุ {age} ปีแล้ว คำนำหน้าชื่อควรเป็น “{expected}” แทน “{value}”",
    "Aged 15 or more: the prefix should be นาย/นางสาว")  # fmt: skip
PREFIX_CHILD_AGE = rule("PREFIX_CHILD_AGE", "warning", "person",
    "อายุ {age} ปี ยังไม่ถึง 15 ปี คำนำหน้าชื่อควรเป็น “{expected}” แทน “{value}”",
    "Under 15: the prefix should be เด็กชาย/เด็กหญิง")  # fmt: skip
GRADE_UNKNOWN = rule("GRADE_UNKNOWN", "error", "person",
    "ชั้น “{value}” ไม่อยู่ในรายการ (อ.1–อ.3, ป.1–ป.6, ม.1–ม.6, ปวช.1–3, ปวส.1–2)",
    "Grade not in the list")  # fmt: skip
GRADE_KIND = rule("GRADE_KIND", "error", "person",
    "ชั้น “{value}” ไม่ตรงกับประเภทสถานศึกษา ({span}) กรุณาตรวจสอบชั้น "
    "หรือแจ้ง อปท. ถ้าประเภทสถานศึกษาในทะเบียนไม่ถูกต้อง",
    "A grade the institution's kind does not have (school อ.1–ม.6, college vocational, centre none)")  # fmt: skip
NATIONALITY_UNKNOWN = rule("NATIONALITY_UNKNOWN", "warning", "person",
    "สัญชาติ “{value}” ไม่อยู่ในรายการ",
    "Nationality not in the list")  # fmt: skip
DATE_UNREADABLE = rule("DATE_UNREADABLE", "error", "person",
    "อ่าน {header} “{value}” ไม่ได้ ({reason}) กรุณาพิมพ์เป็น วว/ดด/ปปปป เช่น 05/03/2560",
    "Date cannot be read; type dd/mm/yyyy")  # fmt: skip
BIRTH_FUTURE = rule("BIRTH_FUTURE", "error", "person",
    "วันเกิด {clean} อยู่หลังวันที่นับข้อมูล ({limit})",
    "Birth date is in the future")  # fmt: skip
AGE_TOO_YOUNG = rule("AGE_TOO_YOUNG", "error", "age",
    "อายุ ณ 16 พ.ค. {age} ปี ต่ำกว่าเกณฑ์ของชั้น {grade} (อย่างน้อย {minimum} ปี) กรุณาตรวจสอบวันเกิดหรือชั้น",
    "Younger than the admission minimum of the grade (age to 16 May)")  # fmt: skip
AGE_YOUNG_FOR_GRADE = rule("AGE_YOUNG_FOR_GRADE", "warning", "age",
    "อายุ ณ 16 พ.ค. {age} ปี น้อยกว่าปกติสำหรับชั้น {grade} (ปกติ {typical} ปี)",
    "Younger than usual for the grade")  # fmt: skip
AGE_OLD_FOR_GRADE = rule("AGE_OLD_FOR_GRADE", "warning", "age",
    "อายุ ณ 16 พ.ค. {age} ปี มากกว่าปกติสำหรับชั้น {grade} (ปกติ {typical} ปี) เช่น ซ้ำชั้นหรือเข้าเรียนช้า",
    "Older than usual for the grade (repeater or late entry?)")  # fmt: skip
AGE_IMPOSSIBLE = rule("AGE_IMPOSSIBLE", "error", "age",
    "อายุ ณ 16 พ.ค. {age} ปี เป็นไปไม่ได้สำหรับชั้น {grade} กรุณาตรวจสอบปีเกิด (พ.ศ./ค.ศ.)",
    "An age impossible for the grade: check the birth year (BE/CE)")  # fmt: skip
CDC_TOO_YOUNG = rule("CDC_TOO_YOUNG", "error", "age",
    "อายุ ณ 16 พ.ค. {age} ปี ต่ำกว่าเกณฑ์รับเด็กของศูนย์พัฒนาเด็กเล็ก (อย่างน้อย 2 ปีเต็ม)",
    "Below the child-centre minimum of 2 full years")  # fmt: skip
CDC_OLD = rule("CDC_OLD", "warning", "age",
    "อายุ ณ 16 พ.ค. {age} ปี มากกว่าปกติสำหรับศูนย์พัฒนาเด็กเล็ก (ควรเข้าเรียนชั้นอนุบาลหรือ ป.1)",
    "Older than usual for a child centre")  # fmt: skip
CDC_IMPOSSIBLE = rule("CDC_IMPOSSIBLE", "error", "age",
    "อายุ ณ 16 พ.ค. {age} ปี เป็นไปไม่ได้สำหรับศูนย์พัฒนาเด็กเล็ก กรุณาตรวจสอบปีเกิด (พ.ศ./ค.ศ.)",
    "An age impossible for a child centre: check the birth year")  # fmt: skip
ENTRY_BEFORE_BIRTH = rule("ENTRY_BEFORE_BIRTH", "error", "person",
    "วันที่ย้ายเข้า {clean} อยู่ก่อนวันเกิด",
    "Entry date before birth")  # fmt: skip
DATE_FUTURE = rule("DATE_FUTURE", "error", "person",
    "{header} {clean} อยู่หลังวันที่นับข้อมูล ({limit})",
    "A date after the census date")  # fmt: skip

# --- removal register ---------------------------------------------------------------------------------
REMOVAL_REASON_UNKNOWN = rule("REMOVAL_REASON_UNKNOWN", "error", "removal",
    "เหตุผลที่นำออก “{value}” ไม่อยู่ในรายการ",
    "Removal reason not in the list")  # fmt: skip
REMOVAL_NOTE_REQUIRED = rule("REMOVAL_NOTE_REQUIRED", "error", "removal",
    "เลือกเหตุผล “อื่น ๆ” แล้ว กรุณาระบุรายละเอียดในช่องหมายเหตุ",
    "Reason 'other' needs a note")  # fmt: skip

_INVISIBLE = r"\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufff9-\ufffb\ufffd"
"""Bidi overrides and isolates, zero-width and soft-hyphen marks, and the replacement character (broken
UTF-8): invisible in a cell, they make one name print as another (a "ghost" that matches no register)."""
_NAME_SYMBOL_CLASS = r"[!\"#$%&*+;<=>?@\[\\\]^_`{|}~\x00-\x1f\x7f-\x9f" + _INVISIBLE + "]"
_ANY_DIGIT = re.compile(r"\d")  # Unicode-aware: Arabic and Thai digits alike
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f" + _INVISIBLE + "]")
_NAME_PROBLEM = re.compile(r"\d|" + _NAME_SYMBOL_CLASS)
_NAME_SUSPECT = re.compile(r"\d|^\s|\s$|\s\s|[\t\n\r\u00a0\ufeff]|" + _NAME_SYMBOL_CLASS)
"""Anything that would make `_name` clean or refuse a name: whitespace to tidy, digits, symbols."""
_NATIONALITY_SET = frozenset(NATIONALITIES)
_KIND_GRADES = {kind: frozenset(grades) for kind, grades in GRADES_BY_KIND.items()}
_SEX_SET = frozenset(SEXES)


def check_id(raw: object, row: int | None, out: list[Finding]) -> str:
    """Normalise and judge an ID cell; return the cleaned text (possibly still invalid)."""
    if type(raw) is str and len(raw) == 13 and raw.isascii() and raw.isdigit():  # the common case, fast
        if not is_thai_id(raw):
            out.append(ID_CHECK_DIGIT.finding("citizen_id", row, raw, expected=thai_id_check_digit(raw[:12])))
        elif raw[:12] in PLACEHOLDER_DIGITS:
            out.append(ID_PLACEHOLDER.finding("citizen_id", row, raw))
        return raw
    text, how = clean_id(raw)
    if how == "number" and text and not text.isdigit():  # a float with a fraction part: digits are gone
        out.append(ID_AS_FLOAT.finding("citizen_id", row, raw))
        return text
    if how is not None:
        notice = {
            "thai_digits": N_ID_THAI_DIGITS,
            "separators": N_ID_SEPARATORS,
            "number": N_ID_AS_NUMBER,
            "lost_zero": ID_LEADING_ZERO_LOST,
        }[how]
        out.append(notice.finding("citizen_id", row, raw, clean=text))
    if not text:
        out.append(REQUIRED.finding("citizen_id", row))
    elif len(text) == 13 and text.isascii() and text.isdigit():
        if not is_thai_id(text):
            out.append(ID_CHECK_DIGIT.finding("citizen_id", row, text, expected=thai_id_check_digit(text[:12])))
        elif is_placeholder_id(text):
            out.append(ID_PLACEHOLDER.finding("citizen_id", row, text))
    elif is_gcode(text):
        if is_placeholder_id(text):
            out.append(ID_PLACEHOLDER.finding("citizen_id", row, text))
    else:
        if "E+" in text.upper() and text.replace(".", "").upper().replace("E+", "").isdigit():
            out.append(ID_AS_FLOAT.finding("citizen_id", row, raw))
        else:
            out.append(ID_FORMAT.finding("citizen_id", row, text))
    return text


def age_on(birth: date, reference: date) -> int:
    """Full years of age on `reference`."""
    return reference.year - birth.year - ((reference.month, reference.day) < (birth.month, birth.day))


def _text(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> str:
    text, changed = clean_text(raw.get(key))
    if changed:
        out.append(N_WHITESPACE.finding(key, row, raw.get(key)))
    return text


def _date(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> date | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        parsed, how = parse_date(value)
    except DateProblem as problem:
        reason = {
            "not_a_date": "ไม่ใช่รูปแบบวันที่",
            "no_such_day": "ไม่มีวันนี้ในปฏิทิน",
            "year_out_of_range": "ปีไม่ถูกต้อง",
            "serial_out_of_range": "ตัวเลขวันที่ไม่ถูกต้อง",
        }[problem.reason]
        out.append(DATE_UNREADABLE.finding(key, row, value, reason=reason))
        return None
    if how is not None and parsed is not None:
        out.append(_DATE_NOTICE[how].finding(key, row, value, clean=format_thai_date(parsed)))
    return parsed


MAX_LENGTH = {"first_name": 100, "last_name": 100, "room": 20, "note": 500, "name": 200}
"""Longest text a cell may hold, by key: Thailand's longest registered names are about 60 letters."""


def _too_long(key: str, text: str, row: int | None, out: list[Finding]) -> bool:
    limit = MAX_LENGTH[key]
    if len(text) <= limit:
        return False
    out.append(TEXT_TOO_LONG.finding(key, row, text[:40] + "…", length=len(text), limit=limit))
    return True


def _name(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> str:
    """A person's name: letters, Thai vowels and tone marks, spaces, dots and hyphens; never digits."""
    value = raw.get(key)
    if type(value) is str and value and len(value) <= 100 and _NAME_SUSPECT.search(value) is None:
        return value  # nearly every name: clean as typed, one regex search
    name = _text(raw, key, row, out)
    if _too_long(key, name, row, out):
        return name[: MAX_LENGTH[key]]
    if not name:
        out.append(REQUIRED.finding(key, row))
    elif _NAME_PROBLEM.search(name):
        if _ANY_DIGIT.search(name):
            out.append(NAME_DIGITS.finding(key, row, name))
        else:
            out.append(NAME_CONTROL.finding(key, row, name))
    return name


def _name_like_text(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> str:
    """A school name: whitespace cleaned and control characters refused, digits allowed."""
    name = _text(raw, key, row, out)
    if _CONTROL.search(name):
        out.append(NAME_CONTROL.finding(key, row, name))
    return name


def check_person(  # noqa: C901, PLR0915  (per-row hot path of 100,000-row rosters: no call per field)
    raw: Mapping[str, object],
    ctx: RoundContext,
    row: int | None,
    out: list[Finding],
    *,
    cdc: bool,
    kind: str | None = None,
) -> dict[str, object]:
    """Judge one pupil (school) or child (child centre); return the cleaned record.

    Ages are full years on 16 May of the academic year. Impossible ages are errors (usually a year
    typed in the wrong era); unusual ones (repeaters, late entry) are warnings. `kind` ("school",
    "college", "cdc"; None when unknown) limits the grades to those that kind of institution has.
    """
    citizen_id = check_id(raw.get("citizen_id"), row, out)

    prefix_raw = raw.get("prefix")
    prefix, expanded = (prefix_raw, False) if prefix_raw in PREFIX_SEX else clean_prefix(prefix_raw)
    if expanded:
        out.append(N_PREFIX_EXPANDED.finding("prefix", row, prefix_raw, clean=prefix))
    if not prefix:
        out.append(REQUIRED.finding("prefix", row))
    elif prefix not in PREFIX_SEX:
        out.append(PREFIX_UNKNOWN.finding("prefix", row, prefix))

    first_name = _name(raw, "first_name", row, out)
    last_name = _name(raw, "last_name", row, out)

    sex_raw = raw.get("sex")
    sex, aliased = (sex_raw, False) if sex_raw in _SEX_SET else clean_sex(sex_raw)
    if aliased:
        out.append(N_SEX_ALIAS.finding("sex", row, sex_raw, clean=sex))
    if not sex:
        out.append(REQUIRED.finding("sex", row))
    elif sex not in SEXES:
        out.append(SEX_UNKNOWN.finding("sex", row, sex))
    elif prefix in PREFIX_SEX and PREFIX_SEX[prefix] != sex:
        out.append(PREFIX_SEX_MISMATCH.finding("prefix", row, prefix, sex=sex))

    grade = ""
    if not cdc:
        grade_raw = raw.get("grade")
        grade, aliased = (grade_raw, False) if grade_raw in GRADE_TYPICAL_AGE else clean_grade(grade_raw)
        if aliased:
            out.append(N_GRADE_ALIAS.finding("grade", row, grade_raw, clean=grade))
        if not grade:
            out.append(REQUIRED.finding("grade", row))
        elif grade not in GRADE_TYPICAL_AGE:
            out.append(GRADE_UNKNOWN.finding("grade", row, grade))
        elif kind is not None and grade not in _KIND_GRADES[kind]:
            out.append(GRADE_KIND.finding("grade", row, grade, span=GRADE_SPAN_TH[kind]))

    nationality = raw.get("nationality")
    if nationality not in _NATIONALITY_SET:
        nationality = _text(raw, "nationality", row, out)
        canonical, aliased = clean_nationality(nationality)
        if aliased:
            out.append(N_NATIONALITY_ALIAS.finding("nationality", row, nationality, clean=canonical))
            nationality = canonical
    assert isinstance(nationality, str)
    if not nationality:
        out.append(REQUIRED.finding("nationality", row))
    elif nationality not in NATIONALITIES:
        out.append(NATIONALITY_UNKNOWN.finding("nationality", row, nationality))
    elif citizen_id:
        category = id_category(citizen_id)
        is_thai = nationality == THAI_NATIONALITY
        if (category == "non_thai" and is_thai) or (category == "thai" and not is_thai):
            label = "บุคคลที่ไม่มีสัญชาติไทย" if category == "non_thai" else "บุคคลสัญชาติไทย"
            out.append(ID_NATIONALITY.finding("nationality", row, citizen_id, nationality=nationality, category=label))

    birth = _date(raw, "birth_date", row, out)
    if birth is None and "DATE_UNREADABLE" not in _codes_for(out, row, "birth_date"):
        out.append(REQUIRED.finding("birth_date", row))
    latest = ctx.latest_date
    if birth is not None:
        if birth > latest:
            out.append(
                BIRTH_FUTURE.finding(
                    "birth_date",
                    row,
                    raw.get("birth_date"),
                    clean=format_thai_date(birth),
                    limit=format_thai_date(latest),
                )
            )
        else:
            for verdict, params in _age_verdicts(birth, grade, prefix, cdc, ctx.age_reference, ctx.as_of or latest):
                out.append(verdict.finding(params[0][1], row, **dict(params[1:])))

    entry = _date(raw, "entry_date", row, out)
    if entry is not None:
        if birth is not None and entry < birth:
            out.append(
                ENTRY_BEFORE_BIRTH.finding("entry_date", row, raw.get("entry_date"), clean=format_thai_date(entry))
            )
        elif entry > latest:
            out.append(
                DATE_FUTURE.finding(
                    "entry_date",
                    row,
                    raw.get("entry_date"),
                    clean=format_thai_date(entry),
                    limit=format_thai_date(latest),
                )
            )

    record: dict[str, object] = {
        "citizen_id": citizen_id,
        "prefix": prefix,
        "first_name": first_name,
        "last_name": last_name,
        "sex": sex,
        "birth_date": birth,
        "nationality": nationality,
        "room": _room(raw, row, out),
        "entry_date": entry,
    }
    if not cdc:
        record["grade"] = grade
    elif isinstance(birth, date):  # a centre's children are counted by age group, not grade
        record["age_group"] = cdc_age_group(age_on(birth, ctx.age_reference))
    return record


def _room(raw: Mapping[str, object], row: int | None, out: list[Finding]) -> str:
    """A classroom label ("1", "ป.1/2"): short, and free of control and invisible characters."""
    room = clean_text(raw.get("room"))[0]
    if room and not _too_long("room", room, row, out) and _CONTROL.search(room):
        out.append(NAME_CONTROL.finding("room", row, room))
    return room


def _codes_for(out: list[Finding], row: int | None, column: str) -> set[str]:
    """Codes already reported for this cell (scans only the tail: findings of the current row)."""
    codes = set()
    for finding in reversed(out):
        if finding.row != row:
            break
        if finding.column == column:
            codes.add(finding.code)
    return codes


Verdict = tuple[Rule, tuple[tuple[str, object], ...]]


@lru_cache(maxsize=1 << 16)
def _age_verdicts(
    birth: date, grade: str, prefix: str, cdc: bool, age_reference: date, prefix_reference: date
) -> tuple[Verdict, ...]:
    """The age rules' verdicts for one birth date, grade and prefix; cached because a roster of
    100,000 children has only a few thousand distinct birth dates. Each verdict is the rule and its
    parameters, the first being ("column", key)."""
    verdicts: list[Verdict] = []
    age = age_on(birth, age_reference)
    if cdc:
        verdicts += _cdc_age(age)
    elif grade in GRADE_TYPICAL_AGE:
        verdicts += _grade_age(age, grade)
    if prefix in PREFIX_SEX:
        verdicts += _prefix_age(prefix, age_on(birth, prefix_reference))
    return tuple(verdicts)


def _verdict(rule: Rule, column: str, **params: object) -> Verdict:
    return rule, (("column", column), *params.items())


def _grade_age(age: int, grade: str) -> list[Verdict]:
    typical = GRADE_TYPICAL_AGE[grade]
    minimum = GRADE_MIN_AGE.get(grade, typical - 1)
    vocational = grade.startswith("ปว")
    if age < minimum - 1 or age < 2:
        return [_verdict(AGE_IMPOSSIBLE, "birth_date", age=age, grade=grade)]
    if age < minimum:
        if grade in ADMISSION_GRADES:
            return [_verdict(AGE_TOO_YOUNG, "birth_date", age=age, grade=grade, minimum=minimum)]
        return [_verdict(AGE_YOUNG_FOR_GRADE, "birth_date", age=age, grade=grade, typical=typical)]
    if age > typical + 10 and not vocational:
        return [_verdict(AGE_IMPOSSIBLE, "birth_date", age=age, grade=grade)]
    if age > typical + 2:
        return [_verdict(AGE_OLD_FOR_GRADE, "birth_date", age=age, grade=grade, typical=typical)]
    return []


def _cdc_age(age: int) -> list[Verdict]:
    if age < CDC_MIN_AGE:
        return [_verdict(CDC_TOO_YOUNG, "birth_date", age=age)]
    if age >= CDC_IMPOSSIBLE_AGE:
        return [_verdict(CDC_IMPOSSIBLE, "birth_date", age=age)]
    if age > CDC_USUAL_MAX_AGE:
        return [_verdict(CDC_OLD, "birth_date", age=age)]
    return []


def _prefix_age(prefix: str, age: int) -> list[Verdict]:
    is_child_prefix = prefix in CHILD_PREFIXES
    if is_child_prefix and age >= ADULT_PREFIX_AGE:
        expected = "นาย" if prefix == "เด็กชาย" else "นางสาว"
        return [_verdict(PREFIX_ADULT_AGE, "prefix", value=prefix, age=age, expected=expected)]
    if not is_child_prefix and age < ADULT_PREFIX_AGE:
        expected = "เด็กชาย" if prefix == "นาย" else "เด็กหญิง"
        return [_verdict(PREFIX_CHILD_AGE, "prefix", value=prefix, age=age, expected=expected)]
    return []


def check_removal(
    raw: Mapping[str, object], ctx: RoundContext, row: int | None, out: list[Finding]
) -> dict[str, object]:
    """Judge one row of the removed-children register; return the cleaned record.

    The reason may arrive as its dropdown label or as its key; "other" needs a note so that an
    officer reading the register later knows why the child was taken out.
    """
    citizen_id = check_id(raw.get("citizen_id"), row, out)
    prefix, expanded = clean_prefix(raw.get("prefix"))
    if expanded:
        out.append(N_PREFIX_EXPANDED.finding("prefix", row, raw.get("prefix"), clean=prefix))
    if prefix and prefix not in PREFIXES:
        out.append(PREFIX_UNKNOWN.finding("prefix", row, prefix))
    first_name = _name(raw, "first_name", row, out)
    last_name = _name(raw, "last_name", row, out)
    removed_on = _date(raw, "removed_on", row, out)
    if removed_on is None and "DATE_UNREADABLE" not in _codes_for(out, row, "removed_on"):
        out.append(REQUIRED.finding("removed_on", row))
    elif removed_on is not None and removed_on > ctx.latest_date:
        out.append(
            DATE_FUTURE.finding(
                "removed_on",
                row,
                raw.get("removed_on"),
                clean=format_thai_date(removed_on),
                limit=format_thai_date(ctx.latest_date),
            )
        )
    reason_text = _text(raw, "reason", row, out)
    reason = REMOVAL_REASON_BY_LABEL.get(reason_text) or (reason_text if reason_text in REMOVAL_REASONS else "")
    if not reason_text:
        out.append(REQUIRED.finding("reason", row))
    elif not reason:
        out.append(REMOVAL_REASON_UNKNOWN.finding("reason", row, reason_text))
    note = _text(raw, "note", row, out)
    if note and not _too_long("note", note, row, out) and _CONTROL.search(note):
        out.append(NAME_CONTROL.finding("note", row, note))
    if reason == "other" and not note:
        out.append(REMOVAL_NOTE_REQUIRED.finding("note", row))
    return {
        "citizen_id": citizen_id,
        "prefix": prefix,
        "first_name": first_name,
        "last_name": last_name,
        "removed_on": removed_on,
        "reason": reason,
        "note": note,
    }


__all__ = ["GRADES", "age_on", "check_id", "check_person", "check_removal"]
