"""The add-in's own sheets: findings, status, settings and the LAO's merge report, all in Thai.

Each writer builds a plain 2-D table and hands it to `book_io.write_rows`, so the same code produces
Excel writes (classic add-in) and `setValues` actions (server set-up). Formatting is limited to fills
and number formats: the VBA client has no font or conditional-format actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from addin.book_io import (
    FINDINGS_HEADER,
    FINDINGS_HEADER_ROW,
    FINDINGS_SHEET,
    HEADER_FILL,
    MERGE_SHEET,
    SETTINGS_SHEET,
    STATUS_SHEET,
    find_sheet,
    fresh_sheet,
    write_rows,
)
from validators.fields import PHASE_TH, STATE_TH
from validators.findings import SEVERITY_TH

BANGKOK = ZoneInfo("Asia/Bangkok")

LEVEL_TH = {"province": "จังหวัด", "lao": "อปท.", "institution": "สถานศึกษา", "national": "ส่วนกลาง"}

SETTINGS_ROWS = (
    ("server_url", "ที่อยู่เซิร์ฟเวอร์ (เช่น https://lec.example.go.th)"),
    ("login", "รหัสผู้ใช้ (รหัสหน่วยงาน)"),
    ("mode", "วิธีเรียกใช้ (local = Python ในเครื่องนี้, server = ผ่านเซิร์ฟเวอร์)"),
    ("merge_folder", "โฟลเดอร์แฟ้มที่สถานศึกษาส่งกลับ (สำหรับ อปท.)"),
    ("macros", "ชุดคำสั่งในแฟ้ม (ระบบกรอกให้ ห้ามแก้)"),
)
"""Settings: stable key (column C, what the code reads), Thai label (column A), value (column B)."""
SETTINGS_FIRST_ROW = 3


def _stamp(now: datetime | None) -> str:
    now = now or datetime.now(BANGKOK)
    return f"{now.day:02d}/{now.month:02d}/{now.year + 543} {now.hour:02d}:{now.minute:02d} น."


def finding_rows(findings: Iterable[Mapping[str, Any]], severity: str, start: int = 1) -> list[list[Any]]:
    """Findings (the report's dicts) as table rows under `FINDINGS_HEADER`."""
    out = []
    for i, f in enumerate(findings, start=start):
        cell = f.get("cell")
        if not cell and f.get("sheet") and f.get("row"):
            cell = f"{f['sheet']}!{f['row']}:{f['row']}"
        out.append([i, f.get("sheet") or "", cell or "", SEVERITY_TH.get(severity, severity),
                    f.get("message") or "", "" if f.get("value") is None else str(f["value"]),
                    f.get("code") or ""])  # fmt: skip
    return out


def write_findings(
    book: Any,
    title: str,
    summary: str,
    groups: Sequence[tuple[str, Sequence[Mapping[str, Any]]]],
    *,
    extra: Sequence[Sequence[Any]] = (),
    now: datetime | None = None,
) -> Any:
    """Replace the findings sheet: title, summary, then every finding (errors first) in one table.

    `groups` is [(severity, findings)]; `extra` rows (e.g. the server's conflicts) follow the table.
    """
    sheet = fresh_sheet(book, FINDINGS_SHEET)
    rows: list[list[Any]] = []
    for severity, items in groups:
        rows += finding_rows(items, severity, start=len(rows) + 1)
    head = [[f"{title}  ({_stamp(now)})"], [summary], [None], list(FINDINGS_HEADER)]
    write_rows(sheet, 1, head)
    write_rows(sheet, FINDINGS_HEADER_ROW + 1, rows, text_columns=range(len(FINDINGS_HEADER)))
    if extra:
        write_rows(sheet, FINDINGS_HEADER_ROW + len(rows) + 2, extra)
    sheet.range((FINDINGS_HEADER_ROW, 1), (FINDINGS_HEADER_ROW, len(FINDINGS_HEADER))).color = HEADER_FILL
    sheet.activate()
    return sheet


def conflict_rows(conflicts: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """The server's open duplicate-ID conflicts, one line per unit holding the same ID, with who decides
    and how long it has been open (when the server says)."""
    if not conflicts:
        return []
    rows: list[list[Any]] = [
        [f"เลขประจำตัวซ้ำที่ยังไม่ได้ตัดสิน {len(conflicts)} ราย (ต้องตกลงกันให้เหลือแห่งเดียว หรือรอผู้ตัดสิน"
         " อปท. ยืนยันไม่ได้จนกว่าจะแก้ไข)"],
        ["เลขประจำตัว", "รหัสหน่วยงาน", "ชื่อสถานศึกษา", "ชื่อ", "นามสกุล", "ชั้น", "ผู้ตัดสิน", "เปิดมาแล้ว"],
    ]  # fmt: skip
    for c in conflicts:
        decider = (c.get("decider") or {}).get("name") or ""
        for u in c.get("units", []):
            rows.append([c.get("citizen_id"), u.get("code"), u.get("name"), u.get("first_name"),
                         u.get("last_name"), u.get("grade"), decider, c.get("open_th") or ""])  # fmt: skip
    return rows


def _must_act(decision: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The units of a decision that still hold the child they lost."""
    return [u for u in decision.get("units", []) if not u.get("keeps") and u.get("still_listed")]


def decision_rows(decisions: Sequence[Mapping[str, Any]], code: str) -> list[list[Any]]:
    """Duplicate decisions touching the unit: what it (or a unit below it) must do and by when, first."""
    if not decisions:
        return []
    mine = [d for d in decisions if any(u.get("code") == code for u in _must_act(d))]
    rows: list[list[Any]] = []
    if mine:
        rows += [[f"หน่วยงานนี้ต้องดำเนินการตามการตัดสิน {len(mine)} ราย"],
                 ["เลขประจำตัว", "เด็กนับที่", "สิ่งที่ต้องทำ", "ภายใน", "ตัดสินโดย", "เหตุผล"]]  # fmt: skip
        rows += [[d.get("citizen_id"), f"{d.get('keep_name', '')} ({d.get('keep', '')})", d.get("todo_th"),
                  d.get("due_th"), f"{d.get('decider_name', '')} ({d.get('person', '')}) {d.get('decided_at_th', '')}",
                  d.get("reason")] for d in mine]  # fmt: skip
    rest = [d for d in decisions if d not in mine]
    if not rest:
        return rows
    if mine:
        rows.append([None])
    rows += [[f"การตัดสินเด็กซ้ำซ้อน{'อื่น' if mine else ''} {len(rest)} ราย"],
             ["เลขประจำตัว", "เด็กนับที่", "เหตุผลการตัดสิน", "ตัดสินโดย", "เมื่อ", "ผู้ต้องดำเนินการ", "ภายใน",
              "สถานะ"]]  # fmt: skip
    for d in rest:
        acting = ", ".join(f"{u.get('name', '')} ({u.get('code', '')})" for u in _must_act(d))
        rows.append([d.get("citizen_id"), f"{d.get('keep_name', '')} ({d.get('keep', '')})",
                     f"{d.get('kind_th', '')} · {d.get('reason', '')}",
                     f"{d.get('decider_name', '')} ({d.get('person', '')})", d.get("decided_at_th"),
                     acting or "-", d.get("due_th") if acting else "-",
                     "ดำเนินการแล้ว" if d.get("done") else "รอแก้ไข: " + (d.get("todo_th") or "")])  # fmt: skip
    return rows


def todo_summary(status: Mapping[str, Any]) -> str:
    """One Thai line for the action's message box: what the unit itself must still do (empty: nothing)."""
    code = str((status.get("unit") or {}).get("code", ""))
    decided = sum(1 for d in status.get("decisions") or [] if any(u.get("code") == code for u in _must_act(d)))
    notices = sum(1 for n in status.get("notices") or [] if n.get("unit_code") == code and n.get("todo_th"))
    parts = [f"ต้องแก้ตามการตัดสินเด็กซ้ำซ้อน {decided} ราย"] if decided else []
    parts += [f"ไม่พบตัวเด็กจากการสุ่มตรวจ {notices} คน (นำออกหรือชี้แจง)"] if notices else []
    return ", ".join(parts) + (' ดูรายละเอียดในชีต "สถานะ"' if parts else "")


NOTICE_STATE_TH = {"open": "ยังไม่ได้นำออกหรือชี้แจง", "explained": "ชี้แจงแล้ว", "removed": "นำออกแล้ว"}


def notice_rows(notices: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Children a province's spot-check did not find: where, what the officer noted, what to do now."""
    if not notices:
        return []
    rows: list[list[Any]] = [
        [f"แจ้งเตือนจากการสุ่มตรวจสอบ: ไม่พบตัวเด็ก {len(notices)} คน (หนังสือ ๐๐๐ ข้อ ๙.๔)"],
        ["เลขประจำตัว", "ชื่อ–นามสกุล", "สถานศึกษา", "ชั้น", "หมายเหตุผู้ตรวจ", "บันทึกผลเมื่อ", "สถานะ",
         "สิ่งที่ต้องทำ / คำชี้แจง"],
    ]  # fmt: skip
    for n in notices:
        state = n.get("state") or ("open" if n.get("still_listed") else "removed")
        if n.get("explanation"):
            what = f"คำชี้แจง: {n['explanation']} ({n.get('explained_by') or ''} {n.get('explained_at_th') or ''})"
        else:
            what = n.get("todo_th") or "-"
        rows.append([n.get("citizen_id"), f"{n.get('first_name') or ''} {n.get('last_name') or ''}".strip(),
                     f"{n.get('unit_name') or ''} ({n.get('unit_code') or ''})", n.get("grade") or "-",
                     n.get("note") or "", n.get("recorded_at_th") or "", NOTICE_STATE_TH.get(state, state),
                     what.strip()])  # fmt: skip
    return rows


def write_status(book: Any, status: Mapping[str, Any], *, now: datetime | None = None) -> Any:
    """Replace the status sheet with the unit's place in the chain (and its children's, for an LAO)."""
    sheet = fresh_sheet(book, STATUS_SHEET)
    unit = status.get("unit", {})
    rnd = status.get("round", {})
    conf = status.get("confirmed") or {}
    upload = status.get("upload") or {}
    counts = status.get("counts") or {}
    rows: list[list[Any]] = [
        [f"สถานะการยืนยันข้อมูล  ({_stamp(now)})"],
        [None],
        ["หน่วยงาน", f"{unit.get('code', '')} {unit.get('name', '')}".strip()],
        ["ระดับ", LEVEL_TH.get(unit.get("level", ""), unit.get("level", ""))],
        ["รอบ", f"{rnd.get('id', '')} ({PHASE_TH.get(rnd.get('phase', ''), rnd.get('phase', ''))})"],
        ["สถานะ", STATE_TH.get(status.get("state", ""), status.get("state", ""))],
        ["กำหนดยืนยัน", status.get("deadline_th") or status.get("deadline") or "-"],
        ["ยืนยันโดย", " ".join(str(x) for x in (conf.get("person"), conf.get("position"), conf.get("at")) if x)
         or "-"],
        ["แฟ้มล่าสุด", f"{upload.get('rows', '')} แถว ส่งเมื่อ {upload.get('at', '')} โดย {upload.get('by', '')}"
         if upload else "-"],
        ["จำนวนรวม", counts.get("total", 0)],
    ]  # fmt: skip
    blockers = status.get("blockers") or []
    if blockers:
        rows += [[None], ["ยังยืนยันไม่ได้เพราะ"]] + [["-", b.get("message", "")] for b in blockers]
    children = status.get("children") or []
    if children:
        rows += [[None], ["หน่วยงานในสังกัด"], ["รหัส", "ชื่อ", "สถานะ", "ยืนยันเมื่อ", "จำนวนแถว"]]
        rows += [[c.get("code"), c.get("name"), STATE_TH.get(c.get("state", ""), c.get("state", "")),
                  c.get("confirmed_at") or "-", c.get("rows") if c.get("rows") is not None else "-"]
                 for c in children]  # fmt: skip
    code = str(unit.get("code", ""))
    for part in (decision_rows(status.get("decisions") or [], code), conflict_rows(status.get("conflicts") or []),
                 notice_rows(status.get("notices") or [])):  # fmt: skip
        if part:
            rows += [[None], *part]
    write_rows(sheet, 1, rows, text_columns=(0, 1))  # column A holds citizen IDs: text, never a number
    sheet.activate()
    return sheet


def write_settings(book: Any, values: Mapping[str, str] | None = None) -> Any:
    """Create (or rewrite) the settings sheet. No password is ever written: only address and login."""
    sheet = find_sheet(book, SETTINGS_SHEET)
    if sheet is None:
        sheet = book.sheets.add(SETTINGS_SHEET, after=book.sheets[len(book.sheets) - 1])
    values = values or {}
    rows: list[list[Any]] = [
        ["ตั้งค่าการเชื่อมต่อ LEC Sheets (ไม่ต้องใส่รหัสผ่านในไฟล์นี้ ระบบจะถามเมื่อเข้าสู่ระบบ)"],
        [None],
        *[[label, values.get(key, ""), key] for key, label in SETTINGS_ROWS],
    ]
    write_rows(sheet, 1, rows, text_columns=(1,))
    return sheet


def read_settings(grids: Mapping[str, Sequence[Sequence[Any]]]) -> dict[str, str]:
    """Settings from the Book's settings sheet, found by the stable key in column C."""
    out: dict[str, str] = {}
    keys = {k for k, _ in SETTINGS_ROWS}
    for row in grids.get(SETTINGS_SHEET, []):
        if len(row) >= 3 and isinstance(row[2], str) and row[2].strip() in keys:
            value = row[1]
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a login typed as a number
            out[row[2].strip()] = "" if value is None else str(value).strip()
    return out


MERGE_HEADER = ("แฟ้ม", "รหัสหน่วย", "ชื่อหน่วย", "แบบฟอร์ม", "จำนวนแถว", "ข้อผิดพลาด", "คำเตือน", "ผล", "รายละเอียด")


def write_merge(book: Any, title: str, rows: Sequence[Sequence[Any]], *, now: datetime | None = None) -> Any:
    """The LAO's per-file report of a merged folder."""
    sheet = fresh_sheet(book, MERGE_SHEET)
    table = [[f"{title}  ({_stamp(now)})"], [None], list(MERGE_HEADER), *rows]
    write_rows(sheet, 1, table, text_columns=(1,))
    sheet.range((3, 1), (3, len(MERGE_HEADER))).color = HEADER_FILL
    sheet.activate()
    return sheet
