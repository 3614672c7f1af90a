"""The LAO officer's merge: a folder of workbooks returned by its institutions, checked and sent.

Institutions without a working connection e-mail or carry their filled workbooks to the LAO. The
officer puts them in one folder and runs the merge (button "รวมแฟ้ม" or `lec addin merge FOLDER`): each
file is validated with the shared rules (`workbook_templates.check_file`, what `lec validate` runs),
every file gets a line in the report, and the files with no error are uploaded with the LAO's own
token on the institutions' behalf (the server records the upload as on-behalf and re-checks scope).
Two files for one unit are both held back: which one is right is a question for a person.

The academic records forms merge the same way (a school's registrar collecting the teachers' class
workbooks, or an LAO its schools'): each is read with `check_any_file` and sent to the records upload;
two files are held back only when they cover the same unit, form, class and term.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from addin import actions, sheets
from addin.client import ApiError, Backend
from workbook_templates.academic_meta import ACADEMIC_FORMS
from workbook_templates.academic_read import check_any_file
from workbook_templates.check import FileReport

PATTERNS = ("*.xlsx", "*.xlsm")


@dataclass
class FileResult:
    """One file's line in the merge report."""

    file: str
    unit: str | None
    unit_name: str | None
    form: str | None
    rows: int
    errors: int
    warnings: int
    verdict: str
    detail: str
    uploaded: bool = False

    def row(self) -> list[Any]:
        return [self.file, self.unit or "", self.unit_name or "", self.form or "", self.rows, self.errors,
                self.warnings, self.verdict, self.detail]  # fmt: skip


def workbook_files(folder: str | Path) -> list[Path]:
    """The workbooks in `folder` (not sub-folders), skipping Excel's "~$" lock files."""
    root = Path(folder)
    found = {p for pattern in PATTERNS for p in root.glob(pattern) if not p.name.startswith("~$")}
    return sorted(found)


def cover(report: FileReport) -> tuple[Any, ...]:
    """What a file replaces on the server: a roster its unit's; a records form its unit, form, class, term."""
    meta: Any = report.meta
    if report.form in ACADEMIC_FORMS and meta is not None:
        return (report.unit, report.form, meta.class_name, meta.term)
    return (report.unit,)


def _send(backend: Backend, report: FileReport, path: Path) -> dict[str, Any]:
    meta: Any = report.meta
    if report.form in ACADEMIC_FORMS and meta is not None:
        return backend.upload_records(meta.year, report.unit or "", path.name, path.read_bytes())
    return backend.upload(report.round or "", report.unit or "", path.name, path.read_bytes())


def merge_folder(folder: str | Path, backend: Backend | None, *, today: date | None = None) -> list[FileResult]:
    """Validate every workbook of `folder`; upload the good ones when a backend is given."""
    files = workbook_files(folder)
    reports = [(path, check_any_file(path, file=path.name, today=today)) for path in files]
    twice = {k for k, n in Counter(cover(r) for _, r in reports if r.unit and r.ok).items() if n > 1}
    results = []
    for path, report in reports:
        first = report.errors[0]["message"] if report.errors else ""
        result = FileResult(path.name, report.unit, report.unit_name, report.form, report.rows,
                            len(report.errors), len(report.warnings), "", first)  # fmt: skip
        if report.errors:
            result.verdict = "มีข้อผิดพลาด ไม่ได้ส่ง"
        elif cover(report) in twice:
            result.verdict = "ไม่ได้ส่ง: มีหลายแฟ้มของหน่วยเดียวกัน"
            result.detail = "กรุณาเลือกแฟ้มที่ถูกต้องเพียงแฟ้มเดียวแล้วรวมใหม่"
        elif backend is None:
            result.verdict = "ตรวจผ่าน (ยังไม่ได้ส่ง)"
        else:
            try:
                body = _send(backend, report, path)
            except ApiError as err:
                result.verdict = "เซิร์ฟเวอร์ไม่รับ"
                result.detail = err.message
            else:
                result.uploaded = True
                result.verdict = f"ส่งแล้ว {body.get('rows', report.rows)} แถว"
                if body.get("pending"):
                    result.detail = f"ผลการเรียนค้าง (ร/มส) {len(body['pending'])} รายการ"
                if body.get("conflicts"):
                    result.detail = f"เลขประจำตัวซ้ำกับสถานศึกษาอื่น {len(body['conflicts'])} ราย"
        results.append(result)
    return results


def summary(results: list[FileResult]) -> str:
    sent = sum(r.uploaded for r in results)
    bad = sum(1 for r in results if r.errors)
    return f"ตรวจ {len(results)} แฟ้ม: ส่งแล้ว {sent} แฟ้ม, มีข้อผิดพลาด {bad} แฟ้ม, อื่น ๆ {len(results) - sent - bad} แฟ้ม"


def merge_into_book(book: Any, folder: str | Path, backend: Backend | None) -> actions.Outcome:
    """The add-in action: merge `folder` and write the per-file report into the LAO's workbook."""
    if not Path(folder).is_dir():
        return actions.Outcome(False, "รวมแฟ้ม", f"ไม่พบโฟลเดอร์ {folder}", 1)
    results = merge_folder(folder, backend)
    text = summary(results)
    sheets.write_merge(book, f"รวมแฟ้มจากโฟลเดอร์ {folder}: {text}", [r.row() for r in results])
    ok = all(r.uploaded or backend is None for r in results if not r.errors)
    return actions.Outcome(ok, "รวมแฟ้ม", text, sum(1 for r in results if r.errors),
                           data={"files": [asdict(r) for r in results]})  # fmt: skip
