"""`lec template` and `lec validate`: CliRunner for the output, a subprocess for exit codes and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from server.cli import main
from validators.fields import SHEETS

ROSTER = SHEETS["school"]["roster"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _good_and_bad(tmp_path: Path, kit: Any) -> tuple[Path, Path]:
    good = kit.fill(kit.make("school", tmp_path / "good.xlsx"), ROSTER, [kit.pupil()])
    bad_id = kit.ID_A[:-1] + str((int(kit.ID_A[-1]) + 3) % 10)
    bad = kit.fill(kit.make("school", tmp_path / "bad.xlsx"), ROSTER,
                   [kit.pupil(), None, kit.pupil(citizen_id=bad_id, first_name="สมปอง")])  # fmt: skip
    return good, bad


def test_template_command_writes_each_form(tmp_path: Path, runner: CliRunner) -> None:
    for form, unit in (("school", "3056200001"), ("cdc", "3056500001"), ("other", "05560101")):
        out = tmp_path / f"{form}.xlsx"
        res = runner.invoke(main, ["template", form, "--unit", unit, "--year", "2567", "--round", "2",
                                   "--name", "หน่วยทดสอบ", "--capacity", "30", "--out", str(out)])  # fmt: skip
        assert res.exit_code == 0, res.output
        assert "ปีการศึกษา 2567 ครั้งที่ 2" in res.output
        wb = openpyxl.load_workbook(out)
        assert wb["lec_meta"].sheet_state == "veryHidden"
        assert "หน่วยทดสอบ" in wb[SHEETS[form]["counts" if form == "other" else "roster"]]["A2"].value


@pytest.mark.parametrize(
    ("form", "unit"),
    [("school", "305620000"), ("school", "3056500001"), ("cdc", "3056200001"), ("other", "3056200001")],
)
def test_template_refuses_a_wrong_unit(tmp_path: Path, runner: CliRunner, form: str, unit: str) -> None:
    res = runner.invoke(main, ["template", form, "--unit", unit, "--year", "2567", "--round", "2",
                               "--out", str(tmp_path / "x.xlsx")])  # fmt: skip
    assert res.exit_code == 2
    assert not (tmp_path / "x.xlsx").exists()
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in res.output)


def test_template_from_previous_workbook(tmp_path: Path, runner: CliRunner, kit: Any) -> None:
    old = kit.fill(kit.make("school", tmp_path / "old.xlsx"), ROSTER,
                   [kit.pupil(), kit.pupil(citizen_id=int(kit.ID_B), first_name="สมศรี ")])  # fmt: skip
    out = tmp_path / "new.xlsx"
    res = runner.invoke(main, ["template", "school", "--unit", kit.SCHOOL, "--year", "2568", "--round", "1",
                               "--previous", str(old), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "รายชื่อเดิม 2 คน" in res.output
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb[ROSTER]
    rows = [r for r in ws.iter_rows(min_row=5, max_row=6, max_col=3, values_only=True)]
    assert rows == [(kit.ID_A, "เด็กชาย", "สมชาย"), (kit.ID_B, "เด็กชาย", "สมศรี")]  # normalised on the way
    assert "หน่วยทดสอบ" in ws["A2"].value  # unit name carried from the previous file


def test_validate_human_output(tmp_path: Path, runner: CliRunner, kit: Any) -> None:
    good, bad = _good_and_bad(tmp_path, kit)
    res = runner.invoke(main, ["validate", str(good)])
    assert res.exit_code == 0, res.output
    assert "ผ่าน" in res.output and "1 แถว" in res.output
    res = runner.invoke(main, ["validate", str(good), str(bad)])
    assert res.exit_code == 1
    assert f"{ROSTER}!A7" in res.output  # the cell a clerk looks at (row 6 was left blank)
    assert "ID_CHECK_DIGIT" in res.output and "หลักสุดท้ายไม่ถูกต้อง" in res.output
    assert "ตรวจ 2 ไฟล์: ผ่าน 1 • ไม่ผ่าน 1" in res.output


def test_validate_json_shape(tmp_path: Path, runner: CliRunner, kit: Any) -> None:
    good, bad = _good_and_bad(tmp_path, kit)
    res = runner.invoke(main, ["validate", "--json", str(good), str(bad)])
    assert res.exit_code == 1
    payload = json.loads(res.output)
    files = payload["files"]
    assert [f["file"] for f in files] == [str(good), str(bad)]
    for f in files:
        assert {"file", "form", "unit", "rows", "errors", "warnings"} <= f.keys()
        assert f["form"] == "school" and f["unit"] == kit.SCHOOL
    assert files[0]["errors"] == [] and files[0]["rows"] == 1
    (err,) = files[1]["errors"]
    assert {"sheet", "row", "column", "code", "message"} <= err.keys()
    assert (err["sheet"], err["row"], err["column"], err["code"]) == (ROSTER, 7, "citizen_id", "ID_CHECK_DIGIT")


def _lec(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from server.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_validate_subprocess_exit_codes_and_unreadable_files(tmp_path: Path, kit: Any) -> None:
    good, bad = _good_and_bad(tmp_path, kit)
    text = tmp_path / "notes.xlsx"
    text.write_text("this is not a workbook", encoding="utf-8")
    assert _lec("validate", str(good)).returncode == 0
    res = _lec("validate", "--json", str(good), str(text), str(tmp_path / "missing.xlsx"))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    files = json.loads(res.stdout)["files"]
    assert [f["errors"][0]["code"] if f["errors"] else None for f in files] == [
        None, "WORKBOOK_NOT_A_WORKBOOK", "WORKBOOK_FILE_NOT_FOUND"]  # fmt: skip
    res = _lec("validate", str(text))
    assert res.returncode == 1 and "Traceback" not in res.stderr + res.stdout
    assert "ไม่ใช่สมุดงาน Excel" in res.stdout
    assert _lec("validate", str(bad)).returncode == 1
