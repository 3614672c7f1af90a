"""The graduate report on a live `lec serve` (server/tools/loadrun.LiveServer): registrars appointed with
`lec users issue --role registrar`, their first-login profiles, submit and approve over HTTP, the kept
file fetched back and its hash checked; the refusals of the census clerk and of another LAO's registrar;
then the approved ปพ.3 printed to PDF by headless LibreOffice and read with pdftotext."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from graduateskit import FINAL_YEAR, LAO, PUPILS, SCHOOL, walk_results
from serverkit import FAST_HASH, OPEN_TIME, PASSWORD, make_world

from server.cli import main
from server.storage import db
from server.tools import loadrun
from server.web.app import create_app

pytestmark = [pytest.mark.live, pytest.mark.libreoffice]
PROFILE = {"first_name": "พิมพ์ใจ", "last_name": "รักเรียน", "position": "ครู", "phone": "0812345678",
           "new_password": PASSWORD}  # fmt: skip


def issue(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, person: str) -> tuple[str, str]:
    monkeypatch.setenv("LEC_DATA_DIR", str(data_dir))
    for key, value in FAST_HASH.items():
        monkeypatch.setenv(f"LEC_{key}", str(value))
    out = tmp_path / f"{code}.csv"
    args = ["users", "issue", "--role", "registrar", "--unit", code, "--name", person, "--order-no", "7/2567",
            "--order-date", "2024-05-16", "--out", str(out)]  # fmt: skip
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as fh:
        return tuple(list(csv.reader(fh))[1])  # type: ignore[return-value]


def token(base: str, login: str, password: str, first: bool = False) -> dict[str, str]:
    r = requests.post(f"{base}/token", json={"login": login, "password": password}, timeout=30)
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['token']}"}
    if first:
        r = requests.post(f"{base}/me/profile", json=PROFILE, headers=auth, timeout=30)
        assert r.status_code == 200, r.text
    return auth


def to_pdf_text(xlsx: Path) -> str:
    profile = xlsx.parent / f"lo-{uuid.uuid4().hex}"
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(xlsx.parent), str(xlsx)],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    pdf = xlsx.with_suffix(".pdf")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_submit_approve_live_and_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    app = create_app({"DATA_DIR": data_dir, **FAST_HASH, "NOW": OPEN_TIME})
    world = make_world(app, app.test_client(), db.connect(app.config["DB_PATH"]))
    walk_results(world)  # the census login sends the records here; registrars act below
    reg, reg_pw = issue(data_dir, tmp_path, monkeypatch, SCHOOL, "นางสาวพิมพ์ใจ รักเรียน")
    lao_reg, lao_pw = issue(data_dir, tmp_path, monkeypatch, LAO, "นายสมชาย ทะเบียนดี")
    other, other_pw = issue(data_dir, tmp_path, monkeypatch, "06570101", "นางอื่น ต่างจังหวัด")

    with loadrun.LiveServer(data_dir) as server:
        url = f"{server.base}/years/{FINAL_YEAR}/units/{SCHOOL}/graduates/m3"
        clerk = token(server.base, SCHOOL, PASSWORD)  # the census login, its profile done by walk_results
        r = requests.post(f"{url}/submit", headers=clerk, timeout=30)
        assert r.status_code == 403 and r.json()["error"] == "out_of_scope"
        school = token(server.base, reg, reg_pw, first=True)
        r = requests.post(f"{url}/submit", headers=school, timeout=60)
        assert r.status_code == 200 and r.json()["state"] == "submitted", r.text
        stranger = token(server.base, other, other_pw, first=True)
        r = requests.post(f"{url}/approve", headers=stranger, timeout=30)
        assert r.status_code == 403 and r.json()["error"] == "out_of_scope"
        lao = token(server.base, lao_reg, lao_pw, first=True)
        r = requests.post(f"{url}/approve", headers=lao, timeout=60)
        assert r.status_code == 200 and r.json()["state"] == "approved", r.text
        sha = r.json()["versions"][-1]["sha256"]
        r = requests.get(url, headers=lao, timeout=60)
        assert r.status_code == 200 and r.headers["X-Report-State"] == "approved"
        assert hashlib.sha256(r.content).hexdigest() == sha == r.headers["X-Report-SHA256"]
        listed = requests.get(f"{server.base}/graduate-reports", headers=lao, timeout=30).json()["reports"]
        assert [(x["unit_code"], x["state"], x["graduates"]) for x in listed] == [(SCHOOL, "approved", 3)]

    report = tmp_path / "pp3.xlsx"
    report.write_bytes(r.content)
    text = to_pdf_text(report)
    assert "###" not in text
    assert "แบบรายงานผู้สำเร็จการศึกษา" in text and PUPILS[0].citizen_id in text and PUPILS[3].citizen_id in text
    assert "2.84" in text and "3.34" in text and "หญิง 2 คน" in text
    pages = [page for page in text.split("\f") if "แบบรายงานผู้สำเร็จการศึกษา" in page]
    assert len(pages) >= 2 and all(PUPILS[0].citizen_id in page for page in pages)  # key columns on every page
