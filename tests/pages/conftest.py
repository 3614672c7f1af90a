"""Fixtures for the page tests: the small demo province, copied fresh for each test (fast)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The small demo built once through the real services; tests get copies."""
    from server.tools.demo import SMALL_SPEC, build_demo

    return build_demo(tmp_path_factory.mktemp("small-demo") / "data", spec=SMALL_SPEC, overrides=FAST_HASH)


@pytest.fixture
def app(small_demo: Any, tmp_path: Path) -> Iterator[Flask]:
    from server.web.app import create_app

    data = tmp_path / "data"
    shutil.copytree(small_demo.data_dir, data)
    app = create_app({"DATA_DIR": data, "TESTING": True, **FAST_HASH})
    yield app


@pytest.fixture
def round_id(small_demo: Any) -> str:
    return small_demo.round_id


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., Any]:
    """Log `login` in through the login form; returns the response (not followed)."""

    def do(user: str, password: str | None = None) -> Any:
        from server.tools.demo import DEMO_PASSWORD

        token = csrf_of(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"login": user, "password": password or DEMO_PASSWORD, "csrf_token": token})

    return do


@pytest.fixture
def token_of(client: FlaskClient) -> Callable[[str], str]:
    """The CSRF token a page carries (every form on a page carries the same session token)."""
    return lambda path: csrf_of(client.get(path).get_data(as_text=True))
