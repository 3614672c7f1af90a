"""`lec consolidate UNIT --round ROUND --out FILE`: the LAO, province or national book from the data dir.

Why a command as well as the download route: a province officer (or a cron job) can rebuild the books
on the server without a browser, and the benchmark and the tests drive the same code path.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click


@click.command("consolidate")
@click.argument("unit")
@click.option("--round", "round_id", required=True, help="รอบ เช่น 2567-2")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="ไฟล์ .xlsx ที่จะเขียน")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="โฟลเดอร์ข้อมูลของเซิร์ฟเวอร์ (ค่าเริ่มต้น LEC_DATA_DIR หรือ ./var)",
)
def consolidate_command(unit: str, round_id: str, out: Path, data_dir: Path | None) -> None:
    """Write the consolidated workbook of UNIT (an LAO code, a province code, or TH for the nation)."""
    from server.books import write_book
    from server.domain.errors import ServiceError
    from server.storage import config, db

    directory = config.data_dir(data_dir)
    path = directory / "lec.db"
    if not path.exists():
        raise click.ClickException(f"ไม่พบฐานข้อมูล {path} (กำหนด --data-dir หรือ LEC_DATA_DIR)")
    conn = db.open_db(path)
    started = time.perf_counter()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_book(conn, round_id, unit.upper() if unit.lower() == "th" else unit, out)
    except ServiceError as err:
        click.echo(f"{err.message} ({err.code})", err=True)
        sys.exit(1)
    finally:
        conn.close()
    click.echo(f"เขียน {out} แล้ว ({out.stat().st_size / 1024:,.0f} KB, {time.perf_counter() - started:.1f} วินาที)")
