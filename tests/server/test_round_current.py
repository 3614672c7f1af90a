"""`lec round current`: the round the README's examples (and a login) start from."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from serverkit import ROUND_TIMES

from server.cli import main


def _create(runner: CliRunner, round_id: str, **times: str) -> None:
    args = ["round", "create", round_id]
    for key, value in {**ROUND_TIMES, **times}.items():
        args += [f"--{key.replace('_', '-')}", value]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output


def test_current_round_open_else_newest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEC_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    empty = runner.invoke(main, ["round", "current"])
    assert empty.exit_code == 1 and "ยังไม่มีรอบ" in empty.output and empty.stdout == ""

    _create(runner, "2567-2")
    _create(runner, "2568-1", as_of="2025-06-10", opens="2025-05-16T00:00", institution_deadline="2025-06-20",
            lao_deadline="2025-06-24", province_deadline="2025-06-27")  # fmt: skip
    for now, expected in (
        ("2024-11-01T10:00:00+07:00", "2567-2"),  # 2567-2 open, 2568-1 not yet
        ("2025-01-15T10:00:00+07:00", "2568-1"),  # neither open: the newest
        ("2025-06-01T10:00:00+07:00", "2568-1"),  # 2568-1 open
    ):
        monkeypatch.setenv("LEC_NOW", now)
        done = runner.invoke(main, ["round", "current"])
        assert (done.exit_code, done.stdout) == (0, expected + "\n"), now
