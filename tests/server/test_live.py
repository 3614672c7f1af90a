"""A few checks against a live server on 127.0.0.1: waitress in a thread, and `lec serve` itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import waitress
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, ROUND, World, make_world

from server.storage import db
from server.web.app import create_app

pytestmark = pytest.mark.live


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, World]]:
    app = create_app({"DATA_DIR": tmp_path / "data", **FAST_HASH, "NOW": OPEN_TIME})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    stop = threading.Event()

    def serve() -> None:  # waitress's own loop, stoppable: closing from outside races its select()
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/api/v1", world
    stop.set()
    thread.join(timeout=5)


def ready(base: str, world: World, login: str) -> dict[str, str]:
    token = requests.post(
        f"{base}/token", json={"login": login, "password": world.passwords[login]}, timeout=10
    ).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    r = requests.post(
        f"{base}/me/profile",
        headers=h,
        timeout=10,
        json={
            "first_name": "ผู้ใช้",
            "last_name": login,
            "position": "ครู",
            "phone": "0800000000",
            "new_password": PASSWORD,
        },
    )
    assert r.status_code == 200
    return h


def test_live_upload_and_chain(live: tuple[str, World]) -> None:
    base, world = live
    assert requests.get(f"{base}/openapi.json", timeout=10).json()["info"]["title"] == "LEC Sheets API"
    assert requests.get(f"{base}/rounds", timeout=10).status_code == 401
    school, lao = ready(base, world, "3056100001"), ready(base, world, "02560001")
    data = world.workbook("3056100001", n=40)
    r = requests.post(
        f"{base}/rounds/{ROUND}/units/3056100001/workbook",
        headers=school,
        timeout=30,
        files={"file": ("roster.xlsx", data)},
    )
    assert r.status_code == 200 and r.json()["rows"] == 40
    r = requests.post(f"{base}/rounds/{ROUND}/units/02560001/confirm", headers=lao, timeout=10)
    assert r.status_code == 409 and r.json()["error"] == "institutions_unconfirmed"
    assert "ยัง" in r.json()["message"]
    r = requests.post(f"{base}/rounds/{ROUND}/units/3056100001/confirm", headers=school, timeout=10)
    assert r.status_code == 200
    r = requests.get(f"{base}/rounds/{ROUND}/units/02560001/status", headers=lao, timeout=10)
    assert r.json()["children"][0]["state"] == "confirmed"


def test_live_concurrent_uploads_lose_nothing(live: tuple[str, World]) -> None:
    """Several clients upload at once: every upload is stored whole, one after another."""
    base, world = live
    codes = ("3056100001", "3056200001", "3056500001", "3057300001")
    heads = {c: ready(base, world, c) for c in codes}
    files = {c: world.workbook(c, n=60, seed=i) for i, c in enumerate(codes)}
    results: dict[str, int] = {}

    def send(code: str) -> None:
        r = requests.post(
            f"{base}/rounds/{ROUND}/units/{code}/workbook",
            headers=heads[code],
            timeout=60,
            files={"file": ("r.xlsx", files[code])},
        )
        results[code] = r.status_code

    threads = [threading.Thread(target=send, args=(c,)) for c in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == dict.fromkeys(codes, 200)
    counts = dict(world.db.execute("SELECT unit_code, COUNT(*) FROM pupils GROUP BY unit_code").fetchall())
    assert counts == dict.fromkeys(codes, 60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lec_serve(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "LEC_DATA_DIR": str(tmp_path / "var")}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "lec"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "lec serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200
        assert (tmp_path / "var" / "lec.db").exists() and (tmp_path / "var" / "secret_key").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
