"""The JSON bodies of /api/v1, declared once: they validate requests and generate the OpenAPI document.

A request model's fields carry their Thai label as `title`, so a bad body is refused with a message
naming the field in Thai (server/web/openapi.py turns pydantic's errors into the 400 answer). Request
models check presence and type only; what a value means (a reason left empty, a weak password, a
date in the past) is still judged by the service, which answers with its own error code, so the pages
and the API cannot disagree. Unknown keys are ignored, as before.

Answer models describe what a route sends back. They name the keys a client may rely on and allow
more (`extra="allow"`), and the test app checks every answer against its model (see openapi.py), so
the document cannot drift from the code.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, WithJsonSchema
from pydantic_core import PydanticCustomError

from server.domain.conflicts import KINDS
from validators.fields import HEADER_BY_KEY


def _whole(value: Any) -> Any:
    """A count given as true/false is a mistake, not 1/0 (pydantic would take it)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
Upload = Annotated[Any, WithJsonSchema({"type": "string", "format": "binary"})]
Kind = Literal[KINDS]  # type: ignore[valid-type]  # conflicts.KINDS: ("present", "mistyped")


class Body(BaseModel):
    """A request body: unknown keys ignored; each field's `title` is its Thai label."""

    model_config = ConfigDict(extra="ignore")


class Answer(BaseModel):
    """An answer: the keys below are promised, more may come."""

    model_config = ConfigDict(extra="allow")


# --- requests ----------------------------------------------------------------------------------------


class TokenBody(Body):
    login: str = Field(title="รหัสผู้ใช้", examples=["3056100001"])
    password: str = Field(title="รหัสผ่าน")


class ProfileBody(Body):
    first_name: str = Field(title="ชื่อ")
    last_name: str = Field(title="นามสกุล")
    position: str = Field(title="ตำแหน่ง")
    phone: str = Field(title="โทรศัพท์")
    new_password: str = Field(title="รหัสผ่านใหม่")
    current_password: str = Field("", title="รหัสผ่านปัจจุบัน", description="required outside the first login (a handover)")


class ResetBody(Body):
    reason: str = Field("", title="เหตุผล", description="e.g. the order appointing the new responsible person")


class ReasonBody(Body):
    reason: str = Field(title="เหตุผล")


class WithdrawBody(Body):
    reason: str = Field("", title="เหตุผล")


class ExceptionBody(Body):
    until: str = Field(title="ผ่อนผันถึง", examples=["2024-11-11T20:00"])
    reason: str = Field(title="เหตุผล")


class DecisionBody(Body):
    keep: str = Field(title="หน่วยที่เด็กอยู่จริง", description="the unit code that keeps the child")
    reason: str = Field(title="เหตุผล")
    kind: Kind = Field("present", title="ชนิดของการตัดสิน")


class DrawBody(Body):
    institutions: Whole = Field(5, title="จำนวนสถานศึกษาที่สุ่ม")
    children: Whole = Field(10, title="จำนวนเด็กที่สุ่มต่อแห่ง")
    seed: Whole | None = Field(None, title="เลขตั้งต้นการสุ่ม", description="same seed, same sample")


class SpotResult(Body):
    citizen_id: str = Field(title=HEADER_BY_KEY["citizen_id"])
    found: StrictBool | None = Field(None, title="พบตัว", description="null leaves the row open")
    note: str = Field("", title="หมายเหตุ")


class ResultsBody(Body):
    results: list[SpotResult] = Field(title="ผลการตรวจ")


class FileBody(Body):
    file: Upload = Field(title="ไฟล์", description="the workbook (.xlsx / .xlsm), multipart field `file`")


class AuditQuery(Body):
    round: str | None = Field(None, title="รอบ")
    unit: str | None = Field(None, title="หน่วย")
    action: str | None = Field(None, title="การกระทำ")
    who: str | None = Field(None, title="ผู้กระทำ")
    date_from: str | None = Field(None, title="ตั้งแต่วันที่", examples=["2024-11-01", "01/11/2567"])
    date_to: str | None = Field(None, title="ถึงวันที่")
    limit: str | None = Field(None, title="จำนวนสูงสุด", description="1-5000, default 500")


# --- answers -----------------------------------------------------------------------------------------


class ErrorAnswer(Answer):
    """Every refusal: a stable English code, a Thai message, and details."""

    error: str
    message: str
    detail: Any = None


class FieldError(BaseModel):
    field: str = Field(description="the key in the body, e.g. reason or results[0].found")
    message: str = Field(description="Thai, naming the field")


class InvalidBodyAnswer(ErrorAnswer):
    """A 400: a body that does not match its model (error `invalid_body`, or `bad_json` when it is no
    object) lists its fields in `errors`; other bad input (bad_limit, file_required, ...) has none."""

    errors: list[FieldError] = []


class TokenAnswer(Answer):
    token: str
    must_complete_profile: bool
    login: str
    unit: str | None
    level: str | None


class OkAnswer(Answer):
    ok: bool


class MeAnswer(Answer):
    login: str
    role: str
    level: str | None
    unit: str | None
    unit_name: str | None
    must_complete_profile: bool
    profile: dict[str, Any] | None
    profile_history: list[dict[str, Any]]


class ResetAnswer(Answer):
    login: str
    password: str
    must_complete_profile: bool


class RoundInfo(Answer):
    id: str = Field(examples=["2567-2"])
    year: int
    round_no: int
    mode: Literal["confirm", "correction"]
    opens: str
    institution_deadline: str
    lao_deadline: str
    province_deadline: str
    closes: str
    phase: Literal["upcoming", "open", "closed"]


class RoundsAnswer(Answer):
    rounds: list[RoundInfo]


class RoundRef(Answer):
    id: str
    mode: str
    phase: str


class UnitRef(Answer):
    code: str
    name: str
    kind: str
    level: str
    parent: str | None


class StatusAnswer(Answer):
    """The unit's page as data (the nation's, `TH`, for the admin: every province's state)."""

    round: RoundRef
    unit: UnitRef
    state: str = Field(description="the chain state of the unit")
    confirmed: dict[str, Any] | None = Field(None, description="who confirmed, when, as which person")
    counts: dict[str, Any] | None = None
    children: list[dict[str, Any]] | None = Field(None, description="the units below and their states")
    conflicts: list[dict[str, Any]] | None = Field(None, description="open ID conflicts touching the unit")
    blockers: list[dict[str, Any]] | None = Field(None, description="what stops a confirmation: {error, message}")
    notices: list[dict[str, Any]] | None = Field(None, description="spot-check notices to the unit")


class RosterAnswer(Answer):
    unit: str
    pupils: list[dict[str, Any]] | None = Field(None, description="an institution's roster")
    removals: list[dict[str, Any]] | None = Field(None, description="an institution's removed register")
    other_counts: list[dict[str, Any]] | None = Field(None, description="an LAO's other-affiliation counts")


class WorkbookAccepted(Answer):
    accepted: Literal[True]
    rows: int
    warnings: list[Any]
    conflicts: list[Any] = []
    duplicate: bool = False


class WorkbookRejected(ErrorAnswer):
    """422: the workbook has errors; nothing is stored but the audit record."""

    accepted: Literal[False]
    errors: list[Any]
    warnings: list[Any]


class RecordsAccepted(Answer):
    accepted: Literal[True]
    upload_id: int
    form: str
    term: int | None
    class_name: str | None
    rows: int
    warnings: list[Any]
    pending: list[Any]


class ConfirmAnswer(Answer):
    round: str
    unit: str
    confirmed_at: str
    confirmed_by: str
    counts: dict[str, Any] = Field(description="pupils and other-affiliation counts, with totals")
    exception: int | None = Field(description="the id of the exception the confirmation used, if any")
    snapshot: int | None = Field(None, description="a province's confirmation: the id of its frozen totals")


class RevokeAnswer(Answer):
    round: str
    unit: str
    revoked_at: str
    revoked_by: str
    reason: str


class ExceptionAnswer(Answer):
    id: int
    round_id: str
    unit_code: str
    until: str
    reason: str


class ConflictsAnswer(Answer):
    """The open conflicts visible to the caller (who decides, open since) and the decided ones."""

    conflicts: list[dict[str, Any]]
    decided: list[dict[str, Any]]


class DecisionAnswer(Answer):
    """The decision as stored (or as withdrawn: `withdrawn_at` set)."""

    id: int
    round: str
    citizen_id: str
    keep: str
    keep_name: str
    kind: Kind
    kind_th: str
    reason: str
    decided_at: str
    decided_by: str
    decider: str
    withdrawn_at: str | None
    units: list[dict[str, Any]]


class AuditAnswer(Answer):
    entries: list[dict[str, Any]]


class SpotCheckAnswer(Answer):
    """A spot-check: its seeded sample per institution and what the visit found so far."""

    id: int
    seed: int
    institutions: list[dict[str, Any]]
    total: int = Field(description="children sampled")
    checked: int = Field(description="children with a result")
    missing: int = Field(description="children not found")


class SpotChecksAnswer(Answer):
    spot_checks: list[dict[str, Any]]


class RecordAnswer(Answer):
    """A pupil's results up to the year: GPA per term and learning area, GPAX (cut, not rounded)."""

    pupil: dict[str, Any]
    unit: dict[str, Any]
    results: list[dict[str, Any]]
    terms: list[dict[str, Any]]
    areas: list[dict[str, Any]]
    gpax: str | None = Field(description="a decimal as text, cut to two places (not rounded)")
    weight_attempted: str | None
    weight_earned: str | None
    pending: list[dict[str, Any]] = Field(description="subjects still ร / มส: year, term, subject_code, grade")
    assessments: list[dict[str, Any]]


class RegistrarEntry(Answer):
    """One appointment of a unit's registrar, by the order that made it."""

    login: str = Field(examples=["3056200001-reg"])
    person: str = Field(description="the person the order names")
    order_no: str = Field(examples=["125/2567"])
    order_date: str = Field(description="the order's date, ISO (CE)")
    started_at: str
    ended_at: str | None = Field(description="when a later order replaced it (null: in office)")
    appointed_by: str | None
    profile: dict[str, Any] | None = Field(description="the profile the person made at first login: name, position")
    current: bool


class RegistrarsAnswer(Answer):
    """A unit's registrars, current and past, oldest first."""

    unit: dict[str, Any]
    title: str = Field(description="นายทะเบียน (a school) or เจ้าพนักงานทะเบียน (an LAO)")
    appointable: bool = Field(description="false for a unit that has no registrar (a child development centre)")
    registrars: list[RegistrarEntry]
