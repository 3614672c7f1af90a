"""The per-year assessments of a class: reading-thinking-writing and desirable characteristics
(ดีเยี่ยม / ดี / ผ่าน / ไม่ผ่าน) and each learner-development activity (ผ / มผ).

They are not averaged; they gate graduation (all at least ผ่าน, every activity ผ), so a fail is
accepted and listed, and a blank or a word outside the list is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from validators.academic.common import A_REQUIRED, text_of
from validators.academic.data import assessment
from validators.academic.results import Pupil, check_roster
from validators.findings import Finding, FindingsView, rule
from validators.normalize import clean_id, thai_digits_to_arabic

ASSESS_RATING_UNKNOWN = rule("ASSESS_RATING_UNKNOWN", "error", "academic_assessments",
    "{label} “{value}” ต้องเป็น ดีเยี่ยม ดี ผ่าน หรือ ไม่ผ่าน",
    "A rating must be ดีเยี่ยม, ดี, ผ่าน or ไม่ผ่าน")  # fmt: skip
ASSESS_ACTIVITY_UNKNOWN = rule("ASSESS_ACTIVITY_UNKNOWN", "error", "academic_assessments",
    "{label} “{value}” ต้องเป็น ผ (ผ่าน) หรือ มผ (ไม่ผ่าน)",
    "An activity result must be ผ or มผ")  # fmt: skip
ASSESS_FAIL = rule("ASSESS_FAIL", "warning", "academic_assessments",
    "{name}: {label} ได้ “{value}” ยังไม่ผ่านเกณฑ์ (ต้องแก้ก่อนจบการศึกษา)",
    "A fail is accepted and listed: it must be made good before graduation")  # fmt: skip

RATING_KEYS = ("reading", "character")
ACTIVITY_KEYS = ("activity_guidance", "activity_scout", "activity_club", "activity_social")
ASSESSMENT_LABELS = {
    "reading": "การอ่าน คิดวิเคราะห์ และเขียน",
    "character": "คุณลักษณะอันพึงประสงค์",
    "activity_guidance": "กิจกรรมแนะแนว",
    "activity_scout": "กิจกรรมลูกเสือ/เนตรนารี/ยุวกาชาด",
    "activity_club": "กิจกรรมชุมนุม/ชมรม",
    "activity_social": "กิจกรรมเพื่อสังคมและสาธารณประโยชน์",
}


@dataclass(slots=True)
class AssessmentsResult(FindingsView):
    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _canonical(text: str, allowed: Sequence[str], aliases: Mapping[str, str]) -> str | None:
    t = thai_digits_to_arabic(text).replace(" ", "")
    if t in allowed:
        return t
    return aliases.get(t) or aliases.get(t.rstrip("."))


def check_assessment(raw: Mapping[str, object], row: int | None, out: list[Finding]) -> dict[str, object]:
    """Judge one pupil's assessments; return the cleaned row (None for an unreadable value)."""
    a = assessment()
    name = " ".join(t for t in (text_of(raw.get("first_name")), text_of(raw.get("last_name"))) if t) or "แถวนี้"
    cid, _ = clean_id(raw.get("citizen_id"))
    record: dict[str, object] = {
        "citizen_id": cid,
        "student_no": text_of(raw.get("student_no")) or None,
        "first_name": text_of(raw.get("first_name")),
        "last_name": text_of(raw.get("last_name")),
        "row": row,
    }
    for keys, allowed, aliases, fails, unknown in (
        (RATING_KEYS, a.rating, a.rating_aliases, a.rating_fail, ASSESS_RATING_UNKNOWN),
        (ACTIVITY_KEYS, a.activity, a.activity_aliases, a.activity_fail, ASSESS_ACTIVITY_UNKNOWN),
    ):
        for key in keys:
            label = ASSESSMENT_LABELS[key]
            text = text_of(raw.get(key))
            value = _canonical(text, allowed, aliases) if text else None
            if not text:
                out.append(A_REQUIRED.finding(key, row, label=f"{label} ของ {name}"))
            elif value is None:
                out.append(unknown.finding(key, row, text, label=label))
            elif value in fails:
                out.append(ASSESS_FAIL.finding(key, row, value, name=name, label=label))
            record[key] = value
    return record


def validate_assessments(
    rows: Sequence[tuple[int, Mapping[str, object]]],
    *,
    class_name: str = "",
    roster: Iterable[Pupil] | None = None,
    sheet: str = "",
) -> AssessmentsResult:
    """Judge the `assessments` form of one class and year (`finding.sheet` = "assessments")."""
    result = AssessmentsResult()
    for row, raw in rows:
        result.records.append(check_assessment(raw, row, result.findings))
    check_roster(result.records, roster, result.findings, class_name=class_name, sheet=sheet or "ผลการประเมิน")
    for f in result.findings:
        f.sheet = "assessments"
    return result
