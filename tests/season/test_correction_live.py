"""The correction window on a live server: `lec round create --mode correction`, then HTTP only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
import requests
from livekit import lec
from seasonkit import (
    CORRECTION,
    CORRECTION_TIMES,
    IN_WINDOW,
    PROVINCE,
    PROVINCE_INSTS,
    PROVINCE_LAOS,
    confirm_province,
    other_total,
)
from serverkit import PASSWORD, World

pytestmark = pytest.mark.live


def test_correction_window_over_http(live: tuple[str, World], tmp_path: Path) -> None:
    base, world = live
    sent = confirm_province(world)
    t = CORRECTION_TIMES
    done = lec(tmp_path / "data", "round", "create", CORRECTION, "--mode", "correction", "--as-of", t["as_of"],
               "--opens", t["opens"], "--institution-deadline", t["institution_deadline"],
               "--lao-deadline", t["lao_deadline"], "--province-deadline", t["province_deadline"])  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ฐานการจัดสรร: รอบ 2567-2" in done.stdout
    world.set_now(IN_WINDOW)
    tokens = {login: world.headers(login) for login in ("3056100001", PROVINCE)}
    api = f"{base}/api/v1/rounds/{CORRECTION}/units"
    # one school drops its last two pupils (with a removal record), nobody else touches anything
    code = "3056100001"
    keep, gone = sent[code][:-2], sent[code][-2:]
    removals = [{"citizen_id": r["citizen_id"], "first_name": r["first_name"], "last_name": r["last_name"],
                 "removed_on": "2025-01-03", "reason": "ย้ายสถานศึกษา"} for r in gone]  # fmt: skip
    data = world.workbook(code, keep, removals, year=2567, round_no=3)
    resp = requests.post(f"{api}/{code}/workbook", headers=tokens[code], files={"file": ("fix.xlsx", data)}, timeout=60)
    assert resp.status_code == 200, resp.json()
    status = requests.get(f"{api}/{PROVINCE}/status", headers=tokens[PROVINCE], timeout=30).json()
    basis = sum(len(sent[c]) for c in PROVINCE_INSTS) + sum(other_total(sent[lao]) for lao in PROVINCE_LAOS)
    assert status["state"] == "corrected" and status["deadline"] is None
    assert status["correction"]["basis"]["total"] == basis
    assert status["counts"]["total"] == basis - 2 and status["correction"]["difference"]["total"] == -2
    book = requests.get(f"{api}/{PROVINCE}/consolidated", headers=tokens[PROVINCE], timeout=60)
    assert book.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True, data_only=True)
    grand = next(r for r in wb["เทียบฐานจัดสรร"].iter_rows(values_only=True) if r[0] == "รวมทั้งสิ้น")
    assert (grand[6], grand[9], grand[10]) == (basis, basis - 2, -2)
    # the page says the same as the JSON
    page_client = requests.Session()
    login_html = page_client.get(f"{base}/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_html).group(1)  # type: ignore[union-attr]
    page_client.post(f"{base}/login", data={"login": PROVINCE, "password": PASSWORD, "csrf_token": csrf}, timeout=30)
    html = page_client.get(f"{base}/rounds/{CORRECTION}/units/{PROVINCE}", timeout=30).text
    assert 'data-test="correction"' in html
    assert f'data-test="basis">{basis:,}<' in html and f'data-test="corrected">{basis - 2:,}<' in html
    assert 'data-test="difference">-2<' in html and "ฐานการจัดสรร: ข้อมูลรอบ 2567-2" in html
    assert "กำหนดยืนยัน" not in html
