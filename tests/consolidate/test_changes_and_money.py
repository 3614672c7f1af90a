"""Big changes against the previous round's snapshot; lunch and milk estimates from rates.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from consolidate_kit import NOW, body, header_index, rows

from server.books import money, write_book
from server.storage import clock, db


def test_big_changes_against_the_previous_snapshot(demo_copy: tuple[Path, str]) -> None:
    data_dir, round_id = demo_copy
    conn = db.connect(data_dir / "lec.db")
    try:
        n_now = {
            u: n
            for u, n in conn.execute(
                "SELECT unit_code, COUNT(*) FROM pupils WHERE round_id = ? GROUP BY unit_code", [round_id]
            )
        }
        t = "2024-06-01T00:00:00+07:00"
        conn.execute(
            "INSERT INTO rounds (id, year, round_no, mode, as_of, opens, institution_deadline, lao_deadline,"
            " province_deadline, closes, created_at) VALUES ('2567-1', 2567, 1, 'confirm', '2024-06-10', ?, ?, ?,"
            " ?, ?, ?)",
            [t] * 6,
        )
        sid = conn.execute(
            "INSERT INTO snapshots (round_id, province_code, taken_at, total) VALUES ('2567-1', '56', ?, 0)", [t]
        ).lastrowid
        previous = [
            ("04560101", "3056200101", n_now["3056200101"] + 200),  # lost 200 (over 20%): flagged
            ("04560101", "3056200102", n_now["3056200102"] + 3),  # small change: not flagged
            ("04560101", "3056200199", 50),  # vanished school: flagged
        ]
        for lao, unit, n in previous:
            conn.execute(
                "INSERT INTO snapshot_counts (snapshot_id, lao_code, unit_code, source, grade, sex, count)"
                " VALUES (?, ?, ?, 'roster', 'p1', 'm', ?)",
                [sid, lao, unit, n],
            )
        book = write_book(conn, round_id, "56", data_dir / "p.xlsx", now=clock.parse_datetime(NOW))
    finally:
        conn.close()
    table = rows(book, "เปลี่ยนแปลงมาก")
    assert "2567-1" in table[1][0]
    h = header_index(table, "ประเภท")
    got = {r[3]: r for r in body(table, h)}
    assert set(got) >= {"3056200101", "3056200199"}
    assert "3056200102" not in got
    assert int(got["3056200101"][7]) == -200
    assert int(got["3056200199"][6]) == 0


@pytest.mark.parametrize(
    ("size", "rate"), [(1, 36), (40, 36), (41, 27), (100, 27), (101, 24), (120, 24), (121, 22), (3000, 22), (0, 0)]
)
def test_lunch_rate_bands(size: int, rate: float) -> None:
    assert money.lunch_rate(money.load_rates(), size) == rate


def test_estimate_counts_pre_school_to_p6_only() -> None:
    rates = money.load_rates()
    est = money.estimate({"อ.1": 10, "ป.6": 20, "ม.1": 30}, 0, child_centre=False, rates=rates)
    assert est.eligible == 30 and est.lunch_rate == 36 and est.lunch == 30 * 36 * 200
    assert est.milk_pasteurised == pytest.approx(30 * 260 * 6.89)
    assert est.milk_uht == pytest.approx(30 * 260 * 8.13)
    cdc = money.estimate({}, 45, child_centre=True, rates=rates)
    assert cdc.eligible == 45 and cdc.lunch == 45 * 27 * 245


def test_rates_file_names_its_sources() -> None:
    rates = money.load_rates()
    text = " ".join(s["source"] for s in rates["sources"])
    assert "8 พฤศจิกายน 2565" in text and "2566" in text and "ธันวาคม 2565" in text
    assert any(not s["verified"] for s in rates["sources"])  # the day counts are marked unverified
