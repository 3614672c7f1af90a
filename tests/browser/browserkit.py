"""What the records and LSQ Chromium walks share: logging a demo account in, and reading the live
server's database to check what a page showed against what is stored."""

from __future__ import annotations

from typing import Any

from server.tools.demo import DEMO_PASSWORD


def login(browser: Any, server: Any, user: str) -> Any:
    """A fresh Thai-locale page logged in as `user` (the demo password), landed on its round."""
    context = browser.new_context(locale="th-TH", accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/rounds/**")
    return page


def stored(server: Any, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of `sql` from the live server's own database file."""
    from server.storage.db import connect

    db = connect(server.app.config["DB_PATH"])
    try:
        return [tuple(r) for r in db.execute(sql, args)]
    finally:
        db.close()
