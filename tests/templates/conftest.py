"""Shared helpers for the template tests: build small templates and fill them the way clerks do."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from validators.identity import with_check_digit
from workbook_templates import build_template

YEAR = 2567
SCHOOL = "3056200001"
CDC = "3056500001"
LAO = "05560101"
UNIT_OF = {"school": SCHOOL, "cdc": CDC, "other": LAO}
SMALL = 40  # capacity of most test templates: openpyxl loads them fast

ID_A = with_check_digit("110060044563")
ID_B = with_check_digit("156010010001")
ID_ZERO = with_check_digit("010060044563")  # a leading-0 person: valid


def pupil(**changes: Any) -> dict[str, Any]:
    """A correct ป.1 boy, as a clerk types him (BE date text)."""
    row: dict[str, Any] = {
        "citizen_id": ID_A,
        "prefix": "เด็กชาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "sex": "ชาย",
        "birth_date": "05/03/2561",
        "grade": "ป.1",
        "room": "1",
        "nationality": "ไทย",
    }
    row.update(changes)
    return row


def child(**changes: Any) -> dict[str, Any]:
    """A correct 3-year-old girl of a child centre."""
    row: dict[str, Any] = {
        "citizen_id": ID_B,
        "prefix": "เด็กหญิง",
        "first_name": "มะลิ",
        "last_name": "สุขใจ",
        "sex": "หญิง",
        "birth_date": "01/02/2564",
        "nationality": "ไทย",
    }
    row.update(changes)
    return row


def make(form: str, path: Path, *, capacity: int = SMALL, **kw: Any) -> Path:
    """Build a template of `form` for the test unit, year 2567 round 2."""
    build_template(form, unit_code=UNIT_OF[form], unit_name="หน่วยทดสอบ", year=YEAR, round_no=2,
                   out=str(path), capacity=capacity, **kw)  # fmt: skip
    return path


def key_columns(ws: Any, key_row: int = 3) -> dict[str, int]:
    """Key -> 1-based column from the hidden key row, as a program (or a careful clerk) finds them."""
    return {c.value: c.column for c in ws[key_row] if c.value}


def fill(path: Path, sheet: str, rows: Sequence[Mapping[str, Any] | None], *, first_row: int = 5,
         out: Path | None = None, edit: Callable[[Any], None] | None = None) -> Path:  # fmt: skip
    """Type rows into a template with openpyxl, the way a clerk would: cell by cell, values as given
    (an int is a number typed into a cell, a str is text). None leaves a blank row."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    cols = key_columns(ws)
    for i, row in enumerate(rows):
        if row is None:
            continue
        for key, value in row.items():
            ws.cell(first_row + i, cols[key], value)
    if edit:
        edit(wb)
    target = out or path
    wb.save(target)
    return target


def soffice_convert(src: Path, fmt: str, outdir: Path, profile: Path, timeout: int = 120) -> None:
    """Headless LibreOffice conversion with a private profile (no clash with other runs)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(src)],
        check=True, timeout=timeout, capture_output=True,
    )  # fmt: skip


@pytest.fixture(scope="session")
def kit() -> Any:
    """This module's helpers (with --import-mode=importlib a test cannot import conftest by name)."""
    import sys

    return sys.modules[__name__]
