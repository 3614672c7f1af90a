"""The server's clock: Asia/Bangkok, overridable by `LEC_NOW` so a demo or a test can stand at a deadline.

Every deadline check goes through `now()`; nothing else in the server calls `datetime.now()`. Naive
datetimes are always read as Bangkok time because every date in the letters is Bangkok time.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
THAI_MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")  # fmt: skip
DEFAULT_DEADLINE_TIME = time(17, 0)
"""A deadline given as a bare date means 17:00 that day: the hour LEC closes recording (letter 000)."""


def parse_datetime(value: str | datetime | date, *, default_time: time = DEFAULT_DEADLINE_TIME) -> datetime:
    """ISO text (date or datetime, with or without offset) to an aware Bangkok datetime."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, default_time)
    else:
        text = value.strip()
        if len(text) == 10:
            dt = datetime.combine(date.fromisoformat(text), default_time)
        else:
            dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=BANGKOK)
    return dt.astimezone(BANGKOK)


def now(override: str | datetime | None = None) -> datetime:
    """The current time in Bangkok; `override`, else `LEC_NOW`, else the wall clock."""
    fixed = override or os.environ.get("LEC_NOW")
    if fixed:
        return parse_datetime(fixed, default_time=time(0, 0))
    return datetime.now(BANGKOK)


def iso(dt: datetime) -> str:
    """How times are stored: ISO 8601 with the +07:00 offset, to the second (sortable as text)."""
    return dt.astimezone(BANGKOK).isoformat(timespec="seconds")


def thai_date(value: str | date | datetime) -> str:
    """'10 พ.ย. 2569' (Buddhist Era): a date without a time, e.g. the census date. The one formatter."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(BANGKOK).date()
    return f"{value.day} {THAI_MONTHS_ABBR[value.month - 1]} {value.year + BE_OFFSET}"


def thai_datetime(value: str | datetime) -> str:
    """'11 พ.ย. 2567 17:00 น.': how a Thai clerk reads a deadline (Buddhist Era year)."""
    dt = parse_datetime(value) if isinstance(value, str) else value.astimezone(BANGKOK)
    return f"{dt.day} {THAI_MONTHS_ABBR[dt.month - 1]} {dt.year + BE_OFFSET} {dt:%H:%M} น."
