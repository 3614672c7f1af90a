"""What a refused upload leaves on disk (nothing, or its audit copy under a quota), and how the data dir is kept.

Scope, round and chain state are checked before a byte is stored, so a 403, 409 or 423 leaves only its
audit record; a 422 from a caller in scope is kept for the audit trail while the unit's rejected files stay
under their quota; accepted files count against the unit's quota; the database is private and durable.
"""

from __future__ import annotations

import stat
from pathlib import Path

from serverkit import World

from server.storage import db as server_db

SCHOOL = "3056200001"
OTHER_SCHOOL = "3056100001"


def _stored(world: World) -> set[Path]:
    """Every file under the file store and the incoming dir."""
    root = Path(world.app.config["FILES_DIR"])
    incoming = root.parent / "incoming"
    return {p for d in (root, incoming) if d.exists() for p in d.rglob("*") if p.is_file()}


def _kept(world: World, sha: str) -> bool:
    root = Path(world.app.config["FILES_DIR"])
    return (root / sha[:2] / sha[2:]).exists()


def _last_upload_audit(world: World) -> dict:
    return world.audit(action="upload")[-1]


def test_a_refusal_before_reading_keeps_nothing(world: World) -> None:
    big = world.workbook(OTHER_SCHOOL, n=300)
    before = _stored(world)
    resp = world.send(SCHOOL, OTHER_SCHOOL, big)  # another school's URL
    assert resp.status_code == 403
    assert _stored(world) == before
    record = _last_upload_audit(world)
    assert record["outcome"] == "refused" and record["file_sha256"]  # the hash is audited, the bytes are not

    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=5)).status_code == 200
    assert world.confirm(SCHOOL).status_code == 200
    before = _stored(world)
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=6, seed=3))
    assert resp.status_code == 409 and _stored(world) == before  # confirmed: nothing kept

    world.set_now("2024-11-13T10:00:00+07:00")  # the round has closed
    before = _stored(world)
    resp = world.send(OTHER_SCHOOL, OTHER_SCHOOL, world.workbook(OTHER_SCHOOL, n=5))
    assert resp.status_code == 423 and _stored(world) == before


def test_a_rejected_file_in_scope_is_kept_under_its_quota(world: World) -> None:
    rows = world.roster(SCHOOL, n=4)
    rows[0]["first_name"] = "สม2ชาย"
    bad = world.workbook(SCHOOL, rows)
    assert world.send(SCHOOL, SCHOOL, bad).status_code == 422
    record = _last_upload_audit(world)
    assert _kept(world, record["file_sha256"]) and '"kept": true' in record["detail"]

    world.app.config["REJECTED_QUOTA_MB"] = 0  # the unit's share for rejected files is used up
    rows[1]["last_name"] = "ใจ3ดี"
    worse = world.workbook(SCHOOL, rows)
    assert world.send(SCHOOL, SCHOOL, worse).status_code == 422
    record = _last_upload_audit(world)
    assert not _kept(world, record["file_sha256"]) and '"kept": false' in record["detail"]


def test_an_accepted_file_beyond_the_unit_quota_is_413_and_stores_nothing(world: World) -> None:
    first, second = world.workbook(SCHOOL, n=5), world.workbook(SCHOOL, n=6, seed=1)
    assert world.send(SCHOOL, SCHOOL, first).status_code == 200
    assert world.send(SCHOOL, SCHOOL, second).status_code == 200
    world.app.config["UNIT_QUOTA_MB"] = 0
    before = world.db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0]
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=7, seed=2))
    assert resp.status_code == 413 and resp.get_json()["error"] == "unit_quota"
    assert "พื้นที่เก็บไฟล์" in resp.get_json()["message"]
    assert world.db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0] == before
    # content the store already holds costs nothing more: one copy per content
    assert world.send(SCHOOL, SCHOOL, first).status_code == 200


def test_the_data_dir_and_its_files_are_private(world: World) -> None:
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=5)).status_code == 200
    data = Path(world.app.config["DATA_DIR"])
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("lec.db", "lec.db-wal", "lec.db-shm", "secret_key"):
        path = data / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    kept = [p for p in Path(world.app.config["FILES_DIR"]).rglob("*") if p.is_file()]
    assert kept and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)


def test_commits_are_durable(tmp_path: Path) -> None:
    conn = server_db.connect(tmp_path / "x.db")
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: synced at every commit
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
