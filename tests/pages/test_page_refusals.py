"""Every family of HTML pages refuses the same way (server/web/page_kit.py): a stranger is sent to the
login page and brought back after, a logged-in person outside the page's scope gets the Thai error page
(HTML, not the API's JSON)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

PAGE_BLUEPRINTS = ("pages", "records_pages", "graduate_pages", "lsq_pages", "progress", "integrity_pages")
PUBLIC = {"pages.login"}


def _page_gets(app: Flask, round_id: str) -> list[str]:
    """One URL for every GET page route, its parameters filled with plausible values."""
    values = {"round_id": round_id, "code": "56", "year": "2567", "level": "ป.6", "citizen_id": "1103700000011",
              "check_id": "1", "import_id": "1", "report_id": "1", "login": "56"}  # fmt: skip
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in PAGE_BLUEPRINTS and "GET" in rule.methods and rule.endpoint not in PUBLIC:
            urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), rule.rule))
    return urls


def test_a_stranger_is_sent_to_log_in_and_brought_back(app: Flask, client: FlaskClient, round_id: str) -> None:
    urls = _page_gets(app, round_id)
    assert len(urls) >= 15  # every family is here, not just the census pages
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 302, (url, resp.status_code, resp.get_data()[:200])
        target = urlsplit(resp.headers["Location"])
        assert target.path == "/login", (url, resp.headers["Location"])
        assert parse_qs(target.query).get("next") == [url], (url, resp.headers["Location"])


def test_outside_scope_is_a_thai_page_not_json(app: Flask, client: FlaskClient, login: Any, round_id: str) -> None:
    assert login("3056200101").status_code == 302  # a school of LAO 1
    for url in (
        f"/rounds/{round_id}/progress/56",  # a province's dashboard
        "/years/2567/units/3056200201/records",  # another LAO's school's records
        "/years/2567/units/3056200201/register",  # its pupil register
    ):
        resp = client.get(url)
        assert resp.status_code in (403, 404), (url, resp.status_code)
        assert resp.mimetype == "text/html", (url, resp.mimetype)
        assert re.search(r"[\u0e00-\u0e7f]", resp.get_data(as_text=True)), url


def test_the_explanation_form_refuses_as_a_page(client: FlaskClient, login: Any, token_of: Any, round_id: str) -> None:
    """The integrity pages' form (a POST) used to fall through to the app's JSON handler."""
    assert login("3056200101").status_code == 302
    token = token_of(f"/rounds/{round_id}/units/3056200101")
    resp = client.post(f"/rounds/{round_id}/units/3056200201/notices/1103700000011/explain",
                       data={"csrf_token": token, "explanation": "ย้ายออกแล้ว"})  # fmt: skip
    assert resp.status_code in (403, 404), resp.status_code
    assert resp.mimetype == "text/html", resp.mimetype
    assert re.search(r"[\u0e00-\u0e7f]", resp.get_data(as_text=True))
