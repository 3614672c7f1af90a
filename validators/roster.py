"""Rules about a whole roster: the same child twice, and children who vanished without a record.

A roster is judged with its removed-children register: a child of the previous confirmed roster must
either still be on it or be in the register with a reason (letter 003 §4.3.4). That is what stops a
ghost from being dropped silently one year and a real child from disappearing without a trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from validators.context import RoundContext
from validators.fields import GRADES_BY_KIND
from validators.findings import Finding, FindingsView, rule
from validators.promotion import not_promoted
from validators.records import check_person, check_removal

ID_DUPLICATE = rule("ID_DUPLICATE", "error", "roster",
    "เลขประจำตัว {value} ซ้ำกับแถว {other_row} ({name}) เด็กหนึ่งคนต้องมีเพียงแถวเดียว",
    "The same ID twice in one roster")  # fmt: skip
PREVIOUS_MISSING = rule("PREVIOUS_MISSING", "error", "roster",
    "{name} ({value}{grade}) อยู่ในข้อมูลที่ยืนยันครั้งก่อน แต่ไม่มีในรายชื่อนี้และไม่มีในทะเบียนนำออก "
    "กรุณาเพิ่มกลับ หรือบันทึกในแผ่นงานนำออกพร้อมเหตุผล",
    "A child of the previous confirmed roster is neither present nor in the removed register")  # fmt: skip
REMOVED_BUT_PRESENT = rule("REMOVED_BUT_PRESENT", "error", "roster",
    "เลขประจำตัว {value} อยู่ทั้งในรายชื่อ (แถว {other_row}) และในทะเบียนนำออก กรุณาเลือกอย่างใดอย่างหนึ่ง",
    "A child is both on the roster and in the removed register")  # fmt: skip
REMOVAL_DUPLICATE = rule("REMOVAL_DUPLICATE", "warning", "roster",
    "เลขประจำตัว {value} อยู่ในทะเบียนนำออกซ้ำกับแถว {other_row}",
    "The same ID twice in the removed register")  # fmt: skip
ROSTER_EMPTY = rule("ROSTER_EMPTY", "error", "roster",
    "ยังไม่มีรายชื่อนักเรียนหรือเด็กเล็กแม้แต่คนเดียว",
    "The roster has no rows")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PreviousChild:
    """A child of the last confirmed roster, as the server (or a pre-filled template) remembers them."""

    citizen_id: str
    first_name: str = ""
    last_name: str = ""
    grade: str | None = None
    year: int | None = None
    """The academic year of the roster the child was on (None: unknown). A roster of an earlier year
    than the round's is last year's: its pupils must have moved up (`validators.promotion`)."""


@dataclass(slots=True)
class RosterResult(FindingsView):
    """Cleaned records (each with its Excel `row`) and every finding, roster and register together.

    `finding.sheet` is the role, "roster" or "removed"; callers that know the visible sheet names
    map it.
    """

    records: list[dict[str, object]] = field(default_factory=list)
    removals: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


Rows = Sequence[tuple[int, Mapping[str, object]]]


def validate_roster(
    form: str,
    rows: Rows,
    ctx: RoundContext,
    *,
    removals: Rows = (),
    previous: Iterable[PreviousChild] | None = None,
    kind: str | None = None,
) -> RosterResult:
    """Judge a school ("school") or child-centre ("cdc") roster and its removed-children register.

    `kind` is the institution's kind as the registry knows it ("school", "college" or "cdc"; see
    `units.institution_kind`): each grade must be one that kind has. None (unknown) checks no span.
    """
    if form not in ("school", "cdc"):
        raise ValueError(f"not a roster form: {form}")
    if kind is not None and kind not in GRADES_BY_KIND:
        raise ValueError(f"not an institution kind: {kind}")
    cdc = form == "cdc"
    result = RosterResult()
    out = result.findings

    seen: dict[str, tuple[int, str]] = {}
    for row, raw in rows:
        start = len(out)
        record = check_person(raw, ctx, row, out, cdc=cdc, kind=kind)
        record["row"] = row
        result.records.append(record)
        citizen_id = record["citizen_id"]
        if citizen_id:
            assert isinstance(citizen_id, str)
            first = seen.get(citizen_id)
            if first is None:
                seen[citizen_id] = (row, f"{record['first_name']} {record['last_name']}")
            else:
                out.append(ID_DUPLICATE.finding("citizen_id", row, citizen_id, other_row=first[0], name=first[1]))
        if len(out) > start:
            _mark(out, start, "roster")
    if not result.records:
        out.append(ROSTER_EMPTY.finding(None))
        out[-1].sheet = "roster"

    removed: dict[str, int] = {}
    for row, raw in removals:
        start = len(out)
        record = check_removal(raw, ctx, row, out)
        record["row"] = row
        result.removals.append(record)
        citizen_id = record["citizen_id"]
        if citizen_id:
            assert isinstance(citizen_id, str)
            if citizen_id in removed:
                out.append(REMOVAL_DUPLICATE.finding("citizen_id", row, citizen_id, other_row=removed[citizen_id]))
            else:
                removed[citizen_id] = row
            if citizen_id in seen:
                out.append(REMOVED_BUT_PRESENT.finding("citizen_id", row, citizen_id, other_row=seen[citizen_id][0]))
        _mark(out, start, "removed")

    if previous is not None:
        previous = list(previous)
        if form == "school":
            _check_promoted(result, previous, ctx)
        for child in previous:
            if child.citizen_id not in seen and child.citizen_id not in removed:
                grade = f", ชั้น {child.grade}" if child.grade else ""
                finding = PREVIOUS_MISSING.finding(
                    "citizen_id",
                    None,
                    child.citizen_id,
                    name=f"{child.first_name} {child.last_name}".strip(),
                    grade=grade,
                )
                finding.sheet = "removed"
                out.append(finding)
    return result


def _check_promoted(result: RosterResult, previous: list[PreviousChild], ctx: RoundContext) -> None:
    """A roster compared with an earlier year's: pupils still in last year's grade are named in one warning.
    Offline this needs the template's carried roster and its year (templates built with a previous
    roster of another year say so in their metadata); a template carrying no previous roster, or one
    whose hidden copy was edited, cannot be compared, and only the server (which remembers the roster)
    gives the warning."""
    last_year = {c.citizen_id: c.grade for c in previous if c.year is not None and c.year < ctx.year}
    if last_year:
        finding = not_promoted(result.records, last_year)
        if finding is not None:
            result.findings.append(finding)


def _mark(out: list[Finding], start: int, sheet: str) -> None:
    """Name the role of the findings appended since `start` (most rows append none)."""
    for i in range(start, len(out)):
        out[i].sheet = sheet
