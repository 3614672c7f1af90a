"""What the code knows is written from the code: the README's demo logins, docs/rules.md and
ARCHITECTURE.md's module map cannot drift."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from server.cli import main
from server.cli.docs import module_map, render_readme
from server.tools.demo import DEMO_SPEC, _fresh, _logins

ROOT = Path(__file__).parents[2]


def test_the_readme_and_the_rule_list_are_what_the_code_writes() -> None:
    result = CliRunner().invoke(main, ["docs", "--check", "--readme", str(ROOT / "README.md"),
                                       "--rules", str(ROOT / "docs" / "rules.md"),
                                       "--architecture", str(ROOT / "ARCHITECTURE.md")])  # fmt: skip
    assert result.exit_code == 0, result.output


def test_every_login_the_demo_prints_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for login in _logins(DEMO_SPEC, _fresh(DEMO_SPEC)):
        assert f"| `{login.login}` | `{login.password}` |" in readme, login.login


def test_a_drifted_table_is_caught() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    drifted = readme.replace("| `56` | `demo-phayao` |", "| `56` | `old-password` |")
    assert drifted != readme and render_readme(drifted) == readme


def test_the_module_map_lists_every_module_with_its_docstring(tmp_path: Path) -> None:
    """A module added to a package appears in the map with its docstring's first sentence; one without
    a docstring says so (so the map cannot silently skip it)."""
    pkg = tmp_path / "server" / "domain"
    pkg.mkdir(parents=True)
    (pkg / "ledger.py").write_text('"""Keeps the ledger. Why: a longer story."""\n', encoding="utf-8")
    (pkg / "bare.py").write_text("X = 1\n", encoding="utf-8")
    text = module_map(tmp_path)
    assert "**`server/domain/`**" in text
    assert "| `ledger` | Keeps the ledger. |" in text
    assert "| `bare` | (no docstring) |" in text
    real = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for path in (ROOT / "server" / "domain").glob("*.py"):
        assert f"| `{path.stem}` |" in real or path.stem == "__init__", path
