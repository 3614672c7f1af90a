"""The registrar's pupil register under /api/v1: thin, parse, call server/domain/pupil_register.py.

    GET /api/v1/years/{year}/units/{code}/register/template   the register form, pre-filled from the
                                                              school's last confirmed census roster
    GET /api/v1/years/{year}/units/{code}/register            the register as JSON

The filled form goes back through the records upload (`POST .../records/workbook`), whole or nothing.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, jsonify, send_file

from server.domain import pupil_register, records
from server.web import auth
from server.web.context import get_db

bp = Blueprint("register", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/years/<int:year>/units/<code>/register/template")
def register_template(year: int, code: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    data, name = pupil_register.template_bytes(db, actor, year, code, records.confirmed_round(db, code, year))
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=name)


@bp.get("/years/<int:year>/units/<code>/register")
def register_rows(year: int, code: str) -> Any:
    actor = auth.require_actor()
    return jsonify({"unit": code, "year": year, "pupils": pupil_register.register(get_db(), actor, code)})


def register(app: Any) -> None:
    app.register_blueprint(bp)
