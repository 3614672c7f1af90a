"""Text shaped like XlsxWriter's rich-string markup must stay text in a template (no XML injection)."""

from __future__ import annotations

import io
import zipfile

from workbook_templates.build import build_template
from workbook_templates.read import read_workbook

HOSTILE = "<r><t>x</t></r></si><si><t>y</t></r>"
INJECT = '<r></is></c><c r="Z1"><f>1+1</f><v>2</v></c><c><is><t>x</t></r>'


def test_markup_shaped_text_is_escaped_and_read_back_exactly() -> None:
    out = io.BytesIO()
    removal = {
        "citizen_id": "G644200000001",
        "prefix": "เด็กหญิง",
        "first_name": "อาแม",
        "last_name": "ใจกล้า",
        "removed_on": "01/07/2567",
        "reason": "other",
        "note": INJECT,
    }
    build_template(
        "school", unit_code="3056200001", unit_name=HOSTILE, year=2567, round_no=2, out=out, removals=[removal]
    )
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "<f>1+1</f>" not in xml  # the would-be formula is escaped text, not a cell formula
    filled = read_workbook(data)
    assert filled.meta.unit_name == HOSTILE
    (row,) = [values for _, values in filled.sheets["removed"].rows]
    assert row["note"] == INJECT
