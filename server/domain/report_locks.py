"""An approved graduate report (ปพ.3) freezes the results it was built from.

The report proves a qualification for good, so once the LAO's registrar approves it, the results and
assessments of its cohort may not change until the report is returned (graduate_reports.return_report):
a results or assessments workbook of the school for a class of that programme, in the year the cohort
sat that class, is refused (423) with the report named. Its own module, below both records and
graduate_reports, so the records upload can ask without an import circle.

    check(db, code, year, class_name)   raises ServiceError 423 when an approved report covers the class
"""

from __future__ import annotations

import sqlite_utils

from server.domain.errors import locked
from validators.academic import class_grade
from validators.academic.graduation import criteria


def check(db: sqlite_utils.Database, code: str, year: int, class_name: str) -> None:
    """Refuse a change to `class_name` of `year` at school `code` that an approved report stands on."""
    grade = class_grade(class_name or "")
    if grade is None:
        return
    for report_year, level, version in db.execute(
        "SELECT year, level, version FROM graduate_reports WHERE unit_code = ? AND state = 'approved' AND year >= ?",
        [code, year],
    ):
        try:
            c = criteria(level, report_year)
        except ValueError:
            continue
        if c.grade_in(report_year, grade) == year:
            raise locked(
                "graduate_report_approved",
                f"รายงานผู้สำเร็จการศึกษา ({c.variant}) ปีการศึกษา {report_year} ฉบับที่ {version} อนุมัติแล้ว"
                f" ผลการเรียนชั้น {class_name} ปีการศึกษา {year} จึงแก้ไขไม่ได้ หากต้องแก้ไข"
                " ให้เจ้าพนักงานทะเบียนของ อปท. ส่งคืนรายงานก่อน",
                {"year": report_year, "level": level, "version": version},
            )
