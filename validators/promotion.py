"""A new school year: last year's roster moved up one grade, and who leaves.

Pupils are promoted, and the last grade of each level leaves, at the end of March (domain.md, "A season,
and the years"): the June census of a new year sees every pupil one grade up. OBEC's DMC promotes
everyone itself and lets the school fix its repeaters; the first template of a new year does the same,
so a clerk changes the grade of a repeater instead of retyping every grade. Leavers go to the removal
register with a reason the clerk confirms or changes (a pupil who stays after all is put back on the
roster and the register line deleted).

    NEXT_GRADE                       grade -> the grade it moves to (None: the pupil graduates)
    taught_grades(rows) -> tuple     the grades a school teaches, read off its roster
    promote(rows, year=..., ...) -> Promotion(rows, leavers)
    not_promoted(records, previous)  the finding of a new-year roster still on last year's grades

Pure data and one pure function: the server's template (server/domain/prefill.py) and `lec template
--previous` both call `promote`, and `validate_roster` calls `not_promoted`, so Excel, the CLI and the
server agree on who moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from validators.context import BE_OFFSET, age_reference
from validators.fields import ADULT_PREFIX_AGE, CDC_USUAL_MAX_AGE, GRADES, REMOVAL_REASONS
from validators.findings import Finding, rule

NEXT_GRADE: dict[str, str | None] = {
    "อ.1": "อ.2", "อ.2": "อ.3", "อ.3": "ป.1",
    "ป.1": "ป.2", "ป.2": "ป.3", "ป.3": "ป.4", "ป.4": "ป.5", "ป.5": "ป.6", "ป.6": "ม.1",
    "ม.1": "ม.2", "ม.2": "ม.3", "ม.3": "ม.4", "ม.4": "ม.5", "ม.5": "ม.6", "ม.6": None,
    "ปวช.1": "ปวช.2", "ปวช.2": "ปวช.3", "ปวช.3": None,
    "ปวส.1": "ปวส.2", "ปวส.2": None,
}  # fmt: skip
"""Where each grade goes at the end of March. None: the pupil completes the programme (ม.6, ปวช.3, ปวส.2)."""
LEVEL_ENDS = frozenset({"อ.3", "ป.6", "ม.3"})
"""The last grade of a level: its pupils go on only when the school teaches the next level (ป.6 leaves a
primary school, ม.3 an extended-opportunity one). Every other grade moves up in the same school."""

GRADUATED = "graduated"
"""Reason key of a pupil who completed the last grade (`REMOVAL_REASONS`: จบการศึกษา)."""
CONTINUED = "continued"
"""Reason key of a pupil whose next grade the institution does not teach (ย้ายไปเรียนต่อ): a ป.6 of a
primary school, a ม.3 of an extended-opportunity school, a child past the centre's ages."""

PROMOTED_ON = (3, 31)
"""Month and day pupils are promoted (the graduation approval date is commonly 31 March)."""

GRADES_NOT_PROMOTED = rule("GRADES_NOT_PROMOTED", "warning", "roster",
    "นักเรียน {value} คนยังอยู่ชั้นเดิมเหมือนข้อมูลที่ยืนยันไว้ในปีการศึกษาก่อน ({examples}) "
    "ปีการศึกษาใหม่ทุกคนต้องเลื่อนชั้น กรุณาเลื่อนชั้นให้ถูกต้อง หากเป็นนักเรียนซ้ำชั้นจริงไม่ต้องแก้ไข",
    "A new year's roster keeps pupils in last year's grade (not promoted, or repeaters to confirm)")  # fmt: skip


@dataclass(slots=True)
class Promotion:
    """Last year's roster, promoted: `rows` stay (one grade up), `leavers` are removal-register rows."""

    rows: list[dict[str, object]] = field(default_factory=list)
    leavers: list[dict[str, object]] = field(default_factory=list)


def taught_grades(rows: Iterable[Mapping[str, object]]) -> tuple[str, ...]:
    """The grades a school teaches, read off its roster: every grade from its lowest class to its highest.

    The registry keeps a grade span for other-affiliation schools only, so for LEC's own schools the
    roster is the evidence: a school whose highest class is ป.6 does not teach ม.1; one with ม.3 pupils
    teaches ม.1–ม.3. Only the first grade of the next level is asked (`LEVEL_ENDS`), so a class that
    happens to be empty inside a level changes nothing.
    """
    index = [GRADES.index(g) for g in (r.get("grade") for r in rows) if isinstance(g, str) and g in GRADES]
    return GRADES[min(index) : max(index) + 1] if index else ()


def _age(birth: object, on: date) -> int | None:
    if not isinstance(birth, date):
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _leaver(row: Mapping[str, object], reason: str, on: date, note: str) -> dict[str, object]:
    return {
        "citizen_id": row.get("citizen_id"),
        "prefix": row.get("prefix"),
        "first_name": row.get("first_name"),
        "last_name": row.get("last_name"),
        "removed_on": on,
        "reason": REMOVAL_REASONS[reason],
        "note": note,
    }


def promote(
    rows: Sequence[Mapping[str, object]],
    *,
    year: int,
    taught: Iterable[str] | None = None,
    cdc: bool = False,
    as_of: date | None = None,
    cdc_upper_age: int = CDC_USUAL_MAX_AGE,
) -> Promotion:
    """Promote last year's confirmed roster into academic year `year` (Buddhist Era).

    A pupil moves to `NEXT_GRADE`; one whose next grade is None graduates (จบการศึกษา); one at the end
    of a level (`LEVEL_ENDS`) whose next level the school does not teach (`taught`, default
    `taught_grades(rows)`) leaves to study on (ย้ายไปเรียนต่อ). A child-centre child (`cdc`) keeps no
    grade and leaves once older than `cdc_upper_age` on the new year's 16 May. Leavers are dated the
    promotion day (31 March before the year starts). A child prefix becomes นาย/นางสาว for a pupil 15
    or older on `as_of` (the census date), as the Name Act has it; a move-in date belongs to last year
    and is cleared.
    """
    on = date(year - BE_OFFSET, *PROMOTED_ON)
    reference = age_reference(year)
    census = as_of or reference
    teaches = frozenset(taught if taught is not None else taught_grades(rows))
    out = Promotion()
    for row in rows:
        grade = row.get("grade")
        if cdc:
            age = _age(row.get("birth_date"), reference)
            if age is not None and age > cdc_upper_age:
                out.leavers.append(_leaver(row, CONTINUED, on, f"อายุ {age} ปี เกินช่วงอายุของศูนย์"))
                continue
            nxt = None
        elif isinstance(grade, str) and grade in NEXT_GRADE:
            nxt = NEXT_GRADE[grade]
            if nxt is None:
                out.leavers.append(_leaver(row, GRADUATED, on, f"จบชั้น {grade} ปีการศึกษา {year - 1}"))
                continue
            if grade in LEVEL_ENDS and nxt not in teaches:
                out.leavers.append(_leaver(row, CONTINUED, on, f"จบชั้น {grade} ปีการศึกษา {year - 1}"))
                continue
        else:  # an unknown grade stays as it was, for the clerk (and the grade rule) to see
            nxt = grade  # type: ignore[assignment]
        moved = {**row, "entry_date": None}
        if not cdc:
            moved["grade"] = nxt
        prefix, age_now = row.get("prefix"), _age(row.get("birth_date"), census)
        if prefix in ("เด็กชาย", "เด็กหญิง") and age_now is not None and age_now >= ADULT_PREFIX_AGE:
            moved["prefix"] = "นาย" if prefix == "เด็กชาย" else "นางสาว"
        out.rows.append(moved)
    return out


def not_promoted(records: Iterable[Mapping[str, object]], previous: Mapping[str, str | None]) -> Finding | None:
    """One warning when pupils of a new year's roster are still in the grade last year's confirmed
    roster gave them (`previous`: citizen ID -> last year's grade), naming how many and a few of them.

    Only meaningful when `previous` is an earlier academic year's roster: the caller decides (offline
    the template says so in its metadata; the server knows the round it took the roster from).
    """
    stuck = [r for r in records if r.get("grade") and previous.get(str(r.get("citizen_id") or "")) == r.get("grade")]
    if not stuck:
        return None
    names = ", ".join(f"{r.get('first_name', '')} {r.get('last_name', '')} {r.get('grade')}".strip() for r in stuck[:3])
    more = f" และอีก {len(stuck) - 3} คน" if len(stuck) > 3 else ""
    finding = GRADES_NOT_PROMOTED.finding("grade", None, len(stuck), examples=names + more)
    finding.sheet = "roster"
    return finding
