"""Test kit for graduation and ปพ.3: a ม.3 cohort's three years of results typed as teachers type them.

Class ม.1/1 in 2565, ม.2/1 in 2566, ม.3/1 in 2567 at school 3056200001. Every term has nine 70/30
subjects: eight basic ones of 11 credits together (ท ค ว 1.5, ส 2, พ ศ ง 1, อ 1.5) and one additional
of 2 credits, so a pupil who passes everything earns 6 × 13 = 78 credits: 66 basic, 12 additional
(ม.3 needs 77: 66 basic and at least 11 additional).

Pupils (hand-computed figures, see `GRADES`):
    P1 ชาย    every subject 4                    -> GPAX 4.00, areas 4.00, graduates
    P2 หญิง   basic 3, additional 2              -> GPAX (66×3 + 12×2) / 78 = 222/78 = 2.846 -> 2.84
    P3 หญิง   basic 3.5, additional 2.5          -> (66×3.5 + 12×2.5) / 78 = 261/78 = 3.346 -> 3.34
    P4 ชาย    joined in ม.2: no 2565 results    -> 52 credits (44 basic, 8 additional): short of credits
    P5 หญิง   all 3, but ร in ว23102 (2567 term 2) -> open ร; graduates once the ร is cleared (then 3.00)
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from typing import Any

from recordskit import fill, typed_row
from serverkit import World

from validators.academic import Pupil, ResultSubject
from validators.identity import with_check_digit
from workbook_templates.academic_build import build_assessments, build_results

SCHOOL = "3056200001"
LAO = "05560101"
FINAL_YEAR = 2567
CLASSES = {2565: "ม.1/1", 2566: "ม.2/1", 2567: "ม.3/1"}
BASIC = [("ท", "ภาษาไทย", "1.5"), ("ค", "คณิตศาสตร์", "1.5"), ("ว", "วิทยาศาสตร์", "1.5"), ("ส", "สังคมศึกษา", "2"),
         ("พ", "สุขศึกษา", "1"), ("ศ", "ศิลปะ", "1"), ("ง", "การงานอาชีพ", "1"), ("อ", "ภาษาอังกฤษ", "1.5")]  # fmt: skip
PUPILS = [
    Pupil(with_check_digit("110370000101"), "กมล", "ใจดี"),
    Pupil(with_check_digit("110370000102"), "ขวัญใจ", "ศรีสุข"),
    Pupil(with_check_digit("110370000103"), "จันทร์เพ็ญ", "มีทรัพย์"),
    Pupil(with_check_digit("110370000104"), "ชาตรี", "ย้ายมา"),
    Pupil(with_check_digit("110370000105"), "ดารุณี", "ค้างงาน"),
]
SEX = ["ชาย", "หญิง", "หญิง", "ชาย", "หญิง"]
PREFIX = ["เด็กชาย", "เด็กหญิง", "เด็กหญิง", "เด็กชาย", "เด็กหญิง"]
BIRTH = [date(2009, 5, 1), date(2009, 6, 12), date(2009, 1, 30), date(2008, 12, 25), date(2009, 3, 3)]
OPEN_R = ("ว23102", 4)  # P5's pending subject and pupil index


def subjects(year: int, term: int) -> list[ResultSubject]:
    y = year - 2564  # 1, 2, 3: the year digit of the code
    out = [ResultSubject(f"{letter}2{y}10{term}", f"{name} {y}/{term}", "basic", D(credits), None, D(70), D(30))
           for letter, name, credits in BASIC]  # fmt: skip
    out.append(ResultSubject(f"ค2{y}20{term}", f"คณิตศาสตร์เพิ่มเติม {y}/{term}", "additional", D(2), None, D(70), D(30)))
    return out


def grade_of(pupil: int, subject: ResultSubject, year: int, term: int, cleared: bool) -> str:
    additional = subject.kind == "additional"
    if pupil == 0:
        return "4"
    if pupil == 1:
        return "2" if additional else "3"
    if pupil == 2:
        return "2.5" if additional else "3.5"
    if pupil == 4 and (subject.code, year) == (OPEN_R[0], FINAL_YEAR) and not cleared:
        return "ร"
    return "3"


def class_pupils(year: int) -> list[Pupil]:
    return [p for i, p in enumerate(PUPILS) if not (i == 3 and year == 2565)]


def results_workbook(year: int, term: int, *, cleared: bool = False) -> bytes:
    pupils = class_pupils(year)
    buf = io.BytesIO()
    subs = subjects(year, term)
    build_results(unit_code=SCHOOL, unit_name="โรงเรียนทดสอบ", year=year, term=term, class_name=CLASSES[year],
                  subjects=subs, pupils=pupils, out=buf)  # fmt: skip
    index = {p.citizen_id: i for i, p in enumerate(PUPILS)}
    typed = {
        s.code: [{**typed_row(grade_of(index[p.citizen_id], s, year, term, cleared)),
                  "student_no": str(2001 + index[p.citizen_id])} for p in pupils]
        for s in subs
    }  # fmt: skip
    return fill(buf.getvalue(), typed)


def assessments_workbook(year: int = FINAL_YEAR) -> bytes:
    import openpyxl

    buf = io.BytesIO()
    pupils = class_pupils(year)
    build_assessments(unit_code=SCHOOL, year=year, class_name=CLASSES[year], pupils=pupils, out=buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb.worksheets[1]
    cols = {c.value: c.column for c in ws[3] if c.value}
    ratings = {"reading": "ดีเยี่ยม", "character": "ดี", "activity_guidance": "ผ", "activity_scout": "ผ",
               "activity_club": "ผ", "activity_social": "ผ"}  # fmt: skip
    for i in range(len(pupils)):
        for key, value in ratings.items():
            ws.cell(5 + i, cols[key], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def send_records(world: World, login: str, data: bytes, year: int, code: str = SCHOOL) -> Any:
    return world.client.post(f"/api/v1/years/{year}/units/{code}/records/workbook", headers=world.headers(login),
                             data={"file": (io.BytesIO(data), "records.xlsx")},
                             content_type="multipart/form-data")  # fmt: skip


def census_rows(world: World) -> list[dict[str, Any]]:
    """The school's census roster carrying the cohort (title, sex, birth date for ปพ.3) and a few others."""
    rows = world.roster(SCHOOL, 6, seed=3)
    for i, p in enumerate(PUPILS):
        person = {"citizen_id": p.citizen_id, "prefix": PREFIX[i], "first_name": p.first_name, "last_name": p.last_name}
        rows.append({**rows[0], **person, "sex": SEX[i], "birth_date": BIRTH[i], "grade": "ม.3", "room": "1"})
    return rows


def walk_results(world: World, login: str = SCHOOL) -> None:
    """The census roster, three years of results and the final year's assessments, all accepted."""
    world.upload_rows(SCHOOL, SCHOOL, census_rows(world))
    for year in CLASSES:
        for term in (1, 2):
            resp = send_records(world, login, results_workbook(year, term), year)
            assert resp.status_code == 200, resp.get_json()
    resp = send_records(world, login, assessments_workbook(), FINAL_YEAR)
    assert resp.status_code == 200, resp.get_json()
