"""Fixtures: the demo province (server/tools/demo.py, built through the real services) once per session,
and a private copy of it for every test that changes data."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make consolidate_kit importable

from consolidate_kit import FAST_HASH, NOW

from server.storage import clock, db


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from server.tools.demo import build_demo

    path = tmp_path_factory.mktemp("consolidate-demo") / "data"
    info = build_demo(path, now=clock.parse_datetime(NOW), overrides=FAST_HASH)
    return path, info.round_id


@pytest.fixture
def demo_copy(demo_dir: tuple[Path, str], tmp_path: Path) -> tuple[Path, str]:
    """A private copy of the demo data dir (tests that upload or insert rows use this)."""
    source, round_id = demo_dir
    target = tmp_path / "data"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("consolidated"))
    return target, round_id


@pytest.fixture
def demo_db(demo_dir: tuple[Path, str]) -> Iterator[sqlite_utils.Database]:
    conn = db.connect(demo_dir[0] / "lec.db")
    yield conn
    conn.close()
