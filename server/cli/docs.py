"""`lec rules`: the rule catalogue (docs/rules.md), generated from the code."""

from __future__ import annotations

import importlib
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
