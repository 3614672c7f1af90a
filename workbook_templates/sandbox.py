"""Read and check an untrusted workbook in a child process with a memory cap and a time limit.

Why a second wall: `check_container` refuses every hostile file we know of before python-calamine
parses anything, but calamine is a native parser. A file that finds a way past the checks must cost
one request, not the server: a native crash, an out-of-memory abort (Rust aborts, it does not raise) or
a parse that never ends happens in the child; the caller gets a `FileReport` with one Thai error.

Children come from a fork server that has already imported the readers and the rules, so a check costs
a fork, not a Python start. At most `Isolation.workers` checks run at once (each may use up to
`memory_mb`); a caller that waits longer than `queue_seconds` for a turn gets `WorkerBusy` (the server
answers 503), so a burst of uploads queues instead of exhausting memory.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from workbook_templates import read
from workbook_templates.check import FileReport, check_file, error_report
from workbook_templates.errors import WORKER_FAILED, workbook_error


@dataclass(frozen=True, slots=True)
class Isolation:
    """Limits of one isolated check. The memory cap is the child's address space (RLIMIT_AS)."""

    memory_mb: int = 3072  # a 200,000-row roster (the row cap) peaks near 1.2 GB
    seconds: float = 180.0  # a 200,000-row roster takes about 15 s on a busy 2-core machine
    workers: int = max(1, os.cpu_count() or 1)
    queue_seconds: float = 60.0


class WorkerBusy(Exception):
    """Every worker stayed busy for `queue_seconds`: the caller should answer 503 and be retried."""


_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["workbook_templates.sandbox", "workbook_templates.academic_read", "validators"])
_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slot(workers: int) -> threading.BoundedSemaphore:
    with _lock:
        return _slots.setdefault(workers, threading.BoundedSemaphore(workers))


CHECKERS = ("check_file", "check_any_file")
"""What a child may run: the roster check, or the dispatcher that also reads the academic forms."""


def _check(checker: str, path: str, file: str, previous: list[Any] | None, today: date | None,
           roster: list[Any] | None) -> FileReport:  # fmt: skip
    if checker == "check_any_file":
        from workbook_templates.academic_read import check_any_file

        return check_any_file(path, file=file, previous=previous, today=today, roster=roster)
    return check_file(path, file=file, previous=previous, today=today)


def _child(conn: Connection, path: str, file: str, previous: list[Any] | None, today: date | None,
           memory_mb: int, keep_records: bool, reader_limits: read.Limits, checker: str = "check_file",
           roster: list[Any] | None = None) -> None:  # fmt: skip
    """Runs in the child: cap the address space, check, send the report back (records only if asked)."""
    read.LIMITS = reader_limits  # the limits in force in the caller (a test or a setting may lower them)
    cap = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file of citizen IDs
    try:
        report = _check(checker, path, file, previous, today, roster)
    except MemoryError:
        report = error_report(file, workbook_error(WORKER_FAILED, "MemoryError", "ไฟล์ใช้หน่วยความจำเกินกำหนด"))
    except OSError as exc:
        report = error_report(file, workbook_error(WORKER_FAILED, f"{type(exc).__name__}: {exc}", "เปิดไฟล์ไม่ได้"))
    if not keep_records:
        report.records, report.removals = [], []
    conn.send(report)
    conn.close()


def check_file_isolated(
    path: str | os.PathLike[str],
    *,
    file: str = "",
    previous: Iterable[Any] | None = None,
    today: date | None = None,
    limits: Isolation | None = None,
    keep_records: bool = True,
    checker: str = "check_file",
    roster: Iterable[Any] | None = None,
) -> FileReport:
    """`check_file` on a file on disk, in a capped child. Never raises for what the file contains.

    `checker="check_any_file"` reads academic forms too (with `roster`, the class's confirmed pupils).

    Raises `WorkerBusy` when no worker became free in time (the server's 503). A crash, a memory
    overrun or a timeout of the child becomes a report with the error `WORKBOOK_WORKER_FAILED`.
    """
    if checker not in CHECKERS:
        raise ValueError(f"unknown checker {checker!r}")
    limits = limits or Isolation()
    slot = _slot(limits.workers)
    if not slot.acquire(timeout=limits.queue_seconds):
        raise WorkerBusy(f"no worker free within {limits.queue_seconds:.0f} s")
    try:
        return _run(os.fspath(path), file, list(previous) if previous is not None else None, today, limits,
                    keep_records, checker, list(roster) if roster is not None else None)  # fmt: skip
    finally:
        slot.release()


def _run(path: str, file: str, previous: list[Any] | None, today: date | None, limits: Isolation,
         keep_records: bool, checker: str = "check_file", roster: list[Any] | None = None) -> FileReport:  # fmt: skip
    receive, send = _context.Pipe(duplex=False)
    args = (send, path, file, previous, today, limits.memory_mb, keep_records, read.LIMITS, checker, roster)
    child = _context.Process(target=_child, args=args, daemon=True)
    started = time.monotonic()
    child.start()
    send.close()
    try:
        if receive.poll(limits.seconds):
            try:
                return receive.recv()
            except (EOFError, OSError):  # the child died before it could answer
                pass
        else:
            child.kill()
            detail, detail_th = f"timeout after {limits.seconds:.0f} s", "ใช้เวลาอ่านนานเกินกำหนด"
            return error_report(file, workbook_error(WORKER_FAILED, detail, detail_th))
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    elapsed = time.monotonic() - started
    code = child.exitcode
    detail = f"reader process ended with {code} after {elapsed:.1f} s"
    return error_report(file, workbook_error(WORKER_FAILED, detail, "ตัวอ่านไฟล์หยุดทำงานกลางคัน"))
