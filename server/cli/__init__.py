"""The `lec` command: one group that adds each family of sub-commands explicitly.

Each family lives in its own module (`server.cli.admin`, `.workbooks`, ...) and knows nothing of this
group; the list below is the whole command line at a glance.
"""

from __future__ import annotations

import click

from server.cli import addin, admin, bench, consolidate, demo, docs, localschool, workbooks


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """LEC Sheets: locked Excel templates, validation, the confirmation chain and consolidated workbooks."""


COMMANDS: tuple[click.Command, ...] = (
    addin.addin_group,
    admin.registry,
    admin.users,
    admin.round_,
    admin.serve,
    bench.bench_command,
    consolidate.consolidate_command,
    demo.demo,
    docs.rules_command,
    docs.docs_command,
    localschool.localschool_group,
    workbooks.template_command,
    workbooks.validate_command,
)
for command in COMMANDS:
    main.add_command(command)
