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
    """The server's open duplicate-ID conflicts, one line per other unit holding the same ID."""
    if not conflicts:
        return []
    rows: list[list[Any]] = [
        ["เลขประจำตัวซ้ำกับสถานศึกษาอื่น (ต้องตกลงกันให้เหลือแห่งเดียวก่อนยืนยัน)"],
        ["เลขประจำตัว", "รหัสสถานศึกษา", "ชื่อสถานศึกษา", "ชื่อ", "นามสกุล", "ชั้น"],
    ]
    for c in conflicts:
        for u in c.get("units", []):
            rows.append([c.get("citizen_id"), u.get("code"), u.get("name"), u.get("first_name"),
                         u.get("last_name"), u.get("grade")])  # fmt: skip
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
    rows += [[None], *conflict_rows(status.get("conflicts") or [])]
    write_rows(sheet, 1, rows, text_columns=(1,))
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
