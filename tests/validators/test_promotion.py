"""A new year's promotion (validators/promotion.py): every grade moves up, the last grade of each level leaves
with its reason, a centre's children leave past its ages, and a roster left on last year's grades is named."""

from __future__ import annotations

from datetime import date

import pytest

from validators import PreviousChild, RoundContext, validate_roster
from validators.fields import GRADES, REMOVAL_REASONS
from validators.promotion import NEXT_GRADE, promote, taught_grades


def pupil(cid: str, grade: str | None, birth: date = date(2015, 1, 1), prefix: str = "เด็กชาย") -> dict[str, object]:
    row: dict[str, object] = {"citizen_id": cid, "prefix": prefix, "first_name": "สมชาย", "last_name": "ใจดี",
                              "sex": "ชาย", "birth_date": birth, "room": "1", "nationality": "ไทย",
                              "entry_date": date(2024, 7, 1)}  # fmt: skip
    if grade is not None:
        row["grade"] = grade
    return row


def test_every_grade_has_a_next_one_in_school_order() -> None:
    assert set(NEXT_GRADE) == set(GRADES)
    for grade, nxt in NEXT_GRADE.items():
        if nxt is not None:
            assert GRADES.index(nxt) == GRADES.index(grade) + 1, grade
    assert {g for g, n in NEXT_GRADE.items() if n is None} == {"ม.6", "ปวช.3", "ปวส.2"}


@pytest.mark.parametrize(
    ("span", "stays", "leaves"),
    [
        (("อ.1", "ป.6"), {"อ.1": "อ.2", "อ.3": "ป.1", "ป.5": "ป.6"}, {"ป.6": "continued"}),
        (("อ.1", "ม.3"), {"ป.6": "ม.1", "ม.2": "ม.3"}, {"ม.3": "continued"}),
        (("ม.1", "ม.6"), {"ม.3": "ม.4", "ม.5": "ม.6"}, {"ม.6": "graduated"}),
        (("ปวช.1", "ปวส.2"), {"ปวช.2": "ปวช.3", "ปวส.1": "ปวส.2"}, {"ปวช.3": "graduated", "ปวส.2": "graduated"}),
    ],
    ids=["primary", "extended", "secondary", "college"],
)
def test_promotion_by_the_grades_a_school_teaches(
    span: tuple[str, str], stays: dict[str, str], leaves: dict[str, str]
) -> None:
    lo, hi = GRADES.index(span[0]), GRADES.index(span[1])
    roster = [pupil(f"{i:013d}", g) for i, g in enumerate(GRADES[lo : hi + 1])]
    assert taught_grades(roster) == GRADES[lo : hi + 1]
    result = promote(roster, year=2568)
    old = {r["citizen_id"]: r["grade"] for r in roster}
    moved = {old[r["citizen_id"]]: r["grade"] for r in result.rows}
    for grade, nxt in stays.items():
        assert moved[grade] == nxt
    left = {old[r["citizen_id"]]: r for r in result.leavers}
    assert set(left) == set(leaves)
    for grade, reason in leaves.items():
        assert left[grade]["reason"] == REMOVAL_REASONS[reason]
        assert left[grade]["removed_on"] == date(2025, 3, 31)  # promotion day before 2568 begins
    assert len(result.rows) + len(result.leavers) == len(roster)
    assert all(r["entry_date"] is None for r in result.rows)  # last year's move-in is not this year's


def test_a_pupil_turning_15_gets_the_adult_prefix() -> None:
    girl = pupil("1", "ม.3", birth=date(2010, 3, 1), prefix="เด็กหญิง")  # 15 on 1 Mar 2025
    boy = pupil("2", "ม.2", birth=date(2011, 3, 1))  # 14 on the census date 10 June 2025
    rows = promote([girl, boy, pupil("3", "ม.4")], year=2568, as_of=date(2025, 6, 10), taught=GRADES[:15]).rows
    assert [(r["grade"], r["prefix"]) for r in rows] == [("ม.4", "นางสาว"), ("ม.3", "เด็กชาย"), ("ม.5", "เด็กชาย")]


def test_a_centres_children_leave_past_its_ages() -> None:
    five = pupil("1", None, birth=date(2020, 5, 1))  # 5 on 16 May 2025: still in the 5+ group
    six = pupil("2", None, birth=date(2019, 5, 1))  # 6 on 16 May 2025: off to school
    result = promote([five, six], year=2568, cdc=True)
    assert [r["citizen_id"] for r in result.rows] == ["1"] and "grade" not in result.rows[0]
    (leaver,) = result.leavers
    assert leaver["citizen_id"] == "2" and leaver["reason"] == "ย้ายไปเรียนต่อ" and "6 ปี" in str(leaver["note"])


def test_a_roster_on_last_years_grades_is_one_warning_naming_how_many() -> None:
    roster = [pupil(f"110{i:010d}", "ป.3") for i in range(5)]
    previous = [PreviousChild(str(r["citizen_id"]), "", "", "ป.3", 2567) for r in roster]
    previous[0] = PreviousChild(str(roster[0]["citizen_id"]), "", "", "ป.2", 2567)  # moved up: not counted
    rows = [(5 + i, r) for i, r in enumerate(roster)]
    result = validate_roster("school", rows, RoundContext(2568, 1), previous=previous)
    (warning,) = [f for f in result.findings if f.code == "GRADES_NOT_PROMOTED"]
    assert warning.severity == "warning" and warning.value == "4" and "4 คน" in warning.message
    # the same roster compared with a roster of the same year (round 2 after round 1) is ordinary
    same_year = [PreviousChild(c.citizen_id, "", "", c.grade, 2568) for c in previous]
    assert not [f for f in validate_roster("school", rows, RoundContext(2568, 2), previous=same_year).findings
                if f.code == "GRADES_NOT_PROMOTED"]  # fmt: skip
    # a year unknown (an old template) compares nothing
    unknown = [PreviousChild(c.citizen_id, "", "", c.grade) for c in previous]
    assert "GRADES_NOT_PROMOTED" not in {f.code for f in validate_roster("school", rows, RoundContext(2568, 1),
                                                                         previous=unknown).findings}  # fmt: skip
