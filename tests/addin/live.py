"""A live LEC Sheets server on 127.0.0.1 for the add-in's end-to-end tests.

The app is core's `create_app` on a temporary data dir, served by waitress in a thread on a free port;
the registry, the round and the accounts are made with the server's own service functions, and each
account is made ready (first login, profile, new password) through the HTTP API, as a clerk would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

from addin.client import ApiClient
from server import accounts, db, registry, rounds
from server.app import create_app

REGISTRY = [
    ("56", "จังหวัดพะเยา", "", "province"),
    ("05560101", "เทศบาลตำบลบ้านต๋อม", "56", "subdistrict"),
    ("3056200001", "โรงเรียนเทศบาลบ้านต๋อม", "05560101", "school"),
    ("3056500001", "ศูนย์พัฒนาเด็กเล็กเทศบาลตำบลบ้านต๋อม", "05560101", "cdc"),
    ("02560001", "องค์การบริหารส่วนจังหวัดพะเยา", "56", "pao"),
    ("3056100001", "โรงเรียนพะเยาพิทยาคม อบจ.", "02560001", "school"),
]
ROUND = "2567-2"
ROUND_TIMES = {
    "as_of": "2024-11-10",
    "opens": "2024-10-01T00:00",
    "institution_deadline": "2024-11-11T17:00",
    "lao_deadline": "2024-11-11T17:00",
    "province_deadline": "2024-11-12T17:00",
}
OPEN_TIME = "2024-11-01T10:00:00+07:00"
PASSWORD = "ใหม่-Secret-2567"
FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


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
        rows = [dict(zip(("code", "name", "parent", "kind"), r, strict=True)) for r in REGISTRY]
        result = registry.import_rows(conn, rows)
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
