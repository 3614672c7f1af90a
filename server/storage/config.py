"""Where the server keeps its state and how it is tuned.

`LEC_DATA_DIR` (default `./var`) holds `lec.db`, the uploaded files and the generated secret key. The
secret is created on first run inside the data dir so no secret ever lives in the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,  # 413 beyond this: a 100k-row roster is ~10 MB
    "XLWINGS_MAX_BYTES": 48 * 1024 * 1024,  # the add-in's JSON (/xlwings/*): a 100k-row roster is ~30 MB
    "TOKEN_TTL_HOURS": 12,
    # Login guard (server/login_guard.py): failures per account *and address* before that address waits
    # 1 s, 2 s, 4 s ... (at most LOGIN_MAX_DELAY_SECONDS) between tries; never a lock against the right
    # password from another address.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDR": 100,  # over all logins: a district office puts many schools behind one IP
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_DELAY_SECONDS": 900,
    # argon2id; the defaults are argon2-cffi's RFC 9106 "low memory" profile. Tests lower them.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
    # HTTPS=1: served over HTTPS (Secure cookies, HSTS). PROXY_HOPS=N: behind N reverse proxies, whose
    # X-Forwarded-* headers werkzeug's ProxyFix then trusts (server/web_security.py; README "HTTPS").
    "HTTPS": 0,
    "PROXY_HOPS": 0,
    "NOW": None,  # a fixed clock (ISO text); LEC_NOW does the same from the environment
    # How long a request waits for another writer before answering 503 (deadline day queues writers).
    "DB_BUSY_TIMEOUT_MS": 30_000,
    # Uploads are read in worker processes (workbook_templates.sandbox): memory cap, time limit, how many
    # at once, and how long an upload waits for a free worker before a 503.
    "WORKER_MEMORY_MB": 3072,
    "WORKER_SECONDS": 180,
    "WORKERS": max(1, os.cpu_count() or 1),
    "WORKER_QUEUE_SECONDS": 60,
    # Disk a unit may fill with the files it sent, and with rejected files kept for the audit trail.
    "UNIT_QUOTA_MB": 1024,
    "REJECTED_QUOTA_MB": 100,
}
ENV_PREFIX = "LEC_"
"""Every integer setting above can also come from the environment, e.g. `LEC_MAX_CONTENT_LENGTH`:
`lec serve` has no config file, and the load and fault tests start it with lighter password hashing."""


def data_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The data dir: the argument, else `LEC_DATA_DIR`, else `./var`; created if missing."""
    path = Path(value or os.environ.get("LEC_DATA_DIR") or "var").resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # citizen IDs, password hashes and every uploaded file: the server's user only
    return path


def secret_key(directory: Path) -> str:
    """The session-signing key, generated once into the data dir (mode 0600)."""
    path = directory / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _from_env() -> dict[str, Any]:
    """Integer settings given as `LEC_<KEY>` environment variables (see ENV_PREFIX)."""
    out: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        value = os.environ.get(ENV_PREFIX + key)
        if value and isinstance(default, int):
            out[key] = int(value)
    return out


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The full config: defaults, `LEC_<KEY>` variables, the data dir's paths and secret, then `overrides`."""
    cfg = dict(DEFAULTS)
    cfg.update(_from_env())
    cfg.update(overrides or {})
    directory = data_dir(cfg.get("DATA_DIR"))
    cfg["DATA_DIR"] = directory
    cfg.setdefault("DB_PATH", directory / "lec.db")
    cfg.setdefault("FILES_DIR", directory / "uploads")
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = secret_key(directory)
    return cfg
