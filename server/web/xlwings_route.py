"""xlwings' server protocol: the add-in's actions for a PC without Python.

The workbook's VBA (addin/vba/LecSheets.bas) calls xlwings' VBA client, `RunServerPython URL`, which
posts the whole workbook as JSON (every sheet's values, hidden ones too) to

    POST /xlwings/<action>     action: validate | upload | status | confirm | login

and replays the `{"actions": [...]}` answer in Excel. Here the JSON becomes a real xlwings `Book` on the
remote engine (`xw.Book(json=...)`) and the same `addin.actions` function the classic add-in runs is
called on it, so both set-ups answer alike. Only action types the VBA client implements leave this
module (checked; anything else would stop the client half-way), and values go out in chunks of at
most `addin.book_io.CHUNK_ROWS` rows (the client counts rows in a 16-bit Integer).

Authentication is the API's: `Authorization: Bearer <token>` (the VBA passes it as RunServerPython's
`auth`). `login` takes `Authorization: LecPassword <url-encoded password>` for the login written on the
"ตั้งค่า" sheet and answers with a `runMacro` action handing the token to the workbook's VBA, which keeps
it in memory only. Every other action, `validate` too, needs a login: the server does work on a posted
workbook only for an authenticated caller. The payload is shape-checked (server/xlwings_payload.py) and
capped (XLWINGS_MAX_BYTES); a malformed one is a Thai 400, never a 500.

xlwings' remote engine lives in `xlwings.pro` and loads with `XLWINGS_LICENSE_KEY=noncommercial`
(PolyForm Noncommercial 1.0.0, which names government institutions as a permitted use); `register`
sets that default when the operator has not set a key (addin/remote.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from flask import Blueprint, Flask, current_app, jsonify, request

from addin import actions, book_io, sheets
from addin.client import ApiError
from addin.remote import ensure_remote_engine, remote_book
from server.domain import (
    accounts,
    chain,
    localschool,
    login_guard,
    pupil_register,
    records,
    records_views,
    rounds,
    spot_checks,
    uploads,
)
from server.domain.errors import ServiceError, bad_request
from server.web import auth, xlwings_payload
from server.web.context import get_db, now

bp = Blueprint("xlwings", __name__, url_prefix="/xlwings")

TOKEN_MACRO = "LecSetToken"
"""VBA macro `(wb As Workbook, token As String)` that keeps the token for the Excel session."""
PASSWORD_SCHEME = "lecpassword "


class InProcessBackend:
    """`addin.client.Backend` over the server's own services, for the actor of this request."""

    def __init__(self, actor: accounts.Actor) -> None:
        self.actor = actor

    @staticmethod
    def _error(err: ServiceError) -> ApiError:
        body = err.to_dict()
        if isinstance(err.detail, dict) and "accepted" in err.detail:
            body.update(err.detail)
        return ApiError(err.status, err.code, err.message, body)

    def upload(self, round_id: str, unit: str, filename: str, data: bytes) -> dict[str, Any]:
        try:
            rounds.require_round(get_db(), round_id)
            return uploads.upload_workbook(get_db(), self.actor, round_id, unit, data, filename=filename,
                                           files_dir=current_app.config["FILES_DIR"], now=now(),
                                           **uploads.limits(current_app.config))  # fmt: skip
        except ServiceError as err:
            raise self._error(err) from err

    def status(self, round_id: str, unit: str) -> dict[str, Any]:
        try:
            rounds.require_round(get_db(), round_id)
            body = chain.status(get_db(), self.actor, round_id, unit, now=now())
            body["notices"] = spot_checks.notices_of_unit(get_db(), round_id, unit)  # as the status API's
            return body
        except ServiceError as err:
            raise self._error(err) from err

    def confirm(self, round_id: str, unit: str) -> dict[str, Any]:
        try:
            return chain.confirm(get_db(), self.actor, round_id, unit, now=now())
        except ServiceError as err:
            raise self._error(err) from err

    def upload_records(self, year: int, unit: str, filename: str, data: bytes) -> dict[str, Any]:
        try:
            return records.upload_records_workbook(get_db(), self.actor, year, unit, data, filename=filename,
                                                   files_dir=current_app.config["FILES_DIR"], now=now(),
                                                   **uploads.limits(current_app.config))  # fmt: skip
        except ServiceError as err:
            raise self._error(err) from err

    def records_status(self, year: int, unit: str) -> dict[str, Any]:
        try:
            return records_views.overview_for_clients(get_db(), self.actor, year, unit)
        except ServiceError as err:
            raise self._error(err) from err

    def register_status(self, year: int, unit: str) -> dict[str, Any]:
        try:
            return {"unit": unit, "year": year, "pupils": pupil_register.register(get_db(), self.actor, unit)}
        except ServiceError as err:
            raise self._error(err) from err

    def localschool_status(self, year: int, unit: str) -> dict[str, Any]:
        try:
            return {"unit": unit, "year": year, "imports": localschool.imports(get_db(), self.actor, year, unit)}
        except ServiceError as err:
            raise self._error(err) from err


def _payload() -> dict[str, Any]:
    """The posted JSON, shape-checked (server/xlwings_payload.py): a malformed post is a Thai 400."""
    return xlwings_payload.parse(request.get_json(silent=True))


def _book(payload: dict[str, Any]) -> Any:
    """The payload as a remote-engine Book.

    xlwings refuses a client of another version; this route reads values and answers with the basic
    actions every client version replays, so the server's version is put in its place.
    """
    ensure_remote_engine()
    import xlwings as xw

    payload["version"] = xw.__version__
    return remote_book(payload)


def checked_actions(book: Any) -> dict[str, Any]:
    """The Book's queued actions, refusing any type the VBA client cannot replay or an oversized chunk."""
    out = book.json()
    for action in out["actions"]:
        if action["func"] not in book_io.VBA_ACTIONS:
            raise RuntimeError(f"action {action['func']} is not implemented by xlwings' VBA client")
        if action["func"] == "setValues" and len(action["values"] or ()) > book_io.CHUNK_ROWS:
            raise RuntimeError(f"setValues of {len(action['values'])} rows exceeds one chunk")
    return out


def _answer(book: Any, outcome: actions.Outcome | None = None) -> Any:
    if outcome is not None:
        actions.notify(book, outcome)
    return jsonify(checked_actions(book))


def _login() -> Any:
    """`Authorization: LecPassword ...` for the login on the settings sheet. Before the password is
    checked only that sheet is read and checked: a stranger cannot make the server build a whole Book."""
    header = request.headers.get("Authorization", "")
    if header[: len(PASSWORD_SCHEME)].lower() != PASSWORD_SCHEME:
        raise bad_request("password_required", "กรุณาใส่รหัสผ่าน")
    password = unquote(header[len(PASSWORD_SCHEME) :].strip())
    raw = xlwings_payload.settings_only(request.get_json(silent=True), book_io.SETTINGS_SHEET)
    book = _book(xlwings_payload.parse(raw))
    grids = {book_io.SETTINGS_SHEET: book_io.sheet_grid(book_io.find_sheet(book, book_io.SETTINGS_SHEET))}
    login = sheets.read_settings(grids).get("login", "")
    if not login:
        return _answer(book, actions.Outcome(False, "เข้าสู่ระบบ", 'กรุณากรอกรหัสผู้ใช้ในชีต "ตั้งค่า" ก่อน'))
    cfg = current_app.config
    try:
        token, actor = accounts.authenticate(
            get_db(), login, password, addr=request.remote_addr, now=now(), ttl_hours=cfg["TOKEN_TTL_HOURS"],
            limits=login_guard.limits(cfg),
        )  # fmt: skip
    except ServiceError as err:
        return _answer(book, actions.Outcome(False, "เข้าสู่ระบบ", err.message))
    book.macro(TOKEN_MACRO)(token)
    if actor.must_complete_profile:
        message = ("เข้าสู่ระบบครั้งแรก: กรุณาเข้าหน้าเว็บของระบบเพื่อกรอกชื่อ นามสกุล ตำแหน่ง โทรศัพท์ "
                   "และตั้งรหัสผ่านใหม่ก่อน แล้วกลับมาเข้าสู่ระบบอีกครั้ง")  # fmt: skip
        return _answer(book, actions.Outcome(False, "เข้าสู่ระบบ", message))
    return _answer(book, actions.Outcome(True, "เข้าสู่ระบบ", f"เข้าสู่ระบบแล้ว: {login}"))


ACTIONS = ("validate", "upload", "status", "confirm", "login")


@bp.post("/<action>")
def run(action: str) -> Any:
    """Run one add-in action on the posted workbook and answer with the actions for the VBA client.

    The caller is authenticated (bearer token, or the password for `login`) before the body is read,
    the body is capped at XLWINGS_MAX_BYTES, and a payload the engine or the actions cannot read is a
    400: nothing a client posts here is a 500.
    """
    if action not in ACTIONS:
        raise ServiceError(404, "unknown_action", f"ไม่รู้จักคำสั่ง {action}")
    request.max_content_length = current_app.config["XLWINGS_MAX_BYTES"]
    try:
        if action == "login":
            return _login()
        actor = auth.require_actor(profile=action not in ("confirm", "validate"))
        book = _book(_payload())
        if action == "validate":
            return _answer(book, actions.validate(book, today=now().date(), now=now()))
        backend = InProcessBackend(actor)
        if action == "upload":
            return _answer(book, actions.upload(book, backend, today=now().date(), now=now()))
        if action == "status":
            return _answer(book, actions.status(book, backend, now=now()))
        answer = request.args.get("answer")
        return _answer(book, actions.confirm(book, backend, answer=answer, now=now()))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        # the shape was checked; what is left is content the engine or the actions cannot read
        current_app.logger.warning("xlwings %s: unreadable payload", action, exc_info=err)
        raise bad_request("bad_xlwings_payload", xlwings_payload.BAD_PAYLOAD, {"error": type(err).__name__}) from err


def register(app: Flask) -> None:
    """Add the blueprint; make sure the remote engine can load (see the module docstring)."""
    ensure_remote_engine()
    app.register_blueprint(bp)
