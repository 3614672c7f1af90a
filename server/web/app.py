"""The Flask app factory. Routes are thin: they parse the request, call a service, shape the answer.

    create_app(config=None) -> Flask      config keys: see server/storage/config.py (DATA_DIR, NOW, ARGON2_*, ...)
The request's connection and clock are `server.web.context.get_db` / `now`.
Blueprints: server.web.api (/api/v1), server.web.consolidated_route, server.web.pages; the xlwings
route registers its own endpoints.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.domain import accounts, uploads
from server.domain.errors import ServiceError
from server.storage import config, db
from server.web import (
    api,
    auth,
    consolidated_route,
    gpax_route,
    graduates_api,
    graduates_pages,
    integrity_routes,
    localschool_route,
    lsq_pages,
    pages,
    progress_route,
    records_api,
    records_overview_api,
    records_pages,
    register_route,
    registrars_route,
    security,
    xlwings_route,
)
from server.web.session import SqliteSessionInterface

HTTP_TH = {
    400: ("bad_request", "คำขอไม่ถูกต้อง"),
    401: ("unauthenticated", "กรุณาเข้าสู่ระบบก่อน"),
    403: ("forbidden", "ไม่มีสิทธิ์"),
    404: ("not_found", "ไม่พบสิ่งที่ขอ"),
    405: ("method_not_allowed", "ไม่รองรับวิธีเรียกนี้"),
    413: ("too_large", "ไฟล์มีขนาดใหญ่เกินกำหนด"),
    500: ("internal_error", "ระบบขัดข้อง กรุณาลองใหม่หรือติดต่อผู้ดูแลระบบ"),
}
RETRY_AFTER_S = 30
"""What a 503 asks the client to wait: long enough for a queue of deadline-day writers to drain."""


LOW_SPACE_BYTES = 32 * 1024 * 1024
"""Below this much free space a "disk I/O error" is taken for a full disk (SQLite reports a failed
write into the WAL as SQLITE_IOERR, not SQLITE_FULL, on a disk that has just filled up)."""


def storage_refusal(exc: BaseException, data_dir: Path | None = None) -> ServiceError | None:
    """A database that is locked or full, or a disk that is full, as a 503 the client may retry.

    Why 503 and not 500: nothing was half-written (every write is one transaction, files are written to
    a temporary name and renamed), so the same request can simply be sent again a little later.
    Anything else is a real fault and stays a 500.
    """
    text = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError) and "disk i/o error" in text and data_dir is not None:
        try:
            if shutil.disk_usage(data_dir).free < LOW_SPACE_BYTES:
                text = "database or disk is full"
        except OSError:
            pass
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return ServiceError(
            503,
            "database_busy",
            f"ระบบมีผู้ส่งข้อมูลพร้อมกันจำนวนมาก ยังไม่ได้บันทึกสิ่งที่ส่งมา กรุณาลองใหม่ในอีก {RETRY_AFTER_S} วินาที",
            {"retry_after": RETRY_AFTER_S},
        )
    full = (isinstance(exc, sqlite3.OperationalError) and "full" in text) or (
        isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    )
    if full:
        return ServiceError(
            503,
            "storage_full",
            "พื้นที่จัดเก็บข้อมูลของระบบเต็ม ยังไม่ได้บันทึกสิ่งที่ส่งมา (ข้อมูลเดิมยังอยู่ครบ) กรุณาแจ้งผู้ดูแลระบบและลองใหม่ภายหลัง",
            {"retry_after": RETRY_AFTER_S},
        )
    return None


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/xlwings/")) or request.accept_mimetypes.best == "application/json"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app on a data dir: migrate the database, load (or create) the secret key."""
    cfg = config.load(overrides)
    app = Flask(__name__)
    app.config.update(cfg)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = cfg.get("SESSION_COOKIE_SAMESITE") or "Lax"  # Flask's default: none
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=cfg["TOKEN_TTL_HOURS"])
    app.session_interface = SqliteSessionInterface()  # the cookie holds a random id, nothing readable
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # auth.check_csrf decides which requests
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as its session
    auth.csrf.init_app(app)
    security.install(app)
    app.json.ensure_ascii = False  # Thai stays readable in responses
    accounts.set_hash_params(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    db.open_db(cfg["DB_PATH"]).close()
    cfg["FILES_DIR"].mkdir(parents=True, exist_ok=True, mode=0o700)
    uploads.sweep_incoming(cfg["FILES_DIR"])

    app.register_blueprint(consolidated_route.bp)  # the consolidated LAO / province / national book
    app.register_blueprint(api.bp)
    app.register_blueprint(records_api.bp)  # academic records (LSQ)
    app.register_blueprint(records_overview_api.bp)  # a school's year of records as JSON (the add-in's status)
    app.register_blueprint(gpax_route.bp)  # the GPAX export (LSQ)
    app.register_blueprint(localschool_route.bp)  # the LocalSchool migration (LSQ)
    app.register_blueprint(register_route.bp)  # the registrar's pupil register (LSQ)
    pages.register(app)
    records_pages.register(app)  # academic records pages (a class's results, a pupil's record)
    app.register_blueprint(graduates_api.bp)  # the graduate report ปพ.3 and its registrars' chain
    lsq_pages.register(app)  # the LocalSchool import and the pupil register pages (LSQ)
    graduates_pages.register(app)  # the ปพ.3 pages: reports in scope, one report's statuses and chain
    registrars_route.register(app)  # a unit's registrars, current and past (who was appointed by which order)
    app.register_blueprint(progress_route.bp)  # any province's dashboard, the late list workbook
    integrity_routes.register(app)  # spot-check notices and the institution's explanation (issue 13)
    xlwings_route.register(app)  # the add-in without local Python

    @app.before_request
    def _csrf() -> None:
        auth.check_csrf()

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    register_error_handlers(app)
    return app


def register_error_handlers(app: Flask) -> None:
    """Refusals as JSON (or the error page): a ServiceError as itself, a locked or full database as a 503
    the client may retry, an HTTP error in Thai for the API."""

    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError) -> Any:
        app.logger.info("refused %s %s: %s %s", request.method, request.path, err.status, err.code)
        body = err.to_dict()
        if err.code == "workbook_rejected":  # design.md: 422 {"accepted":false,"errors","warnings"}
            body.update(err.detail)
            body["detail"] = {"errors": len(err.detail["errors"])}
        elif err.code in ("invalid_body", "bad_json"):  # openapi.invalid_body: each field named, in Thai
            body["errors"] = err.detail["errors"]
        resp = jsonify(body)
        resp.status_code = err.status
        if err.status == 429 and isinstance(err.detail, dict):
            resp.headers["Retry-After"] = str(err.detail.get("retry_after", 60))
        return resp

    @app.errorhandler(sqlite3.OperationalError)
    @app.errorhandler(OSError)
    def _storage_error(exc: Exception) -> Any:
        err = storage_refusal(exc, current_app.config["DATA_DIR"])
        if err is None:
            raise exc  # a real fault: Flask's 500 (logged with its traceback)
        app.logger.warning("503 %s %s: %s", request.method, request.path, exc)
        if _wants_json():
            resp = jsonify(err.to_dict())
        else:
            from flask import render_template

            resp = current_app.make_response((render_template("error.html", error=err), 503))
        resp.status_code = 503
        resp.headers["Retry-After"] = str(RETRY_AFTER_S)
        return resp

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        if not _wants_json():
            return err
        status = err.code or 500
        code, message = HTTP_TH.get(status, (err.name.lower().replace(" ", "_"), err.name))
        if isinstance(err, RequestEntityTooLarge):
            limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]  # per route
            size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
            message = f"ไฟล์มีขนาดใหญ่เกิน {size}"
        resp = jsonify({"error": code, "message": message, "detail": err.description})
        resp.status_code = status
        return resp
