"""Rebuild-when-stale: a download is served from a file named after the data it was built from.

Why a fingerprint, not a timer or an "invalidate on write" hook: the file name carries
`data.fingerprint(...)`, a hash of everything the book shows, computed inside the same read snapshot
the book is built from. A download therefore either finds the file for exactly the current data or
builds it; it can never be served a book of older data, and no other module has to remember to
invalidate anything. Building writes to a temporary name and renames, so a reader never sees half a
file; an in-process lock per book stops two simultaneous downloads from building it twice.
"""

from __future__ import annotations

import contextlib
import os
import threading
from datetime import datetime
from pathlib import Path

import sqlite_utils

from server.books import data as d
from server.books.book import build
from server.books.writer import BookWriter

_locks: dict[tuple[str, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(round_id: str, code: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault((round_id, code), threading.Lock())


def cache_dir(data_dir: str | Path, round_id: str) -> Path:
    path = Path(data_dir) / "consolidated" / round_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def consolidated_book(
    db: sqlite_utils.Database,
    data_dir: str | Path,
    round_id: str,
    code: str,
    *,
    now: datetime | None = None,
) -> tuple[Path, bool]:
    """(path of the book for the current data, whether it was built now)."""
    unit = d.resolve_unit(db, code)
    code = unit["code"]
    with d.read_snapshot(db):
        version = d.fingerprint(db, round_id, code, now)
        path = cache_dir(data_dir, round_id) / f"{code}-{version}.xlsx"
        if path.exists():
            return path, False
        with _lock(round_id, code):
            if path.exists():
                return path, False
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.xlsx")
            try:
                book = d.load(db, round_id, code, now)
                build(
                    BookWriter(
                        tmp, book, data_version=version, pupils=lambda: d.iter_pupils(db, round_id, book.institutions)
                    )
                )
                os.replace(tmp, path)
            finally:
                if tmp.exists():
                    tmp.unlink()
            _remove_older(path, code)
    return path, True


def _remove_older(keep: Path, code: str) -> None:
    """Drop books of older data for the same unit (an open download keeps its file on POSIX)."""
    for old in keep.parent.glob(f"{code}-*.xlsx"):
        if old != keep:
            with contextlib.suppress(OSError):  # in use on Windows: the next build removes it
                old.unlink()


def download_name(round_id: str, code: str) -> str:
    return f"LEC_{code}_{round_id}_แฟ้มรวม.xlsx"
