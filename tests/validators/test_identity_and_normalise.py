"""Thai ID check digits, G-Codes and normalisation, with property tests for both."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from validators.fields import NATIONALITIES, NATIONALITY_SYNONYMS
from validators.identity import (
    id_category,
    is_gcode,
    is_placeholder_id,
    is_thai_id,
    thai_id_check_digit,
    with_check_digit,
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
    nationality_key,
    parse_count,
    parse_date,
    thai_digits_to_arabic,
)

TWELVE_DIGITS = st.text(alphabet="0123456789", min_size=12, max_size=12)


def reference_check_digit(first12: str) -> int:
    """domain.md's formula written out plainly, independent of the implementation."""
    total = 0
    for i in range(1, 13):
        total += int(first12[i - 1]) * (14 - i)
    return (11 - total % 11) % 10


def test_known_ids() -> None:
    # 1-1017-00230-70-? : weighted sum 1*13+1*12+0*11+1*10+7*9+0*8+0*7+2*6+3*5+0*4+7*3+0*2 = 146;
    # 146 mod 11 = 3; (11-3) mod 10 = 8.
    assert thai_id_check_digit("110170023070") == 8
    assert is_thai_id("1101700230708")
    assert not is_thai_id("1101700230709")
    assert not is_thai_id("110170023070")  # 12 digits
    assert not is_thai_id("๑101700230708")  # Thai digit: normalise first, then judge


@given(TWELVE_DIGITS)
def test_check_digit_matches_the_formula(first12: str) -> None:
    assert thai_id_check_digit(first12) == reference_check_digit(first12)
    full = with_check_digit(first12)
    assert is_thai_id(full)


@given(TWELVE_DIGITS, st.integers(min_value=1, max_value=9))
def test_any_other_check_digit_is_rejected(first12: str, shift: int) -> None:
    full = with_check_digit(first12)
    wrong = full[:12] + str((int(full[12]) + shift) % 10)
    assert not is_thai_id(wrong)


def test_leading_zero_is_valid() -> None:
    zero = with_check_digit("012345678901")
    assert zero.startswith("0") and is_thai_id(zero)
    assert id_category(zero) == "non_thai" and id_category("G644200000001") == "non_thai"
    assert id_category(with_check_digit("110060044563")) == "thai"


def test_gcode() -> None:
    assert is_gcode("G644200000001")
    assert not is_gcode("G64420000000")
    assert not is_gcode("g644200000001")  # clean_id upper-cases it first
    assert clean_id("g644200000001") == ("G644200000001", "separators")


def test_id_cells_as_excel_gives_them() -> None:
    valid = with_check_digit("110060044563")
    assert clean_id(float(valid)) == (valid, "number")
    assert clean_id(int(valid)) == (valid, "number")
    zero = with_check_digit("012345678901")
    assert clean_id(float(zero)) == (zero, "lost_zero")
    assert clean_id(f"{valid[0]} {valid[1:5]} {valid[5:10]} {valid[10:12]} {valid[12]}") == (valid, "separators")
    assert clean_id("1.10060044563E+12")[0] == "1.10060044563E+12"


def test_dates_as_people_type_them() -> None:
    assert parse_date("05/03/2561") == (date(2018, 3, 5), None)
    assert parse_date("5-3-2561") == (date(2018, 3, 5), None)
    assert parse_date("05/03/2018") == (date(2018, 3, 5), "ce_text")
    assert parse_date("๕/๓/๒๕๖๑") == (date(2018, 3, 5), "thai_digits")
    assert parse_date("5 มีนาคม 2561") == (date(2018, 3, 5), None)
    assert parse_date("5 มี.ค. 2561") == (date(2018, 3, 5), None)
    assert parse_date(43164) == (date(2018, 3, 5), "serial")
    assert parse_date(date(2561, 3, 5)) == (date(2018, 3, 5), "be_cell")
    assert parse_date(date(2018, 3, 5)) == (date(2018, 3, 5), None)
    assert parse_date("29/02/2563") == (date(2020, 2, 29), None)  # 2020 was a leap year
    for bad in ("29/02/2562", "hello", "00/00/0000"):
        try:
            parse_date(bad)
        except DateProblem:
            continue
        raise AssertionError(f"{bad} should not parse")


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_thai_date_round_trip(day: date) -> None:
    assert parse_date(format_thai_date(day))[0] == day


def test_counts() -> None:
    assert parse_count("๑๒") == (12, "thai_digits")
    assert parse_count(" 1,234 ") == (1234, None)
    assert parse_count(3.0) == (3, None)


messy_text = st.text(alphabet=st.sampled_from(list("สมชาย ใจดี\t\n\u00a0\u200b-ด.ช.๑๒3")), max_size=30)


@given(messy_text)
def test_clean_text_is_idempotent(text: str) -> None:
    once, _ = clean_text(text)
    assert clean_text(once) == (once, False)


@given(st.one_of(messy_text, st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙ -Gg", max_size=20)))
def test_clean_id_is_idempotent(text: str) -> None:
    once, _ = clean_id(text)
    twice, how = clean_id(once)
    assert twice == once
    assert how is None or once == ""


@given(st.sampled_from(["ด.ช.", "ด.ญ.", "น.ส.", "นาย", " ด.ช ", "ดญ", "คุณ", ""]))
def test_prefix_sex_grade_are_idempotent(text: str) -> None:
    for clean in (clean_prefix, clean_sex, clean_grade):
        once, _ = clean(text)
        assert clean(once) == (once, False)


@given(st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙abc", max_size=20))
def test_thai_digit_conversion_is_idempotent(text: str) -> None:
    once = thai_digits_to_arabic(text)
    assert thai_digits_to_arabic(once) == once
    assert not any(ch in once for ch in "๐๑๒๓๔๕๖๗๘๙")


def reference_placeholder(digits: str) -> bool:
    """The placeholder rule written out plainly: one digit throughout, or every step +1 or every step -1
    (mod 10)."""
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(digits)}
    return steps in ({0}, {1}, {9})


@given(TWELVE_DIGITS)
def test_placeholder_ids_are_exactly_the_runs(first12: str) -> None:
    full = with_check_digit(first12)
    assert is_placeholder_id(full) == reference_placeholder(first12)
    assert is_placeholder_id("G" + first12) == reference_placeholder(first12)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_leading_zero_alone_never_makes_a_placeholder(rest: str) -> None:
    full = with_check_digit("0" + rest)
    assert is_thai_id(full)
    assert is_placeholder_id(full) == reference_placeholder("0" + rest)


def test_known_placeholders() -> None:
    assert is_placeholder_id("0000000000001") and is_placeholder_id("1111111111119")
    assert all(is_placeholder_id(with_check_digit(str(d) * 12)) for d in range(10))
    assert is_placeholder_id(with_check_digit("012345678901")) and is_placeholder_id(with_check_digit("890123456789"))
    assert not is_placeholder_id(with_check_digit("056420012345"))
    assert not is_placeholder_id("G644200000001")
    assert not is_placeholder_id("111111111111")  # 12 characters: not an ID at all, another rule's business


def test_nationality_synonyms_table() -> None:
    assert set(NATIONALITY_SYNONYMS) == set(NATIONALITIES)
    owner: dict[str, str] = {}
    for canonical, spellings in NATIONALITY_SYNONYMS.items():
        for spelling in (canonical, *spellings):
            key = nationality_key(spelling)
            assert owner.setdefault(key, canonical) == canonical, f"{spelling} is under two nationalities"
            assert clean_nationality(spelling) == (canonical, spelling != canonical)
    assert clean_nationality("พม่า") == ("เมียนมา", True)
    assert clean_nationality(" THAI ") == ("ไทย", True)
    assert clean_nationality("เมียนมาร์ (พม่า)") == ("เมียนมา", True)
    assert clean_nationality("อื่นๆ") == ("อื่น ๆ", True)
    assert clean_nationality("ดาวอังคาร") == ("ดาวอังคาร", False)


@given(
    st.one_of(
        st.sampled_from([s for v in NATIONALITY_SYNONYMS.values() for s in v]),
        st.text(alphabet=st.sampled_from(list("ไทยพม่าThai ลาว.()สัญชาติ")), max_size=15),
    )
)
def test_clean_nationality_is_idempotent(text: str) -> None:
    once, aliased = clean_nationality(text)
    assert clean_nationality(once) == (once, False)
    assert not aliased or once in NATIONALITIES
