"""Read a filled academic workbook back and judge it: the academic twin of read.py and check.py.

Hostile files are refused exactly as a roster upload is: `open_workbook` runs `check_container` (zip
and XML bombs, sheet heights) before python-calamine parses a byte, and every way of not being one of
our workbooks becomes a `WorkbookError` with the shared workbook rule codes. Rows are read by the
hidden key row with the roster reader's `read_rows`, so a re-saved file reads the same.

`check_academic_file(source)` returns the same `FileReport` as `check_file`; `check_any_file(source)`
looks at the metadata's form and sends a roster to `check_file`, an academic form here, so `lec
validate` and the upload endpoint can take either family with one call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from validators.academic import (
    Pupil,
    class_grade,
    validate_assessments,
    validate_curriculum,
    validate_results,
)
from validators.academic.common import decimal_text
from validators.academic.localschool import validate_localschool
from validators.academic.register import validate_register
from validators.academic.results import CLASS_ROSTER_TAMPERED
from validators.findings import Finding
from workbook_templates import read as roster_read
from workbook_templates.academic_build import columns_of
from workbook_templates.academic_meta import (
    ACADEMIC_FORMS,
    CLASS_KEYS,
    CLASS_SHEET,
    ROLE_OF_ACADEMIC_FORM,
    AcademicMeta,
    parse_academic_meta,
)
from workbook_templates.check import FileReport, check_file
from workbook_templates.errors import (
    COLUMNS_MISSING,
    META_TAMPERED,
    NOT_A_TEMPLATE,
    NOT_A_WORKBOOK,
    SHEET_MISSING,
    TOO_MANY_ROWS,
    UNREADABLE,
    VERSION_UNSUPPORTED,
    WorkbookError,
    workbook_error,
)
from workbook_templates.meta import META_SHEET, MetaProblem, meta_fields, previous_digest
from workbook_templates.read import SheetRows, Source, gc_paused, open_workbook, read_rows

NO_CLASS_FORMS = ("curriculum", "localschool", "register")
"""Forms of a whole school, not of one class: they carry no class roster."""


@dataclass(slots=True)
class AcademicWorkbook:
    """A filled academic workbook as read: metadata, data sheets by role, the carried class roster."""

    meta: AcademicMeta
    sheets: dict[str, SheetRows]
    roster: list[Pupil] | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def form(self) -> str:
        return self.meta.form


def _data(wb: CalamineWorkbook, name: str) -> list[list[Any]]:
    sheet = wb.get_sheet_by_name(name)
    limit = roster_read.LIMITS.max_rows  # looked up per call: the limits in force (tests shrink them)
    if sheet.height > limit:
        raise workbook_error(
            TOO_MANY_ROWS,
            f"{name}: {sheet.height} rows > {limit}",
            f'ชีต "{name}" มีประมาณ {sheet.height:,} แถว ระบบรับได้ไม่เกิน {limit:,} แถวต่อชีต',
        )
    return sheet.to_python(skip_empty_area=False)


def form_of(wb: CalamineWorkbook) -> str | None:
    """The `form` the metadata sheet names (unverified: for dispatch only), None without one."""
    if META_SHEET not in wb.sheet_names:
        return None
    return meta_fields(_data(wb, META_SHEET)).get("form")


def read_academic_meta(wb: CalamineWorkbook) -> AcademicMeta:
    """The verified metadata of an academic workbook, or the Thai workbook error saying why not."""
    if META_SHEET not in wb.sheet_names:
        raise workbook_error(NOT_A_TEMPLATE, "no metadata sheet")
    try:
        return parse_academic_meta(_data(wb, META_SHEET))
    except MetaProblem as p:
        if p.kind == "version":
            raise workbook_error(VERSION_UNSUPPORTED, p.detail, p.detail_th) from None
        raise workbook_error(META_TAMPERED, p.detail, p.detail_th) from None


def _read_role(wb: CalamineWorkbook, meta: AcademicMeta, role: str) -> SheetRows:
    name = meta.sheets[role]
    if name not in wb.sheet_names:
        raise workbook_error(SHEET_MISSING, f"sheet for role {role} ({name})", f'"{name}"')
    data = _data(wb, name)
    keys = [c.key for c in columns_of(role)]
    key_row = meta.key_row - 1
    if len(data) <= key_row:
        raise workbook_error(COLUMNS_MISSING, f"{name}: no key row", f'"{name}"')
    columns, rows = read_rows(data, key_row, keys)
    missing = [k for k in keys if k not in columns]
    if missing:
        heads = ", ".join(c.header for c in columns_of(role) if c.key in missing)
        raise workbook_error(COLUMNS_MISSING, f"{name}: {', '.join(missing)}", f'"{name}" ({heads})')
    return SheetRows(role, name, columns, rows)


def _read_roster(wb: CalamineWorkbook, meta: AcademicMeta) -> tuple[list[Pupil] | None, list[Finding]]:
    """The class roster carried in the workbook, if present and unedited."""
    if meta.form in NO_CLASS_FORMS:
        return None, []
    problem = [CLASS_ROSTER_TAMPERED.finding(None)]
    if CLASS_SHEET not in wb.sheet_names:
        return None, problem
    table: list[tuple[str, ...]] = []
    for row in _data(wb, CLASS_SHEET)[1:]:
        cells = tuple("" if v in ("", None) else str(v) for v in row)
        cells = (cells + ("",) * len(CLASS_KEYS))[: len(CLASS_KEYS)]
        if any(cells):
            table.append(cells)
    if len(table) != meta.roster_count or previous_digest(table) != meta.roster_digest:
        return None, problem
    return [Pupil(*row) for row in table], []


def read_academic_workbook(source: Source) -> AcademicWorkbook:
    """Read a filled academic workbook: metadata first (strict), then each data sheet by its key row."""
    with gc_paused():
        # an open calamine workbook (from check_any_file) is taken as is, without open_workbook's protocol test
        wb = source if isinstance(source, CalamineWorkbook) else open_workbook(source)
        try:
            meta = read_academic_meta(wb)
            sheets = {role: _read_role(wb, meta, role) for role in meta.sheets}
            roster, findings = _read_roster(wb, meta)
            return AcademicWorkbook(meta, sheets, roster, findings)
        except CalamineError as exc:
            raise workbook_error(NOT_A_WORKBOOK, f"{type(exc).__name__}: {exc}") from None
        finally:
            wb.close()


def _finding_dict(f: Finding, sheets: dict[str, SheetRows]) -> dict[str, Any]:
    """A finding in the report's shape (`check.finding_dict`'s keys): visible sheet name and cell."""
    sr = sheets.get(f.sheet or "")
    return {
        "sheet": sr.name if sr is not None else f.sheet,
        "row": f.row,
        "column": f.column,
        "code": f.code,
        "message": f.message,
        "cell": sr.cell(f.column, f.row) if sr is not None and f.row is not None else None,
        "value": f.value,
    }


def validate_academic_workbook(
    filled: AcademicWorkbook, *, file: str = "", roster: Iterable[Pupil] | None = None
) -> FileReport:
    """Run the academic rules on a read workbook. `roster` (the class's pupils from the server's last
    confirmed census) replaces the copy carried in the workbook when given."""
    meta = filled.meta
    report = FileReport(
        file=file, form=meta.form, unit=meta.unit_code, unit_name=meta.unit_name, round=meta.round_label
    )
    report.meta = meta  # type: ignore[assignment]
    pupils = list(roster) if roster is not None else filled.roster
    findings: list[Finding] = [] if roster is not None else list(filled.findings)
    if meta.form == "curriculum":
        result = validate_curriculum(filled.sheets["subjects"].rows)
        findings += result.findings
        report.records = list(result.records)
    elif meta.form == "register":
        register = validate_register(filled.sheets["register"].rows)
        findings += register.findings
        report.records = list(register.records)
    elif meta.form == "localschool":
        history = validate_localschool(filled.sheets["localschool"].rows, last_year=meta.year)
        findings += history.findings
        report.records = list(history.records)
    elif meta.form == "assessments":
        sheet = filled.sheets["assessments"]
        a = validate_assessments(sheet.rows, class_name=meta.class_name, roster=pupils, sheet=sheet.name)
        findings += a.findings
        report.records = list(a.records)
    else:
        grade = class_grade(meta.class_name)
        if grade is None:
            raise workbook_error(META_TAMPERED, f"class {meta.class_name}", "ชั้นเรียนอ่านไม่ได้")
        for subject in meta.subjects:
            sheet = filled.sheets[subject.code]
            r = validate_results(
                subject, sheet.rows, grade=grade, class_name=meta.class_name, roster=pupils, sheet=sheet.name
            )
            findings += r.findings
            for rec in r.records:  # each a fresh dict of this sheet's result: completed in place, not copied
                rec["year"], rec["term"], rec["class_name"] = meta.year, meta.term, meta.class_name
            report.records += r.records
    report.rows = len(report.records)
    buckets = {"error": report.errors, "warning": report.warnings, "info": report.notices}
    for f in findings:
        buckets[f.severity].append(_finding_dict(f, filled.sheets))
    order = {s.name: i for i, s in enumerate(filled.sheets.values())}
    for bucket in buckets.values():
        bucket.sort(key=lambda d: (order.get(d["sheet"] or "", -1), d["row"] or 0, d["code"]))
    return report


def _error_report(file: str, err: WorkbookError) -> FileReport:
    return FileReport(file=file, errors=[_finding_dict(err.to_finding(), {})])


def check_academic_file(source: Source, *, file: str = "", roster: Iterable[Pupil] | None = None) -> FileReport:
    """Read and validate an academic workbook; a file that cannot be read yields a report, never an
    exception (what the records upload and `lec validate` call)."""
    try:
        filled = read_academic_workbook(source)
        return validate_academic_workbook(filled, file=file, roster=roster)
    except WorkbookError as err:
        return _error_report(file, err)
    except (OSError, MemoryError):
        raise
    except Exception as exc:  # a reader bug must still reach the teacher as a Thai message
        return _error_report(file, workbook_error(UNREADABLE, f"{type(exc).__name__}: {exc}", type(exc).__name__))


def is_academic(source: Source) -> bool:
    """Whether the metadata names an academic form (False for rosters and for unreadable files)."""
    try:
        wb = open_workbook(source)
    except (WorkbookError, OSError):  # check_file then reports it the roster way
        return False
    try:
        return form_of(wb) in ACADEMIC_FORMS
    except Exception:
        return False
    finally:
        wb.close()


def check_any_file(source: Source, *, file: str = "", today: date | None = None, **kw: Any) -> FileReport:
    """One entry for `lec validate`: an academic workbook goes to `check_academic_file`, anything else
    to the roster's `check_file` (which also reports every way of not being a workbook)."""
    if hasattr(source, "read"):  # a stream is read once into bytes, so both readers can open it
        source = source.read()  # type: ignore[union-attr]
    try:
        wb = open_workbook(source)  # the container guards run once: an academic file is read from this open
    except (WorkbookError, OSError):  # check_file then reports it the roster way
        return check_file(source, file=file, previous=kw.get("previous"), today=today)
    try:
        academic = form_of(wb) in ACADEMIC_FORMS
    except Exception:
        academic = False
    if academic:
        return check_academic_file(wb, file=file, roster=kw.get("roster"))  # closes it
    wb.close()
    return check_file(source, file=file, previous=kw.get("previous"), today=today)


RESULT_NUMBERS = ("attendance_pct", "score_term", "score_final", "score_total")


def check_records_file(source: Source, *, file: str = "", **kw: Any) -> FileReport:
    """`check_any_file` for the records upload's worker: a results report's numbers come back as the text
    the store keeps (`decimal_text`), so the report crosses back to the server as plain strings (pickling
    a Decimal costs ten times a string; a results workbook has four per pupil and subject)."""
    report = check_any_file(source, file=file, **kw)
    meta = report.meta
    if isinstance(meta, AcademicMeta) and meta.form == "results":
        for rec in report.records:
            for key in RESULT_NUMBERS:
                value = rec[key]
                if value is not None:
                    rec[key] = decimal_text(value)  # type: ignore[arg-type]
    return report


__all__ = [
    "ROLE_OF_ACADEMIC_FORM",
    "AcademicWorkbook",
    "check_academic_file",
    "check_any_file",
    "check_records_file",
    "is_academic",
    "read_academic_workbook",
    "validate_academic_workbook",
]
