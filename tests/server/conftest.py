"""Fixtures: a real SQLite file in tmp_path, the real Flask app, and the test world of serverkit.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make serverkit importable

from serverfixtures import app, client, database, world  # noqa: F401 (pytest finds fixtures here)
