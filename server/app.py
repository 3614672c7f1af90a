"""The Flask app factory. Routes are thin: they parse the request, call a service, shape the answer.

    create_app(config=None) -> Flask      config keys: see server/config.py (DATA_DIR, NOW, ARGON2_*, ...)
    get_db() -> sqlite_utils.Database      one connection per request (WAL; closed at teardown)
    now() -> datetime                      the request's clock (config NOW, else LEC_NOW, else wall clock)
Blueprints: server.api (/api/v1), server.consolidated_route, server.xlwings_route; server.pages attaches
itself through EXTENSIONS.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils
from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server import accounts, auth, clock, config, db, uploads
from server.errors import ServiceError

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
        return ServiceError(503, "database_busy",
                            f"ระบบมีผู้ส่งข้อมูลพร้อมกันจำนวนมาก ยังไม่ได้บันทึกสิ่งที่ส่งมา กรุณาลองใหม่ในอีก"
                            f" {RETRY_AFTER_S} วินาที", {"retry_after": RETRY_AFTER_S})
    full = (isinstance(exc, sqlite3.OperationalError) and "full" in text) or (
        isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT))
    if full:
        return ServiceError(503, "storage_full",
                            "พื้นที่จัดเก็บข้อมูลของระบบเต็ม ยังไม่ได้บันทึกสิ่งที่ส่งมา (ข้อมูลเดิมยังอยู่ครบ)"
                            " กรุณาแจ้งผู้ดูแลระบบและลองใหม่ภายหลัง", {"retry_after": RETRY_AFTER_S})
    return None


def get_db() -> sqlite_utils.Database:
    if "db" not in g:
        g.db = db.connect(current_app.config["DB_PATH"], current_app.config["DB_BUSY_TIMEOUT_MS"])
    return g.db


def now() -> datetime:
    return clock.now(current_app.config.get("NOW"))


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app on a data dir: migrate the database, load (or create) the secret key."""
    cfg = config.load(overrides)
    app = Flask(__name__)
    app.config.update(cfg)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=cfg["TOKEN_TTL_HOURS"])
    app.json.ensure_ascii = False  # Thai stays readable in responses
    accounts.set_hash_params(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    db.open_db(cfg["DB_PATH"]).close()
    cfg["FILES_DIR"].mkdir(parents=True, exist_ok=True, mode=0o700)
    uploads.sweep_incoming(cfg["FILES_DIR"])

    from server.api import bp as api_bp
    from server.consolidated_route import bp as consolidated_bp

    app.register_blueprint(consolidated_bp)  # the consolidated LAO / province / national book
    app.register_blueprint(api_bp)
    app.register_blueprint(importlib.import_module("server.records_api").bp)  # academic records (LSQ)
    register_pages(app)
    from server.xlwings_route import register as register_xlwings  # the add-in without local Python

    register_xlwings(app)

    @app.before_request
    def _csrf() -> None:
        auth.check_csrf()

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError) -> Any:
        app.logger.info("refused %s %s: %s %s", request.method, request.path, err.status, err.code)
        body = err.to_dict()
        if err.code == "workbook_rejected":  # design.md: 422 {"accepted":false,"errors","warnings"}
            body.update(err.detail)
            body["detail"] = {"errors": len(err.detail["errors"])}
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
            limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"ไฟล์มีขนาดใหญ่เกิน {limit} MB"
        resp = jsonify({"error": code, "message": message, "detail": err.description})
        resp.status_code = status
        return resp

    return app


EXTENSIONS = ("server.pages",)
"""Modules that attach themselves with `register(app)` when present (the web pages)."""


def register_pages(app: Flask) -> None:
    """Let each extension module present add its blueprint; an absent one leaves the API alone."""
    for name in EXTENSIONS:
        if importlib.util.find_spec(name) is None:
            continue
        register = getattr(importlib.import_module(name), "register", None)
        if register:
            register(app)
