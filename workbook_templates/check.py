"""Validate a filled workbook: the one function `lec validate`, the add-in and the server upload share.

It is I/O-free apart from the bytes it is given, so the server can call it on an upload and the CLI on a
file, and both get the same report: the JSON shape of design.md's `lec validate --json`, with every
finding naming the visible sheet, the Excel row, the column key and the cell a clerk looks at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import validators
from validators.fields import SHEETS
from validators.findings import Finding
from validators.normalize import format_thai_date
from validators.units import institution_kind
from workbook_templates.errors import CENSUS_DATE_DIFFERS, UNREADABLE, WorkbookError, workbook_error
from workbook_templates.meta import TemplateMeta
from workbook_templates.read import FilledWorkbook, Source, gc_paused, read_workbook

ROLE_OF_FORM = {"school": "roster", "cdc": "roster", "other": "counts"}


@dataclass(slots=True)
class FileReport:
    """The verdict on one file. `records`/`removals` are the normalised rows (for the server to store)."""

    file: str
    form: str | None = None
    unit: str | None = None
    unit_name: str | None = None
    round: str | None = None
    rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    meta: TemplateMeta | None = None
    workbook: FilledWorkbook | None = field(default=None, repr=False)
    """The workbook as read (None when it could not be read): the add-in marks cells from it."""
    records: list[dict[str, Any]] = field(default_factory=list, repr=False)
    removals: list[dict[str, Any]] = field(default_factory=list, repr=False)
    basic: dict[str, Any] | None = field(default=None, repr=False)
    """A child centre's basic data, cleaned (None when missing or wrong: its findings say which)."""
    pupils: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """An LAO's pupil list of its other-affiliation schools, cleaned (empty when not sent)."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The `lec validate --json` entry for this file."""
        return {
            "file": self.file,
            "form": self.form,
            "unit": self.unit,
            "unit_name": self.unit_name,
            "round": self.round,
            "rows": self.rows,
            "errors": self.errors,
            "warnings": self.warnings,
            "notices": self.notices,
        }


def finding_dict(f: Finding, filled: FilledWorkbook | None = None) -> dict[str, Any]:
    """A finding in the report's shape; `sheet` becomes the visible sheet name and `cell` its address."""
    sheet_rows = None
    if filled is not None:
        role = f.sheet if f.sheet in filled.sheets else None
        if role is None and f.sheet is None and f.row is not None:
            role = ROLE_OF_FORM[filled.form]
        sheet_rows = filled.sheets.get(role) if role else None
    return {
        "sheet": sheet_rows.name if sheet_rows is not None else f.sheet,
        "row": f.row,
        "column": f.column,
        "code": f.code,
        "message": f.message,
        "cell": sheet_rows.cell(f.column, f.row) if sheet_rows is not None and f.row is not None else None,
        "value": f.value,
    }


def _sorter(filled: FilledWorkbook) -> Any:
    """Order findings as a clerk reads the sheet: by sheet, row, then column position in this file."""
    position = {s.name: s.columns for s in filled.sheets.values()}

    def key(d: dict[str, Any]) -> tuple[str, int, int, str]:
        col = position.get(d["sheet"] or "", {}).get(d["column"] or "", -1)
        return (d["sheet"] or "", d["row"] or 0, col, d["code"])

    return key


def _previous_children(rows: Iterable[dict[str, str | None]], year: int | None) -> list[Any]:
    return [
        validators.PreviousChild(
            citizen_id=r["citizen_id"] or "",
            first_name=r["first_name"] or "",
            last_name=r["last_name"] or "",
            grade=r.get("grade"),
            year=year,
        )
        for r in rows
    ]


def validate_workbook(
    filled: FilledWorkbook,
    *,
    file: str = "",
    previous: Iterable[Any] | None = None,
    today: date | None = None,
    as_of: date | None = None,
    unit_kind: str | None = None,
) -> FileReport:
    """Run the validators on a read workbook.

    `previous` (PreviousChild items) is the last confirmed roster from the server; without it the copy
    carried inside the template (if any, and unedited) is used, so removals are checked offline too.

    Ages and dates are judged against one census date: `as_of` when the caller knows the round's (the
    server), else the one the template carries, else the default for the round number. A template built
    for another census date than the caller's gets a warning. `unit_kind` (the registry's kind) likewise
    wins over the template's; without either, the code's type digit tells a child centre.
    """
    meta = filled.meta
    census = as_of or meta.as_of
    ctx = validators.RoundContext(year=meta.year, round=meta.round_no, as_of=census, today=today)
    kind = unit_kind or meta.unit_kind or institution_kind(meta.unit_code)
    report = FileReport(
        file=file,
        form=meta.form,
        unit=meta.unit_code,
        unit_name=meta.unit_name,
        round=meta.round_label,
        meta=meta,
        workbook=filled,
    )
    findings: list[Finding] = list(filled.findings)
    if as_of is not None and meta.as_of is not None and as_of != meta.as_of:
        findings.append(CENSUS_DATE_DIFFERS.finding(
            None, value=format_thai_date(meta.as_of), round_date=format_thai_date(as_of)))  # fmt: skip
    if meta.form == "other":
        counts = validators.validate_other_counts(filled.sheets["counts"].rows, ctx)
        findings += counts.findings
        report.records = list(counts.records)
        listed = filled.sheets.get("pupils")
        if listed is not None and listed.rows:
            pupils = validators.validate_other_pupils(listed.rows, report.records)
            findings += pupils.findings
            report.pupils = list(pupils.records)
    else:
        prev = previous
        if prev is None and filled.previous is not None:
            prev = _previous_children(filled.previous, meta.previous_year)
        removed = filled.sheets.get("removed")
        result = validators.validate_roster(
            meta.form,
            filled.sheets["roster"].rows,
            ctx,
            removals=removed.rows if removed else (),
            previous=prev,
            kind=kind,
        )
        findings += result.findings
        report.records = list(result.records)
        report.removals = list(result.removals)
        if meta.form == "cdc":
            sheet = filled.sheets.get("basic")
            basic = validators.validate_cdc_basic(sheet.rows if sheet else None, children=len(report.records))
            if sheet is None:  # an older template: name the sheet the clerk will find in a new one
                for f in basic.findings:
                    f.sheet = SHEETS["cdc"]["basic"]
            findings += basic.findings
            report.basic = basic.record
    report.rows = len(report.records)
    buckets = {"error": report.errors, "warning": report.warnings, "info": report.notices}
    for f in findings:
        buckets[f.severity].append(finding_dict(f, filled))
    order = _sorter(filled)
    for bucket in buckets.values():
        bucket.sort(key=order)
    return report


def error_report(file: str, err: WorkbookError) -> FileReport:
    """The report of a file that could not be read at all: one error, no rows."""
    return FileReport(file=file, errors=[finding_dict(err.to_finding())])


def check_file(
    source: Source,
    *,
    file: str = "",
    previous: Iterable[Any] | None = None,
    today: date | None = None,
    as_of: date | None = None,
    unit_kind: str | None = None,
) -> FileReport:
    """Read and validate in one call; a file that cannot be read yields a report, never an exception.

    The one pipeline: `lec validate` calls it on a path, the server's upload (in its isolated worker) on
    the uploaded file, the add-in on the Book's grids (an `OpenWorkbook`). `as_of` and
    `unit_kind` are `validate_workbook`'s: the round's census date and the registry's kind, when known.
    """
    with gc_paused():
        try:
            filled = read_workbook(source)
        except WorkbookError as err:
            return error_report(file, err)
        except (OSError, MemoryError):
            raise
        except Exception as exc:  # a reader bug must still reach the clerk as a Thai message
            detail = f"{type(exc).__name__}: {exc}"
            return error_report(file, workbook_error(UNREADABLE, detail, type(exc).__name__))
        return validate_workbook(filled, file=file, previous=previous, today=today, as_of=as_of, unit_kind=unit_kind)
