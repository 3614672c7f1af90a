"""The academic tables as data: grade scales (scales.json) and learning areas (areas.json).

Exact numbers of grading are school practice, not law the letters fix (domain.md), so they live in two
JSON files beside this module and are loaded once into frozen objects. The Excel templates write the
same bands into their hidden list sheet, so a workbook's formula and the Python rule read one table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Mark:
    """What may stand instead of a grade (ร, มส, ขร., ...). `pending` marks must be cleared later."""

    code: str
    meaning: str
    pending: bool


@dataclass(frozen=True, slots=True)
class Scale:
    """One grading scale: bands from the highest `min` down, the marks, the attendance floor."""

    name: str
    title: str
    attendance_min: Decimal
    bands: tuple[tuple[Decimal, str], ...]
    marks: dict[str, Mark]
    low_attendance_mark: str

    def grade_for(self, total: Decimal) -> str:
        """The band of a total (per cent of the full score): the grade of the highest `min` <= total."""
        for minimum, grade in self.bands:
            if total >= minimum:
                return grade
        return self.bands[-1][1]

    @property
    def grades(self) -> tuple[str, ...]:
        return tuple(g for _, g in self.bands)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The closed lists of the per-year assessments and the words that count as a fail."""

    rating: tuple[str, ...]
    rating_fail: frozenset[str]
    rating_aliases: dict[str, str]
    activity: tuple[str, ...]
    activity_fail: frozenset[str]
    activity_aliases: dict[str, str]


@dataclass(frozen=True, slots=True)
class Areas:
    """Learning areas by key, the letter -> area map, level digits and the credit arithmetic."""

    titles: dict[str, str]
    by_letter: dict[str, str]
    levels: dict[str, str]
    vocational_levels: dict[str, str]
    hours_per_credit: int
    credit_step: Decimal


def _load(name: str) -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@cache
def scales() -> dict[str, Scale]:
    """The grading scales by name: "basic" (core curriculum 2551) and "vocational"."""
    raw = _load("scales.json")
    out = {}
    for name in ("basic", "vocational"):
        s = raw[name]
        bands = tuple(sorted(((Decimal(str(b["min"])), str(b["grade"])) for b in s["bands"]), reverse=True))
        marks = {code: Mark(code, m["meaning"], bool(m["pending"])) for code, m in s["marks"].items()}
        if s["low_attendance_mark"] not in marks:
            raise ValueError(f"scales.json: {name}.low_attendance_mark is not one of its marks")
        out[name] = Scale(name, s["title"], Decimal(str(s["attendance_min"])), bands, marks, s["low_attendance_mark"])
    return out


def scale(name: str) -> Scale:
    return scales()[name]


@cache
def assessment() -> Assessment:
    a = _load("scales.json")["assessment"]
    return Assessment(
        tuple(a["rating"]),
        frozenset(a["rating_fail"]),
        dict(a["rating_aliases"]),
        tuple(a["activity"]),
        frozenset(a["activity_fail"]),
        dict(a["activity_aliases"]),
    )


@cache
def areas() -> Areas:
    a = _load("areas.json")
    by_letter = {letter: key for key, area in a["areas"].items() for letter in area["letters"]}
    return Areas(
        {key: area["th"] for key, area in a["areas"].items()},
        by_letter,
        dict(a["levels"]),
        dict(a["vocational_levels"]),
        int(a["hours_per_credit"]),
        Decimal(a["credit_step"]),
    )
