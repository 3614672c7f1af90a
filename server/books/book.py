"""The consolidated book (LAO, province or nation): its sheets in order, written from one data snapshot.

    write_book(db, round_id, code, path, now=None) -> Path     read (data.py) and write one book
    build(bw) -> Path                                          the sheets, in the order a reader meets them

The numbers and page helpers every sheet shares are `server.books.writer.BookWriter`; each sheet is a
module of `server.books.sheets`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlite_utils

from server.books import data as d
from server.books import printing
from server.books.printing import PrintedSheet
from server.books.sheets import (
    changes,
    chart,
    conflicts,
    correction,
    institutions,
    money,
    other,
    pupils,
    removals,
    signoff,
    spot_checks,
    summary,
    unconfirmed,
)
from server.books.writer import SHEET, BookWriter
from server.domain import registry


def build(bw: BookWriter) -> Path:
    """Write every sheet, then close the workbook; the summary is the sheet the book opens on."""
    for sheet in (
        summary,
        correction,
        chart,
        conflicts,
        spot_checks,
        unconfirmed,
        changes,
        removals,
        institutions,
        other,
    ):
        sheet.write(bw)
    if bw.b.scope != "national" and bw.pupils is not None:
        pupils.write(bw)
    money.write(bw)
    signoff.write(bw)
    bw.wb.get_worksheet_by_name(SHEET["summary"]).activate()
    for ws in bw.wb.worksheets():
        if isinstance(ws, PrintedSheet):
            printing.lay_out(ws)
    bw.wb.close()
    return bw.path


def write_book(
    db: sqlite_utils.Database,
    round_id: str,
    code: str,
    path: str | Path,
    *,
    now: datetime | None = None,
    data_version: str | None = None,
    with_pupils: bool = True,
) -> Path:
    """Read the data (one consistent snapshot) and write the book of `code` to `path`."""
    with d.read_snapshot(db):
        version = data_version or d.fingerprint(db, round_id, code, now)
        book = d.load(db, round_id, code, now)
        pupils = (lambda: d.iter_pupils(db, round_id, book.institutions)) if with_pupils else None
        return build(BookWriter(path, book, data_version=version, pupils=pupils))


def label_of(db: sqlite_utils.Database, code: str) -> str:
    unit = d.resolve_unit(db, code)
    return "ทั่วประเทศ" if unit["code"] == d.NATIONAL else registry.label(unit)
