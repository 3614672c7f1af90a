"""The macro-enabled template, its VBA module, and what the server protocol may send back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import openpyxl
import pytest
import xlwings as xw
from clientjson import FakeExcel, book_from_xlsx, payload_from_xlsx

from addin import actions, vba, xlsm
from addin.book_io import ERROR_FILL, SETTINGS_SHEET
from server.web.xlwings_route import checked_actions
from validators.synthetic import make_roster
from workbook_templates import check_file

UNIT = "3056100001"


@pytest.fixture(scope="module")
def stand_in_vba() -> bytes:
    """xlwings' BSD quickstart project: a real vbaProject.bin, used only to check the packaging."""
    path = xw.__path__[0] + "/quickstart.xlsm"
    return zipfile.ZipFile(path).read("xl/vbaProject.bin")


def _xlsm(stand_in_vba: bytes, rows: list | None = None) -> bytes:
    out = io.BytesIO()
    xlsm.build_xlsm("school", unit_code=UNIT, unit_name="โรงเรียนทดสอบ", year=2567, round_no=2, out=out,
                    server_url="https://lec.example.go.th", vba_project=stand_in_vba, rows=rows)  # fmt: skip
    return out.getvalue()


def test_xlsm_package(stand_in_vba: bytes) -> None:
    data = _xlsm(stand_in_vba, make_roster("school", 10, year=2567, unit_code=UNIT))
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.read("xl/vbaProject.bin") == stand_in_vba
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in z.read("[Content_Types].xml")
    vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    for macro, caption in vba.BUTTONS:
        assert f"<x:FmlaMacro>[0]!{macro}</x:FmlaMacro>" in vml and caption in vml
    wb = openpyxl.load_workbook(io.BytesIO(data))
    settings = {r[2]: r[1] for r in wb[SETTINGS_SHEET].iter_rows(values_only=True) if len(r) > 2 and r[2]}
    assert settings == {"server_url": "https://lec.example.go.th", "login": UNIT, "mode": "local",
                        "merge_folder": None, "macros": xlsm.MACROS_MARK}  # fmt: skip
    # The data part is the ordinary template: it validates the same.
    report = check_file(data, file="x.xlsm")
    assert report.ok and report.rows == 10


def test_xlsm_colours_through_its_own_macros(stand_in_vba: bytes) -> None:
    """Data sheets are protected: through the VBA client the fills go between LecUnprotect/LecProtect."""
    rows = make_roster("school", 6, year=2567, unit_code=UNIT)
    rows[1]["citizen_id"] = "1234567890123"
    excel = FakeExcel(payload_from_xlsx(_xlsm(stand_in_vba, rows), name="แบบฟอร์ม.xlsm"))
    book = excel.book()
    actions.validate(book)
    acts = checked_actions(book)["actions"]
    excel.apply(acts)
    funcs = [(a["func"], a["args"]) for a in acts[:3]]
    assert funcs[0] == ("runMacro", ["'แบบฟอร์ม.xlsm'!LecUnprotect", "นักเรียน"])
    assert funcs[1][0] == "setRangeColor"
    assert funcs[2] == ("runMacro", ["'แบบฟอร์ม.xlsm'!LecProtect", "นักเรียน"])
    assert excel.fill("นักเรียน", "A6") == ERROR_FILL


def test_bas_is_generated_and_ascii() -> None:
    text = vba.BAS_PATH.read_bytes()
    assert text == vba.module_source().encode("ascii")
    source = text.decode("ascii")
    for macro, _ in vba.BUTTONS:
        assert f"Public Sub {macro}()" in source
    for name in ("LecConfirmAnswer", "LecSetToken", "LecUnprotect", "LecProtect"):
        assert f"Public Sub {name}(" in source
    assert 'import addin.macros as m; m." & action & "()' in source
    assert vba.vba_text("ตั้งค่า A") == " & ".join(f"ChrW({ord(c)})" for c in "ตั้งค่า") + ' & " A"'


def test_route_refuses_actions_the_vba_client_lacks(make_workbook: Callable[..., bytes]) -> None:
    book = book_from_xlsx(make_workbook(n=2))
    book.sheets[0]["A1"].formula = "=1+1"
    with pytest.raises(RuntimeError, match="setFormula"):
        checked_actions(book)
