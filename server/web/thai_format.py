"""How the web pages write numbers, dates and codes for Thai readers.

Why a module of its own: every page shows the same states, actions and dates, and a clerk who sees
"ยืนยันแล้ว" on one page and "confirmed" on the next stops trusting both. Dates are Buddhist Era with
Thai month abbreviations (the form used in the letters), numbers carry thousands separators, and the
English state/action codes of the services are mapped to Thai here, once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from server.domain import registry
from server.storage import clock
from validators.fields import CDC_AGE_GROUPS, GRADE_KEYS, PHASE_TH, STATE_TH

STATE_CLASS = {
    "confirmed": "ok",
    "uploaded": "wait",
    "not_uploaded": "todo",
    "unconfirmed": "todo",
    "corrected": "wait",
    "unchanged": "ok",
}
LEVEL_TH = registry.LEVEL_SHORT_TH
KIND_TH = registry.KIND_SHORT_TH
ACTION_TH = {
    "login": "เข้าสู่ระบบ",
    "logout": "ออกจากระบบ",
    "profile": "บันทึกข้อมูลผู้รับผิดชอบ",
    "account_reset": "ออกรหัสผ่านใหม่",
    "upload": "ส่งแฟ้มข้อมูล",
    "confirm": "ยืนยันข้อมูล",
    "revoke": "ยกเลิกการยืนยัน",
    "exception": "อนุญาตเป็นกรณีพิเศษ",
    "round_create": "สร้างรอบการบันทึก",
    "registry_import": "นำเข้าทะเบียนหน่วยงาน",
    "users_issue": "ออกบัญชีผู้ใช้",
    "admin_create": "สร้างผู้ดูแลระบบ",
    "conflict_decide": "ตัดสินเด็กซ้ำซ้อน",
    "conflict_withdraw": "ถอนการตัดสินเด็กซ้ำซ้อน",
    "spot_check_draw": "สุ่มตรวจสอบ (สุ่มรายชื่อ)",
    "spot_check_results": "บันทึกผลการสุ่มตรวจสอบ",
    "registrar_appoint": "แต่งตั้งนายทะเบียน",
    "graduates_submit": "ส่งรายงานผู้สำเร็จการศึกษา (ปพ.3)",
    "graduates_approve": "อนุมัติรายงานผู้สำเร็จการศึกษา (ปพ.3)",
    "graduates_return": "ส่งคืนรายงานผู้สำเร็จการศึกษา (ปพ.3)",
}
OUTCOME_TH = {"ok": "สำเร็จ", "refused": "ถูกปฏิเสธ", "rejected": "แฟ้มไม่ผ่านการตรวจ", "duplicate": "แฟ้มซ้ำ"}
MODE_TH = {"confirm": "รอบยืนยันข้อมูล", "correction": "รอบแก้ไขข้อมูล"}
_GRADE_BY_KEY = {key: grade for grade, key in GRADE_KEYS.items()}
_GRADE_ORDER = {key: i for i, key in enumerate([*GRADE_KEYS.values(), *CDC_AGE_GROUPS, "cdc"])}


def num(value: Any) -> str:
    """1234567 -> '1,234,567'; None -> '–' (a blank cell reads as 'forgot to fill')."""
    if value is None or value == "":
        return "–"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def thai_datetime(value: str | datetime | None) -> str:
    """'22 พ.ย. 2569 03:27 น.' from an ISO time in any offset, shown in Bangkok time."""
    if not value:
        return "–"
    return clock.thai_datetime(value)


def thai_date(value: str | date | datetime | None) -> str:
    """'10 พ.ย. 2569' (Buddhist Era): the census date and other dates without a time."""
    if not value:
        return "–"
    return clock.thai_date(value)


def of_level(level: str) -> str:
    """'ของ อปท.' but 'ของสถานศึกษา': an abbreviation with a dot reads better after a space."""
    name = LEVEL_TH.get(level, level)
    return f"ของ {name}" if name.endswith(".") else f"ของ{name}"


def round_label(round_id: str) -> str:
    """'2569-2' -> 'ปีการศึกษา 2569 ครั้งที่ 2'."""
    year, _, number = round_id.partition("-")
    return f"ปีการศึกษา {year} ครั้งที่ {number}"


def grade_label(key: str) -> str:
    """A count key's grade ('p1' -> 'ป.1'); child centres count under 'cdc'."""
    if key == "cdc":
        return "เด็กเล็ก (ศพด.)"
    if key in CDC_AGE_GROUPS:
        return f"เด็กเล็ก {CDC_AGE_GROUPS[key]}"
    return _GRADE_BY_KEY.get(key, key)


def grade_sort_key(key: str) -> int:
    return _GRADE_ORDER.get(key, len(_GRADE_ORDER))


def count_table(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """{grade: {m, f}} as rows in school order with a total per row, for a counts table."""
    rows = []
    for key in sorted(counts, key=grade_sort_key):
        m, f = counts[key].get("m", 0), counts[key].get("f", 0)
        rows.append({"grade": grade_label(key), "m": m, "f": f, "total": m + f})
    return rows


def install(app: Any) -> None:
    """Register the filters the templates use (`|num`, `|thdt`, `|thdate`, ...)."""
    app.jinja_env.filters.update(
        num=num,
        thdt=thai_datetime,
        thdate=thai_date,
        state_th=lambda s: STATE_TH.get(s, s),
        state_class=lambda s: STATE_CLASS.get(s, ""),
        level_th=lambda s: LEVEL_TH.get(s, s),
        of_level=of_level,
        kind_th=lambda s: KIND_TH.get(s, s),
        action_th=lambda s: ACTION_TH.get(s, s),
        outcome_th=lambda s: OUTCOME_TH.get(s, s),
        phase_th=lambda s: PHASE_TH.get(s, s),
        mode_th=lambda s: MODE_TH.get(s, s),
        round_label=round_label,
    )
