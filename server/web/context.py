"""The request's database connection and clock, for the routes.

    get_db() -> sqlite_utils.Database      one connection per request (WAL; closed at teardown by the app)
    now() -> datetime                      the request's clock (config NOW, else LEC_NOW, else wall clock)

Why a module of its own: every route needs these two, and the app factory imports every route; kept in
`app.py` they made each route import the factory that imports it (an import circle).
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils
from flask import current_app, g

from server.storage import clock, db


def get_db() -> sqlite_utils.Database:
    if "db" not in g:
        g.db = db.connect(current_app.config["DB_PATH"], current_app.config["DB_BUSY_TIMEOUT_MS"])
    return g.db


def now() -> datetime:
    return clock.now(current_app.config.get("NOW"))
