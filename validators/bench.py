"""Benchmark of the rules alone: validating rows that were already read from a workbook.

The baseline, measured in the same run, is the cheapest possible pass over the same rows (looking at
every cell once), so the ratio says what the rules cost beyond touching the data at all.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from validators.context import RoundContext
from validators.roster import validate_roster
from validators.synthetic import make_roster


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs (the median shrugs off one slow run on a busy machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_rules(rows: int = 100_000, repeat: int = 3) -> dict[str, object]:
    """Time `validate_roster` over `rows` synthetic pupils against a touch-every-cell baseline."""
    year = 2567
    data = make_roster("school", rows, year=year, seed=1)
    # As a reader delivers them: birth dates typed as BE text, a few IDs typed as numbers.
    for i, row in enumerate(data):
        birth = row["birth_date"]
        row["birth_date"] = f"{birth.day:02d}/{birth.month:02d}/{birth.year + 543}"  # type: ignore[union-attr]
        if i % 50 == 0:
            row["citizen_id"] = int(str(row["citizen_id"])) if str(row["citizen_id"]).isdigit() else row["citizen_id"]
    numbered = list(enumerate(data, start=3))
    ctx = RoundContext(year, 2)

    def baseline() -> int:
        touched = 0
        for _, row in numbered:
            for value in row.values():
                if value is not None:
                    touched += 1
        return touched

    base = median_seconds(baseline, repeat)
    rules = median_seconds(lambda: validate_roster("school", numbered, ctx), repeat)
    findings = len(validate_roster("school", numbered, ctx).findings)
    return {
        "name": f"rules over {rows:,} already-read rows",
        "rows": rows,
        "baseline": "touch every cell once (Python loop)",
        "baseline_s": base,
        "measured_s": rules,
        "ratio": rules / base,
        "target": "well under 1 s of rule time",
        "ok": rules < 1.0,
        "notes": f"{findings:,} findings (IDs typed as numbers are reported as notices)",
    }
