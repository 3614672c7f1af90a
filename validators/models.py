"""Pydantic models of the cleaned records: what a validated row is once stored or sent over the API.

The rule functions judge raw cells and explain what is wrong in Thai; these models describe the shape
of what passed, for the server's storage and its OpenAPI document. Their field checks call the same
rule helpers (`is_thai_id`, `is_gcode`), so a rule is still written once.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from validators.fields import GRADES, OTHER_COUNT_KEYS, PREFIXES, REMOVAL_REASONS, SEXES
from validators.identity import is_gcode, is_thai_id

Prefix = Literal["เด็กชาย", "เด็กหญิง", "นาย", "นางสาว"]
Sex = Literal["ชาย", "หญิง"]
assert set(PREFIXES) == {"เด็กชาย", "เด็กหญิง", "นาย", "นางสาว"} and set(SEXES) == {"ชาย", "หญิง"}


def _identity(value: str) -> str:
    if not (is_thai_id(value) or is_gcode(value)):
        raise ValueError("not a valid Thai ID (13 digits, check digit) nor a G-Code")
    return value


class Child(BaseModel):
    """A child of a child development centre (no grade: centres group children by age)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    citizen_id: str = Field(description="13-digit Thai ID (leading 0 allowed) or G-Code")
    prefix: Prefix
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    sex: Sex
    birth_date: date
    nationality: str
    room: str = ""
    entry_date: date | None = None
    age_group: str | None = Field(default=None, description="child centres: a2..a5, full years on 16 May")

    _check_id = field_validator("citizen_id")(_identity)


class Pupil(Child):
    """A pupil or student of a school or college."""

    grade: str

    @field_validator("grade")
    @classmethod
    def _known_grade(cls, value: str) -> str:
        if value not in GRADES:
            raise ValueError(f"unknown grade {value}")
        return value


class Removal(BaseModel):
    """A row of the removed-children register (letter 003 §4.3.4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    citizen_id: str
    prefix: str = ""
    first_name: str
    last_name: str
    removed_on: date
    reason: str
    note: str = ""

    _check_id = field_validator("citizen_id")(_identity)

    @field_validator("reason")
    @classmethod
    def _known_reason(cls, value: str) -> str:
        if value not in REMOVAL_REASONS:
            raise ValueError(f"unknown removal reason {value}")
        return value


class OtherSchoolCounts(BaseModel):
    """One other-affiliation school of an LAO's area with its head counts per grade and sex."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    other_school_code: str = Field(pattern=r"^[0-9]{8}([0-9]{2})?$")
    other_school_name: str = Field(min_length=1)
    affiliation: str = ""
    closed: bool
    counts: dict[str, int] = Field(description="k1_m, k1_f, ... m3_f: whole numbers, zero or more")

    @field_validator("counts")
    @classmethod
    def _all_grades(cls, value: dict[str, int]) -> dict[str, int]:
        missing = set(OTHER_COUNT_KEYS) - set(value)
        if missing or any(n < 0 for n in value.values()):
            raise ValueError("every grade needs a count of zero or more")
        return value

    @classmethod
    def from_record(cls, record: dict[str, object]) -> OtherSchoolCounts:
        return cls(
            other_school_code=str(record["other_school_code"]),
            other_school_name=str(record["other_school_name"]),
            affiliation=str(record.get("affiliation") or ""),
            closed=bool(record["closed"]),
            counts={k: record[k] for k in OTHER_COUNT_KEYS},  # type: ignore[misc]
        )


def to_model(form: str, record: dict[str, object]) -> Pupil | Child:
    """A cleaned roster record (without its `row`) as a model; raises if it did not pass the rules."""
    data = {k: v for k, v in record.items() if k != "row"}
    return Pupil(**data) if form == "school" else Child(**data)  # type: ignore[arg-type]
