"""A correction window starts from the confirmed data; its allocation basis is the frozen snapshot."""

from __future__ import annotations

import pytest
from seasonkit import (
    CORRECTION,
    PROVINCE,
    PROVINCE_INSTS,
    PROVINCE_LAOS,
    confirm_province,
    grade_counts,
    open_correction,
    other_total,
)
from serverkit import World

from server.domain import rounds
from server.domain.errors import ServiceError


def test_untouched_units_keep_their_numbers_and_read_unchanged(world: World) -> None:
    sent = confirm_province(world)
    basis_total = sum(len(sent[c]) for c in PROVINCE_INSTS) + sum(other_total(sent[lao]) for lao in PROVINCE_LAOS)
    row = open_correction(world)
    assert row["basis_round"] == "2567-2"
    st = world.status(PROVINCE, round_id=CORRECTION).get_json()
    assert st["state"] == "unchanged" and st["deadline"] is None and st["blockers"] == []
    assert st["counts"]["total"] == basis_total
    corr = st["correction"]
    assert corr["basis_round"] == "2567-2" and corr["basis"]["total"] == basis_total
    assert corr["difference"]["total"] == 0 and corr["difference"]["pupils"] == {}
    assert "10 พ.ย. 2567" in corr["basis_label"]
    assert {k["state"] for k in st["children"]} == {"unchanged"}
    school = world.status("3056200001", round_id=CORRECTION).get_json()
    assert school["state"] == "unchanged"
    assert school["counts"]["pupils"] == grade_counts(sent["3056200001"])


def test_a_fix_shows_as_corrected_with_its_difference_per_grade(world: World) -> None:
    sent = confirm_province(world)
    open_correction(world)
    code = "3056200001"
    extra = [
        r for r in world.roster(code, n=40, seed=9) if r["citizen_id"] not in {x["citizen_id"] for x in sent[code]}
    ][:3]
    world.upload_rows(code, code, [*sent[code], *extra], round_id=CORRECTION)
    st = world.status(code, round_id=CORRECTION).get_json()
    assert st["state"] == "corrected"
    want = grade_counts(extra)
    assert st["correction"]["difference"]["pupils"] == want
    assert st["correction"]["difference"]["total"] == 3
    assert st["correction"]["basis"]["total"] == len(sent[code])
    prov = world.status(PROVINCE, round_id=CORRECTION).get_json()
    assert prov["state"] == "corrected" and prov["correction"]["difference"]["total"] == 3
    states = {k["code"]: k["state"] for k in prov["children"]}
    assert states == {"02560001": "unchanged", "05560101": "corrected", "06560201": "unchanged"}
    # nobody confirms in a correction window
    assert world.confirm(code, round_id=CORRECTION).status_code == 409


def test_basis_must_be_a_confirmed_round(world: World) -> None:
    with pytest.raises(ServiceError) as err:
        open_correction(world)
    assert err.value.code == "no_basis"
    confirm_province(world)
    with pytest.raises(ServiceError) as err:
        rounds.create_round(world.db, "2567-4", mode="confirm", basis="2567-2", as_of="2025-01-05",
                            opens="2025-01-01T00:00", institution_deadline="2025-01-20T17:00",
                            lao_deadline="2025-01-20T17:00", province_deadline="2025-01-21T17:00")  # fmt: skip
    assert err.value.code == "basis_needs_correction"


def _sheet_rows(data: bytes, name: str) -> list[tuple]:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def test_province_book_shows_basis_corrected_difference_and_money(world: World) -> None:
    from seasonkit import institution_lunch, other_lunch

    sent = confirm_province(world)
    open_correction(world)
    code = "3056200001"
    extra = [
        r for r in world.roster(code, n=40, seed=9) if r["citizen_id"] not in {x["citizen_id"] for x in sent[code]}
    ][:3]
    fixed = [*sent[code], *extra]
    world.upload_rows(code, code, fixed, round_id=CORRECTION)
    resp = world.get(PROVINCE, f"/rounds/{CORRECTION}/units/{PROVINCE}/consolidated")
    assert resp.status_code == 200
    data = resp.data
    import io

    import openpyxl

    names = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert "รายงานการแก้ไข" in names and "ใบรับรอง" not in names and "เทียบฐานจัดสรร" in names
    basis_pupils = sum(len(sent[c]) for c in PROVINCE_INSTS)
    other = sum(other_total(sent[lao]) for lao in PROVINCE_LAOS)
    # the comparison sheet: per unit totals, per grade differences, the grand total
    rows = _sheet_rows(data, "เทียบฐานจัดสรร")
    assert any("ฐานการจัดสรร: ข้อมูลรอบ 2567-2 ณ วันที่ 10 พ.ย. 2567" in str(r[0]) for r in rows[:4])
    totals = {r[1]: r for r in rows if r[3] == "รวม"}
    assert totals[code][4:11][2] == len(sent[code]) and totals[code][9] == len(fixed) and totals[code][10] == 3
    assert totals[code][11].startswith("แก้ไขแล้ว")
    assert totals["3056100001"][10] == 0 and totals["3056100001"][11].startswith("ไม่เปลี่ยนแปลง")
    assert totals["1056000001"][6] == other_total(sent["06560201"]) and totals["1056000001"][10] == 0
    grand = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert (grand[6], grand[9], grand[10]) == (basis_pupils + other, basis_pupils + other + 3, 3)
    by_grade = {r[3]: r[10] for r in rows if r[1] == code and r[3] != "รวม"}
    for g, n in {g: sum(1 for r in extra if r["grade"] == g) for g in {r["grade"] for r in extra}}.items():
        assert by_grade[g] == n
    # money: on the basis, the corrected figure beside it
    lunch_basis = (
        institution_lunch(sent["3056100001"], False)
        + institution_lunch(sent[code], False)
        + institution_lunch(sent["3056500001"], True)
        + sum(other_lunch(sent[lao]) for lao in PROVINCE_LAOS)
    )
    lunch_fixed = lunch_basis - institution_lunch(sent[code], False) + institution_lunch(fixed, False)
    money = _sheet_rows(data, "ประมาณการเงิน")
    total = next(r for r in money if r[0] == "รวม (ประมาณการ)")
    assert total[5] == pytest.approx(lunch_basis) and total[9] == pytest.approx(lunch_fixed)
    assert total[10] == pytest.approx(lunch_fixed - lunch_basis)
    # the summary says nothing is due; the report carries the same numbers
    summary = _sheet_rows(data, "สรุป")
    head = " ".join(str(c) for r in summary[:6] for c in r if c)
    assert "ยังไม่ยืนยัน" not in head and "กำหนดยืนยัน" not in head and "ไม่ต้องยืนยัน" in head
    report = _sheet_rows(data, "รายงานการแก้ไข")
    grand = next(r for r in report if r[0] == "รวมทั้งสิ้น")
    assert tuple(grand[1:4]) == (basis_pupils + other, basis_pupils + other + 3, 3)
    assert not any("ยังไม่ยืนยัน" in str(c) for r in report for c in r if c)
