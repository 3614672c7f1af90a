"""The graduation list of a real school year: results uploaded as teachers fill them, then each pupil's
status and reasons against the ม.3 criteria, compared with the figures computed by hand in graduateskit."""

from __future__ import annotations

from graduateskit import FINAL_YEAR, PUPILS, SCHOOL, walk_results
from serverkit import World

from server.domain import graduation, registry


def test_statuses_and_reasons(world: World) -> None:
    walk_results(world)
    listing = graduation.build_list(world.db, registry.get_unit(world.db, SCHOOL), FINAL_YEAR, "m3")
    assert listing["candidates"] == 5
    got = {p["citizen_id"]: p for p in listing["graduates"]}
    assert list(got) == [PUPILS[0].citizen_id, PUPILS[1].citizen_id, PUPILS[2].citizen_id]
    p1, p2, p3 = got.values()
    assert (p1["gpax"], p2["gpax"], p3["gpax"]) == ("4.00", "2.84", "3.34")  # 222/78 and 261/78, cut
    assert (p2["earned_total"], p2["earned_basic"], p2["earned_additional"]) == ("78", "66", "12")
    assert p2["areas"]["thai"]["gpa"] == "3.00" and p2["areas"]["math"]["gpa"] == "2.42"  # (9×3 + 12×2) / 21 = 2.428
    assert p1["sex"] == "ชาย" and p1["birth_date"] == "2009-05-01" and p1["student_no"] == "2001"
    short, pending = listing["not_graduated"]
    assert short["citizen_id"] == PUPILS[3].citizen_id
    assert short["reasons"] == ["หน่วยกิตรวมที่ได้ 52 หน่วยกิต ไม่ถึงเกณฑ์ 77 หน่วยกิต",
                                "หน่วยกิตรายวิชาพื้นฐานที่ได้ 44 หน่วยกิต ไม่ถึงเกณฑ์ 66 หน่วยกิต",
                                "หน่วยกิตรายวิชาเพิ่มเติมที่ได้ 8 หน่วยกิต ไม่ถึงเกณฑ์ 11 หน่วยกิต"]  # fmt: skip
    assert pending["reasons"] == ["หน่วยกิตรวมที่ได้ 76.5 หน่วยกิต ไม่ถึงเกณฑ์ 77 หน่วยกิต",
                                  "หน่วยกิตรายวิชาพื้นฐานที่ได้ 64.5 หน่วยกิต ไม่ถึงเกณฑ์ 66 หน่วยกิต",
                                  "ค้างผลการเรียน “ร” วิชา ว23102 วิทยาศาสตร์ 3/2 (ภาคเรียนที่ 2/2567)"]  # fmt: skip
    assert listing["totals"] == {"male": 1, "female": 2, "unknown": 0, "total": 3}


def test_report_prints_parents_and_pp1_when_known(world: World) -> None:
    """What the registrar's pupil register adds (parents, the ปพ.1 series and number) prints on ปพ.3."""
    import io

    import openpyxl

    from server.books.graduates import report_bytes

    walk_results(world)
    listing = graduation.build_list(world.db, registry.get_unit(world.db, SCHOOL), FINAL_YEAR, "m3")
    first = listing["graduates"][0]
    first.update(father_name="นายสมศักดิ์ ใจดี", mother_name="นางสมใจ ใจดี", pp1_series="0012", pp1_no="345")
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(listing)))
    row = next(r for r in wb.worksheets[0].iter_rows(values_only=True) if first["citizen_id"] in r)
    assert row[3] == "0012/345" and row[7] == "นายสมศักดิ์ ใจดี\nนางสมใจ ใจดี"
    assert wb.worksheets[0].title == "แบบ ปพ.3" and wb.worksheets[1].title == "ผู้ยังไม่จบ"


def test_report_shapes_of_primary_and_vocational(world: World) -> None:
    """ป.6 prints one GPA column per area (hours, no credits); ปวช./ปวส. credits and GPAX only (no areas)."""
    import copy
    import io

    import openpyxl

    from server.books.graduates import report_bytes
    from validators.academic.graduation import criteria

    walk_results(world)
    base = graduation.build_list(world.db, registry.get_unit(world.db, SCHOOL), FINAL_YEAR, "m3")
    for level, variant, expect, absent in (("p6", "ปพ.3:ป", "ผลการเรียนเฉลี่ย", "หน่วยกิตพื้นฐาน"),
                                           ("pvs2", "ปพ.3", "หน่วยกิตที่ได้", "ภาษาไทย")):  # fmt: skip
        listing = copy.deepcopy(base)
        c = criteria(level, FINAL_YEAR)
        listing["level"] = level
        listing["criteria"].update(variant=c.variant, level_title=c.level_title)
        ws = openpyxl.load_workbook(io.BytesIO(report_bytes(listing))).worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        header = next(r for r in rows if r[0] == "ที่")
        assert variant in rows[0] and expect in header and absent not in header, (level, header)
        if level == "p6":
            assert "หน่วยกิต" not in rows[rows.index(header) + 1]


def test_parents_and_pp1_from_the_pupil_register(world: World) -> None:
    """The registrar's pupil register (its rows as the register upload stores them) feeds ปพ.3."""
    walk_results(world)
    upload_id = world.db.execute("SELECT MAX(id) FROM record_uploads").fetchone()[0]
    cid = PUPILS[1].citizen_id
    world.db.execute(
        "INSERT INTO pupil_register (unit_code, citizen_id, student_no, father_name, mother_name, pp1_series,"
        " pp1_number, year, upload_id) VALUES (?,?,?,?,?,?,?,?,?)",
        [SCHOOL, cid, "2002", "นายขจร ศรีสุข", "นางขวัญตา ศรีสุข", "0012", "346", FINAL_YEAR, upload_id],
    )
    listing = graduation.build_list(world.db, registry.get_unit(world.db, SCHOOL), FINAL_YEAR, "m3")
    p2 = next(p for p in listing["graduates"] if p["citizen_id"] == cid)
    assert (p2["father_name"], p2["mother_name"], p2["pp1_series"], p2["pp1_no"]) == (
        "นายขจร ศรีสุข", "นางขวัญตา ศรีสุข", "0012", "346")  # fmt: skip
    assert listing["graduates"][0]["father_name"] is None  # not in the register: printed as "-"
