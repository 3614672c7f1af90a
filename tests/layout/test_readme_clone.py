"""The README's "From a fresh clone" commands, run as written in a fresh clone of the repository.

Why a real clone: a newcomer has only what is committed: no .venv, no var/, no build/, none of the files
`.gitignore` hides. The commands are read from the README itself (the fenced block after the
`readme-test:fresh-clone` marker), so the README cannot drift from what is tested: set-up (`make venv`:
pip installs from the registry into a new .venv, using pip's cache), the demo built without serving,
`lec round current`, one pre-filled template, one `lec validate` and one `lec consolidate`.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
MARK = "<!-- readme-test:fresh-clone"


def readme_block() -> str:
    """The shell block that follows the marker (its first fenced block)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(MARK)
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block, "no fenced sh block after the fresh-clone marker"
    return block.group(1)


def test_the_block_uses_only_make_and_the_venv() -> None:
    """Every `lec` in the block is `.venv/bin/lec`: a newcomer has no `lec` on the PATH."""
    commands = [line.split("#")[0] for line in readme_block().splitlines()]
    bare = [c for c in commands if re.search(r"(?<![/\w])lec\b", c)]
    assert not bare, bare
    assert commands[0].split() == ["make", "venv"]


def test_readme_commands_run_in_a_fresh_clone(tmp_path: Path) -> None:
    from server.tools.demo import demo_round

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    assert not (clone / ".venv").exists() and not (clone / "var").exists()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not k.startswith(("LEC_", "MAKE"))
    }
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if "/.venv/" not in p)
    script = "set -euo pipefail -x\n" + readme_block() + '\necho "ROUND=$ROUND"\n'
    done = subprocess.run(
        ["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=1500, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

    expected, _census = demo_round(datetime.now().astimezone())
    assert f"ROUND={expected}" in done.stdout
    assert "ผ่าน: ส่งเข้าระบบได้" in done.stdout  # lec validate's verdict on the demo school's roster
    assert (clone / ".venv" / "bin" / "lec").exists()
    book = openpyxl.load_workbook(clone / f"phayao-{expected}.xlsx", read_only=True)
    assert len(book.sheetnames) > 3
    book.close()
