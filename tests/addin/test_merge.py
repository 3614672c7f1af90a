"""The LAO officer's merge: a folder with a good and a bad workbook, checked, reported, sent on behalf."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from clientjson import FakeExcel, payload_from_xlsx
from live import ROUND, Live, live_server

from addin import merge
from addin.book_io import MERGE_SHEET
from addin.client import TokenStore
from validators.synthetic import make_roster

pytestmark = pytest.mark.live

LAO = "05560101"
SCHOOL = "3056200001"
CDC = "3056500001"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("merge") / "data") as server:
        yield server


def _folder(tmp_path: Path, make_workbook: Callable[..., bytes]) -> Path:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "school.xlsx").write_bytes(make_workbook(unit=SCHOOL, n=8))
    bad = make_roster("cdc", 6, year=2567, unit_code=CDC)
    bad[2]["citizen_id"] = "1234567890123"
    (folder / "cdc.xlsx").write_bytes(make_workbook("cdc", rows=bad, unit=CDC))
    (folder / "~$school.xlsx").write_bytes(b"lock file")
    (folder / "notes.txt").write_text("ไม่ใช่แฟ้ม Excel")
    return folder


def test_merge_folder_uploads_the_good_one(live: Live, make_workbook: Callable[..., bytes], tmp_path: Path) -> None:
    folder = _folder(tmp_path, make_workbook)
    lao = live.ready(LAO)
    excel = FakeExcel(payload_from_xlsx(make_workbook("other", unit=LAO, rows=[])))
    book = excel.book()
    outcome = merge.merge_into_book(book, folder, lao)
    excel.apply(book.json()["actions"])
    files = {f["file"]: f for f in outcome.data["files"]}
    assert set(files) == {"school.xlsx", "cdc.xlsx"}
    assert files["school.xlsx"]["uploaded"] and files["school.xlsx"]["verdict"].startswith("ส่งแล้ว 8 แถว")
    assert not files["cdc.xlsx"]["uploaded"] and files["cdc.xlsx"]["errors"] == 1
    assert "หลักสุดท้าย" in files["cdc.xlsx"]["detail"]
    report = excel.grid(MERGE_SHEET)
    assert report[2][:3] == ["แฟ้ม", "รหัสหน่วย", "ชื่อหน่วย"]
    assert {r[0] for r in report[3:]} == {"school.xlsx", "cdc.xlsx"}
    status = live.ready(SCHOOL).status(ROUND, SCHOOL)
    assert status["state"] == "uploaded" and status["upload"]["on_behalf"] is True
    assert live.ready(CDC).status(ROUND, CDC)["state"] == "not_uploaded"


def test_two_files_of_one_unit_are_held_back(make_workbook: Callable[..., bytes], tmp_path: Path) -> None:
    folder = tmp_path / "twice"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(make_workbook(unit=SCHOOL, n=3, seed=1))
    (folder / "b.xlsm").write_bytes(make_workbook(unit=SCHOOL, n=4, seed=2))
    results = merge.merge_folder(folder, backend=None)
    assert [r.verdict for r in results] == ["ไม่ได้ส่ง: มีหลายแฟ้มของหน่วยเดียวกัน"] * 2


def test_cli_merge(live: Live, make_workbook: Callable[..., bytes], tmp_path: Path) -> None:
    from server.cli import main

    folder = _folder(tmp_path, make_workbook)
    live.ready(LAO)
    TokenStore().put(live.url, LAO, live.tokens[LAO])
    result = CliRunner().invoke(main, ["addin", "merge", str(folder), "--server", live.url, "--login", LAO,
                                       "--json"])  # fmt: skip
    assert result.exit_code == 1, result.output  # one file has errors
    files = {f["file"]: f for f in json.loads(result.output)["files"]}
    assert files["school.xlsx"]["uploaded"] and not files["cdc.xlsx"]["uploaded"]
    result = CliRunner().invoke(main, ["addin", "merge", str(folder), "--check-only"])
    assert result.exit_code == 1 and "cdc.xlsx" in result.output and "ตรวจผ่าน (ยังไม่ได้ส่ง)" in result.output
