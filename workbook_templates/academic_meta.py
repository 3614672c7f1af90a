"""The identity card of an academic-records workbook (`curriculum`, `results`, `assessments`).

The same very-hidden `lec_meta` sheet, magic and digest as the roster templates (meta.py), so a
reader tells the two families apart by the `form` field alone; the academic card adds the term, the
class and, for results, each subject sheet's subject (code, name, kind, credits or hours, the two full
scores). The subjects are in the card, under the digest, so a grade is always judged against the
subject the template was made for, not against what someone typed over a sheet's title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from validators.academic import ResultSubject
from workbook_templates.meta import KEY_ROW, MAGIC, MetaProblem, digest_fields, verified_fields

ACADEMIC_FORMS = ("curriculum", "results", "assessments", "localschool", "register")
ACADEMIC_FORM_TITLES = {
    "curriculum": "รายวิชาของสถานศึกษา (โครงสร้างรายวิชา)",
    "results": "แบบบันทึกผลการเรียนรายวิชา",
    "assessments": "ผลการประเมินการอ่าน คิดวิเคราะห์ และเขียน คุณลักษณะอันพึงประสงค์ และกิจกรรมพัฒนาผู้เรียน",
    "localschool": "ผลการเรียนย้อนหลัง (ย้ายข้อมูลจาก LocalSchool)",
    "register": "ทะเบียนนักเรียนของนายทะเบียน",
}
ACADEMIC_VERSION = 1
READABLE_ACADEMIC_VERSIONS = frozenset({1})
CLASS_SHEET = "lec_class"
"""Very-hidden copy of the class's pupils (ID, first and last name) the workbook was made for."""
CLASS_KEYS = ("citizen_id", "first_name", "last_name")
_SUBJECT_FIELDS = ("code", "name", "kind", "credits", "hours", "max_term", "max_final")


@dataclass(frozen=True, slots=True)
class AcademicMeta:
    """What an academic workbook's metadata says. `sheets` maps a role to its visible sheet name: the
    role is "subjects" (curriculum), "assessments", or a subject code (one results sheet per subject)."""

    form: str
    unit_code: str
    unit_name: str
    year: int
    generated_at: str
    term: int = 0  # 0: a whole-year form
    class_name: str = ""
    version: int = ACADEMIC_VERSION
    sheets: Mapping[str, str] = field(default_factory=dict)
    subjects: tuple[ResultSubject, ...] = ()
    key_row: int = KEY_ROW
    roster_count: int = 0
    roster_digest: str = ""

    @property
    def round_label(self) -> str:
        """`2567-1` for a term's results, `2567` for a whole-year form (what `round` shows in reports)."""
        return f"{self.year}-{self.term}" if self.term else str(self.year)

    def fields(self) -> dict[str, str]:
        out = {
            "magic": MAGIC,
            "form": self.form,
            "template_version": str(self.version),
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "year": str(self.year),
            "term": str(self.term),
            "class_name": self.class_name,
            "generated_at": self.generated_at,
            "key_row": str(self.key_row),
            "roster_count": str(self.roster_count),
            "roster_digest": self.roster_digest,
            "subject_count": str(len(self.subjects)),
        }
        for role, name in sorted(self.sheets.items()):
            out[f"sheet.{role}"] = name
        for i, s in enumerate(self.subjects):
            values = (s.code, s.name, s.kind or "", _num(s.credits), _num(s.hours), _num(s.max_term), _num(s.max_final))
            for key, value in zip(_SUBJECT_FIELDS, values, strict=True):
                out[f"subject.{i}.{key}"] = value
        return out


def _num(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def academic_meta_rows(meta: AcademicMeta) -> list[tuple[str, str]]:
    fields = meta.fields()
    return [*fields.items(), ("digest", digest_fields(fields))]


def _dec(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text}") from None


def parse_academic_meta(rows: Iterable[Sequence[Any]]) -> AcademicMeta:
    """Parse an academic metadata sheet's rows; raise `MetaProblem` ("tampered" or "version")."""
    fields, version = verified_fields(rows, READABLE_ACADEMIC_VERSIONS, what="academic template")
    try:
        form = fields["form"]
        if form not in ACADEMIC_FORMS:
            raise ValueError(f"form {form}")
        subjects = []
        for i in range(int(fields["subject_count"])):
            f = {k: fields[f"subject.{i}.{k}"] for k in _SUBJECT_FIELDS}
            max_term, max_final = _dec(f["max_term"]), _dec(f["max_final"])
            if max_term is None or max_final is None:
                raise ValueError("full scores")
            subjects.append(
                ResultSubject(
                    f["code"], f["name"], f["kind"] or None, _dec(f["credits"]), _dec(f["hours"]), max_term, max_final
                )
            )
        sheets = {k.removeprefix("sheet."): v for k, v in fields.items() if k.startswith("sheet.")}
        expected_roles = {s.code for s in subjects} if form == "results" else {_ROLE[form]}
        if set(sheets) != expected_roles:
            raise ValueError("sheet roles")
        return AcademicMeta(
            form=form,
            unit_code=fields["unit_code"],
            unit_name=fields["unit_name"],
            year=int(fields["year"]),
            generated_at=fields["generated_at"],
            term=int(fields["term"]),
            class_name=fields["class_name"],
            version=version,
            sheets=sheets,
            subjects=tuple(subjects),
            key_row=int(fields["key_row"]),
            roster_count=int(fields["roster_count"]),
            roster_digest=fields["roster_digest"],
        )
    except (KeyError, ValueError) as exc:
        raise MetaProblem("tampered", f"metadata field unreadable: {exc}", "ข้อมูลกำกับไม่ครบ") from None


_ROLE = {"curriculum": "subjects", "assessments": "assessments", "localschool": "localschool", "register": "register"}
ROLE_OF_ACADEMIC_FORM = _ROLE
