"""The LocalSchool migration under /api/v1: thin, parse, call server/domain/localschool.py, answer.

    POST /api/v1/years/{year}/units/{code}/localschool                        multipart `file`
    GET  /api/v1/years/{year}/units/{code}/localschool                        the year's imports and counts
    GET  /api/v1/years/{year}/units/{code}/localschool/{import_id}/failed     the failed rows (xlsx)

The POST answers 200 with the counts (stored, unchanged, failed) and, when rows failed, the path of
the failed-rows workbook; a file that is not a LocalSchool workbook of this unit and year is a 422
that stores nothing, as every upload.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from server.domain import localschool, uploads
from server.domain.errors import bad_request
from server.web import auth
from server.web import schemas as s
from server.web.context import get_db, now
from server.web.openapi import answers, api_doc, xlsx

bp = Blueprint("localschool", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/years/<int:year>/units/<code>/localschool")
@api_doc.validate(
    form=s.FileBody,
    resp=answers(400, 401, 403, 404, 413, 422, ok=s.LocalSchoolAccepted),
    skip_validation=True,  # the file is read after the scope check, by the view (400 file_required)
)
def localschool_import(year: int, code: str) -> Any:
    """Import a school's past results (LocalSchool migration workbook, multipart `file`): good rows are
    stored (a re-import changes nothing), failed rows come back as a workbook to fix

    A 422 (not a LocalSchool workbook of this unit and year) stores nothing."""
    actor = auth.require_actor()
    localschool.check_scope(get_db(), actor, code)  # scope before the body: a stranger learns nothing of it
    file = request.files.get("file")
    if file is None:
        raise bad_request("file_required", "กรุณาแนบไฟล์ในช่อง file (multipart/form-data)")
    result = localschool.import_workbook(
        get_db(), actor, year, code, file.read(), filename=file.filename,
        files_dir=current_app.config["FILES_DIR"], now=now(), **uploads.limits(current_app.config),
    )  # fmt: skip
    return jsonify(result)


@bp.get("/years/<int:year>/units/<code>/localschool")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.LocalSchoolImports))
def localschool_imports(year: int, code: str) -> Any:
    """The unit's LocalSchool imports of the year, newest first: who sent them, when, and the counts

    What the add-in's status writes for a LocalSchool form (and the import page lists)."""
    actor = auth.require_actor()
    return jsonify({"unit": code, "year": year, "imports": localschool.imports(get_db(), actor, year, code)})


@bp.get("/years/<int:year>/units/<code>/localschool/<int:import_id>/failed")
@api_doc.validate(resp=xlsx(401, 403, 404, what="The failed rows, a LocalSchool workbook with the reason beside each"))
def localschool_failed(year: int, code: str, import_id: int) -> Any:
    """The rows of one import that failed, as a LocalSchool workbook with the Thai reason beside each (fix
    them and send this workbook back)"""
    actor = auth.require_actor()
    data, name = localschool.failed_workbook(get_db(), actor, year, code, import_id)
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=name)


def register(app: Any) -> None:
    app.register_blueprint(bp)
