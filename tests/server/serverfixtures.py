"""The server test world as pytest fixtures: a real SQLite file in tmp_path, the real Flask app, and
serverkit's `World`. Each test folder's conftest imports them, so the fixtures are written once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from flask import Flask
from flask.testing import FlaskClient
from serverkit import FAST_HASH, OPEN_TIME, World, make_world

from server.storage import db
from server.web.app import create_app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    yield create_app({"DATA_DIR": tmp_path / "data", **FAST_HASH, "NOW": OPEN_TIME, "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def database(app: Flask) -> Iterator[sqlite_utils.Database]:
    conn = db.connect(app.config["DB_PATH"])
    yield conn
    conn.close()


@pytest.fixture
def world(app: Flask, client: FlaskClient, database: sqlite_utils.Database) -> World:
    return make_world(app, client, database)
