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
Bodies and answers are the models of server/web/schemas.py (ARCHITECTURE.md "An API route declares
its models").
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from server.books import graduates
from server.domain import graduate_reports, graduation
from server.web import auth, openapi
from server.web import schemas as s
from server.web.context import get_db, now
from server.web.openapi import answers, api_doc, xlsx

bp = Blueprint("graduates", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "/years/<int:year>/units/<code>/graduates/<level>"
LEVEL = {"level": "p6, m3, m6, pvc3 or pvs2 (ป.6, ม.3, ม.6, ปวช., ปวส.)"}


@bp.get(BASE)
@api_doc.validate(
    resp=xlsx(400, 401, 403, 404, what="The graduate report ปพ.3 (headers X-Report-State, X-Report-Version, "
              "X-Report-SHA256 on a kept file)"),
    path_parameter_descriptions=LEVEL,
)  # fmt: skip
def report(year: int, code: str, level: str) -> Any:
    """The graduate report ปพ.3, a printable A4 workbook: the kept file once submitted or approved, else a
    draft from the data now

    What the LAO approves is the file it read, so a submitted or approved report is served from the
    kept file (its version and hash in the headers), never rebuilt."""
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
@api_doc.validate(resp=answers(400, 401, 403, 404, ok=s.GraduationAnswer), path_parameter_descriptions=LEVEL)
def status(year: int, code: str, level: str) -> Any:
    """Every candidate's graduation status with the Thai reasons, totals by sex, the criteria (with their
    curriculum) and the report's state, versions and events"""
    actor = auth.require_actor()
    db = get_db()
    listing = graduation.graduation_list(db, actor, year, code, level)
    return jsonify({**listing, "report": graduate_reports.report_state(db, actor, year, code, level)})


@bp.post(BASE + "/submit")
@api_doc.validate(resp=answers(401, 403, 404, 409, ok=s.GraduateReport), path_parameter_descriptions=LEVEL)
def submit(year: int, code: str, level: str) -> Any:
    """The school's registrar submits the report (a new kept, hashed version)"""
    actor = auth.require_actor()
    result = graduate_reports.submit(get_db(), actor, year, code, level, render=graduates.report_bytes,
                                     files_dir=current_app.config["FILES_DIR"], now=now())  # fmt: skip
    return jsonify(result)


@bp.post(BASE + "/approve")
@api_doc.validate(resp=answers(401, 403, 404, 409, ok=s.GraduateReport), path_parameter_descriptions=LEVEL)
def approve(year: int, code: str, level: str) -> Any:
    """The LAO's registrar approves the submitted version; it is frozen (changes need a return first); 409
    when the school's data changed since it was submitted"""
    actor = auth.require_actor()
    return jsonify(graduate_reports.approve(get_db(), actor, year, code, level, now=now()))


@bp.post(BASE + "/return")
@api_doc.validate(
    json=s.ReasonBody, resp=answers(400, 401, 403, 404, 409, ok=s.GraduateReport), path_parameter_descriptions=LEVEL
)
def return_report(year: int, code: str, level: str) -> Any:
    """The LAO's registrar returns a submitted or approved report with a reason

    The body is read before the service's scope check, as it always was: the service judges the
    reason (reason_required, audited) before whether the caller may decide."""
    actor = auth.require_actor()
    body: s.ReasonBody = openapi.body(s.ReasonBody)
    return jsonify(graduate_reports.return_report(get_db(), actor, year, code, level, body.reason, now=now()))


@bp.get("/graduate-reports")
@api_doc.validate(query=s.ReportsQuery, resp=answers(401, 403, ok=s.GraduateReportsAnswer))
def reports() -> Any:
    """The graduate reports of the units in the caller's scope (an LAO its schools, a province all of its
    own, the national admin all) with their states"""
    actor = auth.require_actor()
    year = request.args.get("year", type=int)  # a year that is no number lists every year, as it always did
    return jsonify({"reports": graduate_reports.reports_for(get_db(), actor, year)})


def register(app: Any) -> None:
    app.register_blueprint(bp)
