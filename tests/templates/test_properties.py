"""Property: whatever text or number lands in an input cell comes back exactly, in its row, by its key."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validators.fields import PUPIL_COLUMNS
from workbook_templates import build_template, read_workbook
from workbook_templates.bench import bench_validate

KEYS = [c.key for c in PUPIL_COLUMNS]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters="\u2028\u2029"),
    max_size=12,
)
VALUE = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=-(10**9), max_value=10**9).map(lambda i: i / 100),  # what people type: 15 digits at most
)
ROW = st.one_of(st.none(), st.fixed_dictionaries({k: VALUE for k in KEYS}))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, max_size=8))
def test_values_read_back_exactly(rows: list[dict[str, Any] | None]) -> None:
    buf = io.BytesIO()
    written = [r or {} for r in rows]
    build_template("school", unit_code="3056200001", year=2567, round_no=2, out=buf, capacity=10, rows=written)
    got = dict(read_workbook(buf.getvalue()).sheets["roster"].rows)
    want = {}
    for i, row in enumerate(written):
        if all(_blank(row.get(k)) for k in KEYS):
            continue
        want[5 + i] = {
            k: None
            if row.get(k) is None or row.get(k) == ""
            else (float(row[k]) if isinstance(row[k], int) else row[k])
            for k in KEYS
        }
    assert got == want


def test_bench_validate_reports_a_ratio(tmp_path: Path) -> None:
    r = bench_validate(1_000, tmp_path, repeat=1)
    assert r["rows"] == 1_000
    assert r["baseline_s"] > 0 and r["measured_s"] > 0
    assert r["ratio"] == r["measured_s"] / r["baseline_s"]
    assert {"name", "baseline", "target", "ok", "notes"} <= r.keys()
