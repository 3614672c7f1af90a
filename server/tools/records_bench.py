"""Benchmarks of the academic records (issue 15), each against a baseline measured in the same run.

    bench_records_year(pupils=1_500, subjects=10, workdir=...) -> dict
        a school's year of results (every class, both terms) validated and stored through the real
        upload service (`records.upload_records_workbook`: the worker's read and rules, the class
        compared with the confirmed census roster, the store); baseline: python-calamine opening the
        same files and reading every sheet. Target: at most 2x.
    bench_transcript(workdir=..., data_dir=...) -> dict
        one pupil's ปพ.1 built from the stored year (`records.pupil_record` + `transcript_bytes`).
        Target: under 0.2 s (an absolute target: the "ratio" is to 0.2 s).

Why a confirmed census roster first: a results upload is judged against the class in the school's last
confirmed roster, and that comparison is part of what a school pays for on every upload. The census
roster is uploaded and confirmed through the services too; the workbooks are filled by
server/tools/records_fill.py, as the demo's are (typed values only).
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from server.storage import clock

SCHOOL, LAO, PROVINCE = "3056100001", "02560001", "56"
ROUND, YEAR = "2569-1", 2569
NOW = "2026-06-20T10:00:00+07:00"
CLASS_SIZE = 36
TARGET_RATIO = 2.0
TRANSCRIPT_TARGET_S = 0.2
FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


def _school(data_dir: Path, pupils: int) -> tuple[Any, Any, dict[str, list[Any]]]:
    """A data dir with one secondary school whose census roster of `pupils` (ม.1–ม.6, rooms of
    CLASS_SIZE) is uploaded and confirmed; returns (db, actor, {class name: [Pupil]})."""
    from server.domain import accounts, chain, records, registry, rounds, uploads
    from server.storage.db import connect
    from server.tools.demo import workbook_bytes
    from server.web.app import create_app
    from validators.synthetic import SECONDARY_SCHOOL_GRADES, make_roster

    app = create_app({"DATA_DIR": data_dir, **FAST_HASH})
    db = connect(app.config["DB_PATH"])
    now = clock.parse_datetime(NOW)
    registry.import_rows(db, [
        {"code": PROVINCE, "name": "พะเยา", "parent": "", "kind": "province"},
        {"code": LAO, "name": "องค์การบริหารส่วนจังหวัดพะเยา", "parent": PROVINCE, "kind": "pao"},
        {"code": SCHOOL, "name": "โรงเรียนทดสอบความเร็ว", "parent": LAO, "kind": "school"},
    ])  # fmt: skip
    accounts.issue_accounts(db)
    rounds.create_round(db, ROUND, as_of=date(2026, 6, 10), opens=datetime(2026, 5, 16, 8, 30, tzinfo=clock.BANGKOK),
                        institution_deadline=datetime(2026, 6, 30, 17, tzinfo=clock.BANGKOK),
                        lao_deadline=datetime(2026, 7, 5, 17, tzinfo=clock.BANGKOK),
                        province_deadline=datetime(2026, 7, 10, 17, tzinfo=clock.BANGKOK))  # fmt: skip
    user = db.execute("SELECT id FROM users WHERE login = ?", [SCHOOL]).fetchone()[0]
    actor = accounts.complete_profile(db, accounts.actor_for_user(db, user), first_name="ทดสอบ",
                                      last_name="ความเร็ว", position="นายทะเบียน", phone="0812345678",
                                      new_password="bench-2569!", now=now)  # fmt: skip
    rows = make_roster("school", pupils, year=YEAR, unit_code=SCHOOL, seed=15, grades=SECONDARY_SCHOOL_GRADES,
                       round_no=1)  # fmt: skip
    seen: dict[str, int] = {}
    for r in rows:  # rooms of CLASS_SIZE in roster order, as a school assigns them
        n = seen.get(r["grade"], 0)
        seen[r["grade"]] = n + 1
        r["room"] = str(n // CLASS_SIZE + 1)
    data = workbook_bytes("school", SCHOOL, "โรงเรียนทดสอบความเร็ว", ROUND, rows, [])
    uploads.upload_workbook(db, actor, ROUND, SCHOOL, data, filename="roster.xlsx", files_dir=app.config["FILES_DIR"],
                            now=now)  # fmt: skip
    chain.confirm(db, actor, ROUND, SCHOOL, now=now)
    classes = {f"{g}/{room + 1}": records.class_pupils(db, SCHOOL, YEAR, f"{g}/{room + 1}") or []
               for g, n in seen.items() for room in range(-(-n // CLASS_SIZE))}  # fmt: skip
    return db, actor, {c: p for c, p in classes.items() if p}


def _year_files(classes: dict[str, list[Any]], subjects: int, progress: Callable[[int], None] | None) -> list[bytes]:
    """Both terms' filled results workbooks of every class."""
    from server.tools.records_fill import class_subjects, filled_results

    numbers = {p.citizen_id: f"{n + 1:05d}" for n, p in enumerate(x for ps in classes.values() for x in ps)}
    files = []
    for term in (1, 2):
        for class_name, pupils in classes.items():
            grade = class_name.split("/")[0]
            files.append(filled_results(unit_code=SCHOOL, unit_name="โรงเรียนทดสอบความเร็ว", year=YEAR, term=term,
                                        class_name=class_name, pupils=pupils, seed=15, student_nos=numbers,
                                        subjects=class_subjects(grade, term, subjects)))  # fmt: skip
            if progress:
                progress(1)
    return files


def calamine_read(files: list[bytes]) -> int:
    """The baseline: open each file with python-calamine and read every sheet into Python values."""
    cells = 0
    for data in files:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
        wb.close()
    return cells


def bench_records_year(pupils: int = 1_500, subjects: int = 10, *, workdir: str | Path, repeat: int = 3,
                       progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The year's results uploaded and stored vs calamine reading them; then the transcript entry."""
    from server.domain import records
    from workbook_templates.bench import interleaved_medians

    data_dir = Path(workdir) / "records-bench"
    db, actor, classes = _school(data_dir, pupils)
    files = _year_files(classes, subjects, progress)
    files_dir = data_dir / "uploads"
    stored = {"rows": 0}

    def service() -> None:
        rows = 0
        for i, data in enumerate(files):
            result = records.upload_records_workbook(db, actor, YEAR, SCHOOL, data, filename=f"r{i}.xlsx",
                                                     files_dir=files_dir, now=clock.parse_datetime(NOW))  # fmt: skip
            rows += result["rows"]
        stored["rows"] = rows

    service()  # warm-up, and proof every file is accepted
    expected = pupils * subjects * 2
    if stored["rows"] != expected:
        raise RuntimeError(f"stored {stored['rows']} results, expected {expected}")
    base, measured = interleaved_medians(lambda: calamine_read(files), service, repeat)
    ratio = measured / base
    size = sum(len(f) for f in files)
    year = {
        "name": f"a school's year of results validated and stored ({pupils:,} pupils × {subjects} subjects × 2 terms)",
        "rows": expected,
        "baseline": "python-calamine: open the same workbooks and read every sheet",
        "baseline_s": base,
        "measured_s": measured,
        "ratio": ratio,
        "target": f"≤ {TARGET_RATIO:g}×",
        "ok": ratio <= TARGET_RATIO,
        "notes": f"{len(files)} results workbooks ({len(classes)} classes of up to {CLASS_SIZE}, 2 terms),"
        f" {size / 1e6:.1f} MB; each upload read in a worker, the class compared with the confirmed census"
        f" roster, stored in one transaction",
    }
    out = [year, bench_transcript(db, actor, next(iter(classes.values()))[0].citizen_id)]
    db.close()
    return out


def bench_transcript(db: Any, actor: Any, citizen_id: str, repeat: int = 15) -> dict[str, Any]:
    """One pupil's ปพ.1 from the stored year: the record (GPA per term and area, GPAX) and the workbook."""
    from server.books import transcript
    from server.domain import records

    def build() -> bytes:
        return transcript.transcript_bytes(records.pupil_record(db, actor, YEAR, SCHOOL, citizen_id))

    build()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    measured = statistics.median(times)
    return {
        "name": "a pupil's ปพ.1 transcript built (record + GPA + A4 workbook)",
        "rows": 1,
        "baseline": f"the target itself ({TRANSCRIPT_TARGET_S:g} s)",
        "baseline_s": TRANSCRIPT_TARGET_S,
        "measured_s": measured,
        "ratio": measured / TRANSCRIPT_TARGET_S,
        "target": f"under {TRANSCRIPT_TARGET_S:g} s",
        "ok": measured < TRANSCRIPT_TARGET_S,
        "notes": f"median of {repeat} builds; the pupil has one year (2 terms × the class's subjects) stored",
    }
