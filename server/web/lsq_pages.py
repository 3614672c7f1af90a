"""The pages of the LSQ's second part, in Thai: a school's LocalSchool import and its registrar's pupil register.

Why pages when the API and `lec` already do it: the school that migrates from LocalSchool, and the
registrar who keeps the register, work in a browser and Excel, not on the server's console. The routes
are thin like server/web/records_pages.py: parse, call a service (`localschool`, `pupil_register`,
`records`), render. Every service checks scope first: the school, its LAO and its province see the
pages; sending (an import, a register) is for whoever may send the school's records (`scope` "records":
the school, its registrar, its LAO on its behalf); another LAO gets 403.

    GET  /years/<year>/units/<code>/records/localschool            the year's imports, their counts, the form
    GET  /years/<year>/units/<code>/records/localschool/template   the empty LocalSchool form (xlsx)
    POST /years/<year>/units/<code>/records/localschool/upload     an import: the counts, the failed rows
    GET  /years/<year>/units/<code>/records/register               the pupil register as a table
    POST /years/<year>/units/<code>/records/register/upload        a filled register form (whole or nothing)

The downloads that already exist under /api/v1 (the register form pre-filled, a failed-rows workbook,
the GPAX CSV) are linked as they are: the session is a credential there too.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, send_file, url_for

from server.domain import localschool, pupil_register, records, records_views, scope, uploads
from server.domain.errors import ServiceError
from server.web import auth, page_kit
from server.web.context import get_db, now

bp = Blueprint("lsq_pages", __name__)
page_kit.refuse_as_pages(bp)  # refusals as Thai pages (server/web/page_kit.py)
ERRORS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(err: uploads.UploadRejected) -> dict[str, Any]:
    errors = err.detail.get("errors") or []
    return {"errors": errors[:ERRORS_SHOWN], "errors_hidden": max(0, len(errors) - ERRORS_SHOWN)}


# --- the LocalSchool migration -------------------------------------------------------------------------


def _localschool_page(year: int, code: str, status: int = 200, **extra: Any) -> Any:
    actor = auth.require_actor()
    db = get_db()
    unit = records_views.records_unit(db, actor, code)
    page_kit.set_nav_round()
    page = render_template(
        "lsq_localschool.html", unit=unit, year=year, ancestors=page_kit.crumbs(code),
        can_send=scope.may(db, actor, unit, "records"), imports=localschool.imports(db, actor, year, code), **extra,
    )  # fmt: skip
    return page, status


@bp.get("/years/<int:year>/units/<code>/records/localschool")
def localschool_page(year: int, code: str) -> Any:
    return _localschool_page(year, code)


@bp.get("/years/<int:year>/units/<code>/records/localschool/template")
def localschool_template(year: int, code: str) -> Any:
    data, name = localschool.template_bytes(get_db(), auth.require_actor(), year, code)
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=name)


@bp.post("/years/<int:year>/units/<code>/records/localschool/upload")
def localschool_upload(year: int, code: str) -> Any:
    """An import from the page: the same service as the API and `lec localschool import`; the answer's
    counts in Thai and, when rows failed, the link to the workbook of just those rows."""
    actor = auth.require_actor()
    db = get_db()
    localschool.check_scope(db, actor, code)  # scope before the body, as the API
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("กรุณาเลือกแฟ้มผลการเรียนย้อนหลัง (LocalSchool) ก่อนกดส่ง", "error")
        return redirect(url_for("lsq_pages.localschool_page", year=year, code=code))
    try:
        result = localschool.import_workbook(
            db, actor, year, code, file.read(), filename=file.filename,
            files_dir=current_app.config["FILES_DIR"], now=now(), **uploads.limits(current_app.config),
        )  # fmt: skip
    except uploads.UploadRejected as err:
        return _localschool_page(year, code, 422, rejected=file.filename, **_errors(err))
    except ServiceError as err:
        if err.status in (401, 403, 404) or err.code == "profile_required":
            raise
        flash(err.message, "error")
        return redirect(url_for("lsq_pages.localschool_page", year=year, code=code))
    errors = result.get("errors") or []
    return _localschool_page(year, code, result=result, filename=file.filename, errors=errors[:ERRORS_SHOWN],
                             errors_hidden=max(0, len(errors) - ERRORS_SHOWN))  # fmt: skip


# --- the registrar's pupil register ----------------------------------------------------------------------


def _register_page(year: int, code: str, status: int = 200, **extra: Any) -> Any:
    actor = auth.require_actor()
    db = get_db()
    unit = records_views.records_unit(db, actor, code)
    rows = pupil_register.register(db, actor, code)
    held = {r["citizen_id"] for r in rows}
    census = pupil_register.prefill_rows(db, code, records.confirmed_round(db, code, year))
    missing = [r for r in census if r["citizen_id"] not in held]
    page_kit.set_nav_round()
    page = render_template(
        "lsq_register.html", unit=unit, year=year, ancestors=page_kit.crumbs(code), pupils=rows, missing=missing,
        can_send=scope.may(db, actor, unit, "records"), **extra,
    )  # fmt: skip
    return page, status


@bp.get("/years/<int:year>/units/<code>/records/register")
def register_page(year: int, code: str) -> Any:
    return _register_page(year, code)


@bp.post("/years/<int:year>/units/<code>/records/register/upload")
def register_upload(year: int, code: str) -> Any:
    """The filled register form through the records upload: whole or nothing, kept, audited."""
    actor = auth.require_actor()
    db = get_db()
    back = url_for("lsq_pages.register_page", year=year, code=code)
    scope.check(db, actor, code, "records")  # scope before the body
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("กรุณาเลือกแบบทะเบียนนักเรียนที่กรอกแล้วก่อนกดส่ง", "error")
        return redirect(back)
    try:
        result = records.upload_records_workbook(
            db, actor, year, code, file.read(), filename=file.filename,
            files_dir=current_app.config["FILES_DIR"], now=now(), **uploads.limits(current_app.config),
        )  # fmt: skip
    except uploads.UploadRejected as err:
        return _register_page(year, code, 422, rejected=file.filename, **_errors(err))
    except ServiceError as err:
        if err.status in (401, 403, 404) or err.code == "profile_required":
            raise
        flash(err.message, "error")
        return redirect(back)
    what = records_views.FORM_TH.get(result["form"], result["form"])
    flash(f"บันทึก{what}แล้ว ({result['rows']:,} {'คน' if result['form'] == 'register' else 'แถว'})", "ok")
    if result["form"] != "register":
        return redirect(url_for("records_pages.records_index", year=year, code=code))
    return redirect(back)


def register(app: Flask) -> None:
    """Attach the pages (called by server.web.app.create_app)."""
    app.register_blueprint(bp)
