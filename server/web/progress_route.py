"""The dashboard of any province (for the national admin drilling down) and the late list workbook.

Why its own blueprint: the viewer's own dashboard is `/rounds/<r>` (server/web/pages.py); these two paths
name a unit, so the national admin can open any province's dashboard, and a province its own late list.
Both are built by `progress.overview` (scope-checked: a province sees itself, the admin every province
and "TH"), and both take the dashboard's query string, so the workbook holds what the page lists.

Routes: GET /rounds/<r>/progress/<code>              a province's (or TH's) dashboard, filters in the query
        GET /rounds/<r>/progress/<code>/late.xlsx    the units not yet confirmed, overdue first (Excel)
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, g, render_template, request, send_file, url_for

from server.books.late_list import late_list_bytes
from server.domain import progress, registry, rounds, scope
from server.domain.errors import not_found
from server.web import auth, dashboard, page_kit
from server.web.context import get_db, now

bp = Blueprint("progress", __name__)
page_kit.refuse_as_pages(bp)  # refusals as Thai pages (server/web/page_kit.py)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _target(round_id: str, code: str) -> tuple[Any, dict[str, Any], str]:
    """The actor, the round (with its phase) and the code, refused unless a province or the nation."""
    actor = auth.require_actor()
    db = get_db()
    rnd = rounds.require_round(db, round_id)
    rnd["phase"] = rounds.phase(rnd, now())
    g.nav_round = rnd["id"]
    if scope.is_national(code):
        return actor, rnd, registry.NATIONAL
    unit = scope.check(db, actor, code, "view")
    if unit["level"] != "province":
        raise not_found("not_a_province", f"หน้าความคืบหน้ามีเฉพาะระดับจังหวัดและระดับประเทศ ({registry.label(unit)})")
    return actor, rnd, code


@bp.get("/rounds/<round_id>/progress/<code>")
def progress_page(round_id: str, code: str) -> Any:
    actor, rnd, code = _target(round_id, code)
    prog = dashboard.view(get_db(), actor, rnd, code, now(), dashboard.Filters.parse(request.args))
    return render_template(
        "progress.html",
        rnd=rnd,
        prog=prog,
        here=request.path,
        late_url=url_for("progress.late_list", round_id=rnd["id"], code=code),
    )


@bp.get("/rounds/<round_id>/progress/<code>/late.xlsx")
def late_list(round_id: str, code: str) -> Any:
    actor, rnd, code = _target(round_id, code)
    view = progress.overview(get_db(), actor, rnd, code, now())
    data, filename = late_list_bytes(view, rnd, now())
    return send_file(io.BytesIO(data), as_attachment=True, download_name=filename, mimetype=XLSX)
