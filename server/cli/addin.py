"""`lec addin ...`: the add-in's command-line side (set-up on a school PC, the LAO merge, the .xlsm).

lec addin login --server URL --login CODE      log in once; the token is cached, never the password
lec addin merge FOLDER --server URL --login LAO validate a folder of returned workbooks, upload the good
lec addin xlsm FORM --unit CODE --year Y --round N --out FILE.xlsm   the macro-enabled template
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click


@click.group("addin")
def addin_group() -> None:
    """The xlwings add-in: log in, merge returned workbooks (LAO), build the macro-enabled template."""


def _server_options(fn):  # type: ignore[no-untyped-def]
    fn = click.option("--login", "login", default=None, help="login (unit code); default: saved settings")(fn)
    return click.option("--server", "server", default=None, help="server address; default: saved settings")(fn)


def _resolve(server: str | None, login: str | None) -> tuple[str, str]:
    from addin.client import user_settings

    saved = user_settings()
    return server or saved.get("server_url", ""), login or saved.get("login", "")


@addin_group.command("login")
@_server_options
def login_command(server: str | None, login: str | None) -> None:
    """Log in once on this PC (first login: profile and new password); caches the token."""
    from addin.client import ApiError, login_and_cache, save_user_settings

    server, login = _resolve(server, login)
    server = server or click.prompt("ที่อยู่เซิร์ฟเวอร์")
    login = login or click.prompt("รหัสผู้ใช้")
    password = click.prompt("รหัสผ่าน", hide_input=True)
    try:
        client = login_and_cache(server, login, password)
        if client.me().get("must_complete_profile"):
            click.echo("เข้าสู่ระบบครั้งแรก: กรุณากรอกประวัติและตั้งรหัสผ่านใหม่")
            new = click.prompt("รหัสผ่านใหม่", hide_input=True, confirmation_prompt=True)
            client.complete_profile(first_name=click.prompt("ชื่อ"), last_name=click.prompt("นามสกุล"),
                                    position=click.prompt("ตำแหน่ง"), phone=click.prompt("โทรศัพท์"),
                                    new_password=new)  # fmt: skip
    except ApiError as err:
        raise click.ClickException(err.message) from err
    save_user_settings({"server_url": server, "login": login})
    click.echo(f"เข้าสู่ระบบแล้ว: {login} ที่ {server}")


@addin_group.command("merge")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_server_options
@click.option("--check-only", is_flag=True, help="validate and report only; upload nothing")
@click.option("--json", "as_json", is_flag=True, help="print the per-file report as JSON")
def merge_command(folder: Path, server: str | None, login: str | None, check_only: bool, as_json: bool) -> None:
    """LAO: validate every workbook in FOLDER and upload the good ones on the institutions' behalf.

    Exit 0 when every file was good (and sent), 1 otherwise.
    """
    from addin import merge
    from addin.client import ApiError, cached_client

    backend = None
    if not check_only:
        try:
            backend = cached_client(*_resolve(server, login))
        except ApiError as err:
            raise click.ClickException(f"{err.message} (lec addin login --server URL --login CODE)") from err
    results = merge.merge_folder(folder, backend)
    if as_json:
        click.echo(json.dumps({"files": [asdict(r) for r in results]}, ensure_ascii=False, indent=1))
    else:
        for r in results:
            click.echo(f"{r.file}\t{r.unit or '-'}\t{r.rows} แถว\tผิด {r.errors}\tเตือน {r.warnings}\t{r.verdict}"
                       + (f"\t{r.detail}" if r.detail else ""))  # fmt: skip
        click.echo(merge.summary(results))
    good = all(not r.errors and (r.uploaded or check_only) for r in results)
    sys.exit(0 if good else 1)


@addin_group.command("xlsm")
@click.argument("form", type=click.Choice(["school", "cdc", "other"]))
@click.option("--unit", "unit_code", required=True)
@click.option("--year", type=click.IntRange(2500, 2700), required=True)
@click.option("--round", "round_no", type=click.IntRange(1, 9), required=True)
@click.option("--name", "unit_name", default="")
@click.option("--server", "server", default="", help="server address written on the settings sheet")
@click.option(
    "--vba-project",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="a vbaProject.bin to use instead of the one generated from addin/vba/*.bas",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def xlsm_command(form: str, unit_code: str, year: int, round_no: int, unit_name: str, server: str,
                 vba_project: Path | None, out: Path) -> None:  # fmt: skip
    """The macro-enabled template: the normal template plus a settings sheet with the add-in's buttons."""
    from addin import xlsm

    try:
        xlsm.build_xlsm(form, unit_code=unit_code, unit_name=unit_name, year=year, round_no=round_no,
                        server_url=server, login=unit_code, out=out, vba_project=vba_project)  # fmt: skip
    except xlsm.NoVbaProject as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"เขียน {out} แล้ว")
