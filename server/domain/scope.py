"""Who may see or act on which unit: the one place that decides, called by every route.

    may(db, actor, code, action) -> bool
    check(db, actor, code, action) -> dict   the unit row, or ServiceError 404 / 403 (Thai message)
    visible_units(db, actor) -> list[str] | None   None means all (admin)

Actions and who may do them on unit U:
    view      admin; U itself; any unit above U (an LAO its institutions and other-affiliation
              schools, a province its LAOs and their institutions)
    upload    U itself (an institution its roster, an LAO its other-affiliation counts); the LAO of an
              institution, for a workbook returned to it (recorded as on behalf); admin
    confirm   U itself only: a confirmation is that unit's responsible person's word
    revoke    the unit directly above U (an LAO for its institutions, a province for its LAOs); the
              national admin for a province (and, as a recorded last resort, any unit)
    exception admin only
    records   an academic records workbook: as `upload`, and the unit's own registrar
    graduates_submit  a graduate report (ปพ.3) of institution U: U's registrar only
    graduates_decide  approve or return U's graduate report: the registrar of the LAO directly above U only
A registrar (actor.role 'registrar', server/domain/registrars.py) views what its unit's census login
views and acts on records and graduate reports; the census chain (upload, confirm, revoke) stays with
the census login, whose word a confirmation is.
Profiles come first: an actor who has not completed the first-login profile may do nothing (403
`profile_required`).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from server.domain import registry
from server.domain.actor import Actor
from server.domain.errors import forbidden

ACTIONS = ("view", "upload", "confirm", "revoke", "exception", "records", "graduates_submit", "graduates_decide")
GRADUATE_ACTIONS = ("graduates_submit", "graduates_decide")


def require_profile(actor: Actor) -> None:
    if actor.must_complete_profile:
        raise forbidden(
            "profile_required",
            "กรุณาสร้างข้อมูลส่วนตัว (ชื่อ นามสกุล ตำแหน่ง โทรศัพท์) และตั้งรหัสผ่านใหม่ก่อนใช้งาน",
        )


def is_national(code: str) -> bool:
    """Whether `code` names the nation (`TH`, any case) rather than a unit of the registry."""
    return code.upper() == registry.NATIONAL


def require_national(actor: Actor, what_th: str, detail: dict[str, Any] | None = None) -> None:
    """The nation's data (its status, its book) is the national admin's alone; `what_th` says what."""
    require_profile(actor)
    if not actor.is_admin:
        raise forbidden("out_of_scope", f"{what_th}ได้เฉพาะ{registry.NATIONAL_NAME}", detail)


def _is_above(db: sqlite_utils.Database, actor: Actor, unit: dict[str, Any]) -> bool:
    return any(a["code"] == actor.unit_code for a in registry.ancestors(db, unit["code"]))


def may(db: sqlite_utils.Database, actor: Actor, unit: dict[str, Any], action: str) -> bool:
    """The rule table of the module docstring, for an existing unit row."""
    if action not in ACTIONS:
        raise ValueError(action)
    own = actor.unit_code == unit["code"]
    if action in GRADUATE_ACTIONS:  # registrars only: not the census login, not the national admin
        if not actor.is_registrar or unit["level"] != "institution":
            return False
        return own if action == "graduates_submit" else (unit["parent"] == actor.unit_code and actor.level == "lao")
    if action == "exception":
        return actor.is_admin
    if actor.is_registrar and action != "view":
        return action == "records" and own and unit["level"] == "institution"
    if action == "records":
        action = "upload"
    if actor.is_admin:
        return action != "confirm"
    if action == "view":
        return own or _is_above(db, actor, unit)
    if action == "upload":
        if unit["level"] not in ("institution", "lao"):
            return False
        return own or (unit["level"] == "institution" and unit["parent"] == actor.unit_code)
    if action == "confirm":
        return own and unit["level"] in ("institution", "lao", "province")
    if action == "revoke":
        return unit["parent"] is not None and unit["parent"] == actor.unit_code
    return False


_REFUSALS = {
    "view": "ไม่มีสิทธิ์ดูข้อมูลของ {unit}: อยู่นอกขอบเขตของ {actor}",
    "upload": "ไม่มีสิทธิ์ส่งแฟ้มข้อมูลของ {unit}: ส่งได้เฉพาะหน่วยงานนั้นเองหรือ อปท. ต้นสังกัด",
    "confirm": "ยืนยันข้อมูลของ {unit} ได้เฉพาะผู้รับผิดชอบของหน่วยงานนั้นเอง",
    "revoke": "ยกเลิกการยืนยันของ {unit} ได้เฉพาะหน่วยงานต้นสังกัดระดับถัดขึ้นไป ({parent})",
    "exception": "การอนุญาตเป็นกรณีพิเศษทำได้เฉพาะกรมส่งเสริมการปกครองท้องถิ่น",
    "records": "ไม่มีสิทธิ์ส่งแฟ้มผลการเรียนของ {unit}: ส่งได้เฉพาะสถานศึกษานั้นเอง นายทะเบียนของสถานศึกษา หรือ อปท. ต้นสังกัด",
    "graduates_submit": "ส่งรายงานผู้สำเร็จการศึกษา (ปพ.3) ของ {unit} ได้เฉพาะนายทะเบียนของสถานศึกษานั้น",
    "graduates_decide": "อนุมัติหรือส่งคืนรายงานผู้สำเร็จการศึกษา (ปพ.3) ของ {unit} ได้เฉพาะเจ้าพนักงานทะเบียนของ {parent}",
}
_REGISTRAR_CENSUS = (
    "บัญชีนายทะเบียนใช้กับทะเบียนผลการเรียนและรายงานผู้สำเร็จการศึกษาเท่านั้น"
    " งานสำรวจข้อมูลนักเรียนของ {unit} ใช้บัญชีของหน่วยงาน (รหัสหน่วยงาน)"
)


def check(db: sqlite_utils.Database, actor: Actor, code: str, action: str) -> dict[str, Any]:
    """The unit row if `actor` may do `action` on it; else 404 (unknown) or 403 with a Thai reason.

    An out-of-scope unit answers 403, not 404: unit codes are public (letters print them), so hiding
    existence protects nothing and a clear refusal helps the clerk who typed the wrong code.
    """
    require_profile(actor)
    unit = registry.require_unit(db, code)
    if not may(db, actor, unit, action):
        parent = registry.get_unit(db, unit["parent"]) if unit["parent"] else None
        template = _REFUSALS[action]
        if actor.is_registrar and action in ("upload", "confirm", "revoke"):
            template = _REGISTRAR_CENSUS
        raise forbidden(
            "out_of_scope",
            template.format(
                unit=registry.label(unit),
                actor=actor.unit_name or actor.login,
                parent=registry.label(parent) if parent else "กรมส่งเสริมการปกครองท้องถิ่น",
            ),
            {"unit": code, "action": action, "actor": actor.login},
        )
    return unit


def visible_units(db: sqlite_utils.Database, actor: Actor) -> list[str] | None:
    """Codes the actor may view (itself and everything below); None = everything (admin)."""
    if actor.is_admin:
        return None
    assert actor.unit_code
    return [actor.unit_code, *registry.descendants(db, actor.unit_code)]
