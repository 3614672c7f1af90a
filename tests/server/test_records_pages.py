"""The academic records' web pages through the real Flask app: a class's results and a pupil's record
show the hand-computed GPAs of recordskit.py (3.666... cut to 3.66, GPAX 1.875 cut to 1.87), the pending
ร and มส, a link to the ปพ.1; the school, its LAO and its province see them, another LAO does not."""

from __future__ import annotations

import io
from typing import Any

from pagetext import marked_text, rows_by
from recordskit import CLASS, PUPILS, SCHOOL, YEAR, results_workbook
from serverkit import World
from test_records import upload_both_terms

A, B, C = (p.citizen_id for p in PUPILS)
LAO, PROVINCE, OTHER_LAO, OTHER_PROVINCE_SCHOOL = "05560101", "56", "06560201", "3057300001"
INDEX = f"/years/{YEAR}/units/{SCHOOL}/records"
CLASS_PAGE = f"{INDEX}/class"


def page(world: World, login: str, path: str, **query: Any) -> Any:
    return world.client.get(path, query_string=query, headers=world.headers(login))


def test_class_page_grades_gpa_and_pending(world: World) -> None:
    upload_both_terms(world)
    resp = page(world, SCHOOL, CLASS_PAGE, **{"class": CLASS, "term": 1})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<html lang="th">' in html and f"ผลการเรียนชั้น {CLASS} · ภาคเรียนที่ 1/{YEAR}" in html
    rows = rows_by(html, "data-pupil")
    assert list(rows) == [A, B, C]  # in student-number order (1001, 1002, 1003)
    assert rows[A] == ["1001", "อนันต์ ใจดี", "4", "3.5", "3.5", "3.66"]  # 11/3 cut, not 3.67
    assert rows[B][-4:] == ["2", "2", "ร", "2.00"]  # ร left out of the average
    assert rows[C][-4:] == ["4", "4", "มส", "4.00"]
    pending = rows_by(html, "data-pending")
    assert set(pending) == {f"{B}-ว21101", f"{C}-ว21101"}
    assert pending[f"{C}-ว21101"][-1] == "มส" and "ผลการเรียนค้าง (ร / มส) 2 รายการ" in html
    assert "1.5 นก." in html  # credits under each subject code
    term2 = rows_by(page(world, SCHOOL, CLASS_PAGE, **{"class": CLASS, "term": 2}).get_data(as_text=True), "data-pupil")
    assert term2[A][-1] == "2.75" and term2[B][-1] == "1.75"


def test_pupil_page_terms_areas_gpax_and_transcript_link(world: World) -> None:
    upload_both_terms(world)
    html = page(world, SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{A}").get_data(as_text=True)
    assert marked_text(html, "gpax") == "3.30"
    assert "เกรดเฉลี่ย 3.66" in marked_text(html, f"term-{YEAR}-1") and "เกรดเฉลี่ย 2.75" in marked_text(
        html, f"term-{YEAR}-2"
    )
    areas = rows_by(html, "data-area")
    assert areas["thai"] == ["ภาษาไทย", "3", "3.50"] and areas["math"][-1] == "3.00" and areas["science"][-1] == "3.50"
    link = f"/api/v1/years/{YEAR}/units/{SCHOOL}/students/{A}/transcript"
    assert f'href="{link}"' in html
    assert world.client.get(link, headers=world.headers(SCHOOL)).mimetype.endswith("spreadsheetml.sheet")
    b = page(world, SCHOOL, f"/years/{YEAR}/units/{SCHOOL}/students/{B}").get_data(as_text=True)
    assert marked_text(b, "gpax") == "1.87"  # 1.875 cut
    assert "ว21101" in marked_text(b, "pupil-pending") and "ร" in marked_text(b, "pupil-pending")


def test_index_lists_classes_and_is_linked_from_the_school_page(world: World) -> None:
    upload_both_terms(world)
    html = page(world, SCHOOL, INDEX).get_data(as_text=True)
    rows = rows_by(html, "data-term")
    assert list(rows.values()) == [[CLASS, f"ภาคเรียนที่ 1/{YEAR}", "3", "3", "2"], [f"ภาคเรียนที่ 2/{YEAR}", "3", "2", "–"]]
    assert 'data-test="class-ม.1/1-2"' in html and "term=2" in html
    unit_page = world.client.get(f"/rounds/2567-2/units/{SCHOOL}", headers=world.headers(SCHOOL)).get_data(as_text=True)
    assert f'href="{INDEX}"' in unit_page
    cdc = world.client.get("/rounds/2567-2/units/3056500001", headers=world.headers("3056500001"))
    assert "ทะเบียนผลการเรียน" not in cdc.get_data(as_text=True)
    latest = world.client.get(f"/units/{SCHOOL}/records", headers=world.headers(SCHOOL))
    assert latest.status_code == 302 and latest.headers["Location"].endswith(INDEX)


def test_scope_school_lao_province_see_it_others_do_not(world: World) -> None:
    upload_both_terms(world)
    paths = [INDEX, f"/years/{YEAR}/units/{SCHOOL}/students/{A}"]
    for login in (SCHOOL, LAO, PROVINCE):
        assert [page(world, login, p).status_code for p in paths] == [200, 200], login
        assert page(world, login, CLASS_PAGE, **{"class": CLASS, "term": 1}).status_code == 200
    for login in (OTHER_LAO, OTHER_PROVINCE_SCHOOL):
        for p in paths:
            resp = page(world, login, p)
            assert resp.status_code == 403 and "ไม่มีสิทธิ์" in resp.get_data(as_text=True)
            assert A not in resp.get_data(as_text=True)
        assert page(world, login, CLASS_PAGE, **{"class": CLASS, "term": 1}).status_code == 403
    assert world.client.get(INDEX).status_code == 302  # nobody logged in: to the login page
    assert page(world, SCHOOL, CLASS_PAGE, **{"class": "ม.2/1", "term": 1}).status_code == 404
    assert page(world, "3056500001", "/years/2567/units/3056500001/records").status_code == 404  # a child centre


def test_web_upload_accepts_and_rejects(world: World) -> None:
    headers = world.headers(SCHOOL)
    good = world.client.post(f"{INDEX}/upload", headers=headers, content_type="multipart/form-data",
                             data={"file": (io.BytesIO(results_workbook(1)), "ผล_ม1.xlsx")})  # fmt: skip
    assert good.status_code == 302
    flashed = world.client.get(INDEX, headers=headers).get_data(as_text=True)
    assert f"บันทึกผลการเรียนรายวิชา ชั้น {CLASS} ภาคเรียนที่ 1/{YEAR} แล้ว (9 แถว) มีผลค้าง (ร/มส) 2 รายการ" in flashed
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(results_workbook(2)))
    wb["ค21102"]["F6"] = 95
    buf = io.BytesIO()
    wb.save(buf)
    bad = world.client.post(f"{INDEX}/upload", headers=headers, content_type="multipart/form-data",
                            data={"file": (io.BytesIO(buf.getvalue()), "bad.xlsx")})  # fmt: skip
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "ไม่ผ่านการตรวจ" in text and "ค21102!F6" in text
    assert world.db.execute("SELECT COUNT(*) FROM results WHERE term = 2").fetchone()[0] == 0
    other = world.client.post(f"{INDEX}/upload", headers=world.headers(OTHER_LAO), content_type="multipart/form-data",
                              data={"file": (io.BytesIO(results_workbook(2)), "x.xlsx")})  # fmt: skip
    assert other.status_code == 403


def test_overview_json_for_the_add_in(world: World) -> None:
    upload_both_terms(world)
    body = world.get(LAO, f"/years/{YEAR}/units/{SCHOOL}/records").get_json()
    assert body["unit"] == {"code": SCHOOL, "name": "โรงเรียนเทศบาลบ้านต๋อม", "kind": "school"}
    terms = [{"term": 1, "pupils": 3, "subjects": 3, "pending": 2},
             {"term": 2, "pupils": 3, "subjects": 2, "pending": 0}]  # fmt: skip
    assert body["classes"] == [{"class_name": CLASS, "terms": terms}]
    assert [u["term"] for u in body["uploads"]] == [2, 1] and body["years"] == [YEAR]
    assert world.get(OTHER_LAO, f"/years/{YEAR}/units/{SCHOOL}/records").status_code == 403
    spec = world.client.get("/api/v1/openapi.json").get_json()
    assert "get" in spec["paths"]["/years/{year}/units/{code}/records"]
