"""Deadline-day tests: a live `lec serve` under load, faults, hostile input and the scope matrix.

The load plan (units, accounts, 1,000-row workbooks) is built once per session: real templates cost
~0.2 s each. CI size is set here; `lec bench --only deadline` runs the same script with 200 clients.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from flask import Flask
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).parents[1] / "server"))  # serverkit (importlib import mode)
sys.path.insert(0, str(Path(__file__).parent))  # hostile (the corpus)

from serverkit import FAST_HASH, OPEN_TIME, World, make_world

from server.storage.db import connect
from server.tools import loadrun
from server.web.app import create_app

CI_INSTITUTIONS = 40
"""40 schools in 8 LAOs in 2 provinces: 50 concurrent clients, each school sending 1,000-row workbooks."""
CI_ROWS = 1000


@pytest.fixture(scope="session")
def plan() -> loadrun.Plan:
    return loadrun.make_plan(CI_INSTITUTIONS, CI_ROWS)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    yield create_app({"DATA_DIR": tmp_path / "data", **FAST_HASH, "NOW": OPEN_TIME, "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def database(app: Flask) -> Iterator[sqlite_utils.Database]:
    conn = connect(app.config["DB_PATH"])
    yield conn
    conn.close()


@pytest.fixture
def world(app: Flask, client: FlaskClient, database: sqlite_utils.Database) -> World:
    return make_world(app, client, database)
