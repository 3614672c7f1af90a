"""`lec bench --only dashboard`: the province dashboard of the largest province (349 LAOs) on the national data.

Why in-process through Flask's test client: the target is the server's time for the page (routing, session,
queries, Jinja), not the network's. The data is the national-scale database the book benches build
(`book_bench.national_db`, NATIONAL_SHAPE; its largest province has 349 LAOs, as Nakhon Ratchasima does),
with an account and a profile for every unit of that province (the page shows each one's contact).
The baseline, measured in the same run, is what the page did before the dashboard: one `chain.status` per
LAO of the province (the tree of server/web/page_data.py), without rendering.
"""

from __future__ import annotations

import re
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from server.storage import db
from server.tools.book_bench import CPU_NOTE, NOW, ROUND, national_db

FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
PASSWORD = "bench-dashboard-1"
TARGET_S = 0.5


def _largest_province(conn: Any) -> tuple[str, int, int]:
    code, laos = conn.execute(
        "SELECT parent, COUNT(*) n FROM units WHERE level = 'lao' GROUP BY parent ORDER BY n DESC, parent LIMIT 1"
    ).fetchone()
    insts = conn.execute(
        "SELECT COUNT(*) FROM units WHERE level = 'institution' AND parent IN"
        " (SELECT code FROM units WHERE parent = ? AND level = 'lao')",
        [code],
    ).fetchone()[0]
    return code, laos, insts


def ready_accounts(path: Path, province: str) -> None:
    """A ready account with a profile for the province and each of its units; the province and the bench's
    national admin (`bench`) log in with PASSWORD."""
    from server.domain import accounts

    accounts.set_hash_params(1, 8, 1)
    conn = db.open_db(path)
    c = conn.conn
    codes = [province] + [
        r[0]
        for r in c.execute(
            "SELECT code FROM units WHERE parent = ? AND level = 'lao' UNION ALL SELECT code FROM units"
            " WHERE level = 'institution' AND parent IN (SELECT code FROM units WHERE parent = ?)",
            [province, province],
        )
    ]
    c.execute("BEGIN")
    for i, code in enumerate(codes):
        pw = accounts.hash_password(PASSWORD) if i == 0 else "x"
        cur = c.execute(
            "INSERT INTO users (login, role, unit_code, password_hash, must_complete_profile, created_at)"
            " VALUES (?, 'unit', ?, ?, 0, ?)",
            [code, code, pw, NOW],
        )
        c.execute(
            "INSERT INTO profiles (user_id, first_name, last_name, position, phone, started_at)"
            " VALUES (?, 'สมศรี', 'ทดสอบ', 'นักวิชาการศึกษา', '0812345678', ?)",
            [cur.lastrowid, NOW],
        )
    c.execute("UPDATE users SET password_hash = ? WHERE login = 'bench'", [accounts.hash_password(PASSWORD)])
    c.execute("COMMIT")
    conn.close()


def _login(client: Any, login: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    done = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)})
    assert done.status_code == 302, done.status_code


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(median CPU seconds, median wall seconds) of `repeat` calls after one warm-up call."""
    fn()
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def _get(client: Any, url: str, needle: str) -> Callable[[], None]:
    def run() -> None:
        resp = client.get(url)
        assert resp.status_code == 200 and needle.encode() in resp.data, (url, resp.status_code)

    return run


def bench_dashboard(pupils: int, workdir: str | Path, repeat: int = 7) -> dict[str, Any]:
    """The province page (summary, filters, 349 folded LAOs) and its late list; ratio to the former tree."""
    from server.domain import chain
    from server.domain.actor import Actor
    from server.web.app import create_app

    source, shape, _gen = national_db(workdir, pupils)
    data = Path(workdir) / "dashboard"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, data / "lec.db")
    conn = db.open_db(data / "lec.db")
    province, laos, insts = _largest_province(conn.conn)
    conn.close()
    ready_accounts(data / "lec.db", province)
    app = create_app({"DATA_DIR": data, "NOW": NOW, **FAST_HASH})
    client = app.test_client()
    _login(client, province)
    page_cpu, page_wall = _timed(_get(client, f"/rounds/{ROUND}", 'data-test="progress"'), repeat)
    search_cpu, _ = _timed(_get(client, f"/rounds/{ROUND}?state=late&q=0", 'data-test="progress"'), repeat)
    late_cpu, _ = _timed(_get(client, f"/rounds/{ROUND}/progress/{province}/late.xlsx", "PK"), 3)
    admin = app.test_client()
    _login(admin, "bench")
    national_cpu, _ = _timed(_get(admin, f"/rounds/{ROUND}", 'data-test="progress"'), 3)

    conn = db.open_db(data / "lec.db")
    actor = Actor(0, province, "unit", province, "province", None, None, False)
    now = datetime.fromisoformat(NOW)
    lao_codes = [r[0] for r in conn.execute("SELECT code FROM units WHERE parent = ? AND level = 'lao'", [province])]

    def former_tree() -> None:
        chain.status(conn, actor, ROUND, province, now=now)
        for code in lao_codes:
            chain.status(conn, actor, ROUND, code, now=now)

    base_cpu, base_wall = _timed(former_tree, max(1, repeat // 2))
    conn.close()
    return {
        "name": f"province dashboard page ({laos} LAOs, {insts:,} institutions)",
        "rows": insts,
        "baseline": "the page's former tree: chain.status of the province and of each LAO, no rendering",
        "baseline_s": base_cpu,
        "measured_s": page_cpu,
        "ratio": page_cpu / base_cpu if base_cpu else float("inf"),
        "target": f"< {TARGET_S} s server time",
        "ok": page_cpu < TARGET_S,
        "notes": f"GET /rounds/{ROUND} as province {province} through Flask's test client (login, session,"
        f" queries, Jinja), median of {repeat}: CPU {page_cpu:.3f} s, wall {page_wall:.3f} s (baseline wall"
        f" {base_wall:.2f} s); filtered (late, search '0') {search_cpu:.3f} s; the late list workbook"
        f" {late_cpu:.3f} s; the national admin's page (76 provinces over every unit) {national_cpu:.3f} s;"
        f" on the national data ({shape['pupils']:,} pupils, {shape['laos']:,} LAOs,"
        f" {shape['institutions']:,} institutions); {CPU_NOTE}",
    }
