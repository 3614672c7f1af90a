"""`lec bench`: the project's benchmarks, each with its baseline measured in the same run.

Results go to the terminal and, with --report, to a Markdown file (docs/benchmarks.md) that names the
machine, the sizes, the medians and the ratios.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import click
from tqdm import tqdm

Scenario = Callable[[Path, bool], list[dict[str, object]]]


def _rules(workdir: Path, quick: bool) -> list[dict[str, object]]:
    from validators.bench import bench_rules

    return [bench_rules(20_000 if quick else 100_000)]


def _validate_workbooks(workdir: Path, quick: bool) -> list[dict[str, object]]:
    bench = importlib.import_module("workbook_templates.bench")
    sizes = (2_000,) if quick else (10_000, 100_000)
    return [bench.bench_validate(n, workdir) for n in sizes]


def _province_book(workdir: Path, quick: bool) -> list[dict[str, object]]:
    from server.tools.book_bench import bench_province

    if quick:
        return [bench_province(pupils=10_000, laos=30, workdir=workdir, repeat=1)]
    return [bench_province(pupils=100_000, laos=300, workdir=workdir)]


def _national_book(workdir: Path, quick: bool) -> list[dict[str, object]]:
    from server.tools.book_bench import bench_national

    return [bench_national(pupils=60_000 if quick else 1_500_000, workdir=workdir)]


def _upload(workdir: Path, quick: bool) -> list[dict[str, object]]:
    from server.tools.loadrun import bench_upload

    return bench_upload(rows=5_000, workdir=workdir, repeat=3 if quick else 7)


def _deadline(workdir: Path, quick: bool) -> list[dict[str, object]]:
    """200 schools (250 clients with their LAOs and provinces) on a live server whose database already
    holds the national-scale synthetic data (shared with the national book, built once per run)."""
    from server.tools.book_bench import national_db
    from server.tools.loadrun import bench_deadline

    background, shape, _gen = national_db(workdir, 60_000 if quick else 1_500_000)
    note = (
        f"the server's database already holds {shape['pupils']:,} pupils in {shape['institutions']:,}"
        f" institutions, {shape['laos']:,} LAOs and {shape['provinces']} provinces"
    )
    with tqdm(desc="deadline workbooks", unit="unit", file=sys.stderr, leave=False) as bar:
        return [
            bench_deadline(
                clients=40 if quick else 200,
                rows=1_000,
                workdir=workdir,
                background=background,
                background_note=note,
                progress=bar.update,
            )
        ]


def _records(workdir: Path, quick: bool) -> list[dict[str, object]]:
    """A school's year of academic results uploaded and stored, and a pupil's ปพ.1 (server/tools/records_bench.py)."""
    from server.tools.records_bench import bench_records_year

    with tqdm(desc="records workbooks", unit="file", file=sys.stderr, leave=False) as bar:
        return bench_records_year(pupils=300 if quick else 1_500, workdir=workdir, repeat=1 if quick else 3,
                                  progress=bar.update)  # fmt: skip


def _graduates(workdir: Path, quick: bool) -> list[dict[str, object]]:
    """The graduate report ปพ.3 of one school: 400 graduates (target under 2 s)."""
    from server.tools.graduates_bench import bench_graduates

    return [bench_graduates(pupils=100 if quick else 400, workdir=workdir, repeat=3 if quick else 5)]


def _gpax(workdir: Path, quick: bool) -> list[dict[str, object]]:
    """The national GPAX export at growing sizes (default up to 2 million result rows, a few minutes;
    LEC_BENCH_GPAX_PUPILS=50000,1500000 or `python -m server.tools.gpax_bench` for the nation's 30 million)."""
    from server.tools.gpax_bench import bench_gpax, sizes_from_env

    result = bench_gpax(sizes_from_env((5_000, 20_000) if quick else (25_000, 50_000, 100_000)), workdir)
    result.pop("runs", None)
    return [result]


def _dashboard(workdir: Path, quick: bool) -> list[dict[str, object]]:
    """The province dashboard of the national data's largest province (349 LAOs); see dashboard_bench."""
    from server.tools.dashboard_bench import bench_dashboard

    return [bench_dashboard(pupils=60_000 if quick else 1_500_000, workdir=workdir, repeat=3 if quick else 7)]


SCENARIOS: dict[str, Scenario] = {
    "rules": _rules,
    "validate": _validate_workbooks,
    "upload": _upload,
    "province": _province_book,
    "national": _national_book,
    "deadline": _deadline,
    "records": _records,
    "graduates": _graduates,
    "gpax": _gpax,
    "dashboard": _dashboard,
}


def machine_summary() -> str:
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kib = int(f.readline().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.system()}"


def render_report(results: list[dict[str, object]], quick: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `lec bench{' --quick' if quick else ''}` on {datetime.now():%Y-%m-%d %H:%M} "
        f"({machine_summary()}).",
        "Each figure is the median of several runs; each ratio is against a baseline measured in the same run.",
        "",
        "| work | baseline | baseline (s) | measured (s) | ratio | target | met |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['baseline']} | {r['baseline_s']:.3f} | {r['measured_s']:.3f} | "
            f"{r['ratio']:.2f}× | {r['target']} | {'yes' if r['ok'] else '**no**'} |"
        )
    for r in results:
        load = r.get("deadline")
        if isinstance(load, dict):  # the deadline-day run: latency percentiles per kind of request
            lines += [
                "",
                f"Deadline day ({r['name']}): {load['requests']:,} requests in {load['wall_s']:.1f} s,"
                f" {load['throughput_rps']:.1f} requests/s; HTTP statuses {load['statuses']}.",
                "",
                "| request | n | p50 (s) | p95 (s) | p99 (s) |",
                "|---|---:|---:|---:|---:|",
            ]
            lines += [
                f"| {k} | {v['n']} | {v['p50']:.3f} | {v['p95']:.3f} | {v['p99']:.3f} |"
                for k, v in load["by_kind"].items()
            ]
    notes = [f"- {r['name']}: {r['notes']}" for r in results if r.get("notes")]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


@click.command("bench")
@click.option("--only", multiple=True, type=click.Choice(sorted(SCENARIOS)), help="run only these scenarios")
@click.option("--quick", is_flag=True, help="small sizes, for a smoke run")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="write a Markdown report here")
def bench_command(only: tuple[str, ...], quick: bool, report: Path | None) -> None:
    """Run the project's benchmarks and report medians and ratios against same-run baselines."""
    names = list(only or SCENARIOS)
    results: list[dict[str, object]] = []
    with TemporaryDirectory(prefix="lec-bench-") as tmp:
        for name in tqdm(names, desc="benchmarks", unit="scenario", file=sys.stderr):
            results.extend(SCENARIOS[name](Path(tmp), quick))
    text = render_report(results, quick)
    click.echo(text)
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(text, encoding="utf-8")
        click.echo(f"wrote {report}", err=True)
    if not all(r["ok"] for r in results):
        sys.exit(1)
