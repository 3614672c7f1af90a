"""Read and check an untrusted workbook in a worker process with a memory cap and a time limit.

Why a second wall: `check_container` refuses every hostile file we know of before python-calamine
parses anything, but calamine is a native parser. A file that finds a way past the checks must cost
one request, not the server: a native crash, an out-of-memory abort (Rust aborts, it does not raise) or
a parse that never ends happens in a worker; the caller gets a `FileReport` with one Thai error, and
the worker is replaced.

Workers are long-lived processes, started from a fork server that has already imported the readers and
the rules, each with its address space capped (RLIMIT_AS) for its whole life: a check costs sending a
path and receiving the report, not a process start (measured: 0.3 s a start on a busy machine). At most
`Isolation.workers` checks run at once; a caller that waits longer than `queue_seconds` for a free
worker gets `WorkerBusy` (the server answers 503), so a burst of uploads queues instead of exhausting
memory. A worker is retired after `MAX_JOBS` checks, or once its peak memory passes half its cap.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from workbook_templates import read
from workbook_templates.check import FileReport, check_file, error_report
from workbook_templates.errors import WORKER_FAILED, workbook_error

MAX_JOBS = 500


@dataclass(frozen=True, slots=True)
class Isolation:
    """Limits of one isolated check. The memory cap is the worker's address space (RLIMIT_AS)."""

    memory_mb: int = 3072  # a 200,000-row roster (the row cap) peaks near 1.2 GB
    seconds: float = 180.0  # a 200,000-row roster takes about 15 s on a busy 2-core machine
    workers: int = max(1, os.cpu_count() or 1)
    queue_seconds: float = 60.0


class WorkerBusy(Exception):
    """Every worker stayed busy for `queue_seconds`: the caller should answer 503 and be retried."""


_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["workbook_templates.sandbox", "workbook_templates.academic_read", "validators"])
CHECKERS = ("check_file", "check_any_file", "check_records_file")
"""What a worker may run: the roster check, the dispatcher that also reads the academic forms, or the
dispatcher as the records upload takes it (results numbers as stored text: `check_records_file`)."""


def _serve(conn: Connection, memory_mb: int) -> None:
    """A worker's life: cap the address space, then check one file per message until told to stop."""
    cap = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file of citizen IDs
    for jobs in range(1, MAX_JOBS + 1):
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        report = _check(*job)
        # a heap grown past half the cap stays grown: a fresh worker takes the next file
        retiring = jobs == MAX_JOBS or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 > cap // 2
        conn.send((report, retiring))
        if retiring:
            return


def _check(path: str, checker: str, options: dict[str, Any], keep_records: bool,
           reader_limits: read.Limits) -> FileReport:  # fmt: skip
    read.LIMITS = reader_limits  # the limits in force in the caller (a test or a setting may lower them)
    file = options.get("file", "")
    try:
        if checker in ("check_any_file", "check_records_file"):
            from workbook_templates import academic_read

            report = getattr(academic_read, checker)(path, **options)
        else:
            options.pop("roster", None)
            report = check_file(path, **options)
    except MemoryError:
        report = error_report(file, workbook_error(WORKER_FAILED, "MemoryError", "ไฟล์ใช้หน่วยความจำเกินกำหนด"))
    except OSError as exc:
        report = error_report(file, workbook_error(WORKER_FAILED, f"{type(exc).__name__}: {exc}", "เปิดไฟล์ไม่ได้"))
    if not keep_records:
        report.records, report.removals, report.pupils = [], [], []
    report.workbook = None  # the workbook as read stays here: only the add-in's cell marks need it
    return report


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.conn, child = _context.Pipe(duplex=True)
        self.process = _context.Process(target=_serve, args=(child, memory_mb), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class _Pool:
    """`size` workers with one memory cap; idle ones wait in a queue, started when first needed."""

    def __init__(self, size: int, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)  # a free slot whose worker is not started yet

    def take(self, timeout: float) -> _Worker:
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise WorkerBusy(f"no worker free within {timeout:.0f} s") from None
        if worker is None or not worker.process.is_alive():
            try:
                return _Worker(self.memory_mb)
            except BaseException:
                self.idle.put(None)
                raise
        return worker

    def give_back(self, worker: _Worker | None) -> None:
        self.idle.put(worker)


_pools: dict[tuple[int, int], _Pool] = {}
_lock = threading.Lock()


def _pool(limits: Isolation) -> _Pool:
    with _lock:
        key = (limits.workers, limits.memory_mb)
        if key not in _pools:
            _pools[key] = _Pool(limits.workers, limits.memory_mb)
        return _pools[key]


def check_file_isolated(
    path: str | os.PathLike[str],
    *,
    file: str = "",
    previous: Iterable[Any] | None = None,
    today: date | None = None,
    as_of: date | None = None,
    unit_kind: str | None = None,
    limits: Isolation | None = None,
    keep_records: bool = True,
    checker: str = "check_file",
    roster: Iterable[Any] | None = None,
) -> FileReport:
    """`check_file` on a file on disk, in a capped worker. Never raises for what the file contains.

    `file`, `previous`, `today`, `as_of` and `unit_kind` are `check_file`'s. `checker="check_any_file"` reads
    the academic forms too (with `roster`, the class's confirmed pupils).

    Raises `WorkerBusy` when no worker became free in time (the server's 503). A crash, a memory
    overrun or a timeout of the worker becomes a report with the error `WORKBOOK_WORKER_FAILED`.
    """
    if checker not in CHECKERS:
        raise ValueError(f"unknown checker {checker!r}")
    limits = limits or Isolation()
    pool = _pool(limits)
    worker = pool.take(limits.queue_seconds)
    options: dict[str, Any] = {"file": file, "previous": list(previous) if previous is not None else None,
                               "today": today}  # fmt: skip
    if checker == "check_file":
        options.update(as_of=as_of, unit_kind=unit_kind)
    else:
        options["roster"] = list(roster) if roster is not None else None
    job = (os.fspath(path), checker, options, keep_records, read.LIMITS)
    try:
        worker.conn.send(job)
        if worker.conn.poll(limits.seconds):
            report, retiring = worker.conn.recv()
            if retiring:
                worker.stop()
            pool.give_back(None if retiring else worker)
            return report
        failure = f"timeout after {limits.seconds:.0f} s", "ใช้เวลาอ่านนานเกินกำหนด"
    except (EOFError, OSError, BrokenPipeError):  # the worker died on this file
        failure = "reader process ended", "ตัวอ่านไฟล์หยุดทำงานกลางคัน"
    except BaseException:
        worker.stop()
        pool.give_back(None)
        raise
    worker.stop()
    pool.give_back(None)  # a fresh worker takes this slot on the next check
    return error_report(file, workbook_error(WORKER_FAILED, *failure))
