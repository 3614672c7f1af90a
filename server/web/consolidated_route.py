"""`GET /api/v1/rounds/{round}/units/{code}/consolidated`: the LAO, province or national book.

Why its own blueprint: the consolidation lives in `server.books` and this route is its only web
entry point. It is registered before `server.web.api` so it answers instead of the API's placeholder.

Scope (server.domain.scope, action "view"): an LAO its own book; a province its own and its LAOs'; the
national admin every book and `TH`. The file is served from the fingerprint cache: the same data gives
the same file (and the same ETag), any change of data gives a newly built one, never a stale one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, send_file

from server.books import consolidated_book, download_name
from server.domain import rounds, scope
from server.domain.registry import NATIONAL
from server.web import auth
from server.web.context import get_db, now
from server.web.openapi import api_doc, xlsx

bp = Blueprint("consolidated", __name__, url_prefix="/api/v1")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/rounds/<round_id>/units/<code>/consolidated")
@api_doc.validate(resp=xlsx(401, 403, 404))
def consolidated(round_id: str, code: str) -> Any:
    """The consolidated LAO / province / national (TH) workbook (.xlsx)"""
    actor = auth.require_actor()
    db = get_db()
    rounds.require_round(db, round_id)
    if scope.is_national(code):
        code = NATIONAL
        detail = {"unit": code, "action": "view", "actor": actor.login}
        scope.require_national(actor, "แฟ้มรวมระดับประเทศดาวน์โหลด", detail)
    else:
        scope.check(db, actor, code, "view")
    path, built = consolidated_book(db, current_app.config["DATA_DIR"], round_id, code, now=now())
    version = path.stem.rsplit("-", 1)[-1]
    resp = send_file(
        path,
        mimetype=XLSX,
        as_attachment=True,
        download_name=download_name(round_id, code),
        etag=version,
        conditional=True,
        max_age=0,
    )
    resp.headers["Cache-Control"] = "private, no-cache"
    resp.headers["X-LEC-Data-Version"] = version
    resp.headers["X-LEC-Built"] = "1" if built else "0"
    return resp
