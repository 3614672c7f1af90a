"""The demo's LAO, province and national books carry exactly the stored numbers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from consolidate_kit import (
    NOW,
    body,
    grade_columns,
    header_index,
    institutions_of,
    laos_of,
    rows,
    sheets,
    sql_counts,
    total_row,
)

from server.books import write_book
from server.storage import clock
from validators.fields import OTHER_COUNT_KEYS, OTHER_GRADES

UNITS = ("04560101", "56", "TH")


@pytest.fixture(scope="module")
def books(demo_dir: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from server.storage import db

    data, round_id = demo_dir
    out = tmp_path_factory.mktemp("books")
    conn = db.connect(data / "lec.db")
    try:
        return {
            code: write_book(conn, round_id, code, out / f"{code}.xlsx", now=clock.parse_datetime(NOW))
            for code in UNITS
        }
    finally:
        conn.close()


def test_sheets_are_thai_and_the_national_book_has_no_pupil_list(books: dict[str, Path]) -> None:
    lao, province, nation = (sheets(books[c]) for c in UNITS)
    assert lao == province
    assert lao[0] == "สรุป" and "ใบรับรอง" in lao and "รายชื่อนักเรียน" in lao
    assert "รายชื่อนักเรียน" not in nation
    assert all(name.isascii() is False for name in lao)


@pytest.mark.parametrize("code", UNITS)
def test_per_institution_counts_match_sql(
    books: dict[str, Path], demo_db: sqlite_utils.Database, demo_dir: tuple[Path, str], code: str
) -> None:
    round_id = demo_dir[1]
    table = rows(books[code], "รายสถานศึกษา")
    first = "จังหวัด" if code == "TH" else "รหัส อปท."
    h = header_index(table, first)
    cols = grade_columns(table, h)
    code_col = table[h].index("รหัสสถานศึกษา")
    expected = sql_counts(demo_db, round_id, institutions_of(demo_db, code))
    seen = {}
    for r in body(table, h):
        got = Counter({k: int(r[c]) for k, c in cols.items() if r[c]})
        seen[r[code_col]] = got
        assert sum(got.values()) == int(r[table[h].index("รวม")])
    assert seen == {k: v for k, v in expected.items()}
    # the total row: per grade and sex, and overall
    total = total_row(table, h)
    all_counts = sum(expected.values(), Counter())
    for key, c in cols.items():
        assert int(total[c]) == all_counts.get(key, 0), key
    assert int(total[table[h].index("รวม")]) == sum(all_counts.values())


@pytest.mark.parametrize("code", UNITS)
def test_summary_totals_match_sql(
    books: dict[str, Path], demo_db: sqlite_utils.Database, demo_dir: tuple[Path, str], code: str
) -> None:
    round_id = demo_dir[1]
    insts = institutions_of(demo_db, code)
    laos = laos_of(demo_db, code)
    pupils = sum(sum(c.values()) for c in sql_counts(demo_db, round_id, insts).values())
    keys = " + ".join(OTHER_COUNT_KEYS)
    other = sum(
        demo_db.execute(
            f"SELECT COALESCE(SUM({keys}), 0) FROM other_counts WHERE round_id = ? AND lao_code = ?", [round_id, lao]
        ).fetchone()[0]
        for lao in laos
    )
    table = rows(books[code], "สรุป")
    h = header_index(table, {"04560101": "รหัสสถานศึกษา", "56": "รหัส อปท.", "TH": "รหัสจังหวัด"}[code])
    total = total_row(table, h)
    header = table[h]
    assert int(total[header.index("นักเรียนในสังกัด อปท.")]) == pupils
    assert int(total[header.index("สังกัดอื่น")]) == other
    assert int(total[header.index("รวมทั้งสิ้น")]) == pupils + other
    assert pupils > 0 and other > 0
    # the rows add up to the total row
    data = body(table, h)
    assert sum(int(r[header.index("รวมทั้งสิ้น")]) for r in data) == pupils + other
    # the sign-off sheet states the same grand total
    signoff = rows(books[code], "ใบรับรอง")
    grand = next(r for r in signoff if r and r[0] == "รวมทั้งสิ้น")
    assert int(grand[3]) == pupils + other


def test_province_summary_per_lao(
    books: dict[str, Path], demo_db: sqlite_utils.Database, demo_dir: tuple[Path, str]
) -> None:
    round_id = demo_dir[1]
    table = rows(books["56"], "สรุป")
    h = header_index(table, "รหัส อปท.")
    header = table[h]
    for r in body(table, h):
        lao = r[0]
        insts = institutions_of(demo_db, lao)
        expected = sum(sum(c.values()) for c in sql_counts(demo_db, round_id, insts).values())
        assert int(r[header.index("นักเรียนในสังกัด อปท.")]) == expected, lao
        confirmed = demo_db.execute(
            "SELECT COUNT(*) FROM confirmations WHERE round_id = ? AND unit_code IN (SELECT code FROM units"
            " WHERE parent = ? AND level = 'institution')",
            [round_id, lao],
        ).fetchone()[0]
        assert int(r[header.index("สถานศึกษา ยืนยันแล้ว")]) == confirmed
        assert int(r[header.index("สถานศึกษา ทั้งหมด")]) == len(insts)


@pytest.mark.parametrize("code", ("04560101", "56"))
def test_pupil_list_is_the_stored_rows(
    books: dict[str, Path], demo_db: sqlite_utils.Database, demo_dir: tuple[Path, str], code: str
) -> None:
    round_id = demo_dir[1]
    table = rows(books[code], "รายชื่อนักเรียน")
    h = header_index(table, "รหัส อปท.")
    got = {(r[1], r[3]) for r in table[h + 1 :] if r and r[1]}
    insts = institutions_of(demo_db, code)
    expected = {
        (u, c)
        for u, c in demo_db.execute("SELECT unit_code, citizen_id FROM pupils WHERE round_id = ?", [round_id])
        if u in set(insts)
    }
    assert got == expected
    assert len(table) - h - 1 == len(expected)
    # IDs stay text with their leading zeros; birth dates are real dates
    assert all(isinstance(r[3], str) and len(r[3]) == 13 for r in table[h + 1 :])
    assert any(str(r[3]).startswith("0") for r in table[h + 1 :])


def test_other_affiliation_sheet_matches_sql(
    books: dict[str, Path], demo_db: sqlite_utils.Database, demo_dir: tuple[Path, str]
) -> None:
    round_id = demo_dir[1]
    table = rows(books["56"], "สังกัดอื่น")
    h = header_index(table, "รหัส อปท.")
    cols = grade_columns(table, h)
    stored = {
        r["other_school_code"]: r for r in demo_db.query("SELECT * FROM other_counts WHERE round_id = ?", [round_id])
    }
    got = body(table, h)
    assert len(got) == len(stored)
    code_col = table[h].index("รหัสสถานศึกษา")
    for r in got:
        row = stored[r[code_col]]
        for key in OTHER_COUNT_KEYS:
            grade = OTHER_GRADES[OTHER_COUNT_KEYS.index(key) // 2]
            sex = "ชาย" if key.endswith("_m") else "หญิง"
            assert int(r[cols[(grade, sex)]]) == row[key]


def test_issues_sheets_show_the_conflict_and_the_unconfirmed(
    books: dict[str, Path], demo_db: sqlite_utils.Database, demo_dir: tuple[Path, str]
) -> None:
    round_id = demo_dir[1]
    table = rows(books["56"], "เด็กซ้ำซ้อน")
    h = header_index(table, "เลขประจำตัว")
    dup = demo_db.execute(
        "SELECT citizen_id FROM pupils WHERE round_id = ? AND citizen_id NOT IN (SELECT citizen_id FROM"
        " conflict_decisions WHERE withdrawn_at IS NULL) GROUP BY citizen_id HAVING COUNT(*) > 1",
        [round_id],
    ).fetchall()  # a decided duplicate is no longer an issue to fix before confirming
    assert {r[0] for r in body(table, h)} == {d[0] for d in dup}
    assert len(body(table, h)) == 2 * len(dup)
    table = rows(books["56"], "ยังไม่ยืนยัน")
    h = header_index(table, "ระดับ")
    listed = {r[1] for r in body(table, h)}
    unconfirmed = {
        c
        for (c,) in demo_db.execute(
            "SELECT code FROM units WHERE level IN ('province', 'lao', 'institution') AND code NOT IN"
            " (SELECT unit_code FROM confirmations WHERE round_id = ?)",
            [round_id],
        )
    }
    assert listed == unconfirmed
    removals = rows(books["56"], "นำออก")
    h = header_index(removals, "รหัส อปท.")
    n = demo_db.execute("SELECT COUNT(*) FROM removals WHERE round_id = ?", [round_id]).fetchone()[0]
    assert int(total_row(removals, h)[-1]) == n > 0


def test_money_is_marked_as_an_estimate_with_its_sources(books: dict[str, Path]) -> None:
    table = rows(books["56"], "ประมาณการเงิน")
    text = " ".join(str(c) for r in table[:12] for c in r if c)
    assert "ประมาณการ" in text and "ไม่ใช่ยอดจัดสรร" in text
    assert "8 พฤศจิกายน 2565" in text and "6.89" in text and "ยังไม่ได้ตรวจสอบ" in text
    h = header_index(table, "รหัส อปท.")
    header = table[h]
    for r in body(table, h):
        n, rate = int(r[header.index("นักเรียน อ.1–ป.6 / เด็กเล็ก")]), r[header.index("อัตรา (บาท/คน/วัน)")]
        days = r[header.index("จำนวนวัน")]
        assert r[header.index("ค่าอาหารกลางวัน (บาท)")] == pytest.approx(n * rate * days)
        assert rate == {True: 0, False: 36 if n <= 40 else 27 if n <= 100 else 24 if n <= 120 else 22}[n == 0]
