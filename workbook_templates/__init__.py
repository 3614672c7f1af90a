"""Locked Excel templates: building them (XlsxWriter) and reading filled ones back (python-calamine).

- `build_template(form, unit_code=..., year=..., round_no=..., out=...)` writes a template;
- `read_workbook(path_or_bytes)` reads a filled one (metadata + rows by stable key), raising
  `WorkbookError` (Thai message) for a file that is not one of our templates;
- `check_file(...)` / `validate_workbook(...)` run the validators and return a `FileReport`, the JSON
  shape of `lec validate --json`; the server upload and the add-in call the same functions.
"""

from workbook_templates.build import build_template
from workbook_templates.check import FileReport, check_file, validate_workbook
from workbook_templates.errors import WorkbookError
from workbook_templates.meta import TEMPLATE_VERSION, TemplateMeta
from workbook_templates.read import FilledWorkbook, SheetRows, read_workbook

__all__ = [
    "TEMPLATE_VERSION",
    "FileReport",
    "FilledWorkbook",
    "SheetRows",
    "TemplateMeta",
    "WorkbookError",
    "build_template",
    "check_file",
    "read_workbook",
    "validate_workbook",
]
