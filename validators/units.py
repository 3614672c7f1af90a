"""Unit codes: provinces, LAOs and institutions, and the type digit that ties an institution to its LAO.

An LAO code is 8 digits whose first two give its type (02 PAO, 03 city, 04 town, 05 subdistrict
municipality, 06 SAO). An institution code is 10 digits `30xxTxxxxx` whose fifth digit T says what
it is and who owns it (1-3 schools, 4-6 child centres, of a PAO, a municipality or an SAO).
"""

from __future__ import annotations

from validators.findings import Finding, rule

LAO_KINDS = {"pao": "02", "city": "03", "town": "04", "subdistrict": "05", "sao": "06"}
LAO_KIND_BY_PREFIX = {v: k for k, v in LAO_KINDS.items()}
LAO_KIND_TH = {
    "pao": "องค์การบริหารส่วนจังหวัด",
    "city": "เทศบาลนคร",
    "town": "เทศบาลเมือง",
    "subdistrict": "เทศบาลตำบล",
    "sao": "องค์การบริหารส่วนตำบล",
}
INSTITUTION_KINDS = ("school", "college", "cdc")
UNIT_KINDS = ("province", *LAO_KINDS, *INSTITUTION_KINDS, "other_school")

# Type digit T by owner family: PAO 1/4, municipality 2/5, SAO 3/6 (school / child centre).
_OWNER_FAMILY = {"pao": "pao", "city": "municipality", "town": "municipality", "subdistrict": "municipality",
                 "sao": "sao"}  # fmt: skip
_TYPE_DIGITS = {("pao", False): "1", ("municipality", False): "2", ("sao", False): "3",
                ("pao", True): "4", ("municipality", True): "5", ("sao", True): "6"}  # fmt: skip

UNIT_KIND_UNKNOWN = rule("UNIT_KIND_UNKNOWN", "error", "units",
    "ประเภทหน่วยงาน “{value}” ไม่อยู่ในรายการ",
    "Unknown unit kind")  # fmt: skip
PROVINCE_CODE = rule("PROVINCE_CODE", "error", "units",
    "รหัสจังหวัด “{value}” ต้องเป็นตัวเลข 2 หลัก (10–96)",
    "A province code is 2 digits, 10-96")  # fmt: skip
LAO_CODE = rule("LAO_CODE", "error", "units",
    "รหัส อปท. “{value}” ต้องเป็นตัวเลข 8 หลัก ขึ้นต้นด้วย {prefix} ({kind})",
    "An LAO code is 8 digits starting with its type (02 PAO … 06 SAO)")  # fmt: skip
INSTITUTION_CODE = rule("INSTITUTION_CODE", "error", "units",
    "รหัสสถานศึกษา “{value}” ต้องเป็นตัวเลข 10 หลัก รูปแบบ 30xxTxxxxx",
    "An institution code is 10 digits, 30xxTxxxxx")  # fmt: skip
INSTITUTION_TYPE_DIGIT = rule("INSTITUTION_TYPE_DIGIT", "error", "units",
    "รหัสสถานศึกษา {value} หลักที่ 5 คือ {digit} แต่{what}ของ{owner} ต้องเป็น {expected}",
    "The institution's type digit does not agree with its kind and its LAO's type")  # fmt: skip
OTHER_SCHOOL_CODE = rule("OTHER_SCHOOL_CODE", "error", "units",
    "รหัสสถานศึกษาสังกัดอื่น “{value}” ต้องเป็นตัวเลข 8 หรือ 10 หลัก",
    "An other-affiliation school code is 8 or 10 digits")  # fmt: skip
PARENT_REQUIRED = rule("PARENT_REQUIRED", "error", "units",
    "หน่วยงาน {value} ต้องระบุหน่วยงานต้นสังกัด ({parent_kind})",
    "The unit needs a parent of the right level")  # fmt: skip


def lao_kind(code: str) -> str | None:
    return LAO_KIND_BY_PREFIX.get(code[:2]) if len(code) == 8 else None


def validate_unit_code(
    code: str, kind: str, parent: str | None = None, parent_kind: str | None = None
) -> list[Finding]:
    """Check a registry row: the code's format for its kind and, for an institution, its type digit
    against the owning LAO (`parent`, whose kind is read from its code when not given)."""
    out: list[Finding] = []
    digits = code.isascii() and code.isdigit()
    if kind not in UNIT_KINDS:
        out.append(UNIT_KIND_UNKNOWN.finding(None, value=kind))
    elif kind == "province":
        if not (digits and len(code) == 2 and 10 <= int(code) <= 96):
            out.append(PROVINCE_CODE.finding(None, value=code))
    elif kind in LAO_KINDS:
        if not (digits and len(code) == 8 and code[:2] == LAO_KINDS[kind]):
            out.append(LAO_CODE.finding(None, value=code, prefix=LAO_KINDS[kind], kind=LAO_KIND_TH[kind]))
        if parent is not None and not (parent.isdigit() and len(parent) == 2):
            out.append(PARENT_REQUIRED.finding(None, value=code, parent_kind="จังหวัด"))
    elif kind in INSTITUTION_KINDS:
        if not (digits and len(code) == 10 and code.startswith("30") and code[4] in "123456"):
            out.append(INSTITUTION_CODE.finding(None, value=code))
        else:
            owner = parent_kind or (lao_kind(parent) if parent else None)
            is_cdc = kind == "cdc"
            if owner in _OWNER_FAMILY:
                expected = _TYPE_DIGITS[(_OWNER_FAMILY[owner], is_cdc)]
                if code[4] != expected:
                    out.append(
                        INSTITUTION_TYPE_DIGIT.finding(
                            None,
                            value=code,
                            digit=code[4],
                            expected=expected,
                            what="ศูนย์พัฒนาเด็กเล็ก" if is_cdc else "โรงเรียน/วิทยาลัย",
                            owner=LAO_KIND_TH[owner],
                        )
                    )
            elif parent is not None:
                out.append(PARENT_REQUIRED.finding(None, value=code, parent_kind="อปท."))
            elif (code[4] in "456") != is_cdc:
                out.append(
                    INSTITUTION_TYPE_DIGIT.finding(
                        None,
                        value=code,
                        digit=code[4],
                        expected="4–6" if is_cdc else "1–3",
                        what="ศูนย์พัฒนาเด็กเล็ก" if is_cdc else "โรงเรียน/วิทยาลัย",
                        owner="อปท.",
                    )
                )
    elif kind == "other_school" and not (digits and len(code) in (8, 10)):
        out.append(OTHER_SCHOOL_CODE.finding(None, value=code))
    return out


def institution_kind(code: str, registered: str | None = None) -> str | None:
    """The kind whose grades an institution's roster may hold: the registry's kind when known, else
    what the code's type digit says. Digits 4–6 are child centres; 1–3 are schools *or* colleges (the
    code does not tell them apart), so without the registry the answer is None: no span is checked."""
    if registered in INSTITUTION_KINDS:
        return registered
    if len(code) == 10 and code.isascii() and code.isdigit() and code.startswith("30"):
        return "cdc" if code[4] in "456" else None
    return None
