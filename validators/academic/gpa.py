"""Grade-point averages: per term, per learning area, and over the whole programme (GPAX).

GPA = Σ(grade × weight) / Σ weight, cut (not rounded) to two decimals: 2.996 is 2.99, never 3.00,
because a rounded-up GPAX can cross a threshold (graduation at 2.00, an admission cut) the pupil did not
reach. The weight is a subject's credits (secondary, vocational) or its hours (primary). The division
is done on exact fractions, so no binary or 28-digit rounding can push a value over a cut line.

Marks (ร, มส, ...) are not grades: they are left out of every average, and the pending ones are listed
until cleared, since a GPA that counted them as 0 would be wrong the day they are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from validators.academic.data import scales

CUT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class GradedSubject:
    """One subject result of a pupil, as a transcript lists it."""

    subject_code: str
    grade: str  # "4" ... "0", or a mark (ร, มส, ...)
    weight: Decimal  # credits (secondary, vocational) or hours (primary)
    area: str | None = None
    year: int | None = None
    term: int | None = None


@dataclass(frozen=True, slots=True)
class AreaGPA:
    """A learning area's GPA and the weight (credits or hours) it was averaged over (TCAS wants both)."""

    gpa: Decimal | None
    weight: Decimal


@dataclass(slots=True)
class RecordSummary:
    """What a pupil's record shows: GPA per term and per area, GPAX, credits, and the pending marks."""

    by_term: dict[tuple[int | None, int | None], Decimal | None] = field(default_factory=dict)
    by_area: dict[str | None, AreaGPA] = field(default_factory=dict)
    gpax: Decimal | None = None
    weight_attempted: Decimal = Decimal(0)
    weight_earned: Decimal = Decimal(0)
    pending: list[GradedSubject] = field(default_factory=list)


_GRADES = frozenset(g for s in scales().values() for g in s.grades)
_PENDING = frozenset(code for s in scales().values() for code, m in s.marks.items() if m.pending)


_GRADE_VALUES = {g: Decimal(g) for g in _GRADES}


def grade_value(grade: str) -> Decimal | None:
    """The number of a grade ("3.5" -> 3.5); None for a mark, which no average counts."""
    return _GRADE_VALUES.get(grade)


def weighted(grade: str, weight: Decimal) -> tuple[Decimal, Decimal] | None:
    """(grade × weight, weight) of a result that counts in an average; None for a mark (ร, มส, ...) or a
    weightless subject. The one place that says what counts: `Tally.add` and the GPAX export use it."""
    value = _GRADE_VALUES.get(grade)
    if value is None or weight <= 0:
        return None
    return value * weight, weight


def cut2(value: Fraction | Decimal) -> Decimal:
    """Cut (truncate toward zero) to two decimals: 2.996 -> 2.99. Exact for any fraction."""
    hundredths = math.floor(Fraction(value) * 100) if value >= 0 else -math.floor(-Fraction(value) * 100)
    return Decimal(hundredths) / 100


class Tally:
    """Σ grade × weight and Σ weight, added one result at a time: the GPA rule for a stream of results
    (the GPAX export reads millions of rows and keeps one tally per pupil and area, never a list).

    Decimal sums are exact here (grades and weights have one or two decimals, far below the context's
    28 digits); the division and the cut happen once, on exact fractions, in `value`.
    """

    __slots__ = ("den", "num")

    def __init__(self) -> None:
        self.num = Decimal(0)
        self.den = Decimal(0)

    def add(self, grade: str, weight: Decimal) -> bool:
        """Count a result; a mark (ร, มส, ...) or a weightless subject is left out. True when counted."""
        pair = weighted(grade, weight)
        if pair is None:
            return False
        self.num += pair[0]
        self.den += pair[1]
        return True

    def add_weighted(self, pair: tuple[Decimal, Decimal]) -> None:
        """Count a result already passed through `weighted` (a caller that caches it per grade and weight)."""
        self.num += pair[0]
        self.den += pair[1]

    def value(self) -> Decimal | None:
        """The GPA cut to two decimals; None when nothing graded was added. Exact: the two sums as integer
        ratios, the hundredths by integer floor division (both sums are >= 0, so floor is the cut)."""
        if not self.den:
            return None
        pn, qn = self.num.as_integer_ratio()
        pd, qd = self.den.as_integer_ratio()
        return (Decimal((pn * qd * 100) // (qn * pd)) / 100).quantize(CUT)


def gpa(results: Iterable[GradedSubject]) -> Decimal | None:
    """Σ grade × weight / Σ weight over the graded results, cut to two decimals; None when none is graded."""
    tally = Tally()
    for r in results:
        tally.add(r.grade, r.weight)
    return tally.value()


def gpa_by_term(results: Iterable[GradedSubject]) -> dict[tuple[int | None, int | None], Decimal | None]:
    """GPA of each (year, term), in order."""
    groups: dict[tuple[int | None, int | None], list[GradedSubject]] = {}
    for r in results:
        groups.setdefault((r.year, r.term), []).append(r)
    return {k: gpa(v) for k, v in sorted(groups.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0))}


def gpa_by_area(results: Iterable[GradedSubject]) -> dict[str | None, AreaGPA]:
    """GPA of each learning area with the weight it stands on (graded results only)."""
    groups: dict[str | None, list[GradedSubject]] = {}
    for r in results:
        groups.setdefault(r.area, []).append(r)
    return {
        area: AreaGPA(gpa(rs), sum((r.weight for r in rs if grade_value(r.grade) is not None), Decimal(0)))
        for area, rs in groups.items()
    }


def gpax(results: Iterable[GradedSubject]) -> Decimal | None:
    """The cumulative GPA over every graded result given (the caller passes one programme's results)."""
    return gpa(results)


def summarise(results: Iterable[GradedSubject]) -> RecordSummary:
    """Everything a record page, a transcript and the GPAX export need, in one pass over the results."""
    items = list(results)
    graded = [r for r in items if grade_value(r.grade) is not None]
    return RecordSummary(
        by_term=gpa_by_term(items),
        by_area=gpa_by_area(items),
        gpax=gpax(items),
        weight_attempted=sum((r.weight for r in graded), Decimal(0)),
        weight_earned=sum((r.weight for r in graded if (grade_value(r.grade) or 0) > 0), Decimal(0)),
        pending=[r for r in items if r.grade in _PENDING],
    )
