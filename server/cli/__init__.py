"""The `lec` command. Each family of sub-commands lives in its own module and registers itself here."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """LEC Sheets: locked Excel templates, validation, the confirmation chain and consolidated workbooks."""


# The command modules add their commands to `main` when imported.
from server.cli import (  # noqa: E402, F401
    addin,
    admin,
    bench,
    consolidate,
    demo,
    docs,
    workbooks,
)
