"""Turning what a person typed into what the rules judge.

Each function returns the cleaned value and whether it changed anything a person would notice, so the
caller can report the change ("we read ๑๒ as 12") instead of silently rewriting a clerk's input. All of
them are idempotent: cleaning a cleaned value changes nothing (a property test holds them to it).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

from validators.fields import (
    GRADE_ALIASES,
    GRADES,
    NATIONALITIES,
    NATIONALITY_SYNONYMS,
    PREFIX_ABBREVIATIONS,
    PREFIXES,
    SEX_ALIASES,
    SEXES,
)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_THAI_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_ID_SEPARATORS = str.maketrans("", "", " -\u00a0\u200b\t._/")
_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\ufeff")

_PREFIX_SET = frozenset(PREFIXES)
_SEX_SET = frozenset(SEXES)
_GRADE_SET = frozenset(GRADES)
_NATIONALITY_SET = frozenset(NATIONALITIES)
_NATIONALITY_FOLD = str.maketrans("", "", " .-()[]\u00a0")

BE_OFFSET = 543
BE_THRESHOLD = 2400
"""A year above this is Buddhist Era: CE 2400 is centuries away, BE 2400 was 1857."""

EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (the 1900 leap-year bug is folded in for serials after Feb 1900)."""


_THAI_DIGIT = re.compile("[๐-๙]")
_MESSY = re.compile(r"^\s|\s$|\s\s|[\t\n\r\u00a0\u200b\u200c\u200d\ufeff]")
"""Anything `clean_text` would change: tested first so that clean cells (nearly all) cost one search."""
MESSY = _MESSY
"""The same test for callers that take clean text as is (`validators.academic.common.text_of`)."""


def display_width(text: str) -> int:
    """Columns `text` takes on a screen or in a cell: Thai vowel and tone marks above and below the
    line (combining marks) and format characters take none."""
    return sum(1 for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")


def has_thai_digits(text: str) -> bool:
    return _THAI_DIGIT.search(text) is not None


def thai_digits_to_arabic(text: str) -> str:
    """๐-๙ to 0-9. Python's `int()` and `\\d` accept Thai digits silently; we do it explicitly."""
    return text.translate(_THAI_TO_ARABIC)


def clean_text(value: object) -> tuple[str, bool]:
    """Collapse runs of whitespace, drop invisible characters and trim.

    Returns (text, changed). None and blank give "". A number that reached a text column (a room
    typed as 1) becomes "1" without being reported: the person typed exactly that.
    """
    if value is None:
        return "", False
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), False
    if not isinstance(value, str):
        return str(value), False
    if _MESSY.search(value) is None:
        return value, False
    text = value.translate(_INVISIBLE)
    if "  " in text or "\n" in text or "\t" in text or "\u00a0" in text:
        text = _WHITESPACE.sub(" ", text.replace("\u00a0", " "))
    text = text.strip()
    return text, text != value


def clean_id(value: object) -> tuple[str, str | None]:
    """Normalise a citizen ID or G-Code cell.

    Returns (text, how) where `how` says what had to change: None (nothing), "thai_digits",
    "separators" (spaces/dashes typed between the groups 1-2345-67890-12-3), "number" (the cell held a
    number: Excel stores a 13-digit number as a float) or "lost_zero" (a number of 12 digits: the
    leading 0 of a 0-category ID was dropped by Excel). Scientific text such as "1.10060044563E+12"
    is returned unchanged for the identity rule to explain: its last digits are gone for good.
    """
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value), "number"
        digits = str(int(value))
        if len(digits) == 12:
            return "0" + digits, "lost_zero"
        return digits, "number"
    text = str(value).strip()
    how: str | None = None
    if has_thai_digits(text):
        text = thai_digits_to_arabic(text)
        how = "thai_digits"
    stripped = text.translate(_ID_SEPARATORS)
    if stripped != text and stripped.isalnum() and ("E+" not in text.upper()):
        text = stripped
        how = how or "separators"
    if text[:1] == "g":
        text = "G" + text[1:]
        how = how or "separators"
    return text, how


def clean_prefix(value: object) -> tuple[str, bool]:
    """Expand abbreviated prefixes (ด.ช. → เด็กชาย). Returns (prefix, expanded)."""
    if value in _PREFIX_SET:
        return value, False  # type: ignore[return-value]
    text, _ = clean_text(value)
    if text in PREFIXES or not text:
        return text, False
    compact = text.replace(" ", "")
    full = PREFIX_ABBREVIATIONS.get(compact)
    if full is not None:
        return full, True
    return text, False


def clean_sex(value: object) -> tuple[str, bool]:
    if value in _SEX_SET:
        return value, False  # type: ignore[return-value]
    text, _ = clean_text(value)
    if text in SEXES or not text:
        return text, False
    alias = SEX_ALIASES.get(text.lower())
    return (alias, True) if alias else (text, False)


def nationality_key(text: str) -> str:
    """What two spellings of one nationality share: no case, spaces, dots, dashes or brackets, and no
    leading word สัญชาติ ("สัญชาติ ไทย" and "Thai" both give the key of ไทย)."""
    return text.translate(_NATIONALITY_FOLD).casefold().removeprefix("สัญชาติ")


_NATIONALITY_BY_KEY = {
    nationality_key(spelling): canonical
    for canonical, synonyms in NATIONALITY_SYNONYMS.items()
    for spelling in (canonical, *synonyms)
}


def clean_nationality(value: object) -> tuple[str, bool]:
    """Read a synonym (พม่า, Thai, สัญชาติลาว) as the list's spelling. Returns (nationality, aliased);
    a value that is no known spelling comes back trimmed and unchanged for the rule to report."""
    if value in _NATIONALITY_SET:
        return value, False  # type: ignore[return-value]
    text, _ = clean_text(value)
    if text in _NATIONALITY_SET or not text:
        return text, False
    canonical = _NATIONALITY_BY_KEY.get(nationality_key(text))
    return (canonical, True) if canonical else (text, False)


def clean_grade(value: object) -> tuple[str, bool]:
    """Accept "ป1", "ป. 1", "ประถมศึกษาปีที่ 1", Thai digits; return the canonical "ป.1"."""
    if value in _GRADE_SET:
        return value, False  # type: ignore[return-value]
    text, _ = clean_text(value)
    if text in GRADES or not text:
        return text, False
    return _canonical_grade(text)


@lru_cache(maxsize=256)
def _canonical_grade(text: str) -> tuple[str, bool]:
    compact = thai_digits_to_arabic(text).replace(" ", "")
    if compact in GRADE_ALIASES:
        return GRADE_ALIASES[compact], True
    for grade in GRADES:
        if compact == grade or compact == grade.replace(".", ""):
            return grade, True
    return text, False


# --- dates --------------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
THAI_MONTHS = {
    "มกราคม": 1, "กุมภาพันธ์": 2, "มีนาคม": 3, "เมษายน": 4, "พฤษภาคม": 5, "มิถุนายน": 6,
    "กรกฎาคม": 7, "สิงหาคม": 8, "กันยายน": 9, "ตุลาคม": 10, "พฤศจิกายน": 11, "ธันวาคม": 12,
    "ม.ค.": 1, "ก.พ.": 2, "มี.ค.": 3, "เม.ย.": 4, "พ.ค.": 5, "มิ.ย.": 6,
    "ก.ค.": 7, "ส.ค.": 8, "ก.ย.": 9, "ต.ค.": 10, "พ.ย.": 11, "ธ.ค.": 12,
}  # fmt: skip
_THAI_MONTH_TEXT = re.compile(r"^(\d{1,2})\s+(\S+)\s+(\d{4})$")


class DateProblem(ValueError):
    """A date cell that cannot be read; `reason` is a short key the date rule turns into Thai."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_date(value: object) -> tuple[date | None, str | None]:
    """Read a date the way clerks type it. Returns (date, how) with how in
    None (a real date cell, or dd/mm/yyyy in BE), "ce_text", "thai_digits", "serial"
    (an Excel day number), "be_cell" (a real date whose year is BE: someone typed 2562 into a date
    cell), "two_digit_year". A BE date typed as the template asks (dd/mm/yyyy) is read as typed, so
    it reports nothing. Raises DateProblem for what no reading can save.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year > BE_THRESHOLD:
            return _shift_year(value, -BE_OFFSET), "be_cell"
        return value, None
    if isinstance(value, bool):
        raise DateProblem("not_a_date")
    if isinstance(value, int | float):
        return _from_serial(float(value)), "serial"
    text = str(value).strip()
    if not text:
        return None, None
    return _parse_date_text(text)


@lru_cache(maxsize=65536)
def _parse_date_text(text: str) -> tuple[date, str | None]:
    """Cached: a roster of 100k children has a few thousand distinct birth dates."""
    how = None
    if has_thai_digits(text):
        text = thai_digits_to_arabic(text)
        how = "thai_digits"
    m = _DATE_TEXT.match(text)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        how2, year = _full_year(year, len(m[3]))
    else:
        m = _ISO_TEXT.match(text)
        if m:
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            how2, year = _full_year(year, 4)
        else:
            m = _THAI_MONTH_TEXT.match(text)
            if not m or m[2] not in THAI_MONTHS:
                if text.replace(".", "", 1).isdigit():
                    return _from_serial(float(text)), "serial"
                raise DateProblem("not_a_date")
            day, month, year = int(m[1]), THAI_MONTHS[m[2]], int(m[3])
            how2, year = _full_year(year, 4)
    try:
        parsed = date(year, month, day)
    except ValueError as exc:
        raise DateProblem("no_such_day") from exc
    return parsed, how or how2


def _full_year(year: int, width: int) -> tuple[str | None, int]:
    if width <= 2:
        # Two digits: a child's birth year. 60-99 read as BE 25xx (2560 = 2017), else CE 20xx.
        return "two_digit_year", (2500 + year - BE_OFFSET) if year >= 40 else 2000 + year
    if year > BE_THRESHOLD:
        return None, year - BE_OFFSET
    if year < 1900:
        raise DateProblem("year_out_of_range")
    return "ce_text", year


def _from_serial(serial: float) -> date:
    if serial < 1 or serial > 2958465:
        raise DateProblem("serial_out_of_range")
    day = _serial_to_date(int(serial))
    if day.year > BE_THRESHOLD:
        return _shift_year(day, -BE_OFFSET)
    return day


@lru_cache(maxsize=65536)
def _serial_to_date(serial: int) -> date:
    return EXCEL_EPOCH + timedelta(days=serial)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb in a year that is no longer leap
        return d.replace(year=d.year + years, day=28)


def format_thai_date(d: date) -> str:
    """dd/mm/yyyy in Buddhist Era, the way every Thai form prints dates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year + BE_OFFSET}"


# --- counts -------------------------------------------------------------------------------------------


class CountProblem(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_count(value: object) -> tuple[int, str | None]:
    """A head count: a whole number, zero or more. Returns (n, how) with how "thai_digits" or None.

    Raises CountProblem("blank" | "negative" | "fraction" | "not_a_number"). Blank is never zero:
    the letters ask for an explicit 0 so that a forgotten cell cannot pass as "no pupils".
    """
    if value is None:
        raise CountProblem("blank")
    if isinstance(value, bool):
        raise CountProblem("not_a_number")
    if isinstance(value, int):
        n, how = value, None
    elif isinstance(value, float):
        if not value.is_integer():
            raise CountProblem("negative" if value < 0 else "fraction")
        n, how = int(value), None
    else:
        text = str(value).strip().replace(",", "")
        if not text:
            raise CountProblem("blank")
        how = None
        if has_thai_digits(text):
            text = thai_digits_to_arabic(text)
            how = "thai_digits"
        try:
            number = float(text)
        except ValueError as exc:
            raise CountProblem("not_a_number") from exc
        if number != number or number in (float("inf"), float("-inf")):
            raise CountProblem("not_a_number")
        if not number.is_integer():
            raise CountProblem("negative" if number < 0 else "fraction")
        n = int(number)
    if n < 0:
        raise CountProblem("negative")
    return n, how
