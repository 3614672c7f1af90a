"""The database: settings, migrations, append-only audit enforced by SQLite itself."""

from __future__ import annotations

import sqlite3

import pytest

from server.domain import audit
from server.storage import db


def test_settings_and_schema_version(tmp_path) -> None:
    conn = db.open_db(tmp_path / "lec.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.schema_version(conn) == len(db.MIGRATIONS)
    assert db.migrate(conn) == len(db.MIGRATIONS)  # idempotent
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version")] == list(range(1, len(db.MIGRATIONS) + 1))


def test_forward_migration_is_applied_once(tmp_path, monkeypatch) -> None:
    conn = db.open_db(tmp_path / "lec.db")
    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, "CREATE TABLE later (x TEXT);"])
    assert db.migrate(conn) == len(db.MIGRATIONS)
    assert "later" in conn.table_names()


def test_audit_is_append_only(tmp_path) -> None:
    conn = db.open_db(tmp_path / "lec.db")
    with db.transaction(conn):
        audit.record(conn, "login", login="56")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit SET outcome = 'refused'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit")
    assert conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 1


def test_foreign_keys_are_enforced(tmp_path) -> None:
    conn = db.open_db(tmp_path / "lec.db")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO units (code, name, kind, level, parent, updated_at)"
            " VALUES ('3056100001', 'x', 'school', 'institution', '02560001', 'now')"
        )


def test_a_failed_transaction_leaves_nothing(tmp_path) -> None:
    conn = db.open_db(tmp_path / "lec.db")
    with pytest.raises(RuntimeError), db.transaction(conn):
        audit.record(conn, "login", login="56")
        raise RuntimeError
    assert conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0


def test_a_version_1_database_is_upgraded(tmp_path, monkeypatch) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as m:
        m.setattr(db, "MIGRATIONS", db.MIGRATIONS[:1])
        old = db.open_db(path)
        assert db.schema_version(old) == 1 and "snapshot_id" not in old["confirmations"].columns_dict
        old.close()
    upgraded = db.open_db(path)
    assert db.schema_version(upgraded) == len(db.MIGRATIONS)
    assert "snapshot_id" in upgraded["confirmations"].columns_dict


def test_stale_planner_statistics_are_refreshed_at_open(tmp_path) -> None:
    """Statistics taken while `users` held one row made every join to it a scan (17 ms per token lookup on
    the deadline-day database); opening the database analyses such a table again, and only such a table."""
    path = tmp_path / "lec.db"
    conn = db.open_db(path)
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO users (login, role, password_hash, must_complete_profile, created_at)"
            " VALUES ('admin0', 'admin', 'x', 0, '2024-01-01')"
        )
        conn.execute("ANALYZE")
        conn.conn.executemany(
            "INSERT INTO users (login, role, password_hash, must_complete_profile, created_at)"
            " VALUES (?, 'admin', 'x', 0, '2024-01-01')",
            [(f"admin{i}",) for i in range(1, 500)],
        )
    plan = "EXPLAIN QUERY PLAN SELECT u.login FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?"
    stale = " ".join(r[3] for r in conn.execute(plan, ["h"]))
    assert "SCAN u" in stale  # the planner believes `users` has one row
    conn.close()
    conn = db.open_db(path)
    assert conn.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'users'").fetchone()[0].split()[0] == "500"
    assert "SEARCH u USING INTEGER PRIMARY KEY" in " ".join(r[3] for r in conn.execute(plan, ["h"]))
    assert db.refresh_stale_stats(conn) == []  # fresh now: nothing analysed again


def test_a_waiting_light_writer_goes_before_a_waiting_roster_store(tmp_path) -> None:
    """Deadline day: a confirmation or a login waiting for the write lock is served before a roster store
    that has waited longer, so light requests do not queue behind the upload storm."""
    import threading
    import time

    path = tmp_path / "lec.db"
    db.open_db(path).close()
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def writer(name: str, heavy: bool) -> None:
        conn = db.connect(path)
        with db.transaction(conn, heavy=heavy):
            if name == "first":
                holding.set()
                release.wait(10)
            order.append(name)
        conn.close()

    first = threading.Thread(target=writer, args=("first", False))
    first.start()
    assert holding.wait(10)
    heavy = threading.Thread(target=writer, args=("store", True))
    heavy.start()
    time.sleep(0.2)  # the store waits first
    light = threading.Thread(target=writer, args=("confirm", False))
    light.start()
    time.sleep(0.2)
    release.set()
    for t in (first, heavy, light):
        t.join(10)
    assert order == ["first", "confirm", "store"]


def test_waiting_roster_stores_are_served_in_the_order_they_came(tmp_path) -> None:
    """A plain lock let an unlucky store lose every race for 30 s (503) while others went ahead."""
    import threading
    import time

    path = tmp_path / "lec.db"
    db.open_db(path).close()
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def writer(name: str) -> None:
        conn = db.connect(path)
        with db.transaction(conn, heavy=True):
            if name == "first":
                holding.set()
                release.wait(10)
            order.append(name)
        conn.close()

    threads = [threading.Thread(target=writer, args=("first",))]
    threads[0].start()
    assert holding.wait(10)
    for k in range(6):
        threads.append(threading.Thread(target=writer, args=(f"store{k}",)))
        threads[-1].start()
        time.sleep(0.1)
    release.set()
    for t in threads:
        t.join(10)
    assert order == ["first", *(f"store{k}" for k in range(6))]
