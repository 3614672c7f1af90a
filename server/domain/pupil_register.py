"""The registrar's pupil register: per pupil of a school, what the documents need and the census lacks.

    prefill_rows(db, code, round_id) -> [dict]     the register form's rows: the census roster of
                                                   `round_id` with what the register holds, then the
                                                   register's pupils no longer on it
    server_checks(db, code, records) -> [error]    the register rules that need the server's data
    store(db, code, year, records, upload_id)      replace the register rows of the file's pupils
    register(db, actor, code) -> [dict]            the school's register (scope: view)
    template_bytes(db, actor, year, code, round)   the pre-filled register form (xlsx)

Uploads go through the academic records' path (`records.upload_records_workbook`, form `register`):
scope, the capped worker, whole or nothing, the file kept, audited. The rules of the form are in
`validators.academic.register`; the server adds what only it knows: the census birth dates (entry before
birth against the date it trusts, not the workbook's copy), the ปพ.1 numbers of the school's other pupils
already registered, and which pupils the school has. Who may upload: today the unit's accounts
(`scope.check(..., "upload")` in `records.upload_records_workbook`); the registrar roles of issue 16
item 1 narrow it to the school's registrar in `server_checks`' caller, where the form is known.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import sqlite_utils

from server.domain import scope
from server.domain.actor import Actor
from validators.academic.register import entry_before_birth, pp1_taken, unknown_pupils
from workbook_templates.academic_build import REGISTER_COLUMNS
from workbook_templates.academic_register import SHEET_NAME, build_register

LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(REGISTER_COLUMNS)}
STORED = ("student_no", "first_name", "last_name", "birth_date", "class_name", "father_name", "mother_name",
          "entry_date", "previous_school", "leave_date", "leave_reason", "pp1_series", "pp1_number")  # fmt: skip


def _class(grade: str | None, room: str | None) -> str:
    return f"{grade}/{room.strip()}" if grade and room and room.strip() else grade or ""


def prefill_rows(db: sqlite_utils.Database, code: str, round_id: str | None) -> list[dict[str, Any]]:
    """The register form's rows (REGISTER_COLUMNS keys): the roster's pupils in roster order, each with its
    stored register values (the census entry date where the register has none), then the register's
    pupils who are no longer on the roster."""
    held = {r["citizen_id"]: dict(r) for r in db.query("SELECT * FROM pupil_register WHERE unit_code = ?", [code])}
    rows: list[dict[str, Any]] = []
    if round_id is not None:
        census = db.query(
            "SELECT citizen_id, first_name, last_name, birth_date, grade, room, entry_date FROM pupils"
            " WHERE round_id = ? AND unit_code = ? ORDER BY row_no",
            [round_id, code],
        )
        for p in census:
            kept = held.pop(p["citizen_id"], {})
            rows.append({
                **{k: kept.get(k) for k in STORED},
                "citizen_id": p["citizen_id"], "first_name": p["first_name"], "last_name": p["last_name"],
                "birth_date": p["birth_date"], "class_name": _class(p["grade"], p["room"]),
                "entry_date": kept.get("entry_date") or p["entry_date"],
            })  # fmt: skip
    rows += [{"citizen_id": cid, **{k: r.get(k) for k in STORED}} for cid, r in sorted(held.items())]
    return rows


def _error(f: Any) -> dict[str, Any]:
    cell = f"{SHEET_NAME}!{LETTER.get(f.column or '', 'A')}{f.row}" if f.row else None
    return {"sheet": SHEET_NAME, "row": f.row, "column": f.column, "code": f.code, "message": f.message,
            "cell": cell, "value": f.value}  # fmt: skip


def server_checks(db: sqlite_utils.Database, code: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Errors only the server can find: entry before the census birth date, a ปพ.1 number that is
    another registered pupil's, a pupil the school has neither on its census nor in its register."""
    births: dict[str, date] = {}
    for cid, birth in db.execute(
        "SELECT p.citizen_id, p.birth_date FROM pupils p JOIN rounds r ON r.id = p.round_id"
        " WHERE p.unit_code = ? ORDER BY r.year, r.round_no",
        [code],
    ):
        if birth:
            try:
                births[cid] = date.fromisoformat(birth)
            except ValueError:
                continue
    registered = db.execute(
        "SELECT citizen_id, pp1_series, pp1_number FROM pupil_register WHERE unit_code = ?", [code]
    ).fetchall()
    taken = {(s, n): cid for cid, s, n in registered if s and n}
    known = set(births) | {cid for cid, _, _ in registered}
    known |= {r[0] for r in db.execute("SELECT DISTINCT citizen_id FROM pupils WHERE unit_code = ?", [code])}
    findings = [*unknown_pupils(records, known), *entry_before_birth(records, births), *pp1_taken(records, taken)]
    return [_error(f) for f in findings]


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)


def store(db: sqlite_utils.Database, code: str, year: int, records: list[dict[str, Any]], upload_id: int) -> None:
    """Replace the register rows of the file's pupils (inside the upload's transaction)."""
    db.conn.executemany(
        "INSERT OR REPLACE INTO pupil_register (unit_code, citizen_id, " + ", ".join(STORED) + ", year, upload_id)"
        " VALUES (" + ",".join("?" * (len(STORED) + 4)) + ")",
        [(code, r["citizen_id"], *(_iso(r.get(k)) for k in STORED), year, upload_id) for r in records],
    )


def template_bytes(db: sqlite_utils.Database, actor: Actor, year: int, code: str,
                   source_round: str | None) -> tuple[bytes, str]:  # fmt: skip
    """The school's register form pre-filled (`source_round`: its last confirmed census round, from
    `records.confirmed_round`); scope: records (the school that fills it, its registrar, or its LAO)."""
    unit = scope.check(db, actor, code, "records")
    buf = io.BytesIO()
    build_register(unit_code=code, unit_name=unit["name"], year=year, pupils=prefill_rows(db, code, source_round),
                   out=buf)  # fmt: skip
    return buf.getvalue(), f"register-{code}-{year}.xlsx"


def register(db: sqlite_utils.Database, actor: Actor, code: str) -> list[dict[str, Any]]:
    """The school's register, pupil by pupil (for the pages, the ปพ.3 and the API)."""
    scope.check(db, actor, code, "view")
    return [dict(r) for r in db.query("SELECT * FROM pupil_register WHERE unit_code = ? ORDER BY citizen_id", [code])]


__all__ = ["prefill_rows", "register", "server_checks", "store", "template_bytes"]
