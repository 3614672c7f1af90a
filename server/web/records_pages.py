"""The academic records' web pages, in Thai: a school's year, a class's results, a pupil's record.

Why pages when the add-in and the API already carry the records: the LAO and the province check many
schools' results, and a registrar answers a parent's question about one pupil, without Excel at hand.
The routes are thin like server/web/pages.py: parse, call a service (`records_views`, `records`), render.
Every service checks scope first (`scope.check(..., "view")`): the school, its LAO and its province
see the pages; another LAO gets 403, a unit that keeps no records 404.

    GET  /years/<year>/units/<code>/records                         the year's classes and terms, uploads
    POST /years/<year>/units/<code>/records/upload                  a filled curriculum/results/assessments
    GET  /years/<year>/units/<code>/records/form?form=results&class=ม.1/1&term=1   a pre-filled form (xlsx)
    GET  /years/<year>/units/<code>/records/class?class=ม.1/1&term=1 pupils × subjects, GPA, pending ร/มส
    GET  /years/<year>/units/<code>/students/<citizen_id>           every term's grades, GPA, GPAX, ปพ.1 link
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from server.books import records_forms
from server.domain import records, records_views, scope, uploads
from server.domain.errors import ServiceError, bad_request
from server.web import auth, page_data, page_kit
from server.web.context import get_db, now
from validators.academic import areas

bp = Blueprint("records_pages", __name__)
page_kit.refuse_as_pages(bp)  # refusals as Thai pages (server/web/page_kit.py)
ERRORS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
TERM_TH = {0: "ทั้งปี", 1: "ภาคเรียนที่ 1", 2: "ภาคเรียนที่ 2"}


def decimal_th(value: Any) -> str:
    """A stored exact decimal ("1.5", "160", "79.50") as a reader expects it: thousands separated, no
    trailing zeros; None -> '–'. GPAs keep their two decimals (see `gpa_th`)."""
    if value in (None, ""):
        return "–"
    text = str(value)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    try:
        whole = f"{int(whole):,}"
    except ValueError:
        return text
    return f"{whole}.{frac}" if frac else whole


def gpa_th(value: Any) -> str:
    """A GPA as cut by the rules ("3.66"); a pupil with no graded subject yet shows '–', not 0.00."""
    return "–" if value in (None, "") else str(value)


def term_label(year: int, term: int | None) -> str:
    """'ภาคเรียนที่ 1/2569' (the way report cards write it), or 'ปีการศึกษา 2569' for the whole year."""
    return f"ภาคเรียนที่ {term}/{year}" if term else f"ปีการศึกษา {year}"


@bp.get("/years/<int:year>/units/<code>/records")
def records_index(year: int, code: str) -> Any:
    actor = auth.require_actor()
    view = records_views.records_overview(get_db(), actor, year, code)
    page_kit.set_nav_round()
    can_upload = scope.may(get_db(), actor, view["unit"], "upload")
    return render_template("records_index.html", ancestors=page_kit.crumbs(code), can_upload=can_upload,
                           census_classes=records_forms.census_classes(get_db(), code, year), **view)  # fmt: skip


@bp.get("/years/<int:year>/units/<code>/records/form")
def records_form(year: int, code: str) -> Any:
    """A curriculum, results or assessments form pre-filled from the server (pupils, numbers, subjects)."""
    actor = auth.require_actor()
    db = get_db()
    unit = records_views.records_unit(db, actor, code)
    args = request.args
    try:
        term = int(args["term"]) if (args.get("term") or "").strip() else None
    except ValueError:
        raise bad_request("bad_term", "ภาคเรียนต้องเป็น 1 หรือ 2") from None
    try:
        form, class_name = args.get("form") or "", (args.get("class") or "").strip()
        buttons = {"server_url": request.url_root.rstrip("/"), "login": actor.login, "mode": "server"}
        data, filename = records_forms.form_bytes(db, unit, year, form, class_name, term,
                                                  buttons if args.get("xlsm") else None)  # fmt: skip
    except ServiceError as err:
        if err.status in (401, 403):
            raise
        flash(err.message, "error")
        return redirect(url_for("records_pages.records_index", year=year, code=code))
    mimetype = XLSM if filename.endswith(".xlsm") else XLSX
    return send_file(io.BytesIO(data), as_attachment=True, download_name=filename, mimetype=mimetype)


@bp.post("/years/<int:year>/units/<code>/records/upload")
def records_upload(year: int, code: str) -> Any:
    """The web upload of a filled records workbook: the same service as the API and the add-in."""
    actor = auth.require_actor()
    file = request.files.get("file")
    back = url_for("records_pages.records_index", year=year, code=code)
    if file is None or not file.filename:
        flash("กรุณาเลือกไฟล์แบบบันทึกผลการเรียนที่กรอกแล้วก่อนกดส่ง", "error")
        return redirect(back)
    db = get_db()
    try:
        result = records.upload_records_workbook(
            db, actor, year, code, file.read(), filename=file.filename,
            files_dir=current_app.config["FILES_DIR"], now=now(), **uploads.limits(current_app.config),
        )  # fmt: skip
    except uploads.UploadRejected as err:
        errors = err.detail.get("errors") or []
        view = records_views.records_overview(db, actor, year, code)
        page_kit.set_nav_round()
        return render_template(
            "records_index.html", ancestors=page_kit.crumbs(code), can_upload=True, rejected=file.filename,
            census_classes=records_forms.census_classes(db, code, year),
            errors=errors[:ERRORS_SHOWN], errors_hidden=max(0, len(errors) - ERRORS_SHOWN), **view,
        ), 422  # fmt: skip
    what = records_views.FORM_TH.get(result["form"], result["form"])
    where = f" ชั้น {result['class_name']}" if result.get("class_name") else ""
    when = f" {term_label(year, result.get('term'))}"
    pending = f" มีผลค้าง (ร/มส) {len(result['pending']):,} รายการ" if result.get("pending") else ""
    flash(f"บันทึก{what}{where}{when} แล้ว ({result['rows']:,} แถว){pending}", "ok")
    return redirect(back)


@bp.get("/years/<int:year>/units/<code>/records/class")
def class_page(year: int, code: str) -> Any:
    actor = auth.require_actor()
    records_views.records_unit(get_db(), actor, code)  # scope before the input: outside it is a 403, never a 400
    class_name = (request.args.get("class") or "").strip()
    try:
        term = int(request.args.get("term") or 1)
    except ValueError:
        raise bad_request("bad_term", "ภาคเรียนต้องเป็น 1 หรือ 2") from None
    if not class_name:
        raise bad_request("class_required", "กรุณาระบุชั้นเรียน เช่น ม.1/1")
    view = records_views.class_results(get_db(), actor, year, code, class_name, term)
    page_kit.set_nav_round()
    return render_template("records_class.html", ancestors=page_kit.crumbs(code), **view)


@bp.get("/years/<int:year>/units/<code>/students/<citizen_id>")
def pupil_page(year: int, code: str, citizen_id: str) -> Any:
    actor = auth.require_actor()
    record = records.pupil_record(get_db(), actor, year, code, citizen_id)
    terms: dict[tuple[int, int], dict[str, Any]] = {}
    for t in record["terms"]:
        terms[(t["year"], t["term"])] = {"year": t["year"], "term": t["term"], "gpa": t["gpa"], "results": []}
    for r in sorted(record["results"], key=records_views.subject_sort_key):
        terms[(r["year"], r["term"])]["results"].append(r)
    order = list(areas().titles)
    record["areas"].sort(key=lambda a: order.index(a["area"]) if a["area"] in order else len(order))
    page_kit.set_nav_round()
    return render_template("records_pupil.html", ancestors=page_kit.crumbs(code), year=year, record=record,
                           unit=record["unit"], pupil=record["pupil"], term_blocks=list(terms.values()))  # fmt: skip


@bp.get("/units/<code>/records")
def records_latest(code: str) -> Response:
    """A school's records without a year: the newest year with an upload, else the current round's year."""
    year = records_views.latest_year(get_db(), auth.require_actor(), code)
    if year is None:
        rnd = page_data.default_round(get_db(), now())
        year = int(rnd["year"]) if rnd else now().year + 543
    return redirect(url_for("records_pages.records_index", year=year, code=code))


def register(app: Flask) -> None:
    """Attach the records pages and their number filters (called by server.web.app.create_app)."""
    app.jinja_env.filters.update(dec_th=decimal_th, gpa_th=gpa_th)
    app.jinja_env.globals["term_label"] = term_label
    app.register_blueprint(bp)
