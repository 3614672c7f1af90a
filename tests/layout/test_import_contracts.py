"""The layout is a test: the import-linter contracts in pyproject.toml hold, and break on a wrong import.

The broken cases run `lint-imports` on a copy of the product packages with one import added, so the
contracts are shown to catch the very imports ARCHITECTURE.md forbids (not merely to pass today).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("validators", "workbook_templates", "addin", "server")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_contracts_hold_on_the_tree() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("server/domain/scope.py", "from server.web import auth", "Server layers"),
        ("server/storage/db.py", "from server.domain import audit", "Server layers"),
        ("addin/actions.py", "import server.domain.chain", "Product layers"),
        ("validators/fields.py", "import workbook_templates.meta", "The rules import nothing of ours"),
        ("server/domain/chain.py", "import flask", "HTTP stays in the web layer"),
        ("server/web/api.py", "from server.web import pages", "The web routes do not import one another"),
        ("server/domain/registry.py", "from server.domain import rounds", "No import circles"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), result.stdout
