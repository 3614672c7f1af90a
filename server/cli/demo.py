"""`lec demo`: build a fresh demo province in a data dir, print the URL and logins, then serve it.

Why a command and not a fixture file: the demo is built through the real services (see server/tools/demo.py),
so it always matches the current code, and its round stands around today with deadlines ahead.
"""

from __future__ import annotations

import time
from pathlib import Path

import click


def _print_logins(info: object, url: str) -> None:
    from server.tools.demo import DemoInfo

    assert isinstance(info, DemoInfo)
    click.echo("")
    click.secho(f"LEC Sheets demo: {url}", bold=True)
    click.echo(f"รอบ {info.round_id} · ข้อมูลอยู่ที่ {info.data_dir}")
    click.echo("ชื่อผู้ใช้ (login) และรหัสผ่านสำหรับทดลองเท่านั้น:")
    width = max(len(x.login) for x in info.logins)
    for x in info.logins:
        click.echo(f"  {x.level:<9} {x.login:<{width}}  {x.password:<15} {x.unit_name} – {x.note}")
    click.echo("")


@click.command("demo")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Wiped and rebuilt (only if it is a demo dir or empty).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only build the data dir and print the logins.")
def demo(data_dir: Path, host: str, port: int, no_serve: bool) -> None:
    """Build a demo province (Phayao, 56) with rosters in every state, then serve it with waitress."""
    from server.tools.demo import build_demo

    started = time.monotonic()
    info = build_demo(data_dir, progress=lambda text: click.echo(f"  … {text}"), previous_year=True)
    click.echo(f"สร้างข้อมูลตัวอย่างเสร็จใน {time.monotonic() - started:.1f} วินาที")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    _print_logins(info, url)
    if no_serve:
        return
    from waitress import serve

    from server.web.app import create_app

    app = create_app({"DATA_DIR": info.data_dir})
    click.echo("กด Ctrl+C เพื่อหยุด")
    serve(app, host=host, port=port, threads=16)
