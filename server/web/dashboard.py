"""The province and national dashboard: progress summary, filters and search, folded units.

Why a module apart from page_data: the dashboard is built from `progress.overview` (bulk queries), never
from a `chain.status` per unit, so that a 349-LAO province renders in well under half a second (`lec bench
--only dashboard`). Filters come from the query string, so search and filter work without JavaScript and
a filtered view can be bookmarked or sent to a colleague.

    Filters.parse(args) -> Filters                    state, kind, q (code or name), open (unfold all)
    view(db, actor, rnd, code, now, filters) -> dict  what templates/_progress.html shows
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import sqlite_utils

from server.domain import progress, registry
from server.domain.actor import Actor
from server.storage import clock

SEARCH_LIMIT = 200
"""The national page lists at most this many LAOs and institutions matching a search (28,000 would not read)."""
LATE = "late"
"""The state filter's extra choice: not confirmed and past its deadline."""


@dataclass(frozen=True)
class Filters:
    state: str = ""
    kind: str = ""
    q: str = ""
    open_all: bool = False

    @classmethod
    def parse(cls, args: Any) -> Filters:
        """From the query string; an unknown state or kind is ignored rather than refused (a stale link)."""
        state = (args.get("state") or "").strip()
        kind = (args.get("kind") or "").strip()
        states = (*progress.CONFIRM_STATES, *progress.CORRECTION_STATES, LATE)
        return cls(
            state=state if state in states else "",
            kind=kind if kind in registry.LEVEL_BY_KIND else "",
            q=(args.get("q") or "").strip()[:100],
            open_all=args.get("open") == "all",
        )

    @property
    def active(self) -> bool:
        return bool(self.state or self.kind or self.q)

    def matches(self, row: dict[str, Any]) -> bool:
        if self.state == LATE and not row["overdue"]:
            return False
        if self.state and self.state != LATE and row["state"] != self.state:
            return False
        if self.kind and row["kind"] != self.kind:
            return False
        if self.q:
            q = self.q.casefold()
            return q in row["code"].casefold() or q in row["name"].casefold()
        return True

    def query(self, **change: Any) -> str:
        """This view's query string with `change` applied (links to fold / unfold all keep the filters)."""
        values = {"state": self.state, "kind": self.kind, "q": self.q, "open": "all" if self.open_all else ""}
        values.update({k: v for k, v in change.items()})
        kept = {k: v for k, v in values.items() if v}
        return "?" + urlencode(kept) if kept else ""


def _group(parent: dict[str, Any], filters: Filters, correcting: bool) -> dict[str, Any] | None:
    """A folded unit with the children the filters keep; None when neither it nor any child matches.

    A unit that matches by itself keeps all its children (search an LAO by name, see its schools); one
    that does not is shown for its matching children only, unfolded so they are seen.
    """
    own = filters.matches(parent)
    kids = parent["children"] if own or not filters.active else [k for k in parent["children"] if filters.matches(k)]
    if filters.active and not own and not kids:
        return None
    return {
        "unit": parent,
        "children": kids,
        "open": filters.open_all or (filters.active and bool(kids) and not own) or (bool(filters.q) and own),
        "summary": progress.summary(parent["children"], correcting) if parent["level"] == "province" else None,
        "done": sum(k["state"] in ("confirmed", "corrected", "unchanged") for k in parent["children"]),
    }


def _when(rows: list[dict[str, Any]]) -> None:
    """Each row's "confirmed at / due by" in Thai, formatted once per distinct time (a thousand rows share
    three deadlines), not once per row in the template."""
    seen: dict[str, str] = {}

    def th(value: str) -> str:
        if value not in seen:
            seen[value] = clock.thai_datetime(value)
        return seen[value]

    for r in rows:
        if r["state"] == "confirmed" and r["confirmed_at"]:
            r["when"] = "ยืนยัน " + th(r["confirmed_at"])
        else:
            r["when"] = "ภายใน " + th(r["deadline"]) if r["deadline"] else ""


def _kinds(rows: list[dict[str, Any]]) -> list[str]:
    present = {r["kind"] for r in rows}
    return [k for k in registry.LEVEL_BY_KIND if k in present]


def view(
    db: sqlite_utils.Database, actor: Actor, rnd: dict[str, Any], code: str, now: datetime, filters: Filters
) -> dict[str, Any]:
    """The dashboard of a province (its LAOs folded, their institutions inside) or of the nation (its
    provinces folded, each with its own summary; a search lists matching LAOs and institutions too)."""
    ov = progress.overview(db, actor, rnd, code, now)
    national = ov["unit"]["level"] == "national"
    top_level = "province" if national else "lao"
    tops = [r for r in ov["units"] if r["level"] == top_level]
    if national:  # each province's summary counts all its units, not only its LAOs
        below: dict[str, list[dict[str, Any]]] = {t["code"]: [] for t in tops}
        for r in ov["units"]:
            if r["level"] != "province" and r["province"] in below:
                below[r["province"]].append(r)
        for prov in tops:
            prov["children"] = below[prov["code"]]
    groups = [g for g in (_group(t, filters, ov["correcting"]) for t in tops) if g is not None]
    found: list[dict[str, Any]] = []
    hidden = 0
    if national and (filters.q or filters.kind):
        groups = [g for g in groups if filters.matches(g["unit"])]
        hits = [r for r in ov["units"] if r["level"] != "province" and filters.matches(r)]
        found, hidden = hits[:SEARCH_LIMIT], max(0, len(hits) - SEARCH_LIMIT)
    if national:
        for g in groups:  # a province's body shows its summary, not its 349 LAOs (their page does)
            g["children"] = []
            g["open"] = filters.open_all
    _when(ov["units"])
    states = progress.CORRECTION_STATES if ov["correcting"] else progress.CONFIRM_STATES
    return {
        "unit": ov["unit"],
        "national": national,
        "summary": ov["summary"],
        "groups": groups,
        "found": found,
        "found_hidden": hidden,
        "shown_units": len(groups) + sum(len(g["children"]) for g in groups) + len(found),
        "late_count": len(progress.late_rows(ov)),
        "filters": filters,
        "state_choices": [*states, *([] if ov["correcting"] else [LATE])],
        "kind_choices": _kinds(ov["units"]),
        "correcting": ov["correcting"],
    }
