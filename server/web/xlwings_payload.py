"""The JSON xlwings' VBA client posts, checked before anything is built from it (issue 10, item 5).

Why: xlwings' remote engine trusts its input; a payload with a sheet that is not an object, ragged or
non-scalar values, or a name pointing at a sheet that does not exist fails deep inside it or inside
the add-in's actions with a KeyError or IndexError, and that used to be a 500. Here the shape is
checked with pydantic and every refusal is a 400 in Thai; sizes are bounded (sheets, rows, columns,
text per cell) so a post cannot make the server build an enormous Book.

    parse(raw) -> dict             the clean payload for `addin.remote.remote_book`; ServiceError 400
    settings_only(raw, name) -> dict  the posted book with only its settings sheet (`login`, before auth)
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from server.domain.errors import bad_request
from workbook_templates.read import KEY_SCAN_ROWS, LIMITS

MAX_SHEETS = 64
MAX_TEXT = 32_767  # Excel's own limit for one cell
Cell = Annotated[str | bool | int | float | None, Field(union_mode="left_to_right")]
Scalar = str | bool | int | float | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class BookInfo(_Strict):
    name: str = Field("workbook.xlsm", max_length=255)
    active_sheet_index: int = Field(0, ge=0)
    selection: str | None = Field(None, max_length=255)


class Name(_Strict):
    name: str = Field(max_length=255)
    sheet_index: int = Field(ge=0)
    address: str = Field(max_length=255)
    book_scope: bool = True
    scope_sheet_name: str | None = Field(None, max_length=31)
    scope_sheet_index: int | None = Field(None, ge=0)


class Sheet(_Strict):
    name: str = Field(min_length=1, max_length=31)
    values: list[list[Cell]]
    pictures: list[dict[str, Scalar]] = Field(default_factory=list, max_length=100)
    tables: list[dict[str, Scalar]] = Field(default_factory=list, max_length=100)

    @field_validator("values")
    @classmethod
    def _grid(cls, rows: list[list[Any]]) -> list[list[Any]]:
        if len(rows) > LIMITS.max_rows + KEY_SCAN_ROWS:
            raise ValueError(f"มีเกิน {LIMITS.max_rows:,} แถว")
        width = len(rows[0]) if rows else 0
        if width > LIMITS.max_columns:
            raise ValueError(f"มีเกิน {LIMITS.max_columns} คอลัมน์")
        for i, row in enumerate(rows, start=1):
            if len(row) != width:
                raise ValueError(f"แถว {i} มี {len(row)} ช่อง ไม่เท่ากับแถวแรก ({width} ช่อง)")
            for value in row:
                if isinstance(value, float) and not math.isfinite(value):
                    raise ValueError(f"แถว {i} มีค่าตัวเลขที่ไม่ใช่ตัวเลขจริง")
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    raise ValueError(f"แถว {i} มีข้อความยาวเกิน {MAX_TEXT:,} ตัวอักษรในช่องเดียว")
        return rows


class Payload(_Strict):
    client: str = Field("VBA", max_length=50)
    version: str = Field("", max_length=50)
    book: BookInfo = Field(default_factory=BookInfo)
    names: list[Name] = Field(default_factory=list, max_length=10_000)
    sheets: list[Sheet] = Field(min_length=1, max_length=MAX_SHEETS)

    @model_validator(mode="after")
    def _indexes(self) -> Payload:
        count = len(self.sheets)
        if self.book.active_sheet_index >= count:
            raise ValueError("active_sheet_index ชี้ไปที่ชีตที่ไม่มี")
        for name in self.names:
            if name.sheet_index >= count or (name.scope_sheet_index is not None and name.scope_sheet_index >= count):
                raise ValueError(f"ชื่อ {name.name} ชี้ไปที่ชีตที่ไม่มี")
        if len({s.name.casefold() for s in self.sheets}) != count:
            raise ValueError("มีชื่อชีตซ้ำกัน")
        return self


BAD_PAYLOAD = "ข้อมูลจากแฟ้ม Excel ไม่ถูกต้อง (ต้องส่งผ่าน RunServerPython ของ xlwings)"


def parse(raw: Any) -> dict[str, Any]:
    """The posted JSON as a clean payload (only the keys xlwings' remote engine reads), or a Thai 400."""
    if not isinstance(raw, dict):
        raise bad_request("bad_xlwings_payload", BAD_PAYLOAD)
    try:
        payload = Payload.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise bad_request(
            "bad_xlwings_payload", f"{BAD_PAYLOAD}: {where}: {message}", {"errors": err.error_count(), "where": where}
        ) from None
    return payload.model_dump()


def settings_only(raw: Any, sheet_name: str) -> dict[str, Any]:
    """The posted book reduced to its settings sheet, still unchecked: all `login` reads before the
    password is checked, so a stranger cannot make the server check or build a whole Book."""
    if not isinstance(raw, dict) or not isinstance(raw.get("sheets"), list):
        raise bad_request("bad_xlwings_payload", BAD_PAYLOAD)
    found = [s for s in raw["sheets"] if isinstance(s, dict) and s.get("name") == sheet_name]
    book = raw.get("book") if isinstance(raw.get("book"), dict) else {}
    return {
        **raw,
        "names": [],
        "book": {**book, "active_sheet_index": 0},
        "sheets": found[:1] or [{"name": sheet_name, "values": [[]]}],
    }
