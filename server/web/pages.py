"""The web pages, in Thai: login, first-login profile, dashboard tree, unit page, upload, audit log.

Why pages at all when Excel and the add-in do the work: LAO and province officers check and confirm
many units at once, and a clerk without the add-in still needs to upload and confirm. The routes are
thin: they parse the form, call the core's services (accounts, chain, uploads, prefill,
scope) and render. Every route that names a unit goes through `scope.check` inside the service it
calls (or directly, for downloads); every POST form carries the session's CSRF token, checked once by
the core (`auth.check_csrf`, Flask-WTF), the login form included.

    register(app)      called by server.web.app.create_app
Routes: /  /login  /logout  /profile  /rounds/<r>  /rounds/<r>/units/<code>
        /rounds/<r>/units/<code>/{upload,confirm,revoke,template}  /audit
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from server.domain import accounts, chain, conflicts, login_guard, registry, rounds, scope, spot_checks, uploads
from server.domain.actor import Actor
from server.domain.errors import ServiceError
from server.web import auth, page_data, page_kit, thai_format
from server.web import dashboard as progress_view
from server.web.context import get_db, now

bp = Blueprint("pages", __name__)
page_kit.refuse_as_pages(bp)  # refusals as Thai pages (server/web/page_kit.py)
PAGE_ERRORS_SHOWN = 500
"""A rejected 100k-row workbook can carry 100k findings; the page shows the first 500 and counts the rest."""


# --- plumbing ----------------------------------------------------------------------------------------


def _actor(profile: bool = True) -> Actor:
    """The logged-in person; ServiceError 401 / 403 profile_required, turned into redirects below."""
    return auth.require_actor(profile=profile)


def _safe_next(target: str | None, default: str) -> str:
    """Only a local path may be a redirect target (no open redirect through ?next=)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return default


def _home() -> str:
    return url_for("pages.home")


@bp.app_context_processor
def _layout_context() -> dict[str, Any]:
    """What the layout needs on every page: who is logged in (`csrf_token()` is a Jinja global)."""
    actor = auth.current_actor() if session.get("token_hash") else None
    person = None
    if actor is not None:
        profile = accounts.current_profile(get_db(), actor.user_id)
        if profile:
            person = f"{profile['first_name']} {profile['last_name']}"
    return {"me": actor, "me_person": person, "nav_round": g.get("nav_round")}


def _page_http_error(err: HTTPException) -> Any:
    """Thai pages for 404/405/413 outside the API; the API and the add-in keep the core's JSON answer.

    The core's handler is looked up per call: it is registered after the pages in create_app.
    """
    if request.path.startswith(("/api/", "/xlwings/")):  # the add-in reads JSON errors too
        core_handler = current_app.error_handler_spec.get(None, {}).get(None, {}).get(HTTPException)
        return core_handler(err) if core_handler else err
    code, message = {
        404: ("not_found", "ไม่พบหน้าที่ต้องการ"),
        405: ("method_not_allowed", "ไม่รองรับวิธีเรียกหน้านี้"),
        413: ("too_large", "ไฟล์มีขนาดใหญ่เกินกำหนด"),
    }.get(err.code or 500, ("error", "เกิดข้อผิดพลาด"))
    return render_template("error.html", error=ServiceError(err.code or 500, code, message)), err.code


# --- login, logout, profile --------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = _safe_next(request.values.get("next"), _home())
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, login_value="")
    cfg = current_app.config
    login_value = request.form.get("login", "").strip()
    try:
        token, actor = accounts.authenticate(
            get_db(),
            login_value,
            request.form.get("password", ""),
            addr=request.remote_addr,
            now=now(),
            ttl_hours=cfg["TOKEN_TTL_HOURS"],
            limits=login_guard.limits(cfg),
        )
    except ServiceError as err:
        return render_template("login.html", next_url=next_url, login_value=login_value, error=err.message), err.status
    auth.login_session(token)
    if actor.must_complete_profile:
        return redirect(url_for("pages.profile", next=next_url))
    return redirect(next_url)


@bp.post("/logout")
def logout() -> Response:
    auth.logout_session()
    flash("ออกจากระบบแล้ว", "ok")
    return redirect(url_for("pages.login"))


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> Any:
    """First login (letter 003 §5.1): name, surname, position, phone and a new password.

    Later, the same form records a change of responsible person: a new profile, the old one kept.
    """
    actor = _actor(profile=False)
    db = get_db()
    current = accounts.current_profile(db, actor.user_id)
    fields = {k: request.form.get(k, "") for k in ("first_name", "last_name", "position", "phone")}
    next_url = _safe_next(request.values.get("next"), _home())
    if request.method == "GET":
        return render_template(
            "profile.html", values=current or {}, current=current, next_url=next_url, first=actor.must_complete_profile
        )
    error, status = None, 400
    if request.form.get("new_password", "") != request.form.get("new_password2", ""):
        error = "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน"
    else:
        try:  # outside the first login: the current password, and every other session of the account ends
            accounts.complete_profile(
                db,
                actor,
                **fields,
                new_password=request.form.get("new_password", ""),
                current_password=request.form.get("current_password", ""),
                keep_token_hash=auth.current_token_hash(),
                addr=request.remote_addr,
                limits=login_guard.limits(current_app.config),
                now=now(),
            )
        except ServiceError as err:
            error, status = err.message, (err.status if err.status in (403, 429) else 400)
    if error:
        return render_template(
            "profile.html",
            values=fields,
            current=current,
            next_url=next_url,
            first=actor.must_complete_profile,
            error=error,
        ), status
    flash("บันทึกข้อมูลผู้รับผิดชอบและรหัสผ่านใหม่แล้ว", "ok")
    return redirect(next_url)


# --- dashboard and unit pages ------------------------------------------------------------------------


@bp.get("/")
def home() -> Any:
    actor = _actor()
    rnd = page_data.default_round(get_db(), now())
    if rnd is None:
        return render_template("no_round.html", actor=actor)
    return redirect(url_for("pages.dashboard", round_id=rnd["id"]))


def _round(round_id: str) -> dict[str, Any]:
    rnd = rounds.require_round(get_db(), round_id)
    rnd["phase"] = rounds.phase(rnd, now())
    g.nav_round = rnd["id"]
    return rnd


@bp.get("/rounds/<round_id>")
def dashboard(round_id: str) -> Any:
    actor = _actor()
    db = get_db()
    rnd = _round(round_id)
    root = page_data.tree(db, actor, rnd, now())
    prog = None
    if root["level"] in ("province", "national"):  # 349 LAOs, 76 provinces: summary, filters, folds
        prog = progress_view.view(db, actor, rnd, root["code"], now(), progress_view.Filters.parse(request.args))
    return render_template(
        "dashboard.html",
        rnd=rnd,
        root=root,
        prog=prog,
        late_url=url_for("progress.late_list", round_id=rnd["id"], code=root["code"]),
        all_rounds=rounds.list_rounds(db, now()),
        here=request.path,
    )


@bp.get("/rounds/<round_id>/units/<code>")
def unit_page(round_id: str, code: str) -> Any:
    actor = _actor()
    rnd = _round(round_id)
    view = page_data.unit_view(get_db(), actor, rnd, code, now())
    return render_template("unit.html", rnd=rnd, here=request.path, **view)


@bp.post("/rounds/<round_id>/units/<code>/upload")
def upload(round_id: str, code: str) -> Any:
    """The web upload of a filled template: the same service as the API and the add-in."""
    actor = _actor()
    rnd = _round(round_id)
    db = get_db()
    unit = registry.require_unit(db, code)
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("กรุณาเลือกไฟล์แบบฟอร์มที่กรอกแล้วก่อนกดส่ง", "error")
        return redirect(url_for("pages.unit_page", round_id=round_id, code=code))
    try:
        result = uploads.upload_workbook(
            db,
            actor,
            round_id,
            code,
            file.stream,
            filename=file.filename,
            files_dir=current_app.config["FILES_DIR"],
            now=now(),
            **uploads.limits(current_app.config),
        )
        status = 200
    except uploads.UploadRejected as err:
        result, status = {**err.detail, "message": err.message}, 422
    errors = result.get("errors") or []
    warnings = result.get("warnings") or []
    return render_template(
        "verdict.html",
        rnd=rnd,
        unit=unit,
        result=result,
        filename=file.filename,
        errors=errors[:PAGE_ERRORS_SHOWN],
        errors_hidden=max(0, len(errors) - PAGE_ERRORS_SHOWN),
        warnings=warnings[:PAGE_ERRORS_SHOWN],
        warnings_hidden=max(0, len(warnings) - PAGE_ERRORS_SHOWN),
        column_th=_column_th,
    ), status


def _column_th(key: str | None) -> str:
    """The Thai column name of a stable key, as the clerk sees it in the sheet header."""
    if not key:
        return "–"
    from validators.fields import header_of

    try:
        return header_of(key)
    except (KeyError, ValueError):
        return key


@bp.post("/rounds/<round_id>/units/<code>/confirm")
def confirm(round_id: str, code: str) -> Response:
    actor = _actor()
    _round(round_id)
    back = _safe_next(request.form.get("next"), url_for("pages.unit_page", round_id=round_id, code=code))
    db = get_db()
    try:
        result = chain.confirm(db, actor, round_id, code, now=now())
    except ServiceError as err:
        if err.status in (401, 403):
            raise
        flash(err.message, "error")
        return redirect(back)
    unit = registry.require_unit(db, code)
    flash(
        f"ยืนยันข้อมูล {registry.label(unit)} แล้ว ({thai_format.num(result['counts']['total'])} คน)"
        " กรุณาตรวจดูว่าจำนวนในรายงานถูกต้อง",
        "ok",
    )
    return redirect(back)


@bp.post("/rounds/<round_id>/units/<code>/revoke")
def revoke(round_id: str, code: str) -> Response:
    actor = _actor()
    _round(round_id)
    back = _safe_next(request.form.get("next"), url_for("pages.unit_page", round_id=round_id, code=code))
    db = get_db()
    try:
        chain.revoke(db, actor, round_id, code, request.form.get("reason", ""), now=now())
    except ServiceError as err:
        if err.status in (401, 403):
            raise
        flash(err.message, "error")
        return redirect(back)
    flash(f"ยกเลิกการยืนยันของ {registry.label(registry.require_unit(db, code))} แล้ว หน่วยงานนั้นแก้ไขและยืนยันใหม่ได้", "ok")
    return redirect(back)


@bp.post("/rounds/<round_id>/conflicts/<citizen_id>/decision")
def decide(round_id: str, citizen_id: str) -> Response:
    """The decide form of a conflict: `choice` is "KEEP_CODE:present|mistyped", with a reason."""
    actor = _actor()
    _round(round_id)
    back = _safe_next(request.form.get("next"), url_for("pages.dashboard", round_id=round_id))
    keep, _, kind = (request.form.get("choice") or "").partition(":")
    try:
        dec = conflicts.decide(get_db(), actor, round_id, citizen_id, keep=keep, kind=kind or "present",
                               reason=request.form.get("reason", ""), now=now())  # fmt: skip
    except ServiceError as err:
        flash(err.message, "error")
        return redirect(back)
    flash(f"บันทึกการตัดสินแล้ว: เลขประจำตัว {citizen_id} นับที่ {dec['keep_name']} ({dec['keep']})", "ok")
    return redirect(back)


@bp.post("/rounds/<round_id>/conflicts/<citizen_id>/withdraw")
def withdraw_decision(round_id: str, citizen_id: str) -> Response:
    actor = _actor()
    _round(round_id)
    back = _safe_next(request.form.get("next"), url_for("pages.dashboard", round_id=round_id))
    try:
        conflicts.withdraw(get_db(), actor, round_id, citizen_id, reason=request.form.get("reason", ""), now=now())
    except ServiceError as err:
        flash(err.message, "error")
        return redirect(back)
    flash(f"ถอนการตัดสินของเลขประจำตัว {citizen_id} แล้ว กรณีนี้กลับเป็นรายการซ้ำที่ยังไม่ได้ตัดสิน", "ok")
    return redirect(back)


@bp.post("/rounds/<round_id>/units/<code>/spot-checks")
def spot_check_draw(round_id: str, code: str) -> Response:
    """The province's draw form: how many institutions, how many children each, and an optional seed."""
    actor = _actor()
    _round(round_id)
    back = url_for("pages.unit_page", round_id=round_id, code=code)
    spot_checks.require_province(get_db(), actor, code)
    form = request.form
    try:
        numbers = {k: int(form.get(k) or 0) for k in ("institutions", "children")}
        seed = int(form["seed"]) if (form.get("seed") or "").strip() else None
    except ValueError:
        flash("จำนวนสถานศึกษา จำนวนเด็ก และเลขสุ่ม (seed) ต้องเป็นจำนวนเต็ม", "error")
        return redirect(back)
    try:
        check = spot_checks.draw(get_db(), actor, round_id, code, seed=seed, now=now(), **numbers)
    except ServiceError as err:
        if err.status in (401, 403):
            raise
        flash(err.message, "error")
        return redirect(back)
    flash(f"สุ่มรายชื่อแล้ว (ครั้งที่ {check['id']}, เลขสุ่ม {check['seed']}) ดาวน์โหลดแบบตรวจสอบเพื่อพิมพ์ได้", "ok")
    return redirect(back)


@bp.post("/rounds/<round_id>/units/<code>/spot-checks/<int:check_id>/results")
def spot_check_results(round_id: str, code: str, check_id: int) -> Response:
    """The filled check list, uploaded from the province's page."""
    actor = _actor()
    _round(round_id)
    back = url_for("pages.unit_page", round_id=round_id, code=code)
    spot_checks.require_province(get_db(), actor, code)
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("กรุณาเลือกไฟล์แบบตรวจสอบที่กรอกผลแล้ว", "error")
        return redirect(back)
    try:
        done = spot_checks.record_file(get_db(), actor, round_id, code, check_id, file.read(),
                                       filename=file.filename, now=now())  # fmt: skip
    except ServiceError as err:
        flash(err.message, "error")
        return redirect(back)
    flash(f"บันทึกผลการสุ่มตรวจครั้งที่ {check_id} แล้ว: ตรวจ {done['checked']} จาก {done['total']} คน"
          f" ไม่พบตัว {done['missing']} คน", "ok")  # fmt: skip
    return redirect(back)


@bp.get("/rounds/<round_id>/units/<code>/template")
def template(round_id: str, code: str) -> Any:
    """The unit's pre-filled template (server.domain.prefill), after the same view check as the API."""
    from server.domain import prefill

    actor = _actor()
    db = get_db()
    rnd = _round(round_id)
    unit = scope.check(db, actor, code, "view")
    data, filename = prefill.template_bytes(db, rnd, unit)
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=filename,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- audit log ---------------------------------------------------------------------------------------


@bp.get("/audit")
def audit_page() -> Any:
    actor = _actor()
    db = get_db()
    args = request.args
    filters = {k: (args.get(k) or "").strip() for k in ("unit", "action", "who", "date_from", "date_to", "round")}
    if filters["unit"] and registry.get_unit(db, filters["unit"]) is None:
        flash(f"ไม่พบหน่วยงานรหัส {filters['unit']} ในทะเบียน", "error")
        filters["unit"] = ""
    rows = page_data.audit_rows(
        db,
        actor,
        unit=filters["unit"] or None,
        action=filters["action"] or None,
        who=filters["who"] or None,
        day_from=page_data.parse_day(filters["date_from"]),
        day_to=page_data.parse_day(filters["date_to"]),
        round_id=filters["round"] or None,
    )
    default = page_data.default_round(db, now())
    g.nav_round = default["id"] if default else None
    return render_template(
        "audit.html",
        rows=rows,
        filters=filters,
        actions=thai_format.ACTION_TH,
        limit=page_data.AUDIT_LIMIT,
        all_rounds=rounds.list_rounds(db, now()),
    )


# --- registration ------------------------------------------------------------------------------------


def register(app: Flask) -> None:
    """Attach the pages to the app (called by server.web.app.create_app)."""
    thai_format.install(app)
    app.jinja_env.globals["csrf_token"] = auth.csrf_token  # a global, so imported macros see it too
    app.register_blueprint(bp)
    for code in (404, 405, 413):
        app.register_error_handler(code, _page_http_error)
