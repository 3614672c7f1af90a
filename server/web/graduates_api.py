"""Routes of the graduate report ปพ.3 under /api/v1: thin, parse, call the services, answer.

    GET  /api/v1/years/{year}/units/{code}/graduates/{level}          the ปพ.3 workbook (xlsx, A4): the kept
         file once submitted or approved, else a draft built from the data now (header X-Report-State)
    GET  /api/v1/years/{year}/units/{code}/graduates/{level}/status   every candidate's status and reasons,
         the totals and the report's state, versions and events (JSON)
    POST /api/v1/years/{year}/units/{code}/graduates/{level}/submit   the school's registrar
    POST /api/v1/years/{year}/units/{code}/graduates/{level}/approve  the LAO's registrar
    POST /api/v1/years/{year}/units/{code}/graduates/{level}/return   the LAO's registrar, {"reason": "..."}
    GET  /api/v1/graduate-reports?year=YYYY                           the reports of the units in scope

Scope is checked inside each service call (`scope.check`); level is one of p6, m3, m6, pvc3, pvs2.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from server.books import graduates
from server.domain import graduate_reports, graduation
from server.domain.errors import bad_request
from server.web import auth
from server.web.context import get_db, now

bp = Blueprint("graduates", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "/years/<int:year>/units/<code>/graduates/<level>"


def _reason() -> str:
    data = request.get_json(silent=True)
    if data is None and request.form:
        data = request.form.to_dict()
    if not isinstance(data, dict):
        raise bad_request("bad_json", 'ต้องส่งข้อมูลเป็น JSON object เช่น {"reason": "..."}')
    return str(data.get("reason") or "")


@bp.get(BASE)
def report(year: int, code: str, level: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    state = graduate_reports.report_state(db, actor, year, code, level)  # scope view and level first
    kept = graduate_reports.kept_report(db, current_app.config["FILES_DIR"], year, code, level)
    name = f"pp3-{code}-{level}-{year}"
    if kept is not None:
        resp = send_file(
            kept["path"], as_attachment=True, mimetype=XLSX, download_name=f"{name}-v{kept['version']}.xlsx"
        )
        resp.headers.update({"X-Report-State": kept["state"], "X-Report-Version": str(kept["version"]),
                             "X-Report-SHA256": kept["sha256"]})  # fmt: skip
        return resp
    listing = graduation.graduation_list(db, actor, year, code, level)
    data = graduates.report_bytes(listing, state=state["state"] if state else None)
    resp = send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=f"{name}-draft.xlsx")
    resp.headers["X-Report-State"] = state["state"] if state else "draft"
    return resp


@bp.get(BASE + "/status")
def status(year: int, code: str, level: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    listing = graduation.graduation_list(db, actor, year, code, level)
    return jsonify({**listing, "report": graduate_reports.report_state(db, actor, year, code, level)})


@bp.post(BASE + "/submit")
def submit(year: int, code: str, level: str) -> Any:
    actor = auth.require_actor()
    result = graduate_reports.submit(get_db(), actor, year, code, level, render=graduates.report_bytes,
                                     files_dir=current_app.config["FILES_DIR"], now=now())  # fmt: skip
    return jsonify(result)


@bp.post(BASE + "/approve")
def approve(year: int, code: str, level: str) -> Any:
    actor = auth.require_actor()
    return jsonify(graduate_reports.approve(get_db(), actor, year, code, level, now=now()))


@bp.post(BASE + "/return")
def return_report(year: int, code: str, level: str) -> Any:
    actor = auth.require_actor()
    return jsonify(graduate_reports.return_report(get_db(), actor, year, code, level, _reason(), now=now()))


@bp.get("/graduate-reports")
def reports() -> Any:
    actor = auth.require_actor()
    year = request.args.get("year", type=int)
    return jsonify({"reports": graduate_reports.reports_for(get_db(), actor, year)})


def register(app: Any) -> None:
    app.register_blueprint(bp)
