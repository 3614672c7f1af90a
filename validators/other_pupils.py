"""Rules about the pupil list an LAO may attach to its other-affiliation counts (letter 003 §5.2(1)).

Letter 003 asks the LAO for the names of the pupils of each other-affiliation school it pays lunch and
milk for, not only their head counts. The list is optional (an LAO may send counts only), but when it is
sent it must be usable: a valid ID on every row (the server cross-checks each one against every roster
of the round, and a child paid for twice is the reason the list exists), a name, and a school that is on
the counts sheet. A list whose size differs from the school's head count is worth a second look, not a
refusal: the counts are what the money follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from validators.fields import GRADE_SPANS, OTHER_COUNT_KEYS, OTHER_GRADES, PREFIXES
from validators.findings import Finding, FindingsView, rule
from validators.normalize import clean_grade, clean_prefix, clean_text, thai_digits_to_arabic
from validators.records import GRADE_UNKNOWN, PREFIX_UNKNOWN, REQUIRED, _name, check_id

OTHER_PUPIL_SCHOOL_UNKNOWN = rule("OTHER_PUPIL_SCHOOL_UNKNOWN", "error", "other_pupils",
    "รหัสสถานศึกษา {value} ไม่มีในชีตจำนวนนักเรียนสังกัดอื่น ให้ใช้รหัสของโรงเรียนในชีตนั้น",
    "A listed pupil's school is not on the counts sheet")  # fmt: skip
OTHER_PUPIL_DUPLICATE = rule("OTHER_PUPIL_DUPLICATE", "error", "other_pupils",
    "เลขประจำตัว {value} ซ้ำกับแถว {other_row} ({name}) นักเรียนหนึ่งคนต้องมีเพียงแถวเดียว",
    "The same ID twice in the pupil list")  # fmt: skip
OTHER_PUPIL_GRADE_SPAN = rule("OTHER_PUPIL_GRADE_SPAN", "error", "other_pupils",
    "ชั้น {value} ไม่ได้เปิดสอนที่ {name} (เปิดสอน {span})",
    "A listed pupil's grade is not one the school teaches")  # fmt: skip
OTHER_PUPIL_COUNT_DIFFERS = rule("OTHER_PUPIL_COUNT_DIFFERS", "warning", "other_pupils",
    "{name} ({value}): รายชื่อนักเรียนมี {listed} คน แต่จำนวนนักเรียนในชีตจำนวนรวม {counted} คน กรุณาตรวจให้ตรงกัน",
    "The pupil list of a school does not match its head count")  # fmt: skip


@dataclass(slots=True)
class OtherPupilsResult(FindingsView):
    """Cleaned pupil rows (each with its Excel `row`) and every finding (sheet role "pupils")."""

    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _school_code(raw: Mapping[str, object]) -> str:
    text, _ = clean_text(raw.get("other_school_code"))
    return thai_digits_to_arabic(text).replace(" ", "").replace("-", "")


def check_other_pupil(
    raw: Mapping[str, object], row: int | None, schools: Mapping[str, Mapping[str, object]], out: list[Finding]
) -> dict[str, object]:
    """Judge one listed pupil against the schools of the counts sheet; return the cleaned record."""
    code = _school_code(raw)
    school = schools.get(code)
    if not code:
        out.append(REQUIRED.finding("other_school_code", row))
    elif school is None:
        out.append(OTHER_PUPIL_SCHOOL_UNKNOWN.finding("other_school_code", row, code))
    citizen_id = check_id(raw.get("citizen_id"), row, out)
    prefix, _ = clean_prefix(raw.get("prefix"))
    if prefix and prefix not in PREFIXES:
        out.append(PREFIX_UNKNOWN.finding("prefix", row, prefix))
    first_name = _name(raw, "first_name", row, out)
    last_name = _name(raw, "last_name", row, out)
    grade, _ = clean_grade(raw.get("grade"))
    if grade and grade not in OTHER_GRADES:
        out.append(GRADE_UNKNOWN.finding("grade", row, grade))
    elif grade and school is not None and school.get("grades") in GRADE_SPANS:
        span = str(school["grades"])
        if grade not in GRADE_SPANS[span]:
            taught = GRADE_SPANS[span]
            out.append(OTHER_PUPIL_GRADE_SPAN.finding("grade", row, grade, name=school.get("other_school_name") or code,
                                                      span=f"{taught[0]}–{taught[-1]}"))  # fmt: skip
    return {
        "other_school_code": code,
        "citizen_id": citizen_id,
        "prefix": prefix or None,
        "first_name": first_name,
        "last_name": last_name,
        "grade": grade or None,
    }


def validate_other_pupils(
    rows: Sequence[tuple[int, Mapping[str, object]]], counts: Sequence[Mapping[str, object]]
) -> OtherPupilsResult:
    """Judge the pupil list against the cleaned counts records (`validate_other_counts(...).records`)."""
    result = OtherPupilsResult()
    schools = {str(c["other_school_code"]): c for c in counts if c.get("other_school_code")}
    seen: dict[str, tuple[int, str]] = {}
    listed: dict[str, int] = {}
    for row, raw in rows:
        record = check_other_pupil(raw, row, schools, result.findings)
        record["row"] = row
        result.records.append(record)
        cid = str(record["citizen_id"] or "")
        if cid:
            first = seen.get(cid)
            if first is None:
                seen[cid] = (row, f"{record['first_name']} {record['last_name']}")
            else:
                result.findings.append(
                    OTHER_PUPIL_DUPLICATE.finding("citizen_id", row, cid, other_row=first[0], name=first[1])
                )
        code = str(record["other_school_code"])
        listed[code] = listed.get(code, 0) + 1
    for code, n in listed.items():
        school = schools.get(code)
        if school is None:
            continue
        counted = sum(int(school.get(k) or 0) for k in OTHER_COUNT_KEYS)
        if n != counted:
            result.findings.append(OTHER_PUPIL_COUNT_DIFFERS.finding(
                "other_school_code", None, code, name=school.get("other_school_name") or code,
                listed=n, counted=counted))  # fmt: skip
    for f in result.findings:
        f.sheet = "pupils"
    return result
