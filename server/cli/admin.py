"""Admin sub-commands of `lec`: registry, accounts, rounds and serving (the README's "Admin commands").

    lec registry import FILE.csv          (these four take --by NAME for the audit trail; default: OS user@host)
    lec users issue --out FILE.csv        lec users admin LOGIN        lec users reset LOGIN
    lec users issue --role registrar --unit CODE --name NAME --order-no NO --order-date DATE --out FILE.csv
    lec round create ROUND --as-of ... --opens ... --institution-deadline ... --lao-deadline ...
                           --province-deadline ... [--closes ...] [--mode confirm|correction]
    lec round list                        lec round exception ROUND UNIT --until DT --reason TEXT
    lec round current                     the open round's id, for scripts: ROUND=$(lec round current)
    lec serve [--host 127.0.0.1] [--port 8000] [--threads 256] [--connections 1000]
All work on the data dir of `LEC_DATA_DIR` (default ./var).
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import click
import sqlite_utils

from server.domain import audit
from server.domain.errors import ServiceError


def _db() -> sqlite_utils.Database:
    from server.domain import accounts
    from server.storage import config, db

    cfg = config.load()
    accounts.set_hash_params(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    return db.open_db(cfg["DB_PATH"])


def _fail(err: ServiceError) -> None:
    click.echo(f"ผิดพลาด ({err.code}): {err.message}", err=True)
    sys.exit(1)


@click.group()
def registry() -> None:
    """The registry of provinces, LAOs, institutions and other-affiliation schools."""


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    "by",
    default=None,
    metavar="NAME",
    help="Who is running this, for the audit trail (default: the OS user and host).",
)
def registry_import(file: Path, by: str | None) -> None:
    """Import FILE.csv with columns code,name,parent,kind (insert or update; all or nothing)."""
    from server.domain import registry as reg

    try:
        result = reg.import_csv(_db(), file, by=audit.cli_by(by))
    except ServiceError as err:
        _fail(err)
        return
    if result.errors:
        for line in result.errors:
            click.echo(line, err=True)
        click.echo(f"ไม่ได้นำเข้า: พบข้อผิดพลาด {len(result.errors)} รายการ", err=True)
        sys.exit(1)
    click.echo(f"นำเข้าแล้ว: เพิ่ม {result.inserted} แก้ไข {result.updated} หน่วยงาน")


@click.group()
def users() -> None:
    """Accounts: one per unit code, and national admins."""


@users.command("issue")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV to write login,password to (keep it safe: these are first passwords).",
)
@click.option(
    "--by",
    "by",
    default=None,
    metavar="NAME",
    help="Who is running this, for the audit trail (default: the OS user and host).",
)
@click.option(
    "--role",
    type=click.Choice(["unit", "registrar"]),
    default="unit",
    show_default=True,
    help="unit: the census login of every unit without one; registrar: the registrar of --unit, by order.",
)
@click.option("--unit", "unit", default=None, metavar="CODE", help="registrar: the school or LAO appointing.")
@click.option("--name", "person", default=None, help="registrar: the person the order appoints (title, name).")
@click.option("--order-no", default=None, help="registrar: the appointing order's number, e.g. 125/2567.")
@click.option("--order-date", default=None, help="registrar: the order's date, ISO (2024-05-16 or 2567-05-16).")
def users_issue(
    out: Path,
    by: str | None,
    role: str,
    unit: str | None,
    person: str | None,
    order_no: str | None,
    order_date: str | None,
) -> None:
    """Issue an account for every unit without one (or, with --role registrar, a unit's registrar); write
    login,password to --out."""
    from tqdm import tqdm

    from server.domain import accounts

    db = _db()
    if role == "registrar":
        _issue_registrar(db, out, by, unit, person, order_no, order_date)
        return
    todo = db.execute(
        "SELECT COUNT(*) FROM units WHERE level IN ('province','lao','institution')"
        " AND code NOT IN (SELECT unit_code FROM users WHERE unit_code IS NOT NULL AND duty IS NULL)"
    ).fetchone()[0]
    with tqdm(total=todo, unit="บัญชี", disable=todo < 50, file=sys.stderr) as bar:
        issued = accounts.issue_accounts(db, progress=bar.update, by=audit.cli_by(by))
    _write_passwords(out, issued)
    click.echo(f"ออกบัญชีใหม่ {len(issued)} บัญชี → {out}")


def _write_passwords(out: Path, rows: list[tuple[str, str]]) -> None:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["login", "password"])
        writer.writerows(rows)


def _issue_registrar(db: sqlite_utils.Database, out: Path, by: str | None, unit: str | None, person: str | None,
                     order_no: str | None, order_date: str | None) -> None:  # fmt: skip
    """A registrar's login for --unit, appointed by the order (a second run is a change of registrar)."""
    from server.domain import registrars

    missing = [opt for opt, v in (("--unit", unit), ("--name", person), ("--order-no", order_no),
                                  ("--order-date", order_date)) if not v]  # fmt: skip
    if missing:
        raise click.UsageError("--role registrar ต้องระบุ " + " ".join(missing))
    try:
        before = registrars.current(db, str(unit))
        login, password = registrars.appoint(db, str(unit), person=str(person), order_no=str(order_no),
                                             order_date=str(order_date), by=audit.cli_by(by))  # fmt: skip
    except ServiceError as err:
        _fail(err)
        return
    _write_passwords(out, [(login, password)])
    change = f" (แทน {before['person']} ตามคำสั่ง {before['order_no']})" if before else ""
    click.echo(f"แต่งตั้งนายทะเบียน {person} ตามคำสั่ง {order_no} บัญชี {login}{change} → {out}")


@users.command("admin")
@click.argument("login")
def users_admin(login: str) -> None:
    """Make LOGIN a national admin (prints its first password; profile required on first login)."""
    from server.domain import accounts

    try:
        password = accounts.make_admin(_db(), login)
    except ServiceError as err:
        _fail(err)
        return
    click.echo(f"{login},{password}")


@users.command("reset")
@click.argument("login")
@click.option("--reason", default="", help="Why (e.g. the order appointing the new responsible person).")
def users_reset(login: str, reason: str) -> None:
    """Change of responsible person: a new first password; the next login creates a new profile."""
    from server.domain import accounts

    db = _db()
    admin = accounts.Actor(0, "cli", "admin", None, "national", "cli", None, False)
    try:
        password = accounts.reset_account(db, admin, login, reason=reason)
    except ServiceError as err:
        _fail(err)
        return
    click.echo(f"{login},{password}")


@click.group("round")
def round_() -> None:
    """Rounds of data collection and their deadlines."""


@round_.command("create")
@click.argument("round_id", metavar="ROUND")
@click.option("--as-of", required=True, help="Census date, e.g. 2024-11-10 (CE, ISO).")
@click.option("--opens", required=True, help="ISO datetime, Asia/Bangkok.")
@click.option("--institution-deadline", required=True, help="ISO datetime (a bare date means 17:00).")
@click.option("--lao-deadline", required=True)
@click.option("--province-deadline", required=True)
@click.option("--closes", default=None, help="Read-only after this (default: the province deadline).")
@click.option("--mode", type=click.Choice(["confirm", "correction"]), default="confirm", show_default=True)
@click.option(
    "--basis",
    default=None,
    metavar="ROUND",
    help="Correction rounds: the round whose province snapshots are the allocation basis (default: the last"
    " confirmed round).",
)
@click.option(
    "--by",
    "by",
    default=None,
    metavar="NAME",
    help="Who is running this, for the audit trail (default: the OS user and host).",
)
def round_create(
    round_id: str,
    as_of: str,
    opens: str,
    institution_deadline: str,
    lao_deadline: str,
    province_deadline: str,
    closes: str | None,
    mode: str,
    basis: str | None,
    by: str | None,
) -> None:
    """Create ROUND (YEAR-N in Buddhist Era, e.g. 2567-2)."""
    from server.domain import rounds
    from server.storage import clock

    try:
        row = rounds.create_round(
            _db(),
            round_id,
            as_of=as_of,
            opens=opens,
            institution_deadline=institution_deadline,
            lao_deadline=lao_deadline,
            province_deadline=province_deadline,
            closes=closes,
            mode=mode,
            basis=basis,
            by=audit.cli_by(by),
        )
    except ServiceError as err:
        _fail(err)
        return
    click.echo(
        f"สร้างรอบ {row['id']} ({row['mode']}) เปิด {clock.thai_datetime(row['opens'])}"
        f" ปิด {clock.thai_datetime(row['closes'])}"
    )
    if row.get("basis_round"):
        seeded = row["seeded"]
        click.echo(
            f"ฐานการจัดสรร: รอบ {row['basis_round']} · เริ่มจากข้อมูลที่ยืนยันแล้ว นักเรียน {seeded['pupils']:,} คน"
            f" สถานศึกษาสังกัดอื่น {seeded['other_schools']:,} แห่ง"
        )


@round_.command("list")
def round_list() -> None:
    """List rounds with their deadlines."""
    from server.domain import rounds

    for r in rounds.list_rounds(_db()):
        click.echo(
            f"{r['id']}\t{r['mode']}\t{r['phase']}\topens {r['opens']}\tinstitution {r['institution_deadline']}"
            f"\tlao {r['lao_deadline']}\tprovince {r['province_deadline']}\tcloses {r['closes']}"
        )


@round_.command("current")
def round_current() -> None:
    """Print the current round's id (the newest open round, else the newest): ROUND=$(lec round current).

    Exit status 1, with a Thai message on stderr, when the data dir has no round yet."""
    from server.domain import rounds

    row = rounds.current_round(_db())
    if row is None:
        click.echo("ยังไม่มีรอบการเก็บข้อมูลในที่เก็บข้อมูลนี้ (สร้างด้วย lec round create หรือ lec demo)", err=True)
        sys.exit(1)
    click.echo(row["id"])


@round_.command("exception")
@click.argument("round_id", metavar="ROUND")
@click.argument("unit")
@click.option("--until", required=True, help="ISO datetime the exception lasts to.")
@click.option("--reason", required=True)
@click.option(
    "--by",
    "by",
    default=None,
    metavar="NAME",
    help="Who is running this, for the audit trail (default: the OS user and host).",
)
def round_exception(round_id: str, unit: str, until: str, reason: str, by: str | None) -> None:
    """Let UNIT act after its deadline / after closing until --until (recorded in the audit trail)."""
    from server.domain import rounds

    try:
        row = rounds.grant_exception(_db(), None, round_id, unit, until=until, reason=reason, by=audit.cli_by(by))
    except ServiceError as err:
        _fail(err)
        return
    click.echo(f"อนุญาต {row['unit_code']} ในรอบ {row['round_id']} ถึง {row['until']}")


SERVE_THREADS = 256
"""Request threads of `lec serve`. Why so many: an upload holds its thread while it waits for one of the
few reader workers (up to LEC_WORKER_QUEUE_SECONDS), so with 64 threads 200 uploading schools took every
thread and a status or a confirmation waited in waitress's queue behind them (deadline day at full
size: status p95 130 s, confirm p50 69 s). A waiting thread costs memory, not CPU."""


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--threads",
    default=SERVE_THREADS,
    show_default=True,
    type=int,
    help="request threads: an upload waiting for a reader worker holds one, so keep one per client",
)
@click.option(
    "--connections",
    default=1000,
    show_default=True,
    type=int,
    help="open connections to keep (waitress's default, 100, starves the 101st clerk on deadline day)",
)
def serve(host: str, port: int, threads: int, connections: int) -> None:
    """Serve the web pages and the API with waitress (a production WSGI server)."""
    import waitress

    from server.web.app import create_app

    app = create_app()
    thai_waitress_413(app.config["MAX_CONTENT_LENGTH"])
    click.echo(f"LEC Sheets: http://{host}:{port}/  (data: {app.config['DATA_DIR']})")
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=connections,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
    )


def thai_waitress_413(limit: int) -> None:
    """Make waitress's own 413 the API's JSON error with a Thai message.

    Why: waitress refuses a body whose Content-Length passes `max_request_body_size` as soon as the
    headers arrive (so a 200 MB upload is never spooled to disk), but it answers in English plain text
    before Flask sees the request. The add-in and the pages expect `{"error","message","detail"}`.
    """
    import json

    from waitress import utilities

    message = f"ไฟล์มีขนาดใหญ่เกิน {limit // (1024 * 1024)} MB ระบบจึงไม่รับ กรุณาตรวจว่าเลือกไฟล์ถูก"

    def to_response(self: utilities.Error, ident: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        body = json.dumps({"error": "too_large", "message": message, "detail": self.body}, ensure_ascii=False)
        return f"{self.code} {self.reason}", [("Content-Type", "application/json; charset=utf-8")], body.encode()

    utilities.RequestEntityTooLarge.to_response = to_response  # type: ignore[method-assign]
