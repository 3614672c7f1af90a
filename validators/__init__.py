"""The domain rules of LEC Sheets as pure Python: no I/O, no Flask, no Excel.

The same functions run in the add-in, in `lec validate` and on the server, so a clerk sees exactly the
verdict the server will give. Entry points:

- `validate_roster(form, rows, ctx, removals=..., previous=...)` for a school ("school") or
  child-centre ("cdc") roster and its removed-children register;
- `validate_other_counts(rows, ctx)` for an LAO's other-affiliation counts;
- `validate_other_pupils(rows, counts)` for the pupil list an LAO may attach to those counts;
- `validate_cdc_basic(rows, children=...)` for a child centre's basic-data sheet;
- `validate_unit_code(code, kind, parent=...)` for registry codes.

Rows come in as `(excel_row_number, {column_key: raw_value})` pairs exactly as a reader got them from a
workbook (text, numbers, dates, None); they come out normalised, with findings that name the row and
the column key.
"""

from validators.centre import BasicResult, validate_cdc_basic
from validators.context import RoundContext
from validators.counts import CountsResult, validate_other_counts
from validators.findings import RULES, Finding, Rule
from validators.other_pupils import OtherPupilsResult, validate_other_pupils
from validators.roster import PreviousChild, RosterResult, validate_roster
from validators.units import validate_unit_code

__all__ = [
    "RULES",
    "BasicResult",
    "CountsResult",
    "Finding",
    "OtherPupilsResult",
    "PreviousChild",
    "RosterResult",
    "RoundContext",
    "Rule",
    "validate_cdc_basic",
    "validate_other_counts",
    "validate_other_pupils",
    "validate_roster",
    "validate_unit_code",
]
