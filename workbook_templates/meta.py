"""The template's identity card: a very-hidden sheet of key/value pairs, and the layout it promises.

A filled workbook travels by e-mail and USB stick and is re-saved by Excel, LibreOffice or WPS; the
metadata is what tells a reader which unit, year and round it belongs to and how to find its rows. It
carries a digest over its own fields so an edit (a clerk copying last year's file and changing the year
through VBA, a sheet pasted from another unit's file) is caught. The digest is not a signature: anyone
with this source can recompute it. It catches accidents and casual edits; the server re-checks the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from validators.context import age_reference
from validators.fields import FORMS, OPTIONAL_ROLES, SHEETS
from validators.units import INSTITUTION_KINDS

META_SHEET = "lec_meta"
LISTS_SHEET = "lec_lists"
PREVIOUS_SHEET = "lec_previous"
MAGIC = "LEC-SHEETS-TEMPLATE"

TEMPLATE_VERSION = 1
"""Bump when the layout changes in a way an older reader would misread; keep reading older versions."""
READABLE_VERSIONS = frozenset({1})

# Layout of every data sheet (Excel 1-based rows): title, subtitle, hidden keys, Thai header, data.
TITLE_ROW = 1
SUBTITLE_ROW = 2
KEY_ROW = 3
HEADER_ROW = 4
FIRST_DATA_ROW = 5
DEFAULT_CAPACITY = 6000
"""Input rows prepared with checks: the biggest local-government schools have about 4,000-5,000 pupils."""

STATUS_KEY = "_status"
"""Key of the per-row verdict column (a formula); readers skip keys that start with '_'."""

PREVIOUS_KEYS = ("citizen_id", "first_name", "last_name", "grade")


@dataclass(frozen=True, slots=True)
class TemplateMeta:
    """What the metadata sheet says. `sheets` maps a role ("roster", "removed", "counts") to its sheet."""

    form: str
    unit_code: str
    unit_name: str
    year: int
    round_no: int
    generated_at: str
    version: int = TEMPLATE_VERSION
    sheets: Mapping[str, str] = field(default_factory=dict)
    key_row: int = KEY_ROW
    capacity: int = DEFAULT_CAPACITY
    previous_count: int = 0
    previous_digest: str = ""
    as_of: date | None = None
    """The round's census date. Absent from templates built before it travelled here, and from those
    built without a server round: the validators then fall back to `validators.context.census_date`."""
    age_reference: date | None = None
    """16 May of the academic year, to which ages are counted (written for readers of the sheet; the
    parser refuses a value that is not the year's 16 May)."""
    unit_kind: str | None = None
    """The institution's kind as the registry knows it ("school", "college", "cdc"), when known."""
    previous_year: int | None = None
    """The academic year of the carried previous roster, when it is not this template's year: the first
    round of a new year carries last year's roster (for the removal check) and its pupils must have moved
    up, which `lec validate` can then check offline (`validators.promotion.not_promoted`)."""

    @property
    def round_label(self) -> str:
        """`2567-2`, the round as the server and the URLs spell it."""
        return f"{self.year}-{self.round_no}"

    def fields(self) -> dict[str, str]:
        """Every field as text, in a fixed order: what is written, read and digested."""
        out = {
            "magic": MAGIC,
            "form": self.form,
            "template_version": str(self.version),
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "year": str(self.year),
            "round": str(self.round_no),
            "generated_at": self.generated_at,
            "key_row": str(self.key_row),
            "capacity": str(self.capacity),
            "previous_count": str(self.previous_count),
            "previous_digest": self.previous_digest,
        }
        # Optional fields are written only when set, so a template read back re-digests to what it held.
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
        if self.age_reference is not None:
            out["age_reference"] = self.age_reference.isoformat()
        if self.unit_kind is not None:
            out["unit_kind"] = self.unit_kind
        if self.previous_year is not None:
            out["previous_year"] = str(self.previous_year)
        for role, name in sorted(self.sheets.items()):
            out[f"sheet.{role}"] = name
        return out


def digest_fields(fields: Mapping[str, str]) -> str:
    """SHA-256 over `key=value` lines sorted by key (the digest field itself excluded)."""
    text = "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "digest")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_digest(rows: Iterable[Sequence[str]]) -> str:
    """Digest of the previous roster carried in the template, to notice an edited copy."""
    h = hashlib.sha256()
    for row in rows:
        h.update("\x1f".join(row).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def meta_rows(meta: TemplateMeta) -> list[tuple[str, str]]:
    """The (key, value) rows of the metadata sheet, digest last."""
    fields = meta.fields()
    return [*fields.items(), ("digest", digest_fields(fields))]


class MetaProblem(ValueError):
    """The metadata sheet is present but wrong; `kind` is "tampered" or "version"."""

    def __init__(self, kind: str, detail: str, detail_th: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.detail_th = detail_th


def _text(value: Any) -> str:
    """A metadata cell as text. Re-saving can turn '2567' into 2567.0; undo that, nothing else."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def meta_fields(rows: Iterable[Sequence[Any]]) -> dict[str, str]:
    """The key/value pairs of a metadata sheet, as text, unchecked (to see which form a file says it is)."""
    fields: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and row[0] not in ("", None):
            fields[_text(row[0]).strip()] = _text(row[1])
    return fields


def verified_fields(
    rows: Iterable[Sequence[Any]], readable: Iterable[int], *, what: str = "template"
) -> tuple[dict[str, str], int]:
    """A metadata sheet's key/value pairs as text, after its magic, version and digest are checked.

    Shared by the census and the academic forms: the same sheet layout, the same tamper evidence.
    Returns the fields (without the digest) and the version; raises `MetaProblem`.
    """
    fields = meta_fields(rows)
    if fields.get("magic") != MAGIC:
        raise MetaProblem("tampered", "metadata magic missing", "ไม่พบรหัสแบบฟอร์ม")
    try:
        version = int(fields["template_version"])
    except (KeyError, ValueError):
        raise MetaProblem("tampered", "template_version unreadable", "รุ่นแบบฟอร์มอ่านไม่ได้") from None
    if version not in readable:
        raise MetaProblem("version", f"{what} version {version}", str(version))
    digest = fields.pop("digest", "")
    if digest != digest_fields(fields):
        raise MetaProblem("tampered", "metadata digest mismatch", "ค่าตรวจสอบไม่ตรงกัน")
    return fields, version


def parse_meta(rows: Iterable[Sequence[Any]]) -> TemplateMeta:
    """Parse the metadata sheet's rows (as python-calamine returns them); raise `MetaProblem`."""
    fields, version = verified_fields(rows, READABLE_VERSIONS)
    try:
        form = fields["form"]
        if form not in FORMS:
            raise ValueError(form)
        sheets = {k.removeprefix("sheet."): v for k, v in fields.items() if k.startswith("sheet.")}
        required = {role for role in SHEETS[form] if (form, role) not in OPTIONAL_ROLES}
        if not required <= set(sheets) <= set(SHEETS[form]):
            raise ValueError("sheet roles")
        year = int(fields["year"])
        as_of = date.fromisoformat(fields["as_of"]) if "as_of" in fields else None
        reference = date.fromisoformat(fields["age_reference"]) if "age_reference" in fields else None
        if reference is not None and reference != age_reference(year):
            raise ValueError("age_reference is not 16 May of the year")
        unit_kind = fields.get("unit_kind")
        if unit_kind is not None and unit_kind not in INSTITUTION_KINDS:
            raise ValueError(f"unit_kind {unit_kind}")
        return TemplateMeta(
            form=form,
            unit_code=fields["unit_code"],
            unit_name=fields["unit_name"],
            year=year,
            round_no=int(fields["round"]),
            generated_at=fields["generated_at"],
            version=version,
            sheets=sheets,
            key_row=int(fields["key_row"]),
            capacity=int(fields["capacity"]),
            previous_count=int(fields["previous_count"]),
            previous_digest=fields["previous_digest"],
            as_of=as_of,
            age_reference=reference,
            unit_kind=unit_kind,
            previous_year=int(fields["previous_year"]) if "previous_year" in fields else None,
        )
    except (KeyError, ValueError) as exc:
        raise MetaProblem("tampered", f"metadata field unreadable: {exc}", "ข้อมูลกำกับไม่ครบ") from None
