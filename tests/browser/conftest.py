"""A real server (waitress, in a thread, on a free 127.0.0.1 port) on the small demo, and Debian's Chromium.

Why waitress and not Flask's test client: these tests are about what a person sees and clicks in a
real browser, cookies, redirects, file uploads and all.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make browserkit importable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    round_id: str
    app: Any


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from waitress import create_server

    from server.tools.demo import SMALL_SPEC, build_demo
    from server.web.app import create_app

    info = build_demo(tmp_path_factory.mktemp("browser") / "data", spec=SMALL_SPEC, overrides=FAST_HASH)
    app = create_app({"DATA_DIR": info.data_dir, **FAST_HASH})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.effective_port}", info.data_dir, info.round_id, app)
    finally:
        server.close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
