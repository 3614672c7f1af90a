"""Registrars beside the census login: appointed by order through `lec users issue --role registrar`,
audited with the person and the order, the same first-login profile, a change of registrar kept in the
history, and the census chain left to the census login."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from serverkit import FAST_HASH, World

from server.cli import main
from server.domain import accounts, registrars
from server.domain.errors import ServiceError

SCHOOL, LAO = "3056200001", "05560101"


def cli_appoint(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str, person: str,
                order_no: str, order_date: str) -> tuple[str, str, str]:  # fmt: skip
    monkeypatch.setenv("LEC_DATA_DIR", str(world.app.config["DATA_DIR"]))
    for key, value in FAST_HASH.items():
        monkeypatch.setenv(f"LEC_{key}", str(value))
    out = tmp_path / f"{code}-{order_no.replace('/', '-')}.csv"
    args = ["users", "issue", "--role", "registrar", "--unit", code, "--name", person, "--order-no", order_no,
            "--order-date", order_date, "--out", str(out), "--by", "นายทะเบียนจังหวัด"]  # fmt: skip
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as fh:
        (login, password), *_ = list(csv.reader(fh))[1:]
    return login, password, res.output


def test_appointed_by_order_and_audited_with_the_person(world: World, monkeypatch, tmp_path) -> None:
    login, password, output = cli_appoint(world, monkeypatch, tmp_path, SCHOOL, "นางสาวพิมพ์ใจ รักเรียน", "125/2567",
                                          "2567-05-16")  # fmt: skip
    assert login == f"{SCHOOL}-reg" and "แต่งตั้งนายทะเบียน นางสาวพิมพ์ใจ รักเรียน" in output
    (entry,) = world.audit(action="registrar_appoint")
    assert entry["unit_code"] == SCHOOL and entry["login"] == "cli"
    assert '"person": "นางสาวพิมพ์ใจ รักเรียน"' in entry["detail"] and '"order_date": "2024-05-16"' in entry["detail"]
    assert "นายทะเบียนจังหวัด" in entry["detail"] and '"title": "นายทะเบียน"' in entry["detail"]
    world.passwords[login] = password
    token = world.login(login, password)
    # the same first-login profile as a census login: nothing else until it is done
    resp = world.client.get(
        f"/api/v1/rounds/2567-2/units/{SCHOOL}/status", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 403 and resp.get_json()["error"] == "profile_required"
    me = world.get(login, "/me").get_json()
    assert me["role"] == "registrar" and me["unit"] == SCHOOL and me["profile"]["first_name"] == f"ชื่อ{login}"
    # a registrar sees its school, but the census chain is the census login's
    assert world.status(login, SCHOOL).status_code == 200
    refused = world.confirm(login, SCHOOL)
    assert refused.status_code == 403 and "บัญชีนายทะเบียน" in refused.get_json()["message"]
    assert world.send(login, SCHOOL, world.workbook(SCHOOL)).status_code == 403
    assert world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL)).status_code == 200  # the census login as today


def test_change_of_registrar_keeps_the_old_one(world: World, monkeypatch, tmp_path) -> None:
    login, first, _ = cli_appoint(world, monkeypatch, tmp_path, LAO, "นายสมชาย ทะเบียนดี", "10/2566", "2023-06-01")
    world.passwords[login] = first
    old_headers = world.headers(login)
    login2, second, output = cli_appoint(world, monkeypatch, tmp_path, LAO, "นางวิไล ใจงาม", "33/2567", "2024-07-01")
    assert login2 == login and "แทน นายสมชาย ทะเบียนดี ตามคำสั่ง 10/2566" in output
    assert world.client.get("/api/v1/me", headers=old_headers).status_code == 401  # the old person's token ended
    world.passwords[login] = second
    world.tokens.pop(login)
    world.profiled.discard(login)
    assert world.get(login, "/me").get_json()["role"] == "registrar"
    history = registrars.history(world.db, LAO)
    assert [(h["person"], h["order_no"], h["ended_at"] is None) for h in history] == [
        ("นายสมชาย ทะเบียนดี", "10/2566", False), ("นางวิไล ใจงาม", "33/2567", True)]  # fmt: skip
    assert all(h["profile"] for h in history)
    assert registrars.current(world.db, LAO)["person"] == "นางวิไล ใจงาม"
    profiles = accounts.profile_history(world.db, login)
    assert len(profiles) == 2 and profiles[0]["ended_at"] and profiles[1]["ended_at"] is None
    (_, change) = world.audit(action="registrar_appoint")
    assert '"replaces": {"person": "นายสมชาย ทะเบียนดี"' in change["detail"]


def test_census_logins_still_issued_and_child_centres_have_no_registrar(world: World) -> None:
    world.db.execute("DELETE FROM users WHERE login = ?", ["3056100001"])
    registrars.appoint(world.db, "3056100001", person="ครูหนึ่ง", order_no="1/2567", order_date="2024-05-01", by="t")
    issued = dict(accounts.issue_accounts(world.db))
    assert list(issued) == ["3056100001"]  # the school's registrar login does not stand for its census login
    with pytest.raises(ServiceError) as err:
        registrars.appoint(world.db, "3056500001", person="ครู", order_no="1", order_date="2024-05-01", by="t")
    assert err.value.code == "no_registrar"
    with pytest.raises(ServiceError) as err:
        registrars.appoint(world.db, SCHOOL, person="ครู", order_no="1", order_date="16/05/2567", by="t")
    assert err.value.code == "bad_order_date"
