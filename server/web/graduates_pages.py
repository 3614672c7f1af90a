"""The graduate report's pages: the list of reports in scope (an LAO its schools, a province all of its
own) and one report's page (every candidate's status and reasons, the chain's history, and the
buttons its viewer may use: submit for the school's registrar, approve or return for the LAO's).

    GET  /graduates?year=YYYY                         reports in scope, and the viewer's own school's levels
    GET  /graduates/{year}/{code}/{level}             one report
    POST /graduates/{year}/{code}/{level}/submit | approve | return    (form, CSRF token)

Thin like the other pages: the services decide and refuse; a refusal shows its Thai message.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.books import graduates
from server.domain import graduate_reports, graduation, registry, scope
from server.domain.errors import ServiceError
from server.web import auth, page_kit
from server.web.context import get_db, now

bp = Blueprint("graduate_pages", __name__)
page_kit.refuse_as_pages(bp)  # refusals as Thai pages (server/web/page_kit.py)
LEVELS_BY_KIND = {"school": ("p6", "m3", "m6"), "college": ("pvc3", "pvs2")}


def _year() -> int:
    year = request.args.get("year", type=int)
    return year or now().year + 543 - (1 if now().month < 5 else 0)  # the school year opens in May


@bp.get("/graduates")
def report_list() -> Any:
    actor = auth.require_actor()
    db = get_db()
    year = _year()
    own = registry.get_unit(db, actor.unit_code) if actor.unit_code else None
    levels = LEVELS_BY_KIND.get(own["kind"], ()) if own else ()
    return render_template("graduates.html", year=year, reports=graduate_reports.reports_for(db, actor, year),
                           own=own, levels=levels, titles=_titles(year))  # fmt: skip


def _titles(year: int) -> dict[str, str]:
    out = {}
    for level in ("p6", "m3", "m6", "pvc3", "pvs2"):
        try:
            out[level] = graduation.require_level(level, year).level_title
        except ServiceError:
            out[level] = level
    return out


@bp.get("/graduates/<int:year>/<code>/<level>")
def report_page(year: int, code: str, level: str) -> Any:
    actor = auth.require_actor()
    db = get_db()
    listing = graduation.graduation_list(db, actor, year, code, level)
    unit = registry.require_unit(db, code)
    return render_template(
        "graduate_report.html",
        listing=listing,
        report=graduate_reports.report_state(db, actor, year, code, level),
        may_submit=scope.may(db, actor, unit, "graduates_submit"),
        may_decide=scope.may(db, actor, unit, "graduates_decide"),
        download=f"/api/v1/years/{year}/units/{code}/graduates/{level}",
    )


@bp.post("/graduates/<int:year>/<code>/<level>/<action>")
def report_action(year: int, code: str, level: str, action: str) -> Response:
    actor = auth.require_actor()
    db = get_db()
    back = url_for("graduate_pages.report_page", year=year, code=code, level=level)
    try:
        if action == "submit":
            done = graduate_reports.submit(db, actor, year, code, level, render=graduates.report_bytes,
                                           files_dir=current_app.config["FILES_DIR"], now=now())  # fmt: skip
            flash(f"ส่งรายงานฉบับที่ {done['version']} แล้ว รอเจ้าพนักงานทะเบียนของ อปท. ตรวจสอบ", "ok")
        elif action == "approve":
            done = graduate_reports.approve(db, actor, year, code, level, now=now())
            flash(f"อนุมัติรายงานฉบับที่ {done['version']} แล้ว ไฟล์ฉบับนี้ถูกเก็บไว้และแก้ไขไม่ได้", "ok")
        elif action == "return":
            graduate_reports.return_report(db, actor, year, code, level, request.form.get("reason", ""), now=now())
            flash("ส่งคืนรายงานให้สถานศึกษาแก้ไขแล้ว", "ok")
        else:
            raise ServiceError(404, "not_found", "ไม่พบหน้าที่ต้องการ")
    except ServiceError as err:
        if err.status in (401, 404) or err.code == "profile_required":
            raise
        flash(err.message, "error")
    return redirect(back)


def register(app: Any) -> None:
    app.register_blueprint(bp)
