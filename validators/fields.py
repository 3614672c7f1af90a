"""The vocabulary every part shares: forms, column keys, Thai headers and the closed lists.

Templates write these keys into their hidden key row, readers map columns back by them, rules name
them in findings and the server stores them. Keeping them in one module means a column is renamed in
one place or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMS = ("school", "cdc", "other")
"""The three templates: a school/college roster, a child-centre roster, an LAO's other-affiliation counts."""

FORM_TITLES = {
    "school": "ทะเบียนนักเรียน (โรงเรียน/วิทยาลัย)",
    "cdc": "ทะเบียนเด็กเล็ก (ศูนย์พัฒนาเด็กเล็ก)",
    "other": "จำนวนนักเรียนสถานศึกษาสังกัดอื่น",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One input column of a template: its stable key, its Thai header and what the cell holds."""

    key: str
    header: str
    kind: str  # "text" | "id" | "date" | "list" | "count"
    required: bool = False
    list_name: str | None = None  # the defined name of its dropdown list, for kind == "list"
    width: float = 14


# --- closed lists -------------------------------------------------------------------------------------

PREFIXES = ("เด็กชาย", "เด็กหญิง", "นาย", "นางสาว")
PREFIX_ABBREVIATIONS = {
    "ด.ช.": "เด็กชาย",
    "ด.ช": "เด็กชาย",
    "ดช.": "เด็กชาย",
    "ดช": "เด็กชาย",
    "ด.ญ.": "เด็กหญิง",
    "ด.ญ": "เด็กหญิง",
    "ดญ.": "เด็กหญิง",
    "ดญ": "เด็กหญิง",
    "น.ส.": "นางสาว",
    "น.ส": "นางสาว",
    "นส.": "นางสาว",
    "นส": "นางสาว",
    "ด.ชาย": "เด็กชาย",
    "ด.หญิง": "เด็กหญิง",
}
PREFIX_SEX = {"เด็กชาย": "ชาย", "นาย": "ชาย", "เด็กหญิง": "หญิง", "นางสาว": "หญิง"}
CHILD_PREFIXES = frozenset({"เด็กชาย", "เด็กหญิง"})
ADULT_PREFIX_AGE = 15
"""Children's prefixes change to นาย/นางสาว at 15 (Thai Name Act)."""

SEXES = ("ชาย", "หญิง")
SEX_ALIASES = {
    "ช": "ชาย",
    "ช.": "ชาย",
    "m": "ชาย",
    "male": "ชาย",
    "ผู้ชาย": "ชาย",
    "ญ": "หญิง",
    "ญ.": "หญิง",
    "f": "หญิง",
    "female": "หญิง",
    "ผู้หญิง": "หญิง",
}

NATIONALITIES = ("ไทย", "เมียนมา", "ลาว", "กัมพูชา", "เวียดนาม", "จีน", "มาเลเซีย", "ไม่มีสัญชาติ", "อื่น ๆ")
THAI_NATIONALITY = "ไทย"
NATIONALITY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ไทย": ("thai", "thailand", "ไทยแลนด์", "ประเทศไทย"),
    "เมียนมา": ("พม่า", "เมียนมาร์", "เมียนม่า", "เมียนมาร์พม่า", "เมียนมาพม่า", "ประเทศพม่า",
                "myanmar", "burmese", "burma", "myanmese"),
    "ลาว": ("สปปลาว", "ประเทศลาว", "lao", "laos", "laotian"),
    "กัมพูชา": ("เขมร", "ประเทศกัมพูชา", "cambodian", "cambodia", "khmer"),
    "เวียดนาม": ("เวียตนาม", "ญวน", "ประเทศเวียดนาม", "vietnamese", "vietnam"),
    "จีน": ("ประเทศจีน", "chinese", "china"),
    "มาเลเซีย": ("มาเลย์", "ประเทศมาเลเซีย", "malaysian", "malaysia"),
    "ไม่มีสัญชาติ": ("ไร้สัญชาติ", "บุคคลไร้สัญชาติ", "บุคคลไม่มีสัญชาติ", "stateless"),
    "อื่น ๆ": ("อื่น", "other", "others"),
}  # fmt: skip
"""Other spellings of each listed nationality, as clerks type them (old country names, English, the
word สัญชาติ in front). Compared after `nationality_key` folds case, spaces and dots away, so `Thai`,
` thai ` and `สัญชาติไทย` all read as ไทย. Data, not code: add a spelling here and nowhere else."""

# Grades in school order. Each has the age (full years on 16 May) at which a pupil normally studies it:
# อ.1 at 3, ป.1 "in the 7th year of life" = 6, and so on; vocational after ม.3.
GRADES: tuple[str, ...] = (
    "อ.1", "อ.2", "อ.3",
    "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6",
    "ม.1", "ม.2", "ม.3", "ม.4", "ม.5", "ม.6",
    "ปวช.1", "ปวช.2", "ปวช.3", "ปวส.1", "ปวส.2",
)  # fmt: skip
GRADE_TYPICAL_AGE = {
    g: a for g, a in zip(GRADES, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 15, 16, 17, 18, 19], strict=True)
}
GRADE_MIN_AGE = {"อ.1": 3, "อ.2": 4, "อ.3": 5, "ป.1": 6}
"""Legal admission minimums (domain.md). Other grades take their typical age less one as the minimum."""
ADMISSION_GRADES = frozenset(GRADE_MIN_AGE)
GRADE_KEYS = {g: k for g, k in zip(GRADES, [
    "k1", "k2", "k3", "p1", "p2", "p3", "p4", "p5", "p6", "m1", "m2", "m3", "m4", "m5", "m6",
    "v1", "v2", "v3", "h1", "h2"], strict=True)}  # fmt: skip
GRADE_ALIASES = {
    "อนุบาล1": "อ.1", "อนุบาล2": "อ.2", "อนุบาล3": "อ.3",
    "ประถมศึกษาปีที่1": "ป.1", "ประถมศึกษาปีที่2": "ป.2", "ประถมศึกษาปีที่3": "ป.3",
    "ประถมศึกษาปีที่4": "ป.4", "ประถมศึกษาปีที่5": "ป.5", "ประถมศึกษาปีที่6": "ป.6",
    "มัธยมศึกษาปีที่1": "ม.1", "มัธยมศึกษาปีที่2": "ม.2", "มัธยมศึกษาปีที่3": "ม.3",
    "มัธยมศึกษาปีที่4": "ม.4", "มัธยมศึกษาปีที่5": "ม.5", "มัธยมศึกษาปีที่6": "ม.6",
}  # fmt: skip
LEVELS = {
    "อนุบาล": ("อ.1", "อ.2", "อ.3"),
    "ประถมศึกษา": ("ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"),
    "มัธยมศึกษาตอนต้น": ("ม.1", "ม.2", "ม.3"),
    "มัธยมศึกษาตอนปลาย": ("ม.4", "ม.5", "ม.6"),
    "ปวช.": ("ปวช.1", "ปวช.2", "ปวช.3"),
    "ปวส.": ("ปวส.1", "ปวส.2"),
}

GRADES_BY_KIND: dict[str, tuple[str, ...]] = {
    "school": GRADES[:15],
    "college": GRADES[15:],
    "cdc": (),
}
"""The grades each kind of institution teaches: a school อ.1–ม.6, a college vocational grades only, a
child centre none (its children are grouped by age)."""
GRADE_SPAN_TH = {
    "school": "โรงเรียนมีชั้น อ.1–ม.6",
    "college": "วิทยาลัยมีเฉพาะชั้น ปวช.1–3 และ ปวส.1–2",
    "cdc": "ศูนย์พัฒนาเด็กเล็กไม่แบ่งชั้น นับตามช่วงอายุ",
}

CDC_MIN_AGE = 2
"""Child centres admit children of at least 2 full years (letter 000 §4.3.2)."""
CDC_USUAL_MAX_AGE = 5
"""A child of 6 on 16 May belongs in ป.1; older than this in a child centre is unusual."""
CDC_IMPOSSIBLE_AGE = 8

# Other-affiliation counts: อ.1 to ป.6, and to ม.3 for extended-opportunity schools.
OTHER_GRADES = GRADES[:12]
OTHER_COUNT_KEYS = tuple(f"{GRADE_KEYS[g]}_{s}" for g in OTHER_GRADES for s in ("m", "f"))
GRADE_SPANS: dict[str, tuple[str, ...]] = {
    "k1-p6": OTHER_GRADES[:9],
    "k1-m3": OTHER_GRADES,
    "p1-m3": OTHER_GRADES[3:],
}
"""The three shapes of an other-affiliation school (domain.md): an ordinary primary school and the two
kinds of extended-opportunity school. The registry keeps each school's span; grades outside it are not
counts to type."""
GRADE_SPAN_LABELS = {
    "k1-p6": "อ.1–ป.6",
    "k1-m3": "อ.1–ม.3 (ขยายโอกาส)",
    "p1-m3": "ป.1–ม.3 (ขยายโอกาส)",
}
SPAN_BY_LABEL = {label: key for key, label in GRADE_SPAN_LABELS.items()}


def span_count_keys(span: str | None) -> tuple[str, ...]:
    """The count keys of the grades a span teaches (every key when the span is unknown)."""
    grades = GRADE_SPANS.get(span or "", OTHER_GRADES)
    return tuple(k for k in OTHER_COUNT_KEYS if _OTHER_GRADE_BY_KEY[k.rsplit("_", 1)[0]] in grades)


_OTHER_GRADE_BY_KEY = {GRADE_KEYS[g]: g for g in OTHER_GRADES}

# Child centres: children are grouped by age on 16 May (letter 003 §5.3.2), and the centre reports its
# "other basic data" on a sheet of its own.
CDC_AGE_GROUPS: dict[str, str] = {"a2": "2–3 ปี", "a3": "3–4 ปี", "a4": "4–5 ปี", "a5": "5 ปีขึ้นไป"}
"""Age-group keys and labels: `a2` is a child of 2 full years on 16 May (so between 2 and 3), and so on.
Children of 5 and over are unusual in a centre (a warning) but still counted, under `a5`."""


def cdc_age_group(age: int) -> str | None:
    """The age-group key of a child's age in full years on 16 May (None below the admission age)."""
    if age < CDC_MIN_AGE:
        return None
    return f"a{min(age, 5)}"


# The removed-children register (letter 003 §4.3.4 gives reasons 1-3; ordinary leavers are removals too:
# "continued" is a pupil whose next grade the institution does not teach, see validators/promotion.py).
REMOVAL_REASONS = {
    "never_came": "1) มาสมัครแล้วไม่มาเรียน หรือไปเรียนที่อื่นโดยไม่แจ้ง",
    "left_without_notice": "2) ออกจากสถานศึกษาโดยไม่ได้ลาออก",
    "unreachable": "3) ขาดเรียน ไม่มาเรียน และติดต่อไม่ได้",
    "moved": "ย้ายสถานศึกษา",
    "graduated": "จบการศึกษา",
    "continued": "ย้ายไปเรียนต่อ",
    "deceased": "เสียชีวิต",
    "other": "อื่น ๆ (ระบุ)",
}
REMOVAL_REASON_BY_LABEL = {label: key for key, label in REMOVAL_REASONS.items()}

YES_NO = ("ใช่", "ไม่ใช่")

# --- the columns of each sheet ------------------------------------------------------------------------

PUPIL_COLUMNS: tuple[Column, ...] = (
    Column("citizen_id", "เลขประจำตัวประชาชน / G-Code", "id", True, width=19),
    Column("prefix", "คำนำหน้าชื่อ", "list", True, "list_prefix", 11),
    Column("first_name", "ชื่อ", "text", True, width=16),
    Column("last_name", "นามสกุล", "text", True, width=18),
    Column("sex", "เพศ", "list", True, "list_sex", 7),
    Column("birth_date", "วันเดือนปีเกิด (วว/ดด/ปปปป พ.ศ.)", "date", True, width=15),
    Column("grade", "ชั้น", "list", True, "list_grade", 8),
    Column("room", "ห้อง", "text", False, width=7),
    Column("nationality", "สัญชาติ", "list", True, "list_nationality", 11),
    Column("entry_date", "วันที่ย้ายเข้า (ถ้ามี)", "date", False, width=14),
)
CHILD_COLUMNS: tuple[Column, ...] = tuple(c for c in PUPIL_COLUMNS if c.key != "grade")
REMOVAL_COLUMNS: tuple[Column, ...] = (
    Column("citizen_id", "เลขประจำตัวประชาชน / G-Code", "id", True, width=19),
    Column("prefix", "คำนำหน้าชื่อ", "list", False, "list_prefix", 11),
    Column("first_name", "ชื่อ", "text", True, width=16),
    Column("last_name", "นามสกุล", "text", True, width=18),
    Column("removed_on", "วันที่นำออก", "date", True, width=14),
    Column("reason", "เหตุผลที่นำออก", "list", True, "list_reason", 34),
    Column("note", "หมายเหตุ", "text", False, width=30),
)
PUPIL_KEYS: tuple[str, ...] = tuple(c.key for c in PUPIL_COLUMNS)
"""A pupil row's keys in template order: what the server stores and the consolidated books list."""
REMOVAL_KEYS: tuple[str, ...] = tuple(c.key for c in REMOVAL_COLUMNS)
DATE_KEYS = frozenset(c.key for c in (*PUPIL_COLUMNS, *REMOVAL_COLUMNS) if c.kind == "date")
OTHER_COLUMNS: tuple[Column, ...] = (
    Column("other_school_code", "รหัสสถานศึกษา (สังกัดอื่น)", "text", True, width=14),
    Column("other_school_name", "ชื่อสถานศึกษา", "text", True, width=28),
    Column("affiliation", "สังกัด", "text", False, width=10),
    Column("grades", "ชั้นที่เปิดสอน", "list", False, "list_grade_span", 17),
    Column("closed", "ยุบเลิกแล้ว", "list", True, "list_yes_no", 9),
    *(
        Column(key, f"{grade} {'ชาย' if key.endswith('_m') else 'หญิง'}", "count", True, width=7)
        for key, grade in zip(OTHER_COUNT_KEYS, [g for g in OTHER_GRADES for _ in (0, 1)], strict=True)
    ),
)

OTHER_PUPIL_COLUMNS: tuple[Column, ...] = (
    Column("other_school_code", "รหัสสถานศึกษา (สังกัดอื่น)", "text", True, width=14),
    Column("citizen_id", "เลขประจำตัวประชาชน / G-Code", "id", True, width=19),
    Column("prefix", "คำนำหน้าชื่อ", "list", False, "list_prefix", 11),
    Column("first_name", "ชื่อ", "text", True, width=16),
    Column("last_name", "นามสกุล", "text", True, width=18),
    Column("grade", "ชั้น", "list", False, "list_grade", 8),
)
"""The pupils of each other-affiliation school, by name (letter 003 §5.2(1)): optional, one row a pupil.
When an LAO sends it, every ID is cross-checked against all rosters of the round."""
OTHER_PUPIL_KEYS: tuple[str, ...] = tuple(c.key for c in OTHER_PUPIL_COLUMNS)

CDC_BASIC_COLUMNS: tuple[Column, ...] = (
    Column("caregivers", "ครูผู้ดูแลเด็ก (คน)", "count", True, width=12),
    Column("assistants", "ผู้ดูแลเด็ก/ผู้ช่วย (คน)", "count", True, width=12),
    Column("classrooms", "ห้องเรียน (ห้อง)", "count", True, width=11),
    Column("capacity", "รับเด็กได้ (คน)", "count", True, width=11),
    Column("head_name", "ชื่อ-นามสกุล หัวหน้าศูนย์", "text", True, width=28),
    Column("head_phone", "โทรศัพท์ติดต่อ", "text", True, width=14),
)
"""A child centre's "other basic data" (letter 003 §5.3.2): one row on its own sheet."""
CDC_BASIC_KEYS: tuple[str, ...] = tuple(c.key for c in CDC_BASIC_COLUMNS)

OPTIONAL_KEYS = frozenset({"grades"})
"""Columns added after templates were already in use: a file without them still reads."""
OPTIONAL_ROLES = frozenset({("cdc", "basic"), ("other", "pupils")})
"""Sheets added after templates were already in use: a file without them still reads (a centre's
basic data is then simply missing, which its confirmation notices; an LAO's file without the pupil list
of its other-affiliation schools sends counts only)."""

SHEETS = {
    "school": {"roster": "นักเรียน", "removed": "นำออก"},
    "cdc": {"roster": "เด็กเล็ก", "removed": "นำออก", "basic": "ข้อมูลพื้นฐาน"},
    "other": {"counts": "สังกัดอื่น", "pupils": "รายชื่อนักเรียนสังกัดอื่น"},
}
"""Visible sheet names per form and role. Readers find sheets by the metadata, not by these names."""

COLUMNS_BY_ROLE = {
    ("school", "roster"): PUPIL_COLUMNS,
    ("school", "removed"): REMOVAL_COLUMNS,
    ("cdc", "roster"): CHILD_COLUMNS,
    ("cdc", "removed"): REMOVAL_COLUMNS,
    ("other", "counts"): OTHER_COLUMNS,
    ("cdc", "basic"): CDC_BASIC_COLUMNS,
    ("other", "pupils"): OTHER_PUPIL_COLUMNS,
}

HEADER_BY_KEY = {c.key: c.header for cols in COLUMNS_BY_ROLE.values() for c in cols}
_SHORT_LABELS = {
    "citizen_id": "เลขประจำตัว",
    "birth_date": "วันเกิด",
    "entry_date": "วันที่ย้ายเข้า",
    "other_school_code": "รหัสสถานศึกษา",
}

DROPDOWN_LISTS: dict[str, tuple[str, ...]] = {
    "list_prefix": PREFIXES,
    "list_sex": SEXES,
    "list_grade": GRADES,
    "list_nationality": NATIONALITIES,
    "list_reason": tuple(REMOVAL_REASONS.values()),
    "list_yes_no": YES_NO,
    "list_grade_span": tuple(GRADE_SPAN_LABELS.values()),
}


# --- the chain, as every screen and sheet names it ------------------------------------------------------

STATE_TH = {
    "confirmed": "ยืนยันแล้ว",
    "uploaded": "ส่งข้อมูลแล้ว รอยืนยัน",
    "not_uploaded": "ยังไม่ส่งข้อมูล",
    "unconfirmed": "ยังไม่ยืนยัน",
    "corrected": "แก้ไขแล้ว (รอบแก้ไขข้อมูล)",
    "unchanged": "ไม่เปลี่ยนแปลง (ใช้ข้อมูลที่ยืนยันไว้)",
}
"""A unit's state in the chain; the web pages, the add-in's status sheet and the consolidated books all
say it with these words, so a clerk never sees two names for one state."""
PHASE_TH = {"upcoming": "ยังไม่เปิดระบบ", "open": "เปิดรับข้อมูล", "closed": "ปิดระบบแล้ว"}


def header_of(key: str) -> str:
    """The short Thai name of a column key for messages ("วันเกิด", not the header's typing hint)."""
    return _SHORT_LABELS.get(key) or HEADER_BY_KEY.get(key, key)
