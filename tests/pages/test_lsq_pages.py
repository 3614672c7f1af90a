"""The pupil register, the LocalSchool import and the GPAX links through the real pages (the small demo's
records school has a register and one LocalSchool import with one failed row, see server/tools/demo_lsq.py):
forms downloaded and read back with openpyxl, typed, sent back through the page's form with its CSRF
token; the answers in Thai; scope held (another LAO 403, the province sees but cannot send)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl

from workbook_templates.academic_build import REGISTER_COLUMNS
from workbook_templates.academic_history import REASON_HEADER
from workbook_templates.academic_history import SHEET_NAME as HISTORY_SHEET
from workbook_templates.academic_register import SHEET_NAME as REGISTER_SHEET

PROVINCE, LAO_A, SCHOOL, OTHER_LAO = "56", "04560101", "3056200101", "05560102"
COL = {c.key: i + 1 for i, c in enumerate(REGISTER_COLUMNS)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def year_of(round_id: str) -> int:
    return int(round_id.split("-")[0])


def send(client: Any, path: str, data: bytes, csrf: str, name: str = "form.xlsx") -> Any:
    return client.post(path, data={"csrf_token": csrf, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")  # fmt: skip


def edited(data: bytes, sheet: str, cells: dict[tuple[int, int], Any]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (row, col), value in cells.items():
        wb[sheet].cell(row, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_gpax_links_in_scope_and_the_csv_behind_them(login: Any, client: Any, round_id: str) -> None:
    year = year_of(round_id)
    login(SCHOOL)
    index = client.get(f"/years/{year}/units/{SCHOOL}/records").get_data(as_text=True)
    assert "ดาวน์โหลด GPAX (CSV)" in index
    for terms in (5, 6):
        assert f'href="/api/v1/years/{year}/units/{SCHOOL}/gpax.csv?terms={terms}"' in index
    assert f'href="/years/{year}/units/{SCHOOL}/records/register"' in index
    assert f'href="/years/{year}/units/{SCHOOL}/records/localschool"' in index
    resp = client.get(f"/api/v1/years/{year}/units/{SCHOOL}/gpax.csv?terms=6")  # the page session is enough
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert resp.status_code == 200 and rows and {r["school_code"] for r in rows} == {SCHOOL}

    for who, code in ((LAO_A, LAO_A), (PROVINCE, PROVINCE)):
        login(who)
        page = client.get(f"/rounds/{round_id}/units/{code}").get_data(as_text=True)
        assert "ดาวน์โหลด GPAX (CSV)" in page, who
        link = f"/api/v1/years/{year}/units/{code}/gpax.csv?terms=5"
        assert f'href="{link}"' in page
        body = client.get(link).get_data(as_text=True)
        assert {r["school_code"] for r in csv.DictReader(io.StringIO(body))} == {SCHOOL}  # the one records school
    login(OTHER_LAO)
    assert client.get(f"/api/v1/years/{year}/units/{LAO_A}/gpax.csv").status_code == 403
    own = client.get(f"/rounds/{round_id}/units/{OTHER_LAO}").get_data(as_text=True)
    assert f"/units/{LAO_A}/gpax.csv" not in own and f"/units/{OTHER_LAO}/gpax.csv?terms=6" in own


def test_register_page_download_type_send_and_see(login: Any, client: Any, round_id: str, token_of: Any) -> None:
    year = year_of(round_id)
    page_path = f"/years/{year}/units/{SCHOOL}/records/register"
    login(SCHOOL)
    html = client.get(page_path).get_data(as_text=True)
    assert re.search(r'data-test="register-count">40<', html)  # the demo's register: the whole roster
    assert html.count("data-pupil=") == 40 and "นาย" in html  # fathers' names in the table
    link = f"/api/v1/years/{year}/units/{SCHOOL}/register/template"
    assert f'href="{link}"' in html
    form = client.get(link)
    assert form.status_code == 200 and form.mimetype == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(form.data))[REGISTER_SHEET]
    assert ws.cell(5, COL["father_name"]).value  # pre-filled with what the register holds
    cid = ws.cell(5, COL["citizen_id"]).value

    typed = edited(form.data, REGISTER_SHEET, {(5, COL["father_name"]): "นายทดสอบ แก้ชื่อบิดา"})
    resp = send(client, f"{page_path}/upload", typed, token_of(page_path))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(page_path)
    after = client.get(page_path).get_data(as_text=True)
    assert "บันทึกทะเบียนนักเรียน (นายทะเบียน)แล้ว (40 คน)" in after
    row = after.split(f'data-pupil="{cid}"', 1)[1].split("</tr>", 1)[0]
    assert "นายทดสอบ แก้ชื่อบิดา" in row

    birth = ws.cell(5, COL["birth_date"]).value  # dd/mm/BBBB
    day, month, be = birth.split("/")
    bad = edited(form.data, REGISTER_SHEET, {(5, COL["entry_date"]): f"{day}/{month}/{int(be) - 1}"})
    refused = send(client, f"{page_path}/upload", bad, token_of(page_path))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-test="rejected"' in text
    assert "อยู่ก่อนวันเกิด" in text and f"{REGISTER_SHEET}!" in text  # the rule's Thai message and its cell
    assert "นายทดสอบ แก้ชื่อบิดา" in text  # nothing of the refused file was stored


def test_localschool_page_failed_rows_fixed_and_sent_back(login: Any, client: Any, round_id: str,
                                                          token_of: Any) -> None:  # fmt: skip
    year = year_of(round_id)
    page_path = f"/years/{year}/units/{SCHOOL}/records/localschool"
    login(SCHOOL)
    html = client.get(page_path).get_data(as_text=True)
    imports = re.findall(r'data-import="(\d+)"', html)
    assert len(imports) == 1  # the demo's import of last year
    failed_link = f"/api/v1/years/{year}/units/{SCHOOL}/localschool/{imports[0]}/failed"
    assert f'href="{failed_link}"' in html
    failed = client.get(failed_link)
    assert failed.status_code == 200 and failed.mimetype == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(failed.data))[HISTORY_SHEET]
    keys = [c.value for c in ws[3]]
    headers = [c.value for c in ws[4]]
    reason_col = headers.index(REASON_HEADER) + 1
    assert ws.cell(5, reason_col).value and "5" in ws.cell(5, reason_col).value and not ws.cell(6, 1).value
    grade_col = keys.index("grade") + 1

    fixed = edited(failed.data, HISTORY_SHEET, {(5, grade_col): "4"})
    resp = send(client, f"{page_path}/upload", fixed, token_of(page_path), "fixed.xlsx")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200, text[:500]
    counts = text.split('data-test="localschool-counts">', 1)[1].split("</p>", 1)[0]
    assert "ทั้งหมด 1 แถว" in counts and "บันทึกใหม่ 1 แถว" in counts and "ไม่ผ่าน 0 แถว" in counts
    assert 'data-test="failed-workbook"' not in text
    again = send(client, f"{page_path}/upload", fixed, token_of(page_path), "fixed.xlsx").get_data(as_text=True)
    assert "เหมือนเดิม (ไม่ต้องบันทึกซ้ำ) 1 แถว" in again and "บันทึกใหม่ 0 แถว" in again  # no duplicate
    assert len(re.findall(r'data-import="(\d+)"', again)) == 3

    still_bad = send(client, f"{page_path}/upload", failed.data, token_of(page_path), "again.xlsx")
    text = still_bad.get_data(as_text=True)
    assert still_bad.status_code == 200 and 'data-test="failed-workbook"' in text and "ไม่ผ่าน 1 แถว" in text
    assert "ผลการเรียน “5” ไม่อยู่ในเกณฑ์" in text

    blank = client.get(f"{page_path}/template")
    assert blank.status_code == 200 and blank.mimetype == XLSX
    not_ours = send(client, f"{page_path}/upload", b"not a workbook", token_of(page_path), "x.xlsx")
    assert not_ours.status_code == 422 and 'data-test="rejected"' in not_ours.get_data(as_text=True)


def test_scope_of_the_pages(login: Any, client: Any, round_id: str, token_of: Any) -> None:
    year = year_of(round_id)
    base = f"/years/{year}/units/{SCHOOL}/records"
    login(PROVINCE)  # sees, cannot send
    for path in (f"{base}/register", f"{base}/localschool"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-test="register-table"' in html or 'data-test="localschool-imports"' in html
        assert not [a for a in re.findall(r'action="([^"]+)"', html) if a.endswith("/upload")]
    csrf = token_of(f"{base}/register")
    assert send(client, f"{base}/register/upload", b"x", csrf).status_code == 403
    assert send(client, f"{base}/localschool/upload", b"x", csrf).status_code == 403
    assert client.get(f"{base}/localschool/template").status_code == 403
    login(LAO_A)  # its school: sees and may send on its behalf
    assert 'data-test="localschool-upload"' in client.get(f"{base}/localschool").get_data(as_text=True)
    login(OTHER_LAO)
    for path in (f"{base}/register", f"{base}/localschool", f"{base}/localschool/template"):
        page = client.get(path)
        assert page.status_code == 403 and "ไม่มีสิทธิ์" in page.get_data(as_text=True), path
    csrf = token_of(f"/rounds/{round_id}/units/{OTHER_LAO}")
    for path in (f"{base}/register/upload", f"{base}/localschool/upload"):
        assert send(client, path, b"x", csrf).status_code == 403, path
    assert client.get(f"/years/{year}/units/{OTHER_LAO}/records/register").status_code == 404  # an LAO keeps none


def test_the_school_registrar_sends_both_forms(app: Any, login: Any, client: Any, round_id: str,
                                               token_of: Any) -> None:  # fmt: skip
    """The registrar (its own named login, first-login profile done) may send the register and a LocalSchool
    file as the school's records workbooks; another school's registrar may not."""
    from server.domain import registrars
    from server.storage.db import connect

    year = year_of(round_id)
    db = connect(app.config["DB_PATH"])
    try:
        user, first = registrars.appoint(db, SCHOOL, person="นางสาวพิมพ์ใจ รักเรียน", order_no="125/2569",
                                         order_date="2026-05-16", by="ทดสอบ")  # fmt: skip
    finally:
        db.close()
    assert login(user, first).status_code == 302
    new = "Registrar-pass-2569!"
    resp = client.post("/profile", data={"csrf_token": token_of("/profile"), "first_name": "พิมพ์ใจ",
                                         "last_name": "รักเรียน", "position": "นายทะเบียน", "phone": "0812345678",
                                         "new_password": new, "new_password2": new})  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    base = f"/years/{year}/units/{SCHOOL}/records"
    html = client.get(f"{base}/localschool").get_data(as_text=True)
    assert 'data-test="localschool-upload"' in html
    import_id = re.findall(r'data-import="(\d+)"', html)[0]
    failed = client.get(f"/api/v1/years/{year}/units/{SCHOOL}/localschool/{import_id}/failed").data
    keys = [c.value for c in openpyxl.load_workbook(io.BytesIO(failed))[HISTORY_SHEET][3]]
    fixed = edited(failed, HISTORY_SHEET, {(5, keys.index("grade") + 1): "3"})
    text = send(client, f"{base}/localschool/upload", fixed, token_of(f"{base}/localschool")).get_data(as_text=True)
    assert "บันทึกใหม่ 1 แถว" in text
    form = client.get(f"/api/v1/years/{year}/units/{SCHOOL}/register/template")
    assert form.status_code == 200
    resp = send(client, f"{base}/register/upload", form.data, token_of(f"{base}/register"))
    assert resp.status_code == 302 and "(40 คน)" in client.get(f"{base}/register").get_data(as_text=True)
    other = f"/years/{year}/units/3056200201/records"  # another school of the province: view is the LAO's, not ours
    assert client.get(f"{other}/localschool").status_code == 403
