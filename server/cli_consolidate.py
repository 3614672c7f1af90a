"""Sub-commands of `lec` (see server/cli.py)."""

from server.cli import main  # noqa: F401
