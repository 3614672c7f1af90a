"""The national GPAX export bench: is it linear in pupils, and where does the embedded store stop?

A year of results at the nation's scale is of the order of 30 million rows (every LAO pupil × about 10
subjects × 2 terms, issue 16). `bench_gpax(sizes)` builds a synthetic database per size (76 provinces,
an LAO per 3,000 pupils, a school per 500, `SUBJECTS` subjects of 1.5 credits × 2 terms, random grades),
then streams the national export (`gpax.csv_chunks` for `TH`, 6 terms) to /dev/null in a fresh process,
and reports per size: result rows, database size on disk, CPU seconds, rows a second, peak RSS. The
baseline is raw sqlite3 reading the same rows with the export's query in the same order (what any
export must at least pay). Linear: CPU per row at the largest size within 1.25× of the smallest.

    python -m server.tools.gpax_bench 50000 200000 1500000     # pupils per size; 1.5M pupils = 30M rows
`lec bench --only gpax` runs the default sizes (a few minutes); `LEC_BENCH_GPAX_PUPILS=50000,1500000`
chooses others. The databases are built in the bench's temporary directory and deleted after each size.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_PUPILS = (25_000, 50_000, 100_000, 200_000)
SUBJECTS = (("ท21101", "thai"), ("ค21101", "math"), ("ว21101", "science"), ("ส21101", "social"),
            ("พ21101", "health"), ("ศ21101", "arts"), ("ง21101", "careers"), ("อ21101", "foreign"),
            ("ส21102", "social"), ("ค21201", "math"))  # fmt: skip
GRADES = ("4", "3.5", "3", "2.5", "2", "1.5", "1", "0", "4", "3", "ร")
YEAR = 2567
PUPILS_PER_SCHOOL = 500
PUPILS_PER_LAO = 3_000
PROVINCES = 76


def build_results_db(path: Path, pupils: int) -> dict[str, Any]:
    """A migrated database holding `pupils` pupils' results for YEAR (terms 1 and 2), generated inside
    SQLite in primary-key order with durability off (it is thrown away). -> its shape and build time.
    (`pending` is left 0: the export does not read it.)"""
    from server.storage import db

    started = time.perf_counter()
    db.open_db(path).close()  # the real schema, migrated
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN")
    now = "2024-11-01T00:00:00+07:00"
    schools = max(1, pupils // PUPILS_PER_SCHOOL)
    laos = max(1, pupils // PUPILS_PER_LAO)
    units = [(f"{p + 10:02d}", f"จังหวัด {p}", "province", "province", None, now) for p in range(PROVINCES)]
    units += [(f"{i + 1:08d}", f"อปท. {i}", "sao", "lao", f"{i % PROVINCES + 10:02d}", now) for i in range(laos)]
    units += [(f"30{i + 1:08d}", f"โรงเรียน {i}", "school", "institution", f"{i % laos + 1:08d}", now)
              for i in range(schools)]  # fmt: skip
    conn.executemany("INSERT INTO units (code, name, kind, level, parent, updated_at) VALUES (?,?,?,?,?,?)", units)
    conn.execute("INSERT INTO files (sha256, size, first_seen_at) VALUES ('bench', 0, ?)", [now])
    conn.execute("INSERT INTO record_uploads (id, year, unit_code, form, sha256, uploaded_at, rows)"
                 " VALUES (1, ?, '3000000001', 'results', 'bench', ?, 0)", [YEAR, now])  # fmt: skip
    conn.execute("CREATE TEMP TABLE bench_subjects (code TEXT, area TEXT)")
    conn.executemany("INSERT INTO bench_subjects VALUES (?, ?)", sorted(SUBJECTS))
    grade = "CASE abs(random()) % {n} {whens} END".format(  # a random grade a row, in GRADES' proportions
        n=len(GRADES), whens=" ".join(f"WHEN {i} THEN '{g}'" for i, g in enumerate(GRADES))
    )
    sql = (  # one school's rows in primary-key order, generated inside SQLite (no Python per row)
        "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < ?),"
        " t(term) AS (VALUES (1), (2))"
        " INSERT INTO results (year, term, unit_code, class_name, subject_code, citizen_id, student_no, first_name,"
        " last_name, subject_name, kind, credits, area, attendance_pct, score_total, grade, pending, upload_id)"
        f" SELECT {YEAR}, t.term, ?, 'ม.1/1', s.code, printf('1%012d', ? + k.n), k.n + 1, 'ชื่อ', 'นามสกุล', s.code,"
        f" 'basic', '1.5', s.area, '95', '75', {grade}, 0, 1"
        " FROM t, bench_subjects s, k ORDER BY t.term, s.code, k.n"
    )
    per_school = [pupils // schools + (1 if i < pupils % schools else 0) for i in range(schools)]
    serial = 0
    for s, n in enumerate(per_school):
        conn.execute(sql, [n, f"30{s + 1:08d}", serial])
        serial += n
    rows = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    conn.execute("COMMIT")
    conn.close()
    return {"pupils": pupils, "rows": rows, "schools": schools, "laos": laos, "provinces": PROVINCES,
            "db_bytes": _size(path), "build_s": time.perf_counter() - started}  # fmt: skip


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def export_once(db_path: str) -> dict[str, Any]:
    """The national export to /dev/null in this process, as the route streams it (the child's job)."""
    from server.domain import gpax
    from server.storage import db

    conn = db.connect(db_path)
    schools = [r[0] for r in conn.execute("SELECT code FROM units WHERE kind IN ('school','college') ORDER BY code")]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    size = lines = 0
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for chunk in gpax.csv_chunks(conn, schools, YEAR, 6):
            sink.write(chunk)
            size += len(chunk)
            lines += chunk.count("\n")
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    conn.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"cpu": cpu, "wall": wall, "csv_chars": size, "pupils_out": lines - 1, "peak_bytes": peak}


def raw_read_once(db_path: str) -> dict[str, Any]:
    """The baseline: the export's query, school by school, rows fetched and dropped (raw sqlite3)."""
    from server.domain.gpax import EXPORT_SQL

    conn = sqlite3.connect(db_path)
    schools = [r[0] for r in conn.execute("SELECT code FROM units WHERE kind IN ('school','college') ORDER BY code")]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    n = 0
    for school in schools:
        for _ in conn.execute(EXPORT_SQL, [school, (YEAR - 2) * 10 + 1, YEAR * 10 + 2]):
            n += 1
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    conn.close()
    return {"cpu": cpu, "wall": wall, "rows": n}


def _child(what: str, db_path: Path) -> dict[str, Any]:
    """Run `what` in a fresh process: its peak RSS is the export's alone."""
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    code = f"import json, sys; from server.tools import gpax_bench as b; print(json.dumps(b.{what}(sys.argv[1])))"
    done = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, check=True,
                          env=env)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def _free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


def measure(pupils: int, workdir: Path) -> dict[str, Any]:
    """Build one size, export it and read it raw, then delete it. A size that does not fit on the
    disk (estimated from the last size's bytes a row, with a 2× margin) is reported as not attempted."""
    path = workdir / f"gpax-{pupils}.db"
    shape = build_results_db(path, pupils)
    try:
        export = _child("export_once", path)
        raw = _child("raw_read_once", path)
    finally:
        for p in workdir.glob(path.name + "*"):
            p.unlink()
    return {**shape, "export": export, "raw": raw}


def bench_gpax(sizes: tuple[int, ...] = DEFAULT_PUPILS, workdir: str | Path = ".") -> dict[str, Any]:
    """The national export at each size: linear in pupils, flat in memory; the figures say where it stops."""
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    stopped = ""
    for n in sorted(sizes):
        if runs:
            per_row = runs[-1]["db_bytes"] / runs[-1]["rows"]
            need = 2 * per_row * n * len(SUBJECTS) * 2
            if need > _free_bytes(work):
                stopped = (f"{n:,} pupils not attempted: about {need / 2**30:.0f} GiB needed (2× the measured"
                           f" {per_row:.0f} bytes a row), {_free_bytes(work) / 2**30:.0f} GiB free")  # fmt: skip
                break
        runs.append(measure(n, work))
    first, last = runs[0], runs[-1]
    per_row = [r["export"]["cpu"] / r["rows"] for r in runs]
    growth = per_row[-1] / per_row[0]
    peak = max(r["export"]["peak_bytes"] for r in runs)
    ok = growth <= 1.25 and peak < 2**30
    sizes_note = "; ".join(
        f"{r['pupils']:,} pupils = {r['rows']:,} rows: db {r['db_bytes'] / 2**30:.2f} GiB,"
        f" export {r['export']['cpu']:.1f} s CPU ({r['rows'] / r['export']['cpu']:,.0f} rows/s),"
        f" raw read {r['raw']['cpu']:.1f} s, peak RSS"
        f" {r['export']['peak_bytes'] / 2**20:,.0f} MiB, build {r['build_s']:.0f} s"
        for r in runs
    )
    nation = 30_000_000
    est_cpu = per_row[-1] * nation
    est_db = last["db_bytes"] / last["rows"] * nation
    return {
        "name": f"national GPAX export ({last['pupils']:,} pupils, {last['rows']:,} result rows, {last['schools']:,}"
                f" schools)",
        "rows": last["rows"],
        "baseline": "raw sqlite3 reading the same rows with the export's query",
        "baseline_s": last["raw"]["cpu"],
        "measured_s": last["export"]["cpu"],
        "ratio": last["export"]["cpu"] / last["raw"]["cpu"] if last["raw"]["cpu"] else float("inf"),
        "target": "linear in pupils; peak memory flat (< 1 GiB)",
        "ok": ok,
        "notes": (
            f"CPU a row grows {growth:.2f}× from {first['rows']:,} to {last['rows']:,} rows (1.00 = linear);"
            f" {sizes_note}; at the nation's ~30 million rows a year: about {est_cpu / 60:.0f} min CPU and"
            f" {est_db / 2**30:.1f} GiB of database (extrapolated from the largest size)"
            + (f"; {stopped}" if stopped else "")
            + "; times are CPU seconds of the one-threaded export"
        ),
        "runs": runs,
    }  # fmt: skip


def sizes_from_env(default: tuple[int, ...] = DEFAULT_PUPILS) -> tuple[int, ...]:
    """`LEC_BENCH_GPAX_PUPILS=50000,1500000` overrides the sizes of `lec bench --only gpax`."""
    text = os.environ.get("LEC_BENCH_GPAX_PUPILS", "")
    return tuple(int(x) for x in text.split(",") if x.strip()) or default


if __name__ == "__main__":  # python -m server.tools.gpax_bench [pupils ...]
    import tempfile

    chosen = tuple(int(a) for a in sys.argv[1:]) or sizes_from_env()
    with tempfile.TemporaryDirectory(prefix="lec-gpax-", dir=os.environ.get("LEC_BENCH_DIR")) as tmp:
        print(json.dumps(bench_gpax(chosen, tmp), ensure_ascii=False, indent=1, default=str))
