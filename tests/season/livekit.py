"""A live server for the season tests: the real app under waitress on an ephemeral port, and `lec` as a child
process on the same data dir (the console of the same installation)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import waitress
from serverkit import FAST_HASH, OPEN_TIME, World, make_world

from server.storage import db
from server.web.app import create_app


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, World]]:
    app = create_app({"DATA_DIR": tmp_path / "data", **FAST_HASH, "NOW": OPEN_TIME})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", world
    stop.set()
    thread.join(timeout=5)


def lec(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEC_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-c", "from server.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
