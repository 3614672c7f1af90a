"""The demo's school with a year of academic records, through the login form and the real pages: the
small demo's school has both terms of its classes, a curriculum and assessments, and its records pages
and ปพ.1 open for the school and its LAO; the full demo lists a records school in its login table."""

from __future__ import annotations

from typing import Any

from server.tools.demo import DEMO_SPEC, SMALL_SPEC, _fresh, _logins, logins_markdown

LAO_A, SCHOOL, OTHER_LAO = "04560101", "3056200101", "05560102"


def year_of(round_id: str) -> int:
    return int(round_id.split("-")[0])


def test_small_demo_school_has_a_year_of_records(login: Any, client: Any, round_id: str) -> None:
    year = year_of(round_id)
    assert login(LAO_A).status_code == 302
    unit = client.get(f"/rounds/{round_id}/units/{SCHOOL}").get_data(as_text=True)
    index_path = f"/years/{year}/units/{SCHOOL}/records"
    assert f'href="{index_path}"' in unit
    index = client.get(index_path).get_data(as_text=True)
    for cls in ("ป.6", "ม.1"):
        for term in (1, 2):
            assert f'data-test="class-{cls}-{term}"' in index
    assert "รายวิชาของสถานศึกษา" in index and "ผลการประเมินประจำปี" in index  # curriculum and assessments sent
    page = client.get(f"{index_path}/class", query_string={"class": "ม.1", "term": 2})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    first = html.split('data-pupil="', 1)[1].split('"', 1)[0]
    pupil = client.get(f"/years/{year}/units/{SCHOOL}/students/{first}").get_data(as_text=True)
    assert "ผลการเรียนเฉลี่ยสะสม (GPAX)" in pupil and "ปพ.1" in pupil
    transcript = client.get(f"/api/v1/years/{year}/units/{SCHOOL}/students/{first}/transcript")
    assert transcript.status_code == 200 and transcript.mimetype.endswith("spreadsheetml.sheet")


def test_other_lao_cannot_open_the_school_records(login: Any, client: Any, round_id: str) -> None:
    login(OTHER_LAO)
    page = client.get(f"/years/{year_of(round_id)}/units/{SCHOOL}/records")
    assert page.status_code == 403 and "ไม่มีสิทธิ์" in page.get_data(as_text=True)


def test_demo_login_table_names_the_records_school() -> None:
    (code, grades), *_ = DEMO_SPEC.records
    assert grades == ()  # the whole school's year
    states = {i.code: i.state for lao in DEMO_SPEC.laos for i in lao.institutions}
    assert states[code] == "confirmed"  # records need a confirmed census roster
    row = next(x for x in _logins(DEMO_SPEC, _fresh(DEMO_SPEC)) if x.login == code)
    assert "ปพ.1" in row.note and f"`{code}`" in logins_markdown()
    assert SMALL_SPEC.records[0][0] == SCHOOL  # the page tests' school


def test_forms_download_prefilled_from_the_server(login: Any, client: Any, round_id: str) -> None:
    import io

    import openpyxl

    from workbook_templates.academic_read import check_any_file

    year = year_of(round_id)
    login(SCHOOL)
    index = client.get(f"/years/{year}/units/{SCHOOL}/records").get_data(as_text=True)
    assert '<option value="ม.1">' in index  # the census classes offered
    form = f"/years/{year}/units/{SCHOOL}/records/form"
    resp = client.get(form, query_string={"form": "results", "class": "ม.1", "term": 2})
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    subjects = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][1:]
    assert len(subjects) == 10 and all(s.startswith(("ท", "ค", "ว", "ส", "พ", "ศ", "ง", "อ")) for s in subjects)
    assert all(s[1:3] == "21" and int(s[-2:]) % 2 == 0 for s in subjects)  # ม.1, term 2: even sequence numbers
    report = check_any_file(resp.data)
    assert {e["code"] for e in report.errors} == {"RESULT_MISSING"}  # blank scores only: pupils and subjects fit
    sheet = wb[subjects[0]]
    assert sheet["B5"].value and sheet["A5"].value  # the student number typed once is carried
    curriculum = client.get(form, query_string={"form": "curriculum"})
    assert check_any_file(curriculum.data).rows == 40  # ป.6 and ม.1, two terms, ten subjects
    missing = client.get(form, query_string={"form": "results", "class": "ป.2", "term": 1})
    assert missing.status_code == 302
    assert "ยังไม่มีรายวิชาของชั้น ป.2" in client.get(missing.headers["Location"]).get_data(as_text=True)
    login(OTHER_LAO)
    assert client.get(form, query_string={"form": "curriculum"}).status_code == 403


def test_form_with_the_add_in_buttons(login: Any, client: Any, round_id: str) -> None:
    import io
    import zipfile

    import openpyxl

    from workbook_templates.academic_read import check_any_file

    login(SCHOOL)
    resp = client.get(f"/years/{year_of(round_id)}/units/{SCHOOL}/records/form",
                      query_string={"form": "assessments", "class": "ป.6", "xlsm": "1"})  # fmt: skip
    assert resp.status_code == 200 and resp.mimetype == "application/vnd.ms-excel.sheet.macroEnabled.12"
    assert ".xlsm" in resp.headers["Content-Disposition"]
    assert "xl/vbaProject.bin" in zipfile.ZipFile(io.BytesIO(resp.data)).namelist()
    settings = {r[2]: r[1] for r in openpyxl.load_workbook(io.BytesIO(resp.data))["ตั้งค่า"].iter_rows(values_only=True)
                if len(r) > 2 and r[2]}  # fmt: skip
    assert settings["server_url"] == "http://localhost" and settings["login"] == SCHOOL and settings["mode"] == "server"
    report = check_any_file(resp.data)  # the data part is the ordinary form: blank ratings, pupils that fit
    assert {e["code"] for e in report.errors} == {"ACADEMIC_REQUIRED"} and report.rows > 0
