"""A live LEC Sheets server on 127.0.0.1 for the add-in's end-to-end tests.

The app is core's `create_app` on a temporary data dir, served by waitress in a thread on a free port;
the registry and the round are the server tests' (tests/server/serverkit.py); the accounts are made
with the server's own service functions, and each account is made ready (first login, profile, new
password) through the HTTP API, as a clerk would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

# The server tests' registry (Phayao, plus Chiang Rai for out-of-scope units) and round 2567-2.
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, ROUND, ROUND_TIMES, registry_rows
from waitress import wasyncore
from waitress.server import create_server

from addin.client import ApiClient
from server.domain import accounts, registry, rounds
from server.storage import db
from server.web.app import create_app


@dataclass
class Live:
    app: Flask
    url: str
    first_passwords: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def ready(self, login: str) -> ApiClient:
        """A logged-in client for `login`, its first-login profile done once."""
        if login not in self.tokens:
            client = ApiClient(self.url)
            body = client.login(login, self.first_passwords[login])
            if body["must_complete_profile"]:
                client.complete_profile(first_name=f"ชื่อ{login}", last_name="ทดสอบ", position="ธุรการ",
                                        phone="0812345678", new_password=PASSWORD)  # fmt: skip
            self.tokens[login] = client.token or ""
        return ApiClient(self.url, self.tokens[login])


def make_app(data_dir: Path) -> tuple[Flask, dict[str, str]]:
    app = create_app({"DATA_DIR": data_dir, **FAST_HASH, "NOW": OPEN_TIME})
    conn = db.connect(app.config["DB_PATH"])
    try:
        result = registry.import_rows(conn, registry_rows())
        assert not result.errors, result.errors
        rounds.create_round(conn, ROUND, **ROUND_TIMES)
        passwords = dict(accounts.issue_accounts(conn))
    finally:
        conn.close()
    return app, passwords


@contextmanager
def live_server(data_dir: Path) -> Iterator[Live]:
    app, passwords = make_app(data_dir)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    port = server.effective_port  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Live(app, f"http://127.0.0.1:{port}", passwords)
    finally:
        server.close()
        # Keep-alive connections of the clients' sessions would keep waitress' loop running for minutes.
        wasyncore.close_all(server._map)  # type: ignore[attr-defined]
        server.task_dispatcher.shutdown()  # type: ignore[attr-defined]
        thread.join(timeout=5)
