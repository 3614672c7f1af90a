"""The second wall: what gets past the file checks costs one request, never the server.

A file within every limit can still need more memory or time than a worker is given; these tests make
that happen for real (a lowered memory cap, a lowered time limit, all workers busy) and check that the
caller gets a Thai 422 or 503, nothing is stored, and the next upload is accepted.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from serverkit import World

from workbook_templates import sandbox
from workbook_templates.sandbox import Isolation, WorkerBusy, check_file_isolated

SCHOOL = "3056200001"
CRASHED = {"WORKBOOK_WORKER_FAILED", "WORKBOOK_UNREADABLE"}
"""Under a tiny memory cap the child dies (an abort, a MemoryError) or cannot start the reader's thread
(a RuntimeError the reader reports as unreadable): which one depends on where the allocation fails."""
THAI = re.compile(r"[\u0e00-\u0e7f]")


def _pupils(world: World) -> int:
    return world.db.execute("SELECT COUNT(*) FROM pupils WHERE unit_code = ?", [SCHOOL]).fetchone()[0]


def test_a_worker_out_of_memory_is_an_error_report(world: World, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(world.workbook(SCHOOL, n=400))
    assert check_file_isolated(path, file="roster.xlsx").ok  # the file itself is fine
    report = check_file_isolated(path, file="roster.xlsx", limits=Isolation(memory_mb=40))
    assert len(report.errors) == 1 and report.errors[0]["code"] in CRASHED, report.errors
    assert THAI.search(report.errors[0]["message"]) and not report.records


def test_a_worker_past_its_time_is_killed(world: World, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(world.workbook(SCHOOL, n=400))
    report = check_file_isolated(path, file="roster.xlsx", limits=Isolation(seconds=0.01))
    assert [e["code"] for e in report.errors] == ["WORKBOOK_WORKER_FAILED"]
    assert "ใช้เวลาอ่านนานเกินกำหนด" in report.errors[0]["message"]


def test_when_every_worker_is_busy_the_caller_is_told_to_retry(world: World, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(world.workbook(SCHOOL, n=5))
    pool = sandbox._pool(Isolation(workers=1))  # one worker, held by "someone else" for this test
    held = pool.take(1)
    try:
        try:
            check_file_isolated(path, limits=Isolation(workers=1, queue_seconds=0.05))
            raise AssertionError("expected WorkerBusy")
        except WorkerBusy:
            pass
        world.app.config.update(WORKERS=1, WORKER_QUEUE_SECONDS=0.05)
        before = _pupils(world)
        resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=5))
        assert resp.status_code == 503 and resp.get_json()["error"] == "busy", resp.get_json()
        assert THAI.search(resp.get_json()["message"]) and _pupils(world) == before
    finally:
        pool.give_back(held)
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=5)).status_code == 200


def test_the_server_answers_422_for_a_worker_that_died_and_serves_on(world: World) -> None:
    world.app.config["WORKER_MEMORY_MB"] = 40
    before = _pupils(world)
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=400))
    body = resp.get_json()
    assert resp.status_code == 422 and body["errors"][0]["code"] in CRASHED, body
    assert _pupils(world) == before
    world.app.config["WORKER_MEMORY_MB"] = 3072
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=400)).status_code == 200
    assert _pupils(world) == 400


def test_concurrent_uploads_share_the_workers(world: World) -> None:
    """Four uploads at once through two workers: all answered, each whole."""
    world.app.config.update(WORKERS=2)
    books = {i: world.workbook(SCHOOL, n=50 + i, seed=i) for i in range(4)}
    statuses: dict[int, int] = {}
    headers = world.headers(SCHOOL)  # log in once, before the threads

    def send(i: int) -> None:
        client = world.app.test_client()
        resp = client.post(f"/api/v1/rounds/2567-2/units/{SCHOOL}/workbook", headers=headers,
                           data={"file": (io.BytesIO(books[i]), "r.xlsx")})  # fmt: skip
        statuses[i] = resp.status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in books]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses.values()) == {200}, statuses
    assert _pupils(world) in {50 + i for i in books}  # one whole roster, never a mix


def test_lec_validate_survives_a_reader_crash(tmp_path: Path, world: World) -> None:
    """`lec validate` with a worker memory cap too small: exit 1 and a Thai error, not an abort (134)."""
    path = tmp_path / "roster.xlsx"
    path.write_bytes(world.workbook(SCHOOL, n=400))
    env = {**os.environ, "LEC_WORKER_MEMORY_MB": "40"}
    run = subprocess.run([sys.executable, "-c", "from server.cli import main; main()", "validate", str(path)],
                         capture_output=True, timeout=120, env=env)  # fmt: skip
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    assert any(code in run.stdout.decode() for code in CRASHED), run.stdout.decode()[-2000:]
