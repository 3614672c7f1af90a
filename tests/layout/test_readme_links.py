"""The README and docs stand on their own in a fresh clone: no path outside the repository, every
relative link a file of the repository, and the Makefile's demo and bench targets as the README says."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("../shared", "design.md", "domain.md", "/work/")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _docs() -> list[Path]:
    return [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_no_doc_points_outside_the_repository() -> None:
    found = [
        (p.name, n, word)
        for p in _docs()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        for word in OUTSIDE
        if word in line
    ]
    assert not found, found


def test_every_relative_link_is_a_file_of_the_repository() -> None:
    broken = []
    for p in _docs():
        for target in _LINK.findall(p.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (p.parent / target).resolve().exists():
                broken.append((p.name, target))
    assert not broken, broken


def test_readme_points_to_the_letters_page() -> None:
    assert "(docs/letters.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    letters = (ROOT / "docs" / "letters.md").read_text(encoding="utf-8")
    for number in ("พย ๐๐๒๓.๓/ว ๑๐๖๖๑", "มส ๐๐๒๓.๓/ว ๕๖๑๑", "ลย ๐๐๒๓.๓/ว ๔๔", "พร ๐๐๒๓.๓/ว ๒๕๖๓", "กบ ๐๐๒๓.๓/ว ๒๕๖๙"):
        assert number in letters


def _dry_run(*args: str) -> str:
    return subprocess.run(["make", "-n", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def test_make_demo_takes_port_and_data_dir() -> None:
    out = _dry_run("demo", "PORT=8123", "DATA=/tmp/lec-demo-x")
    assert "lec demo --data-dir /tmp/lec-demo-x" in out and "--port 8123" in out


def test_make_bench_writes_an_ignored_file_and_bench_docs_the_tracked_one() -> None:
    assert "--report build/benchmarks.md" in _dry_run("bench")
    assert "--report docs/benchmarks.md" in _dry_run("bench-docs")
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", "build/benchmarks.md"], check=False)
    assert ignored.returncode == 0
