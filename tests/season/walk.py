"""A province's whole season, walked through one of two doors: the API in-process, or a live server and the CLI.

    round 1 (2567-1)  every unit uploads and confirms
    round 2 (2567-2)  from the pre-filled templates: one school takes a pupil off and admits two, all confirm
    correction (2567-3, basis 2567-2)  one school adds three late pupils, takes one off; nobody confirms
    next year (2568-1)  the promoted templates: sent back as they come, one school keeping a repeater back

After each step the figures the server gives (status JSON, consolidated books) are checked against
figures computed here by hand from the rows sent; grades and reasons of the new year are spelled out in
`HAND_NEXT`, never taken from validators.promotion. Every file sent is also checked with `lec validate`
(a `Door` says how), and the verdicts must agree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Protocol

import openpyxl
from seasonkit import (
    CORRECTION,
    CORRECTION_TIMES,
    IN_NEXT_YEAR,
    IN_WINDOW,
    LUNCH_GRADES,
    NEXT_YEAR,
    NEXT_YEAR_TIMES,
    PROVINCE,
    PROVINCE_LAOS,
    institution_lunch,
    other_lunch,
    other_total,
)
from serverkit import OPEN_TIME, ROUND, World

from validators.fields import GRADE_KEYS, SHEETS
from validators.synthetic import EXTENDED_SCHOOL_GRADES, SECONDARY_SCHOOL_GRADES, make_roster

ROUND_1 = "2567-1"
ROUND_1_TIMES = {
    "as_of": "2024-06-10",
    "opens": "2024-06-01T00:00",
    "institution_deadline": "2024-06-20T17:00",
    "lao_deadline": "2024-06-20T17:00",
    "province_deadline": "2024-06-21T17:00",
}
IN_ROUND_1 = "2024-06-05T10:00:00+07:00"

SECONDARY = "3056100001"  # the PAO's school: ม.1–ม.6 (ม.6 graduates, ม.3 goes on to ม.4)
EXTENDED = "3056200001"  # a municipal school: อ.1–ม.3 (ม.3 leaves to study on)
CENTRE = "3056500001"
INSTITUTIONS = (SECONDARY, EXTENDED, CENTRE)

LUNCH_KEYS = ("k1", "k2", "k3", "p1", "p2", "p3", "p4", "p5", "p6")
"""Count keys of the other-affiliation grades that eat lunch (อ.1–ป.6)."""
HAND_NEXT = {
    "อ.1": "อ.2", "อ.2": "อ.3", "อ.3": "ป.1", "ป.1": "ป.2", "ป.2": "ป.3", "ป.3": "ป.4", "ป.4": "ป.5",
    "ป.5": "ป.6", "ป.6": "ม.1", "ม.1": "ม.2", "ม.2": "ม.3", "ม.4": "ม.5", "ม.5": "ม.6",
}  # fmt: skip
HAND_LEAVES = {
    SECONDARY: {"ม.6": "จบการศึกษา"},
    EXTENDED: {"ม.3": "ย้ายไปเรียนต่อ"},
    CENTRE: {},
}
"""Who leaves each institution at the new year, and why: ม.3 goes on to ม.4 at the PAO's school only."""


class Door(Protocol):
    """How the walk reaches the server: every call returns what a clerk or an officer would get back."""

    world: World

    def create_round(self, round_id: str, times: dict[str, str], *, correction: bool = False) -> None: ...
    def template(self, code: str, round_id: str) -> bytes: ...
    def send(self, code: str, round_id: str, data: bytes) -> tuple[int, dict[str, Any]]: ...
    def confirm(self, code: str, round_id: str) -> int: ...
    def status(self, code: str, round_id: str) -> dict[str, Any]: ...
    def roster(self, code: str, round_id: str) -> dict[str, Any]: ...
    def book(self, unit: str, round_id: str) -> bytes: ...
    def validate(self, files: list[bytes]) -> list[dict[str, Any]]: ...


# --- reading and filling workbooks with openpyxl, as a clerk's Excel would ---------------------------------


def sheet_rows(data: bytes, name: str) -> list[dict[str, Any]]:
    """The input rows of a template sheet by its hidden key row (row 3)."""
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)[name]
    rows = ws.iter_rows(min_row=3, values_only=True)
    keys = next(rows)
    next(rows)  # the Thai header
    out = []
    for row in rows:
        rec = {k: v for k, v in zip(keys, row, strict=False) if k and not str(k).startswith("_")}
        if rec.get("citizen_id") or rec.get("other_school_code"):
            out.append(rec)
        elif out and not any(rec.values()):
            break  # past the filled rows: the template's thousands of empty input rows follow
    return out


def set_grade(data: bytes, citizen_id: str, grade: str) -> bytes:
    """Change one pupil's grade in a downloaded template (a repeater kept back), as typed in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SHEETS["school"]["roster"]]
    keys = {c.value: c.column for c in ws[3] if c.value}
    for r in range(5, ws.max_row + 1):
        if ws.cell(r, keys["citizen_id"]).value == citizen_id:
            ws.cell(r, keys["grade"]).value = grade
            break
    else:
        raise AssertionError(f"{citizen_id} not in the template")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill(data: bytes, rows: list[dict[str, Any]], removals: list[dict[str, Any]] | None = None) -> bytes:
    """Type `rows` (and the register's `removals`) into a downloaded template over what it carried, cell by
    cell as a clerk would in Excel (dates as BE text); the metadata and the hidden copy stay as they came."""
    from datetime import date

    from workbook_templates.build import be_text

    wb = openpyxl.load_workbook(io.BytesIO(data))
    form = wb["lec_meta"]
    meta = {r[0].value: r[1].value for r in form.iter_rows() if r[0].value}
    for role, items in (("counts" if meta["form"] == "other" else "roster", rows), ("removed", removals)):
        if items is None or role not in SHEETS[meta["form"]]:
            continue
        ws = wb[SHEETS[meta["form"]][role]]
        keys = {c.value: c.column for c in ws[3] if c.value and not str(c.value).startswith("_")}
        used = sum(1 for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value not in (None, ""))
        for r in range(5, 5 + max(used, len(items)) + 1):
            for col in keys.values():
                ws.cell(r, col).value = None
        for i, item in enumerate(items):
            for key, value in item.items():
                if key in keys and value is not None:
                    ws.cell(5 + i, keys[key]).value = be_text(value) if isinstance(value, date) else value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill_basic(data: bytes) -> bytes:
    """A centre's basic-data sheet typed in (its confirmation needs it)."""
    from serverkit import BASIC

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SHEETS["cdc"]["basic"]]
    keys = {c.value: c.column for c in ws[3] if c.value}
    for key, value in BASIC.items():
        ws.cell(5, keys[key]).value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def book_rows(data: bytes, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


# --- the walk ------------------------------------------------------------------------------------------------


@dataclass
class Season:
    """What the province sent, round by round: the rows the hand figures are computed from."""

    rosters: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    others: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    sent: list[tuple[str, str, set[str], bytes]] = field(default_factory=list)
    """(round, unit, server's codes, the file) of every file sent, for `lec validate` to judge too."""


def _codes(body: dict[str, Any]) -> set[str]:
    """The codes of a verdict that both checkers can give (the server's own rules are SERVER_*)."""
    return {f["code"] for k in ("errors", "warnings") for f in body.get(k, []) if not f["code"].startswith("SERVER_")}


def send(door: Door, season: Season, code: str, round_id: str, data: bytes) -> dict[str, Any]:
    """Upload `data`; the file and the server's verdict are kept for `lec validate` to judge (`same_verdicts`)."""
    status, body = door.send(code, round_id, data)
    assert status == 200, body
    season.sent.append((round_id, code, _codes(body), data))
    return body


def _round_1_rows(world: World) -> dict[str, list[dict[str, Any]]]:
    def roster(code: str, n: int, grades: tuple[str, ...] | None, form: str = "school") -> list[dict[str, Any]]:
        return make_roster(form, n, year=2567, unit_code=code, seed=1, grades=grades, round_no=1)

    return {
        SECONDARY: roster(SECONDARY, 18, SECONDARY_SCHOOL_GRADES),
        EXTENDED: roster(EXTENDED, 24, EXTENDED_SCHOOL_GRADES),
        CENTRE: roster(CENTRE, 10, None, "cdc"),
    }


def confirm_all(door: Door, round_id: str) -> None:
    for code in (*INSTITUTIONS, *PROVINCE_LAOS, PROVINCE):
        assert door.confirm(code, round_id) == 200, (code, round_id)


def round_1(door: Door, season: Season) -> None:
    world = door.world
    door.create_round(ROUND_1, ROUND_1_TIMES)
    world.set_now(IN_ROUND_1)
    rows = _round_1_rows(world)
    for code, roster in rows.items():
        filled = fill(door.template(code, ROUND_1), roster)
        if code == CENTRE:
            filled = fill_basic(filled)
        send(door, season, code, ROUND_1, filled)
    others = {lao: world.registered_other(lao) for lao in PROVINCE_LAOS}
    for lao, counts in others.items():
        send(door, season, lao, ROUND_1, fill(door.template(lao, ROUND_1), counts))
    confirm_all(door, ROUND_1)
    season.rosters[ROUND_1], season.others[ROUND_1] = rows, others
    st = door.status(PROVINCE, ROUND_1)
    assert st["counts"]["total"] == sum(map(len, rows.values())) + sum(map(other_total, others.values()))


def round_2(door: Door, season: Season) -> None:
    """Same year: the templates carry round 1's roster unchanged (no promotion); one school edits."""
    world = door.world
    world.set_now(OPEN_TIME)
    before = season.rosters[ROUND_1]
    rows: dict[str, list[dict[str, Any]]] = {}
    for code in INSTITUTIONS:
        data = door.template(code, ROUND)
        form = "cdc" if code == CENTRE else "school"
        got = sheet_rows(data, SHEETS[form]["roster"])
        assert [r["citizen_id"] for r in got] == [r["citizen_id"] for r in before[code]]
        if form == "school":
            assert [r["grade"] for r in got] == [r["grade"] for r in before[code]]  # same year: nobody moved
        if code != EXTENDED:
            send(door, season, code, ROUND, data)  # sent back as it came
            rows[code] = before[code]
    # the municipal school: its last pupil moved away (register line), two newcomers in ป.1
    old = before[EXTENDED]
    gone = old[-1]
    known = {r["citizen_id"] for r in old}
    fresh = [r for r in make_roster("school", 30, year=2567, unit_code=EXTENDED, seed=7, grades=("ป.1",))
             if r["citizen_id"] not in known][:2]  # fmt: skip
    rows[EXTENDED] = [*old[:-1], *fresh]
    register = [{"citizen_id": gone["citizen_id"], "prefix": gone["prefix"], "first_name": gone["first_name"],
                 "last_name": gone["last_name"], "removed_on": "2024-09-01", "reason": "ย้ายสถานศึกษา"}]  # fmt: skip
    send(door, season, EXTENDED, ROUND, fill(door.template(EXTENDED, ROUND), rows[EXTENDED], register))
    others = {lao: world.registered_other(lao, per_grade=6) for lao in PROVINCE_LAOS}
    for lao, counts in others.items():
        send(door, season, lao, ROUND, fill(door.template(lao, ROUND), counts))
    confirm_all(door, ROUND)
    season.rosters[ROUND], season.others[ROUND] = rows, others
    st = door.status(PROVINCE, ROUND)
    assert st["counts"]["total"] == sum(map(len, rows.values())) + sum(map(other_total, others.values()))


def _lunch(rows: dict[str, list[dict[str, Any]]], others: dict[str, list[dict[str, Any]]]) -> float:
    return sum(institution_lunch(r, code == CENTRE) for code, r in rows.items()) + sum(
        other_lunch(o) for o in others.values()
    )


def correction(door: Door, season: Season) -> None:
    """The window: the municipal school admits three late ป.1 pupils and takes off one who left in December;
    the book shows the basis, the corrected data, the difference and the money on the basis beside it."""
    world = door.world
    door.create_round(CORRECTION, CORRECTION_TIMES, correction=True)
    world.set_now(IN_WINDOW)
    basis = season.rosters[ROUND]
    known = {r["citizen_id"] for r in basis[EXTENDED]}
    late = [r for r in make_roster("school", 30, year=2567, unit_code=EXTENDED, seed=11, grades=("ป.1",))
            if r["citizen_id"] not in known][:3]  # fmt: skip
    gone = basis[EXTENDED][0]
    register = [{"citizen_id": gone["citizen_id"], "prefix": gone["prefix"], "first_name": gone["first_name"],
                 "last_name": gone["last_name"], "removed_on": "2024-12-20", "reason": "ย้ายสถานศึกษา"}]  # fmt: skip
    fixed = {**basis, EXTENDED: [*basis[EXTENDED][1:], *late]}
    send(door, season, EXTENDED, CORRECTION, fill(door.template(EXTENDED, CORRECTION), fixed[EXTENDED], register))
    season.rosters[CORRECTION], season.others[CORRECTION] = fixed, season.others[ROUND]

    pupils = sum(map(len, basis.values()))
    other = sum(map(other_total, season.others[ROUND].values()))
    st = door.status(PROVINCE, CORRECTION)
    assert st["state"] == "corrected" and st["deadline"] is None
    assert st["correction"]["basis"]["total"] == pupils + other
    assert st["correction"]["difference"]["total"] == 2 and st["counts"]["total"] == pupils + other + 2
    by_grade = {GRADE_KEYS[g]: 0 for g in ("ป.1", gone["grade"])}
    by_grade["p1"] += 3
    by_grade[GRADE_KEYS[gone["grade"]]] -= 1
    diff = st["correction"]["difference"]["pupils"]
    assert {k: diff[k]["m"] + diff[k]["f"] for k in diff} == {k: n for k, n in by_grade.items() if n}
    book = door.book(PROVINCE, CORRECTION)
    rows = book_rows(book, "เทียบฐานจัดสรร")
    totals = {r[1]: r for r in rows if r[3] == "รวม"}
    n = len(basis[EXTENDED])
    assert (totals[EXTENDED][6], totals[EXTENDED][9], totals[EXTENDED][10]) == (n, n + 2, 2)
    assert (totals[SECONDARY][6], totals[SECONDARY][10]) == (len(basis[SECONDARY]), 0)
    grand = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert (grand[6], grand[9], grand[10]) == (pupils + other, pupils + other + 2, 2)
    money = book_rows(book, "ประมาณการเงิน")
    total = next(r for r in money if r[0] == "รวม (ประมาณการ)")
    lunch_basis, lunch_fixed = _lunch(basis, season.others[ROUND]), _lunch(fixed, season.others[ROUND])
    assert lunch_fixed != lunch_basis  # ป.1 pupils eat: the corrected figure moves, the basis does not
    assert abs(total[5] - lunch_basis) < 0.01 and abs(total[9] - lunch_fixed) < 0.01
    assert abs(total[10] - (lunch_fixed - lunch_basis)) < 0.01


def promoted_by_hand(code: str, last: list[dict[str, Any]]) -> tuple[dict[str, str | None], dict[str, str]]:
    """(citizen ID -> grade this year, None for a centre child) and (citizen ID -> leaving reason)."""
    stay: dict[str, str | None] = {}
    leave: dict[str, str] = {}
    for r in last:
        grade = r.get("grade")
        if grade in HAND_LEAVES[code]:
            leave[r["citizen_id"]] = HAND_LEAVES[code][grade]
        elif code == CENTRE:
            stay[r["citizen_id"]] = None
        else:
            stay[r["citizen_id"]] = {**HAND_NEXT, "ม.3": "ม.4"}[grade]  # the PAO school teaches ม.4
    return stay, leave


def next_year(door: Door, season: Season) -> None:
    """2568-1: the promoted templates, checked by hand, sent back (one repeater kept back), confirmed."""
    world = door.world
    door.create_round(NEXT_YEAR, NEXT_YEAR_TIMES)
    world.set_now(IN_NEXT_YEAR)
    last = season.rosters[CORRECTION]
    sent: dict[str, list[dict[str, Any]]] = {}
    for code in INSTITUTIONS:
        data = door.template(code, NEXT_YEAR)
        form = "cdc" if code == CENTRE else "school"
        roster = sheet_rows(data, SHEETS[form]["roster"])
        register = sheet_rows(data, SHEETS[form]["removed"])
        stay, leave = promoted_by_hand(code, last[code])
        assert {r["citizen_id"]: r.get("grade") for r in roster} == stay, code
        assert {r["citizen_id"]: r["reason"] for r in register} == leave, code  # only the leavers, with reasons
        assert all(r["removed_on"] == "31/03/2568" for r in register)
        if code == EXTENDED:  # a ป.3 repeater: the clerk puts back last year's grade
            repeater = next(r for r in roster if r["grade"] == "ป.4")
            data = set_grade(data, repeater["citizen_id"], "ป.3")
            repeater["grade"] = "ป.3"
            body = send(door, season, code, NEXT_YEAR, data)
            (warn,) = [w for w in body["warnings"] if w["code"] == "GRADES_NOT_PROMOTED"]
            assert "1 คน" in warn["message"] and repeater["first_name"] in warn["message"]
        else:
            body = send(door, season, code, NEXT_YEAR, data)
            assert "GRADES_NOT_PROMOTED" not in {w["code"] for w in body["warnings"]}
        stored = door.roster(code, NEXT_YEAR)
        # the window's removal (the municipal school's December leaver) is not carried into the new year
        assert {r["citizen_id"] for r in stored["removals"]} == set(leave)
        sent[code] = roster
    others = {}
    for lao in PROVINCE_LAOS:
        counts = world.registered_other(lao, per_grade=7)
        others[lao] = counts
        send(door, season, lao, NEXT_YEAR, fill(door.template(lao, NEXT_YEAR), counts))
    confirm_all(door, NEXT_YEAR)
    season.rosters[NEXT_YEAR], season.others[NEXT_YEAR] = sent, others

    pupils = sum(map(len, sent.values()))
    other = sum(map(other_total, others.values()))
    st = door.status(PROVINCE, NEXT_YEAR)
    assert st["state"] == "confirmed" and st["counts"]["total"] == pupils + other
    book = door.book(PROVINCE, NEXT_YEAR)
    money = book_rows(book, "ประมาณการเงิน")
    total = next(r for r in money if r[0] == "รวม (ประมาณการ)")
    lunch = _lunch(sent, others)
    eligible = sum(len(r) if code == CENTRE else sum(p.get("grade") in LUNCH_GRADES for p in r)
                   for code, r in sent.items()) + sum(
        int(row.get(k) or 0) for rows in others.values() for row in rows for k in row if k[:2] in LUNCH_KEYS
    )  # fmt: skip
    assert (total[5], total[8]) == (eligible, lunch)  # pupils who eat, and the lunch money on them


def walk(door: Door) -> Season:
    season = Season()
    for step in (round_1, round_2, correction, next_year):
        step(door, season)
    return season


def same_verdicts(door: Door, season: Season) -> None:
    """`lec validate` (one run over every file sent) and the server said the same, in every kind of round."""
    assert {r for r, _u, _s, _d in season.sent} == {ROUND_1, ROUND, CORRECTION, NEXT_YEAR}
    reports = door.validate([d for _r, _u, _s, d in season.sent])
    assert len(reports) == len(season.sent)
    for (round_id, unit, server, _data), offline in zip(season.sent, reports, strict=True):
        assert offline["unit"] == unit and offline["round"] == round_id and not offline["errors"]
        assert server == _codes(offline), (round_id, unit, server, offline)
    assert any("GRADES_NOT_PROMOTED" in s for _r, _u, s, _d in season.sent)
