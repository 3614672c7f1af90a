"""Test kit for the server: a small registry, one round, and `World` to act as any account.

The registry (province 56 Phayao and, for out-of-scope checks, province 57):
    56 จังหวัดพะเยา
      02560001 อบจ.พะเยา (pao)            3056100001 school (PAO school)
      05560101 ทต.บ้านต๋อม (subdistrict)  3056200001 school, 3056500001 cdc; other school 1056000002 (ป.1–ม.3)
      06560201 อบต.แม่ใส (sao)            no institutions; other-affiliation school 1056000001 (อ.1–ป.6)
    (the PAO pays for no other-affiliation school: it is not asked for the sheet)
    57 จังหวัดเชียงราย
      06570101 อบต.ริมกก (sao)            3057300001 school
Round 2567-2 follows letters 000/001: opens 1 Oct 2567 (2024), institutions and LAOs by 11 Nov 17:00,
the province by 12 Nov 17:00, when it closes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from flask import Flask
from flask.testing import FlaskClient

from server.domain import accounts, registry, rounds, uploads
from server.storage import clock
from validators.synthetic import make_other_counts, make_roster
from workbook_templates import build_template

REGISTRY = [
    ("56", "จังหวัดพะเยา", "", "province"),
    ("02560001", "องค์การบริหารส่วนจังหวัดพะเยา", "56", "pao"),
    ("05560101", "เทศบาลตำบลบ้านต๋อม", "56", "subdistrict"),
    ("06560201", "องค์การบริหารส่วนตำบลแม่ใส", "56", "sao"),
    ("3056100001", "โรงเรียนพะเยาพิทยาคม อบจ.", "02560001", "school"),
    ("3056200001", "โรงเรียนเทศบาลบ้านต๋อม", "05560101", "school"),
    ("3056500001", "ศูนย์พัฒนาเด็กเล็กเทศบาลตำบลบ้านต๋อม", "05560101", "cdc"),
    ("1056000001", "โรงเรียนบ้านแม่ใส (สพฐ.)", "06560201", "other_school"),
    ("1056000002", "โรงเรียนบ้านต๋อมขยายโอกาส", "05560101", "other_school"),
    ("57", "จังหวัดเชียงราย", "", "province"),
    ("06570101", "องค์การบริหารส่วนตำบลริมกก", "57", "sao"),
    ("3057300001", "โรงเรียน อบต.ริมกก", "06570101", "school"),
]
ROUND = "2567-2"
ROUND_TIMES = {
    "as_of": "2024-11-10",
    "opens": "2024-10-01T00:00",
    "institution_deadline": "2024-11-11T17:00",
    "lao_deadline": "2024-11-11T17:00",
    "province_deadline": "2024-11-12T17:00",
}
OPEN_TIME = "2024-11-01T10:00:00+07:00"
PASSWORD = "ใหม่-Secret-2567"
INSTITUTIONS = ("3056100001", "3056200001", "3056500001", "3057300001")
LAOS = ("02560001", "05560101", "06560201", "06570101")
FORMS = {
    "3056100001": "school",
    "3056200001": "school",
    "3056500001": "cdc",
    "3057300001": "school",
    **{lao: "other" for lao in LAOS},
}
BASIC = {"caregivers": 2, "assistants": 1, "classrooms": 2, "capacity": 60,
         "head_name": "นางสมศรี ใจดี", "head_phone": "054-123456"}  # fmt: skip
"""A child centre's basic data, as its clerk types it on the basic-data sheet."""
FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


OTHER_SCHOOLS = {"1056000001": ("k1-p6", "สพฐ."), "1056000002": ("p1-m3", "สพฐ.")}
"""The registry's grade span and affiliation of each other-affiliation school."""


def registry_rows() -> list[dict[str, str]]:
    rows = [dict(zip(("code", "name", "parent", "kind"), r, strict=True)) for r in REGISTRY]
    for row in rows:
        row["grades"], row["affiliation"] = OTHER_SCHOOLS.get(row["code"], ("", ""))
    return rows


@dataclass
class World:
    """The test registry with every account's first password, plus helpers to act as any login."""

    app: Flask
    client: FlaskClient
    db: sqlite_utils.Database
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    profiled: set[str] = field(default_factory=set)

    def set_now(self, when: str) -> None:
        """Move the server's clock; tokens issued at another time may have expired, so log in again."""
        self.app.config["NOW"] = when
        self.tokens.clear()

    def login(self, login: str, password: str | None = None) -> str:
        resp = self.client.post("/api/v1/token", json={"login": login, "password": password or PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()["token"]

    def headers(self, login: str) -> dict[str, str]:
        """A ready account: first login, profile and new password done once, token cached."""
        if login not in self.tokens and login in self.profiled:
            self.tokens[login] = self.login(login)
        if login not in self.tokens:
            token = self.login(login, self.passwords[login])
            resp = self.client.post(
                "/api/v1/me/profile",
                json={
                    "first_name": f"ชื่อ{login}",
                    "last_name": "ทดสอบ",
                    "position": "นักวิชาการศึกษา",
                    "phone": "0812345678",
                    "new_password": PASSWORD,
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            assert resp.status_code == 200, resp.get_json()
            self.tokens[login] = token
            self.profiled.add(login)
        return {"Authorization": f"Bearer {self.tokens[login]}"}

    def actor(self, login: str) -> accounts.Actor:
        self.headers(login)
        user_id = self.db.execute("SELECT id FROM users WHERE login = ?", [login]).fetchone()[0]
        return accounts.actor_for_user(self.db, user_id)

    def get(self, login: str, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers(login))

    def post(self, login: str, path: str, json: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=json, headers=self.headers(login), **kw)

    def confirm(self, login: str, code: str | None = None, round_id: str = ROUND) -> Any:
        return self.post(login, f"/rounds/{round_id}/units/{code or login}/confirm")

    def revoke(self, login: str, code: str, reason: str = "แก้ไขข้อมูล", round_id: str = ROUND) -> Any:
        return self.post(login, f"/rounds/{round_id}/units/{code}/revoke", json={"reason": reason})

    def status(self, login: str, code: str | None = None, round_id: str = ROUND) -> Any:
        return self.get(login, f"/rounds/{round_id}/units/{code or login}/status")

    def upload_rows(
        self,
        login: str,
        code: str,
        rows: list[dict[str, Any]],
        removals: Any = (),
        form: str | None = None,
        round_id: str = ROUND,
    ) -> dict[str, Any]:
        """Fill a template with `rows` and upload it through the real path (`uploads.upload_workbook`)."""
        year, round_no = rounds.parse_round_id(round_id)
        data = self.workbook(code, rows, list(removals) or None, form=form, year=year, round_no=round_no)
        return uploads.upload_workbook(
            self.db,
            self.actor(login),
            round_id,
            code,
            data,
            filename="rows.xlsx",
            files_dir=self.app.config["FILES_DIR"],
            now=clock.now(self.app.config["NOW"]),
        )

    def roster(self, code: str, n: int = 20, seed: int = 0, year: int = 2567) -> list[dict[str, Any]]:
        return make_roster(FORMS[code], n, year=year, unit_code=code, seed=seed)

    def registered_other(self, lao: str, per_grade: int = 5) -> list[dict[str, Any]]:
        """Counts rows for the other-affiliation schools the registry lists under `lao` (each must be sent)."""
        from validators.fields import span_count_keys

        return [
            {"other_school_code": s["code"], "other_school_name": s["name"], "affiliation": s["affiliation"],
             "grades": s["grades"], "closed": "ไม่ใช่", **{k: per_grade for k in span_count_keys(s["grades"])}}
            for s in registry.other_schools(self.db, lao)
        ]  # fmt: skip

    def fill(self, code: str, n: int = 20, seed: int = 0) -> dict[str, Any]:
        """Upload a valid roster (institution) or other-affiliation counts (LAO) as the unit itself."""
        if code in LAOS:
            rows = [*self.registered_other(code), *make_other_counts(2, seed=seed)]
        else:
            rows = self.roster(code, n, seed)
        return self.upload_rows(code, code, rows)

    def workbook(
        self,
        code: str,
        rows: list[dict[str, Any]] | None = None,
        removals: Any = None,
        *,
        form: str | None = None,
        unit_code: str | None = None,
        year: int = 2567,
        round_no: int = 2,
        n: int = 20,
        seed: int = 0,
        basic: dict[str, Any] | None = BASIC,
    ) -> bytes:
        """A filled template made by workbook_templates.build_template(rows=...); a child centre's carries
        `basic` on its basic-data sheet (None: the sheet left empty)."""
        form = form or FORMS[code]
        if rows is None:
            if form == "other":
                rows = [*self.registered_other(code), *make_other_counts(2, seed=seed)]
            else:
                rows = self.roster(code, n, seed)
        buf = io.BytesIO()
        build_template(
            form,
            unit_code=unit_code or code,
            unit_name="ทดสอบ",
            year=year,
            round_no=round_no,
            rows=rows,
            removals=removals,
            out=buf,
            capacity=len(rows) + 10,
            basic=basic if form == "cdc" else None,
        )
        return buf.getvalue()

    def send(self, login: str, code: str, data: bytes, filename: str = "roster.xlsx", round_id: str = ROUND) -> Any:
        """POST the workbook as multipart field `file`, as design.md says."""
        return self.client.post(
            f"/api/v1/rounds/{round_id}/units/{code}/workbook",
            headers=self.headers(login),
            data={"file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )

    def audit(self, **where: str) -> list[dict[str, Any]]:
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(f"{k} = ?" for k in where) if where else "")
        return list(self.db.query(sql + " ORDER BY id", list(where.values())))


def make_world(app: Flask, client: FlaskClient, database: sqlite_utils.Database) -> World:
    result = registry.import_rows(database, registry_rows())
    assert not result.errors, result.errors
    rounds.create_round(database, ROUND, **ROUND_TIMES)
    world = World(app, client, database)
    world.passwords = dict(accounts.issue_accounts(database))
    world.passwords["dla"] = accounts.make_admin(database, "dla")
    return world
