"""The LocalSchool migration form: a school's past results, one row per pupil, subject and term.

Schools leaving LocalSchool send their history in this prescribed form. Each row is judged on its own
with the rules the live forms use (the subject code against the class, credits or hours, the grade on
the scale, the total's band when a total is given, the pupil's ID), so one bad row does not hold back
the others: the server stores the good rows and sends the bad ones back with the reason beside each
(the failed-rows workbook), and the school re-sends only those. A row's key is (year, term, subject,
pupil): the same key twice in a file is an error on the later row; the same key already stored is a
replacement (a re-import changes nothing), unless the stored result came from a live results workbook,
which a migration never overwrites (`live_conflicts`, run by the server, which knows where rows came from).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from validators.academic.common import (
    A_CLASS_UNKNOWN,
    A_NOT_NUMBER,
    A_REQUIRED,
    NotANumber,
    class_grade,
    plain_number,
    scale_name,
    text_of,
    to_decimal,
)
from validators.academic.data import HUNDRED, scale
from validators.academic.results import PUPIL_ID_INVALID, _grade_text, canonical_mark
from validators.academic.subjects import KINDS, SUBJECT_LABELS, check_subject, parse_subject_code
from validators.findings import Finding, FindingsView, rule
from validators.identity import is_gcode, is_thai_id
from validators.normalize import clean_id, thai_digits_to_arabic

LOCALSCHOOL_KEYS = ("citizen_id", "student_no", "first_name", "last_name", "year", "term", "class_name",
                    "subject_code", "subject_name", "kind", "credits", "hours", "score_total", "grade")  # fmt: skip
LOCALSCHOOL_LABELS = {
    "citizen_id": "เลขประจำตัวประชาชน",
    "student_no": "เลขประจำตัวนักเรียน",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "year": "ปีการศึกษา",
    "term": "ภาคเรียน",
    "class_name": "ชั้น",
    **{k: v for k, v in SUBJECT_LABELS.items() if k in ("subject_code", "subject_name", "kind", "credits", "hours")},
    "score_total": "คะแนนรวม (ถ้ามี)",
    "grade": "ผลการเรียน",
}
FIRST_YEAR = 2500

LOCALSCHOOL_YEAR = rule("LOCALSCHOOL_YEAR", "error", "academic_localschool",
    "ปีการศึกษา “{value}” ต้องเป็นปีพุทธศักราช 4 หลัก ตั้งแต่ {first} ถึง {last} (ผลการเรียนย้อนหลัง)",
    "The year must be a Buddhist-Era year of the past, up to the import's year")  # fmt: skip
LOCALSCHOOL_TERM = rule("LOCALSCHOOL_TERM", "error", "academic_localschool",
    "ภาคเรียน “{value}” ต้องเป็น 1 หรือ 2",
    "Term must be 1 or 2")  # fmt: skip
LOCALSCHOOL_GRADE_UNKNOWN = rule("LOCALSCHOOL_GRADE_UNKNOWN", "error", "academic_localschool",
    "ผลการเรียน “{value}” ไม่อยู่ในเกณฑ์ ต้องเป็น {allowed}",
    "The grade is neither a grade of the scale nor a mark it allows")  # fmt: skip
LOCALSCHOOL_GRADE_BAND = rule("LOCALSCHOOL_GRADE_BAND", "error", "academic_localschool",
    "คะแนนรวม {total} ต้องได้ผลการเรียน {expected} แต่กรอก {value}",
    "The grade is not the band of the total given beside it")  # fmt: skip
LOCALSCHOOL_TOTAL_RANGE = rule("LOCALSCHOOL_TOTAL_RANGE", "error", "academic_localschool",
    "คะแนนรวม {value} ต้องอยู่ระหว่าง 0 ถึง 100",
    "A total lies outside 0-100")  # fmt: skip
LOCALSCHOOL_DUPLICATE = rule("LOCALSCHOOL_DUPLICATE", "error", "academic_localschool",
    "ผลวิชา {subject} ภาคเรียนที่ {term}/{year} ของเลขประจำตัว {value} ซ้ำกับแถว {other_row}",
    "The same pupil, subject and term twice in one file")  # fmt: skip
LOCALSCHOOL_LIVE_RESULT = rule("LOCALSCHOOL_LIVE_RESULT", "error", "academic_localschool",
    "มีผลวิชา {subject} ภาคเรียนที่ {term}/{year} ของเลขประจำตัว {value} จากแบบบันทึกผลการเรียนในระบบแล้ว"
    " ข้อมูลย้อนหลังจะไม่เขียนทับ (ถ้าผลในระบบผิด ให้แก้ที่แบบบันทึกผลการเรียน)",
    "A result already stored from a live results workbook is never overwritten by the migration")  # fmt: skip


@dataclass(slots=True)
class LocalSchoolResult(FindingsView):
    """Every row cleaned (`records`, each with its Excel `row` and the cells as typed in `typed`) and the
    findings (`sheet` = "localschool"); the server splits them into stored and failed rows."""

    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _int(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> int | None:
    try:
        value = to_decimal(raw.get(key))
    except NotANumber:
        out.append(A_NOT_NUMBER.finding(key, row, raw.get(key), label=LOCALSCHOOL_LABELS[key]))
        return None
    if value is None:
        out.append(A_REQUIRED.finding(key, row, label=LOCALSCHOOL_LABELS[key]))
        return None
    return int(value) if value == value.to_integral_value() else -1


def _typed(raw: Mapping[str, object]) -> dict[str, str]:
    """The cells as a person typed them (for the failed-rows workbook: sent back exactly as received)."""
    out = {}
    for k in LOCALSCHOOL_KEYS:
        v = raw.get(k)
        if isinstance(v, float) and v == int(v):
            v = int(v)
        out[k] = "" if v is None else text_of(v)
    return out


def check_row(raw: Mapping[str, object], row: int | None, out: list[Finding], *, last_year: int) -> dict[str, object]:
    """Judge one history row; return it cleaned (None where unreadable)."""
    cid, _ = clean_id(raw.get("citizen_id"))
    if not cid:
        out.append(A_REQUIRED.finding("citizen_id", row, label=LOCALSCHOOL_LABELS["citizen_id"]))
    elif not (is_thai_id(cid) or is_gcode(cid)):
        out.append(PUPIL_ID_INVALID.finding("citizen_id", row, cid))
    for key in ("first_name", "last_name"):
        if not text_of(raw.get(key)):
            out.append(A_REQUIRED.finding(key, row, label=LOCALSCHOOL_LABELS[key]))
    year = _int(raw, "year", row, out)
    if year is not None and not (FIRST_YEAR <= year <= last_year):
        out.append(LOCALSCHOOL_YEAR.finding("year", row, text_of(raw.get("year")), first=FIRST_YEAR, last=last_year))
        year = None
    term = _int(raw, "term", row, out)
    if term is not None and term not in (1, 2):
        out.append(LOCALSCHOOL_TERM.finding("term", row, text_of(raw.get("term"))))
        term = None
    class_text = text_of(raw.get("class_name"))
    grade_level = class_grade(class_text) if class_text else None
    if not class_text:
        out.append(A_REQUIRED.finding("class_name", row, label=LOCALSCHOOL_LABELS["class_name"]))
    elif grade_level is None:
        out.append(A_CLASS_UNKNOWN.finding("class_name", row, class_text))
    subject = check_subject(_subject_raw(raw), row, out, grade=grade_level) if grade_level else None
    grade = _check_grade(raw, row, out, grade_level)
    return {
        "citizen_id": cid,
        "student_no": text_of(raw.get("student_no")) or None,
        "first_name": text_of(raw.get("first_name")),
        "last_name": text_of(raw.get("last_name")),
        "year": year,
        "term": term,
        "class_name": class_text,
        "subject_code": subject["subject_code"] if subject else None,
        "subject_name": subject["subject_name"] if subject else None,
        "kind": subject["kind"] if subject else None,
        "credits": subject["credits"] if subject else None,
        "hours": subject["hours"] if subject else None,
        "area": subject["area"] if subject else None,
        "score_total": _total(raw),
        "grade": grade,
        "pending": bool(grade_level and grade and _is_pending(grade, grade_level)),
        "row": row,
        "typed": _typed(raw),
    }


def _subject_raw(raw: Mapping[str, object]) -> dict[str, object]:
    """The subject's cells for the curriculum rule: the term is this form's own (checked above), and a
    blank kind is the code's kind digit (LocalSchool exports often leave it out)."""
    subject = {**raw, "term": None}
    if not text_of(raw.get("kind")):
        parsed = parse_subject_code(raw.get("subject_code"))
        subject["kind"] = KINDS.get(parsed.kind or "", "") if parsed else ""
    return subject


def _total(raw: Mapping[str, object]) -> Decimal | None:
    try:
        return to_decimal(raw.get("score_total"))
    except NotANumber:
        return None


def _is_pending(grade: str, grade_level: str) -> bool:
    mark = scale(scale_name(grade_level)).marks.get(grade)
    return bool(mark and mark.pending)


def _check_grade(raw: Mapping[str, object], row: int | None, out: list[Finding], grade_level: str | None) -> str | None:
    """The grade as the scale spells it (a number of the bands or a mark); the total's band agrees."""
    typed = _grade_text(raw.get("grade"))
    if typed is not None:
        typed = thai_digits_to_arabic(typed)
    try:
        total = to_decimal(raw.get("score_total"))
    except NotANumber:
        out.append(A_NOT_NUMBER.finding("score_total", row, raw.get("score_total"), label="คะแนนรวม"))
        total = None
    if total is not None and not (0 <= total <= HUNDRED):
        out.append(LOCALSCHOOL_TOTAL_RANGE.finding("score_total", row, plain_number(total)))
        total = None
    if not typed:
        out.append(A_REQUIRED.finding("grade", row, label=LOCALSCHOOL_LABELS["grade"]))
        return None
    if grade_level is None:
        return None
    sc = scale(scale_name(grade_level))
    if typed in sc.grades:
        if total is not None and sc.grade_for(total) != typed:
            out.append(LOCALSCHOOL_GRADE_BAND.finding("grade", row, typed, total=plain_number(total),
                                                      expected=sc.grade_for(total)))  # fmt: skip
        return typed
    mark = canonical_mark(typed, sc)
    if mark is None:
        allowed = " ".join([*sc.grades, *sc.marks])
        out.append(LOCALSCHOOL_GRADE_UNKNOWN.finding("grade", row, typed, allowed=allowed))
    return mark


def key_of(record: Mapping[str, object]) -> tuple[object, object, object, object]:
    """A result's identity: (year, term, subject code, citizen ID), the results table's key in a school."""
    return (record["year"], record["term"], record["subject_code"], record["citizen_id"])


def validate_localschool(rows: Sequence[tuple[int, Mapping[str, object]]], *, last_year: int) -> LocalSchoolResult:
    """Judge a LocalSchool workbook's rows (`last_year`: the import's year; history cannot be later)."""
    result = LocalSchoolResult()
    seen: dict[tuple[object, ...], int | None] = {}
    for row, raw in rows:
        if not any(v not in (None, "") for v in raw.values()):
            continue
        start = len(result.findings)
        record = check_row(raw, row, result.findings, last_year=last_year)
        result.records.append(record)
        key = key_of(record)
        if all(key) and not any(f.severity == "error" for f in result.findings[start:]):
            if key in seen:
                result.findings.append(LOCALSCHOOL_DUPLICATE.finding("subject_code", row, record["citizen_id"],
                                       subject=key[2], term=key[1], year=key[0], other_row=seen[key]))  # fmt: skip
            else:
                seen[key] = row
    for f in result.findings:
        f.sheet = "localschool"
    return result


def live_conflicts(records: Sequence[Mapping[str, object]], live: Collection[tuple[object, ...]]) -> list[Finding]:
    """Rows whose result is already stored from a live results workbook (`live`: their `key_of` keys)."""
    out = []
    for r in records:
        key = key_of(r)
        if key in live:
            f = LOCALSCHOOL_LIVE_RESULT.finding("subject_code", r["row"], r["citizen_id"],  # type: ignore[arg-type]
                                                subject=key[2], term=key[1], year=key[0])  # fmt: skip
            f.sheet = "localschool"
            out.append(f)
    return out
