"""Forty parallel wrong passwords against a live server get no more password checks than forty serial ones.

Why live: the race is between request threads, each with its own SQLite connection, exactly as waitress
runs them on deadline day. The old check read the failure count, then spent the argon2 time, then
recorded: parallel tries all passed the check first (11-12 of 40 were checked instead of 5).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import waitress
from serverkit import OPEN_TIME, World, make_world

from server.storage import db
from server.web.app import create_app

pytestmark = pytest.mark.live
SLOWER_HASH = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 8192, "ARGON2_PARALLELISM": 1}
"""Slow enough (tens of ms) that requests overlap while a password is being checked, as in production."""
TRIES = 40


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, World]]:
    app = create_app({"DATA_DIR": tmp_path / "data", **SLOWER_HASH, "NOW": OPEN_TIME})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/api/v1", world
    stop.set()
    thread.join(timeout=5)


def _checked(world: World, login: str) -> int:
    """Password checks actually made: every wrong password that got past the guard is audited as such."""
    return len(world.audit(action="login", login=login, code="bad_credentials"))


def test_parallel_tries_get_no_more_checks_than_serial(live: tuple[str, World]) -> None:
    base, world = live

    def attempt(login: str) -> int:
        return requests.post(f"{base}/token", json={"login": login, "password": "guess"}, timeout=60).status_code

    serial = [attempt("02560001") for _ in range(TRIES)]
    with ThreadPoolExecutor(max_workers=TRIES) as pool:
        parallel = list(pool.map(attempt, ["05560101"] * TRIES))
    free = world.app.config["LOGIN_MAX_FAILURES"]
    assert _checked(world, "02560001") == free
    assert _checked(world, "05560101") == free
    assert sorted(serial) == sorted(parallel) == [401] * free + [429] * (TRIES - free)
    # every refusal is on the record too
    assert len(world.audit(action="login", login="05560101", code="rate_limited")) == TRIES - free
