"""What the academic rules share: reading a typed number as a Decimal, the class a sheet is for, and
the few generic findings (a blank required cell, a number that is not one) in the catalogue.

Decimals, not floats: a GPA is cut, not rounded, at two decimals, and 2.995 must not become 2.99499...
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from validators.fields import GRADES, LEVELS
from validators.findings import rule
from validators.normalize import MESSY, clean_grade, clean_text, has_thai_digits, thai_digits_to_arabic

A_REQUIRED = rule("ACADEMIC_REQUIRED", "error", "academic_common",
    "ยังไม่ได้กรอก {label}",
    "A required cell of an academic form is empty")  # fmt: skip
A_NOT_NUMBER = rule("ACADEMIC_NOT_NUMBER", "error", "academic_common",
    "{label} ต้องเป็นตัวเลข (พบ “{value}”)",
    "A number was expected")  # fmt: skip
A_CLASS_UNKNOWN = rule("ACADEMIC_CLASS_UNKNOWN", "error", "academic_common",
    "ชั้น “{value}” ไม่ใช่ชั้นที่มีรายวิชา (ป.1–ป.6, ม.1–ม.6, ปวช.1–3, ปวส.1–2)",
    "Not a class level that has subjects")  # fmt: skip

PRIMARY = frozenset(LEVELS["ประถมศึกษา"])
LOWER_SECONDARY = frozenset(LEVELS["มัธยมศึกษาตอนต้น"])
UPPER_SECONDARY = frozenset(LEVELS["มัธยมศึกษาตอนปลาย"])
VOCATIONAL = frozenset(LEVELS["ปวช."]) | frozenset(LEVELS["ปวส."])
SUBJECT_GRADES = tuple(g for g in GRADES if g in PRIMARY | LOWER_SECONDARY | UPPER_SECONDARY | VOCATIONAL)
"""Class levels that study subjects (kindergarten has none)."""


class NotANumber(ValueError):
    """A cell that should hold a number holds text that is not one."""


def to_decimal(value: object) -> Decimal | None:
    """A typed number as a Decimal (None for a blank cell); Thai digits and thousands commas accepted.

    A float from a cell goes through its shortest repr (79.5, not 79.4999...), which is the number the
    person typed and the one Excel shows.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(repr(value))
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text, _ = clean_text(value)
    if not text:
        return None
    if has_thai_digits(text):
        text = thai_digits_to_arabic(text)
    text = text.replace(",", "").rstrip("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NotANumber(str(value)) from None
    if not number.is_finite():
        raise NotANumber(str(value))
    return number


def class_grade(class_name: str) -> str | None:
    """The grade of a class as the school names it: "ม.3/1" -> "ม.3"; None when not a subject level."""
    head = class_name.split("/", 1)[0].strip()
    grade, _ = clean_grade(head)
    return grade if grade in SUBJECT_GRADES else None


def level_of(grade: str) -> str:
    """ "primary", "lower", "upper" or "vocational": what decides the code shape, credits and scale."""
    if grade in PRIMARY:
        return "primary"
    if grade in LOWER_SECONDARY:
        return "lower"
    if grade in UPPER_SECONDARY:
        return "upper"
    if grade in VOCATIONAL:
        return "vocational"
    raise ValueError(f"not a subject level: {grade}")


def scale_name(grade: str) -> str:
    """The grading scale of a class: vocational classes take the vocational one."""
    return "vocational" if grade in VOCATIONAL else "basic"


def text_of(value: object) -> str:
    """A cell as trimmed text (numbers that reached a text column come back as typed).

    Clean text (nearly every cell) is returned as is after one search, without `clean_text`'s other steps."""
    if type(value) is str and MESSY.search(value) is None:
        return value
    return clean_text(value)[0]


def decimal_text(value: Decimal) -> str:
    """A decimal as the records store keeps it: an integral value without its decimals ("98.00" -> "98"),
    any other exactly as typed or computed ("79.50" stays "79.50"), never in exponent notation."""
    text = str(value)  # plain notation unless it has an exponent: then it reads as format(value, "f")
    if "E" in text or "N" in text or "n" in text:
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    head, dot, tail = text.partition(".")
    return head if dot and not tail.strip("0") else text


def plain_number(n: Decimal) -> str:
    """1.0 -> "1", 1.50 -> "1.5": a number as a person writes it in a message."""
    text = format(n, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
