"""Issue 10, item 6: GET /api/v1/audit is exactly the audit page (logins included, the person by name and
position), `limit` is bounded, and console commands record who ran them."""

from __future__ import annotations

import csv
import getpass
import json
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from serverkit import PASSWORD, REGISTRY, ROUND, ROUND_TIMES, World

from server.cli import main
from server.storage import db


def page_ids(client: FlaskClient, query: str = "") -> list[int]:
    html = client.get(f"/audit{query}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'<tr[^>]*data-id="(\d+)"', html)]


def web_client(world: World, login: str) -> FlaskClient:
    c = world.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").get_data(as_text=True)).group(1)
    assert c.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return c


def test_the_api_returns_exactly_what_the_page_shows(world: World) -> None:
    world.fill("3056200001")
    world.headers("3056500001")
    world.client.post("/api/v1/token", json={"login": "3056500001", "password": "wrong"})  # a refused login
    assert world.confirm("3056200001").status_code == 200
    world.headers("05560101")
    lao = web_client(world, "05560101")
    for query in (
        "",
        "?action=login",
        "?unit=3056500001",
        "?who=3056200001",
        f"?round={ROUND}",
        "?date_from=01/11/2567&date_to=2024-11-01",
        "?action=confirm&unit=3056200001",
    ):
        shown = page_ids(lao, query)
        sep = "&" if query else "?"
        entries = world.get("05560101", f"/audit{query}{sep}limit=500".replace("?&", "?")).get_json()["entries"]
        assert [e["id"] for e in entries] == shown, query
    everything = world.get("05560101", "/audit").get_json()["entries"]
    logins = [e for e in everything if e["action"] == "login"]
    assert {e["login"] for e in logins} >= {"3056200001", "3056500001", "05560101"}  # the old API had none
    refused = next(e for e in logins if e["outcome"] == "refused")
    assert refused["login"] == "3056500001" and refused["unit_code"] == "3056500001"
    confirm = next(e for e in everything if e["action"] == "confirm")
    assert confirm["person"] == "ชื่อ3056200001 ทดสอบ" and confirm["position"] == "นักวิชาการศึกษา"
    assert all("profile_id" not in e and "user_id" not in e for e in everything)


@pytest.mark.parametrize("limit", ["-1", "0", "5001", "abc", "1.5", "1e3", " "])
def test_limit_is_bounded(world: World, limit: str) -> None:
    r = world.get("56", f"/audit?limit={limit}")
    if limit == " ":  # blank means the default
        assert r.status_code == 200
        return
    assert r.status_code == 400 and r.get_json()["error"] == "bad_limit"
    assert "ตั้งแต่ 1 ถึง 5,000" in r.get_json()["message"]


def test_limit_within_bounds(world: World) -> None:
    world.fill("3056200001")
    assert len(world.get("dla", "/audit?limit=1").get_json()["entries"]) == 1
    assert len(world.get("dla", "/audit?limit=5000").get_json()["entries"]) > 1
    r = world.get("dla", "/audit?date_from=31/02/2567")
    assert r.status_code == 400 and r.get_json()["error"] == "bad_date"


def _write(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "parent", "kind"])
        writer.writerows(rows)
    return path


def test_console_commands_record_who_ran_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEC_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    me = f"{getpass.getuser()}@{socket.gethostname()}"
    units = _write(tmp_path / "units.csv", list(REGISTRY))
    steps = [
        ["registry", "import", str(units), "--by", "สมชาย ใจดี"],
        ["users", "issue", "--out", str(tmp_path / "accounts.csv")],
        [
            "round",
            "create",
            ROUND,
            *[x for k, v in ROUND_TIMES.items() for x in (f"--{k.replace('_', '-')}", v)],
            "--closes",
            "2099-12-31T17:00",
            "--by",
            "ผอ.กอง",
        ],
        ["round", "exception", ROUND, "3056200001", "--until", "2099-12-01T17:00", "--reason", "ไฟดับ", "--by", "สมหญิง"],
    ]
    for args in steps:
        r = runner.invoke(main, args)
        assert r.exit_code == 0, (args, r.output)
    conn = db.open_db(tmp_path / "var" / "lec.db")
    records = {
        row["action"]: (row["login"], json.loads(row["detail"])["by"])
        for row in conn.query(
            "SELECT action, login, detail FROM audit WHERE action IN"
            " ('registry_import', 'users_issue', 'round_create', 'exception')"
        )
    }
    assert records == {
        "registry_import": ("cli", f"สมชาย ใจดี ({me})"),
        "users_issue": ("cli", me),
        "round_create": ("cli", f"ผอ.กอง ({me})"),
        "exception": ("cli", f"สมหญิง ({me})"),
    }
