"""The demo school's year of academic records, sent through the real records upload.

Why through `records.upload_records_workbook` and real workbooks (server/tools/records_fill.py): the
demo's records pages and ปพ.1 must show what a school that filled the forms would see, so the
curriculum, both terms' results of every class and the year's assessments are built as templates,
typed into as a teacher types, and uploaded in the order a registrar would send them.

    add_school_records(db, actor, code, name, year, files_dir=..., at=..., grades=(), subjects=10) -> dict
        the class names and counts stored (one class per grade, named by the grade: "ป.4", "ม.2")
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from server.domain import records
from server.domain.actor import Actor
from server.tools.records_fill import (
    class_subjects,
    curriculum_rows,
    filled_assessments,
    filled_results,
)
from validators.academic.common import SUBJECT_GRADES

SEED = 2569


def _upload(db: sqlite_utils.Database, actor: Actor, year: int, code: str, data: bytes, filename: str,
            files_dir: Path, at: datetime) -> dict[str, Any]:  # fmt: skip
    return records.upload_records_workbook(db, actor, year, code, data, filename=filename, files_dir=files_dir,
                                           now=at)  # fmt: skip


def add_school_records(
    db: sqlite_utils.Database,
    actor: Actor,
    code: str,
    name: str,
    year: int,
    *,
    files_dir: str | Path,
    at: datetime,
    grades: Sequence[str] = (),
    subjects: int = 10,
) -> dict[str, Any]:
    """Curriculum, results of terms 1 and 2 for every class, and the assessments, for one school whose
    census roster of `year` is confirmed (its pupils come from it, as the templates' do)."""
    from workbook_templates.academic_build import build_curriculum

    files = Path(files_dir)
    wanted = [g for g in SUBJECT_GRADES if not grades or g in grades]
    classes = {g: records.class_pupils(db, code, year, g) or [] for g in wanted}
    classes = {g: p for g, p in classes.items() if p}
    if not classes:
        raise RuntimeError(f"{code}: no confirmed roster with pupils in {wanted} for {year}")
    numbers = {p.citizen_id: f"{year % 100}{n + 1:03d}" for n, p in enumerate(x for ps in classes.values() for x in ps)}
    step = timedelta(minutes=13)
    when = at
    buf = io.BytesIO()
    build_curriculum(unit_code=code, unit_name=name, year=year, out=buf, rows=curriculum_rows(list(classes), subjects))
    _upload(db, actor, year, code, buf.getvalue(), f"รายวิชา_{code}_{year}.xlsx", files, when)
    for term in (1, 2):
        when = at + timedelta(hours=1 if term == 1 else 26)  # term 1's results before term 2's
        for grade, pupils in classes.items():
            data = filled_results(unit_code=code, unit_name=name, year=year, term=term, class_name=grade,
                                  pupils=pupils, subjects=class_subjects(grade, term, subjects), seed=SEED,
                                  student_nos=numbers)  # fmt: skip
            _upload(db, actor, year, code, data, f"ผลการเรียน_{grade}_{term}-{year}.xlsx", files, when)
            when += step
    for grade, pupils in classes.items():
        data = filled_assessments(unit_code=code, unit_name=name, year=year, class_name=grade, pupils=pupils,
                                  seed=SEED, student_nos=numbers)  # fmt: skip
        _upload(db, actor, year, code, data, f"ประเมิน_{grade}_{year}.xlsx", files, when)
        when += step
    return {"classes": {g: len(p) for g, p in classes.items()}, "pupils": len(numbers)}
