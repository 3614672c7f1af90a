"""The web pages through Flask's test client: Thai content, CSRF, scope, the first-login profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.tools.demo import FIRST_PASSWORD
from server.web import thai_format

PROVINCE, LAO_A, LAO_B = "56", "04560101", "05560102"
X1, X3, A1 = "3056200201", "3056200202", "3056200101"


def text(page: Any) -> str:
    return page.get_data(as_text=True)


def test_login_page_is_thai(client: Any) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="th">' in text(page)
    assert "เข้าสู่ระบบ" in text(page) and "รหัสหน่วยงาน" in text(page)
    css = text(client.get("/static/style.css"))
    assert "'Sarabun', 'Noto Sans Thai'" in css and "Tahoma" in css


def test_pages_need_a_login(client: Any, round_id: str) -> None:
    page = client.get(f"/rounds/{round_id}")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_login_form_without_csrf_is_refused(client: Any) -> None:
    client.get("/login")
    page = client.post("/login", data={"login": PROVINCE, "password": "demo-phayao"})
    assert page.status_code == 403
    assert "แบบฟอร์มหมดอายุ" in text(page)


def test_wrong_password_says_so_in_thai(login: Any) -> None:
    page = login(PROVINCE, "not-the-password")
    assert page.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in text(page)


def test_login_never_redirects_off_site(client: Any, token_of: Any) -> None:
    token = token_of("/login")
    page = client.post(
        "/login", data={"login": PROVINCE, "password": "demo-phayao", "csrf_token": token, "next": "//evil.example/x"}
    )
    assert page.status_code == 302
    assert page.headers["Location"] == "/"
    from server.web.pages import _safe_next

    assert _safe_next("/\\evil.example", "/") == "/" and _safe_next("/rounds/2569-2", "/") == "/rounds/2569-2"


def test_first_login_forces_the_profile(client: Any, login: Any, token_of: Any, round_id: str) -> None:
    page = login(X3, FIRST_PASSWORD)
    assert page.status_code == 302 and "/profile" in page.headers["Location"]
    blocked = client.get(f"/rounds/{round_id}")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/profile")
    form = text(client.get("/profile"))
    assert "เข้าสู่ระบบครั้งแรก" in form
    for label in ("ชื่อ", "นามสกุล", "ตำแหน่ง", "หมายเลขโทรศัพท์", "รหัสผ่านใหม่"):
        assert label in form
    token = token_of("/profile")
    profile = {"first_name": "มานี", "last_name": "มีนา", "position": "ครู", "phone": "0891234567", "csrf_token": token}
    weak = client.post("/profile", data={**profile, "new_password": "short", "new_password2": "short"})
    assert weak.status_code == 400 and "อย่างน้อย 8" in text(weak)
    done = client.post("/profile", data={**profile, "new_password": "mani-2569!", "new_password2": "mani-2569!"})
    assert done.status_code == 302
    dashboard = client.get(f"/rounds/{round_id}")
    assert dashboard.status_code == 200
    assert "มานี มีนา" in text(dashboard) and "ยังไม่ส่งข้อมูล" in text(dashboard)


def test_dashboard_of_each_level(client: Any, login: Any, round_id: str) -> None:
    login(PROVINCE)
    html = text(client.get(f"/rounds/{round_id}"))
    for code in (LAO_A, LAO_B, X1, X3, A1):
        assert code in html
    assert "ยืนยันแล้ว" in html and "ยังไม่ส่งข้อมูล" in html
    assert f"ปีการศึกษา {round_id[:4]}" in html
    assert " น." in html  # Thai times, Buddhist Era (checked through the filter below)


def test_institution_sees_only_itself(client: Any, login: Any, round_id: str) -> None:
    login(X1)
    html = text(client.get(f"/rounds/{round_id}"))
    assert X1 in html and A1 not in html and X3 not in html
    for other in (A1, X3, LAO_B, PROVINCE):
        page = client.get(f"/rounds/{round_id}/units/{other}")
        assert page.status_code == 403, other
        assert "ไม่มีสิทธิ์" in text(page)
    assert client.get(f"/rounds/{round_id}/units/{A1}/template").status_code == 403


def test_lao_sees_its_institutions_only(client: Any, login: Any, round_id: str) -> None:
    login(LAO_B)
    html = text(client.get(f"/rounds/{round_id}"))
    assert X1 in html and X3 in html and A1 not in html
    assert client.get(f"/rounds/{round_id}/units/{X1}").status_code == 200
    assert client.get(f"/rounds/{round_id}/units/{A1}").status_code == 403
    assert client.get(f"/rounds/{round_id}/units/{LAO_A}").status_code == 403


def test_post_without_csrf_changes_nothing(client: Any, login: Any, round_id: str, app: Any) -> None:
    login(LAO_B)
    page = client.post(f"/rounds/{round_id}/units/{X1}/revoke", data={"reason": "ทดสอบ"})
    assert page.status_code == 403 and "แบบฟอร์มหมดอายุ" in text(page)
    wrong = client.post(f"/rounds/{round_id}/units/{X1}/revoke", data={"reason": "ทดสอบ", "csrf_token": "x"})
    assert wrong.status_code == 403
    unit = text(client.get(f"/rounds/{round_id}/units/{X1}"))
    assert "ยืนยันแล้ว" in unit


def test_revoke_needs_a_reason_then_works(client: Any, login: Any, token_of: Any, round_id: str) -> None:
    login(LAO_B)
    here = f"/rounds/{round_id}/units/{X1}"
    token = token_of(here)
    empty = client.post(f"{here}/revoke", data={"reason": " ", "csrf_token": token}, follow_redirects=True)
    assert "กรุณาระบุเหตุผล" in text(empty)
    done = client.post(
        f"{here}/revoke", data={"reason": "ขอแก้รายชื่อเด็กย้ายออก", "csrf_token": token}, follow_redirects=True
    )
    assert "ยกเลิกการยืนยันของ" in text(done)
    assert "ส่งข้อมูลแล้ว รอยืนยัน" in text(done)
    audit = text(client.get("/audit?action=revoke"))
    assert "ขอแก้รายชื่อเด็กย้ายออก" in audit and "ยกเลิกการยืนยัน" in audit


def test_lao_cannot_confirm_for_its_institution(client: Any, login: Any, token_of: Any, round_id: str) -> None:
    login(LAO_B)
    token = token_of(f"/rounds/{round_id}")
    page = client.post(f"/rounds/{round_id}/units/{X3}/confirm", data={"csrf_token": token})
    assert page.status_code == 403 and "ผู้รับผิดชอบของหน่วยงานนั้นเอง" in text(page)


def test_province_confirm_is_refused_while_an_lao_waits(client: Any, login: Any, token_of: Any, round_id: str) -> None:
    login(PROVINCE)
    html = text(client.get(f"/rounds/{round_id}"))
    assert "ยังยืนยันไม่ได้เพราะ" in html and "disabled" in html
    token = token_of(f"/rounds/{round_id}")
    page = client.post(
        f"/rounds/{round_id}/units/{PROVINCE}/confirm", data={"csrf_token": token}, follow_redirects=True
    )
    assert "ยังมี อปท. ในจังหวัดที่ยังไม่ได้ยืนยันข้อมูล" in text(page)


def test_audit_is_scoped(client: Any, login: Any) -> None:
    login(X1)
    html = text(client.get("/audit"))
    assert X1 in html and A1 not in html and LAO_A not in html
    assert client.get(f"/audit?unit={A1}").status_code == 403
    login(PROVINCE)
    html = text(client.get(f"/audit?action=confirm&unit={A1}"))
    assert "ยืนยันข้อมูล" in html and A1 in html


def test_audit_filters_by_who_and_date(client: Any, login: Any) -> None:
    login(PROVINCE)
    html = text(client.get(f"/audit?who={X1}&action=upload"))
    assert "ส่งแฟ้มข้อมูล" in html and X1 in html and LAO_B not in html.split("<tbody>")[1]
    none = text(client.get("/audit?date_from=01/01/2500&date_to=02/01/2500"))  # BE 2500 = CE 1957
    assert "ไม่มีรายการตามตัวกรองนี้" in none
    some = text(client.get("/audit?date_from=01/01/2500"))
    assert "ไม่มีรายการตามตัวกรองนี้" not in some


def test_parse_day_reads_what_clerks_type() -> None:
    from server.web.page_data import parse_day

    assert parse_day("21/11/2569") == date(2026, 11, 21)
    assert parse_day("2026-11-21") == date(2026, 11, 21)
    assert parse_day("31/02/2569") is None and parse_day("") is None


def test_upload_without_a_file_is_a_thai_message(client: Any, login: Any, token_of: Any, round_id: str) -> None:
    login(X1)
    here = f"/rounds/{round_id}/units/{X1}"
    page = client.post(f"{here}/upload", data={"csrf_token": token_of(here)}, follow_redirects=True)
    assert "กรุณาเลือกไฟล์" in text(page)


def test_unknown_pages_are_thai_but_the_api_stays_json(client: Any, login: Any) -> None:
    login(PROVINCE)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "ไม่พบหน้าที่ต้องการ" in text(page)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.is_json


def test_thai_formats() -> None:
    assert thai_format.num(1234567) == "1,234,567"
    assert thai_format.num(None) == "–"
    assert thai_format.thai_date(date(2026, 11, 10)) == "10 พ.ย. 2569"
    assert thai_format.thai_datetime("2024-11-11T17:00:00+07:00") == "11 พ.ย. 2567 17:00 น."
    assert thai_format.round_label("2567-2") == "ปีการศึกษา 2567 ครั้งที่ 2"
    assert thai_format.of_level("lao") == "ของ อปท." and thai_format.of_level("province") == "ของจังหวัด"
    rows = thai_format.count_table({"p1": {"m": 2, "f": 3}, "k1": {"m": 1, "f": 0}})
    assert [r["grade"] for r in rows] == ["อ.1", "ป.1"] and rows[1]["total"] == 5


def test_admin_sees_every_province(client: Any, login: Any, round_id: str) -> None:
    login("admin")
    html = text(client.get(f"/rounds/{round_id}"))
    assert "พะเยา" in html and PROVINCE in html
    assert client.get(f"/rounds/{round_id}/units/{PROVINCE}").status_code == 200


def test_logout_is_a_csrf_post(client: Any, login: Any, token_of: Any, round_id: str) -> None:
    login(X1)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 403
    done = client.post("/logout", data={"csrf_token": token_of(f"/rounds/{round_id}")})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert client.get(f"/rounds/{round_id}").status_code == 302
