"""Fixtures: the server test world (tests/server/serverfixtures.py) and the season kit."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "server"))
sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make serverkit importable

from livekit import live  # noqa: F401 (a live server for the season's HTTP tests)
from serverfixtures import app, client, database, world  # noqa: F401 (pytest finds fixtures here)
