"""The books open in LibreOffice without repair; `lec consolidate` writes the same book."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from consolidate_kit import NOW

from server.books import write_book
from server.cli import main
from server.storage import clock, db


def _soffice(args: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    profile = f"file:///tmp/lo-lec-{uuid.uuid4().hex}"
    try:
        return subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", *args],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("code", ("56", "TH"))
def test_libreoffice_converts_the_book(demo_dir: tuple[Path, str], tmp_path: Path, code: str) -> None:
    data_dir, round_id = demo_dir
    conn = db.connect(data_dir / "lec.db")
    try:
        book = write_book(conn, round_id, code, tmp_path / f"book-{code}.xlsx", now=clock.parse_datetime(NOW))
    finally:
        conn.close()
    out = tmp_path / "out"
    out.mkdir()
    # UTF-8 CSV of the first sheet: LibreOffice must read the file, and the BE dates and Thai text survive
    done = _soffice(
        ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), str(book)], tmp_path
    )
    assert done.returncode == 0, done.stderr
    text = (out / f"book-{code}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0].startswith("สรุปจำนวนนักเรียนและเด็กเล็ก")
    assert any(r and r[0] == "รวม" for r in rows)
    # a round trip to xlsx: LibreOffice writes a file of its own from ours, which means it parsed all of it
    done = _soffice(["--convert-to", "xlsx", "--outdir", str(out), str(book)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / f"book-{code}.xlsx").stat().st_size > 5_000
    assert "repair" not in (done.stdout + done.stderr).lower()


def test_cli_consolidate(demo_dir: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, round_id = demo_dir
    monkeypatch.setenv("LEC_NOW", NOW)
    out = tmp_path / "lao.xlsx"
    result = CliRunner().invoke(
        main, ["consolidate", "04560101", "--round", round_id, "--out", str(out), "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and out.read_bytes()[:2] == b"PK"
    result = CliRunner().invoke(
        main,
        [
            "consolidate",
            "3056200101",
            "--round",
            round_id,
            "--out",
            str(tmp_path / "x.xlsx"),
            "--data-dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 1
    assert not os.path.exists(tmp_path / "x.xlsx")
