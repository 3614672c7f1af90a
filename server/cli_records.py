"""`lec template results|curriculum|assessments` and the academic part of `lec validate`'s output.

The academic forms share `lec template` and `lec validate` with the census rosters (cli_workbooks.py
dispatches here), so a teacher learns one command; with a server data dir a results or assessments
template carries the class's pupils from the school's last confirmed census roster, as the server does.
"""

from __future__ import annotations

from typing import Any

from workbook_templates.academic_meta import ACADEMIC_FORM_TITLES, ACADEMIC_FORMS

__all__ = ["ACADEMIC_FORMS", "academic_heading"]


def academic_heading(report: Any) -> str:
    """'แบบบันทึกผลการเรียนรายวิชา • หน่วย ... • ชั้น ม.3/1 • ภาคเรียนที่ 1/2567' for one academic file."""
    meta = report.meta
    name = f" {report.unit_name}" if report.unit_name else ""
    parts = [ACADEMIC_FORM_TITLES[report.form], f"หน่วย {report.unit}{name}"]
    if meta is not None and getattr(meta, "class_name", ""):
        parts.append(f"ชั้น {meta.class_name}")
    year, _, term = (report.round or "").partition("-")
    parts.append(f"ภาคเรียนที่ {term}/{year}" if term else f"ปีการศึกษา {year}")
    return "  " + " • ".join(parts)
