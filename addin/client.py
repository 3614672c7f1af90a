"""Talking to the LEC Sheets server from the add-in, the CLI and the LAO merge.

`Backend` is what the add-in's actions need from a server: upload a workbook, read a unit's status,
confirm a unit; for the academic records forms, upload one and read the school's year of records.
`ApiClient` implements it over HTTP (design.md's /api/v1); the server-hosted set-up
implements it in-process (server/web/xlwings_route.py), so the actions cannot tell the two apart.

Login: `POST /token` with the login and a password typed when asked, then the bearer token is cached in
the user's own config dir (`~/.lec-sheets/tokens.json`, mode 0600; `LEC_SHEETS_HOME` moves it), keyed by
server and login. The password itself is never stored, and nothing secret goes into a workbook, which
travels by e-mail and USB stick.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests

TIMEOUT = (10, 120)
"""(connect, read) seconds: a 5,000-row upload is validated and stored before the answer comes back."""

NETWORK_TH = 'ติดต่อเซิร์ฟเวอร์ไม่ได้ ({detail}) กรุณาตรวจที่อยู่เซิร์ฟเวอร์ในชีต "ตั้งค่า" และการเชื่อมต่ออินเทอร์เน็ต'
LOGIN_FIRST_TH = "กรุณาเข้าสู่ระบบก่อน (ไม่มี token หรือหมดอายุแล้ว)"


class ApiError(Exception):
    """A refusal from the server (or no server at all: status 0). `message` is Thai, for the clerk."""

    def __init__(self, status: int, code: str, message: str, body: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = dict(body or {})


class Backend(Protocol):
    """What the add-in's actions need from a server."""

    def upload(self, round_id: str, unit: str, filename: str, data: bytes) -> dict[str, Any]:
        """200 body, or raises ApiError; a 422 keeps its `errors`/`warnings` in `ApiError.body`."""
        ...

    def status(self, round_id: str, unit: str) -> dict[str, Any]: ...

    def confirm(self, round_id: str, unit: str) -> dict[str, Any]: ...

    def upload_records(self, year: int, unit: str, filename: str, data: bytes) -> dict[str, Any]:
        """An academic records form (curriculum, results, assessments): 200 body or ApiError, as `upload`."""
        ...

    def records_status(self, year: int, unit: str) -> dict[str, Any]:
        """The school's year of records (classes and terms stored, uploads)."""
        ...

    def register_status(self, year: int, unit: str) -> dict[str, Any]:
        """The school's registrar's pupil register (`{"pupils": [...]}`)."""
        ...

    def localschool_status(self, year: int, unit: str) -> dict[str, Any]:
        """The school's LocalSchool imports of the year with their counts (`{"imports": [...]}`, newest first)."""
        ...


def config_dir() -> Path:
    """The user's own LEC Sheets directory (never inside a workbook)."""
    return Path(os.environ.get("LEC_SHEETS_HOME") or Path.home() / ".lec-sheets")


def _normal_url(url: str) -> str:
    return url.strip().rstrip("/")


@dataclass
class TokenStore:
    """Bearer tokens by server and login, in a file only the user can read."""

    path: Path = field(default_factory=lambda: config_dir() / "tokens.json")

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, server: str, login: str) -> str | None:
        return self._load().get(_normal_url(server), {}).get(login)

    def put(self, server: str, login: str, token: str | None) -> None:
        data = self._load()
        entry = data.setdefault(_normal_url(server), {})
        if token:
            entry[login] = token
        else:
            entry.pop(login, None)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)


def user_settings() -> dict[str, str]:
    """Defaults set once per PC (`lec addin login` writes them): server address and login."""
    try:
        data = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_user_settings(values: Mapping[str, str]) -> None:
    path = config_dir() / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    current = user_settings()
    current.update({k: v for k, v in values.items() if v})
    path.write_text(json.dumps(current, ensure_ascii=False, indent=1), encoding="utf-8")


class ApiClient:
    """The /api/v1 client. One `requests.Session`; every call raises `ApiError` on refusal."""

    def __init__(self, server: str, token: str | None = None, *, session: requests.Session | None = None) -> None:
        self.server = _normal_url(server)
        self.token = token
        self.http = session or requests.Session()

    def _url(self, path: str) -> str:
        return f"{self.server}/api/v1{path}"

    def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            resp = self.http.request(method, self._url(path), headers=headers, timeout=TIMEOUT, **kw)
        except requests.RequestException as exc:
            raise ApiError(0, "network", NETWORK_TH.format(detail=type(exc).__name__)) from exc
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if resp.status_code >= 400 or not isinstance(body, dict):
            body = body if isinstance(body, dict) else {}
            message = body.get("message") or f"เซิร์ฟเวอร์ตอบรหัส {resp.status_code}"
            raise ApiError(resp.status_code, body.get("error") or "http_error", message, body)
        return body

    # --- login
    def login(self, login: str, password: str) -> dict[str, Any]:
        """`POST /token`; keeps the token on this client. The answer says whether a profile is due."""
        body = self._call("POST", "/token", json={"login": login, "password": password})
        self.token = body["token"]
        return body

    def complete_profile(self, **fields: str) -> dict[str, Any]:
        return self._call("POST", "/me/profile", json=fields)

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/me")

    # --- Backend
    def upload(self, round_id: str, unit: str, filename: str, data: bytes) -> dict[str, Any]:
        files = {"file": (filename, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
        return self._call("POST", f"/rounds/{round_id}/units/{unit}/workbook", files=files)

    def status(self, round_id: str, unit: str) -> dict[str, Any]:
        return self._call("GET", f"/rounds/{round_id}/units/{unit}/status")

    def confirm(self, round_id: str, unit: str) -> dict[str, Any]:
        return self._call("POST", f"/rounds/{round_id}/units/{unit}/confirm")

    def upload_records(self, year: int, unit: str, filename: str, data: bytes) -> dict[str, Any]:
        files = {"file": (filename, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
        return self._call("POST", f"/years/{year}/units/{unit}/records/workbook", files=files)

    def records_status(self, year: int, unit: str) -> dict[str, Any]:
        return self._call("GET", f"/years/{year}/units/{unit}/records")

    def register_status(self, year: int, unit: str) -> dict[str, Any]:
        return self._call("GET", f"/years/{year}/units/{unit}/register")

    def localschool_status(self, year: int, unit: str) -> dict[str, Any]:
        return self._call("GET", f"/years/{year}/units/{unit}/localschool")


def cached_client(server: str, login: str, store: TokenStore | None = None) -> ApiClient:
    """A client with the cached token for (server, login); raises ApiError(401) when there is none."""
    if not server or not login:
        raise ApiError(400, "settings_missing", 'กรุณากรอกที่อยู่เซิร์ฟเวอร์และรหัสผู้ใช้ในชีต "ตั้งค่า" ก่อน')
    token = (store or TokenStore()).get(server, login)
    if not token:
        raise ApiError(401, "unauthenticated", LOGIN_FIRST_TH)
    return ApiClient(server, token)


def login_and_cache(server: str, login: str, password: str, store: TokenStore | None = None) -> ApiClient:
    """Log in and cache the token; the password is used once and dropped."""
    client = ApiClient(server)
    client.login(login, password)
    (store or TokenStore()).put(server, login, client.token)
    return client
