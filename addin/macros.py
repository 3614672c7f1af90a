"""Entry points for the classic add-in: what the workbook's buttons call through `RunPython`.

    RunPython "import addin.macros as m; m.validate()"

Each function finds the calling workbook with `xw.Book.caller()`, runs the shared action from
`addin.actions` and shows the outcome in a message box. Validation needs nothing but Python and works
offline; upload, status and confirm need the server address and login from the "ตั้งค่า" sheet (or
`~/.lec-sheets/settings.json`) and a token from `login()` (cached in `~/.lec-sheets/tokens.json`; the
password is asked for and never stored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from addin import actions, book_io, merge, sheets
from addin.client import ApiClient, ApiError, TokenStore, cached_client, login_and_cache, user_settings

PROFILE_TH = (
    "เข้าสู่ระบบครั้งแรก: กรุณาเข้าหน้าเว็บของระบบ กรอกชื่อ นามสกุล ตำแหน่ง โทรศัพท์ และตั้งรหัสผ่านใหม่ "
    "(หรือใช้คำสั่ง lec addin login) แล้วกลับมากดเข้าสู่ระบบอีกครั้ง"
)


def settings_of(book: Any) -> dict[str, str]:
    """Settings from the workbook's "ตั้งค่า" sheet, falling back to the PC's own settings file."""
    values = dict(user_settings())
    sheet = book_io.find_sheet(book, book_io.SETTINGS_SHEET)
    if sheet is not None:
        found = sheets.read_settings({book_io.SETTINGS_SHEET: book_io.sheet_grid(sheet)})
        values.update({k: v for k, v in found.items() if v})
    return values


def _alert(book: Any, message: str, title: str = "LEC Sheets", ok: bool = True) -> None:
    book.app.alert(message, title=title, buttons="ok", mode="info" if ok else "critical")


def _ask_password(prompt: str) -> str | None:
    """A masked password box (tkinter, shipped with the python.org installer); None when cancelled."""
    try:
        import tkinter
        from tkinter import simpledialog
    except ImportError:
        return None
    root = tkinter.Tk()
    root.withdraw()
    root.attributes("-topmost", True)
    try:
        return simpledialog.askstring("LEC Sheets", prompt, show="*", parent=root)
    finally:
        root.destroy()


def login(book: Any | None = None) -> ApiClient | None:
    """Ask for the password, log in, cache the token. Returns the client, or None (and says why)."""
    book = book or xw.Book.caller()
    cfg = settings_of(book)
    server, user = cfg.get("server_url", ""), cfg.get("login", "")
    if not server or not user:
        _alert(book, 'กรุณากรอกที่อยู่เซิร์ฟเวอร์และรหัสผู้ใช้ในชีต "ตั้งค่า" ก่อน', ok=False)
        return None
    password = _ask_password(f"รหัสผ่านของผู้ใช้ {user}")
    if not password:
        _alert(book, "ยังไม่ได้เข้าสู่ระบบ (ถ้าไม่มีหน้าต่างถามรหัสผ่าน ให้ใช้คำสั่ง lec addin login)", ok=False)
        return None
    try:
        client = login_and_cache(server, user, password)
        me = client.me()
    except ApiError as err:
        _alert(book, err.message, ok=False)
        return None
    if me.get("must_complete_profile"):
        _alert(book, PROFILE_TH, ok=False)
        return None
    _alert(book, f"เข้าสู่ระบบแล้ว: {user}")
    return client


def _client(book: Any) -> ApiClient | None:
    cfg = settings_of(book)
    try:
        return cached_client(cfg.get("server_url", ""), cfg.get("login", ""))
    except ApiError as err:
        if err.status == 401:
            return login(book)
        _alert(book, err.message, ok=False)
        return None


def _with_server(run: Callable[[Any, ApiClient], actions.Outcome]) -> actions.Outcome | None:
    """Run an action that needs the server; on an expired token log in once and try again."""
    book = xw.Book.caller()
    client = _client(book)
    if client is None:
        return None
    outcome = run(book, client)
    if outcome.data.get("status") == 401:
        cfg = settings_of(book)
        TokenStore().put(cfg.get("server_url", ""), cfg.get("login", ""), None)
        client = login(book)
        if client is None:
            return None
        outcome = run(book, client)
    actions.notify(book, outcome)
    return outcome


def validate() -> actions.Outcome:
    """Button "ตรวจสอบ": works offline."""
    book = xw.Book.caller()
    outcome = actions.validate(book)
    actions.notify(book, outcome)
    return outcome


def upload() -> actions.Outcome | None:
    """Button "ส่งข้อมูล"."""
    return _with_server(lambda book, client: actions.upload(book, client))


def status() -> actions.Outcome | None:
    """Button "สถานะ"."""
    return _with_server(lambda book, client: actions.status(book, client))


def confirm() -> actions.Outcome | None:
    """Button "ยืนยันข้อมูล": asks yes/no first (the classic engine answers at once)."""
    return _with_server(lambda book, client: actions.confirm(book, client))


def settings() -> None:
    """Button "ตั้งค่า": create the settings sheet, pre-filled from the PC's settings file."""
    book = xw.Book.caller()
    sheets.write_settings(book, settings_of(book))


def merge_folder() -> actions.Outcome | None:
    """Button "รวมแฟ้ม" (LAO): validate every workbook in the settings' folder, upload the good ones."""
    book = xw.Book.caller()
    folder = settings_of(book).get("merge_folder", "")
    if not folder:
        _alert(book, 'กรุณากรอกโฟลเดอร์แฟ้มที่สถานศึกษาส่งกลับในชีต "ตั้งค่า" ก่อน', ok=False)
        return None
    return _with_server(lambda b, client: merge.merge_into_book(b, folder, client))
