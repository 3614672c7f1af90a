"""The demo's registrars and its graduate report ปพ.3, through the real services.

Why appointed with `registrars.appoint` (an order's number and date) and the report submitted with
`graduate_reports.submit`: the demo's ปพ.3 pages, the LAO's list of reports and the audit trail must
show what a school whose registrar sent its report would see, so the registrars sign in, create their
profile like any first login, and the school's registrar submits the report built from the year of
results `demo_records` uploaded. The LAO's registrar is left to approve or return it (the tour's step).

    add_registrars(db, school, lao, year, files_dir=..., at=..., level="p6") -> dict
        appoints both registrars, completes their profiles (password DEMO_PASSWORD), submits the report
    REGISTRAR_PEOPLE                     who is appointed at each level, by which order
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from server.books.graduates import report_bytes
from server.domain import accounts, graduate_reports, registrars

REGISTRAR_PEOPLE = {
    "institution": ("พิมพ์ใจ", "รักเรียน", "ครู (นายทะเบียน)", "125"),
    "lao": ("สมศักดิ์", "ทะเบียนดี", "นักวิชาการศึกษา (เจ้าพนักงานทะเบียน)", "87"),
}
"""(first name, last name, position, order number) of the demo's school and LAO registrars."""


def _appoint(db: sqlite_utils.Database, code: str, level: str, year: int, password: str, at: datetime,
             n: int) -> str:  # fmt: skip
    """Appoint the level's registrar of `code` by an order of May of `year` (B.E.), then its first login."""
    first, last, position, number = REGISTRAR_PEOPLE[level]
    login, first_password = registrars.appoint(
        db,
        code,
        person=f"{first} {last}",
        order_no=f"{number}/{year}",
        order_date=date(year - 543, 5, 16 + n),
        by="ผู้ดูแลระบบจังหวัด (demo)",
        now=at,
    )
    _token, actor = accounts.authenticate(db, login, first_password, now=at + timedelta(minutes=5))
    accounts.complete_profile(db, actor, first_name=first, last_name=last, position=position,
                              phone=f"0815600{n:03d}", new_password=password,
                              now=at + timedelta(minutes=6))  # fmt: skip
    return login


def add_registrars(
    db: sqlite_utils.Database,
    school: str,
    lao: str,
    year: int,
    *,
    files_dir: str | Path,
    at: datetime,
    password: str,
    level: str = "p6",
) -> dict[str, Any]:
    """Both registrars of `school` and its `lao`, and the school's report of `level` submitted for `year`."""
    school_login = _appoint(db, school, "institution", year, password, at, 0)
    lao_login = _appoint(db, lao, "lao", year, password, at + timedelta(minutes=20), 1)
    actor = accounts.authenticate(db, school_login, password, now=at + timedelta(hours=1))[1]
    report = graduate_reports.submit(db, actor, year, school, level, render=report_bytes, files_dir=files_dir,
                                     now=at + timedelta(hours=2))  # fmt: skip
    return {"school_login": school_login, "lao_login": lao_login, "report": report}
