"""Benchmarks for the consolidated books, each against a baseline measured in the same run.

    bench_province(pupils=100_000, laos=300, workdir=...) -> dict
        rebuild a province book; baseline: XlsxWriter writing the same cells (read back from our book)
        with no formats and no logic. Target: under 10 s and at most 2x the baseline.
    bench_national(pupils=1_500_000, workdir=...) -> dict
        rebuild the national book in a child process (its peak RSS is the book's, not the generator's),
        at a quarter and at full size. Target: linear in pupils, peak memory under 1 GiB.

Why synthetic data is loaded straight into SQLite (not through uploads): the point is the writer. The
pupils are drawn from a pool made once by `validators.synthetic.make_roster` and given fresh valid IDs,
which is ~50x faster than generating each child and gives the same shape (names, grades, dates).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from server.domain import conflicts
from server.storage import clock, db

ROUND = "2567-2"
NOW = "2024-11-12T10:00:00+07:00"
LAO_KINDS = (("sao", "06", "3", "6"), ("subdistrict", "05", "2", "5"), ("town", "04", "2", "5"),
             ("pao", "02", "1", "4"))  # fmt: skip
PROVINCES = tuple(f"{n:02d}" for n in range(10, 100))[:76]
CPU_NOTE = "times are CPU seconds of the one-threaded build (= wall time on an idle machine)"
"""Why CPU time: on a shared 2-core machine wall time measures the neighbours as much as the code."""


def _pool(size: int = 4000) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """School and child-centre pupils to reuse: (prefix, first, last, sex, birth, grade, room, nationality)."""
    from validators.synthetic import make_roster

    def rows(form: str, n: int) -> list[tuple[Any, ...]]:
        out = []
        for r in make_roster(form, n, year=2567, unit_code="3056200001", seed=7):
            birth = r["birth_date"]
            out.append(
                (
                    r["prefix"],
                    r["first_name"],
                    r["last_name"],
                    r["sex"],
                    birth.isoformat() if isinstance(birth, date) else birth,
                    r.get("grade"),
                    r["room"],
                    r["nationality"],
                )
            )
        return out

    return rows("school", size), rows("cdc", size // 4)


NATIONAL_SHAPE = {"provinces": 76, "laos": 7_800, "institutions": 20_000, "pupils": 1_500_000}
"""Thailand's size: 76 provinces, about 7,800 LAOs, 20,000 LAO institutions, 1.5 million pupils."""


def uneven_split(total: int, parts: int, rng: random.Random, *, sigma: float = 0.8, floor: int = 1) -> list[int]:
    """`total` split into `parts` lognormal shares (the real spread: Nakhon Ratchasima has over 300
    LAOs, Samut Songkhram about 30), each at least `floor`; sums exactly to `total`."""
    weights = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    scale = (total - floor * parts) / sum(weights)
    out = [floor + int(w * scale) for w in weights]
    for i in range(total - sum(out)):
        out[i % parts] += 1
    return out


Rows = list[tuple[Any, ...]]


def _fixed_rows(c: Any, now: str) -> None:
    """The bench admin, its profile, the round and the one stand-in file every upload points at."""
    c.execute(
        "INSERT INTO users (id, login, role, unit_code, password_hash, must_complete_profile, created_at)"
        " VALUES (1, 'bench', 'admin', NULL, 'x', 0, ?)",
        [now],
    )
    c.execute(
        "INSERT INTO profiles (id, user_id, first_name, last_name, position, phone, started_at)"
        " VALUES (1, 1, 'ทดสอบ', 'ประสิทธิภาพ', 'เจ้าหน้าที่', '0812345678', ?)",
        [now],
    )
    c.execute(
        "INSERT INTO rounds (id, year, round_no, mode, as_of, opens, institution_deadline, lao_deadline,"
        " province_deadline, closes, created_at) VALUES (?, 2567, 2, 'confirm', '2024-11-10',"
        " '2024-10-01T00:00:00+07:00', '2024-11-11T17:00:00+07:00', '2024-11-11T17:00:00+07:00',"
        " '2024-11-12T17:00:00+07:00', '2024-11-12T17:00:00+07:00', ?)",
        [ROUND, now],
    )
    c.execute("INSERT INTO files (sha256, size, first_seen_at) VALUES ('0', 0, ?)", [now])


def _units(
    rng: random.Random,
    prov_codes: list[str],
    laos_per_province: int,
    laos: int | None,
    institutions: int | None,
    pupils: int,
    now: str,
) -> tuple[Rows, Rows, Rows, list[int]]:
    """Units (provinces, LAOs, institutions), the LAO rows, (institution, size, cdc, LAO), LAOs per province."""
    from validators.synthetic import school_size

    units, inst_sizes = [], []
    for p in prov_codes:
        units.append((p, f"จังหวัดทดสอบ{p}", "province", "province", None, now))
    lao_rows: list[tuple[str, str, str, str]] = []
    per_province = uneven_split(laos, len(prov_codes), rng, floor=10) if laos else [laos_per_province] * len(prov_codes)
    for p, n_laos in zip(prov_codes, per_province, strict=True):
        for k in range(n_laos):
            kind, prefix, school_t, cdc_t = LAO_KINDS[3] if k == 0 else LAO_KINDS[k % 3]
            code = f"{prefix}{p}{k:04d}"
            lao_rows.append((code, p, school_t, cdc_t))
            units.append((code, f"อปท.ทดสอบ {code}", kind, "lao", p, now))
    inst_no = 0

    def add_institution(lao: tuple[str, str, str, str], size: int, cdc: bool | None = None) -> None:
        nonlocal inst_no
        code, p, school_t, cdc_t = lao
        cdc = rng.random() < 0.35 if cdc is None else cdc
        size = size or school_size(rng, "cdc" if cdc else "school")
        inst_no += 1
        icode = f"30{p}{cdc_t if cdc else school_t}{inst_no:05d}"[:10]
        units.append(
            (
                icode,
                f"{'ศูนย์พัฒนาเด็กเล็ก' if cdc else 'โรงเรียน'}ทดสอบ {icode}",
                "cdc" if cdc else "school",
                "institution",
                code,
                now,
            )
        )
        inst_sizes.append((icode, size, cdc, code))

    if institutions:
        weights = [rng.lognormvariate(0, 1.0) for _ in lao_rows]
        for lao in rng.choices(lao_rows, weights, k=institutions):
            add_institution(lao, 0)
    else:
        per_lao = pupils / max(1, len(lao_rows))
        for lao in lao_rows:
            budget = int(per_lao * rng.uniform(0.5, 1.5))
            while budget > 0:
                cdc = rng.random() < 0.35
                size = min(budget, school_size(rng, "cdc" if cdc else "school"))
                budget -= size
                add_institution(lao, size, cdc)
    return units, lao_rows, inst_sizes, per_province


def _scaled(inst_sizes: Rows, pupils: int) -> Rows:
    """Sizes scaled so the total is exactly `pupils`, every institution keeping one pupil or more."""
    total = sum(s for _c, s, _k, _l in inst_sizes) or 1
    if total == pupils:
        return inst_sizes
    sizes = [max(1, round(s * pupils / total)) for _c, s, _k, _l in inst_sizes]
    diff, i = pupils - sum(sizes), 0
    while diff:  # spread the rounding error, keeping every institution at one pupil or more
        step = 1 if diff > 0 else -1
        if sizes[i % len(sizes)] + step >= 1:
            sizes[i % len(sizes)] += step
            diff -= step
        i += 1
    return [(ic, sz, k, lao) for (ic, _s, k, lao), sz in zip(inst_sizes, sizes, strict=True)]


def _pupils(c: Any, rng: random.Random, inst_sizes: Rows, now: str) -> tuple[int, Rows, Rows, Rows, Rows]:
    """Insert every pupil (in batches); the uploads, rosters, confirmations and removals to go with them."""
    from validators.identity import with_check_digit

    school_pool, cdc_pool = _pool()
    counter = 0
    uploads, rosters, confirms, removals = [], [], [], []
    batch: list[tuple[Any, ...]] = []
    insert = (
        "INSERT INTO pupils (round_id, unit_code, citizen_id, row_no, prefix, first_name, last_name, sex,"
        " birth_date, grade, room, nationality, entry_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    duplicates: list[str] = []
    for n, (icode, size, cdc, _lao) in enumerate(inst_sizes, start=1):
        pool = cdc_pool if cdc else school_pool
        start = rng.randrange(len(pool))
        for row in range(1, size + 1):
            counter += 1
            prefix, first, last, sex, birth, grade, room, nat = pool[(start + row) % len(pool)]
            cid = with_check_digit(f"1{icode[2:4]}{counter:09d}")
            if row == 1 and duplicates and rng.random() < 0.05:
                cid = duplicates.pop()  # the same child on a second roster: a conflict
            elif rng.random() < 0.0005:
                duplicates.append(cid)
            batch.append(
                (ROUND, icode, cid, row, prefix, first, last, sex, birth, None if cdc else grade, room, nat, None)
            )
        if len(batch) > 50_000:
            c.executemany(insert, batch)
            batch = []
        uploads.append((n, ROUND, icode, "cdc" if cdc else "school", "0", 1, size, now))
        rosters.append((ROUND, icode, "cdc" if cdc else "school", n, size, now))
        if rng.random() < 0.7:
            confirms.append((ROUND, icode, now, 1, 1))
        if rng.random() < 0.2:
            removals.append(
                (
                    ROUND,
                    icode,
                    with_check_digit(f"2{icode[2:4]}{n:09d}"),
                    1,
                    "เด็กชาย",
                    "ทดสอบ",
                    "นำออก",
                    "2024-08-01",
                    rng.choice(("never_came", "moved", "unreachable")),
                    None,
                )
            )
    c.executemany(insert, batch)
    return counter, uploads, rosters, confirms, removals


def _other_rows(
    rng: random.Random, lao_rows: Rows, start_id: int, uploads: Rows, rosters: Rows, confirms: Rows, now: str
) -> Rows:
    """Each LAO's other-affiliation upload (two schools), adding its upload, roster and confirmation."""
    from validators.fields import OTHER_COUNT_KEYS
    from validators.synthetic import make_other_counts

    up_id = start_id
    others = []
    for i, (code, _p, _s, _c) in enumerate(lao_rows):
        up_id += 1
        uploads.append((up_id, ROUND, code, "other", "0", 1, 2, now))
        rosters.append((ROUND, code, "other", up_id, 2, now))
        if rng.random() < 0.4:
            confirms.append((ROUND, code, now, 1, 1))
        for j, row in enumerate(make_other_counts(2, seed=i)):
            others.append(
                (
                    ROUND,
                    code,
                    f"10{i:06d}{j:02d}",
                    j + 1,
                    row["other_school_name"],
                    "สพฐ.",
                    int(row["closed"] == "ใช่"),
                    *(row[k] for k in OTHER_COUNT_KEYS),
                )
            )
    return others


def _insert_rest(c: Any, uploads: Rows, rosters: Rows, confirms: Rows, removals: Rows, others: Rows) -> None:
    from validators.fields import OTHER_COUNT_KEYS

    c.executemany(
        "INSERT INTO uploads (id, round_id, unit_code, form, sha256, user_id, rows, at) VALUES (?,?,?,?,?,?,?,?)",
        uploads,
    )
    c.executemany(
        "INSERT INTO rosters (round_id, unit_code, form, upload_id, rows, updated_at) VALUES (?,?,?,?,?,?)", rosters
    )
    c.executemany(
        "INSERT INTO confirmations (round_id, unit_code, confirmed_at, user_id, profile_id) VALUES (?,?,?,?,?)",
        confirms,
    )
    c.executemany(
        "INSERT INTO removals (round_id, unit_code, citizen_id, row_no, prefix, first_name, last_name,"
        " removed_on, reason, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
        removals,
    )
    cols = (
        "round_id",
        "lao_code",
        "other_school_code",
        "row_no",
        "other_school_name",
        "affiliation",
        "closed",
        *OTHER_COUNT_KEYS,
    )
    c.executemany(f"INSERT INTO other_counts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", others)


def build_synthetic_db(
    path: Path,
    *,
    provinces: int,
    laos_per_province: int,
    pupils: int,
    seed: int = 1,
    laos: int | None = None,
    institutions: int | None = None,
) -> dict:
    """A data dir database with `pupils` pupils under provinces → LAOs → institutions, loaded with executemany.

    About 70% of institutions and 40% of LAOs are confirmed, each LAO reports two other-affiliation
    schools, a few children sit on two rosters (conflicts) and a few are in removal registers.
    With `laos` (a total) the provinces get uneven shares of them, and with `institutions` (a total)
    the institutions go to LAOs by uneven weights (some LAOs own none, as in life): NATIONAL_SHAPE.
    Without them, every province has `laos_per_province` LAOs and institutions fill each LAO's budget.
    """
    rng = random.Random(seed)
    if path.exists():
        path.unlink()
    conn = db.open_db(path)
    c = conn.conn
    c.execute("PRAGMA synchronous=OFF")
    now = NOW
    c.execute("BEGIN")
    _fixed_rows(c, now)
    prov_codes = PROVINCES[:provinces]
    units, lao_rows, inst_sizes, per_province = _units(
        rng, prov_codes, laos_per_province, laos, institutions, pupils, now
    )
    c.executemany("INSERT INTO units (code, name, kind, level, parent, updated_at) VALUES (?,?,?,?,?,?)", units)
    inst_sizes = _scaled(inst_sizes, pupils)
    counter, uploads, rosters, confirms, removals = _pupils(c, rng, inst_sizes, now)
    others = _other_rows(rng, lao_rows, len(inst_sizes), uploads, rosters, confirms, now)
    _insert_rest(c, uploads, rosters, confirms, removals, others)
    conflicts.note_duplicates(conn, ROUND, None)  # the conflict index and head counts the services keep
    conflicts.recount(conn, ROUND, None)
    c.execute("COMMIT")
    c.execute("ANALYZE")
    conn.close()
    return {
        "pupils": counter,
        "institutions": len(inst_sizes),
        "laos": len(lao_rows),
        "provinces": len(prov_codes),
        "province_laos": (min(per_province), max(per_province)),
    }


def _raw_rewrite(book: Path, out: Path) -> tuple[float, float, int]:
    """Baseline: read our book's cell values back (untimed), write the same cells with bare XlsxWriter."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    wb_in = CalamineWorkbook.from_path(str(book))
    epoch = datetime(1899, 12, 30)
    sheets = []
    for name in wb_in.sheet_names:
        rows = []
        for row in wb_in.get_sheet_by_name(name).to_python(skip_empty_area=False):
            cells = []
            for c, v in enumerate(row):
                if v == "" or v is None:
                    continue
                if isinstance(v, datetime):
                    v = (v - epoch).total_seconds() / 86400
                elif isinstance(v, date):
                    v = (v - epoch.date()).days
                cells.append((c, v))
            rows.append(cells)
        sheets.append((name, rows))
    n_cells = sum(len(r) for _n, rows in sheets for r in rows)
    started, cpu = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        write_string, write_number = ws.write_string, ws.write_number
        for r, cells in enumerate(rows):
            for c, v in cells:
                if isinstance(v, str):
                    write_string(r, c, v)
                else:
                    write_number(r, c, v)
    wb.close()
    return time.perf_counter() - started, time.process_time() - cpu, n_cells


def _build_once(db_path: Path, code: str, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one book build: SQL reads, aggregation and writing."""
    from server.books import write_book

    conn = db.connect(db_path)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        write_book(conn, ROUND, code, out, now=clock.parse_datetime(NOW))
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        conn.close()


def _load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:  # not on every platform
        return ""


def bench_province(pupils: int = 100_000, laos: int = 300, workdir: str | Path = ".", repeat: int = 3) -> dict:
    """Rebuild a province book of `pupils` pupils under `laos` LAOs; ratio to bare XlsxWriter."""
    work = Path(workdir) / "consolidate-province"
    work.mkdir(parents=True, exist_ok=True)
    db_path = work / "lec.db"
    shape = build_synthetic_db(db_path, provinces=1, laos_per_province=laos, pupils=pupils)
    out = work / "province.xlsx"
    runs = [_build_once(db_path, PROVINCES[0], out) for _ in range(repeat)]
    wall = statistics.median(w for w, _c in runs)
    measured = statistics.median(c for _w, c in runs)
    baseline_runs = [_raw_rewrite(out, work / "raw.xlsx") for _ in range(repeat)]
    baseline_wall = statistics.median(t for t, _c, _n in baseline_runs)
    baseline = statistics.median(c for _t, c, _n in baseline_runs)
    cells = baseline_runs[0][2]
    ratio = measured / baseline if baseline else float("inf")
    return {
        "name": f"consolidate province book ({pupils:,} pupils, {laos} LAOs)",
        "rows": pupils,
        "baseline": "XlsxWriter (constant_memory) writing the same cells, no formats or logic",
        "baseline_s": baseline,
        "measured_s": measured,
        "ratio": ratio,
        "target": "< 10 s and ≤ 2× baseline",
        "ok": measured < 10 and ratio <= 2,
        "notes": f"{shape['institutions']:,} institutions, {cells:,} cells, {out.stat().st_size / 2**20:.1f} MiB;"
        f" {CPU_NOTE} (wall {wall:.2f} s, baseline wall {baseline_wall:.2f} s); median of {repeat};"
        f" {_load()}",
    }


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from server.tools.book_bench import _build_once
t, cpu = _build_once(Path(sys.argv[1]), "TH", Path(sys.argv[2]))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
print(json.dumps({"seconds": t, "cpu": cpu, "peak_bytes": rss}))
"""


def _national_child(db_path: Path, out: Path) -> dict[str, float]:
    """Build the national book in a fresh process: its peak RSS is the book's alone."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db_path), str(out)], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def national_db(workdir: str | Path, pupils: int = NATIONAL_SHAPE["pupils"]) -> tuple[Path, dict, float]:
    """The national-scale synthetic database (NATIONAL_SHAPE, `pupils` pupils), built once per workdir:
    the national book and the deadline-day run both stand on it. -> (path, shape, seconds to build)."""
    path = Path(workdir) / f"national-{pupils}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text()), 0.0
    started = time.perf_counter()
    shape = build_synthetic_db(
        path,
        provinces=NATIONAL_SHAPE["provinces"],
        laos_per_province=0,
        pupils=pupils,
        laos=NATIONAL_SHAPE["laos"],
        institutions=NATIONAL_SHAPE["institutions"],
    )
    meta.write_text(json.dumps(shape))
    return path, shape, time.perf_counter() - started


def bench_national(pupils: int = 1_500_000, workdir: str | Path = ".") -> dict:
    """Rebuild the national book (aggregates only) at a quarter and at full size: linear, under 1 GiB."""
    work = Path(workdir) / "consolidate-national"
    work.mkdir(parents=True, exist_ok=True)
    provinces = NATIONAL_SHAPE["provinces"]
    results = {}
    for label, n in (("quarter", pupils // 4), ("full", pupils)):
        db_path, shape, gen = national_db(workdir, n)
        out = work / f"national-{label}.xlsx"
        run = _national_child(db_path, out)
        results[label] = {
            **run,
            "pupils": shape["pupils"],
            "institutions": shape["institutions"],
            "laos": shape["laos"],
            "province_laos": shape["province_laos"],
            "generate_s": gen,
            "out": out,
        }
        if label == "quarter":
            db_path.unlink()
            db_path.with_suffix(".json").unlink()
    full, quarter = results["full"], results["quarter"]
    baseline_wall, baseline, cells = _raw_rewrite(full["out"], work / "raw.xlsx")
    growth = (full["cpu"] / quarter["cpu"]) / (full["pupils"] / quarter["pupils"])
    peak_mib = full["peak_bytes"] / 2**20
    ok = peak_mib < 1024 and growth <= 1.25
    return {
        "name": f"consolidate national book ({full['pupils']:,} pupils, {provinces} provinces)",
        "rows": full["pupils"],
        "baseline": "XlsxWriter (constant_memory) writing the same cells, no formats or logic",
        "baseline_s": baseline,
        "measured_s": full["cpu"],
        "ratio": full["cpu"] / baseline if baseline else float("inf"),
        "target": "linear in pupils; peak memory < 1 GiB",
        "ok": ok,
        "notes": (
            f"peak RSS {peak_mib:,.0f} MiB; CPU {quarter['cpu']:.2f} s for {quarter['pupils']:,} pupils,"
            f" {full['cpu']:.2f} s for {full['pupils']:,} (CPU time grows {growth:.2f}× as fast as pupils;"
            f" 1.00 = linear); {full['laos']:,} LAOs ({full['province_laos'][0]}–{full['province_laos'][1]}"
            f" a province), {full['institutions']:,} institutions, {cells:,} cells; {CPU_NOTE} (wall"
            f" {full['seconds']:.2f} s, baseline wall {baseline_wall:.2f} s); the baseline writes"
            " only the cells, the build also reads and groups the pupils in SQLite (generating the data:"
            f" {full['generate_s']:.0f} s, not counted); {_load()}"
        ),
    }


if __name__ == "__main__":  # python -m server.tools.book_bench [province|national] [pupils]
    import tempfile

    which = sys.argv[1] if len(sys.argv) > 1 else "province"
    size = int(sys.argv[2]) if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory(prefix="lec-bench-") as tmp:
        if which == "province":
            result = bench_province(size or 100_000, workdir=tmp)
        else:
            result = bench_national(size or 1_500_000, workdir=tmp)
    print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
