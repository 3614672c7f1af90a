"""A subject's results for one class and term: attendance, the two score parts, the total and the grade.

The teacher types attendance (per cent of the subject's time) and the scores; the workbook computes
the total and the grade with formulas, and these rules re-derive both from the typed values, so a
grade cell that was overwritten, or a file filled by a program that never recalculated, is judged by
the same arithmetic. The grade is the band of the total in the scale's table (scales.json); a mark
(ร, มส, vocational ขร. ...) stands instead of a grade, and attendance under the floor gives the
scale's low-attendance mark (มส) and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from validators.academic.common import (
    A_NOT_NUMBER,
    A_REQUIRED,
    NotANumber,
    plain_number,
    scale_name,
    text_of,
    to_decimal,
)
from validators.academic.data import HUNDRED, Scale, scale
from validators.academic.subjects import check_subject
from validators.findings import Finding, FindingsView, rule
from validators.identity import is_gcode, is_thai_id
from validators.normalize import clean_id

RESULT_ATTENDANCE_RANGE = rule("RESULT_ATTENDANCE_RANGE", "error", "academic_results",
    "เวลาเรียน {value} ต้องเป็นร้อยละ 0 ถึง 100",
    "Attendance must be a percentage from 0 to 100")  # fmt: skip
RESULT_SCORE_RANGE = rule("RESULT_SCORE_RANGE", "error", "academic_results",
    "{label} {value} ต้องอยู่ระหว่าง 0 ถึง {maximum} คะแนน",
    "A score part lies outside 0 and its full score")  # fmt: skip
RESULT_SCORE_MISSING = rule("RESULT_SCORE_MISSING", "error", "academic_results",
    "{name}: กรอก{label}แล้วแต่ยังไม่ได้กรอก{other} ถ้ายังไม่มีผลให้ใส่ ร ในช่อง ร/มส",
    "One score part is typed and the other is not (and no mark stands instead)")  # fmt: skip
RESULT_MISSING = rule("RESULT_MISSING", "error", "academic_results",
    "{name}: ยังไม่มีผลการเรียนวิชา {subject} (ไม่มีคะแนนและไม่มี ร/มส)",
    "A pupil of the sheet has no scores and no mark")  # fmt: skip
RESULT_TOTAL_MISMATCH = rule("RESULT_TOTAL_MISMATCH", "error", "academic_results",
    "{name}: คะแนนรวม {value} ไม่เท่ากับคะแนนระหว่างภาค + ปลายภาค ({expected}) ช่องสูตรอาจถูกพิมพ์ทับ",
    "The total cell is not the sum of the parts (its formula was overwritten?)")  # fmt: skip
RESULT_GRADE_MISMATCH = rule("RESULT_GRADE_MISMATCH", "error", "academic_results",
    "{name}: ผลการเรียน {value} ไม่ตรงกับเกณฑ์ ({why} ต้องได้ {expected}) ช่องสูตรอาจถูกพิมพ์ทับ",
    "The grade cell is not the band of the total (its formula was overwritten?)")  # fmt: skip
RESULT_MARK_UNKNOWN = rule("RESULT_MARK_UNKNOWN", "error", "academic_results",
    "ช่อง ร/มส มี “{value}” ซึ่งไม่ใช่ผลที่ใช้แทนระดับผลการเรียนได้ ({allowed})",
    "The mark is not one the scale allows instead of a grade")  # fmt: skip
RESULT_LOW_MARK_ATTENDANCE_OK = rule("RESULT_LOW_MARK_ATTENDANCE_OK", "error", "academic_results",
    "{name}: ได้ {value} แต่เวลาเรียน {attendance}% ไม่ต่ำกว่า {minimum}% ({value} ใช้ได้เฉพาะเวลาเรียนไม่ถึง {minimum}%)",
    "The low-attendance mark (มส) with attendance at or above the floor")  # fmt: skip
RESULT_LOW_ATTENDANCE_GRADED = rule("RESULT_LOW_ATTENDANCE_GRADED", "error", "academic_results",
    "{name}: เวลาเรียน {attendance}% ไม่ถึง {minimum}% จึงให้ผล {value} ไม่ได้ ต้องเป็น {mark}",
    "Attendance under the floor cannot carry a grade (nor ร): only the low-attendance mark")  # fmt: skip
RESULT_PENDING = rule("RESULT_PENDING", "warning", "academic_results",
    "{name}: วิชา {subject} ได้ “{value}” – {meaning} – ค้างอยู่จนกว่าจะแก้ผลการเรียน",
    "A pending mark (ร, มส, ...) is accepted and listed until it is cleared")  # fmt: skip
RESULT_SUBJECT_SPEC = rule("RESULT_SUBJECT_SPEC", "error", "academic_results",
    "วิชา {value}: คะแนนเต็มระหว่างภาค {term} + ปลายภาค {final} ต้องรวมเป็น 100",
    "A subject's two full scores must add up to 100")  # fmt: skip

PUPIL_ID_INVALID = rule("PUPIL_ID_INVALID", "error", "academic_pupils",
    "เลขประจำตัว “{value}” ไม่ใช่เลขประจำตัวประชาชน 13 หลักหรือ G-Code ที่ถูกต้อง",
    "Not a valid Thai ID or G-Code")  # fmt: skip
PUPIL_DUPLICATE = rule("PUPIL_DUPLICATE", "error", "academic_pupils",
    "เลขประจำตัว {value} ซ้ำกับแถว {other_row} ในชีตเดียวกัน",
    "The same pupil twice on one sheet")  # fmt: skip
PUPIL_NOT_ON_ROSTER = rule("PUPIL_NOT_ON_ROSTER", "error", "academic_pupils",
    "{name} ({value}) ไม่อยู่ในรายชื่อนักเรียนชั้น {class_name} ที่ยืนยันแล้ว",
    "A pupil on a sheet is not on the class's confirmed roster")  # fmt: skip
CLASS_ROSTER_TAMPERED = rule("CLASS_ROSTER_TAMPERED", "warning", "academic_pupils",
    "รายชื่อนักเรียนของชั้นที่แนบมากับแบบฟอร์มถูกแก้ไข ระบบจะไม่ใช้รายชื่อนี้ตรวจว่ามีนักเรียนครบทุกวิชา",
    "The class roster carried in the workbook was edited; it is ignored")  # fmt: skip
PUPIL_MISSING_FROM_SHEET = rule("PUPIL_MISSING_FROM_SHEET", "error", "academic_pupils",
    "{name} ({value}) อยู่ในรายชื่อชั้น {class_name} แต่ไม่มีในชีต {sheet}",
    "A pupil of the class's roster is missing from a sheet")  # fmt: skip

RESULT_LABELS = {
    "attendance_pct": "เวลาเรียน (%)",
    "score_term": "คะแนนระหว่างภาค",
    "score_final": "คะแนนปลายภาค",
    "score_total": "คะแนนรวม",
    "grade": "ผลการเรียน",
    "mark": "ร/มส",
}
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ResultSubject:
    """A subject as a results sheet carries it (from the template's metadata)."""

    code: str
    name: str
    kind: str | None = None  # "basic" | "additional"
    credits: Decimal | None = None
    hours: Decimal | None = None
    max_term: Decimal = Decimal(70)
    max_final: Decimal = Decimal(30)


@dataclass(frozen=True, slots=True)
class Pupil:
    """A pupil of the class's roster."""

    citizen_id: str
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def total_of(term: Decimal, final: Decimal) -> Decimal:
    """The total as the sheet computes it: ROUND(term + final, 2) (half away from zero, as Excel)."""
    return (term + final).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal | None, attendance: Decimal | None, mark: str | None, sc: Scale) -> str | None:
    """The grade the rules expect: the mark when one is typed; the low-attendance mark under the floor;
    else the band of the total; None when there is nothing to judge yet. The sheet's formula is this."""
    if mark:
        return mark
    if attendance is not None and attendance < sc.attendance_min:
        return sc.low_attendance_mark
    if total is None:
        return None
    return sc.grade_for(total)


def canonical_mark(text: str, sc: Scale) -> str | None:
    """A typed mark as the scale spells it ("มส." -> "มส" in basic, "ขร" -> "ขร." in vocational)."""
    t = text.replace(" ", "")
    for code in sc.marks:
        if t == code or t.rstrip(".") == code.rstrip("."):
            return code
    return None


def _grade_text(value: object) -> str | None:
    """A grade cell as read: 3.5 -> "3.5", 4.0 -> "4", "มส" -> "มส", blank -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return plain_number(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    text = text_of(value)
    try:
        return plain_number(Decimal(text))
    except ArithmeticError:
        return text or None


@dataclass(slots=True)
class ResultsResult(FindingsView):
    """Cleaned results and findings of one subject's sheet (`finding.sheet` = the subject code)."""

    subject: ResultSubject
    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def pending(self) -> list[dict[str, object]]:
        """Pupils whose grade is a pending mark (ร, มส, ...): listed until cleared."""
        return [r for r in self.records if r.get("pending")]


def _number(value: object) -> Decimal | None:
    """`to_decimal` with the typed numbers a cell nearly always holds (a float or an int from calamine)
    taken first: they need no text cleaning (same value as `to_decimal`, fewer steps)."""
    kind = type(value)
    if kind is float and value - value == 0:  # finite (inf - inf and nan - nan are nan)
        return Decimal(repr(value))
    if kind is int:
        return Decimal(value)  # type: ignore[arg-type]
    return to_decimal(value)


_NUMBER_KEYS = ("attendance_pct", "score_term", "score_final", "score_total")


def _numbers(
    raw: Mapping[str, object], row: int | None, out: list[Finding], subject: ResultSubject
) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """The row's attendance, term score, final score and total as read (None where blank, unreadable or
    out of range, each reported)."""
    found: list[Decimal | None] = []
    append = found.append
    for key in _NUMBER_KEYS:
        value = raw.get(key)
        if value is None:
            append(None)
        elif type(value) is float and value - value == 0:  # the usual typed score: no text to clean
            append(Decimal(repr(value)))
        else:
            try:
                append(_number(value))
            except NotANumber:
                out.append(A_NOT_NUMBER.finding(key, row, value, label=RESULT_LABELS[key]))
                append(None)
    attendance, term, final, total = found
    if attendance is not None and not (0 <= attendance <= HUNDRED):
        out.append(RESULT_ATTENDANCE_RANGE.finding("attendance_pct", row, plain_number(attendance)))
        attendance = None
    if term is not None and not (0 <= term <= subject.max_term):
        _out_of_range(out, row, "score_term", term, subject.max_term)
        term = None
    if final is not None and not (0 <= final <= subject.max_final):
        _out_of_range(out, row, "score_final", final, subject.max_final)
        final = None
    return attendance, term, final, total


def _out_of_range(out: list[Finding], row: int | None, key: str, value: Decimal, maximum: Decimal) -> None:
    out.append(
        RESULT_SCORE_RANGE.finding(
            key, row, plain_number(value), label=RESULT_LABELS[key], maximum=plain_number(maximum)
        )
    )


def check_result(
    raw: Mapping[str, object], row: int | None, out: list[Finding], subject: ResultSubject, sc: Scale
) -> dict[str, object]:
    """Judge one pupil's row of a subject sheet; return the cleaned result (`grade` None when none).

    Each cell is read and cleaned once; the messages' pieces (the pupil's name, the attendance floor)
    are made only for a row that has a finding."""
    get = raw.get
    first_name, last_name = text_of(get("first_name")), text_of(get("last_name"))
    name = f"{first_name} {last_name}" if first_name and last_name else first_name or last_name or "แถวนี้"
    attendance, term, final, read_total = _numbers(raw, row, out, subject)

    mark_value = get("mark")
    mark_text = "" if mark_value is None else text_of(mark_value)
    mark = canonical_mark(mark_text, sc) if mark_text else None
    if mark_text and mark is None:
        out.append(RESULT_MARK_UNKNOWN.finding("mark", row, mark_text, allowed=" ".join(sc.marks)))

    total = total_of(term, final) if term is not None and final is not None else None
    typed_attendance = get("attendance_pct")
    typed_any = (
        typed_attendance is not None
        or get("score_term") is not None
        or get("score_final") is not None
        or bool(mark_text)
    )
    expected = grade_for(total, attendance, mark, sc)

    if not typed_any:
        out.append(RESULT_MISSING.finding(None, row, name=name, subject=subject.code))
    else:
        if typed_attendance is None:
            out.append(A_REQUIRED.finding("attendance_pct", row, label=RESULT_LABELS["attendance_pct"]))
        if mark is None and not mark_text and (term is None) != (final is None):
            key, other = ("score_term", "score_final") if term is not None else ("score_final", "score_term")
            out.append(
                RESULT_SCORE_MISSING.finding(
                    other, row, name=name, label=RESULT_LABELS[key], other=RESULT_LABELS[other]
                )
            )
        elif (
            mark is None
            and not mark_text
            and term is None
            and attendance is not None
            and (attendance >= sc.attendance_min)
        ):
            out.append(RESULT_MISSING.finding(None, row, name=name, subject=subject.code))

    low = attendance is not None and attendance < sc.attendance_min
    if mark == sc.low_attendance_mark and attendance is not None and not low:
        out.append(
            RESULT_LOW_MARK_ATTENDANCE_OK.finding(
                "mark",
                row,
                mark,
                name=name,
                attendance=plain_number(attendance),
                minimum=plain_number(sc.attendance_min),
            )
        )
    grade_value = get("grade")
    read_grade = None if grade_value is None else _grade_text(grade_value)
    if read_grade is not None:
        read_grade = canonical_mark(read_grade, sc) or read_grade
    if low:
        assert attendance is not None
        final_marks = {code for code, m in sc.marks.items() if not m.pending} | {sc.low_attendance_mark}
        given = mark or (read_grade if read_grade not in (None, sc.low_attendance_mark) else None)
        if given is not None and given not in final_marks:
            out.append(
                RESULT_LOW_ATTENDANCE_GRADED.finding(
                    "mark" if mark else "grade",
                    row,
                    given,
                    name=name,
                    attendance=plain_number(attendance),
                    minimum=plain_number(sc.attendance_min),
                    mark=sc.low_attendance_mark,
                )
            )

    if read_total is not None and total is not None and read_total.quantize(CENT, ROUND_HALF_UP) != total:
        out.append(
            RESULT_TOTAL_MISMATCH.finding(
                "score_total", row, plain_number(read_total), name=name, expected=plain_number(total)
            )
        )
    if read_grade is not None and expected is not None and read_grade != expected and not (low and mark is None):
        why = f"คะแนนรวม {plain_number(total)}" if total is not None and not mark else "ตามช่อง ร/มส"
        out.append(RESULT_GRADE_MISMATCH.finding("grade", row, read_grade, name=name, why=why, expected=expected))

    pending = expected is not None and expected in sc.marks and sc.marks[expected].pending
    if pending:
        out.append(
            RESULT_PENDING.finding(
                "grade", row, expected, name=name, subject=subject.code, meaning=sc.marks[str(expected)].meaning
            )
        )
    student_no, cid = get("student_no"), get("citizen_id")
    if not (type(cid) is str and len(cid) == 13 and cid.isdigit() and cid.isascii()):
        cid = clean_id(cid)[0]  # what a typed ID that is already 13 plain digits comes back as anyway
    return {
        "citizen_id": cid,
        "student_no": (None if student_no is None else text_of(student_no)) or None,
        "first_name": first_name,
        "last_name": last_name,
        "subject_code": subject.code,
        "attendance_pct": attendance,
        "score_term": term,
        "score_final": final,
        "score_total": total,
        "grade": expected,
        "pending": pending,
        "row": row,
    }


def check_subject_spec(subject: ResultSubject, grade: str, out: list[Finding]) -> None:
    """The sheet's subject against the class: code shape, kind, credits/hours; full scores make 100."""
    raw = {"subject_code": subject.code, "subject_name": subject.name,
           "kind": {"basic": "พื้นฐาน", "additional": "เพิ่มเติม"}.get(subject.kind or "", ""),
           "credits": subject.credits, "hours": subject.hours}  # fmt: skip
    check_subject(raw, None, out, grade=grade)
    if subject.max_term + subject.max_final != HUNDRED:
        out.append(
            RESULT_SUBJECT_SPEC.finding(
                None, None, subject.code, term=plain_number(subject.max_term), final=plain_number(subject.max_final)
            )
        )


@lru_cache(maxsize=8192)
def _valid_pupil_id(cid: str) -> bool:
    """A Thai ID or a G-Code (remembered: a class's IDs are checked again on each subject's sheet)."""
    return is_thai_id(cid) or is_gcode(cid)


def check_roster(
    records: Sequence[Mapping[str, object]],
    roster: Iterable[Pupil] | None,
    out: list[Finding],
    *,
    class_name: str,
    sheet: str,
) -> None:
    """IDs valid and once per sheet; every sheet pupil on the roster; every roster pupil on the sheet."""
    seen: dict[str, int | None] = {}
    for r in records:
        cid = str(r.get("citizen_id") or "")
        row = r.get("row")
        assert row is None or isinstance(row, int)
        if not cid:
            out.append(A_REQUIRED.finding("citizen_id", row, label="เลขประจำตัว"))
            continue
        if not _valid_pupil_id(cid):
            out.append(PUPIL_ID_INVALID.finding("citizen_id", row, cid))
        if cid in seen:
            out.append(PUPIL_DUPLICATE.finding("citizen_id", row, cid, other_row=seen[cid]))
        else:
            seen[cid] = row
    if roster is None:
        return
    pupils = {p.citizen_id: p for p in roster}
    for r in records:
        cid = str(r.get("citizen_id") or "")
        if cid and cid not in pupils:
            name = f"{r.get('first_name') or ''} {r.get('last_name') or ''}".strip()
            out.append(
                PUPIL_NOT_ON_ROSTER.finding(
                    "citizen_id",
                    r.get("row"),
                    cid,
                    name=name,  # type: ignore[arg-type]
                    class_name=class_name,
                )
            )
    for cid, p in pupils.items():
        if cid not in seen:
            out.append(
                PUPIL_MISSING_FROM_SHEET.finding(
                    "citizen_id", None, cid, name=p.name, class_name=class_name, sheet=sheet
                )
            )


def validate_results(
    subject: ResultSubject,
    rows: Sequence[tuple[int, Mapping[str, object]]],
    *,
    grade: str,
    class_name: str = "",
    roster: Iterable[Pupil] | None = None,
    sheet: str | None = None,
) -> ResultsResult:
    """Judge one subject's sheet for a class (`grade` canonical, e.g. "ม.3"; `class_name` "ม.3/1").

    `roster` is the class's pupils (the last confirmed census roster, or the copy carried in the
    workbook); without it only the sheet's own consistency is checked. `sheet` names the sheet in
    messages (default: the subject code). Every finding's `sheet` is the subject code.
    """
    sc = scale(scale_name(grade))
    result = ResultsResult(subject)
    out = result.findings
    check_subject_spec(subject, grade, out)
    for row, raw in rows:
        result.records.append(check_result(raw, row, out, subject, sc))
    check_roster(result.records, roster, out, class_name=class_name or grade, sheet=sheet or subject.code)
    for f in out:
        f.sheet = subject.code
    return result
