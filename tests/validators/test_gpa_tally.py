"""The streaming GPA rule (`Tally`, `weighted`) the GPAX export runs on millions of rows gives the same
cut-not-rounded figure as the exact-fraction `cut2`, on random results and on the known cut cases."""

from __future__ import annotations

import random
from decimal import Decimal as D
from fractions import Fraction

from validators.academic import GradedSubject, Tally, cut2, gpa, weighted

GRADES = ["4", "3.5", "3", "2.5", "2", "1.5", "1", "0", "ร", "มส", "ขร."]
WEIGHTS = ["0.5", "1", "1.5", "2", "3", "40", "80", "120", "160", "200"]


def test_tally_equals_exact_fractions_on_random_results() -> None:
    rng = random.Random(2567)
    for _ in range(5_000):
        tally = Tally()
        results = [(rng.choice(GRADES), D(rng.choice(WEIGHTS))) for _ in range(rng.randint(1, 40))]
        for grade, weight in results:
            tally.add(grade, weight)
        counted = [(D(g), w) for g, w in results if g[0].isdigit()]
        if not counted:
            assert tally.value() is None
            continue
        exact = Fraction(sum(g * w for g, w in counted)) / Fraction(sum(w for _, w in counted))
        assert tally.value() == cut2(exact).quantize(D("0.01"))
        assert tally.value() == gpa(GradedSubject("x", g, w) for g, w in results)


def test_cut_cases_and_what_counts() -> None:
    three = Tally()
    for grade in ("4", "3.5", "3.5"):
        three.add(grade, D("1.5"))
    assert str(three.value()) == "3.66"  # 11/3 = 3.666..., never 3.67
    assert weighted("ร", D("1.5")) is None and weighted("4", D(0)) is None
    assert weighted("3.5", D("1.5")) == (D("5.25"), D("1.5"))
    zero = Tally()
    zero.add("0", D(1))
    assert str(zero.value()) == "0.00"
    assert Tally().value() is None
