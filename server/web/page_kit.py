"""What every HTML blueprint shares: the Thai refusal page, the round the layout's nav links to, and a unit's
breadcrumbs.

Why one module: each family of pages (census, records, ปพ.3, LSQ, progress, integrity) is its own blueprint,
and the route modules may not import each other (an import-linter contract), so the refusal handler was
being copied into each; a copy that drifted would send one family's logged-out visitors somewhere else.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from server.domain import registry
from server.domain.errors import ServiceError
from server.web import page_data
from server.web.context import get_db, now


def refusal(err: ServiceError) -> Any:
    """A refused page: the login page when nobody is logged in (back to this page after, for a GET), the
    profile page when the person has not said who they are, else the Thai error page with its status."""
    if err.status == 401:
        back = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("pages.login", next=back))
    if err.code == "profile_required":
        return redirect(url_for("pages.profile"))
    return render_template("error.html", error=err), err.status


def refuse_as_pages(bp: Blueprint) -> Blueprint:
    """Register `refusal` for the blueprint's ServiceErrors (the app-wide handler answers JSON)."""
    bp.register_error_handler(ServiceError, refusal)
    return bp


def set_nav_round() -> None:
    """The layout's "ภาพรวม" link goes to the round a login lands on."""
    rnd = page_data.default_round(get_db(), now())
    g.nav_round = rnd["id"] if rnd else None


def crumbs(code: str) -> list[dict[str, Any]]:
    """The units above `code`, the topmost first."""
    return list(reversed(registry.ancestors(get_db(), code)))
