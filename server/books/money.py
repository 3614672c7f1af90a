"""Estimates of lunch and milk money from head counts: an aid for checking, never the allocation.

Why estimates at all: a province officer signing a book wants to see what a count is worth (a school
of 41 pupils gets 27 THB a day each, one of 40 gets 36: one child moves a lot of money). Why in data:
the rates change by cabinet resolution, so they live in `rates.json`, which names its sources and says
which figures are unverified; the book prints those sources next to the figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RATES_PATH = Path(__file__).with_name("rates.json")


@dataclass(frozen=True, slots=True)
class Estimate:
    """One school's estimate for a school year, in THB."""

    eligible: int
    lunch_rate: float
    lunch_days: int
    lunch: float
    milk_days: int
    milk_pasteurised: float
    milk_uht: float


@lru_cache(maxsize=4)
def load_rates(path: str | None = None) -> dict[str, Any]:
    """The rates file (cached; the path is part of the key so tests can point elsewhere)."""
    return json.loads(Path(path or RATES_PATH).read_text(encoding="utf-8"))


def rates_fingerprint(path: str | None = None) -> str:
    """Changes when the rates change, so a cached book with old rates is rebuilt."""
    import hashlib

    return hashlib.sha256(Path(path or RATES_PATH).read_bytes()).hexdigest()[:16]


def lunch_rate(rates: dict[str, Any], size: int) -> float:
    """THB per pupil per day for a school of `size` eligible pupils (0 for an empty school)."""
    if size <= 0:
        return 0.0
    for band in rates["lunch"]["rate_by_size"]:
        if size >= band["min"] and (band["max"] is None or size <= band["max"]):
            return float(band["thb_per_day"])
    return 0.0


def eligible(counts_by_grade: dict[str, int], child_centre_children: int, rates: dict[str, Any]) -> int:
    """Pupils who receive lunch and milk: pre-school to ป.6, plus child-centre children."""
    grades = rates["lunch"]["grades"]
    n = sum(counts_by_grade.get(g, 0) for g in grades)
    if rates["lunch"].get("include_child_centres", True):
        n += child_centre_children
    return n


def estimate(
    counts_by_grade: dict[str, int], child_centre_children: int, *, child_centre: bool, rates: dict[str, Any]
) -> Estimate:
    """A school's yearly estimate: lunch by its size band and days, milk at both reference prices."""
    n = eligible(counts_by_grade, child_centre_children, rates)
    rate = lunch_rate(rates, n)
    days = int(rates["lunch"]["days"]["child_centre" if child_centre else "school"])
    milk_days = int(rates["milk"]["days"])
    prices = rates["milk"]["thb_per_unit"]
    return Estimate(
        eligible=n,
        lunch_rate=rate,
        lunch_days=days,
        lunch=n * rate * days,
        milk_days=milk_days,
        milk_pasteurised=round(n * milk_days * float(prices["pasteurised"]), 2),
        milk_uht=round(n * milk_days * float(prices["uht"]), 2),
    )
