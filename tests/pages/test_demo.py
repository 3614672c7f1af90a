"""`lec demo`'s province: built through the real services, in the states the README tour promises."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from server.domain import accounts, chain, conflicts, rounds
from server.storage import clock
from server.storage.db import connect
from server.tools.demo import ADMIN_LOGIN, DEMO_PASSWORD, FIRST_PASSWORD, MARKER, build_demo, demo_round
from validators.fields import OTHER_COUNT_KEYS

FAST_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo `lec demo` builds: with last year's confirmed round and its correction window."""
    return build_demo(tmp_path_factory.mktemp("demo") / "data", overrides=FAST_HASH, previous_year=True)


def test_demo_states(demo: Any) -> None:
    db = connect(demo.data_dir / "lec.db")
    admin = accounts.actor_for_user(db, db.execute("SELECT id FROM users WHERE login = ?", [ADMIN_LOGIN]).fetchone()[0])
    rnd = rounds.require_round(db, demo.round_id)
    now = clock.now()
    assert rounds.phase(rnd, now) == "open"
    assert all(rounds.deadline_for(rnd, lvl) > now for lvl in ("institution", "lao", "province"))
    kinds = {r[0]: r[1] for r in db.execute("SELECT kind, COUNT(*) FROM units GROUP BY kind")}
    assert {"pao", "town", "subdistrict", "sao", "school", "college", "cdc", "other_school"} <= set(kinds)
    province = chain.status(db, admin, demo.round_id, "56", now=now)
    states = {c["code"]: c["state"] for c in province["children"]}
    assert list(states.values()).count("confirmed") == 1 and states["02560001"] == "confirmed"
    assert len(conflicts.conflicts_for(db, demo.round_id, None)) == 1
    inst_states = {
        r[0]
        for r in db.execute(
            "SELECT CASE WHEN c.unit_code IS NOT NULL THEN 'confirmed' WHEN ro.unit_code IS NOT NULL THEN 'uploaded'"
            " ELSE 'none' END FROM units u LEFT JOIN confirmations c ON c.unit_code = u.code AND c.round_id = ?"
            " LEFT JOIN rosters ro ON ro.unit_code = u.code AND ro.round_id = ? WHERE u.level = 'institution'",
            [demo.round_id, demo.round_id],
        )
    }
    assert inst_states == {"confirmed", "uploaded", "none"}
    assert province["counts"]["pupils_total"] > 1000 and province["counts"]["other_total"] > 0
    db.close()


def test_demo_logins_work(demo: Any) -> None:
    db = connect(demo.data_dir / "lec.db")
    levels = {x.level for x in demo.logins}
    assert {"จังหวัด", "อปท.", "สถานศึกษา"} <= levels
    for x in demo.logins:
        _token, actor = accounts.authenticate(db, x.login, x.password)
        assert actor.must_complete_profile == (x.password == FIRST_PASSWORD), x.login
    assert sum(x.password == FIRST_PASSWORD for x in demo.logins) == 1
    db.close()


def test_demo_round_follows_the_calendar() -> None:
    bkk = clock.BANGKOK
    assert demo_round(datetime(2026, 11, 21, tzinfo=bkk))[0] == "2569-2"
    assert demo_round(datetime(2027, 3, 1, tzinfo=bkk))[0] == "2569-2"
    assert demo_round(datetime(2026, 7, 1, tzinfo=bkk))[0] == "2569-1"


def test_lec_demo_no_serve_prints_logins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import server.tools.demo as demo_module
    from server.cli import main

    small = demo_module.SMALL_SPEC
    monkeypatch.setattr(demo_module, "DEMO_SPEC", small)
    original = demo_module.build_demo
    monkeypatch.setattr(demo_module, "build_demo", lambda d, **kw: original(d, spec=small, overrides=FAST_HASH, **kw))
    target = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(target), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output and DEMO_PASSWORD in result.output
    assert (target / MARKER).exists()
    again = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(target)])
    assert again.exit_code == 0, again.output


def test_lec_demo_refuses_to_wipe_a_foreign_dir(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(SystemExit):
        build_demo(tmp_path, overrides=FAST_HASH)
    assert (tmp_path / "precious.txt").exists()


def test_lec_template_prefills_from_the_server_data_dir(demo: Any, tmp_path: Path) -> None:
    """`lec template --data-dir` takes the registered name and the stored roster, like the download."""
    from server.cli import main
    from workbook_templates import read_workbook

    db = connect(demo.data_dir / "lec.db")
    code, name = db.execute(
        "SELECT u.code, u.name FROM units u JOIN rosters r ON r.unit_code = u.code"
        " WHERE u.kind = 'school' AND r.round_id = ? ORDER BY u.code LIMIT 1",
        [demo.round_id],
    ).fetchone()
    stored = {
        r[0]
        for r in db.execute("SELECT citizen_id FROM pupils WHERE unit_code = ? AND round_id = ?", [code, demo.round_id])
    }
    year, round_no = demo.round_id.split("-")
    out = tmp_path / "prefilled.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "template",
            "school",
            "--unit",
            code,
            "--year",
            year,
            "--round",
            round_no,
            "--data-dir",
            str(demo.data_dir),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    filled = read_workbook(out.read_bytes())
    assert filled.meta.unit_name == name
    assert {values["citizen_id"] for _, values in filled.sheets["roster"].rows} == stored and stored


def test_demo_shows_a_decided_and_an_open_conflict_and_a_spot_check_in_progress(demo: Any) -> None:
    from server.domain import spot_checks

    db = connect(demo.data_dir / "lec.db")
    province = accounts.actor_for_user(db, db.execute("SELECT id FROM users WHERE login = '56'").fetchone()[0])
    listed = conflicts.listing(db, province, demo.round_id)
    assert len(listed["conflicts"]) == 1 and len(listed["decided"]) == 1
    (decided,) = listed["decided"]
    assert decided["keep"] == "3056200301" and decided["decider"] == "56" and decided["done"] is False
    (check,) = spot_checks.list_for(db, province, demo.round_id, "56")
    assert check["state"] == "in_progress" and check["missing"] == 1 and 0 < check["checked"] < check["total"]
    assert len(spot_checks.notices_for(db, demo.round_id, None)) == 1
    # the first LAO attached the pupil list of its other-affiliation school, one pupil per child counted;
    # cross-checked against every roster, it holds nobody counted twice
    listed, counted = db.execute(
        "SELECT (SELECT COUNT(*) FROM other_pupils p WHERE p.round_id = o.round_id AND p.lao_code = o.lao_code"
        " AND p.other_school_code = o.other_school_code), " + " + ".join(OTHER_COUNT_KEYS) + " FROM other_counts o"
        " WHERE o.round_id = ? AND o.lao_code = '02560001'",
        [demo.round_id],
    ).fetchone()
    assert listed == counted > 0
    assert all(c["kind"] == "duplicate" for c in conflicts.conflicts_for(db, demo.round_id, None))
    db.close()


def test_demo_has_last_years_confirmed_round_and_an_open_correction_window(demo: Any) -> None:
    from server.tools.demo import correction_round

    db = connect(demo.data_dir / "lec.db")
    admin = accounts.actor_for_user(db, db.execute("SELECT id FROM users WHERE login = ?", [ADMIN_LOGIN]).fetchone()[0])
    year, _n = demo.round_id.split("-")
    assert demo.previous_round == f"{int(year) - 1}-2"
    now = clock.now()
    last = chain.status(db, admin, demo.previous_round, "56", now=now)
    assert last["state"] == "confirmed" and {c["state"] for c in last["children"]} == {"confirmed"}
    window = rounds.require_round(db, correction_round(demo.previous_round))
    assert window["mode"] == "correction" and window["basis_round"] == demo.previous_round
    assert rounds.phase(window, now) == "open"
    st = chain.status(db, admin, window["id"], "56", now=now)
    assert st["state"] == "unchanged" and st["correction"]["basis"]["total"] == last["counts"]["total"] > 0
    db.close()


def test_demo_templates_of_the_new_year_come_promoted(demo: Any) -> None:
    """A school that has not sent this year downloads last year's pupils one grade up, its leavers in the
    register with their reasons; this year's rosters sent in the demo were promoted the same way."""
    from server.domain import prefill, registry
    from validators.fields import GRADES, SHEETS
    from workbook_templates import read_workbook

    db = connect(demo.data_dir / "lec.db")
    code = "3056200601"  # โรงเรียนเทศบาลแม่ใจ: nothing sent this year
    assert not db.execute(
        "SELECT 1 FROM rosters WHERE round_id = ? AND unit_code = ?", [demo.round_id, code]
    ).fetchone()
    last = {r[0]: r[1] for r in db.execute("SELECT citizen_id, grade FROM pupils WHERE round_id = ? AND unit_code = ?",
                                           [demo.previous_round, code])}  # fmt: skip
    data, _name = prefill.template_bytes(db, rounds.require_round(db, demo.round_id), registry.require_unit(db, code))
    filled = read_workbook(data)
    roster = {v["citizen_id"]: v["grade"] for _r, v in filled.sheets["roster"].rows}
    register = {v["citizen_id"]: v["reason"] for _r, v in filled.sheets["removed"].rows}
    top = max(last.values(), key=GRADES.index)  # the school's highest grade: its pupils leave
    assert set(register) == {cid for cid, g in last.items() if g == top} and register
    assert set(register.values()) == {"ย้ายไปเรียนต่อ" if top in ("ป.6", "ม.3") else "จบการศึกษา"}
    assert roster == {cid: GRADES[GRADES.index(g) + 1] for cid, g in last.items() if g != top}
    assert filled.sheets["roster"].name == SHEETS["school"]["roster"]
    sent = db.execute("SELECT COUNT(*) FROM removals WHERE round_id = ? AND reason IN ('graduated', 'continued')",
                      [demo.round_id]).fetchone()[0]  # fmt: skip
    assert sent > 0  # the schools that did send this year listed their leavers too
    db.close()


def test_demo_registrars_and_graduate_report(demo: Any) -> None:
    """The records school's ปพ.3 is submitted by its registrar, waiting for the LAO's registrar, who can log in."""
    from server.domain import graduate_reports, registrars

    db = connect(demo.data_dir / "lec.db")
    year, _ = rounds.parse_round_id(demo.round_id)
    shown = {x.login: x for x in demo.logins}
    for code in ("3056200103", "04560101"):
        login = registrars.login_for(code)
        appointed = registrars.current(db, code)
        assert appointed is not None and appointed["order_no"].endswith(f"/{year}") and appointed["profile"]
        _token, actor = accounts.authenticate(db, login, shown[login].password)
        assert not actor.must_complete_profile and actor.unit_code == code
    lao = accounts.authenticate(db, "04560101-reg", DEMO_PASSWORD)[1]
    reports = graduate_reports.reports_for(db, lao, year)
    assert [(r["unit_code"], r["level"], r["state"]) for r in reports] == [("3056200103", "p6", "submitted")]
    assert reports[0]["graduates"] > 0 and reports[0]["graduates"] <= reports[0]["candidates"]
    state = graduate_reports.report_state(db, lao, year, "3056200103", "p6")
    assert state is not None and [e["action"] for e in state["events"]] == ["submit"]
    assert state["events"][0]["person"] == "พิมพ์ใจ รักเรียน"
    db.close()
