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
from server.web import schemas as s
from server.web.context import get_db
from server.web.openapi import answers, api_doc, xlsx

bp = Blueprint("register", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/years/<int:year>/units/<code>/register/template")
@api_doc.validate(resp=xlsx(401, 403, 404, what="The pupil register form"))
def register_template(year: int, code: str) -> Any:
    """The registrar's pupil register form, pre-filled from the school's last confirmed census roster and its
    register so far (send it back through records/workbook)"""
    actor = auth.require_actor()
    db = get_db()
    data, name = pupil_register.template_bytes(db, actor, year, code, records.confirmed_round(db, code, year))
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=name)


@bp.get("/years/<int:year>/units/<code>/register")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.RegisterAnswer))
def register_rows(year: int, code: str) -> Any:
    """The school's pupil register: student numbers, parents, entry and leaving, ปพ.1 series and number, per
    pupil"""
    actor = auth.require_actor()
    return jsonify({"unit": code, "year": year, "pupils": pupil_register.register(get_db(), actor, code)})


def register(app: Any) -> None:
    app.register_blueprint(bp)
