"""SQLite through sqlite-utils: connection settings, the schema and its forward migrations.

Why these settings: WAL lets the pages read while an upload writes; `busy_timeout` makes 200 clients on
deadline day queue instead of failing; foreign keys keep a roster from pointing at a unit that is not in
the registry. Write transactions start with `BEGIN IMMEDIATE` (see `transaction`) so two writers never
deadlock on a read-to-write upgrade.

Tables (schema version 4):
  units           the registry: code, name, kind, level (province/lao/institution/other_school), parent
  users           one login per unit code (role 'unit') or a national admin (role 'admin'); argon2 hash
  profiles        the responsible person behind a login; a new person = a new row, the old one is ended
  tokens          bearer tokens, stored as SHA-256 of the token (the token itself is never stored)
  login_attempts  for the login guard (server/login_guard.py): per account-and-address backoff
  web_sessions    server-side web sessions: SHA-256 of the cookie's random id -> the session's contents
  rounds          YEAR-N, mode confirm|correction, census date, opens, the three deadlines, closes,
                  basis_round (a correction round's allocation basis)
  exceptions      a unit's recorded permission to act after a deadline / after closing
  files           every uploaded file, content-addressed (sha256) under <data>/uploads/ab/cdef...
  uploads         accepted uploads: which file became a unit's roster, by whom, on whose behalf
  rosters         the current roster of (round, unit): which upload it came from
  pupils          the roster rows of institutions (citizen_id TEXT)
  removals        the removed-children register rows of institutions
  other_counts    an LAO's other-affiliation head counts, one row per other school (its span, and
                  whether the registry lists it: an unlisted one is flagged for the province)
  cdc_basic       a child centre's basic data per round (caregivers, classrooms, capacity, head)
  roster_counts   head counts per (round, institution, grade, sex) as counted (conflicts.recount)
  roster_duplicates  (round, unit, citizen ID) for every ID on two or more rosters (conflicts.note_duplicates)
  confirmations   who confirmed (round, unit) and when (+ the snapshot a province froze); a revoke
                  deletes the row (the audit keeps it)
  snapshots       frozen at each province confirmation: the allocation basis (append-only)
  snapshot_counts its counts per unit, grade and sex (append-only)
  audit           append-only log of every login, upload, confirm, revoke, exception (triggers refuse
                  UPDATE and DELETE)
Schema version 3 adds server-side web sessions; version 4 the academic records' tables (storage/records_schema.py);
version 8 the registrars and the graduate reports (storage/graduates_schema.py).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from server.storage import clock
from server.storage.graduates_schema import SCHEMA_V8
from server.storage.history_schema import SCHEMA_V9
from server.storage.records_schema import SCHEMA_V4

APPEND_ONLY = ("audit", "snapshots", "snapshot_counts")

_COUNT_COLUMNS = ",\n  ".join(
    f"{g}_{s} INTEGER NOT NULL DEFAULT 0"
    for g in ("k1", "k2", "k3", "p1", "p2", "p3", "p4", "p5", "p6", "m1", "m2", "m3")
    for s in ("m", "f")
)

SCHEMA_V1 = f"""
CREATE TABLE units (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('province','pao','city','town','subdistrict','sao',
                                     'school','college','cdc','other_school')),
  level TEXT NOT NULL CHECK (level IN ('province','lao','institution','other_school')),
  parent TEXT REFERENCES units(code),
  updated_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('unit','admin')),
  unit_code TEXT REFERENCES units(code),
  password_hash TEXT NOT NULL,
  must_complete_profile INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  CHECK ((role = 'admin') = (unit_code IS NULL))
);

CREATE TABLE profiles (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  position TEXT NOT NULL,
  phone TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX profiles_user ON profiles(user_id);

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);

CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL,
  addr TEXT,
  at TEXT NOT NULL,
  ok INTEGER NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts(login, at);
CREATE INDEX login_attempts_addr ON login_attempts(addr, at);

CREATE TABLE rounds (
  id TEXT PRIMARY KEY,
  year INTEGER NOT NULL,
  round_no INTEGER NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('confirm','correction')),
  as_of TEXT NOT NULL,
  opens TEXT NOT NULL,
  institution_deadline TEXT NOT NULL,
  lao_deadline TEXT NOT NULL,
  province_deadline TEXT NOT NULL,
  closes TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE exceptions (
  id INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL REFERENCES rounds(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  until TEXT NOT NULL,
  reason TEXT NOT NULL,
  granted_by INTEGER REFERENCES users(id),
  granted_at TEXT NOT NULL
);
CREATE INDEX exceptions_unit ON exceptions(round_id, unit_code);

CREATE TABLE files (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL
);

CREATE TABLE uploads (
  id INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL REFERENCES rounds(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  form TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES files(sha256),
  filename TEXT,
  user_id INTEGER NOT NULL REFERENCES users(id),
  profile_id INTEGER REFERENCES profiles(id),
  on_behalf INTEGER NOT NULL DEFAULT 0,
  rows INTEGER NOT NULL,
  removals INTEGER NOT NULL DEFAULT 0,
  warnings TEXT NOT NULL DEFAULT '[]',
  at TEXT NOT NULL
);
CREATE INDEX uploads_unit ON uploads(round_id, unit_code);

CREATE TABLE rosters (
  round_id TEXT NOT NULL REFERENCES rounds(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  form TEXT NOT NULL,
  upload_id INTEGER NOT NULL REFERENCES uploads(id),
  rows INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (round_id, unit_code)
);

CREATE TABLE pupils (
  round_id TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  row_no INTEGER,
  prefix TEXT, first_name TEXT, last_name TEXT, sex TEXT, birth_date TEXT,
  grade TEXT, room TEXT, nationality TEXT, entry_date TEXT,
  PRIMARY KEY (round_id, unit_code, citizen_id)
) WITHOUT ROWID;
CREATE INDEX pupils_citizen ON pupils(round_id, citizen_id);

CREATE TABLE removals (
  round_id TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  row_no INTEGER,
  prefix TEXT, first_name TEXT, last_name TEXT, removed_on TEXT, reason TEXT, note TEXT,
  PRIMARY KEY (round_id, unit_code, citizen_id)
) WITHOUT ROWID;

CREATE TABLE other_counts (
  round_id TEXT NOT NULL,
  lao_code TEXT NOT NULL,
  other_school_code TEXT NOT NULL,
  row_no INTEGER,
  other_school_name TEXT,
  affiliation TEXT,
  closed INTEGER NOT NULL DEFAULT 0,
  {_COUNT_COLUMNS},
  PRIMARY KEY (round_id, lao_code, other_school_code)
) WITHOUT ROWID;

CREATE TABLE confirmations (
  round_id TEXT NOT NULL REFERENCES rounds(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  confirmed_at TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  profile_id INTEGER REFERENCES profiles(id),
  exception_id INTEGER REFERENCES exceptions(id),
  PRIMARY KEY (round_id, unit_code)
);

CREATE TABLE snapshots (
  id INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL REFERENCES rounds(id),
  province_code TEXT NOT NULL REFERENCES units(code),
  taken_at TEXT NOT NULL,
  user_id INTEGER REFERENCES users(id),
  profile_id INTEGER REFERENCES profiles(id),
  total INTEGER NOT NULL
);
CREATE INDEX snapshots_province ON snapshots(round_id, province_code);

CREATE TABLE snapshot_counts (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  lao_code TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('roster','other')),
  grade TEXT NOT NULL,
  sex TEXT NOT NULL,
  count INTEGER NOT NULL
);
CREATE INDEX snapshot_counts_snapshot ON snapshot_counts(snapshot_id);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code TEXT,
  user_id INTEGER,
  login TEXT,
  profile_id INTEGER,
  actor_unit TEXT,
  round_id TEXT,
  unit_code TEXT,
  file_sha256 TEXT,
  detail TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX audit_target ON audit(round_id, unit_code);
CREATE INDEX audit_user ON audit(user_id);
""" + "".join(
    f"""
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
"""
    for t in APPEND_ONLY
)

SCHEMA_V2 = """
ALTER TABLE confirmations ADD COLUMN snapshot_id INTEGER REFERENCES snapshots(id);
"""
"""v2: a province confirmation points at the snapshot it froze (is that snapshot still in force?)."""

SCHEMA_V3 = """
CREATE TABLE web_sessions (
  sid_hash TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);
"""
"""v3: server-side web sessions (server/web_session.py); the cookie carries only a random id."""

SCHEMA_V5 = """
ALTER TABLE rounds ADD COLUMN basis_round TEXT REFERENCES rounds(id);
"""
"""v5 (season): a correction round names the confirm round whose province snapshots are its allocation
basis (server/domain/correction.py)."""


SCHEMA_V6 = """
ALTER TABLE units ADD COLUMN grades TEXT CHECK (grades IS NULL OR grades IN ('k1-p6','k1-m3','p1-m3'));
ALTER TABLE units ADD COLUMN affiliation TEXT;
ALTER TABLE other_counts ADD COLUMN grades TEXT;
ALTER TABLE other_counts ADD COLUMN registered INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pupils ADD COLUMN age_group TEXT;
CREATE TABLE cdc_basic (
  round_id TEXT NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  upload_id INTEGER NOT NULL,
  caregivers INTEGER NOT NULL,
  assistants INTEGER NOT NULL,
  classrooms INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  head_name TEXT NOT NULL,
  head_phone TEXT NOT NULL,
  PRIMARY KEY (round_id, unit_code)
) WITHOUT ROWID;
"""
"""v6: an other-affiliation school's grade span and affiliation in the registry (and on each counted row,
with whether the registry listed it); a child's age group on 16 May; a child centre's basic data."""


SCHEMA_V7 = """
CREATE TABLE conflict_decisions (
  id INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL REFERENCES rounds(id),
  citizen_id TEXT NOT NULL,
  keep_unit TEXT NOT NULL REFERENCES units(code),
  kind TEXT NOT NULL CHECK (kind IN ('present', 'mistyped')),
  reason TEXT NOT NULL,
  units TEXT NOT NULL,
  decider TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  profile_id INTEGER REFERENCES profiles(id),
  withdrawn_at TEXT,
  withdrawn_by INTEGER REFERENCES users(id),
  withdrawn_profile INTEGER REFERENCES profiles(id),
  withdraw_reason TEXT
);
CREATE UNIQUE INDEX conflict_decisions_active ON conflict_decisions(round_id, citizen_id) WHERE withdrawn_at IS NULL;
CREATE TABLE conflict_seen (
  round_id TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  PRIMARY KEY (round_id, citizen_id)
);
CREATE TABLE spot_checks (
  id INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL REFERENCES rounds(id),
  province_code TEXT NOT NULL REFERENCES units(code),
  seed INTEGER NOT NULL,
  institutions INTEGER NOT NULL,
  children INTEGER NOT NULL,
  drawn_at TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  profile_id INTEGER REFERENCES profiles(id),
  recorded_at TEXT,
  recorded_by INTEGER REFERENCES users(id)
);
CREATE INDEX spot_checks_province ON spot_checks(round_id, province_code);
CREATE TABLE spot_check_items (
  spot_check_id INTEGER NOT NULL REFERENCES spot_checks(id),
  seq INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  citizen_id TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT,
  grade TEXT,
  risk REAL NOT NULL DEFAULT 0,
  found INTEGER,
  note TEXT,
  recorded_at TEXT,
  PRIMARY KEY (spot_check_id, unit_code, citizen_id)
);
CREATE INDEX spot_check_items_unit ON spot_check_items(unit_code);
"""
"""v7: duplicate decisions (who keeps a child, why, by whom; withdrawn ones stay), when each conflict was
first seen, and the province's spot-checks with the children drawn and what the visit found."""


SCHEMA_V10 = """
CREATE TABLE other_pupils (
  round_id TEXT NOT NULL,
  lao_code TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  other_school_code TEXT NOT NULL,
  other_school_name TEXT,
  row_no INTEGER,
  prefix TEXT, first_name TEXT, last_name TEXT, grade TEXT,
  PRIMARY KEY (round_id, lao_code, citizen_id)
) WITHOUT ROWID;
CREATE INDEX other_pupils_citizen ON other_pupils(round_id, citizen_id);
ALTER TABLE conflict_decisions ADD COLUMN other_school_code TEXT;
ALTER TABLE conflict_decisions ADD COLUMN other_school_name TEXT;
ALTER TABLE spot_check_items ADD COLUMN explanation TEXT;
ALTER TABLE spot_check_items ADD COLUMN explained_at TEXT;
ALTER TABLE spot_check_items ADD COLUMN explained_by INTEGER REFERENCES users(id);
ALTER TABLE spot_check_items ADD COLUMN explained_profile INTEGER REFERENCES profiles(id);
"""
"""v10 (integrity): the pupil list an LAO may attach to its other-affiliation counts (cross-checked against
every roster of the round); which other-affiliation school a decision of such a conflict names; and the
institution's recorded explanation for a child a spot-check did not find."""


SCHEMA_V11 = """
CREATE TABLE roster_counts (
  round_id TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  grade TEXT NOT NULL,
  sex TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (round_id, unit_code, grade, sex)
) WITHOUT ROWID;
INSERT INTO roster_counts (round_id, unit_code, grade, sex, n)
  SELECT round_id, unit_code, COALESCE(grade, age_group, ''), COALESCE(sex, ''), COUNT(*) FROM pupils
  WHERE NOT EXISTS (SELECT 1 FROM conflict_decisions cd WHERE cd.round_id = pupils.round_id
    AND cd.citizen_id = pupils.citizen_id AND cd.withdrawn_at IS NULL AND cd.keep_unit <> pupils.unit_code)
  GROUP BY round_id, unit_code, COALESCE(grade, age_group, ''), COALESCE(sex, '');
CREATE TABLE roster_duplicates (
  round_id TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  PRIMARY KEY (round_id, unit_code, citizen_id)
) WITHOUT ROWID;
CREATE INDEX roster_duplicates_citizen ON roster_duplicates(round_id, citizen_id);
INSERT INTO roster_duplicates (round_id, unit_code, citizen_id)
  SELECT p.round_id, p.unit_code, p.citizen_id FROM pupils p WHERE EXISTS (SELECT 1 FROM pupils q
    WHERE q.round_id = p.round_id AND q.citizen_id = p.citizen_id AND q.unit_code <> p.unit_code);
"""
"""v11 (perf): head counts per institution, grade (or a centre's age group) and sex, by the rule of
`conflicts.COUNTED_SQL` (a child a standing decision gave to another institution counts there only),
recounted by `conflicts.recount` in the transaction that changes a roster or a decision. Why stored: a
province's status summed 67,000 pupil rows with a NOT EXISTS per row (210 ms of CPU on the deadline-day
database) while LAOs and provinces poll it. The backfill here repeats that rule once, for old data.
And which IDs sit on two rosters of a round, per unit (`conflicts.note_duplicates` keeps it as rosters
change): finding a province's conflicts probed each pupil row (118 ms of CPU per status)."""


MIGRATIONS: list[str] = [
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_V3,
    SCHEMA_V4,
    SCHEMA_V5,
    SCHEMA_V6,
    SCHEMA_V7,
    SCHEMA_V8,
    SCHEMA_V9,
    SCHEMA_V10,
    SCHEMA_V11,
]
"""Forward migrations: MIGRATIONS[i] brings the schema from version i to i + 1. Only ever append."""


def connect(path: str | Path, busy_timeout_ms: int = 30_000) -> sqlite_utils.Database:
    """Open the database with the settings every connection needs (see module docstring).

    `busy_timeout_ms` is how long a write waits for another writer before "database is locked" (which
    the app answers with 503 and Retry-After); tests shorten it.
    """
    if str(path) != ":memory:" and not os.path.exists(path):
        # created 0600 before SQLite opens it, so the -wal and -shm files (same mode) are private too:
        # the database holds citizen IDs and password hashes
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    conn.execute("PRAGMA synchronous=FULL")  # an acknowledged upload or confirmation survives power loss
    return sqlite_utils.Database(conn)


@contextmanager
def transaction(
    db: sqlite_utils.Database, *, heavy: bool = False, durable: bool = True
) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with BEGIN IMMEDIATE so concurrent writers queue on busy_timeout.

    Nested use joins the outer transaction (sqlite-utils' atomic() savepoints) rather than failing.
    `heavy`: a long write (a roster store); light writers waiting at the same time go first.
    `durable=False`: bookkeeping a power cut may lose (a login's attempt record and token): committed
    without its own fsync (synchronous=NORMAL; WAL keeps it consistent, and the next durable commit syncs
    it too). 242 logins at once are 484 commits; at 6-19 ms an fsync, each queued for the write lock,
    they made the last login wait 11 s.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    # Writers of this process queue on a lock first: SQLite's own busy handler polls with sleeps of up to
    # 100 ms, so on deadline day a confirmation could wait seconds behind a stream of roster stores.
    if not _WRITERS.acquire(_busy_seconds(db) * (HEAVY_WAIT_FACTOR if heavy else 1), heavy=heavy):
        raise sqlite3.OperationalError("database is locked")
    try:
        if not durable:
            db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
    finally:
        if not durable:
            db.execute("PRAGMA synchronous=FULL")
        _WRITERS.release()


class _WriterQueue:
    """One writer at a time in this process; a waiting light writer (a login, a confirmation, an audit
    record) goes before a waiting heavy one (a roster store), so the light requests of deadline day do
    not queue behind the upload storm. Heavy writers are served in the order they came (with a plain
    lock an unlucky store lost every race and answered 503 after 30 s in the full-size run), each
    whenever no light one waits."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._busy = False
        self._light_waiting = 0
        self._heavy: list[int] = []  # tickets of waiting heavy writers, oldest first: served in turn
        self._tickets = 0

    def acquire(self, timeout: float, *, heavy: bool = False) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            ticket = self._tickets
            if heavy:
                self._tickets += 1
                self._heavy.append(ticket)
            else:
                self._light_waiting += 1
            try:
                while self._busy or (heavy and (self._light_waiting or self._heavy[0] != ticket)):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                self._busy = True
                return True
            finally:
                if heavy:
                    self._heavy.remove(ticket)
                    self._cond.notify_all()  # the next ticket may now be first
                else:
                    self._light_waiting -= 1

    def release(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()


HEAVY_WAIT_FACTOR = 4
"""A roster store waits this many busy timeouts for the write queue (2 minutes by default) before a 503:
it has already been read and validated, and a 503 makes the client send it and a worker read it again.
In the full-size run of 20:33 (shared machine), 5 of 440 stores gave up after 30 s."""

_WRITERS = _WriterQueue()
"""One writer at a time in this process (SQLite allows one anyway); other processes still meet BEGIN IMMEDIATE."""


def _busy_seconds(db: sqlite_utils.Database) -> float:
    return float(db.execute("PRAGMA busy_timeout").fetchone()[0]) / 1000 or 30.0


def rebuild_kept(db: sqlite_utils.Database, round_id: str) -> None:
    """Rewrite a round's kept head counts and duplicate index from its rosters (schema v11), for writers
    that fill a round in bulk (a correction window seeded from its basis round). The rule is
    conflicts.COUNTED_SQL's, repeated here because storage cannot import the domain; the services keep
    a unit's with conflicts.recount / note_duplicates."""
    db.execute("DELETE FROM roster_counts WHERE round_id = ?", [round_id])
    db.execute(
        "INSERT INTO roster_counts (round_id, unit_code, grade, sex, n) SELECT round_id, unit_code,"
        " COALESCE(grade, age_group, ''), COALESCE(sex, ''), COUNT(*) FROM pupils WHERE round_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM conflict_decisions cd WHERE cd.round_id = pupils.round_id AND cd.citizen_id ="
        " pupils.citizen_id AND cd.withdrawn_at IS NULL AND cd.keep_unit <> pupils.unit_code)"
        " GROUP BY round_id, unit_code, COALESCE(grade, age_group, ''), COALESCE(sex, '')",
        [round_id],
    )
    db.execute("DELETE FROM roster_duplicates WHERE round_id = ?", [round_id])
    db.execute(
        "INSERT INTO roster_duplicates (round_id, unit_code, citizen_id) SELECT p.round_id, p.unit_code, p.citizen_id"
        " FROM pupils p WHERE p.round_id = ? AND EXISTS (SELECT 1 FROM pupils q WHERE q.round_id = p.round_id"
        " AND q.citizen_id = p.citizen_id AND q.unit_code <> p.unit_code)",
        [round_id],
    )


def schema_version(db: sqlite_utils.Database) -> int:
    if "schema_version" not in db.table_names():
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration the database has not seen yet, each in its own transaction."""
    with transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    current = schema_version(db)
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        with transaction(db):
            for statement in _split(script):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                [version, clock.iso(clock.now())],
            )
    return schema_version(db)


def _split(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole (executescript would COMMIT)."""
    statements, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        if text and sqlite3.complete_statement(text):
            statements.append(text)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        statements.append(rest)
    return statements


STALE_STATS_FACTOR = 10
"""A table whose row count is this many times above or below what its statistics say is analysed again."""


def refresh_stale_stats(db: sqlite_utils.Database) -> list[str]:
    """ANALYZE each table whose planner statistics (sqlite_stat1) no longer match its size; -> the tables.

    Why: statistics taken when a table was nearly empty mislead the planner for good. Measured on the
    deadline-day database (1.5 M pupils, analysed before 28,000 accounts were issued): `users` said 1 row,
    so every join to it became a scan, and looking up a token's actor cost 17 ms instead of 0.1 ms.
    SQLite's own `PRAGMA optimize` (3.40) left those statistics alone. Counting the rows costs about 0.1 s
    on that database; analysing only the stale tables keeps a start fast (a full ANALYZE takes 2.4 s).
    """
    tables = set(db.table_names())
    if "sqlite_stat1" not in tables:
        return []
    stale = []
    for table, stat in db.execute("SELECT tbl, MIN(stat) FROM sqlite_stat1 GROUP BY tbl").fetchall():
        if table not in tables:
            continue
        said = max(1, int(str(stat).split()[0] or 0))
        actual = max(1, int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]))
        if max(said, actual) >= STALE_STATS_FACTOR * min(said, actual):
            stale.append(table)
    for table in stale:
        with transaction(db):
            db.execute(f'ANALYZE "{table}"')
    return stale


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Connect, bring the schema up to date and refresh stale planner statistics: what the app, the CLI and
    the tests call."""
    db = connect(path)
    migrate(db)
    refresh_stale_stats(db)
    return db
