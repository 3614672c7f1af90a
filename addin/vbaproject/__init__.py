"""`vbaProject.bin` from VBA source text, in pure Python (no Excel needed).

The binary is an MS-CFB compound file (`cfb.py`) laid out as MS-OVBA 2.2.1 says:

    PROJECT, PROJECTwm            the project's properties and module names (2.3.1, 2.3.3)
    VBA/_VBA_PROJECT              version 0xFFFF: no usable performance cache, compile from source (2.3.4.1)
    VBA/dir                       compressed project information, references, modules (2.3.4.2)
    VBA/<module>                  each module's compressed source (2.3.4.3)

Excel opens a workbook's document modules (the workbook's and each sheet's code module) by the
`codeName`s in the workbook XML, so `document_modules` must name exactly the codenames XlsxWriter
writes (`Workbook.set_vba_name`, `Worksheet.set_vba_name`), the workbook's first. As in Excel's own
files, the standard modules are listed before the document modules (tests/addin/test_vbaproject_vs_excel.py
compares the whole layout with projects Excel saved).
"""

from __future__ import annotations

import re

from addin.vbaproject.cfb import write_cfb
from addin.vbaproject.ovba import (
    VBA_PROJECT_STREAM,
    Module,
    compress,
    dir_stream,
    project_stream,
    projectwm_stream,
)

CODEPAGE = 1252
"""Western European: the sources are ASCII (Thai strings are written as ChrW codes), so any code page
reads them the same; 1252 is what Excel writes on most PCs."""

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
"""VB_Base of Excel's Workbook and Worksheet classes: what a document module's code extends."""

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")


def document_source(name: str, *, workbook: bool) -> str:
    """The source Excel stores for an empty document module (attributes only, as Excel writes them)."""
    base = WORKBOOK_BASE if workbook else SHEET_BASE
    lines = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return "\r\n".join(lines) + "\r\n"


def standard_source(name: str, source: str) -> str:
    """A standard module's stored text: CRLF line ends and an `Attribute VB_Name` line naming it.

    The VBA editor stores that attribute at the top of the module text (it is also the first line of an
    exported .bas); one naming another module would make Excel rename the module on load.
    """
    text = source.replace("\r\n", "\n").replace("\n", "\r\n")
    match = re.match(r'Attribute VB_Name = "([^"]*)"', text)
    if match is None:
        return f'Attribute VB_Name = "{name}"\r\n' + text
    if match.group(1) != name:
        raise ValueError(f"module {name!r} says Attribute VB_Name = {match.group(1)!r}")
    return text


def build_vba_project(
    modules: dict[str, str],
    *,
    document_modules: list[str],
    project_name: str = "VBAProject",
) -> bytes:
    """The `vbaProject.bin` bytes: `modules` (name -> source) as standard modules plus empty
    document modules `document_modules` (the workbook's codename first, then each sheet's).
    """
    if not document_modules:
        raise ValueError("a workbook's VBA project needs the workbook's document module")
    names = [*document_modules, *modules]
    for name in [project_name, *names]:
        if not _NAME.match(name):
            raise ValueError(f"not a VBA identifier: {name!r}")
    upper = {n.upper() for n in names}
    if len(upper) != len(names) or "DIR" in upper:  # "dir" is also the VBA storage's dir stream
        raise ValueError(f"module names must be unique and not 'dir': {names}")
    # Excel lists the standard modules first, then the document modules (dir, PROJECT, PROJECTwm).
    mods = [Module(n, standard_source(n, src)) for n, src in modules.items()]
    mods += [Module(n, document_source(n, workbook=i == 0), document=True) for i, n in enumerate(document_modules)]
    try:
        sources = {m.name: compress(m.source.encode(f"cp{CODEPAGE}")) for m in mods}
    except UnicodeEncodeError as err:
        raise ValueError("VBA source must be in code page 1252 (write Thai text as ChrW codes)") from err
    vba = {
        "_VBA_PROJECT": VBA_PROJECT_STREAM,
        "dir": compress(dir_stream(mods, project_name=project_name, codepage=CODEPAGE)),
        **sources,
    }
    return write_cfb(
        {
            "PROJECT": project_stream(mods, project_name=project_name, codepage=CODEPAGE),
            "PROJECTwm": projectwm_stream(mods, codepage=CODEPAGE),
            "VBA": vba,
        }
    )


__all__ = ["build_vba_project", "document_source", "standard_source"]
