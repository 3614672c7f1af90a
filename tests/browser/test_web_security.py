"""The web session and the CSP as Chromium sees them (issue 10, item 4).

What a browser must show: a session cookie script cannot read (HttpOnly), that other sites' forms do
not carry (SameSite=Lax), whose value is a bare random id; pages that break no rule of their own CSP;
and a CSP that really stops an injected inline script.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from server.tools.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_session_cookie_and_csp_in_chromium(browser: Any, live_server: Any) -> None:
    context = browser.new_context(locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=login]", "56")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/rounds/"))

    cookies = {c["name"]: c for c in context.cookies()}
    session = cookies["session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Lax"
    assert session["secure"] is False  # plain http://127.0.0.1: Secure is for LEC_HTTPS / HTTPS proxies
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", session["value"])  # an id, nothing to read
    assert page.evaluate("document.cookie") == ""  # script on the page cannot see it

    for path in (f"/rounds/{live_server.round_id}", f"/rounds/{live_server.round_id}/units/56", "/audit", "/profile"):
        page.goto(live_server.url + path)
        assert page.locator("h1").count() >= 1, path
    assert violations == []  # the pages keep to their own policy: no inline script or style anywhere

    # an injected inline script (what an XSS would add) does not run
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text) as blocked:
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.injected = 1'; document.body.appendChild(s); }""")
    assert page.evaluate("window.injected") is None  # an inline script runs as it is appended, if allowed
    assert "script-src" in blocked.value.text
    context.close()


def test_the_pages_cannot_be_framed(browser: Any, live_server: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/static/style.css")
    # a page framing the login page (even of the same origin) gets an empty, blocked frame
    page.set_content(f'<iframe id="f" src="{live_server.url}/login"></iframe>')  # waits for the frame's load
    frame = page.frame_locator("#f")
    assert frame.locator("input[name=login]").count() == 0
    context.close()
