"""Graduation criteria (validators/academic/graduation.py): the numbers come from graduation.json with
their curriculum, and each pupil who does not graduate gets every reason, in Thai."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from validators.academic.graduation import Taken, all_criteria, criteria, judge, latest, level_of_grade

PASS = {"reading": "ดี", "character": "ดีเยี่ยม", "activity_guidance": "ผ", "activity_scout": "ผ",
        "activity_club": "ผ", "activity_social": "ผ"}  # fmt: skip


def m3_record(basic: int = 66, additional: int = 11, **override: str) -> list[Taken]:
    """Whole-credit subjects: `basic` basic ones and `additional` additional ones, all graded 3."""
    out = [Taken(f"ท2{1 + i % 3}1{i:02d}", f"พื้นฐาน {i}", "basic", D(1), "3", 2565 + i % 3, 1) for i in range(basic)]
    out += [Taken(f"ค2{1 + i % 3}2{i:02d}", f"เพิ่มเติม {i}", "additional", D(1), "3", 2567, 2) for i in range(additional)]
    return [Taken(t.subject_code, t.subject_name, t.kind, t.weight, override.get(t.subject_code, t.grade), t.year,
                  t.term) for t in out]  # fmt: skip


def test_criteria_are_data_with_their_curriculum() -> None:
    m3 = criteria("m3", 2567)
    assert (m3.min_total, m3.min_basic, m3.min_additional) == (D(77), D(66), D(11))
    assert m3.curriculum == "core-2551" and m3.grades == ("ม.1", "ม.2", "ม.3") and m3.variant == "ปพ.3:บ"
    m6 = criteria("m6", 2567)
    assert (m6.min_total, m6.min_basic, m6.min_additional) == (D(77), D(41), D(36))
    assert criteria("pvc3", 2567).min_gpax == D("2.00") and criteria("p6", 2567).weight == "hours"
    assert {c.level for c in all_criteria()} == {"p6", "m3", "m6", "pvc3", "pvs2"}
    with pytest.raises(ValueError):
        criteria("pvc3", 2550)  # before the vocational curriculum in the data
    assert level_of_grade("ม.3") == "m3" and level_of_grade("ม.2") is None
    assert m3.grade_in(2567, "ม.1") == 2565 and m3.grade_in(2567, "ป.6") is None


def test_m3_graduates_with_exactly_the_credits() -> None:
    status = judge(criteria("m3", 2567), m3_record(), assessments=[{"year": 2567, **PASS}], final_year=2567)
    assert status.graduated and status.reasons == []
    assert (status.earned_total, status.earned_basic, status.earned_additional) == (D(77), D(66), D(11))
    assert status.gpax == D("3.00")


def test_short_of_credits_names_each_kind() -> None:
    status = judge(criteria("m3", 2567), m3_record(additional=9), assessments=[{"year": 2567, **PASS}],
                   final_year=2567)  # fmt: skip
    assert not status.graduated
    assert status.reasons == ["หน่วยกิตรวมที่ได้ 75 หน่วยกิต ไม่ถึงเกณฑ์ 77 หน่วยกิต",
                              "หน่วยกิตรายวิชาเพิ่มเติมที่ได้ 9 หน่วยกิต ไม่ถึงเกณฑ์ 11 หน่วยกิต"]  # fmt: skip


def test_open_marks_zeros_and_assessments() -> None:
    record = m3_record(**{"ท21100": "ร", "ท22101": "0"})
    fail = {**PASS, "activity_scout": "มผ", "reading": "ไม่ผ่าน"}
    status = judge(criteria("m3", 2567), record, assessments=[{"year": 2566, **PASS}, {"year": 2567, **fail}],
                   final_year=2567, required=[("ว23101", "วิทยาศาสตร์")])  # fmt: skip
    assert not status.graduated
    assert "หน่วยกิตรายวิชาพื้นฐานที่ได้ 64 หน่วยกิต ไม่ถึงเกณฑ์ 66 หน่วยกิต" in status.reasons
    assert "ค้างผลการเรียน “ร” วิชา ท21100 พื้นฐาน 0 (ภาคเรียนที่ 1/2565)" in status.reasons
    assert "วิชา ท22101 พื้นฐาน 1 ได้ 0 ยังไม่ได้แก้ (ภาคเรียนที่ 1/2566)" in status.reasons
    assert "ยังไม่มีผลการเรียนรายวิชาที่โครงสร้างหลักสูตรกำหนด ว23101 วิทยาศาสตร์" in status.reasons
    assert "การอ่าน คิดวิเคราะห์ และเขียน ปีการศึกษา 2567 ได้ “ไม่ผ่าน” ยังไม่ผ่าน" in status.reasons
    assert "กิจกรรมลูกเสือ/เนตรนารี/ยุวกาชาด ปีการศึกษา 2567 ได้ “มผ” ยังไม่ผ่าน" in status.reasons
    assert [t.subject_code for t in status.open_marks] == ["ท21100", "ท22101"]
    missing = judge(criteria("m3", 2567), m3_record(), final_year=2567)
    assert missing.reasons == ["ยังไม่มีผลการประเมินการอ่าน คิดวิเคราะห์ และเขียน คุณลักษณะ และกิจกรรม ปีการศึกษา 2567"]


def test_a_resit_clears_the_zero() -> None:
    first = Taken("ค21101", "คณิต", "basic", D("1.5"), "0", 2565, 1)
    resit = Taken("ค21101", "คณิต", "basic", D("1.5"), "1", 2565, 2)
    assert latest([resit, first]) == [resit]


def test_vocational_gpax_cut_not_rounded() -> None:
    c = criteria("pvs2", 2567)
    # 83 credits: 41 at grade 2 and 42 at grade 2, but one credit at 1 -> (82*2 + 1) / 83 = 1.987... cut 1.98
    subjects = [Taken(f"30000-{1000 + i}", f"วิชา {i}", None, D(1), "2", 2566, 1) for i in range(82)]
    subjects.append(Taken("30000-2000", "วิชาสุดท้าย", None, D(1), "1", 2567, 2))
    status = judge(c, subjects)
    assert status.gpax == D("1.98")
    assert status.reasons == ["ผลการเรียนเฉลี่ยสะสม (GPAX) 1.98 ต่ำกว่าเกณฑ์ 2.00"]
    subjects[-1] = Taken("30000-2000", "วิชาสุดท้าย", None, D(1), "ท.", 2567, 2)
    status = judge(c, subjects)
    assert "รายวิชา 30000-2000 วิชาสุดท้าย ได้ “ท.” ไม่ผ่าน (ภาคเรียนที่ 2/2567)" in status.reasons
    assert "หน่วยกิตรวมที่ได้ 82 หน่วยกิต ไม่ถึงเกณฑ์ 83 หน่วยกิต" in status.reasons
    assert status.gpax == D("2.00")


def test_primary_uses_hours_and_basic_passes() -> None:
    c = criteria("p6", 2567)
    subjects = [Taken("ท16101", "ภาษาไทย", "basic", D(200), "2", 2567, 0),
                Taken("ค16101", "คณิตศาสตร์", "basic", D(200), "มส", 2567, 0)]  # fmt: skip
    status = judge(c, subjects, assessments=[{"year": 2567, **PASS}], final_year=2567)
    assert status.reasons == ["ค้างผลการเรียน “มส” วิชา ค16101 คณิตศาสตร์ (ปีการศึกษา 2567)"]
