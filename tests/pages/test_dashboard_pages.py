"""The dashboard's pages through Flask's client on the small demo: who sees which, the national view,
filters in the query string (no JavaScript), and the late list's scope. The 349-LAO province is
tests/browser/test_dashboard.py's; the speed is `lec bench --only dashboard`'s."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from tests.pages.test_pages import LAO_A, LAO_B, PROVINCE, X1, X3, text


def test_province_dashboard_has_the_summary_and_the_folds(client: Any, login: Any, round_id: str) -> None:
    login(PROVINCE)
    html = text(client.get(f"/rounds/{round_id}"))
    assert 'data-test="progress"' in html and '<svg class="bar"' in html
    assert '<details class="unit' in html and f'data-unit="{LAO_B}"' in html
    assert "<script" not in html  # the CSP allows none inline; the page needs none
    only_b = text(client.get(f"/rounds/{round_id}?q={LAO_B}"))
    assert f'data-unit="{LAO_B}" open' in only_b and f'data-unit="{LAO_A}"' not in only_b
    assert X1 in only_b and X3 in only_b  # the LAO matched by itself: all its institutions shown


def test_the_admin_sees_the_provinces_and_can_open_one(client: Any, login: Any, round_id: str) -> None:
    from server.tools.demo import ADMIN_LOGIN

    login(ADMIN_LOGIN)
    html = text(client.get(f"/rounds/{round_id}"))
    assert 'data-test="progress"' in html and f'data-unit="{PROVINCE}"' in html
    assert f"/rounds/{round_id}/progress/{PROVINCE}" in html
    found = text(client.get(f"/rounds/{round_id}?q={X1}"))
    assert 'data-test="found"' in found and f'data-unit="{X1}"' in found
    province = client.get(f"/rounds/{round_id}/progress/{PROVINCE}")
    assert province.status_code == 200 and f'data-unit="{LAO_A}"' in text(province)
    book = client.get(f"/rounds/{round_id}/progress/TH/late.xlsx")
    assert book.status_code == 200
    codes = {r[2] for r in openpyxl.load_workbook(io.BytesIO(book.data)).active.iter_rows(min_row=5, values_only=True)}
    assert {PROVINCE, X3} <= codes  # the nation's list spans provinces and institutions (X3 has sent nothing)


def test_scope_of_the_progress_pages(client: Any, login: Any, round_id: str) -> None:
    login(LAO_B)
    assert client.get(f"/rounds/{round_id}/progress/{PROVINCE}").status_code == 403
    assert client.get(f"/rounds/{round_id}/progress/TH/late.xlsx").status_code == 403
    login(PROVINCE)
    assert client.get(f"/rounds/{round_id}/progress/{LAO_B}").status_code == 404  # a province or the nation only
    assert client.get(f"/rounds/{round_id}/progress/TH").status_code == 403
    late = client.get(f"/rounds/{round_id}/progress/{PROVINCE}/late.xlsx")
    assert late.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(late.data)).active
    assert all(r[6] == PROVINCE for r in ws.iter_rows(min_row=5, values_only=True) if r[0] is not None)
