"""The academic records end to end, as a school does it: the census roster is confirmed, `lec template
results --data-dir` pre-fills the class from it, a teacher types scores (openpyxl, input cells only),
`lec validate` passes the file, and a live `lec serve` (server/loadrun.LiveServer) stores it and prints
the ปพ.1 whose GPA is the hand-computed one, cut not rounded (11/3 = 3.666... -> 3.66)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import requests
from click.testing import CliRunner
from recordskit import SCHOOL, YEAR, fill, transcript_cells, typed_row, value_beside
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, make_world

from server.cli import main
from server.storage import db
from server.tools import loadrun
from server.web.app import create_app

pytestmark = pytest.mark.live
GRADES = (["4", "3.5", "3.5"], ["2", "2", "ร"], ["4", "4", "มส"])  # recordskit's pupils A, B, C, cycled
SPECS = "ท21101:ภาษาไทย 1:1.5,ค21101:คณิตศาสตร์ 1:1.5,ว21101:วิทยาศาสตร์ 1:1.5"


def test_template_validate_upload_transcript_live(tmp_path: Path) -> None:  # noqa: PLR0915 (one walk, step by step)
    data_dir = tmp_path / "data"
    app = create_app({"DATA_DIR": data_dir, **FAST_HASH, "NOW": OPEN_TIME})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    roster = world.roster(SCHOOL, n=80, seed=1)
    assert world.upload_rows(SCHOOL, SCHOOL, roster)["accepted"]
    assert world.confirm(SCHOOL).status_code == 200
    world.headers("3057300001")  # the other province's school has a profile: its refusal is about scope
    klass = [r for r in roster if (r["grade"], r["room"]) == ("ม.1", "1")]
    assert len(klass) >= 3

    runner = CliRunner()
    template = tmp_path / "m1-1.xlsx"
    res = runner.invoke(main, ["template", "results", "--unit", SCHOOL, "--year", str(YEAR), "--term", "1",
                               "--class", "ม.1/1", "--subjects", SPECS, "--data-dir", str(data_dir),
                               "--out", str(template)])  # fmt: skip
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(template)["ท21101"]
    carried = [ws.cell(5 + i, 1).value for i in range(len(klass) + 1)]
    assert carried == [r["citizen_id"] for r in klass] + [None]  # the confirmed class, in roster order

    typed = {code: [typed_row(GRADES[i % 3][j]) for i in range(len(klass))]
             for j, code in enumerate(("ท21101", "ค21101", "ว21101"))}  # fmt: skip
    filled = tmp_path / "m1-1-filled.xlsx"
    filled.write_bytes(fill(template.read_bytes(), typed))
    res = runner.invoke(main, ["validate", str(filled)])
    assert res.exit_code == 0, res.output
    assert "ชั้น ม.1/1" in res.output and "ภาคเรียนที่ 1/2567" in res.output
    res = runner.invoke(main, ["validate", "--json", str(filled)])
    report = json.loads(res.output)["files"][0]
    assert (res.exit_code, report["form"], report["round"], report["rows"]) == (0, "results", "2567-1", 3 * len(klass))
    assert [w["code"] for w in report["warnings"]].count("RESULT_PENDING") == sum(i % 3 > 0 for i in range(len(klass)))
    bad = tmp_path / "bad.xlsx"
    typed["ค21101"][0] = {"attendance_pct": 95, "score_term": 90, "score_final": 10}
    bad.write_bytes(fill(template.read_bytes(), typed))
    res = runner.invoke(main, ["validate", str(bad)])
    assert res.exit_code == 1 and "RESULT_SCORE_RANGE" in res.output and "ค21101!F5" in res.output

    with loadrun.LiveServer(data_dir) as server:
        token = requests.post(f"{server.base}/token", json={"login": SCHOOL, "password": PASSWORD},
                              timeout=30).json()["token"]  # fmt: skip
        auth = {"Authorization": f"Bearer {token}"}
        url = f"{server.base}/years/{YEAR}/units/{SCHOOL}"
        r = requests.post(f"{url}/records/workbook", headers=auth, timeout=120,
                          files={"file": ("bad.xlsx", bad.read_bytes())})  # fmt: skip
        assert r.status_code == 422
        r = requests.post(f"{url}/records/workbook", headers=auth, timeout=120,
                          files={"file": ("m1-1.xlsx", filled.read_bytes())})  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.json()["rows"] == 3 * len(klass)
        first = klass[0]["citizen_id"]
        r = requests.get(f"{url}/students/{first}/transcript", headers=auth, timeout=60)
        assert r.status_code == 200
        rows = transcript_cells(r.content)
        assert value_beside(rows, "ผลการเรียนเฉลี่ยสะสม (GPAX)") == "3.66"  # 11/3, cut (rounding says 3.67)
        assert value_beside(rows, "ภาษาไทย") == "4.00"
        assert value_beside(rows, "วิทยาศาสตร์และเทคโนโลยี") == "3.50"
        other = requests.post(f"{server.base}/token", json={"login": "3057300001", "password": PASSWORD},
                              timeout=30).json()["token"]  # fmt: skip
        r = requests.get(f"{url}/students/{first}/transcript", headers={"Authorization": f"Bearer {other}"},
                         timeout=30)  # fmt: skip
        assert r.status_code == 403 and r.json()["error"] == "out_of_scope"
    stored = db.connect(data_dir / "lec.db")
    assert stored.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 3 * len(klass)
    assert stored.execute("SELECT COUNT(*) FROM record_uploads").fetchone()[0] == 1
