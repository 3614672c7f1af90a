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
from validators.academic.graduation import LEVELS
from validators.fields import HEADER_BY_KEY


def _whole(value: Any) -> Any:
    """A count given as true/false is a mistake, not 1/0 (pydantic would take it)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
Upload = Annotated[Any, WithJsonSchema({"type": "string", "format": "binary"})]
Kind = Literal[KINDS]  # type: ignore[valid-type]  # conflicts.KINDS: ("present", "mistyped")
Level = Literal[LEVELS]  # type: ignore[valid-type]  # graduation.LEVELS: ("p6", "m3", "m6", "pvc3", "pvs2")


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


class ExplanationBody(Body):
    explanation: str = Field(title="คำชี้แจง", description="why the child is real though unseen (the service judges it)")


class ReportsQuery(Body):
    year: int | None = Field(None, title="ปีการศึกษา", examples=[2567], description="all years when left out")


class GpaxQuery(Body):
    terms: Literal[5, 6] = Field(6, title="จำนวนภาคเรียน", description="the first 5 or 6 terms from term 1 of year-2")


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


class UnitBrief(Answer):
    code: str
    name: str
    kind: str


class TermCounts(Answer):
    term: int
    pupils: int
    subjects: int
    pending: int = Field(description="results still ร / มส")


class ClassTerms(Answer):
    class_name: str = Field(examples=["ม.1/1"])
    terms: list[TermCounts]


class RecordUpload(Answer):
    form: str = Field(description="curriculum, results or assessments")
    form_th: str
    term: int | None
    class_name: str | None
    filename: str | None
    login: str | None
    at: str
    rows: int


class RecordsOverviewAnswer(Answer):
    """A school's year of academic records: what the add-in's "สถานะ" button shows for a records form."""

    unit: UnitBrief
    year: int
    classes: list[ClassTerms] = Field(description="classes and terms stored, with their counts")
    uploads: list[RecordUpload] = Field(description="the year's accepted uploads, newest first (at most 100)")
    years: list[int] = Field(description="the years with records, newest first")
    curriculum_subjects: int = Field(description="subjects of the year's curriculum")
    graduate_reports: list[dict[str, Any]] = Field(
        default_factory=list, description="the year's graduate reports ปพ.3: level, state, version, next step"
    )


class RegisterAnswer(Answer):
    """The school's pupil register: student numbers, parents, entry and leaving, ปพ.1 series and number."""

    unit: str
    year: int
    pupils: list[dict[str, Any]] = Field(description="one row per pupil, by citizen ID")


class LocalSchoolImport(Answer):
    """One LocalSchool import of the year: who sent it, when, and its counts."""

    import_id: int
    filename: str | None
    login: str | None
    at: str
    rows: int
    stored: int
    unchanged: int
    failed: int
    failed_workbook: str | None = Field(description="the path of the failed rows' workbook, when rows failed")


class LocalSchoolImports(Answer):
    """A unit's LocalSchool imports of a year, newest first (what the add-in's status and the import page list)."""

    unit: str
    year: int
    imports: list[LocalSchoolImport]


class LocalSchoolAccepted(Answer):
    """The LocalSchool migration's counts: good rows stored (a re-import changes nothing), failed rows
    listed and kept as a workbook to fix and send back."""

    accepted: Literal[True]
    import_id: int
    form: Literal["localschool"]
    year: int
    rows: int
    stored: int = Field(description="rows written (new or changed)")
    unchanged: int = Field(description="rows already stored as they are")
    failed: int
    failed_workbook: str | None = Field(description="the path of the failed rows' workbook, when rows failed")
    errors: list[Any] = Field(description="why the failed rows failed (sheet, row, column, message), at most 500")
    warnings: list[Any]


class GraduateReport(Answer):
    """A graduate report ปพ.3 in its chain: its state, every kept version and every event."""

    year: int
    unit_code: str
    level: Level
    state: Literal["submitted", "returned", "approved"]
    state_th: str
    version: int = Field(description="the current version (each submission adds one)")
    updated_at: str
    versions: list[dict[str, Any]] = Field(
        description="version, sha256 of the kept file, figures_sha256, graduates, candidates, created_at"
    )
    events: list[dict[str, Any]] = Field(description="submit / approve / return: version, at, login, person, reason")


class Candidate(Answer):
    citizen_id: str
    student_no: str | None
    first_name: str
    last_name: str
    class_name: str
    graduated: bool
    reasons: list[str] = Field(description="why not graduated, in Thai")
    earned_total: str
    gpax: str | None = Field(description="a decimal as text, cut to two places (not rounded)")


class GraduateTotals(Answer):
    male: int
    female: int
    unknown: int = Field(description="graduates whose sex is not known (never guessed)")
    total: int


class GraduationAnswer(Answer):
    """Every candidate's graduation status with the Thai reasons, the totals by sex, the criteria (with
    their curriculum) and the report's state (null until first submitted)."""

    unit: dict[str, Any]
    year: int
    level: Level
    criteria: dict[str, Any] = Field(description="curriculum, variant, minimum credits and GPAX")
    candidates: int
    graduates: list[Candidate]
    not_graduated: list[Candidate]
    totals: GraduateTotals
    report: GraduateReport | None


class GraduateReportsAnswer(Answer):
    reports: list[dict[str, Any]] = Field(
        description="year, unit_code, unit_name, level, state, state_th, version, graduates, candidates, last, reason"
    )


class Notice(Answer):
    """A child a spot-check did not find, and what the institution did about it."""

    spot_check: int
    unit_code: str
    unit_name: str
    citizen_id: str
    first_name: str | None
    last_name: str | None
    grade: str | None
    note: str | None
    found: bool | None
    still_listed: bool = Field(description="the roster still lists the child: the institution is on notice")
    state: Literal["open", "explained", "removed"] | None
    todo_th: str | None = Field(description="what the institution must do (Thai)")
    explanation: str | None
    explained_at: str | None
    explained_at_th: str | None
    explained_by: str | None = Field(description="the person who explained")


class NoticesAnswer(Answer):
    notices: list[Notice]


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
