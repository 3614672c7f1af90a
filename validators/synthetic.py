"""Realistic synthetic rosters for tests, the demo and the benchmarks.

Pure Python and deterministic for a seed, so a failing test can be replayed. The shape follows the
real thing: Thai names (Faker's th_TH lists), valid IDs with a few 0-category and G-Code children as in
border provinces, birth dates consistent with each grade (age to 16 May), and school sizes that are
mostly small with a long tail of big municipal schools.

It lives in `validators` because every layer needs it (templates, server, add-in tests, `lec bench`)
and it depends on nothing but the shared vocabulary.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

from validators.context import census_date
from validators.fields import (
    ADULT_PREFIX_AGE,
    GRADE_TYPICAL_AGE,
    GRADES,
    OTHER_COUNT_KEYS,
    OTHER_GRADES,
    REMOVAL_REASONS,
)
from validators.identity import with_check_digit
from validators.normalize import BE_OFFSET

PRIMARY_SCHOOL_GRADES = GRADES[:9]
"""อ.1–ป.6: most municipal and SAO schools."""
EXTENDED_SCHOOL_GRADES = GRADES[:12]
"""อ.1–ม.3: extended-opportunity schools."""
SECONDARY_SCHOOL_GRADES = GRADES[9:15]
"""ม.1–ม.6: most PAO schools."""
COLLEGE_GRADES = GRADES[15:]


@lru_cache(maxsize=1)
def _name_pools() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Male first names, female first names, last names: drawn once from Faker's th_TH lists."""
    from faker import Faker

    fake = Faker("th_TH")
    fake.seed_instance(20240516)
    male = sorted({fake.first_name_male() for _ in range(4000)})
    female = sorted({fake.first_name_female() for _ in range(4000)})
    last = sorted({fake.last_name() for _ in range(6000)})
    return tuple(male), tuple(female), tuple(last)


def thai_id(rng: random.Random, category: str = "1", province: str = "56") -> str:
    """A valid 13-digit ID: category digit, registration office (province + district), book, sequence."""
    district = f"{rng.randrange(1, 20):02d}"
    rest = f"{rng.randrange(10**7):07d}"
    return with_check_digit(category + province + district + rest)


def gcode(rng: random.Random, year_be: int, province: str = "56") -> str:
    """`G` + BE year (2 digits) + province + an 8-digit sequence (letter 003 §4.3.3)."""
    return f"G{year_be % 100:02d}{province}{rng.randrange(10**8):08d}"


def school_size(rng: random.Random, form: str = "school") -> int:
    """Head counts like the real ones: a median near 120 pupils, big municipal schools past 3,000;
    child centres of 10 to 150 children."""
    if form == "cdc":
        return max(8, min(200, int(rng.lognormvariate(3.6, 0.5))))
    return max(15, min(6000, int(rng.lognormvariate(4.8, 0.9))))


def _birth_date(rng: random.Random, age: int, reference: date) -> date:
    """A birthday making the child exactly `age` full years old on `reference` (16 May)."""
    latest = reference.replace(year=reference.year - age)
    return latest - timedelta(days=rng.randrange(365))


def make_child(
    rng: random.Random,
    *,
    year: int,
    grade: str | None,
    province: str = "56",
    as_of: date | None = None,
) -> dict[str, object]:
    """One pupil (grade given) or child-centre child (grade None), as a careful clerk would type them."""
    reference = date(year - BE_OFFSET, 5, 16)
    as_of = as_of or date(year - BE_OFFSET, 11, 10)
    male, female, last = _name_pools()
    is_boy = rng.random() < 0.51
    if grade is None:
        age = rng.choice((2, 2, 3, 3, 3, 4, 4))
    else:
        age = GRADE_TYPICAL_AGE[grade] + (1 if rng.random() < 0.04 else 0)
    birth = _birth_date(rng, age, reference)
    age_now = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
    if age_now >= ADULT_PREFIX_AGE:
        prefix = "นาย" if is_boy else "นางสาว"
    else:
        prefix = "เด็กชาย" if is_boy else "เด็กหญิง"
    draw = rng.random()
    if draw < 0.03:
        citizen_id, nationality = thai_id(rng, "0", province), "เมียนมา"
    elif draw < 0.04:
        citizen_id, nationality = gcode(rng, year, province), rng.choice(("เมียนมา", "ไม่มีสัญชาติ", "ลาว"))
    elif draw < 0.045:
        citizen_id, nationality = thai_id(rng, "7", province), "เมียนมา"
    else:
        citizen_id, nationality = thai_id(rng, "1" if rng.random() < 0.9 else "2", province), "ไทย"
    record: dict[str, object] = {
        "citizen_id": citizen_id,
        "prefix": prefix,
        "first_name": rng.choice(male if is_boy else female),
        "last_name": rng.choice(last),
        "sex": "ชาย" if is_boy else "หญิง",
        "birth_date": birth,
        "room": str(rng.randrange(1, 4)),
        "nationality": nationality,
        "entry_date": None,
    }
    if grade is not None:
        record["grade"] = grade
    return record


def make_roster(
    form: str,
    n: int,
    *,
    year: int,
    unit_code: str = "3056200001",
    seed: int = 0,
    grades: Sequence[str] | None = None,
    province: str | None = None,
    round_no: int = 2,
) -> list[dict[str, object]]:
    """`n` distinct children for a school ("school") or child centre ("cdc") roster.

    A few children are move-ins with an entry date in the current school year.
    """
    rng = random.Random(f"{seed}:{unit_code}:{year}")
    province = province or unit_code[2:4]
    if form == "school":
        grades = tuple(grades or EXTENDED_SCHOOL_GRADES)
    elif form != "cdc":
        raise ValueError(f"not a roster form: {form}")
    start_of_year = date(year - BE_OFFSET, 5, 16)
    days_open = (census_date(year, round_no) - start_of_year).days
    seen: set[str] = set()
    roster: list[dict[str, object]] = []
    while len(roster) < n:
        grade = grades[len(roster) * len(grades) // n] if grades else None
        child = make_child(rng, year=year, grade=grade, province=province, as_of=census_date(year, round_no))
        if child["citizen_id"] in seen:
            continue
        seen.add(str(child["citizen_id"]))
        if rng.random() < 0.03:
            child["entry_date"] = start_of_year + timedelta(days=rng.randrange(days_open))
        roster.append(child)
    return roster


def make_removals(roster: Sequence[dict[str, object]], k: int, *, seed: int = 0) -> list[dict[str, object]]:
    """`k` register rows for children taken off `roster` (the caller drops them from the roster)."""
    rng = random.Random(seed)
    reasons = [k for k in REMOVAL_REASONS if k != "continued"]  # a new year's leavers: validators/promotion.py
    rows = []
    for child in rng.sample(list(roster), k):
        reason = rng.choice(reasons)
        rows.append(
            {
                "citizen_id": child["citizen_id"],
                "prefix": child["prefix"],
                "first_name": child["first_name"],
                "last_name": child["last_name"],
                "removed_on": date(2024, 7, 1) + timedelta(days=rng.randrange(60)),
                "reason": REMOVAL_REASONS[reason],
                "note": "แจ้งย้ายไปต่างจังหวัด" if reason == "other" else "",
            }
        )
    return rows


def make_other_counts(n: int, *, seed: int = 0, closed_share: float = 0.03) -> list[dict[str, object]]:
    """`n` other-affiliation schools (mostly OBEC) with counts per grade and sex; a few closed ones."""
    rng = random.Random(f"other:{seed}")
    rows = []
    for i in range(n):
        closed = rng.random() < closed_share
        extended = rng.random() < 0.25
        row: dict[str, object] = {
            "other_school_code": f"10{rng.randrange(10**8):08d}",
            "other_school_name": f"โรงเรียนบ้าน{_name_pools()[2][(i * 7919 + seed) % len(_name_pools()[2])]}",
            "affiliation": "สพฐ.",
            "grades": "k1-m3" if extended else "k1-p6",
            "closed": "ใช่" if closed else "ไม่ใช่",
        }
        per_grade = rng.randrange(3, 25)
        for key, grade in zip(OTHER_COUNT_KEYS, [g for g in OTHER_GRADES for _ in (0, 1)], strict=True):
            secondary = grade.startswith("ม.")
            row[key] = 0 if closed or (secondary and not extended) else max(0, per_grade + rng.randrange(-3, 4))
        rows.append(row)
    return rows
