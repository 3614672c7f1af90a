"""`lec localschool import FILE --unit CODE --year YYYY [--failed-out FILE]`: the LocalSchool migration
at the server's console (the same service as `POST /years/{year}/units/{code}/localschool`).

Good rows are stored, the failed ones written to `--failed-out` (default: beside FILE, `-failed.xlsx`)
with the Thai reason beside each; fix them and import that file. Works on `LEC_DATA_DIR` (default ./var);
audited as the console (login `cli`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group("localschool")
def localschool_group() -> None:
    """The LocalSchool migration: a school's past results, imported row by row."""


@localschool_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="the school's 10-digit code")
@click.option("--year", type=click.IntRange(2500, 2700), required=True, help="the import's academic year (BE)")
@click.option("--failed-out", type=click.Path(dir_okay=False, path_type=Path), help="where the failed rows go")
@click.option("--json", "as_json", is_flag=True, help="print the service's JSON answer")
def import_command(file: Path, unit_code: str, year: int, failed_out: Path | None, as_json: bool) -> None:
    """Import FILE (a filled `lec template localschool` workbook); exit 1 when rows failed or the file did."""
    import json

    from server.domain import accounts, localschool
    from server.domain.errors import ServiceError
    from server.domain.uploads import UploadRejected
    from server.storage import config, db

    cfg = config.load()
    accounts.set_hash_params(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    database = db.open_db(cfg["DB_PATH"])
    cfg["FILES_DIR"].mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        result = localschool.import_workbook(database, None, year, unit_code, file.read_bytes(), filename=file.name,
                                             files_dir=cfg["FILES_DIR"])  # fmt: skip
        if result["failed"]:
            data, _ = localschool.failed_workbook(database, None, year, unit_code, result["import_id"])
            target = failed_out or file.with_name(f"{file.stem}-failed.xlsx")
            target.write_bytes(data)
            result["failed_file"] = str(target)
    except UploadRejected as err:
        for e in err.detail["errors"][:50]:
            where = f"{e['cell']}: " if e.get("cell") else ""
            click.echo(f"ผิดพลาด {where}{e['message']}", err=True)
        sys.exit(1)
    except ServiceError as err:
        click.echo(f"ผิดพลาด ({err.code}): {err.message}", err=True)
        sys.exit(1)
    finally:
        database.close()
    if as_json:
        click.echo(json.dumps({k: v for k, v in result.items() if k != "errors"}, ensure_ascii=False))
    else:
        click.echo(f"นำเข้า {result['rows']:,} แถว: บันทึกใหม่ {result['stored']:,} ไม่เปลี่ยนแปลง {result['unchanged']:,}"
                   f" ไม่ผ่าน {result['failed']:,}")  # fmt: skip
        if result["failed"]:
            click.echo(f"แถวที่ไม่ผ่านพร้อมเหตุผลอยู่ใน {result['failed_file']} แก้แล้วนำเข้าไฟล์นั้นอีกครั้ง")
    sys.exit(1 if result["failed"] else 0)
