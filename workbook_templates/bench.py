"""Benchmark of `lec validate` on a filled roster against python-calamine reading the same file alone.

design.md's target: validating a 10k- and a 100k-row roster takes at most twice what python-calamine
needs to open the file and walk every row of the roster sheet. Both are timed in the same run on the
same file, so the ratio holds on any machine. `lec bench` (server/cli/bench.py) calls `bench_validate`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from validators.fields import SHEETS
from workbook_templates.build import build_template
from workbook_templates.check import check_file

BENCH_UNIT = "3056200001"
BENCH_YEAR = 2567
TARGET_RATIO = 2.0


def interleaved_medians(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall times of `a` and `b`, run alternately so both see the same machine load."""
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(repeat):
        for work, times in ((a, ta), (b, tb)):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


def write_filled_roster(rows: int, path: Path, *, seed: int = 1) -> Path:
    """A roster workbook filled the way a big school's would be: synthetic pupils, dates as BE text."""
    from validators.synthetic import make_roster

    data = make_roster("school", rows, year=BENCH_YEAR, unit_code=BENCH_UNIT, seed=seed)
    build_template("school", unit_code=BENCH_UNIT, unit_name="โรงเรียนทดสอบความเร็ว", year=BENCH_YEAR,
                   round_no=2, rows=data, out=str(path))  # fmt: skip
    return path


def calamine_alone(path: Path) -> int:
    """The baseline: open the file with python-calamine and iterate every row of the roster sheet."""
    wb = CalamineWorkbook.from_path(str(path))
    n = 0
    for _row in wb.get_sheet_by_name(SHEETS["school"]["roster"]).to_python():
        n += 1
    wb.close()
    return n


def bench_validate(rows: int, workdir: str | Path, repeat: int | None = None) -> dict[str, Any]:
    """Write a filled roster of `rows` rows, then time calamine alone vs read_workbook + validate_workbook."""
    path = write_filled_roster(rows, Path(workdir) / f"bench_roster_{rows}.xlsx")
    report = check_file(str(path), file=path.name)  # warm-up, and proof the file reads completely
    if report.rows != rows:
        raise RuntimeError(f"read {report.rows} of {rows} rows")
    repeat = repeat or (7 if rows <= 20_000 else 3)
    base, measured = interleaved_medians(
        lambda: calamine_alone(path), lambda: check_file(str(path), file=path.name), repeat
    )
    ratio = measured / base
    return {
        "name": f"lec validate, filled roster of {rows:,} rows",
        "rows": rows,
        "baseline": "python-calamine: open + iterate the roster sheet",
        "baseline_s": base,
        "measured_s": measured,
        "ratio": ratio,
        "target": f"≤ {TARGET_RATIO:g}×",
        "ok": ratio <= TARGET_RATIO,
        "notes": f"file {path.stat().st_size / 1e6:.1f} MB; {len(report.errors)} errors, "
        f"{len(report.warnings)} warnings in the synthetic data",
    }
