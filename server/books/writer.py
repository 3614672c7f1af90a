"""Writing a consolidated book (LAO, province or nation) with XlsxWriter, in constant-memory mode.

Why constant memory for every book: a province book carries ~100,000 pupil rows; XlsxWriter then keeps
one row in memory per sheet and streams the rest to temporary files. The price is that every sheet is
written strictly top to bottom, so everything shown above a table (totals, issue counts) is computed
first from `BookData`, and merges are only ever horizontal (a vertical merge would write a later row
before an earlier one is finished).

Why static numbers, not formulas: the book is a record someone signs; a total that recalculates after
an edit would no longer be the stored total. All text from people goes through `SafeWriter`.

Sheets (Thai names): สรุป, แผนภูมิ, เด็กซ้ำซ้อน, ยังไม่ยืนยัน, เปลี่ยนแปลงมาก, นำออก, รายสถานศึกษา,
สังกัดอื่น, รายชื่อนักเรียน (LAO and province books only; continued on more sheets past Excel's row
limit), ประมาณการเงิน, ใบรับรอง.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from server.books import data as d
from server.books import money
from server.books.printing import PrintedSheet
from server.books.safe import SafeWriter
from server.domain import registry
from server.storage import clock
from validators.normalize import display_width

FONT = {"font_name": "TH Sarabun New", "font_size": 14}
"""The government's standard Thai font, as in the templates clerks fill (workbook_templates.build), so
a book looks like the rest of the product; programs without it substitute their Thai fallback."""
ROW_HEIGHT_PX = 24
"""Sarabun at 14 pt needs taller rows than Excel's default 20 px."""

EXCEL_MAX_ROWS = 1_048_576
BE_DATE = "[$-107041E]dd/mm/yyyy"
"""LCID 041E (Thai) with calendar 07 (Thai Buddhist): Excel and LibreOffice show 16/05/2567."""
BE_DATETIME = "[$-107041E]dd/mm/yyyy hh:mm"
INT = "#,##0"
MONEY = "#,##0.00"

SHEET = {
    "summary": "สรุป",
    "charts": "แผนภูมิ",
    "conflicts": "เด็กซ้ำซ้อน",
    "spot_checks": "สุ่มตรวจสอบ",
    "unconfirmed": "ยังไม่ยืนยัน",
    "changes": "เปลี่ยนแปลงมาก",
    "removals": "นำออก",
    "institutions": "รายสถานศึกษา",
    "other": "สังกัดอื่น",
    "pupils": "รายชื่อนักเรียน",
    "correction": "เทียบฐานจัดสรร",
    "money": "ประมาณการเงิน",
    "signoff": "ใบรับรอง",
    "report": "รายงานการแก้ไข",
}
SCOPE_TH = {"lao": "องค์กรปกครองส่วนท้องถิ่น", "province": "จังหวัด", "national": "ระดับประเทศ"}
KIND_TH = registry.KIND_TH


# --- small helpers ------------------------------------------------------------------------------------


def be_datetime_serial(value: str | None) -> float | None:
    """An ISO timestamp to an Excel serial in Bangkok time (shown in BE by BE_DATETIME)."""
    if not value:
        return None
    dt = clock.parse_datetime(value).replace(tzinfo=None)
    return (dt - datetime(1899, 12, 30)).total_seconds() / 86400


def header_text(text: str) -> str:
    """Header/footer text: '&' is a control character there."""
    return text.replace("&", "&&")[:80]


class Styles:
    """Every format of the book, created once (formats are workbook-wide objects in XlsxWriter)."""

    def __init__(self, w: SafeWriter) -> None:
        border = {"border": 1, "border_color": "#A6A6A6"}
        self.title = w.style(bold=True, font_size=18)
        self.subtitle = w.style(font_color="#404040")
        self.note = w.style(italic=True, font_color="#595959", text_wrap=False)
        self.header = w.style(bold=True, bg_color="#DDEBF7", text_wrap=True, valign="vcenter", align="center", **border)
        self.group = w.style(bold=True, bg_color="#BDD7EE", align="center", valign="vcenter", **border)
        self.text = w.style(**border)
        self.code = w.style(align="center", **border)
        self.int = w.style(num_format=INT, **border)
        self.money = w.style(num_format=MONEY, **border)
        self.pct = w.style(num_format="0.0%", **border)
        self.date = w.style(num_format=BE_DATE, align="center", **border)
        self.datetime = w.style(num_format=BE_DATETIME, align="center", **border)
        self.total_text = w.style(bold=True, bg_color="#F2F2F2", top=2, **border)
        self.total_int = w.style(bold=True, bg_color="#F2F2F2", num_format=INT, top=2, **border)
        self.total_money = w.style(bold=True, bg_color="#F2F2F2", num_format=MONEY, top=2, **border)
        self.ok = w.style(font_color="#006100", bg_color="#C6EFCE", **border)
        self.warn = w.style(font_color="#9C5700", bg_color="#FFEB9C", **border)
        self.bad = w.style(font_color="#9C0006", bg_color="#FFC7CE", **border)
        self.banner = w.style(
            bold=True,
            font_size=16,
            font_color="#9C0006",
            bg_color="#FFEB9C",
            border=2,
            border_color="#9C5700",
            text_wrap=True,
            valign="vcenter",
        )
        self.link = w.style(font_color="#0563C1", underline=1)
        self.label = w.style(bold=True)
        self.sign = w.style(align="center")
        self.sign_bold = w.style(align="center", bold=True)

    def state(self, state: str) -> Format:
        return {"confirmed": self.ok, "uploaded": self.warn}.get(state, self.bad)


def header_width(header: str) -> float:
    """A header wraps onto its row's two lines: half its length, but never narrower than its longest word."""
    longest = max((display_width(word) for word in header.split()), default=0)
    return max(longest, display_width(header) / 2) * 0.95 + 2


class Table:
    """A column spec: header, width and how to write each value; widths follow the data."""

    def __init__(self, columns: Sequence[tuple[str, str, float]]) -> None:
        self.columns = list(columns)  # (header, kind, min width); kind: text|code|int|money|pct|date|datetime
        self.widths = [max(w, header_width(h)) for h, _k, w in self.columns]

    def measure(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            for i, v in enumerate(row):
                if isinstance(v, str) and i < len(self.widths):
                    self.widths[i] = max(self.widths[i], min(60.0, display_width(v) * 1.05 + 2))


class BookWriter:
    """One book being written: the workbook, its styles, the numbers every sheet shows and the page helpers.

    The sheets themselves are `server.books.sheets.*`, each a `write(bw)`; `server.books.book.build` runs them.
    """

    def __init__(
        self,
        path: str | Path,
        book: d.BookData,
        *,
        data_version: str,
        pupils: Callable[[], Iterable[tuple[dict[str, Any], tuple[Any, ...]]]] | None,
        rates: dict[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.b = book
        self.version = data_version
        self.pupils = pupils
        self.rates = rates or money.load_rates()
        self.wb = xlsxwriter.Workbook(
            str(self.path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,  # belt and braces: we never call write() with data anyway
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_format_properties": dict(FONT),
                "default_row_height": ROW_HEIGHT_PX,
            },
        )
        self.w = SafeWriter(self.wb, FONT)
        self.s = Styles(self.w)
        self.wb.set_properties(
            {
                "title": f"แฟ้มรวมข้อมูลนักเรียน {self.unit_label} ปีการศึกษา {book.round['year']} ครั้งที่ "
                f"{book.round['round_no']}",
                "subject": "LEC Sheets",
                "author": "LEC Sheets",
                "comments": f"รหัสชุดข้อมูล {data_version}",
            }
        )
        self._prepare()

    # --- derived numbers ----------------------------------------------------------------------------

    @property
    def unit_label(self) -> str:
        u = self.b.unit
        if self.b.scope == "national":
            return "ระดับประเทศ (ทุกจังหวัด)"
        prefix = "จังหวัด" if self.b.scope == "province" and not u["name"].startswith("จังหวัด") else ""
        return f"{prefix}{u['name']} ({u['code']})"

    def state_of(self, unit: dict[str, Any]) -> str:
        if self.b.correcting:
            return self._correction_state(unit)
        if unit["code"] in self.b.confirmations:
            return "confirmed"
        if unit["code"] in self.b.rosters:
            return "uploaded"
        if unit["level"] == "institution" or unit["code"] in self.b.laos_with_other:
            return "not_uploaded"
        return "unconfirmed"  # a province, or an LAO with no other-affiliation school to report

    def _correction_state(self, unit: dict[str, Any]) -> str:
        """In a correction window: corrected (it, or a unit below it, uploaded in the window), unchanged
        (keeps its confirmed data) or not uploaded; the same words as `correction.unit_state`."""
        b, code = self.b, unit["code"]
        if code in b.corrected:
            return "corrected"
        if unit["level"] == "lao" and any(i["code"] in b.corrected for i in self.insts_by_lao.get(code, [])):
            return "corrected"
        if unit["level"] == "province" and any(
            self._correction_state(u) == "corrected" for u in self.laos_by_prov.get(code, [])
        ):
            return "corrected"
        if unit["level"] in ("institution", "lao") and code not in b.rosters:
            return "not_uploaded"
        return "unchanged"

    def basis_of(self, unit: dict[str, Any]) -> tuple[d.Counts, int]:
        """A unit's counts in the allocation basis (its own pupils) and its other-affiliation total."""
        b = self.b
        own: d.Counts = {}
        other = 0
        insts = (
            [unit]
            if unit["level"] == "institution"
            else self.insts_by_lao.get(unit["code"], [])
            if unit["level"] == "lao"
            else [i for u in self.laos_by_prov.get(unit["code"], []) for i in self.insts_by_lao[u["code"]]]
        )
        for inst in insts:
            d.add_counts(own, b.basis.get(("roster", inst["code"]), {}))
        if unit["level"] != "institution":
            laos = {unit["code"]} if unit["level"] == "lao" else {u["code"] for u in self.laos_by_prov[unit["code"]]}
            other = sum(
                sum(c.values()) for (src, key), c in b.basis.items() if src == "other" and key.split("/")[0] in laos
            )
        return own, other

    def _prepare(self) -> None:
        """Everything shown above a table is computed here, before any row is written."""
        b = self.b
        self.grades = b.grades_present()
        inst_total: dict[str, d.Counts] = {i["code"]: b.counts.get(i["code"], {}) for i in b.institutions}
        self.lao_counts: dict[str, d.Counts] = {u["code"]: {} for u in b.laos}
        for inst in b.institutions:
            d.add_counts(self.lao_counts[inst["parent"]], inst_total[inst["code"]])
        self.lao_other: dict[str, int] = defaultdict(int)
        self.lao_other_counts: dict[str, d.Counts] = defaultdict(dict)
        for row in b.other:
            c = b.other_counts(row)
            self.lao_other[row["lao_code"]] += sum(c.values())
            d.add_counts(self.lao_other_counts[row["lao_code"]], c)
        self.prov_counts: dict[str, d.Counts] = {p["code"]: {} for p in b.provinces}
        self.prov_other: dict[str, int] = defaultdict(int)
        for lao in b.laos:
            if lao["parent"] in self.prov_counts:
                d.add_counts(self.prov_counts[lao["parent"]], self.lao_counts[lao["code"]])
                self.prov_other[lao["parent"]] += self.lao_other[lao["code"]]
        self.total: d.Counts = {}
        for c in inst_total.values():
            d.add_counts(self.total, c)
        self.total_other = sum(self.lao_other.values())
        self.basis_total: d.Counts = {}
        self.basis_other = 0
        for (src, _key), c in b.basis.items():
            if src == "roster":
                d.add_counts(self.basis_total, c)
            else:
                self.basis_other += sum(c.values())
        self.levels = [
            (name, grades)
            for name, grades in d.LEVEL_GROUPS
            if any(self.total.get((g, s)) for g in grades for s in d.SEXES)
        ]
        if not self.levels:
            self.levels = list(d.LEVEL_GROUPS[:2])
        self.insts_by_lao: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for inst in b.institutions:
            self.insts_by_lao[inst["parent"]].append(inst)
        self.laos_by_prov: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for lao in b.laos:
            self.laos_by_prov[lao["parent"]].append(lao)
        self.unit_names = {u["code"]: u["name"] for u in (*b.provinces, *b.laos, *b.institutions)}
        self.unconfirmed = self._unconfirmed_rows()
        self.changes = self._change_rows()
        self.pupil_total = sum(sum(c.values()) for c in inst_total.values())

    def _unconfirmed_rows(self) -> list[dict[str, Any]]:
        b, out = self.b, []
        if b.correcting:  # nobody confirms in a correction window
            return out
        levels = [("institution", b.institutions), ("lao", b.laos)]
        if b.scope != "lao":
            levels.append(("province", b.provinces))
        for level, units in levels:
            deadline = b.deadline(level)
            for u in units:
                if u["code"] in b.confirmations:
                    continue
                state = self.state_of(u)
                out.append(
                    {
                        "level": level,
                        "unit": u,
                        "state": state,
                        "deadline": deadline,
                        "overdue": b.now > deadline,
                        "roster": b.rosters.get(u["code"]),
                    }
                )
        return out

    def _change_rows(self) -> list[dict[str, Any]]:
        """Units whose head count moved a lot against the previous round's snapshot."""
        b = self.b
        if not b.previous:
            return []
        lao_of = b.lao_of_institution()
        current: dict[tuple[str, str], tuple[int, str, str, str]] = {}
        for inst in b.institutions:
            n = sum(b.counts.get(inst["code"], {}).values())
            current[("roster", inst["code"])] = (n, inst["parent"], inst["code"], inst["name"])
        for row in b.other:
            n = sum(b.other_counts(row).values())
            key = ("other", f"{row['lao_code']}/{row['other_school_code']}")
            current[key] = (n, row["lao_code"], row["other_school_code"], row["other_school_name"] or "")
        out = []
        for key in sorted(set(current) | set(b.previous)):
            now_n, lao, code, name = current.get(key, (0, "", key[1].split("/")[-1], ""))
            if not lao:
                lao = lao_of.get(key[1], key[1].split("/")[0] if key[0] == "other" else "")
            before = b.previous.get(key, 0)
            diff = now_n - before
            if abs(diff) < d.BIG_CHANGE_MIN:
                continue
            if before and abs(diff) / before < d.BIG_CHANGE_SHARE:
                continue
            out.append(
                {
                    "source": key[0],
                    "lao": lao,
                    "code": code,
                    "name": name,
                    "before": before,
                    "now": now_n,
                    "diff": diff,
                    "share": (diff / before) if before else None,
                }
            )
        out.sort(key=lambda r: -abs(r["diff"]))
        return out

    # --- page setup shared by all sheets ------------------------------------------------------------

    def sheet(self, key: str, *, landscape: bool = True, suffix: str = "") -> PrintedSheet:
        """A new sheet with the book's page header and footer; its scale is set by `printing.lay_out` at the end."""
        ws = self.wb.add_worksheet(SHEET[key] + suffix, worksheet_class=PrintedSheet)
        assert isinstance(ws, PrintedSheet)
        ws.portrait = not landscape
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        rnd = self.b.round
        ws.set_header(f"&L&12{header_text(self.unit_label)}&R&12ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']}")
        ws.set_footer(f"&L&12รหัสชุดข้อมูล {self.version}&C&14หน้า &P จาก &N&R&12{header_text(SHEET[key] + suffix)}")
        return ws

    def title(self, ws: Worksheet, title: str, lines: Sequence[str], span: int) -> int:
        """Title and subtitle rows; returns the next free row."""
        ws.set_row(0, 28)
        self.w.text(ws, 0, 0, title, self.s.title)
        r = 1
        for line in lines:
            self.w.text(ws, r, 0, line, self.s.subtitle)
            r += 1
        return r + 1

    def round_line(self) -> str:
        rnd = self.b.round
        mode = " (รอบแก้ไขข้อมูล)" if rnd["mode"] == "correction" else ""
        return (
            f"ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']}{mode} ข้อมูล ณ วันที่ {clock.thai_date(rnd['as_of'])}"
            f" · จัดทำจากข้อมูลในระบบเมื่อ {clock.thai_datetime(self.b.now)} · รหัสชุดข้อมูล {self.version}"
        )

    def header_row(self, ws: Worksheet, row: int, table: Table) -> None:
        ws.set_row(row, 40)
        for i, (header, _k, _w) in enumerate(table.columns):
            ws.write_string(row, i, header, self.s.header)
        for i, width in enumerate(table.widths):
            ws.set_column(i, i, width)

    def finish_table(
        self,
        ws: Worksheet,
        header_row: int,
        last_row: int,
        ncols: int,
        freeze_col: int = 0,
    ) -> None:
        """Freeze, filter, and print the header rows (with a merged grade row above them) on every page."""
        ws.freeze_panes(header_row + 1, freeze_col)
        ws.autofilter(header_row, 0, max(header_row, last_row), ncols - 1)
        above = header_row - 1
        grouped = header_row > 0 and any(r0 == above == r1 for r0, _c0, r1, _c1 in ws.merge)
        ws.repeat_rows(above if grouped else header_row, header_row)
        if isinstance(ws, PrintedSheet):
            ws.key_cols = freeze_col

    def empty(self, ws: Worksheet, row: int, text: str) -> None:
        self.w.text(ws, row, 0, text, self.s.note)

    def counts_cells(self, ws: Worksheet, r: int, c: int, counts: d.Counts, grades: Sequence[str], fmt: Format) -> int:
        """Grade × sex cells then male, female, total; returns the next column."""
        num = ws.write_number
        m = f = 0
        for g in grades:
            a, b_ = counts.get((g, "ชาย"), 0), counts.get((g, "หญิง"), 0)
            num(r, c, a, fmt)
            num(r, c + 1, b_, fmt)
            c += 2
        for (_g, s), n in counts.items():
            if s == "ชาย":
                m += n
            elif s == "หญิง":
                f += n
        total = sum(counts.values())
        num(r, c, m, fmt)
        num(r, c + 1, f, fmt)
        num(r, c + 2, total, fmt)
        return c + 3

    def grade_group_row(self, ws: Worksheet, row: int, first_col: int, labels: Sequence[str]) -> None:
        """The row above a grade × sex header: each label merged over its ชาย/หญิง pair."""
        for i, label in enumerate(labels):
            c = first_col + 2 * i
            ws.merge_range(row, c, row, c + 1, label, self.s.group)

    def other_total(self) -> d.Counts:
        total: d.Counts = {}
        for c in self.lao_other_counts.values():
            d.add_counts(total, c)
        return total
