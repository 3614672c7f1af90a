"""`lec template` and `lec validate`: the offline half of the product, no server needed.

A clerk (or an LAO officer helping one) makes a template for a unit and round, and checks a filled one
before sending it. `lec validate` prints a table per file with the cell a clerk must look at
(`นักเรียน!C17`) and the Thai message; `--json` prints the contract of design.md for programs. Exit 0
when no file has errors, 1 when any has: a file that cannot be read is an error too, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from xlsxwriter.exceptions import FileCreateError

from validators.fields import FORM_TITLES, FORMS
from validators.findings import SEVERITY_TH
from validators.normalize import display_width

FORM_CHOICES = click.Choice([*FORMS, "curriculum", "results", "assessments", "localschool", "register"])


def _unit_problem(form: str, code: str) -> str | None:
    """Why `code` cannot be the unit of a `form` template (Thai), or None."""
    from validators import validate_unit_code
    from validators.units import LAO_KIND_BY_PREFIX

    if form == "other":
        if not (code.isascii() and code.isdigit() and len(code) == 8 and code[:2] in LAO_KIND_BY_PREFIX):
            return f"รหัส อปท. ต้องเป็นตัวเลข 8 หลัก ขึ้นต้นด้วย 02-06 (ได้ {code!r})"
        return None
    problems = validate_unit_code(code, form)
    if problems:
        return problems[0].message
    allowed = "123" if form == "school" else "456"
    if code[4] not in allowed:
        kind = "โรงเรียน" if form == "school" else "ศูนย์พัฒนาเด็กเล็ก"
        return f"รหัสสถานศึกษา {code} หลักที่ 5 ต้องเป็น {'/'.join(allowed)} สำหรับ{kind}"
    return None


@click.command("template")
@click.argument("form", type=FORM_CHOICES)
@click.option("--unit", "unit_code", required=True, help="unit code: 10 digits (institution) or 8 (LAO)")
@click.option("--year", type=click.IntRange(2500, 2700), required=True, help="academic year, Buddhist Era")
@click.option("--round", "round_no", type=click.IntRange(1, 9), help="round number (1 or 2) of a census form")
@click.option("--term", type=click.IntRange(1, 2), help="results: the term (1 or 2)")
@click.option("--class", "class_name", help='results/assessments: the class, e.g. "ม.3/1"')
@click.option("--subjects", help="results: subject codes, or CODE:NAME:CREDITS items, comma-separated")
@click.option("--curriculum", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="results: a filled curriculum workbook the subjects come from")  # fmt: skip
@click.option("--name", "unit_name", default="", help="the unit's name, shown in the header")
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="a previous filled workbook of this unit: its roster pre-fills the template"
    " (promoted one grade when it is of an earlier year)",
)
@click.option("--capacity", type=click.IntRange(1, 200_000), help="input rows prepared with checks")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LEC_DATA_DIR",
    help="a server data dir (default $LEC_DATA_DIR): pre-fill the unit's name and last confirmed roster",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="the .xlsx to write")
def template_command(
    form: str,
    unit_code: str,
    year: int,
    round_no: int | None,
    term: int | None,
    class_name: str | None,
    subjects: str | None,
    curriculum: Path | None,
    unit_name: str,
    previous: Path | None,
    capacity: int | None,
    data_dir: Path | None,
    out: Path,
) -> None:
    """Write a locked template (FORM: school, cdc or other) for one unit and round, or an academic one
    (curriculum; results with --term and --class; assessments with --class; localschool, the migration of
    past results; register, the registrar's pupil register, pre-filled from the census with --data-dir).

    With a server data dir the unit's name comes from the registry and, when the round is known there,
    the template carries the unit's last confirmed roster (and this round's upload, if any), exactly as
    the server's template download does.
    """
    from workbook_templates import build_template, check_file

    if form not in FORMS:  # academic records: server/cli/records.py
        from server.cli.records import academic_template

        problem = _unit_problem("school", unit_code)
        if problem:
            raise click.UsageError(problem)
        return academic_template(form, unit_code=unit_code, unit_name=unit_name, year=year, term=term,
                                 class_name=class_name, subjects=subjects, curriculum=curriculum,
                                 data_dir=data_dir, out=out)  # fmt: skip
    if round_no is None:
        raise click.UsageError("ต้องระบุ --round สำหรับแบบฟอร์มทะเบียนนักเรียน")
    problem = _unit_problem(form, unit_code)
    if problem:
        raise click.UsageError(problem)
    previous_rows: list[dict[str, Any]] | None = None
    previous_removals: list[dict[str, Any]] | None = None
    prefilled: dict[str, Any] = {}
    if previous is None and data_dir is not None and (data_dir / "lec.db").is_file():
        unit_name, prefilled = _from_server(data_dir, unit_code, f"{year}-{round_no}", unit_name)
        previous_rows = prefilled.pop("previous_rows", None)
        previous_removals = prefilled.pop("previous_removals", None)
    if previous is not None:
        if not previous.is_file():
            raise click.UsageError(f"ไม่พบไฟล์ {previous}")
        report = check_file(previous.read_bytes(), file=str(previous))
        if report.meta is None:
            raise click.UsageError(f"อ่านไฟล์ {previous} ไม่ได้: {report.errors[0]['message']}")
        if report.form != form or report.unit != unit_code:
            raise click.UsageError(
                f"ไฟล์ {previous} เป็นแบบฟอร์ม {report.form} ของหน่วย {report.unit} ไม่ตรงกับ {form} {unit_code}"
            )
        previous_rows = [{k: v for k, v in r.items() if k != "row"} for r in report.records]
        previous_removals = [{k: v for k, v in r.items() if k != "row"} for r in report.removals] or None
        unit_name = unit_name or (report.unit_name or "")
        if form != "other" and report.meta.year < year:  # a new year: the pupils move up, the leavers go
            prefilled = _promoted(form, previous_rows, report.meta.year, year, round_no)
            previous_removals = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        meta = build_template(
            form,
            unit_code=unit_code,
            unit_name=unit_name,
            year=year,
            round_no=round_no,
            previous_rows=previous_rows,
            previous_removals=previous_removals,
            capacity=capacity,
            out=str(out),
            **prefilled,
        )
    except (OSError, FileCreateError) as exc:
        raise click.UsageError(f"เขียนไฟล์ {out} ไม่ได้: {getattr(exc, 'strerror', None) or exc}") from None
    carried = f", รายชื่อเดิม {len(previous_rows)} คน" if previous_rows else ""
    if prefilled.get("previous_year"):
        left = len(prefilled.get("removals") or ())
        carried += f" เลื่อนชั้นจากปีการศึกษา {prefilled['previous_year']} แล้ว (ออก {left} คน อยู่ในแผ่นงานนำออก)"
    click.echo(f"เขียน {out}: {FORM_TITLES[form]} หน่วย {unit_code} ปีการศึกษา {year} ครั้งที่ {round_no}{carried}")
    click.echo(f"(template version {meta.version}, {meta.capacity} input rows)", err=True)


def _promoted(form: str, rows: list[dict[str, Any]], from_year: int, year: int, round_no: int) -> dict[str, Any]:
    """`build_template`'s rows of a new year from a previous year's filled workbook: its pupils promoted
    one grade, its leavers the removal register (as the server's template of a new year)."""
    from validators.context import census_date
    from validators.promotion import promote

    moved = promote(rows, year=year, cdc=form == "cdc", as_of=census_date(year, round_no))
    return {"rows": moved.rows, "removals": moved.leavers, "previous_year": from_year}


def _from_server(data_dir: Path, unit_code: str, round_id: str, unit_name: str) -> tuple[str, dict[str, Any]]:
    """The unit's registered name and the server's pre-fill for the round (none if the round is unknown)."""
    from server.domain import prefill, registry, rounds
    from server.storage import db

    database = db.connect(data_dir / "lec.db")
    try:
        unit = registry.get_unit(database, unit_code)
        if unit is None:
            raise click.UsageError(f"ไม่พบหน่วย {unit_code} ในทะเบียนของ {data_dir}")
        rnd = rounds.get_round(database, round_id)
        rows = prefill.prefill(database, rnd, unit_code) if rnd else {}
        return unit_name or unit["name"], rows
    finally:
        database.close()


# --- lec validate ------------------------------------------------------------------------------------


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def render_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> list[str]:
    """A plain-text table whose columns line up with Thai text in a terminal."""
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    widths[-1] = 0  # the message column is last and not padded
    line = "  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * max(w, display_width(h)) for h, w in zip(headers, widths, strict=True))]
    out += ["  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def render_report(report: Any, *, limit: int, show_notices: bool) -> list[str]:
    """The human-readable verdict on one file: a heading, counts, then a table of findings."""
    from server.cli.records import ACADEMIC_FORMS, academic_heading

    lines = [f"ไฟล์ {report.file}"]
    if report.form:
        name = f" {report.unit_name}" if report.unit_name else ""
        year, _, rnd = (report.round or "").partition("-")
        if report.form in ACADEMIC_FORMS:
            lines.append(academic_heading(report))
        else:
            lines.append(f"  {FORM_TITLES[report.form]} • หน่วย {report.unit}{name} • ปีการศึกษา {year} ครั้งที่ {rnd}")
        lines.append(
            f"  {report.rows:,} แถว • ข้อผิดพลาด {len(report.errors)} • คำเตือน {len(report.warnings)}"
            f" • {SEVERITY_TH['info']} {len(report.notices)}"
        )
    entries = [("error", f) for f in report.errors] + [("warning", f) for f in report.warnings]
    if show_notices:
        entries += [("info", f) for f in report.notices]
    if entries:
        shown = entries[:limit]
        table = [
            (SEVERITY_TH[sev], f.get("cell") or f.get("sheet") or "-", f["code"], f["message"]) for sev, f in shown
        ]
        lines += ["", *("  " + t for t in render_table(table, ("ระดับ", "ตำแหน่ง", "รหัส", "ข้อความ")))]
        if len(entries) > limit:
            lines.append(f"  ... และอีก {len(entries) - limit:,} รายการ (ใช้ --limit หรือ --json เพื่อดูทั้งหมด)")
    verdict = "ไม่ผ่าน: ต้องแก้ข้อผิดพลาดก่อนส่ง" if report.errors else "ผ่าน: ส่งเข้าระบบได้"
    lines += ["", f"  ผลตรวจ: {verdict}"]
    return lines


def _check_path(path: str) -> Any:
    """The report of one file, whatever state the file is in."""
    from workbook_templates.check import error_report
    from workbook_templates.errors import FILE_NOT_FOUND, workbook_error
    from workbook_templates.sandbox import Isolation, check_file_isolated

    p = Path(path)
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        return error_report(path, workbook_error(FILE_NOT_FOUND, f"{type(exc).__name__}: {exc}", path))
    # the same worker the server uses: a file that crashes the reader is an error here, not an abort
    limits = Isolation(memory_mb=int(os.environ.get("LEC_WORKER_MEMORY_MB") or Isolation().memory_mb))
    return check_file_isolated(p, file=path, keep_records=False, limits=limits, checker="check_any_file")


@click.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="print the machine-readable report")
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True, help="findings shown per file")
@click.option("--notices", "show_notices", is_flag=True, help="also list automatic corrections (info)")
def validate_command(files: tuple[str, ...], as_json: bool, limit: int, show_notices: bool) -> None:
    """Check filled workbooks offline with the same rules as the server. Exit 1 when any file has errors."""
    reports = [_check_path(f) for f in files]
    if as_json:
        payload = {"files": [r.to_dict() for r in reports]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
    else:
        for i, r in enumerate(reports):
            if i:
                click.echo("")
            click.echo("\n".join(render_report(r, limit=limit, show_notices=show_notices)))
        bad = sum(1 for r in reports if r.errors)
        if len(reports) > 1:
            click.echo(f"\nตรวจ {len(reports)} ไฟล์: ผ่าน {len(reports) - bad} • ไม่ผ่าน {bad}")
    sys.exit(1 if any(r.errors for r in reports) else 0)
