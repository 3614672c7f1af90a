"""Fixtures for the add-in tests: the remote engine's licence key, a private config dir, workbooks.

xlwings' remote engine (xlwings.pro) loads only when `XLWINGS_LICENSE_KEY` is set before xlwings is
first imported, hence the assignment at import time; `noncommercial` is the documented key for the
PolyForm Noncommercial licence (README, "The add-in"). Never put any other key here.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make the helpers importable
sys.path.insert(1, str(Path(__file__).parent.parent / "server"))  # serverkit: the shared registry and round

from serverfixtures import app, client, database, world  # noqa: F401 (a server World for add-in actions)

from validators.synthetic import make_roster
from workbook_templates import build_template

UNIT = "3056100001"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("LEC_SHEETS_HOME", str(tmp_path / "lec-home"))


def filled_workbook(
    form: str = "school",
    rows: list[dict[str, Any]] | None = None,
    *,
    unit: str = UNIT,
    n: int = 20,
    seed: int = 0,
    year: int = 2567,
    round_no: int = 2,
    **kw: Any,
) -> bytes:
    """A generated template, filled with `rows` (synthetic valid rows by default)."""
    if rows is None:
        rows = make_roster(form, n, year=year, unit_code=unit, seed=seed)
    if form == "cdc":  # a centre's clerk fills its basic-data sheet too
        from serverkit import BASIC

        kw.setdefault("basic", BASIC)
    buf = io.BytesIO()
    build_template(
        form, unit_code=unit, unit_name="โรงเรียนทดสอบ", year=year, round_no=round_no, rows=rows, out=buf, **kw
    )
    return buf.getvalue()


@pytest.fixture
def make_workbook() -> Callable[..., bytes]:
    return filled_workbook
