"""`lec bench` scenario: the graduate report ปพ.3 of a school with 400 graduates (target under 2 s).

The school's three years of ม.1–ม.3 results (9 subjects a term, 54 results a pupil: 21,600 rows) are
written straight into a fresh database, as uploads would have stored them; the measured work is what
the route does for a draft: the graduation list (every result read and judged against the criteria)
and the A4 workbook. The baseline is XlsxWriter writing the same number of cells, as text, with no
formats or logic, in the same run.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from pathlib import Path
from typing import Any

import sqlite_utils
import xlsxwriter

from server.books.graduates import report_bytes
from server.domain import graduation, registry, rounds
from server.storage import clock, db
from server.storage.db import transaction

SCHOOL, LAO, PROVINCE = "3056200001", "05560101", "56"
YEAR = 2567
BASIC = (("ท", "1.5"), ("ค", "1.5"), ("ว", "1.5"), ("ส", "2"), ("พ", "1"), ("ศ", "1"), ("ง", "1"), ("อ", "1.5"))
GRADES = ("4", "3.5", "3", "2.5", "2")
PASS = '{"reading": "ดี", "character": "ดี", "activity_guidance": "ผ", "activity_scout": "ผ", "activity_club": "ผ",' \
       ' "activity_social": "ผ"}'  # fmt: skip


def _citizen(n: int) -> str:
    body = f"1{n:011d}"
    total = sum(int(d) * (13 - i) for i, d in enumerate(body))
    return body + str((11 - total % 11) % 10)


def build_school(path: Path, pupils: int) -> sqlite_utils.Database:
    """A database with one school whose ม.3 cohort of `pupils` has three years of results."""
    conn = db.open_db(path)
    rows = [
        {"code": PROVINCE, "name": "จังหวัดพะเยา", "parent": "", "kind": "province", "grades": "", "affiliation": ""},
        {"code": LAO, "name": "เทศบาลตำบลบ้านต๋อม", "parent": PROVINCE, "kind": "subdistrict", "grades": "",
         "affiliation": ""},
        {"code": SCHOOL, "name": "โรงเรียนเทศบาลบ้านต๋อม", "parent": LAO, "kind": "school", "grades": "",
         "affiliation": ""},
    ]  # fmt: skip
    registry.import_rows(conn, rows)
    rounds.create_round(conn, f"{YEAR}-2", as_of="2024-11-10", opens="2024-10-01T00:00",
                        institution_deadline="2024-11-11T17:00", lao_deadline="2024-11-11T17:00",
                        province_deadline="2024-11-12T17:00")  # fmt: skip
    now = clock.iso(clock.now())
    ids = [_citizen(n) for n in range(1, pupils + 1)]
    with transaction(conn):
        conn.execute("INSERT INTO files (sha256, size, first_seen_at) VALUES ('bench', 0, ?)", [now])
        upload = conn.execute(
            "INSERT INTO record_uploads (year, unit_code, form, sha256, uploaded_at, rows) VALUES (?,?,?,?,?,0)",
            [YEAR, SCHOOL, "results", "bench", now],
        ).lastrowid
        results = []
        for i, cid in enumerate(ids):
            for y in (1, 2, 3):
                for term in (1, 2):
                    grade = GRADES[(i + y + term) % len(GRADES)]
                    for letter, credits in BASIC:
                        results.append((YEAR - 3 + y, term, SCHOOL, f"ม.{y}/{1 + i // 40}", f"{letter}2{y}10{term}",
                                        cid, str(10001 + i), f"ชื่อ{i}", f"นามสกุล{i}", f"วิชา {letter}", "basic",
                                        credits, None, None, grade, upload))  # fmt: skip
                    results.append((YEAR - 3 + y, term, SCHOOL, f"ม.{y}/{1 + i // 40}", f"ค2{y}20{term}", cid,
                                    str(10001 + i), f"ชื่อ{i}", f"นามสกุล{i}", "คณิตเพิ่มเติม", "additional", "2",
                                    None, None, grade, upload))  # fmt: skip
        conn.conn.executemany(
            "INSERT INTO results (year, term, unit_code, class_name, subject_code, citizen_id, student_no, first_name,"
            " last_name, subject_name, kind, credits, hours, area, grade, upload_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            results,
        )
        conn.execute("UPDATE results SET area = CASE substr(subject_code, 1, 1) WHEN 'ท' THEN 'thai' WHEN 'ค' THEN"
                     " 'math' WHEN 'ว' THEN 'science' WHEN 'ส' THEN 'social' WHEN 'พ' THEN 'health' WHEN 'ศ' THEN"
                     " 'arts' WHEN 'ง' THEN 'careers' ELSE 'foreign' END")  # fmt: skip
        conn.conn.executemany(
            "INSERT INTO assessments (year, unit_code, class_name, citizen_id, ratings, upload_id)"
            " VALUES (?,?,?,?,?,?)",
            [(YEAR, SCHOOL, f"ม.3/{1 + i // 40}", cid, PASS, upload) for i, cid in enumerate(ids)],
        )
        conn.conn.executemany(
            "INSERT INTO pupils (round_id, unit_code, citizen_id, row_no, prefix, first_name, last_name, sex,"
            " birth_date, grade, room) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(f"{YEAR}-2", SCHOOL, cid, i, "เด็กชาย" if i % 2 else "เด็กหญิง", f"ชื่อ{i}", f"นามสกุล{i}",
              "ชาย" if i % 2 else "หญิง", "2009-05-01", "ม.3", str(1 + i // 40)) for i, cid in enumerate(ids)],
        )  # fmt: skip
    return conn


def _baseline(rows: int, cols: int) -> float:
    started = time.process_time()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for r in range(rows):
        for c in range(cols):
            ws.write_string(r, c, "4.00")
    wb.close()
    return time.process_time() - started


def bench_graduates(pupils: int, workdir: Path, repeat: int = 5) -> dict[str, Any]:
    """Median of `repeat` builds of the list and the workbook; the ratio to XlsxWriter's raw cells."""
    conn = build_school(workdir / f"graduates-{pupils}.db", pupils)
    unit = registry.get_unit(conn, SCHOOL)
    runs, walls, sizes = [], [], []
    listing: dict[str, Any] = {}
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        listing = graduation.build_list(conn, unit, YEAR, "m3")
        data = report_bytes(listing)
        runs.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - started)
        sizes.append(len(data))
    conn.close()
    cols = 9 + 16 + 4 + 4
    baseline = statistics.median(_baseline(pupils + 12, cols) for _ in range(repeat))
    measured = statistics.median(runs)
    graduates = len(listing["graduates"])
    return {
        "name": f"graduate report ปพ.3, {graduates} graduates (ม.3, 3 years of results)",
        "baseline": "XlsxWriter writing the same cells as text, no formats or logic",
        "baseline_s": baseline,
        "measured_s": measured,
        "ratio": measured / baseline if baseline else 0.0,
        "target": "< 2 s",
        "ok": measured < 2.0 and graduates == pupils,
        "notes": f"{pupils * 54:,} result rows read and judged against the ม.3 criteria, then the A4 workbook"
        f" ({statistics.median(sizes) / 1024:.0f} KiB); times are CPU seconds of the one-threaded build (= wall"
        f" time on an idle machine) (wall {statistics.median(walls):.2f} s); median of {repeat};"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    }
