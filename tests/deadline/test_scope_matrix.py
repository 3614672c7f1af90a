"""Every route × every role × a unit inside and outside the caller's scope, generated from the url_map.

A new route with no entry in ROUTES fails `test_every_route_has_a_case`, so scope can never be
forgotten. Outside scope the answer is 401/403/404; inside it is never 401 or 403 (it may well be 409
or 422: the chain and the validators still have their say).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from serverkit import ROUND, World

ROLES = {
    "institution": "3056200001",
    "lao": "05560101",
    "province": "56",
    "other_province": "57",
    "admin": "dla",
    "anonymous": None,
}
# action -> role -> (a unit inside the role's scope for that action, one outside); None: no such unit
SCOPES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "view": {
        "institution": ("3056200001", "3056500001"),
        "lao": ("3056200001", "3056100001"),
        "province": ("3056200001", "3057300001"),
        "other_province": ("3057300001", "3056200001"),
        "admin": ("3056200001", None),
    },
    "book": {
        "institution": (None, "05560101"),
        "lao": ("05560101", "02560001"),
        "province": ("05560101", "06570101"),
        "other_province": ("06570101", "05560101"),
        "admin": ("05560101", None),
    },
    "upload": {
        "institution": ("3056200001", "3056500001"),
        "lao": ("3056200001", "3056100001"),
        "province": (None, "3056200001"),
        "other_province": (None, "3056200001"),
        "admin": ("3056200001", None),
    },
    "confirm": {
        "institution": ("3056200001", "3056500001"),
        "lao": ("05560101", "3056200001"),
        "province": ("56", "05560101"),
        "other_province": ("57", "56"),
        "admin": (None, "3056200001"),
    },
    "revoke": {
        "institution": (None, "3056500001"),
        "lao": ("3056200001", "3056100001"),
        "province": ("05560101", "3057300001"),
        "other_province": ("06570101", "05560101"),
        "admin": ("56", None),
    },
    "spot_check": {
        "institution": (None, "56"),
        "lao": (None, "56"),
        "province": ("56", "57"),
        "other_province": ("57", "56"),
        "admin": ("56", None),
    },
    "exception": {
        "institution": (None, "3056200001"),
        "lao": (None, "3056200001"),
        "province": (None, "05560101"),
        "other_province": (None, "3056200001"),
        "admin": ("3056200001", None),
    },
    # the graduate report's chain is the registrars' alone (tests/server/test_graduate_reports.py has them):
    # no census login and not the national admin is inside
    "graduates_submit": {
        role: (None, "3056200001") for role in ("institution", "lao", "province", "other_province", "admin")
    },
    "graduates_decide": {
        role: (None, "3056200001") for role in ("institution", "lao", "province", "other_province", "admin")
    },
}
SCOPES["province_page"] = SCOPES["spot_check"]  # pages only a province (its own) and the admin open

ROUTES: dict[str, str] = {
    # routes that name a unit: the scope action they need
    "api.unit_status": "view",
    "api.unit_roster": "view",
    "api.unit_template": "view",
    "api.unit_workbook": "upload",
    "api.unit_confirm": "confirm",
    "api.unit_revoke": "revoke",
    "api.unit_exception": "exception",
    "api.reset_user": "revoke",
    "consolidated.consolidated": "book",
    "pages.unit_page": "view",
    "pages.template": "view",
    "pages.upload": "upload",
    "pages.confirm": "confirm",
    "pages.revoke": "revoke",
    "records.records_workbook": "upload",
    "records.student_record": "view",
    "records.student_transcript": "view",
    "records_overview.records_overview": "view",
    "records_pages.records_index": "view",
    "records_pages.records_latest": "view",
    "records_pages.records_form": "view",
    "records_pages.class_page": "view",
    "records_pages.pupil_page": "view",
    "records_pages.records_upload": "upload",
    "gpax.gpax_csv": "view",
    "localschool.localschool_import": "upload",
    "localschool.localschool_failed": "view",
    "localschool.localschool_imports": "view",
    "register.register_template": "upload",
    "register.register_rows": "view",
    "lsq_pages.localschool_page": "view",
    "lsq_pages.localschool_template": "upload",
    "lsq_pages.localschool_upload": "upload",
    "lsq_pages.register_page": "view",
    "lsq_pages.register_upload": "upload",
    "api.spot_check_draw": "spot_check",
    "api.spot_check_list": "spot_check",
    "api.spot_check_get": "spot_check",
    "api.spot_check_workbook": "spot_check",
    "api.spot_check_results": "spot_check",
    "pages.spot_check_draw": "spot_check",
    "pages.spot_check_results": "spot_check",
    "graduates.report": "view",
    "graduates.status": "view",
    "graduates.submit": "graduates_submit",
    "graduates.approve": "graduates_decide",
    "graduates.return_report": "graduates_decide",
    "graduate_pages.report_page": "view",
    "graduate_pages.report_action": "graduates_submit",
    "registrars.registrar_history": "view",
    "progress.progress_page": "province_page",
    "progress.late_list": "province_page",
    "integrity_api.notices": "view",
    "integrity_api.explain": "confirm",  # the institution itself (an LAO or province: its own code, no notice)
    "integrity_pages.explain_form": "confirm",
    # routes that name no unit: "public" (anyone), "login" (any logged-in account; filtered by scope inside)
    "static": "public",
    "api.openapi_document": "public",
    "api.token": "public",
    "pages.login": "public",
    "xlwings.run": "xlwings",
    "api.logout": "login",
    "api.me": "login",
    "api.me_profile": "login",
    "api.list_rounds": "login",
    "api.round_conflicts": "login",
    "api.audit_log": "login",
    "api.conflict_decide": "login",
    "api.conflict_withdraw": "login",
    "pages.decide": "login",
    "pages.withdraw_decision": "login",
    "pages.logout": "login",
    "pages.profile": "login",
    "pages.home": "login",
    "pages.dashboard": "login",
    "pages.audit_page": "login",
    "graduates.reports": "login",
    "graduate_pages.report_list": "login",
}
PARAMS = {"round_id": ROUND, "filename": "style.css", "action": "status", "year": "2567", "check_id": "1",
          "citizen_id": "1103700000011", "import_id": "1", "level": "m3"}  # fmt: skip


def test_every_route_has_a_case(app: Flask) -> None:
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - ROUTES.keys())
    assert not missing, f"routes without a scope case (add them to ROUTES): {missing}"


class Caller:
    """One role calling any route: bearer token for the API, a logged-in session (with CSRF) for pages."""

    def __init__(self, world: World, role: str) -> None:
        self.world, self.login = world, ROLES[role]
        self.client = world.app.test_client()
        self.csrf = ""
        if self.login:
            self.headers = world.headers(self.login)
            from serverkit import PASSWORD

            csrf = form_token(self.client.get("/login").get_data(as_text=True))
            resp = self.client.post("/login", data={"login": self.login, "password": PASSWORD, "csrf_token": csrf})
            assert resp.status_code == 302, resp.get_data()[:300]
            self.csrf = form_token(self.client.get("/profile").get_data(as_text=True))  # the new session's
        else:  # a stranger still has a session and its form token (the login page's own POST needs it)
            self.headers = {}
            self.csrf = form_token(self.client.get("/login").get_data(as_text=True))

    def call(self, method: str, path: str) -> Any:
        api = path.startswith("/api/") or path.startswith("/xlwings/")
        kw: dict[str, Any] = {"headers": self.headers if api else {}}
        if path.startswith("/xlwings/"):  # the add-in posts the whole workbook as xlwings' JSON
            kw["json"] = xlwings_payload(self.world)
        elif method == "POST":
            form: dict[str, Any] = {"csrf_token": self.csrf, "reason": "ทดสอบสิทธิ์"}
            if path.endswith(("/workbook", "/upload")):
                form["file"] = (io.BytesIO(b"not a workbook"), "roster.xlsx")
                kw["content_type"] = "multipart/form-data"
            elif api and not path.endswith("/workbook"):
                kw["json"] = {"reason": "ทดสอบสิทธิ์", "until": "2024-11-20T17:00", "login": "x", "password": "y"}
                form = {}
            if form:
                kw["data"] = form
        return self.client.open(path, method=method, **kw)


def form_token(html: str) -> str:
    """The CSRF token a page's forms carry (Flask-WTF's signed token, not the session's secret)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:300]
    return match.group(1)


_PAYLOAD: dict[str, Any] = {}


def xlwings_payload(world: World) -> dict[str, Any]:
    """A school's template as the VBA client sends it (tests/addin's encoder), made once."""
    if not _PAYLOAD:
        sys.path.insert(0, str(Path(__file__).parents[1] / "addin"))
        from clientjson import payload_from_xlsx

        _PAYLOAD.update(payload_from_xlsx(world.workbook("3056200001", n=3)))
    return _PAYLOAD


def _cases(app: Flask) -> list[tuple[str, str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule.rule))
    return sorted(out, key=lambda c: c[0] in LAST)  # logging out ends the caller's session: do it last


LAST = {"api.logout", "pages.logout"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_scope_matrix(world: World, role: str) -> None:
    caller = Caller(world, role)
    checked = 0
    for endpoint, method, rule in _cases(world.app):
        kind = ROUTES[endpoint]
        if kind in SCOPES:
            if role == "anonymous":
                units = [("outside", SCOPES[kind]["lao"][0] or "3056200001")]
            else:
                inside, outside = SCOPES[kind][role]
                units = [(where, code) for where, code in (("inside", inside), ("outside", outside)) if code]
        else:
            units = [("inside" if role != "anonymous" or kind == "public" else "outside", "3056200001")]
        for where, code in units:
            path = re.sub(
                r"<(?:\w+:)?(\w+)>",
                lambda m, code=code: {"code": code, "login": code}.get(m.group(1), PARAMS.get(m.group(1), "x")),
                rule,
            )
            if endpoint == "xlwings.run":  # its services are the API's (scope rows above); here: login first
                path = "/xlwings/status"
            resp = caller.call(method, path)
            what = (role, where, method, path, resp.status_code, resp.get_data()[:200])
            api = path.startswith(("/api/", "/xlwings/"))
            if where == "outside":
                if role == "anonymous" and not api:
                    assert resp.status_code in (302, 401, 403), what  # pages send strangers to the login page
                    if resp.status_code == 302:
                        assert "/login" in resp.headers["Location"], what
                else:
                    assert resp.status_code in (401, 403, 404), what
                    if resp.status_code == 403 and api:
                        assert re.search(r"[\u0e00-\u0e7f]", resp.get_json()["message"]), what
            elif kind == "public":  # open to all; a login with a wrong password is still 401
                assert resp.status_code != 403 and resp.status_code < 500, what
            else:
                assert resp.status_code not in (401, 403), what
                assert resp.status_code < 500, what
            checked += 1
    assert checked >= len(ROUTES)
