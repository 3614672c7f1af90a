"""The province dashboard in Chromium on a generated 349-LAO province: filter, search, fold, late list.

The province is the bench's synthetic data (book_bench.build_synthetic_db: 349 LAOs, 1,000 institutions,
about 70% of institutions and 40% of LAOs confirmed) with a ready account for every unit; the server is
waitress on 127.0.0.1, port 0. What the page shows is checked against the database, not against itself.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import FAST_HASH, LiveServer

LAOS = 349
ROUND = "2567-2"
EVIL = '=HYPERLINK("http://evil.example","คลิก")'


@pytest.fixture(scope="module")
def province_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from waitress import create_server

    from server.tools.book_bench import NOW, PROVINCES, build_synthetic_db
    from server.tools.dashboard_bench import ready_accounts
    from server.web.app import create_app

    data = tmp_path_factory.mktemp("province349")
    shape = build_synthetic_db(
        data / "lec.db", provinces=1, laos_per_province=LAOS, pupils=20_000, institutions=1_000, seed=3
    )
    assert shape["laos"] == LAOS
    with sqlite3.connect(data / "lec.db") as c:  # a name typed by someone who wants a live link in the list
        c.execute(
            "UPDATE units SET name = ? WHERE code = (SELECT MIN(code) FROM units WHERE level = 'institution'"
            " AND code NOT IN (SELECT unit_code FROM confirmations))",
            [EVIL],
        )
    ready_accounts(data / "lec.db", PROVINCES[0])
    app = create_app({"DATA_DIR": data, "NOW": NOW, **FAST_HASH})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.effective_port}", data, ROUND, app)
    finally:
        server.close()
        thread.join(timeout=5)


def _db(server: LiveServer) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "lec.db")


def _institutions(server: LiveServer) -> dict[str, dict[str, Any]]:
    """Every institution with its kind, LAO and chain state, straight from the tables."""
    with _db(server) as c:
        rows = c.execute(
            "SELECT u.code, u.name, u.kind, u.parent,"
            " EXISTS (SELECT 1 FROM confirmations f WHERE f.round_id = ? AND f.unit_code = u.code),"
            " EXISTS (SELECT 1 FROM rosters r WHERE r.round_id = ? AND r.unit_code = u.code)"
            " FROM units u WHERE u.level = 'institution'",
            [ROUND, ROUND],
        ).fetchall()
    return {
        code: {
            "name": name,
            "kind": kind,
            "lao": lao,
            "state": "confirmed" if done else "uploaded" if sent else "not_uploaded",
        }
        for code, name, kind, lao, done, sent in rows
    }


@pytest.fixture()
def page(browser: Any, province_server: LiveServer) -> Iterator[Any]:
    from server.tools.book_bench import PROVINCES
    from server.tools.dashboard_bench import PASSWORD

    context = browser.new_context(locale="th-TH", accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.goto(f"{province_server.url}/login")
    pg.fill("input[name=login]", PROVINCES[0])
    pg.fill("input[name=password]", PASSWORD)
    pg.click("main form button[type=submit]")
    pg.wait_for_url(f"**/rounds/{ROUND}")
    yield pg
    context.close()


def test_summary_and_folds(page: Any, province_server: LiveServer) -> None:
    insts = _institutions(province_server)
    lao_level = page.locator("[data-test=progress] [data-level=lao]")
    assert f"{LAOS}" in lao_level.locator("h3").inner_text()
    inst_level = page.locator("[data-test=progress] [data-level=institution]")
    confirmed = sum(1 for i in insts.values() if i["state"] == "confirmed")
    legend = inst_level.locator("li[data-state=confirmed]").inner_text()
    assert f"{confirmed:,}" in legend and f"{100 * confirmed / len(insts):.1f}%" in legend
    states = Counter(i["state"] for i in insts.values())
    widths = inst_level.locator("svg.bar rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")
    assert sorted(float(w) for w in widths) == sorted(round(100 * n / len(insts), 2) for n in states.values())

    folds = page.locator("details.unit")
    assert folds.count() == LAOS
    lao = next(i["lao"] for i in insts.values())
    first_inst = next(code for code, i in insts.items() if i["lao"] == lao)
    fold = page.locator(f"details.unit[data-unit='{lao}']")
    row = fold.locator(f"tr[data-unit='{first_inst}']")
    assert fold.get_attribute("open") is None and not row.is_visible()
    fold.locator("summary").click()
    assert fold.get_attribute("open") is not None and row.is_visible()
    fold.locator("summary").click()
    assert not row.is_visible()

    page.click("[data-test=open-all]")
    page.wait_for_url("**open=all")
    assert page.locator("details.unit[open]").count() == LAOS
    assert page.locator(f"tr[data-unit='{first_inst}']").is_visible()
    with page.expect_navigation():
        page.click("[data-test=close-all]")
    assert page.locator("details.unit[open]").count() == 0


def test_filter_by_state_and_kind(page: Any, province_server: LiveServer) -> None:
    insts = _institutions(province_server)
    page.select_option("select[name=state]", "uploaded")
    page.select_option("select[name=kind]", "cdc")
    page.click("[data-test=filters] button[type=submit]")
    page.wait_for_url("**state=uploaded**")
    expected = {c for c, i in insts.items() if i["state"] == "uploaded" and i["kind"] == "cdc"}
    assert expected  # the data has some: the test would prove nothing otherwise
    shown = set(page.locator("details.unit[open] tr[data-unit]").evaluate_all("rs => rs.map(r => r.dataset.unit)"))
    assert shown == expected
    assert page.locator("details.unit").count() == len({insts[c]["lao"] for c in expected})
    assert page.locator("select[name=state]").input_value() == "uploaded"  # the form keeps the choice


def test_search_by_code_and_by_name(page: Any, province_server: LiveServer) -> None:
    insts = _institutions(province_server)
    code, inst = sorted(insts.items())[5]
    page.fill("input[name=q]", code)
    page.press("input[name=q]", "Enter")
    page.wait_for_url(f"**q={code}**")
    assert page.locator("details.unit").count() == 1
    assert page.locator(f"details.unit[data-unit='{inst['lao']}'][open] tr[data-unit='{code}']").is_visible()

    word = "ศูนย์พัฒนาเด็กเล็ก"
    page.fill("input[name=q]", word)
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    shown = set(page.locator("details.unit tr[data-unit]").evaluate_all("rs => rs.map(r => r.dataset.unit)"))
    assert shown == {c for c, i in insts.items() if word in i["name"]}
    with page.expect_navigation():
        page.click("text=ล้างตัวกรอง")
    assert page.locator("details.unit").count() == LAOS

    page.fill("input[name=q]", "ไม่มีหน่วยงานชื่อนี้")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert "ไม่พบหน่วยงาน" in page.locator("[data-test=nothing]").inner_text()


def test_late_list_download(page: Any, province_server: LiveServer, tmp_path: Path) -> None:
    import openpyxl

    from server.books.late_list import COLUMNS, HEAD_ROW
    from validators.fields import STATE_TH

    with page.expect_download() as download:
        page.click("[data-test=late-list]")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith(f"late-{ROUND}-")
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[HEAD_ROW + 1]]
    assert header == [h for _k, h, _w in COLUMNS]
    col = {key: i for i, (key, _h, _w) in enumerate(COLUMNS)}
    rows = [r for r in ws.iter_rows(min_row=HEAD_ROW + 2) if r[0].value is not None]
    listed = {r[col["code"]].value: r for r in rows}
    assert len(listed) == len(rows)  # no unit twice

    with _db(province_server) as c:
        expected = dict(
            c.execute(
                "SELECT u.code, u.level FROM units u WHERE u.level IN ('lao', 'institution')"
                " AND u.code NOT IN (SELECT unit_code FROM confirmations WHERE round_id = ?)",
                [ROUND],
            ).fetchall()
        )
    assert set(listed) == set(expected)
    insts = _institutions(province_server)
    for code, row in listed.items():
        if code in insts:
            assert row[col["state"]].value == STATE_TH[insts[code]["state"]], code
            assert row[col["parent"]].value is not None
    assert all(r[col["overdue"]].value == "เลยกำหนด" for r in rows)  # the bench's NOW is past every deadline

    evil = next(r for r in rows if r[col["name"]].value == EVIL)
    cell = evil[col["name"]]
    assert cell.data_type == "s" and cell.quotePrefix  # a string that stays one when edited
