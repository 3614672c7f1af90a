"""Graduation: does a pupil finish ป.6, ม.3, ม.6, ปวช.3 or ปวส.2, and if not, why (in Thai)?

The criteria are data (`graduation.json`), each set with the curriculum it belongs to and the first
year its cohorts finish under it, because a curriculum revision changes the numbers, not the rule:
credits earned in total and by kind (basic / additional), every required subject passed, no ร, มส or 0
left open, the year assessments at least ผ่าน and every activity ผ, and for vocational programmes a
GPAX of at least 2.00 (cut, not rounded: 1.999 does not graduate).

    criteria(level, year) -> Criteria          the level's criteria in force for the cohort finishing in `year`
    judge(criteria, taken, required=..., assessments=...) -> Status   one pupil; `reasons` are Thai sentences

`taken` is every result of the pupil in the programme; a subject taken twice counts by its latest
result (a re-sit that passes clears the 0). Pure Python, like every rule here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from validators.academic.assessments import ACTIVITY_KEYS, ASSESSMENT_LABELS, RATING_KEYS
from validators.academic.common import plain_number
from validators.academic.data import assessment, scales
from validators.academic.gpa import AreaGPA, GradedSubject, gpa, gpa_by_area, grade_value

LEVELS = ("p6", "m3", "m6", "pvc3", "pvs2")
"""The finishing levels, as the ปพ.3 route names them (design.md)."""
KIND_TH = {"basic": "รายวิชาพื้นฐาน", "additional": "รายวิชาเพิ่มเติม", None: "รายวิชา"}


@dataclass(frozen=True, slots=True)
class Criteria:
    """What finishing one level requires under one curriculum."""

    level: str
    level_title: str
    variant: str  # the ปพ.3 variant printed on the report: ปพ.3:ป, ปพ.3:บ, ปพ.3:พ
    curriculum: str
    curriculum_title: str
    from_year: int
    grades: tuple[str, ...]
    weight: str  # "credits" | "hours"
    min_total: Decimal | None
    min_basic: Decimal | None
    min_additional: Decimal | None
    required_kinds: frozenset[str | None]
    min_gpax: Decimal | None
    assessments: bool

    @property
    def final_grade(self) -> str:
        return self.grades[-1]

    def grade_in(self, finish_year: int, grade: str) -> int | None:
        """The year a pupil finishing in `finish_year` on time sat `grade` (None: not of this programme)."""
        if grade not in self.grades:
            return None
        return finish_year - (len(self.grades) - 1 - self.grades.index(grade))


@dataclass(frozen=True, slots=True)
class Taken:
    """One result of a pupil in a subject (as stored from a results workbook)."""

    subject_code: str
    subject_name: str
    kind: str | None  # "basic" | "additional" | None (vocational codes carry none)
    weight: Decimal  # credits, or hours for primary subjects
    grade: str  # "4" ... "0", or a mark (ร, มส, ขร., ...)
    year: int
    term: int
    area: str | None = None


@dataclass(slots=True)
class Status:
    """One pupil against the criteria: graduated or not, the Thai reasons, and the figures ปพ.3 prints."""

    graduated: bool
    reasons: list[str] = field(default_factory=list)
    earned_total: Decimal = Decimal(0)
    earned_basic: Decimal = Decimal(0)
    earned_additional: Decimal = Decimal(0)
    gpax: Decimal | None = None
    by_area: dict[str | None, AreaGPA] = field(default_factory=dict)
    open_marks: list[Taken] = field(default_factory=list)
    subjects: list[Taken] = field(default_factory=list)


def _load() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("graduation.json").read_text(encoding="utf-8"))


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@cache
def all_criteria() -> tuple[Criteria, ...]:
    """Every level of every curriculum, newest curriculum first (the order `criteria` searches)."""
    raw = _load()
    out = []
    for cur in sorted(raw["curricula"], key=lambda c: -int(c["from_year"])):
        for level, spec in cur["levels"].items():
            if level not in LEVELS:
                raise ValueError(f"graduation.json: unknown level {level}")
            out.append(
                Criteria(
                    level=level,
                    level_title=raw["level_titles"][level],
                    variant=raw["report_variants"][level],
                    curriculum=cur["key"],
                    curriculum_title=cur["title"],
                    from_year=int(cur["from_year"]),
                    grades=tuple(spec["grades"]),
                    weight=spec["weight"],
                    min_total=_dec(spec["min_total"]),
                    min_basic=_dec(spec["min_basic"]),
                    min_additional=_dec(spec["min_additional"]),
                    required_kinds=frozenset(spec["required_kinds"]),
                    min_gpax=_dec(spec["min_gpax"]),
                    assessments=bool(spec["assessments"]),
                )
            )
    return tuple(out)


def criteria(level: str, year: int) -> Criteria:
    """The criteria for cohorts finishing `level` in `year` (B.E.): the newest curriculum in force then."""
    if level not in LEVELS:
        raise ValueError(f"not a finishing level: {level}")
    for c in all_criteria():
        if c.level == level and c.from_year <= year:
            return c
    raise ValueError(f"no curriculum for {level} in {year}")


def level_of_grade(grade: str) -> str | None:
    """The finishing level whose last class is `grade` ("ม.3" -> "m3"); None for other classes."""
    return next((c.level for c in all_criteria() if c.final_grade == grade), None)


def latest(taken: Iterable[Taken]) -> list[Taken]:
    """One result per subject: the latest by year and term (a re-sit replaces the earlier result)."""
    last: dict[str, Taken] = {}
    for t in sorted(taken, key=lambda t: (t.year, t.term)):
        last[t.subject_code] = t
    return sorted(last.values(), key=lambda t: (t.year, t.term, t.subject_code))


@cache
def _open_marks() -> frozenset[str]:
    """Marks that leave a subject open until cleared (ร, มส, ขร., ขส., มส.): the scales' pending ones."""
    return frozenset(code for s in scales().values() for code, m in s.marks.items() if m.pending)


def _when(t: Taken) -> str:
    return f"ภาคเรียนที่ {t.term}/{t.year}" if t.term else f"ปีการศึกษา {t.year}"


def _credit_reasons(c: Criteria, status: Status) -> list[str]:
    unit = "หน่วยกิต"
    checks = (
        ("หน่วยกิตรวม", status.earned_total, c.min_total),
        ("หน่วยกิตรายวิชาพื้นฐาน", status.earned_basic, c.min_basic),
        ("หน่วยกิตรายวิชาเพิ่มเติม", status.earned_additional, c.min_additional),
    )
    return [
        f"{label}ที่ได้ {plain_number(got)} {unit} ไม่ถึงเกณฑ์ {plain_number(need)} {unit}"
        for label, got, need in checks
        if need is not None and got < need
    ]


def _subject_reasons(c: Criteria, subjects: list[Taken], required: Iterable[tuple[str, str]]) -> list[str]:
    """Open marks and zeros anywhere; a required subject failed, or required by the structure but never taken."""
    reasons = []
    opened = _open_marks()
    for t in subjects:
        if t.grade in opened:
            reasons.append(f"ค้างผลการเรียน “{t.grade}” วิชา {t.subject_code} {t.subject_name} ({_when(t)})")
        elif t.grade == "0":
            reasons.append(f"วิชา {t.subject_code} {t.subject_name} ได้ 0 ยังไม่ได้แก้ ({_when(t)})")
        elif grade_value(t.grade) is None and t.kind in c.required_kinds:
            reasons.append(f"{KIND_TH[t.kind]} {t.subject_code} {t.subject_name} ได้ “{t.grade}” ไม่ผ่าน ({_when(t)})")
    seen = {t.subject_code for t in subjects}
    for code, name in required:
        if code not in seen:
            reasons.append(f"ยังไม่มีผลการเรียนรายวิชาที่โครงสร้างหลักสูตรกำหนด {code} {name}".rstrip())
    return reasons


def _assessment_reasons(assessments: Sequence[Mapping[str, object]], final_year: int | None) -> list[str]:
    """Each year's ratings at least ผ่าน and every activity ผ; the final year's must be on record."""
    a = assessment()
    reasons = []
    years = {int(str(x.get("year"))) for x in assessments if x.get("year") is not None}
    if final_year is not None and final_year not in years:
        reasons.append(f"ยังไม่มีผลการประเมินการอ่าน คิดวิเคราะห์ และเขียน คุณลักษณะ และกิจกรรม ปีการศึกษา {final_year}")
    for x in sorted(assessments, key=lambda x: int(str(x.get("year") or 0))):
        for key in (*RATING_KEYS, *ACTIVITY_KEYS):
            value = x.get(key)
            fails = a.rating_fail if key in RATING_KEYS else a.activity_fail
            if value is None or value == "":
                reasons.append(f"ยังไม่มีผล{ASSESSMENT_LABELS[key]} ปีการศึกษา {x.get('year')}")
            elif value in fails:
                reasons.append(f"{ASSESSMENT_LABELS[key]} ปีการศึกษา {x.get('year')} ได้ “{value}” ยังไม่ผ่าน")
    return reasons


def judge(
    c: Criteria,
    taken: Iterable[Taken],
    *,
    required: Iterable[tuple[str, str]] = (),
    assessments: Sequence[Mapping[str, object]] = (),
    final_year: int | None = None,
) -> Status:
    """One pupil against `c`. `required` lists (code, name) of the subjects the school's structure requires
    (its curriculum's basic subjects for the years the pupil sat); `assessments` are the year rows
    ({"year": 2567, "reading": "ดี", ...}); `final_year` is the year the pupil finishes, whose
    assessments must be on record."""
    subjects = latest(taken)
    opened = _open_marks()
    graded = [GradedSubject(t.subject_code, t.grade, t.weight, t.area, t.year, t.term) for t in subjects]
    earned = [t for t in subjects if (grade_value(t.grade) or 0) > 0]
    status = Status(
        graduated=False,
        earned_total=sum((t.weight for t in earned), Decimal(0)),
        earned_basic=sum((t.weight for t in earned if t.kind == "basic"), Decimal(0)),
        earned_additional=sum((t.weight for t in earned if t.kind == "additional"), Decimal(0)),
        gpax=gpa(graded),
        by_area=gpa_by_area(graded),
        open_marks=[t for t in subjects if t.grade in opened or t.grade == "0"],
        subjects=subjects,
    )
    reasons = [] if subjects else ["ไม่มีผลการเรียนในหลักสูตรนี้"]
    reasons += _credit_reasons(c, status) if c.weight == "credits" else []
    reasons += _subject_reasons(c, subjects, required)
    if c.min_gpax is not None and (status.gpax is None or status.gpax < c.min_gpax):
        got = "ยังไม่มี" if status.gpax is None else format(status.gpax, "f")
        reasons.append(f"ผลการเรียนเฉลี่ยสะสม (GPAX) {got} ต่ำกว่าเกณฑ์ {format(c.min_gpax, 'f')}")
    if c.assessments:
        reasons += _assessment_reasons(assessments, final_year)
    status.reasons = reasons
    status.graduated = not reasons
    return status
