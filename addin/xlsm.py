"""The macro-enabled template variant (.xlsm): the normal template plus a settings sheet with buttons.

The data sheets, checks and metadata are exactly `workbook_templates.build_template`'s; this adds, in
the same XlsxWriter pass, a "ตั้งค่า" sheet (server address, login, mode; never a password) carrying one
button per add-in action bound to the macros of `addin/vba/LecSheets.bas`, and the VBA project itself
(`Workbook.add_vba_project`).

The VBA project (`vbaProject.bin`) must contain the LecSheets module. XlsxWriter cannot compile VBA, so
the binary is made once in Excel: open a new workbook, import `addin/vba/LecSheets.bas` (VBA editor,
File > Import File), save as .xlsm, and extract it with XlsxWriter's `vba_extract.py FILE.xlsm`; then
pass it with `--vba-project` or drop it in `addin/vba/vbaProject.bin`. xlwings' own bundled projects
(BSD) hold only its sample macro, not ours, so they cannot stand in.

How the extra sheet gets into the template: `build_template` owns its `xlsxwriter.Workbook`, so for
the duration of one call the build module sees a subclass whose `close()` adds the sheet and the VBA
project first. (A hook in `build_template` would be cleaner; asked of the templates module.)
"""

from __future__ import annotations

import io
import os
import threading
import types
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from addin.sheets import SETTINGS_FIRST_ROW, SETTINGS_ROWS
from addin.vba import BUTTONS, MODULE_NAME
from workbook_templates import build as template_build

SHIPPED_VBA = Path(__file__).parent / "vba" / "vbaProject.bin"
MACROS_MARK = f"{MODULE_NAME} 1"
"""The settings sheet's `macros` value: tells the add-in the workbook carries LecSheets' macros."""

_LOCK = threading.Lock()


class NoVbaProject(FileNotFoundError):
    """No vbaProject.bin to put in the .xlsm (see the module docstring for how to make one)."""


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


def _workbook_class(vba: bytes, values: dict[str, str]) -> type[xlsxwriter.Workbook]:
    class MacroWorkbook(xlsxwriter.Workbook):
        """The template's workbook, closing with the settings sheet and the VBA project added."""

        def close(self) -> None:
            _settings_sheet(self, values)
            self.set_vba_name("ThisWorkbook")
            self.add_vba_project(io.BytesIO(vba), is_stream=True)
            super().close()

    return MacroWorkbook


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
    """Write the macro-enabled template; returns the template's metadata."""
    if isinstance(vba_project, bytes):
        vba = vba_project
    else:
        path = Path(vba_project) if vba_project else SHIPPED_VBA
        if not path.is_file():
            raise NoVbaProject(
                f"ไม่พบ {path}: ต้องมี vbaProject.bin ที่มีโมดูล {MODULE_NAME} (ดู addin/xlsm.py และ README)"
            )
        vba = path.read_bytes()
    values = {"server_url": server_url, "login": login or unit_code, "mode": mode, "macros": MACROS_MARK}
    shim = types.SimpleNamespace(Workbook=_workbook_class(vba, values))
    with _LOCK:
        original = template_build.xlsxwriter
        template_build.xlsxwriter = shim  # type: ignore[assignment]
        try:
            return template_build.build_template(form, unit_code=unit_code, unit_name=unit_name, year=year,
                                                 round_no=round_no, out=out, **template_kw)  # fmt: skip
        finally:
            template_build.xlsxwriter = original
