"""Faults on deadline day: the server killed mid-store, the disk full, the database locked.

Every case checks both halves of the promise: the client is told clearly (or never told "accepted"),
and what is stored is whole: each roster is exactly one upload, never a mix.
"""

from __future__ import annotations

import errno
import hashlib
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serverkit import World

from server.storage import db as server_db
from server.tools import loadrun

SCHOOL = "3056200001"


def test_sigkill_mid_upload_keeps_every_acknowledged_upload_whole(plan: loadrun.Plan, tmp_path: Path) -> None:
    data = tmp_path / "data"
    loadrun.install(data, plan)
    server = loadrun.LiveServer(data).start()
    stop = threading.Event()
    outcome = loadrun.Outcome()
    hammer = threading.Thread(
        target=loadrun.hammer_uploads, args=(server.base, plan, stop), kwargs={"outcome": outcome, "time_limit": 60}
    )
    hammer.start()
    try:
        until = time.monotonic() + 60
        while sum(len(v) for v in outcome.accepted.values()) < len(plan.institutions):
            assert time.monotonic() < until and not outcome.failures, outcome.failures[:3]
            time.sleep(0.05)
        time.sleep(0.3)  # dozens of uploads are now between reading, validating and committing
        server.kill()
    finally:
        stop.set()
        hammer.join(timeout=90)
        server.kill()
    assert outcome.failures == [], outcome.failures[:5]  # no 5xx before the kill
    # the same data dir, a new process: every acknowledged upload is there and every roster is whole
    with loadrun.LiveServer(data) as again:
        problems = loadrun.check_invariants(data, plan, outcome, exact=False)
        assert problems == [], problems[:10]
        code = plan.institutions[0]
        conn = sqlite3.connect(data / "lec.db")
        current = conn.execute(
            "SELECT u.sha256 FROM rosters r JOIN uploads u ON u.id = r.upload_id WHERE r.unit_code = ?", [code]
        ).fetchone()[0]
        conn.close()
        other = next(b for b in plan.books[code] if hashlib.sha256(b).hexdigest() != current)
        assert loadrun.Client(again.base, code, loadrun.Outcome()).upload(code, other).status_code == 200
    for path in (data / "uploads").rglob("*"):  # a killed write may leave a temp file, never a half file
        if path.is_file() and not path.name.startswith(".tmp-"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.parent.name + path.name


def _roster_ids(world: World, code: str = SCHOOL) -> list[str]:
    return [r[0] for r in world.db.execute("SELECT citizen_id FROM pupils WHERE unit_code = ? ORDER BY row_no", [code])]


def _refused_503(resp: Any, code: str) -> None:
    body = resp.get_json()
    assert resp.status_code == 503, (resp.status_code, body)
    assert (body["error"] == code and "ลองใหม่" in body["message"]) or "ผู้ดูแลระบบ" in body["message"]
    assert int(resp.headers["Retry-After"]) > 0


def test_disk_full_when_keeping_the_file_is_503_and_the_old_roster_stays(world: World, monkeypatch: Any) -> None:
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=20)).status_code == 200
    before = _roster_ids(world)
    real_fdopen = __import__("os").fdopen

    class FullFile:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> FullFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])  # half of it reached the disk, then ENOSPC
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("server.domain.uploads.os.fdopen", lambda fd, mode: FullFile(real_fdopen(fd, mode)))
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=30, seed=5))
    _refused_503(resp, "storage_full")
    monkeypatch.undo()
    assert _roster_ids(world) == before
    files = world.app.config["FILES_DIR"]
    assert not list(Path(files).rglob(".tmp-*")), "a half-written temp file was left behind"
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=30, seed=5)).status_code == 200


def test_database_full_mid_store_is_503_and_nothing_half_written(world: World, monkeypatch: Any) -> None:
    """SQLite's own "database or disk is full", raised inside the roster's transaction."""
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=20)).status_code == 200
    before = _roster_ids(world)
    uploads_before = world.db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0]
    real_connect = server_db.connect

    def small_disk(path: Any, busy_timeout_ms: int = 30_000) -> Any:
        conn = real_connect(path, busy_timeout_ms)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # room for the file row, not for 2,000 pupils
        return conn

    monkeypatch.setattr(server_db, "connect", small_disk)
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=2000, seed=3))
    monkeypatch.undo()
    _refused_503(resp, "storage_full")
    assert _roster_ids(world) == before
    assert world.db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0] == uploads_before
    assert world.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_database_locked_is_503_with_retry_after(world: World) -> None:
    world.app.config["DB_BUSY_TIMEOUT_MS"] = 200
    headers = world.headers(SCHOOL)  # log in before the lock (a login writes too)
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=20)).status_code == 200
    before = _roster_ids(world)
    holder = server_db.connect(world.app.config["DB_PATH"])
    holder.execute("BEGIN EXCLUSIVE")
    try:
        resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=25, seed=9))
        _refused_503(resp, "database_busy")
        resp = world.client.post(f"/api/v1/rounds/{loadrun.ROUND}/units/{SCHOOL}/confirm", headers=headers)
        _refused_503(resp, "database_busy")
        assert (
            world.client.get(f"/api/v1/rounds/{loadrun.ROUND}/units/{SCHOOL}/status", headers=headers).status_code
            == 200
        )  # readers are never blocked (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _roster_ids(world) == before
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=25, seed=9)).status_code == 200
    assert len(_roster_ids(world)) == 25


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MiB tmpfs: a real full disk (needs root; skipped where mounting is not allowed)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk(tiny_disk: Path) -> None:
    """`lec serve` on a tmpfs that fills up: 503 storage_full, the old roster whole, serving on after."""
    data = tiny_disk / "data"
    plan = loadrun.make_plan(1, 1000, variants=2, workers=1)
    loadrun.install(data, plan)
    code = plan.institutions[0]
    with loadrun.LiveServer(data) as server:
        client = loadrun.Client(server.base, code, loadrun.Outcome())
        assert client.upload(code, plan.books[code][0]).status_code == 200
        filler = tiny_disk / "filler"
        with open(filler, "wb", buffering=0) as fh:  # unbuffered: close has nothing left to flush
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError as err:
                assert err.errno == errno.ENOSPC
        resp = client.upload(code, plan.books[code][1])
        assert resp.status_code == 503 and resp.json()["error"] == "storage_full", server.log()[-3000:]
        assert "Retry-After" in resp.headers
        filler.unlink()
        assert client.status(code)["upload"]["sha256"] == plan.sha(code, 0)
        assert client.upload(code, plan.books[code][1]).status_code == 200
    conn = sqlite3.connect(data / "lec.db")
    ids = {r[0] for r in conn.execute("SELECT citizen_id FROM pupils WHERE unit_code = ?", [code])}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert ids == plan.ids[plan.sha(code, 1)]
