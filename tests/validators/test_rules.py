"""Every rule of validators/: a case that triggers it and a case that passes.

`FAILING` maps each rule code to rows that must produce it; `test_every_rule_has_a_failing_case`
fails when a new rule is declared without a case here.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from validators import (
    RULES,
    PreviousChild,
    RoundContext,
    validate_cdc_basic,
    validate_other_counts,
    validate_other_pupils,
    validate_roster,
)
from validators.fields import OTHER_COUNT_KEYS
from validators.identity import with_check_digit

CTX = RoundContext(2567, 2)  # academic year 2567 (May 2024), round 2: census 10 Nov 2024
GOOD_ID = with_check_digit("110060044563")
ZERO_ID = with_check_digit("056420012345")  # a 0-category ID (no registration status): valid, and real-looking


def pupil(**changes: object) -> dict[str, object]:
    """A correct ป.1 boy; each case changes what it tests."""
    row: dict[str, object] = {
        "citizen_id": GOOD_ID,
        "prefix": "เด็กชาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "sex": "ชาย",
        "birth_date": "05/03/2561",  # 6 on 16 May 2567 (2024)
        "grade": "ป.1",
        "room": "1",
        "nationality": "ไทย",
        "entry_date": None,
    }
    row.update(changes)
    return row


def child(**changes: object) -> dict[str, object]:
    row = pupil(**{"birth_date": date(2021, 3, 1), **changes})  # 3 on 16 May 2024
    row.pop("grade")
    return row


def removal(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "citizen_id": with_check_digit("110060044564"),
        "prefix": "เด็กหญิง",
        "first_name": "สมหญิง",
        "last_name": "ใจงาม",
        "removed_on": "01/07/2567",
        "reason": "จบการศึกษา",
        "note": "",
    }
    row.update(changes)
    return row


def counts(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {"other_school_code": "1056010001", "other_school_name": "โรงเรียนบ้านดอน",
                              "affiliation": "สพฐ.", "closed": "ไม่ใช่"}  # fmt: skip
    row.update({k: 5 for k in OTHER_COUNT_KEYS})
    row.update(changes)
    return row


def codes_of(findings: list) -> set[str]:
    return {f.code for f in findings}


def run_pupil(row: dict[str, object]) -> set[str]:
    return codes_of(validate_roster("school", [(5, row)], CTX).findings)


def run_child(row: dict[str, object]) -> set[str]:
    return codes_of(validate_roster("cdc", [(5, row)], CTX).findings)


def run_removal(row: dict[str, object]) -> set[str]:
    return codes_of(validate_roster("school", [(5, pupil())], CTX, removals=[(5, row)]).findings)


def run_college(row: dict[str, object]) -> set[str]:
    return codes_of(validate_roster("school", [(5, row)], CTX, kind="college").findings)


def run_school_kind(row: dict[str, object]) -> set[str]:
    return codes_of(validate_roster("school", [(5, row)], CTX, kind="school").findings)


def run_cdc_kind(row: dict[str, object]) -> set[str]:
    return codes_of(validate_roster("school", [(5, row)], CTX, kind="cdc").findings)


def run_counts(row: dict[str, object]) -> set[str]:
    return codes_of(validate_other_counts([(5, row)], CTX).findings)


def basic(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {"caregivers": 2, "assistants": 1, "classrooms": 2, "capacity": 40,
                              "head_name": "นางสมศรี ใจดี", "head_phone": "054-123456"}  # fmt: skip
    row.update(changes)
    return row


def run_basic(row: dict[str, object] | None, children: int = 10) -> set[str]:
    return codes_of(validate_cdc_basic(None if row is None else [(5, row)], children=children).findings)


def run_basic_twice(row: dict[str, object]) -> set[str]:
    return codes_of(validate_cdc_basic([(5, row), (6, row)], children=1).findings)


INVISIBLE = "\u2066\u2067\u2068\u2069\u202e\u061c\u00ad\ufffd"
"""Bidi isolates and overrides, the Arabic letter mark, a soft hyphen and the replacement character."""

FAILING: dict[str, list] = {
    "N_WHITESPACE": [(run_pupil, pupil(first_name="  สมชาย  ")), (run_pupil, pupil(last_name="ใจ  ดี"))],
    "N_ID_THAI_DIGITS": [(run_pupil, pupil(citizen_id=GOOD_ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))))],
    "N_ID_SEPARATORS": [
        (run_pupil, pupil(citizen_id=f"{GOOD_ID[0]}-{GOOD_ID[1:5]}-{GOOD_ID[5:10]}-{GOOD_ID[10:12]}-{GOOD_ID[12]}")),
        (run_pupil, pupil(citizen_id=f"{GOOD_ID[:6]} {GOOD_ID[6:]}")),
    ],
    "N_ID_AS_NUMBER": [(run_pupil, pupil(citizen_id=float(GOOD_ID))), (run_pupil, pupil(citizen_id=int(GOOD_ID)))],
    "N_PREFIX_EXPANDED": [(run_pupil, pupil(prefix="ด.ช.")), (run_pupil, pupil(prefix="ดช"))],
    "N_SEX_ALIAS": [(run_pupil, pupil(sex="ช")), (run_pupil, pupil(sex="M"))],
    "N_GRADE_ALIAS": [(run_pupil, pupil(grade="ป1")), (run_pupil, pupil(grade="ประถมศึกษาปีที่ ๑"))],
    "N_NATIONALITY_ALIAS": [
        (run_pupil, pupil(nationality="Thai")),
        (run_pupil, pupil(nationality="thai")),
        (run_pupil, pupil(nationality="สัญชาติไทย")),
        (run_pupil, pupil(citizen_id=ZERO_ID, nationality="พม่า")),
    ],
    "N_DATE_CE": [(run_pupil, pupil(birth_date="05/03/2018")), (run_pupil, pupil(birth_date="2018-03-05"))],
    "N_DATE_THAI_DIGITS": [(run_pupil, pupil(birth_date="๐๕/๐๓/๒๕๖๑"))],
    "N_DATE_SERIAL": [(run_pupil, pupil(birth_date=43164)), (run_pupil, pupil(birth_date=43164.0))],
    "N_DATE_BE_CELL": [
        (run_pupil, pupil(birth_date=date(2561, 3, 5))),
        (run_pupil, pupil(birth_date=datetime(2561, 3, 5))),
    ],
    "N_DATE_TWO_DIGIT_YEAR": [(run_pupil, pupil(birth_date="05/03/61"))],
    "ID_FORMAT": [
        (run_pupil, pupil(citizen_id="12345")),
        (run_pupil, pupil(citizen_id="G12345")),
        (run_pupil, pupil(citizen_id="ABCDEFGHIJKLM")),
    ],
    "ID_CHECK_DIGIT": [(run_pupil, pupil(citizen_id=GOOD_ID[:12] + str((int(GOOD_ID[12]) + 1) % 10)))],
    "ID_LEADING_ZERO_LOST": [(run_pupil, pupil(citizen_id=float(ZERO_ID), nationality="เมียนมา"))],
    "ID_AS_FLOAT": [(run_pupil, pupil(citizen_id="1.10060044563E+12")), (run_pupil, pupil(citizen_id=1.5))],
    "ID_PLACEHOLDER": [
        (run_pupil, pupil(citizen_id="0000000000001", nationality="ไม่มีสัญชาติ")),
        (run_pupil, pupil(citizen_id="1111111111119")),
        (run_pupil, pupil(citizen_id=with_check_digit("123456789012"))),
        (run_pupil, pupil(citizen_id=with_check_digit("987654321098"))),
        (run_pupil, pupil(citizen_id=f"{'1' * 6} {'1' * 6}9")),  # typed with a space: same verdict
        (run_pupil, pupil(citizen_id="G000000000000", nationality="ไม่มีสัญชาติ")),
        (run_removal, removal(citizen_id="1111111111119")),
    ],
    "ID_NATIONALITY": [
        (run_pupil, pupil(citizen_id=ZERO_ID)),
        (run_pupil, pupil(citizen_id="G644200000001")),
        (run_pupil, pupil(nationality="เมียนมา")),
    ],
    "REQUIRED": [
        (run_pupil, pupil(citizen_id=None)),
        (run_pupil, pupil(first_name="")),
        (run_pupil, pupil(last_name="   ")),
        (run_pupil, pupil(sex=None)),
        (run_pupil, pupil(birth_date=None)),
        (run_pupil, pupil(grade="")),
        (run_pupil, pupil(nationality=None)),
        (run_pupil, pupil(prefix=None)),
        (run_removal, removal(reason="")),
        (run_removal, removal(removed_on=None)),
        (run_counts, counts(other_school_code="")),
        (run_counts, counts(closed=None)),
    ],
    "NAME_DIGITS": [(run_pupil, pupil(first_name="สมชาย2")), (run_pupil, pupil(last_name="ใจดี๒"))],
    "NAME_CONTROL": [
        (run_pupil, pupil(first_name="สม=ชาย")),
        (run_pupil, pupil(last_name="ใจ\x07ดี")),
        (run_counts, counts(other_school_name="โรงเรียน\x00")),
        # bidi isolates and overrides, Arabic letter mark, soft hyphen, broken UTF-8: invisible
        *[(run_pupil, pupil(first_name=f"สม{c}ชาย")) for c in INVISIBLE],
        (run_pupil, pupil(room="1\u2067")),
        (run_removal, removal(note="ย้าย\u2066")),
    ],
    "TEXT_TOO_LONG": [
        (run_pupil, pupil(first_name="ก" * 101)),
        (run_pupil, pupil(last_name="ข" * 200_000)),
        (run_pupil, pupil(room="1" * 21)),
        (run_removal, removal(note="ย" * 501)),
    ],
    "PREFIX_UNKNOWN": [(run_pupil, pupil(prefix="ด.ต.")), (run_removal, removal(prefix="คุณ"))],
    "SEX_UNKNOWN": [(run_pupil, pupil(sex="ไม่ระบุ"))],
    "PREFIX_SEX": [(run_pupil, pupil(prefix="เด็กหญิง")), (run_pupil, pupil(sex="หญิง"))],
    "PREFIX_ADULT_AGE": [(run_pupil, pupil(grade="ม.4", birth_date="01/01/2552"))],
    "PREFIX_CHILD_AGE": [(run_pupil, pupil(prefix="นาย"))],
    "GRADE_KIND": [
        (run_college, pupil(grade="อ.1", birth_date="01/01/2564")),
        (run_college, pupil(grade="ม.4", prefix="นาย", birth_date="01/01/2552")),
        (run_school_kind, pupil(grade="ปวช.1", prefix="นาย", birth_date="01/01/2552")),
        (run_cdc_kind, pupil()),
    ],
    "GRADE_UNKNOWN": [(run_pupil, pupil(grade="ป.7")), (run_pupil, pupil(grade="ชั้นเด็กเล็ก"))],
    "NATIONALITY_UNKNOWN": [(run_pupil, pupil(nationality="ดาวอังคาร"))],
    "DATE_UNREADABLE": [
        (run_pupil, pupil(birth_date="31/02/2561")),
        (run_pupil, pupil(birth_date="เมื่อวาน")),
        (run_pupil, pupil(entry_date="32/13/2567")),
        (run_removal, removal(removed_on="??")),
    ],
    "BIRTH_FUTURE": [(run_pupil, pupil(birth_date="01/01/2568"))],
    "AGE_TOO_YOUNG": [
        (run_pupil, pupil(birth_date="01/01/2562")),  # 5 on 16 May 2567 in ป.1
        (run_pupil, pupil(grade="อ.1", birth_date="01/01/2565")),
    ],  # 2 in อ.1
    "AGE_YOUNG_FOR_GRADE": [(run_pupil, pupil(grade="ป.4", birth_date="01/01/2560"))],  # 7 in ป.4 (typ 9)
    "AGE_OLD_FOR_GRADE": [(run_pupil, pupil(grade="ป.1", birth_date="01/01/2557"))],  # 10 in ป.1
    "AGE_IMPOSSIBLE": [
        (run_pupil, pupil(grade="ป.6", birth_date="01/01/2562")),  # 6 in ป.6
        (run_pupil, pupil(birth_date="05/03/1980", prefix="นาย")),
    ],  # 44 in ป.1
    "CDC_TOO_YOUNG": [(run_child, child(birth_date=date(2023, 1, 1)))],
    "CDC_OLD": [(run_child, child(birth_date=date(2017, 1, 1)))],
    "CDC_IMPOSSIBLE": [(run_child, child(birth_date=date(2010, 1, 1)))],
    "ENTRY_BEFORE_BIRTH": [(run_pupil, pupil(entry_date="01/01/2560"))],
    "DATE_FUTURE": [(run_pupil, pupil(entry_date="01/12/2567")), (run_removal, removal(removed_on="01/01/2568"))],
    "REMOVAL_REASON_UNKNOWN": [(run_removal, removal(reason="ขี้เกียจ"))],
    "REMOVAL_NOTE_REQUIRED": [(run_removal, removal(reason="อื่น ๆ (ระบุ)"))],
    "COUNT_BLANK": [(run_counts, counts(k1_m=None)), (run_counts, counts(p6_f="  "))],
    "COUNT_NEGATIVE": [(run_counts, counts(k1_m=-1)), (run_counts, counts(k2_f="-3"))],
    "COUNT_FRACTION": [(run_counts, counts(p1_m=2.5)), (run_counts, counts(p1_f="1.5"))],
    "COUNT_NOT_NUMBER": [(run_counts, counts(p2_m="สิบ")), (run_counts, counts(p2_f=True))],
    "COUNT_THAI_DIGITS": [(run_counts, counts(p3_m="๑๒"))],
    "CLOSED_NOT_ZERO": [(run_counts, counts(closed="ใช่"))],
    "OPEN_ALL_ZERO": [(run_counts, counts(**{k: 0 for k in OTHER_COUNT_KEYS}))],
    "CLOSED_VALUE": [(run_counts, counts(closed="บางที"))],
    "OTHER_CODE_FORMAT": [
        (run_counts, counts(other_school_code="12345")),
        (run_counts, counts(other_school_code="10560100AB")),
    ],
    "OTHER_GRADE_NOT_TAUGHT": [
        (run_counts, counts(grades="k1-p6")),  # a primary school with ม. counts
        (run_counts, counts(grades="ป.1–ม.3 (ขยายโอกาส)")),  # no kindergarten, yet อ. counts
    ],
    "OTHER_SPAN_VALUE": [(run_counts, counts(grades="อ.1–ม.6"))],
    "CDC_BASIC_MISSING": [(run_basic, None)],
    "CDC_BASIC_ROWS": [(run_basic_twice, basic())],
    "CDC_NO_CAREGIVER": [(run_basic, basic(caregivers=0, assistants=0))],
    "CDC_NO_CLASSROOM": [(run_basic, basic(classrooms=0))],
    "CDC_CAPACITY_ZERO": [(run_basic, basic(capacity=0))],
    "CDC_OVER_CAPACITY": [(run_basic, basic(capacity=5))],
    "CDC_PHONE_FORMAT": [(run_basic, basic(head_phone="12345")), (run_basic, basic(head_phone="054-12345678"))],
}


def _roster_cases() -> dict[str, list]:
    twin = pupil(first_name="สมศรี")
    prev = [PreviousChild(GOOD_ID, "สมชาย", "ใจดี", "อ.3"), PreviousChild(ZERO_ID, "อาแม", "ใจกล้า", "อ.3")]

    def dup(_: object) -> set[str]:
        return codes_of(validate_roster("school", [(5, pupil()), (9, twin)], CTX).findings)

    def missing(_: object) -> set[str]:
        return codes_of(validate_roster("school", [(5, pupil())], CTX, previous=prev).findings)

    def both(_: object) -> set[str]:
        return codes_of(
            validate_roster("school", [(5, pupil())], CTX, removals=[(5, removal(citizen_id=GOOD_ID))]).findings
        )

    def removal_twice(_: object) -> set[str]:
        return codes_of(
            validate_roster("school", [(5, pupil())], CTX, removals=[(5, removal()), (6, removal())]).findings
        )

    def empty(_: object) -> set[str]:
        return codes_of(validate_roster("cdc", [], CTX).findings)

    def not_moved(_: object) -> set[str]:
        last_year = [PreviousChild(GOOD_ID, "สมชาย", "ใจดี", str(pupil()["grade"]), CTX.year - 1)]
        return codes_of(validate_roster("school", [(5, pupil())], CTX, previous=last_year).findings)

    def other_twice(_: object) -> set[str]:
        return codes_of(validate_other_counts([(5, counts()), (6, counts())], CTX).findings)

    return {"ID_DUPLICATE": [(dup, None)], "PREVIOUS_MISSING": [(missing, None)],
            "REMOVED_BUT_PRESENT": [(both, None)], "REMOVAL_DUPLICATE": [(removal_twice, None)],
            "ROSTER_EMPTY": [(empty, None)], "OTHER_CODE_DUPLICATE": [(other_twice, None)],
            "GRADES_NOT_PROMOTED": [(not_moved, None)]}  # fmt: skip


FAILING.update(_roster_cases())


def listed(**changes: object) -> dict[str, object]:
    """A correct pupil of the other-affiliation school `counts()` describes (an อ.1–ป.6 school)."""
    row: dict[str, object] = {"other_school_code": "1056010001", "citizen_id": GOOD_ID, "prefix": "เด็กชาย",
                              "first_name": "สมชาย", "last_name": "ใจดี", "grade": "ป.1"}  # fmt: skip
    row.update(changes)
    return row


ONE_PUPIL_SCHOOL = counts(grades="k1-p6", **{k: 0 for k in OTHER_COUNT_KEYS}) | {"p1_m": 1}


def run_listed(rows: list[dict[str, object]], school: dict[str, object] = ONE_PUPIL_SCHOOL) -> set[str]:
    records = validate_other_counts([(5, school)], CTX).records
    return codes_of(validate_other_pupils([(5 + i, r) for i, r in enumerate(rows)], records).findings)


FAILING.update({
    "OTHER_PUPIL_SCHOOL_UNKNOWN": [(run_listed, [listed(other_school_code="1056019999")])],
    "OTHER_PUPIL_DUPLICATE": [(run_listed, [listed(), listed(first_name="สมศักดิ์")])],
    "OTHER_PUPIL_GRADE_SPAN": [(run_listed, [listed(grade="ม.1")])],
    "OTHER_PUPIL_COUNT_DIFFERS": [(lambda rows: run_listed(rows, counts()), [listed()])],
})  # fmt: skip
CASES = [(code, run, row) for code, cases in FAILING.items() for run, row in cases]


@pytest.mark.parametrize(("code", "run", "row"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_rule_fires(code: str, run, row) -> None:
    assert code in run(row)


@pytest.mark.parametrize(
    ("run", "row"),
    [
        (run_pupil, pupil()),
        (run_pupil, pupil(citizen_id=ZERO_ID, nationality="เมียนมา")),  # a leading 0 is a valid ID
        (run_pupil, pupil(citizen_id="G644200000001", nationality="ไม่มีสัญชาติ")),
        (run_pupil, pupil(birth_date=date(2018, 3, 5))),
        (run_pupil, pupil(birth_date="5/3/2561")),  # BE text as the template asks: nothing to report
        (run_pupil, pupil(grade="ม.4", prefix="นาย", birth_date="01/01/2552")),
        (run_pupil, pupil(grade="อ.1", birth_date="01/01/2564")),  # 3 in อ.1
        (run_pupil, pupil(entry_date="01/06/2567")),
        (run_pupil, pupil(citizen_id=with_check_digit("012345678912"), nationality="เมียนมา")),  # 0 + no run
        (run_pupil, pupil(citizen_id=with_check_digit("111111111112"))),  # almost all ones: a real shape
        (run_college, pupil(grade="ปวช.1", prefix="นาย", birth_date="01/01/2552")),
        (run_college, pupil(grade="ปวส.2", prefix="นาย", birth_date="01/01/2548")),
        (run_school_kind, pupil(grade="ม.6", prefix="นาย", birth_date="01/01/2550")),
        (run_school_kind, pupil(grade="อ.1", birth_date="01/01/2564")),
        (run_child, child()),
        (run_removal, removal()),
        (run_removal, removal(reason="อื่น ๆ (ระบุ)", note="ย้ายตามผู้ปกครอง")),
        (run_removal, removal(reason="never_came")),
        (run_counts, counts()),
        (run_counts, counts(closed="ใช่", **{k: 0 for k in OTHER_COUNT_KEYS})),
        (run_counts, counts(grades="k1-p6", **{k: None for k in OTHER_COUNT_KEYS if k[0] == "m"})),  # locked, blank
        (run_counts, counts(grades="อ.1–ป.6", **{k: 0 for k in OTHER_COUNT_KEYS if k[0] == "m"})),  # old habit: 0s
        (run_counts, counts(grades="p1-m3", **{k: None for k in OTHER_COUNT_KEYS if k[0] == "k"})),
        (run_basic, basic()),
        (run_basic, basic(head_phone=81234567.0)),  # a number-typed phone lost its 0
        (run_listed, [listed()]),
        (run_listed, [listed(prefix=None, grade=None)]),  # prefix and grade may be left out
    ],
)
def test_clean_rows_pass(run, row) -> None:
    assert run(row) == set()


def test_every_rule_has_a_failing_case() -> None:
    # Academic-records rules have their own table of cases in test_academic.py.
    validator_rules = {
        code
        for code, r in RULES.items()
        if r.group not in ("workbook", "server", "units") and not r.group.startswith("academic_")
    }
    assert validator_rules - set(FAILING) == set()


def test_findings_name_row_column_and_sheet() -> None:
    result = validate_roster("school", [(17, pupil(first_name="สม2"))], CTX, removals=[(4, removal(reason="?"))])
    by_code = {f.code: f for f in result.findings}
    name = by_code["NAME_DIGITS"]
    assert (name.row, name.column, name.sheet, name.severity) == (17, "first_name", "roster", "error")
    assert "สม2" in name.message and "ชื่อ" in name.message
    reason = by_code["REMOVAL_REASON_UNKNOWN"]
    assert (reason.row, reason.column, reason.sheet) == (4, "reason", "removed")


def test_lost_leading_zero_is_restored_and_explained() -> None:
    result = validate_roster("school", [(5, pupil(citizen_id=float(ZERO_ID), nationality="เมียนมา"))], CTX)
    assert result.records[0]["citizen_id"] == ZERO_ID
    (finding,) = [f for f in result.findings if f.code == "ID_LEADING_ZERO_LOST"]
    assert finding.severity == "warning" and ZERO_ID in finding.message and "ข้อความ" in finding.message


def test_normalised_record_values() -> None:
    row = pupil(
        prefix="ด.ช.",
        citizen_id=f" {GOOD_ID[:5]}-{GOOD_ID[5:]} ",
        birth_date="๐๕/๐๓/๒๕๖๑",
        grade="ป. 1",
        sex="ช",
        first_name=" สมชาย",
    )
    (record,) = validate_roster("school", [(5, row)], CTX).records
    assert record == {**pupil(), "birth_date": date(2018, 3, 5), "row": 5, "prefix": "เด็กชาย"}


def test_age_is_counted_to_16_may() -> None:
    # Born 16 May 2561 (2018): exactly 6 on 16 May 2567 -> ป.1 is fine; born a day later: only 5.
    assert "AGE_TOO_YOUNG" not in run_pupil(pupil(birth_date="16/05/2561"))
    assert "AGE_TOO_YOUNG" in run_pupil(pupil(birth_date="17/05/2561"))


def test_previous_child_in_register_is_not_missing() -> None:
    prev = [PreviousChild(ZERO_ID, "อาแม", "ใจกล้า", "ป.6")]
    gone = removal(citizen_id=ZERO_ID, first_name="อาแม", last_name="ใจกล้า")
    result = validate_roster("school", [(5, pupil())], CTX, removals=[(5, gone)], previous=prev)
    assert result.ok and "PREVIOUS_MISSING" not in codes_of(result.findings)
    missing = validate_roster("school", [(5, pupil())], CTX, previous=prev)
    (finding,) = missing.errors
    assert "อาแม ใจกล้า" in finding.message and ZERO_ID in finding.message


def test_counts_are_read_as_integers() -> None:
    result = validate_other_counts([(5, counts(k1_m="๑๒", k1_f="7", k2_m=3.0))], CTX)
    record = result.records[0]
    assert (record["k1_m"], record["k1_f"], record["k2_m"], record["closed"]) == (12, 7, 3, False)


def test_nationality_synonyms_are_stored_in_the_lists_spelling() -> None:
    result = validate_roster("school", [(5, pupil(citizen_id=ZERO_ID, nationality="พม่า")),
                                        (6, pupil(nationality="Thai")),
                                        (7, pupil(citizen_id=with_check_digit("110060044571"), nationality="ไทย "))],
                             CTX)  # fmt: skip
    assert [r["nationality"] for r in result.records] == ["เมียนมา", "ไทย", "ไทย"]
    alias = [f for f in result.findings if f.code == "N_NATIONALITY_ALIAS"]
    assert [(f.row, f.column, f.severity, f.value) for f in alias] == [
        (5, "nationality", "info", "พม่า"), (6, "nationality", "info", "Thai")]  # fmt: skip
    assert "พม่า" in alias[0].message and "เมียนมา" in alias[0].message
    assert result.ok and not result.warnings  # พม่า with a 0-ID is no nationality mismatch once read as เมียนมา
    assert {f.code for f in result.findings if f.row == 7} == {"N_WHITESPACE"}


def test_a_placeholder_id_is_refused_with_a_thai_message_but_a_leading_zero_is_not() -> None:
    result = validate_roster("school", [(5, pupil(citizen_id="1111111111119"))], CTX)
    (finding,) = result.errors
    assert (finding.code, finding.row, finding.column) == ("ID_PLACEHOLDER", 5, "citizen_id")
    assert "1111111111119" in finding.message and "G-Code" in finding.message
    # A wrong check digit on a run stays a check-digit error (what the clerk must fix first).
    assert run_pupil(pupil(citizen_id="1234567890123")) == {"ID_CHECK_DIGIT"}
    assert run_pupil(pupil(citizen_id=ZERO_ID, nationality="เมียนมา")) == set()


def test_grade_kind_message_names_the_span() -> None:
    result = validate_roster("school", [(8, pupil(grade="อ.1", birth_date="01/01/2564"))], CTX, kind="college")
    (finding,) = result.errors
    assert (finding.code, finding.row, finding.column, finding.value) == ("GRADE_KIND", 8, "grade", "อ.1")
    assert "ปวช." in finding.message and "วิทยาลัย" in finding.message
    with pytest.raises(ValueError, match="institution kind"):
        validate_roster("school", [(5, pupil())], CTX, kind="hospital")
