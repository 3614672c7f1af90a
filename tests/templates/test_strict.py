"""The strict cases: each gives its stable code and a Thai message, never a traceback."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from validators.fields import SHEETS, header_of
from workbook_templates import WorkbookError, check_file, read_workbook
from workbook_templates.meta import META_SHEET, digest_fields

ROSTER = SHEETS["school"]["roster"]


def _thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def _expect(source: Any, code: str) -> WorkbookError:
    with pytest.raises(WorkbookError) as info:
        read_workbook(source)
    err = info.value
    assert err.code == code
    assert _thai(err.message_th)
    report = check_file(source, file="x.xlsx")  # the same case as a report, for CLI and server
    assert [e["code"] for e in report.errors] == [code]
    assert report.errors[0]["message"] == err.message_th
    assert report.rows == 0 and report.form is None
    return err


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is a CSV\n1,2,3\n", b"PK\x03\x04 truncated zip", b"\x00" * 600],
    ids=["empty", "text", "broken-zip", "zeros"],
)
def test_not_a_workbook(data: bytes) -> None:
    _expect(data, "WORKBOOK_NOT_A_WORKBOOK")


def test_zip_that_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not excel")
    _expect(buf.getvalue(), "WORKBOOK_NOT_A_WORKBOOK")


def test_random_workbook_is_not_a_template(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["ชื่อ", "นามสกุล"])
    wb.active.append(["สมชาย", "ใจดี"])
    wb.save(tmp_path / "r.xlsx")
    _expect(tmp_path / "r.xlsx", "WORKBOOK_NOT_A_TEMPLATE")


def _edited(tmp_path: Path, kit: Any, edit: Callable[[Any], None]) -> Path:
    path = kit.make("school", tmp_path / "s.xlsx")
    return kit.fill(path, ROSTER, [kit.pupil()], edit=edit)


def test_metadata_deleted(tmp_path: Path, kit: Any) -> None:
    _expect(_edited(tmp_path, kit, lambda wb: wb.remove(wb[META_SHEET])), "WORKBOOK_META_MISSING")


def _set_meta(wb: Any, key: str, value: str, *, redigest: bool = False) -> None:
    ws = wb[META_SHEET]
    fields = {r[0].value: r[1] for r in ws.iter_rows() if r[0].value}
    fields[key].value = value
    if redigest:
        text = {k: c.value for k, c in fields.items() if k != "digest"}
        fields["digest"].value = digest_fields(text)


def test_metadata_edited(tmp_path: Path, kit: Any) -> None:
    err = _expect(_edited(tmp_path, kit, lambda wb: _set_meta(wb, "year", "2566")), "WORKBOOK_META_TAMPERED")
    assert "digest" in err.detail


def test_metadata_unit_swapped(tmp_path: Path, kit: Any) -> None:
    _expect(_edited(tmp_path, kit, lambda wb: _set_meta(wb, "unit_code", "3056200002")), "WORKBOOK_META_TAMPERED")


def test_future_template_version(tmp_path: Path, kit: Any) -> None:
    path = _edited(tmp_path, kit, lambda wb: _set_meta(wb, "template_version", "99", redigest=True))
    err = _expect(path, "WORKBOOK_VERSION_UNSUPPORTED")
    assert "99" in err.message_th


def test_data_sheet_deleted(tmp_path: Path, kit: Any) -> None:
    _expect(_edited(tmp_path, kit, lambda wb: wb.remove(wb[ROSTER])), "WORKBOOK_SHEET_MISSING")


def test_key_row_damaged(tmp_path: Path, kit: Any) -> None:
    def damage(wb: Any) -> None:
        wb[ROSTER]["F3"] = None  # the birth_date key

    err = _expect(_edited(tmp_path, kit, damage), "WORKBOOK_COLUMNS_MISSING")
    assert header_of("birth_date") in err.message_th


def test_missing_file_is_an_oserror_for_the_caller(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_workbook(tmp_path / "nope.xlsx")


def test_damaged_sheet_inside_a_valid_zip(tmp_path: Path, kit: Any) -> None:
    """The zip and the metadata are fine but the roster's XML is cut short (a broken download)."""
    path = kit.make("school", tmp_path / "s.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    _expect(buf.getvalue(), "WORKBOOK_NOT_A_WORKBOOK")
