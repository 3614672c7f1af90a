"""The GPAX export under /api/v1: thin, parse, call server/domain/gpax.py, stream the answer.

    GET /api/v1/years/{year}/units/{code}/gpax.csv?terms=6|5   a school, an LAO, a province or `TH`

Scope is checked (`gpax.export_units`) and the export audited before the first byte is sent; the body
is streamed from its own database connection in one read snapshot, chunk by chunk, so a national
export never sits whole in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request

from server.domain import gpax
from server.storage import db
from server.web import auth
from server.web.context import get_db, now

bp = Blueprint("gpax", __name__, url_prefix="/api/v1")


@bp.get("/years/<int:year>/units/<code>/gpax.csv")
def gpax_csv(year: int, code: str) -> Any:
    actor = auth.require_actor()
    terms = gpax.parse_terms(request.args.get("terms"))
    database = get_db()
    schools = gpax.export_units(database, actor, code)
    gpax.audit_export(database, actor, code, year, terms, len(schools), now=now())
    path = current_app.config["DB_PATH"]

    def body() -> Iterator[str]:
        conn = db.connect(path)
        try:
            yield from gpax.csv_chunks(conn, schools, year, terms)
        finally:
            conn.close()

    name = gpax.export_detail(code, year, terms)["filename"]
    return Response(body(), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


def register(app: Any) -> None:
    app.register_blueprint(bp)
