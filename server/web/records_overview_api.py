"""`GET /api/v1/years/{year}/units/{code}/records`: a school's year of academic records as JSON.

What the add-in's "สถานะ" button shows for a records form (and any program may read): the classes and
terms stored with their pupils, subjects and pending ร/มส, the year's accepted uploads, the other years.
The same view as the records index page (`records_views.records_overview`, scope checked there).
Documented through its answer model with `api_doc.validate`, as the other /api/v1 routes are
(server/web/openapi.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from server.domain import records_views
from server.web import auth
from server.web.context import get_db
from server.web.openapi import answers, api_doc
from server.web.schemas import Answer

bp = Blueprint("records_overview", __name__, url_prefix="/api/v1")


class RecordsTerm(BaseModel):
    term: int
    pupils: int
    subjects: int
    pending: int = Field(description="results still ร / มส")


class RecordsClass(BaseModel):
    class_name: str = Field(examples=["ม.1/1"])
    terms: list[RecordsTerm]


class RecordsUpload(BaseModel):
    form: str = Field(description="curriculum, results or assessments")
    form_th: str
    term: int | None
    class_name: str | None
    filename: str | None
    login: str | None
    at: str
    rows: int


class RecordsOverviewAnswer(Answer):
    """A school's year of academic records: classes and terms stored, the year's uploads, other years."""

    unit: dict[str, Any] = Field(description="code, name, kind")
    year: int
    classes: list[RecordsClass]
    uploads: list[RecordsUpload] = Field(description="the year's accepted uploads, newest first (at most 100)")
    years: list[int] = Field(description="every year with a records upload, newest first")
    curriculum_subjects: int


@bp.get("/years/<int:year>/units/<code>/records")
@api_doc.validate(resp=answers(401, 403, 404, ok=RecordsOverviewAnswer))
def records_overview(year: int, code: str) -> Any:
    """A school's year of academic records: classes and terms stored (pupils, subjects, pending ร/มส), the
    year's accepted uploads, the other years with records"""
    actor = auth.require_actor()
    return jsonify(records_views.overview_for_clients(get_db(), actor, year, code))
