"""The hostile corpus (tests/deadline/hostile.py) against a live `lec serve` and through `lec validate`.

Every file must be refused with a 4xx (exit 1 from the CLI), the server must answer a status request
between them and accept a good upload after all of them, nothing may be stored from them, and the
server's peak memory stays bounded: each is written to build/hostile-corpus.json for a person to read.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hostile import corpus

from server.tools import loadrun

REPORT = Path(__file__).parents[2] / "build" / "hostile-corpus.json"
SERVER_PEAK_LIMIT_MB = 1024
"""The server process never parses a workbook itself (workers do), so its peak stays far below this."""


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[loadrun.Plan, list[tuple[str, bytes]]]:
    plan = loadrun.make_plan(1, 30, variants=1, workers=1)
    code = plan.institutions[0]
    files = corpus(plan.books[code][0])
    assert len(files) >= 200
    return plan, files


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _write_report(section: str, body: dict[str, object]) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[section] = body
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=1))


@pytest.mark.live
def test_a_live_server_refuses_every_hostile_file_and_serves_on(
    made: tuple[loadrun.Plan, list], tmp_path: Path
) -> None:
    plan, files = made
    code = plan.institutions[0]
    data = tmp_path / "data"
    loadrun.install(data, plan)
    answers: dict[str, tuple[int, str]] = {}
    with loadrun.LiveServer(data, env={"LEC_WORKER_MEMORY_MB": "1536", "LEC_WORKER_SECONDS": "60"}) as server:
        client = loadrun.Client(server.base, code, loadrun.Outcome())
        for i, (name, body) in enumerate(files):
            resp = client.upload(code, body)
            error = resp.json().get("errors", [{}])[0].get("code", resp.json().get("error", "")) if resp.content else ""
            answers[name] = (resp.status_code, error)
            if i % 25 == 0:  # someone else's status request is answered in between
                assert client.call("status", "GET", f"/rounds/{loadrun.ROUND}/units/{code}/status").status_code == 200
        assert server.proc is not None and server.proc.poll() is None, server.log()[-3000:]
        peak = _peak_mb(server.proc.pid)
        good = client.upload(code, plan.books[code][0])
        assert good.status_code == 200, good.text[:500]
    wrong = {n: a for n, a in answers.items() if not 400 <= a[0] < 500}
    assert wrong == {}, wrong
    conn = sqlite3.connect(data / "lec.db")
    uploads = conn.execute("SELECT COUNT(*) FROM uploads").fetchone()[0]
    conn.close()
    assert uploads == 1  # only the good file after the corpus was accepted
    assert peak < SERVER_PEAK_LIMIT_MB, f"server peak {peak:.0f} MB"
    _write_report("live_server", {
        "files": len(files), "server_peak_mb": round(peak, 1),
        "statuses": dict(Counter(str(s) for s, _ in answers.values())),
        "errors": dict(Counter(e for _, e in answers.values())),
        "answers": {n: list(a) for n, a in answers.items()},
    })  # fmt: skip


def test_lec_validate_refuses_every_hostile_file(made: tuple[loadrun.Plan, list], tmp_path: Path) -> None:
    _plan, files = made
    paths = []
    for i, (_name, body) in enumerate(files):
        path = tmp_path / f"{i:03d}.xlsx"
        path.write_bytes(body)
        paths.append(path)
    code = "from server.cli import main; main()"
    run = subprocess.run([sys.executable, "-c", code, "validate", "--json", *map(str, paths)],
                         capture_output=True, timeout=900)  # fmt: skip
    assert run.returncode == 1, run.stderr[-3000:]
    reports = json.loads(run.stdout)["files"]
    assert len(reports) == len(files)
    passed = [files[int(Path(r["file"]).stem)][0] for r in reports if not r["errors"]]
    assert passed == []
    codes = Counter(r["errors"][0]["code"] for r in reports)
    # the far cells that aborted the process are refused for the right reason, before calamine
    far = [r for r in reports if files[int(Path(r["file"]).stem)][0].startswith("far-")]
    assert {r["errors"][0]["code"] for r in far} <= {"WORKBOOK_TOO_WIDE", "WORKBOOK_TOO_MANY_ROWS"}, far[:3]
    _write_report("lec_validate", {"files": len(files), "errors": dict(codes)})
