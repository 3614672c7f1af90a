"""An institution's answer to a spot-check notice: the explanation for a child the visit did not find.

A child a spot-check did not find puts the institution on notice (spot_checks.notices_for). Issue 13 and
letter 000 §9.4 leave it two ways out: take the child off the roster (a removal line, next upload), or
explain why the child is real though the officer did not see it (absent that day, in hospital, moved
class; with the evidence), which is recorded. This module records the explanation: by the institution
itself (the person is what the letters hold responsible), with a reason required, on every not-found
result of that child in the round, audited, and shown with the notice to the institution, its LAO and
its province (pages, the status JSON, the add-in's status sheet). A new explanation replaces the
previous one; the audit keeps both.

    explain(db, actor, round_id, code, citizen_id, explanation, now=) -> notice
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from server.domain import audit, registry, rounds, scope, spot_checks
from server.domain.actor import Actor
from server.domain.errors import ServiceError, bad_request, forbidden, not_found
from server.storage import clock
from server.storage.db import transaction

MAX_EXPLANATION = 1000
"""Characters: a paragraph and the name of the evidence, not a scanned document."""


def _refuse(
    db: sqlite_utils.Database, actor: Actor, round_id: str, code: str, citizen_id: str, err: ServiceError, now: datetime
) -> None:
    if db.conn.in_transaction:
        db.execute("ROLLBACK")
    with transaction(db):
        audit.record(db, "spot_check_explain", "refused", actor=actor, round_id=round_id,
                     unit_code=code if registry.get_unit(db, code) else None, code=err.code,
                     detail={"citizen_id": citizen_id, "message": err.message}, now=now)  # fmt: skip


def explain(
    db: sqlite_utils.Database,
    actor: Actor,
    round_id: str,
    code: str,
    citizen_id: str,
    explanation: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Record institution `code`'s explanation for `citizen_id`, not found by a spot-check of the round."""
    now = now or clock.now()
    try:
        scope.require_profile(actor)
        rnd = rounds.require_round(db, round_id)
        unit = scope.check(db, actor, code, "view")
        if actor.is_admin or actor.unit_code != code:
            raise forbidden(
                "not_the_institution",
                f"คำชี้แจงผลการสุ่มตรวจสอบบันทึกได้เฉพาะ {registry.label(unit)} เอง (ผู้รับผิดชอบของสถานศึกษา)",
            )
        text = " ".join((explanation or "").split())
        if not text:
            raise bad_request("explanation_required", "กรุณาระบุคำชี้แจง เช่น เด็กป่วยในวันตรวจ พร้อมหลักฐานที่มี")
        if len(text) > MAX_EXPLANATION:
            raise bad_request("explanation_too_long", f"คำชี้แจงยาวเกิน {MAX_EXPLANATION} ตัวอักษร")
        with transaction(db):
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT i.spot_check_id FROM spot_check_items i JOIN spot_checks s ON s.id = i.spot_check_id"
                    " WHERE s.round_id = ? AND i.unit_code = ? AND i.citizen_id = ? AND i.found = 0",
                    [round_id, code, citizen_id],
                )
            ]
            if not ids:
                raise not_found(
                    "no_notice",
                    f"ไม่มีแจ้งเตือนจากการสุ่มตรวจสอบ (ไม่พบตัวเด็ก) ของเลขประจำตัว {citizen_id} ที่ {registry.label(unit)}"
                    f" ในรอบ {round_id}",
                )
            rounds.check_writable(db, rnd, unit, now)
            db.execute(
                "UPDATE spot_check_items SET explanation = ?, explained_at = ?, explained_by = ?, explained_profile = ?"
                " WHERE unit_code = ? AND citizen_id = ? AND found = 0 AND spot_check_id IN"
                " (SELECT value FROM json_each(?))",
                [text, clock.iso(now), actor.user_id, actor.profile_id, code, citizen_id, str(ids)],
            )
            audit.record(db, "spot_check_explain", actor=actor, round_id=round_id, unit_code=code, now=now,
                         detail={"citizen_id": citizen_id, "explanation": text, "spot_checks": ids})  # fmt: skip
    except ServiceError as err:
        _refuse(db, actor, round_id, code, citizen_id, err, now)
        raise
    return next(n for n in spot_checks.notices_for(db, round_id, [code]) if n["citizen_id"] == citizen_id)
