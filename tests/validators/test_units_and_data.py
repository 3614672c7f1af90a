"""Unit codes, the synthetic data and the generated rule catalogue."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from validators import RoundContext, validate_other_counts, validate_roster, validate_unit_code
from validators.identity import is_gcode, is_thai_id
from validators.synthetic import make_other_counts, make_removals, make_roster, school_size
from validators.units import institution_kind

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("code", "kind", "parent", "expected"),
    [
        ("56", "province", None, set()),
        ("5", "province", None, {"PROVINCE_CODE"}),
        ("02560101", "pao", "56", set()),
        ("06560101", "sao", "56", set()),
        ("06560101", "town", "56", {"LAO_CODE"}),
        ("0656010", "sao", "56", {"LAO_CODE"}),
        ("3056100001", "school", "02560101", set()),  # PAO school: T = 1
        ("3056400001", "cdc", "02560101", set()),  # PAO child centre: T = 4
        ("3056200001", "school", "04560101", set()),  # town municipality school: T = 2
        ("3056500001", "cdc", "05560101", set()),
        ("3056300001", "school", "06560101", set()),
        ("3056600001", "cdc", "06560101", set()),
        ("3056300001", "school", "04560101", {"INSTITUTION_TYPE_DIGIT"}),  # SAO digit under a municipality
        ("3056300001", "cdc", "06560101", {"INSTITUTION_TYPE_DIGIT"}),  # school digit for a child centre
        ("3156300001", "school", "06560101", {"INSTITUTION_CODE"}),
        ("305630001", "school", "06560101", {"INSTITUTION_CODE"}),
        ("3056300001", "school", "56", {"PARENT_REQUIRED"}),
        ("1056010001", "other_school", "06560101", set()),
        ("10560", "other_school", "06560101", {"OTHER_SCHOOL_CODE"}),
        ("1234", "hospital", None, {"UNIT_KIND_UNKNOWN"}),
    ],
)
def test_unit_codes(code: str, kind: str, parent: str | None, expected: set[str]) -> None:
    assert {f.code for f in validate_unit_code(code, kind, parent)} == expected


@pytest.mark.parametrize(
    ("code", "registered", "expected"),
    [
        ("3056400001", None, "cdc"),  # type digit 4-6: a child centre, whatever else is known
        ("3056600001", None, "cdc"),
        ("3056100003", None, None),  # 1-3: a school or a college; the code cannot tell
        ("3056100003", "college", "college"),
        ("3056300001", "school", "school"),
        ("not-a-code", None, None),
    ],
)
def test_institution_kind(code: str, registered: str | None, expected: str | None) -> None:
    assert institution_kind(code, registered) == expected


def test_type_digit_message_is_thai_and_names_the_code() -> None:
    (finding,) = validate_unit_code("3056300001", "school", "04560101")
    assert "3056300001" in finding.message and "เทศบาลเมือง" in finding.message


@pytest.mark.parametrize("form", ["school", "cdc"])
@pytest.mark.parametrize("round_no", [1, 2])
def test_synthetic_rosters_are_clean_and_realistic(form: str, round_no: int) -> None:
    rows = make_roster(form, 3000, year=2567, round_no=round_no, seed=7)
    result = validate_roster(form, list(enumerate(rows, start=3)), RoundContext(2567, round_no))
    assert result.errors == [] and result.warnings == []
    ids = [r["citizen_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(is_thai_id(i) or is_gcode(i) for i in ids)
    firsts = Counter(i[0] for i in ids)
    assert firsts["0"] > 0 and firsts["G"] > 0 and firsts["1"] > len(ids) // 2


def test_synthetic_data_is_deterministic_and_sized() -> None:
    assert make_roster("school", 50, year=2567, seed=1) == make_roster("school", 50, year=2567, seed=1)
    assert make_roster("school", 50, year=2567, seed=1) != make_roster("school", 50, year=2567, seed=2)
    import random

    rng = random.Random(3)
    sizes = sorted(school_size(rng) for _ in range(2000))
    assert 60 < sizes[1000] < 250 and sizes[-1] > 1000 and sizes[0] >= 15


def test_synthetic_removals_and_counts_validate() -> None:
    roster = make_roster("school", 200, year=2567, seed=4)
    gone = make_removals(roster, 10, seed=4)
    gone_ids = {g["citizen_id"] for g in gone}
    kept = [r for r in roster if r["citizen_id"] not in gone_ids]
    result = validate_roster(
        "school", list(enumerate(kept, 3)), RoundContext(2567, 2), removals=list(enumerate(gone, 3))
    )
    assert result.errors == []
    counts = make_other_counts(40, seed=2)
    checked = validate_other_counts(list(enumerate(counts, 3)), RoundContext(2567, 2))
    assert checked.errors == []


def test_rules_doc_is_generated_from_the_code() -> None:
    from server.cli.docs import full_catalogue

    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == full_catalogue(), "docs/rules.md is stale: run `lec rules --out docs/rules.md`"
