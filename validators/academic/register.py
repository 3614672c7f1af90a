"""The registrar's pupil register (`register` form): what the Ministry's documents need of each pupil
and the census does not hold.

Per pupil: the school's student number, the parents' names, the date of entry and the previous school,
the date and reason of leaving, and the series and number of the pupil's ปพ.1 (transcript form). The
rows are pre-filled from the census roster (ID, name, birth date, class: locked); the registrar types the
rest. These facts go on the graduate report ปพ.3, the document kept for good, so they are checked as
hard as the census: a date that cannot be read, a pupil entering before being born or leaving before
entering, a leaving date without its reason (or the reverse), a ปพ.1 number given twice (in the file, or
already the number of another pupil of the school: `pp1_taken`, run by the server that holds the register).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from validators.academic.common import A_REQUIRED, text_of
from validators.academic.results import check_roster
from validators.findings import Finding, FindingsView, rule
from validators.normalize import DateProblem, clean_id, format_thai_date, parse_date, thai_digits_to_arabic

REGISTER_KEYS = ("citizen_id", "first_name", "last_name", "birth_date", "class_name", "student_no", "father_name",
                 "mother_name", "entry_date", "previous_school", "leave_date", "leave_reason", "pp1_series",
                 "pp1_number")  # fmt: skip
REGISTER_LABELS = {
    "citizen_id": "เลขประจำตัวประชาชน",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "birth_date": "วันเกิด",
    "class_name": "ชั้น",
    "student_no": "เลขประจำตัวนักเรียน",
    "father_name": "ชื่อ-นามสกุลบิดา",
    "mother_name": "ชื่อ-นามสกุลมารดา",
    "entry_date": "วันที่เข้าเรียน",
    "previous_school": "โรงเรียนเดิม",
    "leave_date": "วันที่ออก",
    "leave_reason": "สาเหตุที่ออก",
    "pp1_series": "ปพ.1 ชุดที่",
    "pp1_number": "ปพ.1 เลขที่",
}
LEAVE_REASONS = ("จบการศึกษา", "ย้ายสถานศึกษา", "ลาออก", "ออกกลางคัน", "เสียชีวิต", "อื่น ๆ")
"""Why a pupil left the school's register (the closed list of the form's dropdown)."""

REGISTER_DATE = rule("REGISTER_DATE", "error", "academic_register",
    "{label} “{value}” อ่านเป็นวันที่ไม่ได้ ให้กรอกเป็น วว/ดด/ปปปป พ.ศ. เช่น 16/05/2567",
    "A date of the register cannot be read")  # fmt: skip
REGISTER_ENTRY_BEFORE_BIRTH = rule("REGISTER_ENTRY_BEFORE_BIRTH", "error", "academic_register",
    "{name}: วันที่เข้าเรียน {value} อยู่ก่อนวันเกิด {birth}",
    "The date of entry is before the pupil's birth")  # fmt: skip
REGISTER_LEAVE_BEFORE_ENTRY = rule("REGISTER_LEAVE_BEFORE_ENTRY", "error", "academic_register",
    "{name}: วันที่ออก {value} อยู่ก่อนวันที่เข้าเรียน {entry}",
    "The date of leaving is before the date of entry")  # fmt: skip
REGISTER_LEAVE_INCOMPLETE = rule("REGISTER_LEAVE_INCOMPLETE", "error", "academic_register",
    "{name}: กรอก{given}แล้ว ต้องกรอก{missing}ด้วย",
    "A date of leaving needs its reason, and a reason its date")  # fmt: skip
REGISTER_LEAVE_REASON = rule("REGISTER_LEAVE_REASON", "error", "academic_register",
    "สาเหตุที่ออก “{value}” ต้องเป็นอย่างใดอย่างหนึ่งของ {allowed}",
    "The reason of leaving is not one of the list")  # fmt: skip
REGISTER_PP1_INCOMPLETE = rule("REGISTER_PP1_INCOMPLETE", "error", "academic_register",
    "{name}: กรอก{given}แล้ว ต้องกรอก{missing}ด้วย",
    "A ปพ.1 number needs its series, and a series its number")  # fmt: skip
REGISTER_PP1_FORMAT = rule("REGISTER_PP1_FORMAT", "error", "academic_register",
    "ปพ.1 เลขที่ “{value}” ต้องเป็นตัวเลข",
    "A ปพ.1 number is digits")  # fmt: skip
REGISTER_PP1_DUPLICATE = rule("REGISTER_PP1_DUPLICATE", "error", "academic_register",
    "ปพ.1 ชุดที่ {series} เลขที่ {value} ซ้ำกับแถว {other_row} (แบบ ปพ.1 หนึ่งฉบับเป็นของนักเรียนคนเดียว)",
    "The same ปพ.1 series and number for two pupils of the file")  # fmt: skip
REGISTER_PP1_TAKEN = rule("REGISTER_PP1_TAKEN", "error", "academic_register",
    "ปพ.1 ชุดที่ {series} เลขที่ {value} เป็นของนักเรียนเลขประจำตัว {other} ในทะเบียนของสถานศึกษาแล้ว",
    "The ปพ.1 series and number is already another pupil's in the school's register")  # fmt: skip
REGISTER_UNKNOWN_PUPIL = rule("REGISTER_UNKNOWN_PUPIL", "error", "academic_register",
    "{name} ({value}) ไม่อยู่ในทะเบียนสำรวจที่ยืนยันแล้วหรือทะเบียนนักเรียนของสถานศึกษา ห้ามเพิ่มแถวเอง",
    "A pupil of the register is neither on the school's confirmed census nor already in its register")  # fmt: skip
REGISTER_STUDENT_NO_DUPLICATE = rule("REGISTER_STUDENT_NO_DUPLICATE", "error", "academic_register",
    "เลขประจำตัวนักเรียน {value} ซ้ำกับแถว {other_row}",
    "The same student number for two pupils")  # fmt: skip


@dataclass(slots=True)
class RegisterResult(FindingsView):
    """The register's rows cleaned (dates as `date`) and the findings (`sheet` = "register")."""

    records: list[dict[str, object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _date(raw: Mapping[str, object], key: str, row: int | None, out: list[Finding]) -> date | None:
    try:
        value, _ = parse_date(raw.get(key))
    except DateProblem:
        out.append(REGISTER_DATE.finding(key, row, text_of(raw.get(key)), label=REGISTER_LABELS[key]))
        return None
    return value


def _pp1_number(text: str) -> str:
    return thai_digits_to_arabic(text).replace(" ", "")


def check_register_row(raw: Mapping[str, object], row: int | None, out: list[Finding]) -> dict[str, object]:
    """Judge one pupil's register row; return it cleaned."""
    name = " ".join(t for t in (text_of(raw.get("first_name")), text_of(raw.get("last_name"))) if t) or "แถวนี้"
    record: dict[str, object] = {k: text_of(raw.get(k)) or None for k in REGISTER_KEYS}
    record["row"] = row
    record["citizen_id"], _ = clean_id(raw.get("citizen_id"))
    if not record["student_no"]:
        out.append(A_REQUIRED.finding("student_no", row, label=f"{REGISTER_LABELS['student_no']} ของ {name}"))
    birth = _date(raw, "birth_date", row, out)
    entry = _date(raw, "entry_date", row, out)
    leave = _date(raw, "leave_date", row, out)
    if raw.get("entry_date") in (None, ""):
        out.append(A_REQUIRED.finding("entry_date", row, label=f"{REGISTER_LABELS['entry_date']} ของ {name}"))
    record.update(birth_date=birth, entry_date=entry, leave_date=leave)
    if birth and entry and entry < birth:
        out.append(REGISTER_ENTRY_BEFORE_BIRTH.finding("entry_date", row, format_thai_date(entry), name=name,
                                                       birth=format_thai_date(birth)))  # fmt: skip
    if entry and leave and leave < entry:
        out.append(REGISTER_LEAVE_BEFORE_ENTRY.finding("leave_date", row, format_thai_date(leave), name=name,
                                                       entry=format_thai_date(entry)))  # fmt: skip
    reason = record["leave_reason"]
    if reason and reason not in LEAVE_REASONS:
        out.append(REGISTER_LEAVE_REASON.finding("leave_reason", row, reason, allowed=" ".join(LEAVE_REASONS)))
    has_leave = raw.get("leave_date") not in (None, "")
    if has_leave != bool(reason):
        given, missing = ("leave_date", "leave_reason") if has_leave else ("leave_reason", "leave_date")
        out.append(REGISTER_LEAVE_INCOMPLETE.finding(missing, row, name=name, given=REGISTER_LABELS[given],
                                                     missing=REGISTER_LABELS[missing]))  # fmt: skip
    series, number = record["pp1_series"], record["pp1_number"]
    if number:
        record["pp1_number"] = number = _pp1_number(str(number))
        if not str(number).isdigit():
            out.append(REGISTER_PP1_FORMAT.finding("pp1_number", row, number))
    if bool(series) != bool(number):
        given, missing = ("pp1_series", "pp1_number") if series else ("pp1_number", "pp1_series")
        out.append(REGISTER_PP1_INCOMPLETE.finding(missing, row, name=name, given=REGISTER_LABELS[given],
                                                   missing=REGISTER_LABELS[missing]))  # fmt: skip
    return record


def pp1_key(record: Mapping[str, object]) -> tuple[str, str] | None:
    """(series, number) of a record's ปพ.1, None when it has none (yet)."""
    series, number = record.get("pp1_series"), record.get("pp1_number")
    return (str(series), str(number)) if series and number else None


def validate_register(rows: Sequence[tuple[int, Mapping[str, object]]]) -> RegisterResult:
    """Judge a `register` workbook: each row, then the file as a whole (IDs, student numbers and ปพ.1
    numbers each once)."""
    result = RegisterResult()
    out = result.findings
    pp1_rows: dict[tuple[str, str], int | None] = {}
    numbers: dict[str, int | None] = {}
    for row, raw in rows:
        if not any(v not in (None, "") for v in raw.values()):
            continue
        record = check_register_row(raw, row, out)
        result.records.append(record)
        key = pp1_key(record)
        if key is not None:
            if key in pp1_rows:
                out.append(REGISTER_PP1_DUPLICATE.finding("pp1_number", row, key[1], series=key[0],
                                                          other_row=pp1_rows[key]))  # fmt: skip
            else:
                pp1_rows[key] = row
        no = record["student_no"]
        if isinstance(no, str):
            if no in numbers:
                out.append(REGISTER_STUDENT_NO_DUPLICATE.finding("student_no", row, no, other_row=numbers[no]))
            else:
                numbers[no] = row
    check_roster(result.records, None, out, class_name="", sheet="register")
    for f in out:
        f.sheet = "register"
    return result


def pp1_taken(records: Sequence[Mapping[str, object]], taken: Mapping[tuple[str, str], str]) -> list[Finding]:
    """Rows whose ปพ.1 series and number already belong to another pupil of the school (`taken`: the
    stored register's (series, number) -> citizen ID)."""
    out = []
    for r in records:
        key = pp1_key(r)
        other = taken.get(key) if key else None
        if key and other and other != r["citizen_id"]:
            f = REGISTER_PP1_TAKEN.finding("pp1_number", r["row"], key[1], series=key[0], other=other)  # type: ignore[arg-type]
            f.sheet = "register"
            out.append(f)
    return out


def entry_before_birth(records: Sequence[Mapping[str, object]], births: Mapping[str, date]) -> list[Finding]:
    """The entry-before-birth rule against the census's birth dates (the server's; the workbook's column
    is only a copy): the same rule, with the date the server trusts."""
    out = []
    for r in records:
        birth, entry = births.get(str(r["citizen_id"])), r.get("entry_date")
        if birth and isinstance(entry, date) and entry < birth and r.get("birth_date") != birth:
            name = f"{r.get('first_name') or ''} {r.get('last_name') or ''}".strip()
            f = REGISTER_ENTRY_BEFORE_BIRTH.finding("entry_date", r["row"], format_thai_date(entry), name=name,  # type: ignore[arg-type]
                                                    birth=format_thai_date(birth))  # fmt: skip
            f.sheet = "register"
            out.append(f)
    return out


def unknown_pupils(records: Sequence[Mapping[str, object]], known: Collection[str]) -> list[Finding]:
    """Rows of pupils the school does not have (`known`: its census pupils and its register's)."""
    out = []
    for r in records:
        cid = str(r.get("citizen_id") or "")
        if cid and cid not in known:
            name = f"{r.get('first_name') or ''} {r.get('last_name') or ''}".strip()
            f = REGISTER_UNKNOWN_PUPIL.finding("citizen_id", r["row"], cid, name=name)  # type: ignore[arg-type]
            f.sheet = "register"
            out.append(f)
    return out
