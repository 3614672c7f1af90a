"""Deadline day on a live server: many clients upload, confirm and revoke at once; then nothing is lost.

Shared by the tests (tests/deadline, CI size: ~50 clients) and `lec bench --only deadline` (200
clients, on top of the national-scale synthetic database), so both exercise the same scenario and check
the same invariants:

    plan = make_plan(institutions=40, rows=1000)      units, accounts and the workbooks they will send
    install(data_dir, plan, background=None)          registry, round 2567-2, ready accounts (fast hashes)
    with LiveServer(data_dir) as server:              `lec serve` in a child process on 127.0.0.1
        outcome = run_deadline(server.base, plan)     the deadline-day script, every request timed
    problems = check_invariants(data_dir, plan, outcome)   [] when the chain and every roster hold

The script: each institution uploads two workbooks (the second replaces the first) and confirms; each
LAO sends its other-affiliation counts, waits for its institutions, revokes its first institution
(which re-uploads its first workbook and confirms again), waits again and confirms; each province
waits for its LAOs and confirms. The clock stands at 15:30 on the institutions' deadline day.

Why a child process and not a thread: the fault tests kill it with SIGKILL mid-upload and start it again
on the same data dir, which only a real process allows; and the clients' own Python then does not share
the server's GIL, so latencies are the server's.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROUND = "2567-2"
ROUND_TIMES = {
    "as_of": "2024-11-10",
    "opens": "2024-10-01T00:00",
    "institution_deadline": "2024-11-11T17:00",
    "lao_deadline": "2024-11-11T17:00",
    "province_deadline": "2024-11-12T17:00",
}
DEADLINE_NOW = "2024-11-11T15:30:00+07:00"
"""Deadline day, 90 minutes before the institutions' and LAOs' 17:00 deadline."""
PASSWORD = "ใหม่-Secret-2567"
FAST_HASH_ENV = {"LEC_ARGON2_TIME_COST": "1", "LEC_ARGON2_MEMORY_COST": "8", "LEC_ARGON2_PARALLELISM": "1"}
"""Light argon2 for the run: a login costs what it costs; the load under test is uploads and the chain."""
LOAD_PROVINCES = ("94", "95", "96")
"""Province codes for the load units: real codes, outside the synthetic national data (10-85)."""
PER_LAO = 5
LAOS_PER_PROVINCE = 20


@dataclass
class Plan:
    """The units of a load run and everything each will send."""

    provinces: dict[str, list[str]]
    laos: dict[str, list[str]]
    books: dict[str, list[bytes]]
    ids: dict[str, frozenset[str]]
    rows: int

    @property
    def institutions(self) -> list[str]:
        return [i for insts in self.laos.values() for i in insts]

    def sha(self, code: str, variant: int) -> str:
        return hashlib.sha256(self.books[code][variant]).hexdigest()

    def registry_rows(self) -> list[dict[str, str]]:
        out = []
        for p, laos in self.provinces.items():
            out.append({"code": p, "name": f"จังหวัดทดสอบ {p}", "parent": "", "kind": "province"})
            for lao in laos:
                out.append({"code": lao, "name": f"องค์การบริหารส่วนตำบลทดสอบ {lao}", "parent": p, "kind": "sao"})
                out += [
                    {"code": i, "name": f"โรงเรียนทดสอบ {i}", "parent": lao, "kind": "school"} for i in self.laos[lao]
                ]
        return out


def _books_for(code: str, rows: int, variants: int) -> tuple[str, list[bytes], list[list[str]]]:
    """A unit's filled workbooks: real templates (build_template) holding synthetic rosters."""
    from validators.identity import with_check_digit
    from validators.synthetic import make_other_counts, make_roster
    from workbook_templates import build_template

    books, ids = [], []
    for v in range(variants):
        if len(code) == 8:
            data: list[dict[str, Any]] = make_other_counts(2, seed=v)
            form = "other"
        else:
            data = make_roster("school", rows, year=2567, unit_code=code, seed=v)
            for i, row in enumerate(data):  # IDs unique to (unit, variant): no conflict blocks an LAO
                kind = "1" if row.get("nationality") == "ไทย" else "0"  # 0: no Thai nationality or status
                row["citizen_id"] = with_check_digit(f"{kind}{code[2:4]}{code[-4:]}{v}{i:04d}")
            form = "school"
        buf = io.BytesIO()
        build_template(
            form,
            unit_code=code,
            unit_name=f"ทดสอบ {code}",
            year=2567,
            round_no=2,
            rows=data,
            out=buf,
            capacity=len(data) + 10,
            generated_at="2024-10-01T08:00:00+07:00",
        )
        books.append(buf.getvalue())
        ids.append([str(r["citizen_id"]) for r in data] if form != "other" else [])
    return code, books, ids


def make_plan(
    institutions: int,
    rows: int = 1000,
    *,
    variants: int = 2,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """`institutions` schools in LAOs of PER_LAO, LAOS_PER_PROVINCE to a province; their workbooks.

    Building 1,000-row templates costs ~0.2 s each, so they are built once, in parallel processes.
    """
    n_laos = max(1, -(-institutions // PER_LAO))
    n_provinces = min(len(LOAD_PROVINCES), max(2 if n_laos > 1 else 1, -(-n_laos // LAOS_PER_PROVINCE)))
    provinces: dict[str, list[str]] = {}
    laos: dict[str, list[str]] = {}
    made = 0
    for k in range(n_laos):  # round-robin: every province gets LAOs, so none sees another's units
        p = LOAD_PROVINCES[k % n_provinces]
        lao = f"06{p}{k:04d}"
        provinces.setdefault(p, []).append(lao)
        take = min(PER_LAO, institutions - made)
        laos[lao] = [f"30{p}3{made + j:05d}" for j in range(take)]
        made += take
    codes = [*laos, *(i for insts in laos.values() for i in insts)]
    books: dict[str, list[bytes]] = {}
    ids: dict[str, frozenset[str]] = {}
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        for code, made_books, made_ids in pool.map(
            _books_for, codes, [rows] * len(codes), [1 if len(c) == 8 else variants for c in codes]
        ):
            books[code] = made_books
            for b, i in zip(made_books, made_ids, strict=True):
                ids[hashlib.sha256(b).hexdigest()] = frozenset(i)
            if progress:
                progress(1)
    return Plan(provinces, laos, books, ids, rows)


def install(data_dir: Path, plan: Plan, *, background: Path | None = None) -> None:
    """The plan's registry, round and ready accounts in `data_dir` (on a copy of `background`, if given)."""
    import shutil

    from server.domain import accounts, registry, rounds
    from server.storage import clock, db

    data_dir.mkdir(parents=True, exist_ok=True)
    if background is not None:
        shutil.copyfile(background, data_dir / "lec.db")
    accounts.set_hash_params(1, 8, 1)
    conn = db.open_db(data_dir / "lec.db")
    try:
        result = registry.import_rows(conn, plan.registry_rows())
        if result.errors:
            raise RuntimeError(result.errors[:5])
        if conn.execute("SELECT 1 FROM rounds WHERE id = ?", [ROUND]).fetchone() is None:
            rounds.create_round(conn, ROUND, **ROUND_TIMES)
        accounts.issue_accounts(conn)
        now = clock.parse_datetime(DEADLINE_NOW)
        for login in [*plan.provinces, *plan.laos, *plan.institutions]:
            user_id = conn.execute("SELECT id FROM users WHERE login = ?", [login]).fetchone()[0]
            actor = accounts.actor_for_user(conn, user_id)
            accounts.complete_profile(
                conn,
                actor,
                first_name=f"ผู้รับผิดชอบ{login}",
                last_name="ทดสอบ",
                position="นักวิชาการศึกษา",
                phone="0812345678",
                new_password=PASSWORD,
                now=now,
            )
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """`lec serve` on 127.0.0.1 in a child process, on `data_dir`, with the clock at DEADLINE_NOW."""

    def __init__(
        self, data_dir: Path, *, threads: int = 256, env: dict[str, str] | None = None, now: str = DEADLINE_NOW
    ) -> None:
        self.data_dir = data_dir
        self.threads = threads
        self.env = {**os.environ, "LEC_DATA_DIR": str(data_dir), "LEC_NOW": now, **FAST_HASH_ENV, **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self, timeout: float = 30) -> LiveServer:
        import requests

        self.port = free_port()
        self.starts += 1
        log = open(self.data_dir / f"serve-{self.starts}.log", "wb")  # noqa: SIM115 (the child owns it)
        code = "from server.cli import main; main()"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--port", str(self.port), "--threads", str(self.threads)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        until = time.monotonic() + timeout
        while True:
            try:
                requests.get(f"{self.base}/openapi.json", timeout=2)
                return self
            except requests.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > until:
                    raise RuntimeError(f"lec serve did not start: {self.log()[-2000:]}") from None
                time.sleep(0.1)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.data_dir.glob("serve-*.log")))

    def kill(self) -> None:
        """SIGKILL: no handler, no flush, no goodbye, as when the machine's OOM killer strikes."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@dataclass
class Outcome:
    """What the clients saw: every request (kind, status, seconds, unit), and what was acknowledged."""

    requests: list[tuple[str, int, float, str]] = field(default_factory=list)
    accepted: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # unit -> [(upload_id, sha)]
    confirmed: dict[str, int] = field(default_factory=dict)  # unit -> 200 answers to confirm
    revoked: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    abort: threading.Event = field(default_factory=threading.Event)

    def fail(self, message: str) -> None:
        """Record a failure and stop every waiting client: a broken run ends now, not at its time limit."""
        self.failures.append(message)
        self.abort.set()

    def latencies(self, kind: str | None = None) -> list[float]:
        return sorted(s for k, st, s, _u in self.requests if (kind is None or k == kind) and st < 500)

    def percentile(self, q: float, kind: str | None = None) -> float:
        values = self.latencies(kind)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]

    def summary(self) -> dict[str, Any]:
        kinds = sorted({k for k, *_ in self.requests})
        return {
            "requests": len(self.requests),
            "wall_s": self.wall_s,
            "throughput_rps": len(self.requests) / self.wall_s if self.wall_s else 0.0,
            "uploads": sum(len(v) for v in self.accepted.values()),
            "statuses": {
                str(s): sum(1 for _k, st, *_ in self.requests if st == s)
                for s in sorted({st for _k, st, *_ in self.requests})
            },
            "by_kind": {
                k: {
                    "n": len(self.latencies(k)),
                    "p50": self.percentile(50, k),
                    "p95": self.percentile(95, k),
                    "p99": self.percentile(99, k),
                }
                for k in kinds
            },
        }


class Client:
    """One person at one unit: a requests session with a token, every call timed into the outcome."""

    def __init__(self, base: str, login: str, outcome: Outcome, timeout: float = 120) -> None:
        import requests

        self.base, self.login, self.outcome, self.timeout = base, login, outcome, timeout
        self.http = requests.Session()
        r = self.call("login", "POST", "/token", json={"login": login, "password": PASSWORD})
        if r.status_code != 200:
            raise RuntimeError(f"{login}: login {r.status_code} {r.text[:200]}")
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def call(self, kind: str, method: str, path: str, unit: str = "", **kw: Any) -> Any:
        started = time.perf_counter()
        r = self.http.request(method, self.base + path, timeout=self.timeout, **kw)
        self.outcome.requests.append((kind, r.status_code, time.perf_counter() - started, unit))
        if r.status_code >= 500:
            self.outcome.fail(f"{kind} {unit}: {r.status_code} {r.text[:200]}")
        return r

    def upload(self, code: str, data: bytes) -> Any:
        r = self.call(
            "upload", "POST", f"/rounds/{ROUND}/units/{code}/workbook", code, files={"file": (f"{code}.xlsx", data)}
        )
        if r.status_code == 200:
            self.outcome.accepted.setdefault(code, []).append((r.json()["upload_id"], hashlib.sha256(data).hexdigest()))
        return r

    def confirm(self, code: str) -> Any:
        r = self.call("confirm", "POST", f"/rounds/{ROUND}/units/{code}/confirm", code)
        if r.status_code == 200:
            self.outcome.confirmed[code] = self.outcome.confirmed.get(code, 0) + 1
        return r

    def revoke(self, code: str, reason: str) -> Any:
        r = self.call("revoke", "POST", f"/rounds/{ROUND}/units/{code}/revoke", code, json={"reason": reason})
        if r.status_code == 200:
            self.outcome.revoked[code] = self.outcome.revoked.get(code, 0) + 1
        return r

    def status(self, code: str) -> dict[str, Any]:
        r = self.call("status", "GET", f"/rounds/{ROUND}/units/{code}/status", code)
        return r.json() if r.status_code == 200 else {}

    def wait_children(self, code: str, until: float) -> bool:
        """Poll the unit's status until every child is confirmed (bounded by `until`)."""
        while time.monotonic() < until and not self.outcome.abort.is_set():
            kids = self.status(code).get("children") or []
            if kids and all(k.get("state") == "confirmed" for k in kids):
                return True
            self.outcome.abort.wait(0.3 + random.random() * 0.3)
        return False


def run_deadline(base: str, plan: Plan, *, time_limit: float = 300) -> Outcome:
    """The deadline-day script of the module docstring, one thread per unit; stops by itself."""
    outcome = Outcome()
    until = time.monotonic() + time_limit
    revoked = {insts[0]: threading.Event() for insts in plan.laos.values() if insts}
    start = threading.Barrier(len(plan.institutions) + len(plan.laos) + len(plan.provinces))

    def expect(r: Any, what: str, code: str, statuses: tuple[int, ...] = (200,)) -> None:
        if r.status_code not in statuses:
            outcome.fail(f"{what} {code}: {r.status_code} {r.text[:300]}")

    def institution(code: str) -> None:
        c = Client(base, code, outcome)
        start.wait(timeout=time_limit)
        for v in range(len(plan.books[code])):
            expect(c.upload(code, plan.books[code][v]), "upload", code)
        expect(c.confirm(code), "confirm", code)
        if code in revoked:
            while not revoked[code].wait(timeout=0.5):
                if outcome.abort.is_set() or time.monotonic() > until:
                    outcome.fail(f"{code}: never revoked")
                    return
            expect(c.upload(code, plan.books[code][0]), "re-upload", code)
            expect(c.confirm(code), "re-confirm", code)

    def lao(code: str) -> None:
        c = Client(base, code, outcome)
        start.wait(timeout=time_limit)
        expect(c.upload(code, plan.books[code][0]), "other counts", code)
        if not plan.laos[code]:
            expect(c.confirm(code), "confirm", code)
            return
        if not c.wait_children(code, until):
            outcome.fail(f"{code}: institutions never all confirmed")
            return
        first = plan.laos[code][0]
        expect(c.revoke(first, "พบรายชื่อซ้ำ ให้สถานศึกษาแก้ไขและส่งใหม่"), "revoke", first)
        revoked[first].set()
        time.sleep(0.2)
        if not c.wait_children(code, until):
            outcome.fail(f"{code}: institutions never confirmed again")
            return
        expect(c.confirm(code), "confirm", code)

    def province(code: str) -> None:
        c = Client(base, code, outcome)
        start.wait(timeout=time_limit)
        if not c.wait_children(code, until):
            outcome.fail(f"{code}: LAOs never all confirmed")
            return
        expect(c.confirm(code), "confirm", code)

    def guarded(fn: Callable[[str], None], code: str) -> None:
        try:
            fn(code)
        except Exception as exc:  # a client crash is a finding, not a hung test
            outcome.fail(f"{code}: {type(exc).__name__}: {exc}")
            start.abort()

    jobs = [(institution, i) for i in plan.institutions] + [(lao, x) for x in plan.laos]
    jobs += [(province, p) for p in plan.provinces]
    _run_clients([(guarded, job) for job in jobs], until, outcome)
    return outcome


def _run_clients(jobs: list[tuple[Callable[..., None], tuple[Any, ...]]], until: float, outcome: Outcome) -> None:
    """One thread per client, all joined by the time limit; the wall time and any straggler go in `outcome`."""
    threads = [threading.Thread(target=fn, args=args, daemon=True) for fn, args in jobs]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, until - time.monotonic() + 5))
    outcome.wall_s = time.perf_counter() - started
    if any(t.is_alive() for t in threads):
        outcome.failures.append("clients still running at the time limit")


def hammer_uploads(
    base: str, plan: Plan, stop: threading.Event, *, outcome: Outcome | None = None, time_limit: float = 60
) -> Outcome:
    """Each institution uploads its variants in turn until `stop` (the fault tests kill the server then).

    Pass `outcome` to watch the acknowledgements arrive while it runs.
    """
    import requests

    outcome = outcome if outcome is not None else Outcome()
    until = time.monotonic() + time_limit

    def worker(code: str) -> None:
        try:
            c = Client(base, code, outcome, timeout=30)
            v = 0
            while not stop.is_set() and time.monotonic() < until:
                c.upload(code, plan.books[code][v % len(plan.books[code])])
                v += 1
        except requests.RequestException:
            pass  # the server died under us: expected here

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in plan.institutions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=time_limit + 35)
    return outcome


def check_invariants(data_dir: Path, plan: Plan, outcome: Outcome, *, exact: bool = True) -> list[str]:
    """Everything that must hold after the run, read straight from SQLite; [] when all holds.

    `exact`: every upload was answered (no crash), so each roster is exactly the last acknowledged one and
    the audit holds exactly the acknowledged actions. Without it (after a SIGKILL) an upload may have
    been stored whose answer was lost: the roster is then a later upload, never an earlier one.
    """
    from server.domain.uploads import file_path

    problems: list[str] = []
    conn = sqlite3.connect(data_dir / "lec.db")
    try:
        if (check := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            problems.append(f"integrity_check: {check}")
        # the chain of the plan's own units (background data, if any, was loaded without the chain)
        mine = {*plan.provinces, *plan.laos}
        for lao, inst in conn.execute(
            "SELECT c.unit_code, i.code FROM confirmations c JOIN units i ON i.parent = c.unit_code"
            " AND i.level = 'institution' WHERE c.round_id = ? AND NOT EXISTS (SELECT 1 FROM confirmations x"
            " WHERE x.round_id = c.round_id AND x.unit_code = i.code)",
            [ROUND],
        ):
            if lao in mine:
                problems.append(f"LAO {lao} confirmed while institution {inst} is not")
        for prov, lao in conn.execute(
            "SELECT c.unit_code, l.code FROM confirmations c JOIN units l ON l.parent = c.unit_code"
            " AND l.level = 'lao' WHERE c.round_id = ? AND NOT EXISTS (SELECT 1 FROM confirmations x"
            " WHERE x.round_id = c.round_id AND x.unit_code = l.code)",
            [ROUND],
        ):
            if prov in mine:
                problems.append(f"province {prov} confirmed while LAO {lao} is not")
        problems += _kept_problems(conn, plan.institutions)
        for code in plan.institutions:
            problems += _roster_problems(conn, data_dir, plan, outcome, code, exact)
            for upload_id, _sha in outcome.accepted.get(code, []):
                found = conn.execute(
                    "SELECT COUNT(*) FROM audit WHERE action = 'upload' AND unit_code = ? AND outcome IN"
                    " ('ok', 'duplicate') AND (json_extract(detail, '$.upload_id') = ? OR"
                    " json_extract(detail, '$.same_as') = ?)",
                    [code, upload_id, upload_id],
                ).fetchone()[0]
                if not found:
                    problems.append(f"{code}: accepted upload {upload_id} has no audit record")
        for action, counted in (("confirm", outcome.confirmed), ("revoke", outcome.revoked)):
            for code, n in counted.items():
                logged = conn.execute(
                    "SELECT COUNT(*) FROM audit WHERE action = ? AND outcome = 'ok' AND round_id = ? AND unit_code = ?",
                    [action, ROUND, code],
                ).fetchone()[0]
                if logged < n or (exact and logged != n):
                    problems.append(f"{code}: {n} answered {action}s, {logged} in the audit")
        for sha in {s for ups in outcome.accepted.values() for _u, s in ups}:
            path = file_path(data_dir / "uploads", sha)
            if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                problems.append(f"kept file {sha[:12]} missing or damaged")
    finally:
        conn.close()
    return problems


def _kept_problems(conn: sqlite3.Connection, codes: list[str]) -> list[str]:
    """What the stores kept beside the rosters under the storm: the head counts equal their recount by
    conflicts.COUNTED_SQL, the duplicate index lists exactly the IDs held by two rosters."""
    from server.domain.conflicts import COUNTED_SQL

    units = ",".join("?" * len(codes))
    kept = conn.execute(
        f"SELECT unit_code, grade, sex, n FROM roster_counts WHERE round_id = ? AND unit_code IN ({units}) AND n > 0"
        " ORDER BY 1, 2, 3",
        [ROUND, *codes],
    ).fetchall()
    recount = conn.execute(
        "SELECT unit_code, COALESCE(grade, age_group, ''), COALESCE(sex, ''), COUNT(*) FROM pupils WHERE round_id = ?"
        f" AND unit_code IN ({units}) AND {COUNTED_SQL} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        [ROUND, *codes],
    ).fetchall()
    dups = conn.execute(
        f"SELECT unit_code, citizen_id FROM roster_duplicates WHERE round_id = ? AND unit_code IN ({units})"
        " ORDER BY 1, 2",
        [ROUND, *codes],
    ).fetchall()
    real = conn.execute(
        f"SELECT p.unit_code, p.citizen_id FROM pupils p WHERE p.round_id = ? AND p.unit_code IN ({units}) AND EXISTS"
        " (SELECT 1 FROM pupils q WHERE q.round_id = p.round_id AND q.citizen_id = p.citizen_id AND q.unit_code <>"
        " p.unit_code) ORDER BY 1, 2",
        [ROUND, *codes],
    ).fetchall()
    out = [] if kept == recount else [f"kept head counts differ from the rosters ({len(kept)} vs {len(recount)} rows)"]
    return out + ([] if dups == real else [f"duplicate index lists {len(dups)} pairs, the rosters {len(real)}"])


def _roster_problems(
    conn: sqlite3.Connection, data_dir: Path, plan: Plan, outcome: Outcome, code: str, exact: bool
) -> list[str]:
    """One institution: its roster is one whole upload (the last acknowledged, or later after a crash)."""
    acked = outcome.accepted.get(code, [])
    row = conn.execute(
        "SELECT r.upload_id, r.rows, u.sha256, u.rows FROM rosters r JOIN uploads u"
        " ON u.id = r.upload_id WHERE r.round_id = ? AND r.unit_code = ?",
        [ROUND, code],
    ).fetchone()
    if row is None:
        return [f"{code}: {len(acked)} uploads acknowledged but no roster"] if acked else []
    upload_id, roster_rows, sha, upload_rows = row
    out = []
    for acked_id, acked_sha in acked:
        stored = conn.execute("SELECT sha256 FROM uploads WHERE id = ?", [acked_id]).fetchone()
        if stored is None or stored[0] != acked_sha:
            out.append(f"{code}: acknowledged upload {acked_id} is not stored as sent")
    last = max((u for u, _s in acked), default=0)
    if (exact and upload_id != last) or upload_id < last:
        out.append(f"{code}: roster is upload {upload_id}, the last acknowledged is {last}")
    ids = {
        r[0] for r in conn.execute("SELECT citizen_id FROM pupils WHERE round_id = ? AND unit_code = ?", [ROUND, code])
    }
    expected = plan.ids.get(sha)
    if expected is None:
        out.append(f"{code}: roster comes from a file no client sent ({sha[:12]})")
    elif ids != expected:
        out.append(
            f"{code}: roster has {len(ids)} pupils, {len(ids & expected)} of upload {upload_id}'s"
            f" {len(expected)}: a mix or a partial store"
        )
    if not (len(ids) == roster_rows == upload_rows):
        out.append(f"{code}: {len(ids)} pupil rows, roster says {roster_rows}, upload says {upload_rows}")
    return out


def solo_upload_median(base: str, plan: Plan, repeat: int = 5) -> float:
    """Median latency of one client uploading alone (the deadline bench's baseline)."""
    code = plan.institutions[0]
    c = Client(base, code, Outcome())
    times = []
    for k in range(repeat):
        started = time.perf_counter()
        r = c.upload(code, plan.books[code][k % len(plan.books[code])])
        times.append(time.perf_counter() - started)
        if r.status_code != 200:
            raise RuntimeError(f"solo upload: {r.status_code} {r.text[:200]}")
    return statistics.median(times)


# --- benchmarks (`lec bench --only upload deadline`) ------------------------------------------------


def bench_upload(rows: int = 5_000, workdir: str | Path = ".", repeat: int = 7) -> list[dict[str, Any]]:
    """Upload + store a `rows`-row roster through the service vs calamine's read + raw executemany.

    Both sides are timed alternately in one run on the same files. The service alternates between two
    workbooks so each upload really replaces the roster (the same file twice is a no-op duplicate).
    """
    from python_calamine import CalamineWorkbook

    from server.domain import accounts, uploads
    from server.storage import clock, db
    from workbook_templates.bench import interleaved_medians

    work = Path(workdir) / "upload"
    plan = make_plan(1, rows, variants=2, workers=2)
    install(work, plan)
    code = plan.institutions[0]
    conn = db.connect(work / "lec.db")
    user_id = conn.execute("SELECT id FROM users WHERE login = ?", [code]).fetchone()[0]
    actor = accounts.actor_for_user(conn, user_id)
    now = clock.parse_datetime(DEADLINE_NOW)
    books = plan.books[code]
    turn, base_turn = iter(range(10**9)), iter(range(10**9))

    def service() -> None:
        result = uploads.upload_workbook(
            conn, actor, ROUND, code, books[next(turn) % 2], filename="r.xlsx", files_dir=work / "uploads", now=now
        )
        if result["rows"] != rows or result["duplicate"]:
            raise RuntimeError(f"upload not stored: {result.get('message')}")

    raw = sqlite3.connect(work / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute(
        "CREATE TABLE IF NOT EXISTS pupils (round_id TEXT, unit_code TEXT, citizen_id TEXT, row_no INTEGER,"
        " prefix TEXT, first_name TEXT, last_name TEXT, sex TEXT, birth_date TEXT, grade TEXT, room TEXT,"
        " nationality TEXT, entry_date TEXT, PRIMARY KEY (round_id, unit_code, citizen_id)) WITHOUT ROWID"
    )

    def baseline() -> None:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(books[next(base_turn) % 2]))
        sheet = wb.get_sheet_by_name("นักเรียน").to_python()
        wb.close()
        body = [(ROUND, code, *map(str, r[:11])) for r in sheet[4:] if r and r[0] != ""]
        raw.execute("BEGIN")
        raw.execute("DELETE FROM pupils WHERE round_id = ? AND unit_code = ?", [ROUND, code])
        raw.executemany("INSERT OR REPLACE INTO pupils VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", body)
        raw.execute("COMMIT")

    service()
    baseline()
    base, measured = interleaved_medians(baseline, service, repeat)
    extra = _isolation_and_durability(conn, service, books[0], work, repeat)
    conn.close()
    raw.close()
    ratio = measured / base
    return [
        {
            "name": f"upload + store a roster of {rows:,} rows",
            "rows": rows,
            "baseline": "python-calamine read + raw sqlite3 executemany of the same rows (one transaction)",
            "baseline_s": base,
            "measured_s": measured,
            "ratio": ratio,
            "target": "≤ 3×",
            "ok": ratio <= 3,
            "notes": f"the service: check scope and chain, read and validate every row in a worker process (memory and"
            f" time capped), check metadata, keep the file (fsync), replace the roster in one transaction"
            f" (synchronous=FULL), audit, look for ID conflicts; median of {repeat}",
        },
        *extra,
    ]


def _isolation_and_durability(conn: sqlite3.Connection | Any, service: Callable[[], None], book: bytes, work: Path,
                              repeat: int) -> list[dict[str, Any]]:  # fmt: skip
    """What the deadline-day hardening costs an upload: the worker process, and synchronous=FULL.

    The worker: the same file read and validated in a worker process vs in this process. The upload before
    the worker existed did the second, so (upload now) / (upload now - worker + in process) is the upload's
    cost ratio to the old path. Durability: the same uploads with the connection at synchronous=NORMAL.
    """
    from workbook_templates.bench import interleaved_medians
    from workbook_templates.check import check_file
    from workbook_templates.sandbox import check_file_isolated

    path = work / "one.xlsx"
    path.write_bytes(book)
    in_process, isolated = interleaved_medians(lambda: check_file(str(path)), lambda: check_file_isolated(path),
                                                repeat)  # fmt: skip
    upload = interleaved_medians(service, service, repeat)[0]
    before = upload - isolated + in_process

    def normal() -> None:
        conn.execute("PRAGMA synchronous=NORMAL")
        try:
            service()
        finally:
            conn.execute("PRAGMA synchronous=FULL")

    durable_normal, durable_full = interleaved_medians(normal, service, repeat)
    return [
        {
            "name": "upload with the reader in a worker process vs in the server's process",
            "rows": 5_000,
            "baseline": "the same upload with the read and validation in process (today's upload minus the"
            " worker's check plus the in-process check of the same file)",
            "baseline_s": before,
            "measured_s": upload,
            "ratio": upload / before,
            "target": "≤ 1.3×",
            "ok": upload / before <= 1.3,
            "notes": f"check in a worker {isolated:.3f} s vs in process {in_process:.3f} s (fork from a preloaded"
            f" fork server, records sent back pickled); median of {repeat}",
        },
        {
            "name": "upload + store with synchronous=FULL (durable on power loss) vs NORMAL",
            "rows": 5_000,
            "baseline": "the same uploads with PRAGMA synchronous=NORMAL",
            "baseline_s": durable_normal,
            "measured_s": durable_full,
            "ratio": durable_full / durable_normal,
            "target": "reported (the price of not losing an acknowledged upload)",
            "ok": True,
            "notes": f"WAL mode; FULL syncs the WAL at every commit; median of {repeat}",
        },
    ]


def bench_deadline(
    clients: int = 200,
    rows: int = 1_000,
    workdir: str | Path = ".",
    background: Path | None = None,
    background_note: str = "",
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The deadline-day script with `clients` schools (+ their LAOs and provinces) on a live server."""
    work = Path(workdir) / "deadline"
    plan = make_plan(clients, rows, progress=progress)
    install(work, plan, background=background)
    with LiveServer(work) as server:
        solo = solo_upload_median(server.base, plan)
        outcome = run_deadline(server.base, plan, time_limit=1800)
    problems = check_invariants(work, plan, outcome)
    s = outcome.summary()
    up = s["by_kind"].get("upload", {})
    n_clients = len(plan.institutions) + len(plan.laos) + len(plan.provinces)
    lines = "; ".join(
        f"{k} p50/p95/p99 {v['p50']:.2f}/{v['p95']:.2f}/{v['p99']:.2f} s (n={v['n']})" for k, v in s["by_kind"].items()
    )
    return {
        "name": f"deadline day: {n_clients} concurrent clients, {clients} schools uploading {rows:,}-row workbooks",
        "rows": clients * rows,
        "baseline": "the same upload by one client alone (median)",
        "baseline_s": solo,
        "measured_s": up.get("p95", float("nan")),
        "ratio": up.get("p95", float("nan")) / solo,
        "target": "no lost or half-stored upload; p95 reported",
        "ok": not problems and not outcome.failures,
        "notes": f"measured = upload p95 under load; {s['requests']:,} requests in {s['wall_s']:.1f} s"
        f" ({s['throughput_rps']:.1f} requests/s, {s['uploads']} uploads), statuses {s['statuses']};"
        f" {lines}; invariants: {'all hold' if not problems else problems[:3]}"
        f"{'; failures: ' + str(outcome.failures[:3]) if outcome.failures else ''}; {background_note}",
        "deadline": s,
    }
