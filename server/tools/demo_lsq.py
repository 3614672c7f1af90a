"""The demo school's registrar's pupil register and one LocalSchool import, sent through the real services.

Why: the register page and the LocalSchool import page must show what a school that used them sees,
so the register form is built pre-filled from the school's confirmed census roster, typed as a
registrar types it and sent through the records upload (`records.upload_records_workbook`); and last
year's results of one class come in as a LocalSchool workbook with one row the server refuses (a grade
that is not on the scale), so the import page lists the import, its counts and the failed-rows
workbook.

    add_register_and_history(db, actor, code, name, year, files_dir=..., at=...) -> dict
        {"register": the register upload's answer, "localschool": the import's answer}
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import sqlite_utils

from server.domain import localschool, pupil_register, records
from server.domain.actor import Actor
from server.tools.records_fill import class_subjects
from validators.academic import level_of
from validators.academic.localschool import LOCALSCHOOL_KEYS
from workbook_templates.academic_history import SHEET_NAME, build_localschool
from workbook_templates.academic_register import build_register
from workbook_templates.meta import FIRST_DATA_ROW

SEED = 2570
FATHERS = ("นายสมชาย", "นายประเสริฐ", "นายบุญมี", "นายสุริยา", "นายวิชัย", "นายอำนาจ")
MOTHERS = ("นางสมศรี", "นางบัวผัน", "นางจันทร์เพ็ญ", "นางมาลี", "นางสุดา", "นางพิกุล")
FINAL_GRADES = ("ป.6", "ม.3", "ม.6")
"""Classes whose pupils leave with a ปพ.1 this year: the register carries its series and number."""
HISTORY_PUPILS = 6
BAD_GRADE = "5"
"""The one refused row of the demo's import: a grade that is not on the scale (LOCALSCHOOL_GRADE_UNKNOWN)."""


def _entry(pupil: dict[str, Any]) -> str | None:
    """The census's entry date, else 16 May of the year the pupil turned six (never before birth)."""
    if pupil.get("entry_date"):
        return str(pupil["entry_date"])
    try:
        birth = date.fromisoformat(str(pupil.get("birth_date")))
    except ValueError:
        return None
    return date(birth.year + 6, 5, 16).isoformat()


def register_rows(db: sqlite_utils.Database, code: str, year: int) -> list[dict[str, Any]]:
    """The register form's rows of the school, every column a registrar types filled in."""
    numbers = records.student_numbers(db, code)
    rows = pupil_register.prefill_rows(db, code, records.confirmed_round(db, code, year))
    used = {str(r["student_no"]) for r in rows if r.get("student_no")} | set(numbers.values())
    fresh = (no for no in (f"{year % 100}{k:04d}" for k in range(1, 100_000)) if no not in used)
    series = 0
    for n, r in enumerate(rows):
        grade = (r.get("class_name") or "").split("/")[0]
        r["student_no"] = r.get("student_no") or numbers.get(r["citizen_id"]) or next(fresh)
        r["father_name"] = r.get("father_name") or f"{FATHERS[n % len(FATHERS)]} {r.get('last_name') or ''}".strip()
        r["mother_name"] = r.get("mother_name") or f"{MOTHERS[n % len(MOTHERS)]} {r.get('last_name') or ''}".strip()
        r["entry_date"] = r.get("entry_date") or _entry(r)
        r["previous_school"] = r.get("previous_school") or (
            "ศูนย์พัฒนาเด็กเล็กบ้านต๋อม" if grade.startswith("ป.") else "โรงเรียนบ้านแม่ต๋ำ"
        )
        if grade in FINAL_GRADES and not r.get("pp1_number"):
            series += 1
            r["pp1_series"], r["pp1_number"] = "ก", f"{series:05d}"
    return rows


def _history_rows(db: sqlite_utils.Database, code: str, year: int) -> list[list[Any]]:
    """Last year's results of a few pupils of the school's highest class, as LocalSchool exports them:
    one row per pupil, subject and term (the class they were in then), one bad grade among them."""
    rows = [r for r in pupil_register.prefill_rows(db, code, records.confirmed_round(db, code, year))
            if r.get("class_name")]  # fmt: skip
    if not rows:
        return []
    rng = random.Random(SEED)
    top = max((r["class_name"].split("/")[0] for r in rows), key=lambda g: (g.startswith("ม."), g))
    prefix, _, number = top.partition(".")
    before = f"{prefix}.{int(number) - 1}" if int(number) > 1 else ("ป.6" if prefix == "ม" else None)
    if before is None:
        return []
    pupils = [r for r in rows if r["class_name"].split("/")[0] == top][:HISTORY_PUPILS]
    out: list[list[Any]] = []
    primary = level_of(before) == "primary"
    for p in pupils:
        for term in (1, 2):
            for s in class_subjects(before, term, 3):
                grade = rng.choice(("4", "3.5", "3", "2.5", "2"))
                out.append([p["citizen_id"], p.get("student_no"), p.get("first_name"), p.get("last_name"), year - 1,
                            term, before, s.code, s.name, "พื้นฐาน" if s.kind == "basic" else "เพิ่มเติม",
                            None if primary else float(s.credits or 0), float(s.hours or 0) if primary else None,
                            None, grade])  # fmt: skip
    out[-1][LOCALSCHOOL_KEYS.index("grade")] = BAD_GRADE
    return out


def history_workbook(code: str, name: str, year: int, rows: list[list[Any]]) -> bytes:
    """The blank LocalSchool form with `rows` typed into its input cells (LOCALSCHOOL_KEYS order)."""
    buf = io.BytesIO()
    build_localschool(unit_code=code, unit_name=name, year=year, out=buf, capacity=max(100, len(rows) + 10))
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb[SHEET_NAME]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if value is not None:
                ws.cell(FIRST_DATA_ROW + i, j + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def add_register_and_history(db: sqlite_utils.Database, actor: Actor, code: str, name: str, year: int, *,
                             files_dir: Path, at: datetime) -> dict[str, Any]:  # fmt: skip
    """The school's register sent whole, then one LocalSchool import of last year with one failed row."""
    buf = io.BytesIO()
    build_register(unit_code=code, unit_name=name, year=year, pupils=register_rows(db, code, year), out=buf)
    sent = records.upload_records_workbook(
        db, actor, year, code, buf.getvalue(), filename=f"ทะเบียนนักเรียน_{code}.xlsx", files_dir=files_dir, now=at
    )
    history = history_workbook(code, name, year, _history_rows(db, code, year))
    imported = localschool.import_workbook(
        db, actor, year, code, history, filename=f"LocalSchool_{code}_{year - 1}.xlsx", files_dir=files_dir,
        now=at + timedelta(hours=2),
    )  # fmt: skip
    return {"register": sent, "localschool": imported}
