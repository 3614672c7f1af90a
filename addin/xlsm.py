"""The macro-enabled template variant (.xlsm): the normal template plus a settings sheet with buttons.

The data sheets, checks and metadata are exactly `workbook_templates.build_template`'s; this adds, in
the same XlsxWriter pass, a "ตั้งค่า" sheet (server address, login, mode; never a password) carrying one
button per add-in action bound to the macros of `addin/vba/LecSheets.bas`, and the VBA project itself
(`Workbook.add_vba_project`).

The VBA project (`vbaProject.bin`) is generated in pure Python (`addin.vbaproject`, MS-OVBA + MS-CFB)
from `addin/vba/*.bas`, with one empty document module per codename this workbook carries
("ThisWorkbook", "Sheet1", ...: set here with `set_vba_name`, so the two always agree). Excel finds no
compiled cache in it and compiles the source on opening. A project made by hand in Excel (import the
.bas, save as .xlsm, extract with XlsxWriter's `vba_extract.py`) can still be passed as `vba_project`
(`lec addin xlsm --vba-project FILE`); its sheet modules then need not match this workbook's.

How the extra sheet gets into the template: `build_template`'s `finish` hook hands over its
`xlsxwriter.Workbook` just before closing it, and `_finisher` adds the settings sheet and the VBA
project there. The academic records forms (`build_records_xlsm`: curriculum, results, assessments)
take the same hook from `workbook_templates.academic_build`, so their buttons are the same buttons.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from addin.sheets import SETTINGS_FIRST_ROW, SETTINGS_ROWS
from addin.vba import BUTTONS, MODULE_NAME
from addin.vbaproject import build_vba_project
from workbook_templates import build_template

VBA_DIR = Path(__file__).parent / "vba"
MACROS_MARK = f"{MODULE_NAME} 1"
"""The settings sheet's `macros` value: tells the add-in the workbook carries LecSheets' macros."""


class NoVbaProject(FileNotFoundError):
    """The vbaProject.bin given to put in the .xlsm does not exist."""


def bas_modules(folder: Path = VBA_DIR) -> dict[str, str]:
    """The standard modules to build into the project: each `*.bas` in `folder`, named by its file.

    Read as code page 1252, the project's (they are ASCII: Thai text is spelled with ChrW).
    """
    modules = {p.stem: p.read_bytes().decode("cp1252") for p in sorted(folder.glob("*.bas"))}
    if MODULE_NAME not in modules:
        raise FileNotFoundError(f"{folder / (MODULE_NAME + '.bas')} is missing")
    return modules


def _settings_sheet(wb: xlsxwriter.Workbook, values: dict[str, str]) -> None:
    ws = wb.add_worksheet("ตั้งค่า")
    bold = wb.add_format({"bold": True, "font_size": 16})
    label = wb.add_format({"text_wrap": True, "valign": "vcenter"})
    value = wb.add_format({"num_format": "@", "bg_color": "#FFFDE7", "border": 1, "valign": "vcenter"})
    key = wb.add_format({"font_color": "#999999", "font_size": 9, "valign": "vcenter"})
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 12, None, {"hidden": True})
    ws.write_string(0, 0, "ตั้งค่าการเชื่อมต่อ LEC Sheets (ไม่ต้องใส่รหัสผ่านในไฟล์นี้ ระบบจะถามเมื่อเข้าสู่ระบบ)", bold)
    for i, (k, text) in enumerate(SETTINGS_ROWS):
        row = SETTINGS_FIRST_ROW - 1 + i
        ws.set_row(row, 30)
        ws.write_string(row, 0, text, label)
        if values.get(k):
            ws.write_string(row, 1, values[k], value)
        else:
            ws.write_blank(row, 1, None, value)
        ws.write_string(row, 2, k, key)
    top = SETTINGS_FIRST_ROW + len(SETTINGS_ROWS) + 1
    ws.write_string(top - 1, 0, "ปุ่มคำสั่ง", bold)
    for i, (macro, caption) in enumerate(BUTTONS):
        ws.insert_button(top + (i // 3) * 2, i % 3, {"macro": macro, "caption": caption, "width": 150,
                                                     "height": 32, "x_offset": 4, "y_offset": 4})  # fmt: skip
    ws.activate()


def _finisher(vba: bytes | None, values: dict[str, str]) -> Callable[[xlsxwriter.Workbook], None]:
    """`build_template`'s `finish` hook: add the settings sheet and the VBA project before closing.

    Without a given project, one is generated now, when the sheets (and so the document modules
    Excel will look for, by the codenames written in the workbook XML) are all known.
    """

    def finish(wb: xlsxwriter.Workbook) -> None:
        _settings_sheet(wb, values)
        wb.set_vba_name("ThisWorkbook")
        for sheet in wb.worksheets():
            if sheet.vba_codename is None:
                sheet.set_vba_name()  # "Sheet<n>", as XlsxWriter would name it itself
        project = vba
        if project is None:
            codenames = [wb.vba_codename, *(sheet.vba_codename for sheet in wb.worksheets())]
            project = build_vba_project(bas_modules(), document_modules=codenames,
                                        project_name="VBAProject")  # fmt: skip
        wb.add_vba_project(io.BytesIO(project), is_stream=True)

    return finish


def _vba_bytes(vba_project: str | os.PathLike[str] | bytes | None) -> bytes | None:
    if isinstance(vba_project, bytes) or not vba_project:
        return vba_project or None
    path = Path(vba_project)
    if not path.is_file():
        raise NoVbaProject(f"ไม่พบ {path}: ต้องเป็น vbaProject.bin ที่มีโมดูล {MODULE_NAME} (ดู addin/xlsm.py และ README)")
    return path.read_bytes()


def build_records_xlsm(
    form: str,
    *,
    out: str | os.PathLike[str] | IO[bytes],
    server_url: str = "",
    login: str = "",
    mode: str = "local",
    vba_project: str | os.PathLike[str] | bytes | None = None,
    **builder_kw: Any,
) -> Any:
    """A records form (curriculum, results, assessments) with the settings sheet and the add-in's buttons;
    `builder_kw` are the form's builder's (`unit_code`, `year`, `class_name`, `pupils`, ...)."""
    from workbook_templates.academic_build import build_assessments, build_curriculum, build_results

    builders = {"curriculum": build_curriculum, "results": build_results, "assessments": build_assessments}
    if form not in builders:
        raise ValueError(f"not a records form: {form}")
    values = {"server_url": server_url, "login": login or builder_kw["unit_code"], "mode": mode, "macros": MACROS_MARK}
    return builders[form](out=out, finish=_finisher(_vba_bytes(vba_project), values), **builder_kw)


def build_xlsm(
    form: str,
    *,
    unit_code: str,
    year: int,
    round_no: int,
    out: str | os.PathLike[str] | IO[bytes],
    unit_name: str = "",
    server_url: str = "",
    login: str = "",
    mode: str = "local",
    vba_project: str | os.PathLike[str] | bytes | None = None,
    **template_kw: Any,
) -> Any:
    """Write the macro-enabled template; returns the template's metadata.

    `vba_project` (a vbaProject.bin's path or bytes) replaces the project generated from addin/vba.
    """
    vba: bytes | None = None
    if isinstance(vba_project, bytes):
        vba = vba_project
    elif vba_project:
        path = Path(vba_project)
        if not path.is_file():
            raise NoVbaProject(f"ไม่พบ {path}: ต้องเป็น vbaProject.bin ที่มีโมดูล {MODULE_NAME} (ดู addin/xlsm.py และ README)")
        vba = path.read_bytes()
    values = {"server_url": server_url, "login": login or unit_code, "mode": mode, "macros": MACROS_MARK}
    return build_template(
        form,
        unit_code=unit_code,
        unit_name=unit_name,
        year=year,
        round_no=round_no,
        out=out,
        finish=_finisher(vba, values),
        **template_kw,
    )
