"""`lec rules` and `lec docs`: the rule catalogue (docs/rules.md), the README's generated tables and
ARCHITECTURE.md's module map.

What the code knows is written from the code: the rule list, the demo's logins in the README (between
`<!-- generated:demo-logins -->` markers) and the map of every module with its docstring's first line in
ARCHITECTURE.md (`<!-- generated:module-map -->`), so a module added or renamed shows up in the map by
itself. `lec docs --check` (run by the tests) fails when any of them has drifted.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import click

# Modules outside validators that declare rules of their own (workbook-level and server-only checks).
RULE_MODULES = ("workbook_templates.errors", "server.domain.upload_rules")


def full_catalogue() -> str:
    """Markdown of every rule any layer declares."""
    for name in RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a layer not built yet declares nothing
            if exc.name != name:
                raise
    from validators.catalogue import render_markdown

    return render_markdown({"workbook": "แฟ้มงาน (Workbook)", "server": "ตรวจที่เซิร์ฟเวอร์ (Server checks)"})


@click.command("rules")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write the Markdown here")
@click.option("--check", is_flag=True, help="exit 1 if --out differs from the code")
def rules_command(out: Path | None, check: bool) -> None:
    """List every validation rule (code, severity, Thai message, meaning) as Markdown."""
    text = full_catalogue()
    if out is None:
        click.echo(text)
    elif check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            click.echo(f"{out} is out of date: run `lec rules --out {out}`", err=True)
            sys.exit(1)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")


BLOCK = re.compile(r"(<!-- generated:(?P<name>[a-z-]+) [^>]*-->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S)


def generated_blocks() -> dict[str, str]:
    """Name -> Markdown of each README block that comes from the code."""
    from server.tools.demo import logins_markdown

    return {"demo-logins": logins_markdown(), "module-map": module_map()}


PACKAGES = ("validators", "workbook_templates", "addin", "server")
ROOT = Path(__file__).resolve().parents[2]


def _summary(path: Path) -> str:
    """The first sentence of a module's docstring (its first paragraph when that has no full stop), read
    without importing the module (ast), on one line with pipes escaped for the table."""
    doc = (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()
    if not doc:
        return "(no docstring)"
    para = " ".join(doc.split("\n\n")[0].split())
    end = para.find(". ")
    return (para[: end + 1] if end > 0 else para).replace("|", "\\|")


def module_map(root: Path = ROOT) -> str:
    """Markdown: one table per package directory, every module and the first line of its docstring."""
    out: list[str] = []
    for package in PACKAGES:
        dirs = sorted({p.parent for p in (root / package).rglob("*.py")})
        for folder in dirs:
            rel = folder.relative_to(root).as_posix()
            out += [f"**`{rel}/`**", "", "| module | what it is |", "|---|---|"]
            for path in sorted(folder.glob("*.py")):
                name = "`__init__`" if path.stem == "__init__" else f"`{path.stem}`"
                out.append(f"| {name} | {_summary(path)} |")
            out.append("")
    return "\n".join(out)


def render_readme(text: str) -> str:
    """`text` (the README or ARCHITECTURE.md) with every generated block rewritten from the code."""
    blocks = generated_blocks()

    def fill(m: re.Match[str]) -> str:
        body = blocks.get(m.group("name"), m.group("body"))
        return m.group(1) + body + m.group(4)

    return BLOCK.sub(fill, text)


@click.command("docs")
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path), default=Path("README.md"), show_default=True)
@click.option(
    "--rules", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/rules.md"), show_default=True
)
@click.option(
    "--architecture",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("ARCHITECTURE.md"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="exit 1 if any file differs from the code instead of writing it")
def docs_command(readme: Path, rules: Path, architecture: Path, check: bool) -> None:
    """Write the generated parts of the docs (README tables, docs/rules.md, ARCHITECTURE.md's module map)."""
    wanted = {
        readme: render_readme(readme.read_text(encoding="utf-8")),
        rules: full_catalogue(),
        architecture: render_readme(architecture.read_text(encoding="utf-8")),
    }
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if check:
        for path in stale:
            click.echo(f"{path} is out of date: run `lec docs` (or `make docs`)", err=True)
        sys.exit(1 if stale else 0)
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        click.echo(f"wrote {path}")
