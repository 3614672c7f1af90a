"""The GPAX export and the LocalSchool migration end to end, as a school and the nation do it: `lec template
localschool` writes the form, `lec validate` names the bad rows, a live `lec serve` (loadrun.LiveServer)
takes the good rows and hands back the failed ones, the fixed rows complete the import without duplicates,
`lec localschool import` at the console does the same, and the GPAX CSV streams over HTTP with the
hand-computed figures (localschoolkit: A's 2565 term 1 after the fix, (4 + 3.5 + 4) / 3 -> 3.83)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from localschoolkit import BAD, FIXES, GOOD, YEAR, A, failed_sheet, fix, type_rows
from recordskit import SCHOOL
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, make_world

from server.cli import main
from server.storage import db
from server.tools import loadrun
from server.web.app import create_app

pytestmark = pytest.mark.live


def count(data_dir: Path) -> tuple[int, int]:
    conn = db.connect(data_dir / "lec.db")
    try:
        total = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        keys = conn.execute("SELECT COUNT(*) FROM (SELECT DISTINCT year, term, subject_code, citizen_id FROM results)")
        return total, keys.fetchone()[0]
    finally:
        conn.close()


def test_localschool_and_gpax_live(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = create_app({"DATA_DIR": data_dir, **FAST_HASH, "NOW": OPEN_TIME})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    world.headers(SCHOOL)
    world.headers("dla")

    runner = CliRunner()
    blank = tmp_path / "history.xlsx"
    res = runner.invoke(main, ["template", "localschool", "--unit", SCHOOL, "--year", str(YEAR),
                               "--data-dir", str(data_dir), "--out", str(blank)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "ผลการเรียนย้อนหลัง" in res.output
    filled = tmp_path / "history-filled.xlsx"
    filled.write_bytes(type_rows(blank.read_bytes(), [*GOOD, *BAD]))
    res = runner.invoke(main, ["validate", "--json", str(filled)])
    report = json.loads(res.output)["files"][0]
    assert res.exit_code == 1 and report["form"] == "localschool"
    assert sorted({e["row"] for e in report["errors"]}) == [11, 12, 13, 14]

    with loadrun.LiveServer(data_dir) as server:

        def login(name: str) -> dict[str, str]:
            token = requests.post(f"{server.base}/token", json={"login": name, "password": PASSWORD}, timeout=30)
            return {"Authorization": f"Bearer {token.json()['token']}"}

        auth = login(SCHOOL)
        url = f"{server.base}/years/{YEAR}/units/{SCHOOL}/localschool"
        r = requests.post(url, headers=auth, files={"file": ("h.xlsx", filled.read_bytes())}, timeout=120)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["stored"], body["failed"]) == (6, 4)
        failed = requests.get(server.base + body["failed_workbook"].removeprefix("/api/v1"), headers=auth, timeout=60)
        assert failed.status_code == 200
        rows = failed_sheet(failed.content)
        assert len(rows) == 4 and all(r["reason"] for r in rows)
        r = requests.post(url, headers=auth, files={"file": ("fixed.xlsx", fix(failed.content, FIXES))}, timeout=120)
        assert (r.json()["stored"], r.json()["failed"]) == (4, 0)
        assert count(data_dir) == (10, 10)

        with requests.get(f"{server.base}/years/2565/units/56/gpax.csv", headers=login("dla"), stream=True,
                          timeout=60) as resp:  # fmt: skip
            assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
            assert "Content-Length" not in resp.headers  # streamed (chunked), not built whole first
            table = {r["citizen_id"]: r for r in csv.DictReader(resp.iter_lines(decode_unicode=True))}
        # A in 2565 (credits only: the primary ท14101 of 2564 is in hours and does not enter a secondary GPAX):
        # ท21101 4, ค21101 3.5, ส21101 4 | ท21102 3, 1.5 credits each: 21.75 / 6 = 3.625 -> 3.62 (rounding: 3.63)
        assert (table[A.citizen_id]["gpax"], table[A.citizen_id]["credits"]) == ("3.62", "6")
        assert table[A.citizen_id]["social_gpa"] == "4.00" and len(table) == 2
        refused = requests.get(f"{server.base}/years/2565/units/TH/gpax.csv", headers=auth, timeout=60)
        assert refused.status_code == 403 and refused.json()["error"] == "out_of_scope"

    again = tmp_path / "again.xlsx"  # the console import of the same file: nothing new, the failed rows written
    again.write_bytes(filled.read_bytes())
    res = runner.invoke(main, ["localschool", "import", str(again), "--unit", SCHOOL, "--year", str(YEAR), "--json"],
                        env={"LEC_DATA_DIR": str(data_dir)})  # fmt: skip
    assert res.exit_code == 1, res.output
    answer = json.loads(res.output.splitlines()[0])
    assert (answer["stored"], answer["unchanged"], answer["failed"]) == (0, 6, 4)
    assert len(failed_sheet(Path(answer["failed_file"]).read_bytes())) == 4
    assert count(data_dir) == (10, 10)
