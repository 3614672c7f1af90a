"""`lec registry import`, `lec users issue/admin/reset`, `lec round create/list/exception`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from serverkit import REGISTRY, ROUND_TIMES

from server.cli import main
from server.storage import db


@pytest.fixture
def runner(tmp_path: Path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("LEC_DATA_DIR", str(tmp_path / "var"))
    return CliRunner()


def write_registry(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "parent", "kind"])
        w.writerows(rows)
    return path


def test_registry_users_and_round(runner: CliRunner, tmp_path: Path) -> None:
    bad = write_registry(
        tmp_path / "bad.csv", [("56", "พะเยา", "", "province"), ("3056900001", "ผิด", "02560001", "school")]
    )
    r = runner.invoke(main, ["registry", "import", str(bad)])
    assert r.exit_code == 1 and "แถว 3" in r.output
    conn = db.open_db(tmp_path / "var" / "lec.db")
    assert conn.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 0  # all or nothing

    # children before parents in the file is fine
    good = write_registry(tmp_path / "units.csv", list(reversed(REGISTRY)))
    r = runner.invoke(main, ["registry", "import", str(good)])
    assert r.exit_code == 0, r.output
    assert conn.execute("SELECT COUNT(*) FROM units").fetchone()[0] == len(REGISTRY)
    r = runner.invoke(main, ["registry", "import", str(good)])
    assert r.exit_code == 0 and f"แก้ไข {len(REGISTRY)}" in r.output

    out = tmp_path / "accounts.csv"
    r = runner.invoke(main, ["users", "issue", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {row["login"] for row in rows} == {c for c, _, _, kind in REGISTRY if kind != "other_school"}
    assert all(len(row["password"]) >= 12 for row in rows)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    r = runner.invoke(main, ["users", "issue", "--out", str(tmp_path / "again.csv")])
    assert "ออกบัญชีใหม่ 0 บัญชี" in r.output

    r = runner.invoke(main, ["users", "admin", "dla.admin"])
    assert r.exit_code == 0 and r.output.startswith("dla.admin,")
    assert conn.execute("SELECT role FROM users WHERE login = 'dla.admin'").fetchone()[0] == "admin"
    r = runner.invoke(main, ["users", "admin", "56"])
    assert r.exit_code == 1

    args = [
        "round",
        "create",
        "2567-2",
        "--as-of",
        ROUND_TIMES["as_of"],
        "--opens",
        ROUND_TIMES["opens"],
        "--institution-deadline",
        ROUND_TIMES["institution_deadline"],
        "--lao-deadline",
        ROUND_TIMES["lao_deadline"],
        "--province-deadline",
        ROUND_TIMES["province_deadline"],
        "--closes",
        "2024-11-12T17:00",
    ]
    r = runner.invoke(main, args)
    assert r.exit_code == 0 and "12 พ.ย. 2567 17:00 น." in r.output, r.output
    r = runner.invoke(main, args)
    assert r.exit_code == 1 and "round_exists" in r.output
    # a correction window needs a confirmed round to take its allocation basis from (none is confirmed yet)
    r = runner.invoke(main, [*args[:2], "2567-3", *args[3:], "--mode", "correction"])
    assert r.exit_code == 1 and "no_basis" in r.output
    r = runner.invoke(main, ["round", "list"])
    assert "2567-3" not in r.output

    r = runner.invoke(
        main, ["round", "exception", "2567-2", "3056100001", "--until", "2099-01-01", "--reason", "ทดสอบ"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["users", "reset", "3056100001", "--reason", "เปลี่ยนผู้รับผิดชอบ"])
    assert r.exit_code == 0 and r.output.startswith("3056100001,")
    actions = [a[0] for a in conn.execute("SELECT action FROM audit ORDER BY id")]
    assert actions[:2] == ["registry_import", "registry_import"]
    assert {"users_issue", "admin_create", "round_create", "exception", "account_reset"} <= set(actions)
