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


def _subject_from_spec(spec: str, grade: str) -> Any:
    """`ท23101:ภาษาไทย 5:1.5` -> a ResultSubject (credits for secondary, hours for primary), checked by
    the curriculum rule so a code of the wrong class or a credit not in steps of 0.5 is refused here."""
    import click

    from validators.academic import ResultSubject, check_subject, level_of, parse_subject_code

    code, name, load = ([*spec.split(":"), "", ""])[:3]
    if not (code and name and load):
        raise click.UsageError(f"--subjects {spec!r}: ใช้รูปแบบ รหัส:ชื่อวิชา:หน่วยกิต (ประถมใช้ชั่วโมง) เช่น ท23101:ภาษาไทย:1.5")
    primary = level_of(grade) == "primary"
    parsed = parse_subject_code(code)
    kind = {"basic": "พื้นฐาน", "additional": "เพิ่มเติม"}.get((parsed.kind if parsed else None) or "", "")
    raw = {"grade": grade, "subject_code": code, "subject_name": name, "kind": kind,
           "credits": None if primary else load, "hours": load if primary else None}  # fmt: skip
    out: list[Any] = []
    row = check_subject(raw, None, out, grade=grade)
    bad = [f.message for f in out if f.severity == "error"]
    if bad:
        raise click.UsageError(f"วิชา {code}: {bad[0]}")
    return ResultSubject(str(row["subject_code"]), name, row.get("kind"), row.get("credits"), row.get("hours"))  # type: ignore[arg-type]


def _subjects_from_rows(rows: list[dict[str, Any]], grade: str, term: int) -> list[Any]:
    from decimal import Decimal

    from validators.academic import ResultSubject

    out = []
    for r in rows:
        if r["grade"] == grade and int(r["term"] or 0) in (0, term):
            credits = Decimal(str(r["credits"])) if r["credits"] not in (None, "") else None
            hours = Decimal(str(r["hours"])) if r["hours"] not in (None, "") else None
            out.append(ResultSubject(r["subject_code"], r["subject_name"], r["kind"], credits, hours))
    return out


def academic_template(form: str, *, unit_code: str, unit_name: str, year: int, term: int | None,
                      class_name: str | None, subjects: str | None, curriculum: Any, data_dir: Any,
                      out: Any) -> None:  # fmt: skip
    """Write a curriculum, results or assessments template (`lec template FORM ...`)."""
    import click
    from xlsxwriter.exceptions import FileCreateError

    from validators.academic import class_grade
    from workbook_templates.academic_build import build_assessments, build_curriculum, build_results

    if form in ("localschool", "register"):
        return school_template(form, unit_code=unit_code, unit_name=unit_name, year=year, data_dir=data_dir, out=out)
    grade = class_grade(class_name or "")
    if form != "curriculum" and grade is None:
        raise click.UsageError(f'--class ต้องเป็นชั้นเรียนที่มีรายวิชา เช่น "ม.3/1" หรือ "ป.5/2" (ได้ {class_name!r})')
    if form == "results" and term not in (1, 2):
        raise click.UsageError("--term ต้องเป็น 1 หรือ 2 สำหรับแบบบันทึกผลการเรียน")
    database = None
    if data_dir is not None and (data_dir / "lec.db").is_file():
        from server.domain import registry
        from server.storage import db

        database = db.connect(data_dir / "lec.db")
        unit = registry.get_unit(database, unit_code)
        if unit is None:
            database.close()
            raise click.UsageError(f"ไม่พบหน่วย {unit_code} ในทะเบียนของ {data_dir}")
        unit_name = unit_name or unit["name"]
    try:
        pupils: list[Any] = []
        numbers: dict[str, str] = {}
        if database is not None and grade is not None:
            from server.domain import records

            pupils = records.class_pupils(database, unit_code, year, class_name or "") or []
            numbers = records.student_numbers(database, unit_code)
        out.parent.mkdir(parents=True, exist_ok=True)
        common = {"unit_code": unit_code, "unit_name": unit_name, "year": year, "out": str(out)}
        if form == "curriculum":
            build_curriculum(**common)
            click.echo(f"เขียน {out}: {ACADEMIC_FORM_TITLES[form]} หน่วย {unit_code} ปีการศึกษา {year}")
            return
        if form == "assessments":
            build_assessments(**common, class_name=class_name or "", pupils=pupils, student_nos=numbers)
        else:
            assert grade is not None and term is not None
            chosen = _results_subjects(grade, term, year, unit_code, subjects, curriculum, database)
            build_results(**common, term=term, class_name=class_name or "", subjects=chosen, pupils=pupils,
                          student_nos=numbers)  # fmt: skip
        when = f"ภาคเรียนที่ {term}/{year}" if form == "results" else f"ปีการศึกษา {year}"
        click.echo(f"เขียน {out}: {ACADEMIC_FORM_TITLES[form]} หน่วย {unit_code} ชั้น {class_name} {when}"
                   f" นักเรียน {len(pupils)} คน")  # fmt: skip
        if not pupils:
            click.echo("คำเตือน: ไม่พบรายชื่อนักเรียนของชั้นนี้ในทะเบียนที่ยืนยันแล้ว (ใช้ --data-dir ของเซิร์ฟเวอร์)", err=True)
    except (OSError, FileCreateError) as exc:
        raise click.UsageError(f"เขียนไฟล์ {out} ไม่ได้: {getattr(exc, 'strerror', None) or exc}") from None
    finally:
        if database is not None:
            database.close()


def _results_subjects(grade: str, term: int, year: int, unit_code: str, subjects: str | None, curriculum: Any,
                      database: Any) -> list[Any]:  # fmt: skip
    """The subjects of a results template: inline specs, else the class's subjects from a filled
    curriculum workbook or the server's stored curriculum, filtered by `--subjects` codes if given."""
    import click

    items = [s.strip() for s in (subjects or "").split(",") if s.strip()]
    if items and all(":" in s for s in items):
        return [_subject_from_spec(s, grade) for s in items]
    rows: list[dict[str, Any]] = []
    if curriculum is not None:
        from workbook_templates.academic_read import check_academic_file

        report = check_academic_file(curriculum.read_bytes(), file=str(curriculum))
        if report.form != "curriculum" or report.errors:
            first = report.errors[0]["message"] if report.errors else f"เป็นแบบฟอร์ม {report.form}"
            raise click.UsageError(f"ใช้ไฟล์ {curriculum} เป็นรายวิชาไม่ได้: {first}")
        rows = report.records
    elif database is not None:
        rows = [dict(r) for r in database.query(
            "SELECT grade, term, subject_code, subject_name, kind, credits, hours FROM subjects"
            " WHERE year = ? AND unit_code = ? ORDER BY subject_code", [year, unit_code])]  # fmt: skip
    found = _subjects_from_rows(rows, grade, term)
    if items:
        by_code = {s.code: s for s in found}
        missing = [c for c in items if c not in by_code]
        if missing:
            raise click.UsageError(f"ไม่พบรายวิชา {', '.join(missing)} ของชั้น {grade} ในรายวิชาของสถานศึกษา"
                                   " (ระบุเป็น รหัส:ชื่อวิชา:หน่วยกิต ได้)")  # fmt: skip
        found = [by_code[c] for c in items]
    if not found:
        raise click.UsageError(f"ไม่มีรายวิชาของชั้น {grade} ภาคเรียนที่ {term}: ใช้ --subjects รหัส:ชื่อวิชา:หน่วยกิต,..."
                               " หรือ --curriculum ไฟล์รายวิชาที่กรอกแล้ว หรือ --data-dir")  # fmt: skip
    return found


def school_template(form: str, *, unit_code: str, unit_name: str, year: int, data_dir: Any, out: Any) -> None:
    """Write a whole-school form: `localschool` (blank, for past results) or `register` (the registrar's
    pupil register, pre-filled from the school's last confirmed census roster and its register so far)."""
    import click
    from xlsxwriter.exceptions import FileCreateError

    pupils: list[Any] = []
    if data_dir is not None and (data_dir / "lec.db").is_file():
        from server.domain import registry
        from server.storage import db

        database = db.connect(data_dir / "lec.db")
        try:
            unit = registry.get_unit(database, unit_code)
            if unit is None:
                raise click.UsageError(f"ไม่พบหน่วย {unit_code} ในทะเบียนของ {data_dir}")
            unit_name = unit_name or unit["name"]
            if form == "register":
                from server.domain import pupil_register, records

                source = records.confirmed_round(database, unit_code, year)
                pupils = pupil_register.prefill_rows(database, unit_code, source)
        finally:
            database.close()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if form == "localschool":
            from workbook_templates.academic_history import build_localschool

            build_localschool(unit_code=unit_code, unit_name=unit_name, year=year, out=str(out))
        else:
            from workbook_templates.academic_register import build_register

            build_register(unit_code=unit_code, unit_name=unit_name, year=year, pupils=pupils, out=str(out))
    except (OSError, FileCreateError) as exc:
        raise click.UsageError(f"เขียนไฟล์ {out} ไม่ได้: {getattr(exc, 'strerror', None) or exc}") from None
    extra = f" นักเรียน {len(pupils)} คน" if form == "register" else ""
    click.echo(f"เขียน {out}: {ACADEMIC_FORM_TITLES[form]} หน่วย {unit_code} ปีการศึกษา {year}{extra}")
    if form == "register" and not pupils:
        click.echo("คำเตือน: ไม่พบรายชื่อนักเรียนในทะเบียนที่ยืนยันแล้ว (ใช้ --data-dir ของเซิร์ฟเวอร์)", err=True)
