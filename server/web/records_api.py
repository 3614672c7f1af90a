"""Routes of the academic records (LSQ) under /api/v1: thin, parse, call server/records.py, answer.

    POST /api/v1/years/{year}/units/{code}/records/workbook                multipart `file`: an academic workbook
    GET  /api/v1/years/{year}/units/{code}/students/{citizen_id}/record     the pupil's record as JSON
    GET  /api/v1/years/{year}/units/{code}/students/{citizen_id}/transcript the ปพ.1 (xlsx, A4)

Scope is checked inside each service call (`scope.check`), before the file is read.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from server.books import transcript
from server.domain import records, uploads
from server.domain.errors import bad_request
from server.web import auth
from server.web import schemas as s
from server.web.context import get_db, now
from server.web.openapi import answers, api_doc, xlsx

bp = Blueprint("records", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/years/<int:year>/units/<code>/records/workbook")
@api_doc.validate(
    form=s.FileBody,
    resp=answers(400, 401, 403, 404, 413, 422, ok=s.RecordsAccepted),
    skip_validation=True,  # the file is read after the scope check, by the view (400 file_required)
)
def records_workbook(year: int, code: str) -> Any:
    """Upload a filled academic workbook (curriculum, results or assessments; multipart `file`)

    A 422 (errors, or a workbook for another unit or year) stores nothing but the audit record and the
    kept file."""
    actor = auth.require_actor()
    file = request.files.get("file")
    if file is None:
        raise bad_request("file_required", "กรุณาแนบไฟล์ในช่อง file (multipart/form-data)")
    result = records.upload_records_workbook(
        get_db(), actor, year, code, file.read(), filename=file.filename,
        files_dir=current_app.config["FILES_DIR"], now=now(), **uploads.limits(current_app.config),
    )  # fmt: skip
    return jsonify(result)


@bp.get("/years/<int:year>/units/<code>/students/<citizen_id>/record")
@api_doc.validate(resp=answers(401, 403, 404, ok=s.RecordAnswer))
def student_record(year: int, code: str, citizen_id: str) -> Any:
    """A pupil's results up to the year: GPA per term and learning area, GPAX (cut to two decimals, not
    rounded), pending ร/มส"""
    actor = auth.require_actor()
    return jsonify(records.pupil_record(get_db(), actor, year, code, citizen_id))


@bp.get("/years/<int:year>/units/<code>/students/<citizen_id>/transcript")
@api_doc.validate(resp=xlsx(401, 403, 404, what="The pupil's ปพ.1 transcript, a printable A4 workbook"))
def student_transcript(year: int, code: str, citizen_id: str) -> Any:
    """The pupil's ปพ.1 transcript, a printable A4 workbook (.xlsx)"""
    actor = auth.require_actor()
    record = records.pupil_record(get_db(), actor, year, code, citizen_id)
    data = transcript.transcript_bytes(record)
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX,
                     download_name=f"transcript-{code}-{citizen_id}-{year}.xlsx")  # fmt: skip


def register(app: Any) -> None:
    app.register_blueprint(bp)
