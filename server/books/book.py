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

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from server.books import data as d
from server.books import money
from server.books.safe import FORMULA_TRIGGERS, SafeWriter, excel_serial
from server.domain import registry
from server.storage import clock
from validators.fields import OTHER_GRADES, REMOVAL_REASONS, STATE_TH
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
    "unconfirmed": "ยังไม่ยืนยัน",
    "changes": "เปลี่ยนแปลงมาก",
    "removals": "นำออก",
    "institutions": "รายสถานศึกษา",
    "other": "สังกัดอื่น",
    "pupils": "รายชื่อนักเรียน",
    "money": "ประมาณการเงิน",
    "signoff": "ใบรับรอง",
}
SCOPE_TH = {"lao": "องค์กรปกครองส่วนท้องถิ่น", "province": "จังหวัด", "national": "ระดับประเทศ"}
KIND_TH = {
    "school": "โรงเรียน", "college": "วิทยาลัย", "cdc": "ศูนย์พัฒนาเด็กเล็ก", "pao": "อบจ.", "city": "เทศบาลนคร",
    "town": "เทศบาลเมือง", "subdistrict": "เทศบาลตำบล", "sao": "อบต.", "province": "จังหวัด",
}  # fmt: skip


# --- small helpers ------------------------------------------------------------------------------------


def be_datetime_serial(value: str | None) -> float | None:
    """An ISO timestamp to an Excel serial in Bangkok time (shown in BE by BE_DATETIME)."""
    if not value:
        return None
    dt = clock.parse_datetime(value).replace(tzinfo=None)
    return (dt - datetime(1899, 12, 30)).total_seconds() / 86400


def thai_date(iso: str) -> str:
    dt = clock.parse_datetime(iso)
    return f"{dt.day} {clock.THAI_MONTHS_ABBR[dt.month - 1]} {dt.year + clock.BE_OFFSET}"


def _hf(text: str) -> str:
    """Header/footer text: '&' is a control character there."""
    return text.replace("&", "&&")[:80]


class Styles:
    """Every format of the book, created once (formats are workbook-wide objects in XlsxWriter)."""

    def __init__(self, w: SafeWriter) -> None:
        border = {"border": 1, "border_color": "#A6A6A6"}
        self.title = w.style(bold=True, font_size=18)
        self.subtitle = w.style(font_color="#404040")
        self.note = w.style(italic=True, font_color="#595959", text_wrap=False)
        self.header = w.style(bold=True, bg_color="#DDEBF7", text_wrap=True, valign="vcenter", align="center",
                              **border)
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
        self.banner = w.style(bold=True, font_size=16, font_color="#9C0006", bg_color="#FFEB9C", border=2,
                              border_color="#9C5700", text_wrap=True, valign="vcenter")
        self.link = w.style(font_color="#0563C1", underline=1)
        self.label = w.style(bold=True)
        self.sign = w.style(align="center")
        self.sign_bold = w.style(align="center", bold=True)

    def state(self, state: str) -> Format:
        return {"confirmed": self.ok, "uploaded": self.warn}.get(state, self.bad)


class Table:
    """A column spec: header, width and how to write each value; widths follow the data."""

    def __init__(self, columns: Sequence[tuple[str, str, float]]) -> None:
        self.columns = list(columns)  # (header, kind, min width); kind: text|code|int|money|pct|date|datetime
        self.widths = [max(w, display_width(h) * 0.9 + 2) for h, _k, w in self.columns]

    def measure(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            for i, v in enumerate(row):
                if isinstance(v, str) and i < len(self.widths):
                    self.widths[i] = max(self.widths[i], min(60.0, display_width(v) * 1.05 + 2))


class BookWriter:
    """Writes one book; `build()` is the only entry point."""

    def __init__(self, path: str | Path, book: d.BookData, *, data_version: str,
                 pupils: Callable[[], Iterable[tuple[dict[str, Any], tuple[Any, ...]]]] | None,
                 rates: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.b = book
        self.version = data_version
        self.pupils = pupils
        self.rates = rates or money.load_rates()
        self.wb = xlsxwriter.Workbook(str(self.path), {
            "constant_memory": True,
            "strings_to_formulas": False,  # belt and braces: we never call write() with data anyway
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": dict(FONT),
            "default_row_height": ROW_HEIGHT_PX,
        })
        self.w = SafeWriter(self.wb, FONT)
        self.s = Styles(self.w)
        self.wb.set_properties({
            "title": f"แฟ้มรวมข้อมูลนักเรียน {self.unit_label} ปีการศึกษา {book.round['year']} ครั้งที่ "
                     f"{book.round['round_no']}",
            "subject": "LEC Sheets",
            "author": "LEC Sheets",
            "comments": f"รหัสชุดข้อมูล {data_version}",
        })
        self._prepare()

    # --- derived numbers ----------------------------------------------------------------------------

    @property
    def unit_label(self) -> str:
        u = self.b.unit
        if self.b.scope == "national":
            return "ระดับประเทศ (ทุกจังหวัด)"
        prefix = "จังหวัด" if self.b.scope == "province" and not u["name"].startswith("จังหวัด") else ""
        return f"{prefix}{u['name']} ({u['code']})"

    def _state(self, unit: dict[str, Any]) -> str:
        if unit["code"] in self.b.confirmations:
            return "confirmed"
        if unit["level"] in ("institution", "lao"):
            return "uploaded" if unit["code"] in self.b.rosters else "not_uploaded"
        return "unconfirmed"

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
        self.levels = [(name, grades) for name, grades in d.LEVEL_GROUPS
                       if any(self.total.get((g, s)) for g in grades for s in d.SEXES)]
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
        levels = [("institution", b.institutions), ("lao", b.laos)]
        if b.scope != "lao":
            levels.append(("province", b.provinces))
        for level, units in levels:
            deadline = b.deadline(level)
            for u in units:
                if u["code"] in b.confirmations:
                    continue
                state = self._state(u)
                out.append({"level": level, "unit": u, "state": state, "deadline": deadline,
                            "overdue": b.now > deadline, "roster": b.rosters.get(u["code"])})
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
            out.append({"source": key[0], "lao": lao, "code": code, "name": name, "before": before,
                        "now": now_n, "diff": diff, "share": (diff / before) if before else None})
        out.sort(key=lambda r: -abs(r["diff"]))
        return out

    # --- page setup shared by all sheets ------------------------------------------------------------

    def _sheet(self, key: str, *, landscape: bool = True, suffix: str = "") -> Worksheet:
        ws = self.wb.add_worksheet(SHEET[key] + suffix)
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        rnd = self.b.round
        ws.set_header(f"&L&12{_hf(self.unit_label)}&R&12ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']}")
        ws.set_footer(f"&L&12รหัสชุดข้อมูล {self.version}&C&14หน้า &P จาก &N&R&12{_hf(SHEET[key] + suffix)}")
        return ws

    def _title(self, ws: Worksheet, title: str, lines: Sequence[str], span: int) -> int:
        """Title and subtitle rows; returns the next free row."""
        ws.set_row(0, 28)
        self.w.text(ws, 0, 0, title, self.s.title)
        r = 1
        for line in lines:
            self.w.text(ws, r, 0, line, self.s.subtitle)
            r += 1
        return r + 1

    def _round_line(self) -> str:
        rnd = self.b.round
        mode = " (รอบแก้ไขข้อมูล)" if rnd["mode"] == "correction" else ""
        return (f"ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']}{mode} ข้อมูล ณ วันที่ {thai_date(rnd['as_of'])}"
                f" · จัดทำจากข้อมูลในระบบเมื่อ {clock.thai_datetime(self.b.now)} · รหัสชุดข้อมูล {self.version}")

    def _header_row(self, ws: Worksheet, row: int, table: Table) -> None:
        ws.set_row(row, 40)
        for i, (header, _k, _w) in enumerate(table.columns):
            ws.write_string(row, i, header, self.s.header)
        for i, width in enumerate(table.widths):
            ws.set_column(i, i, width)

    def _finish_table(self, ws: Worksheet, header_row: int, last_row: int, ncols: int, freeze_col: int = 0,
                      ) -> None:
        ws.freeze_panes(header_row + 1, freeze_col)
        ws.autofilter(header_row, 0, max(header_row, last_row), ncols - 1)
        ws.repeat_rows(header_row)

    def _empty(self, ws: Worksheet, row: int, text: str) -> None:
        self.w.text(ws, row, 0, text, self.s.note)

    def _counts_cells(self, ws: Worksheet, r: int, c: int, counts: d.Counts, grades: Sequence[str],
                      fmt: Format) -> int:
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

    def _grade_group_row(self, ws: Worksheet, row: int, first_col: int, labels: Sequence[str]) -> None:
        """The row above a grade × sex header: each label merged over its ชาย/หญิง pair."""
        for i, label in enumerate(labels):
            c = first_col + 2 * i
            ws.merge_range(row, c, row, c + 1, label, self.s.group)

    # --- the sheets ------------------------------------------------------------------------------------

    def build(self) -> Path:
        self.summary_sheet()
        self.chart_sheet()
        self.conflict_sheet()
        self.unconfirmed_sheet()
        self.change_sheet()
        self.removal_sheet()
        self.institution_sheet()
        self.other_sheet()
        if self.b.scope != "national" and self.pupils is not None:
            self.pupil_sheets()
        self.money_sheet()
        self.signoff_sheet()
        self.wb.get_worksheet_by_name(SHEET["summary"]).activate()
        self.wb.close()
        return self.path

    def _summary_rows(self) -> list[dict[str, Any]]:
        """One row per unit directly below the book's unit (institutions, LAOs or provinces)."""
        b, rows = self.b, []
        if b.scope == "lao":
            lao = b.unit
            for inst in self.insts_by_lao[lao["code"]]:
                rows.append({"unit": inst, "counts": b.counts.get(inst["code"], {}), "other": 0,
                             "insts": None, "laos": None})
            rows.append({"unit": {"code": "", "name": f"สถานศึกษาสังกัดอื่น ({len(b.other)} แห่ง)",
                                  "kind": "other", "level": "lao_other"},
                         "counts": {}, "other": self.lao_other[lao["code"]], "insts": None, "laos": None,
                         "state_of": lao})
        elif b.scope == "province":
            for lao in b.laos:
                kids = self.insts_by_lao[lao["code"]]
                rows.append({"unit": lao, "counts": self.lao_counts[lao["code"]], "other": self.lao_other[lao["code"]],
                             "insts": (sum(1 for i in kids if i["code"] in b.confirmations), len(kids)),
                             "laos": None})
        else:
            for prov in b.provinces:
                laos = self.laos_by_prov[prov["code"]]
                insts = [i for u in laos for i in self.insts_by_lao[u["code"]]]
                rows.append({"unit": prov, "counts": self.prov_counts[prov["code"]],
                             "other": self.prov_other[prov["code"]],
                             "insts": (sum(1 for i in insts if i["code"] in b.confirmations), len(insts)),
                             "laos": (sum(1 for u in laos if u["code"] in b.confirmations), len(laos))})
        return rows

    def summary_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("summary")
        self.summary_ws = ws
        rows = self._summary_rows()
        child = {"lao": "สถานศึกษา", "province": "อปท.", "national": "จังหวัด"}[b.scope]
        sp = " " if b.scope == "province" else ""
        cols: list[tuple[str, str, float]] = [(f"รหัส{sp}{child}", "code", 11), (f"ชื่อ{sp}{child}", "text", 30),
                                              ("ประเภท", "text", 10)]
        if b.scope == "national":
            cols += [("อปท. ยืนยันแล้ว", "int", 9), ("อปท. ทั้งหมด", "int", 9)]
        if b.scope != "lao":
            cols += [("สถานศึกษา ยืนยันแล้ว", "int", 10), ("สถานศึกษา ทั้งหมด", "int", 10)]
        cols += [("สถานะ", "text", 14), ("ยืนยันโดย", "text", 18), ("ยืนยันเมื่อ", "datetime", 16)]
        first_level_col = len(cols)
        for _name, _g in self.levels:
            cols += [("ชาย", "int", 8), ("หญิง", "int", 8)]
        cols += [("รวมชาย", "int", 9), ("รวมหญิง", "int", 9), ("นักเรียนในสังกัด อปท.", "int", 11),
                 ("สังกัดอื่น", "int", 10), ("รวมทั้งสิ้น", "int", 11)]
        table = Table(cols)
        table.measure([("", r["unit"]["name"]) for r in rows])

        conf = b.confirmations.get(b.unit["code"])
        if b.scope == "national":
            state_line = (f"จังหวัดยืนยันแล้ว {sum(1 for p in b.provinces if p['code'] in b.confirmations)}"
                          f" จาก {len(b.provinces)} จังหวัด")
        elif conf:
            state_line = f"สถานะ: ยืนยันแล้ว โดย {conf['person']} ({conf['login']}) เมื่อ {clock.thai_datetime(conf['at'])}"
        else:
            level = "province" if b.scope == "province" else "lao"
            state_line = f"สถานะ: ยังไม่ยืนยัน · กำหนดยืนยัน {clock.thai_datetime(b.deadline(level))}"
        n_conf_insts = sum(1 for i in b.institutions if i["code"] in b.confirmations)
        progress = f"สถานศึกษายืนยันแล้ว {n_conf_insts:,} จาก {len(b.institutions):,} แห่ง"
        if b.scope != "lao":
            n_conf_laos = sum(1 for u in b.laos if u["code"] in b.confirmations)
            progress += f" · อปท. ยืนยันแล้ว {n_conf_laos:,} จาก {len(b.laos):,} แห่ง"
        r = self._title(ws, f"สรุปจำนวนนักเรียนและเด็กเล็ก {self.unit_label}",
                        [self._round_line(), state_line, progress], len(cols))
        # issue counts, each a link to its sheet
        issues = [("conflicts", f"เด็กซ้ำซ้อนกับสถานศึกษาอื่น {len(b.conflicts):,} ราย"),
                  ("unconfirmed", f"ยังไม่ยืนยัน {len(self.unconfirmed):,} หน่วยงาน"),
                  ("changes", f"เปลี่ยนแปลงมากจากรอบก่อน {len(self.changes):,} แห่ง"),
                  ("removals", f"นำออก {sum(n for _u, _r, n in b.removals):,} ราย"),
                  ("money", "ประมาณการค่าอาหารกลางวันและนม")]
        w.text(ws, r, 0, "ประเด็นที่ต้องตรวจสอบ:", s.label)
        for i, (key, label) in enumerate(issues):
            ws.write_url(r, 1 + 2 * i, f"internal:'{SHEET[key]}'!A1", s.link, string=label)
        r += 2
        # header: level groups, then column names
        group_row = r
        ws.set_row(group_row, 18)
        for i, (name, _g) in enumerate(self.levels):
            c = first_level_col + 2 * i
            ws.merge_range(group_row, c, group_row, c + 1, name, s.group)
        header = group_row + 1
        self._header_row(ws, header, table)
        r = header + 1
        self.summary_first = r
        tot_m = tot_f = 0
        for row in rows:
            u = row["unit"]
            c = 0
            w.text(ws, r, 0, u["code"], s.code)
            w.text(ws, r, 1, u["name"], s.text)
            w.text(ws, r, 2, KIND_TH.get(u["kind"], "สังกัดอื่น"), s.text)
            c = 3
            if b.scope == "national":
                ws.write_number(r, c, row["laos"][0], s.int)
                ws.write_number(r, c + 1, row["laos"][1], s.int)
                c += 2
            if b.scope != "lao":
                ws.write_number(r, c, row["insts"][0], s.int)
                ws.write_number(r, c + 1, row["insts"][1], s.int)
                c += 2
            state_unit = row.get("state_of", u)
            state = self._state(state_unit)
            if u.get("level") == "lao_other":
                state = "confirmed" if state_unit["code"] in b.rosters else "not_uploaded"
                ws.write_string(r, c, "ส่งข้อมูลแล้ว" if state == "confirmed" else "ยังไม่ส่งข้อมูล", s.state(state))
            else:
                ws.write_string(r, c, STATE_TH[state], s.state(state))
            cf = b.confirmations.get(u["code"])
            if cf:
                w.text(ws, r, c + 1, cf["person"], s.text)
                ws.write_number(r, c + 2, be_datetime_serial(cf["at"]) or 0, s.datetime)
            else:
                ws.write_blank(r, c + 1, None, s.text)
                ws.write_blank(r, c + 2, None, s.text)
            c += 3
            lv = d.totals_by_level(row["counts"])
            for name, _g in self.levels:
                ws.write_number(r, c, lv.get((name, "ชาย"), 0), s.int)
                ws.write_number(r, c + 1, lv.get((name, "หญิง"), 0), s.int)
                c += 2
            m = sum(n for (_g, sx), n in row["counts"].items() if sx == "ชาย")
            f = sum(n for (_g, sx), n in row["counts"].items() if sx == "หญิง")
            own = sum(row["counts"].values())
            tot_m, tot_f = tot_m + m, tot_f + f
            for v in (m, f, own, row["other"], own + row["other"]):
                ws.write_number(r, c, v, s.int)
                c += 1
            r += 1
        self.summary_last = r - 1
        self.summary_cols = {"name": 1, "own": len(cols) - 3, "other": len(cols) - 2}
        # total row
        ws.write_string(r, 0, "รวม", s.total_text)
        ws.write_string(r, 1, f"{len(rows):,} รายการ", s.total_text)
        for c in range(2, first_level_col):
            ws.write_blank(r, c, None, s.total_text)
        c = 3
        if b.scope == "national":
            ws.write_number(r, c, sum(x["laos"][0] for x in rows), s.total_int)
            ws.write_number(r, c + 1, sum(x["laos"][1] for x in rows), s.total_int)
            c += 2
        if b.scope != "lao":
            ws.write_number(r, c, sum(x["insts"][0] for x in rows), s.total_int)
            ws.write_number(r, c + 1, sum(x["insts"][1] for x in rows), s.total_int)
        c = first_level_col
        lv = d.totals_by_level(self.total)
        for name, _g in self.levels:
            ws.write_number(r, c, lv.get((name, "ชาย"), 0), s.total_int)
            ws.write_number(r, c + 1, lv.get((name, "หญิง"), 0), s.total_int)
            c += 2
        own = sum(self.total.values())
        for v in (tot_m, tot_f, own, self.total_other, own + self.total_other):
            ws.write_number(r, c, v, s.total_int)
            c += 1
        self._finish_table(ws, header, self.summary_last, len(cols), freeze_col=2)
        r += 2
        w.text(ws, r, 0, "หมายเหตุ: นักเรียนในสังกัด อปท. นับจากรายชื่อที่สถานศึกษาส่งเข้าระบบ"
               " สังกัดอื่นคือจำนวนที่ อปท. กรอกสำหรับสถานศึกษาสังกัดอื่นในพื้นที่ (อ.1–ม.3)", s.note)

    def chart_sheet(self) -> None:
        b, s = self.b, self.s
        ws = self._sheet("charts")
        ws.hide_gridlines(2)
        child = {"lao": "สถานศึกษา", "province": " อปท.", "national": "จังหวัด"}[b.scope]
        r = self._title(ws, "แผนภูมิ", ["ความคืบหน้าการยืนยันข้อมูล และจำนวนนักเรียนราย" + child], 6)
        table = Table([("ระดับ", "text", 14), ("ยืนยันแล้ว", "int", 12), ("ส่งข้อมูลแล้ว รอยืนยัน", "int", 14),
                       ("ยังไม่ส่ง/ยังไม่ยืนยัน", "int", 14)])
        self._header_row(ws, r, table)
        levels = [("สถานศึกษา", b.institutions), ("อปท.", b.laos)]
        if b.scope == "national":
            levels.append(("จังหวัด", b.provinces))
        first = r + 1
        for i, (label, units) in enumerate(levels):
            states = Counter(self._state(u) for u in units)
            ws.write_string(first + i, 0, label, s.text)
            ws.write_number(first + i, 1, states["confirmed"], s.int)
            ws.write_number(first + i, 2, states["uploaded"], s.int)
            ws.write_number(first + i, 3, states["not_uploaded"] + states["unconfirmed"], s.int)
        last = first + len(levels) - 1
        sheet = SHEET["charts"]
        progress = self.wb.add_chart({"type": "bar", "subtype": "percent_stacked"})
        for col, color in ((1, "#70AD47"), (2, "#FFC000"), (3, "#C00000")):
            progress.add_series({"name": [sheet, r, col], "categories": [sheet, first, 0, last, 0],
                                 "values": [sheet, first, col, last, col], "fill": {"color": color},
                                 "data_labels": {"value": True}})
        progress.set_title({"name": "ความคืบหน้าการยืนยันข้อมูล", "name_font": {"name": FONT["font_name"]}})
        progress.set_legend({"position": "top", "font": {"name": FONT["font_name"]}})
        progress.set_y_axis({"num_font": {"name": FONT["font_name"]}})
        progress.set_x_axis({"num_font": {"name": FONT["font_name"]}})
        height = 150 + 45 * len(levels)
        progress.set_size({"width": 900, "height": height})
        ws.insert_chart(last + 2, 0, progress)
        # counts by unit below: stacked bars of own pupils and other affiliation, from the summary sheet
        n = self.summary_last - self.summary_first + 1
        if n > 0:
            bars = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
            summ = SHEET["summary"]
            cats = [summ, self.summary_first, self.summary_cols["name"], self.summary_last, self.summary_cols["name"]]
            for key, label, color in (("own", "นักเรียนในสังกัด อปท.", "#4472C4"), ("other", "สังกัดอื่น", "#A5A5A5")):
                col = self.summary_cols[key]
                bars.add_series({"name": label, "categories": cats,
                                 "values": [summ, self.summary_first, col, self.summary_last, col],
                                 "fill": {"color": color}, "gap": 40})
            bars.set_title({"name": f"จำนวนนักเรียนราย{child}", "name_font": {"name": FONT["font_name"]}})
            bars.set_legend({"position": "top", "font": {"name": FONT["font_name"]}})
            bars.set_y_axis({"reverse": True, "num_font": {"name": FONT["font_name"]}})
            bars.set_x_axis({"num_format": INT, "num_font": {"name": FONT["font_name"]},
                             "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
            bars.set_size({"width": 900, "height": max(320, 110 + 18 * n)})
            ws.insert_chart(last + 2, 0, bars, {"y_offset": height + 20})
        ws.fit_to_pages(1, 0)

    def conflict_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("conflicts")
        r = self._title(ws, "เด็กที่มีชื่ออยู่ในสถานศึกษามากกว่าหนึ่งแห่ง (เลขประจำตัวซ้ำ)",
                        ["ต้องแก้ไขก่อน อปท. ยืนยันได้: สถานศึกษาที่เด็กไม่ได้เรียนอยู่จริงนำเด็กออกพร้อมเหตุผล"
                         " · ติดต่อกันได้ตามรหัสและชื่อที่แสดง", self._round_line()], 10)
        table = Table([("เลขประจำตัว", "code", 16), ("ลำดับ", "int", 6), ("รหัสสถานศึกษา", "code", 12),
                       ("ชื่อสถานศึกษา", "text", 24), ("รหัส อปท.", "code", 10), ("ชื่อ อปท.", "text", 20),
                       ("จังหวัด", "code", 7), ("ชื่อ", "text", 12), ("นามสกุล", "text", 14), ("ชั้น", "text", 7),
                       ("อยู่ในแฟ้มนี้", "text", 9)])
        table.measure([("", "", "", u["name"] or "", "", u["lao_name"] or "", "", u["first_name"] or "",
                        u["last_name"] or "") for cf in b.conflicts[:2000] for u in cf["units"]])
        self._header_row(ws, r, table)
        header, r = r, r + 1
        inside = {i["code"] for i in b.institutions}
        for cf in b.conflicts:
            for k, u in enumerate(cf["units"], start=1):
                w.text(ws, r, 0, cf["citizen_id"], s.code)
                ws.write_number(r, 1, k, s.int)
                w.text(ws, r, 2, u["code"], s.code)
                w.text(ws, r, 3, u["name"], s.text)
                w.text(ws, r, 4, u["lao"], s.code)
                w.text(ws, r, 5, u["lao_name"], s.text)
                w.text(ws, r, 6, u["province"], s.code)
                w.text(ws, r, 7, u["first_name"], s.text)
                w.text(ws, r, 8, u["last_name"], s.text)
                w.text(ws, r, 9, u["grade"] or d.CHILD_CENTRE, s.text)
                ws.write_string(r, 10, "ใช่" if u["code"] in inside else "ไม่ใช่", s.text)
                r += 1
        if not b.conflicts:
            self._empty(ws, r, "ไม่มีเด็กซ้ำซ้อน")
        self._finish_table(ws, header, r - 1, len(table.columns), freeze_col=1)

    def unconfirmed_sheet(self) -> None:
        s, w = self.s, self.w
        ws = self._sheet("unconfirmed")
        r = self._title(ws, "หน่วยงานที่ยังไม่ยืนยันข้อมูล และกำหนดเวลา",
                        ["เรียงตามระดับ: สถานศึกษา → อปท. → จังหวัด (ยืนยันจากล่างขึ้นบน)", self._round_line()], 8)
        table = Table([("ระดับ", "text", 10), ("รหัส", "code", 11), ("ชื่อหน่วยงาน", "text", 28),
                       ("ต้นสังกัด", "text", 24), ("สถานะ", "text", 16), ("ส่งข้อมูลล่าสุด", "datetime", 16),
                       ("กำหนดยืนยัน", "datetime", 16), ("เลยกำหนด", "text", 9)])
        table.measure([("", "", x["unit"]["name"], self.unit_names.get(x["unit"]["parent"] or "", ""))
                       for x in self.unconfirmed[:2000]])
        self._header_row(ws, r, table)
        header, r = r, r + 1
        level_th = {"institution": "สถานศึกษา", "lao": "อปท.", "province": "จังหวัด"}
        for x in self.unconfirmed:
            u = x["unit"]
            ws.write_string(r, 0, level_th[x["level"]], s.text)
            w.text(ws, r, 1, u["code"], s.code)
            w.text(ws, r, 2, u["name"], s.text)
            parent = u["parent"] or ""
            w.text(ws, r, 3, f"{self.unit_names.get(parent, '')} ({parent})" if parent else "", s.text)
            ws.write_string(r, 4, STATE_TH[x["state"]], s.state(x["state"]))
            if x["roster"]:
                ws.write_number(r, 5, be_datetime_serial(x["roster"]["at"]) or 0, s.datetime)
            else:
                ws.write_blank(r, 5, None, s.text)
            ws.write_number(r, 6, be_datetime_serial(clock.iso(x["deadline"])) or 0, s.datetime)
            ws.write_string(r, 7, "เลยกำหนด" if x["overdue"] else "", s.bad if x["overdue"] else s.text)
            r += 1
        if not self.unconfirmed:
            self._empty(ws, r, "ทุกหน่วยงานยืนยันข้อมูลแล้ว")
        self._finish_table(ws, header, r - 1, len(table.columns), freeze_col=3)

    def change_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("changes")
        basis = ", ".join(sorted(set(b.previous_rounds.values()))) or "-"
        r = self._title(ws, "สถานศึกษาที่จำนวนนักเรียนเปลี่ยนแปลงมากเมื่อเทียบกับรอบก่อน",
                        [f"เทียบกับข้อมูลที่จังหวัดยืนยันแล้วของรอบ {basis}: เปลี่ยนแปลงอย่างน้อย"
                         f" {d.BIG_CHANGE_MIN} คน และอย่างน้อยร้อยละ {int(d.BIG_CHANGE_SHARE * 100)}"
                         " ควรตรวจสอบว่ามีตัวตนจริง (นักเรียนที่ไม่มีตัวตน) หรือตกหล่น", self._round_line()], 9)
        table = Table([("ประเภท", "text", 10), ("รหัส อปท.", "code", 10), ("ชื่อ อปท.", "text", 20),
                       ("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 26), ("รอบก่อน", "int", 9),
                       ("รอบนี้", "int", 9), ("เปลี่ยนแปลง", "int", 10), ("ร้อยละ", "pct", 8)])
        table.measure([("", "", self.unit_names.get(x["lao"], ""), "", x["name"]) for x in self.changes[:2000]])
        self._header_row(ws, r, table)
        header, r = r, r + 1
        for x in self.changes:
            ws.write_string(r, 0, "สถานศึกษา" if x["source"] == "roster" else "สังกัดอื่น", s.text)
            w.text(ws, r, 1, x["lao"], s.code)
            w.text(ws, r, 2, self.unit_names.get(x["lao"], ""), s.text)
            w.text(ws, r, 3, x["code"], s.code)
            w.text(ws, r, 4, x["name"], s.text)
            ws.write_number(r, 5, x["before"], s.int)
            ws.write_number(r, 6, x["now"], s.int)
            ws.write_number(r, 7, x["diff"], s.bad if x["diff"] > 0 else s.warn)
            if x["share"] is None:
                ws.write_string(r, 8, "ใหม่", s.text)
            else:
                ws.write_number(r, 8, x["share"], s.pct)
            r += 1
        if not b.previous:
            self._empty(ws, r, "ยังไม่มีข้อมูลที่จังหวัดยืนยันแล้วของรอบก่อนให้เปรียบเทียบ")
        elif not self.changes:
            self._empty(ws, r, "ไม่มีสถานศึกษาที่เปลี่ยนแปลงมาก")
        self._finish_table(ws, header, r - 1, len(table.columns), freeze_col=3)

    def removal_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("removals")
        r = self._title(ws, "จำนวนเด็กที่นำออกจากทะเบียน แยกตามเหตุผล",
                        ["ตามทะเบียนนำออกของสถานศึกษา (หนังสือ 003 ข้อ 4.3.4): เหตุผล 1–3 คือเด็กที่ไม่มีตัวตน",
                         self._round_line()], 8)
        reasons = list(REMOVAL_REASONS)
        extra = sorted({reason for _u, reason, _n in b.removals if reason not in REMOVAL_REASONS})
        labels = [REMOVAL_REASONS[k] for k in reasons] + [x or "ไม่ระบุ" for x in extra]
        keys = reasons + extra
        cols = [("รหัส อปท.", "code", 10), ("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 26)]
        cols += [(label, "int", 12) for label in labels] + [("รวม", "int", 8)]
        table = Table(cols)
        table.widths[3:-1] = [14.0] * len(labels)
        self._header_row(ws, r, table)
        ws.set_row(r, 60)
        header, r = r, r + 1
        per: dict[str, Counter[str]] = defaultdict(Counter)
        for unit, reason, n in b.removals:
            per[unit][reason] += n
        lao_of = b.lao_of_institution()
        totals: Counter[str] = Counter()
        for inst in b.institutions:
            c = per.get(inst["code"])
            if not c:
                continue
            w.text(ws, r, 0, lao_of[inst["code"]], s.code)
            w.text(ws, r, 1, inst["code"], s.code)
            w.text(ws, r, 2, inst["name"], s.text)
            for i, k in enumerate(keys):
                ws.write_number(r, 3 + i, c.get(k, 0), s.int)
            ws.write_number(r, 3 + len(keys), sum(c.values()), s.int)
            totals.update(c)
            r += 1
        last = r - 1
        ws.write_string(r, 0, "รวม", s.total_text)
        ws.write_blank(r, 1, None, s.total_text)
        ws.write_blank(r, 2, None, s.total_text)
        for i, k in enumerate(keys):
            ws.write_number(r, 3 + i, totals.get(k, 0), s.total_int)
        ws.write_number(r, 3 + len(keys), sum(totals.values()), s.total_int)
        self._finish_table(ws, header, last, len(cols), freeze_col=3)

    def institution_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("institutions")
        r = self._title(ws, "จำนวนนักเรียนรายสถานศึกษา แยกตามชั้นและเพศ",
                        [self._round_line(), "นับจากรายชื่อนักเรียนที่สถานศึกษาส่งเข้าระบบ (ศพด. = เด็กเล็กของศูนย์"
                         "พัฒนาเด็กเล็ก ไม่แยกชั้น)"], 12)
        national = b.scope == "national"
        cols: list[tuple[str, str, float]] = [("จังหวัด", "code", 7)] if national else []
        cols += [("รหัส อปท.", "code", 10), ("ชื่อ อปท.", "text", 20), ("รหัสสถานศึกษา", "code", 12),
                 ("ชื่อสถานศึกษา", "text", 26), ("ประเภท", "text", 10), ("สถานะ", "text", 14),
                 ("ส่งข้อมูลเมื่อ", "datetime", 16), ("ยืนยันเมื่อ", "datetime", 16), ("ยืนยันโดย", "text", 16)]
        first_grade = len(cols)
        for _g in self.grades:
            cols += [("ชาย", "int", 6), ("หญิง", "int", 6)]
        cols += [("รวมชาย", "int", 8), ("รวมหญิง", "int", 8), ("รวม", "int", 8)]
        table = Table(cols)
        off = 1 if national else 0
        sample = b.institutions[:3000]
        table.measure([(*([""] * off), "", self.unit_names.get(i["parent"], ""), "", i["name"]) for i in sample])
        self._grade_group_row(ws, r, first_grade, self.grades)
        self._header_row(ws, r + 1, table)
        header, r = r + 1, r + 2
        prov_of = b.province_of_lao()
        text, num = w.text, ws.write_number
        for inst in b.institutions:
            lao = inst["parent"]
            if national:
                text(ws, r, 0, prov_of.get(lao, ""), s.code)
            text(ws, r, off, lao, s.code)
            text(ws, r, off + 1, self.unit_names.get(lao, ""), s.text)
            text(ws, r, off + 2, inst["code"], s.code)
            text(ws, r, off + 3, inst["name"], s.text)
            ws.write_string(r, off + 4, KIND_TH.get(inst["kind"], inst["kind"]), s.text)
            state = self._state(inst)
            ws.write_string(r, off + 5, STATE_TH[state], s.state(state))
            ros, cf = b.rosters.get(inst["code"]), b.confirmations.get(inst["code"])
            if ros:
                num(r, off + 6, be_datetime_serial(ros["at"]) or 0, s.datetime)
            else:
                ws.write_blank(r, off + 6, None, s.text)
            if cf:
                num(r, off + 7, be_datetime_serial(cf["at"]) or 0, s.datetime)
                text(ws, r, off + 8, cf["person"], s.text)
            else:
                ws.write_blank(r, off + 7, None, s.text)
                ws.write_blank(r, off + 8, None, s.text)
            self._counts_cells(ws, r, first_grade, b.counts.get(inst["code"], {}), self.grades, s.int)
            r += 1
        last = r - 1
        ws.write_string(r, 0, "รวม", s.total_text)
        for c in range(1, first_grade):
            ws.write_blank(r, c, None, s.total_text)
        self._counts_cells(ws, r, first_grade, self.total, self.grades, s.total_int)
        self._finish_table(ws, header, last, len(cols), freeze_col=off + 4)

    def other_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("other")
        r = self._title(ws, "จำนวนนักเรียนสถานศึกษาสังกัดอื่นในพื้นที่ อปท.",
                        [self._round_line(), "กรอกโดย อปท. ตั้งแต่ อ.1 ถึง ป.6 (ถึง ม.3 สำหรับโรงเรียนขยายโอกาส)"
                         " · อปท. จ่ายค่าอาหารกลางวันและนมให้สถานศึกษาเหล่านี้"], 12)
        national = b.scope == "national"
        cols: list[tuple[str, str, float]] = [("จังหวัด", "code", 7)] if national else []
        cols += [("รหัส อปท.", "code", 10), ("ชื่อ อปท.", "text", 20), ("รหัสสถานศึกษา", "code", 12),
                 ("ชื่อสถานศึกษา", "text", 26), ("สังกัด", "text", 8), ("ยุบเลิก", "text", 7)]
        first_grade = len(cols)
        grades = list(OTHER_GRADES)
        for _g in grades:
            cols += [("ชาย", "int", 6), ("หญิง", "int", 6)]
        cols += [("รวมชาย", "int", 8), ("รวมหญิง", "int", 8), ("รวม", "int", 8)]
        table = Table(cols)
        off = 1 if national else 0
        table.measure([(*([""] * off), "", self.unit_names.get(x["lao_code"], ""), "", x["other_school_name"] or "",
                        x["affiliation"] or "") for x in b.other[:3000]])
        self._grade_group_row(ws, r, first_grade, grades)
        self._header_row(ws, r + 1, table)
        header, r = r + 1, r + 2
        prov_of = b.province_of_lao()
        total: d.Counts = {}
        for x in b.other:
            lao = x["lao_code"]
            if national:
                w.text(ws, r, 0, prov_of.get(lao, ""), s.code)
            w.text(ws, r, off, lao, s.code)
            w.text(ws, r, off + 1, self.unit_names.get(lao, ""), s.text)
            w.text(ws, r, off + 2, x["other_school_code"], s.code)
            w.text(ws, r, off + 3, x["other_school_name"], s.text)
            w.text(ws, r, off + 4, x["affiliation"], s.text)
            ws.write_string(r, off + 5, "ใช่" if x["closed"] else "", s.text)
            c = b.other_counts(x)
            d.add_counts(total, c)
            self._counts_cells(ws, r, first_grade, c, grades, s.int)
            r += 1
        if not b.other:
            self._empty(ws, r, "ยังไม่มีข้อมูลสถานศึกษาสังกัดอื่น")
            r += 1
        last = r - 1
        ws.write_string(r, 0, "รวม", s.total_text)
        for c in range(1, first_grade):
            ws.write_blank(r, c, None, s.total_text)
        self._counts_cells(ws, r, first_grade, total, grades, s.total_int)
        self._finish_table(ws, header, last, len(cols), freeze_col=off + 4)

    PUPIL_HEADERS: tuple[tuple[str, str, float], ...] = (
        ("รหัส อปท.", "code", 10), ("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 28),
        ("เลขประจำตัวประชาชน / G-Code", "code", 17), ("คำนำหน้า", "text", 9), ("ชื่อ", "text", 14),
        ("นามสกุล", "text", 16), ("เพศ", "text", 5), ("วันเกิด", "date", 11), ("ชั้น", "text", 6),
        ("ห้อง", "text", 5), ("สัญชาติ", "text", 9), ("วันที่ย้ายเข้า", "date", 11),
    )  # fmt: skip

    def pupil_sheets(self) -> None:
        """The pupils, streamed from SQLite straight into the sheet: the hot loop of a province book."""
        assert self.pupils is not None
        s = self.s
        per_sheet = EXCEL_MAX_ROWS - 5
        n_sheets = max(1, -(-self.pupil_total // per_sheet))
        sheets = []
        table = Table(self.PUPIL_HEADERS)
        table.measure([("", "", i["name"]) for i in self.b.institutions[:3000]])
        for k in range(n_sheets):
            ws = self._sheet("pupils", suffix=f" ({k + 1})" if n_sheets > 1 else "")
            self.w.text(ws, 0, 0, f"รายชื่อนักเรียนและเด็กเล็ก {self.unit_label}"
                        + (f" ส่วนที่ {k + 1} จาก {n_sheets}" if n_sheets > 1 else ""), s.title)
            self.w.text(ws, 1, 0, self._round_line(), s.subtitle)
            self._header_row(ws, 3, table)
            sheets.append(ws)
        ws = sheets[0]
        sheet_no, r = 0, 4
        string, number = ws.write_string, ws.write_number
        fmt_text, fmt_code, fmt_date = s.text, s.code, s.date
        slow = self.w.text
        trig = FORMULA_TRIGGERS | {"<"}
        current = None
        lao_code = code = name = ""
        for inst, row in self.pupils():
            if r > per_sheet + 3:
                self._finish_table(ws, 3, r - 1, len(table.columns), freeze_col=4)
                sheet_no += 1
                ws, r = sheets[sheet_no], 4
                string, number = ws.write_string, ws.write_number
            if inst is not current:
                current = inst
                lao_code, code, name = inst["parent"], inst["code"], inst["name"] or ""
                name_safe = not name or name[0] not in trig
            string(r, 0, lao_code, fmt_code)
            string(r, 1, code, fmt_code)
            if name_safe:
                if name:
                    string(r, 2, name, fmt_text)
            else:
                slow(ws, r, 2, name, fmt_text)
            cid, prefix, first, last, sex, birth, grade, room, nat, entry = row
            c = 3
            for value in (cid, prefix, first, last, sex):
                if value:
                    if value[0] in trig:
                        slow(ws, r, c, value, fmt_code if c == 3 else fmt_text)
                    else:
                        string(r, c, value, fmt_code if c == 3 else fmt_text)
                c += 1
            serial = excel_serial(birth)
            if serial is not None:
                number(r, 8, serial, fmt_date)
            elif birth:
                slow(ws, r, 8, birth, fmt_text)
            for c, value in ((9, grade or d.CHILD_CENTRE), (10, room), (11, nat)):
                if value:
                    if value[0] in trig:
                        slow(ws, r, c, value, fmt_text)
                    else:
                        string(r, c, value, fmt_text)
            if entry:
                serial = excel_serial(entry)
                if serial is not None:
                    number(r, 12, serial, fmt_date)
                else:
                    slow(ws, r, 12, entry, fmt_text)
            r += 1
        if r == 4:
            self._empty(ws, r, "ยังไม่มีรายชื่อนักเรียน")
        self._finish_table(ws, 3, r - 1, len(table.columns), freeze_col=4)
        for other in sheets[sheet_no + 1:]:
            self._finish_table(other, 3, 3, len(table.columns), freeze_col=4)

    def money_sheet(self) -> None:
        b, s, w = self.b, self.s, self.w
        rates = self.rates
        ws = self._sheet("money")
        r = self._title(ws, "ประมาณการค่าอาหารกลางวันและค่าอาหารเสริม (นม) ต่อปี", [self._round_line()], 12)
        ws.set_row(r, 44)
        ws.merge_range(r, 0, r, 11, "", s.banner)
        ws.write_string(r, 0, "⚠ ประมาณการจากจำนวนนักเรียนในแฟ้มนี้เท่านั้น ไม่ใช่ยอดจัดสรรงบประมาณ"
                        " อัตราเปลี่ยนตามมติคณะรัฐมนตรี ตรวจสอบแหล่งที่มาด้านล่างก่อนใช้อ้างอิง", s.banner)
        r += 1
        for src in rates["sources"]:
            mark = "" if src.get("verified") else " (ยังไม่ได้ตรวจสอบ)"
            w.text(ws, r, 0, f"• {src['what']} — ที่มา: {src['source']}{mark}", s.note)
            r += 1
        for a in rates.get("assumptions", []):
            w.text(ws, r, 0, f"• ข้อสมมุติ: {a}", s.note)
            r += 1
        r += 1
        national = b.scope == "national"
        cols: list[tuple[str, str, float]] = [("จังหวัด", "code", 7)] if national else []
        cols += [("รหัส อปท.", "code", 10), ("ชื่อ อปท.", "text", 20)]
        if not national:
            cols += [("รหัสสถานศึกษา", "code", 12), ("ชื่อสถานศึกษา", "text", 26), ("สังกัด", "text", 9)]
        cols += [("นักเรียน อ.1–ป.6 / เด็กเล็ก", "int", 11)]
        if not national:
            cols += [("อัตรา (บาท/คน/วัน)", "money", 9), ("จำนวนวัน", "int", 7)]
        cols += [("ค่าอาหารกลางวัน (บาท)", "money", 15), ("นมพาสเจอร์ไรส์ (บาท)", "money", 15),
                 ("นม UHT (บาท)", "money", 15)]
        table = Table(cols)
        if national:
            table.measure([("", "", u["name"]) for u in b.laos[:3000]])
        else:
            table.measure([("", self.unit_names.get(i["parent"], ""), "", i["name"]) for i in b.institutions[:3000]])
        self._header_row(ws, r, table)
        header, r = r, r + 1
        estimates: list[tuple[str, str, str, str, money.Estimate]] = []
        for inst in b.institutions:
            c = b.counts.get(inst["code"], {})
            by_grade = {g: c.get((g, "ชาย"), 0) + c.get((g, "หญิง"), 0) for g, _s in c}
            cdc_children = by_grade.pop(d.CHILD_CENTRE, 0)
            est = money.estimate(by_grade, cdc_children, child_centre=inst["kind"] == "cdc", rates=rates)
            estimates.append((inst["parent"], inst["code"], inst["name"], "อปท.", est))
        for x in b.other:
            c = b.other_counts(x)
            by_grade = {g: c.get((g, "ชาย"), 0) + c.get((g, "หญิง"), 0) for g, _s in c}
            est = money.estimate(by_grade, 0, child_centre=False, rates=rates)
            estimates.append((x["lao_code"], x["other_school_code"], x["other_school_name"] or "",
                              x["affiliation"] or "สังกัดอื่น", est))
        totals = [0, 0.0, 0.0, 0.0]
        if national:
            per_lao: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
            for lao, _c, _n, _a, e in estimates:
                acc = per_lao[lao]
                acc[0] += e.eligible
                acc[1] += e.lunch
                acc[2] += e.milk_pasteurised
                acc[3] += e.milk_uht
            prov_of = b.province_of_lao()
            for lao in b.laos:
                acc = per_lao.get(lao["code"], [0, 0.0, 0.0, 0.0])
                w.text(ws, r, 0, prov_of.get(lao["code"], ""), s.code)
                w.text(ws, r, 1, lao["code"], s.code)
                w.text(ws, r, 2, lao["name"], s.text)
                ws.write_number(r, 3, acc[0], s.int)
                for i in range(3):
                    ws.write_number(r, 4 + i, acc[1 + i], s.money)
                for i in range(4):
                    totals[i] += acc[i]
                r += 1
        else:
            for lao, code, name, aff, e in estimates:
                w.text(ws, r, 0, lao, s.code)
                w.text(ws, r, 1, self.unit_names.get(lao, ""), s.text)
                w.text(ws, r, 2, code, s.code)
                w.text(ws, r, 3, name, s.text)
                w.text(ws, r, 4, aff, s.text)
                ws.write_number(r, 5, e.eligible, s.int)
                ws.write_number(r, 6, e.lunch_rate, s.money)
                ws.write_number(r, 7, e.lunch_days, s.int)
                ws.write_number(r, 8, e.lunch, s.money)
                ws.write_number(r, 9, e.milk_pasteurised, s.money)
                ws.write_number(r, 10, e.milk_uht, s.money)
                totals[0] += e.eligible
                totals[1] += e.lunch
                totals[2] += e.milk_pasteurised
                totals[3] += e.milk_uht
                r += 1
        last = r - 1
        ncols = len(cols)
        ws.write_string(r, 0, "รวม (ประมาณการ)", s.total_text)
        for c in range(1, ncols - 4):
            ws.write_blank(r, c, None, s.total_text)
        ws.write_number(r, ncols - 4 if national else 5, totals[0], s.total_int)
        if not national:
            ws.write_blank(r, 6, None, s.total_text)
            ws.write_blank(r, 7, None, s.total_text)
        for i in range(3):
            ws.write_number(r, ncols - 3 + i, totals[1 + i], s.total_money)
        self.money_totals = totals
        self._finish_table(ws, header, last, ncols, freeze_col=2)

    def signoff_sheet(self) -> None:
        """The printable page people sign: A4 portrait, the numbers, the confirmation record, signatures."""
        b, s, w = self.b, self.s, self.w
        ws = self._sheet("signoff", landscape=False)
        ws.hide_gridlines(2)
        ws.set_column(0, 0, 26)
        ws.set_column(1, 5, 13)
        ws.repeat_rows(0, 1)
        ws.set_row(0, 28)
        ws.merge_range(0, 0, 0, 5, "", s.sign_bold)
        w.text(ws, 0, 0, f"แบบรับรองข้อมูลจำนวนนักเรียนและเด็กเล็ก {self.unit_label}", s.title)
        rnd = b.round
        ws.merge_range(1, 0, 1, 5, "", s.subtitle)
        ws.write_string(1, 0, f"ปีการศึกษา {rnd['year']} ครั้งที่ {rnd['round_no']} ข้อมูล ณ วันที่"
                        f" {thai_date(rnd['as_of'])} · รหัสชุดข้อมูล {self.version}", s.subtitle)
        r = 3
        ws.write_string(r, 0, f"จัดทำจากข้อมูลในระบบเมื่อ {clock.thai_datetime(b.now)}", s.note)
        r += 2
        # the numbers
        for c, h in enumerate(("ระดับ", "ชาย", "หญิง", "รวม")):
            ws.write_string(r, c, h, s.header)
        r += 1
        lv = d.totals_by_level(self.total)
        for name, _g in self.levels:
            m, f = lv.get((name, "ชาย"), 0), lv.get((name, "หญิง"), 0)
            ws.write_string(r, 0, name, s.text)
            ws.write_number(r, 1, m, s.int)
            ws.write_number(r, 2, f, s.int)
            ws.write_number(r, 3, m + f, s.int)
            r += 1
        own = sum(self.total.values())
        m_all = sum(n for (_g, sx), n in self.total.items() if sx == "ชาย")
        ws.write_string(r, 0, "รวมนักเรียนในสังกัด อปท.", s.total_text)
        ws.write_number(r, 1, m_all, s.total_int)
        ws.write_number(r, 2, own - m_all, s.total_int)
        ws.write_number(r, 3, own, s.total_int)
        r += 1
        other_m = sum(n for (_g, sx), n in self._other_total().items() if sx == "ชาย")
        ws.write_string(r, 0, f"สถานศึกษาสังกัดอื่น ({len(b.other):,} แห่ง)", s.text)
        ws.write_number(r, 1, other_m, s.int)
        ws.write_number(r, 2, self.total_other - other_m, s.int)
        ws.write_number(r, 3, self.total_other, s.int)
        r += 1
        ws.write_string(r, 0, "รวมทั้งสิ้น", s.total_text)
        ws.write_number(r, 1, m_all + other_m, s.total_int)
        ws.write_number(r, 2, own - m_all + self.total_other - other_m, s.total_int)
        ws.write_number(r, 3, own + self.total_other, s.total_int)
        r += 2
        # the state of the chain
        n_insts = len(b.institutions)
        n_ci = sum(1 for i in b.institutions if i["code"] in b.confirmations)
        lines = [f"สถานศึกษา: ยืนยันแล้ว {n_ci:,} จาก {n_insts:,} แห่ง"]
        if b.scope != "lao":
            lines.append(f"อปท.: ยืนยันแล้ว {sum(1 for u in b.laos if u['code'] in b.confirmations):,}"
                         f" จาก {len(b.laos):,} แห่ง")
        if b.scope == "national":
            lines.append(f"จังหวัด: ยืนยันแล้ว {sum(1 for p in b.provinces if p['code'] in b.confirmations):,}"
                         f" จาก {len(b.provinces):,} จังหวัด")
        lines.append(f"เด็กซ้ำซ้อนที่ยังไม่แก้ไข: {len(b.conflicts):,} ราย")
        if b.scope != "national":
            conf = b.confirmations.get(b.unit["code"])
            if conf:
                pos = f" ตำแหน่ง {conf['position']}" if conf["position"] else ""
                lines.append(f"การยืนยันของ{SCOPE_TH[b.scope]}: ยืนยันแล้ว โดย {conf['person']}{pos}"
                             f" (บัญชี {conf['login']}) เมื่อ {clock.thai_datetime(conf['at'])}")
            else:
                level = "province" if b.scope == "province" else "lao"
                lines.append(f"การยืนยันของ{SCOPE_TH[b.scope]}: ยังไม่ยืนยัน"
                             f" (กำหนด {clock.thai_datetime(b.deadline(level))})")
        for line in lines:
            w.text(ws, r, 0, line)
            r += 1
        r += 1
        w.text(ws, r, 0, "ขอรับรองว่าข้อมูลจำนวนนักเรียนและเด็กเล็กข้างต้นถูกต้อง ครบถ้วน ตรงตามข้อมูลในระบบ"
               " ณ รหัสชุดข้อมูลที่ระบุ", s.label)
        r += 3
        # signature blocks: preparer and checker side by side, approver centred below
        blocks = [((0, 2), "ผู้จัดทำ"), ((3, 5), "ผู้ตรวจสอบ")]
        r = self._signatures(ws, r, blocks)
        r += 1
        r = self._signatures(ws, r, [((1, 4), "ผู้อนุมัติ")])
        # the confirmation record, as an attachment on the next page(s)
        r += 1
        ws.set_h_pagebreaks([r])
        w.text(ws, r, 0, "แนบท้าย: บันทึกการยืนยันข้อมูลของหน่วยงานในสังกัด", s.label)
        r += 1
        for c, h in enumerate(("หน่วยงาน", "รหัส", "สถานะ", "ยืนยันโดย", "ตำแหน่ง", "ยืนยันเมื่อ")):
            ws.write_string(r, c, h, s.header)
        r += 1
        record_units = {"lao": [b.unit, *self.insts_by_lao[b.unit["code"]]],
                        "province": [b.unit, *b.laos],
                        "national": b.provinces}[b.scope]
        for u in record_units:
            state = self._state(u)
            cf = b.confirmations.get(u["code"])
            w.text(ws, r, 0, u["name"], s.text)
            w.text(ws, r, 1, u["code"], s.code)
            ws.write_string(r, 2, STATE_TH[state], s.state(state))
            w.text(ws, r, 3, cf["person"] if cf else "", s.text)
            w.text(ws, r, 4, cf["position"] if cf else "", s.text)
            if cf:
                ws.write_number(r, 5, be_datetime_serial(cf["at"]) or 0, s.datetime)
            else:
                ws.write_blank(r, 5, None, s.text)
            r += 1
        ws.fit_to_pages(1, 0)

    def _signatures(self, ws: Worksheet, r: int, blocks: Sequence[tuple[tuple[int, int], str]]) -> int:
        lines = ["ลงชื่อ ....................................................",
                 "(....................................................)",
                 "ตำแหน่ง ................................................",
                 "วันที่ ........ / ........ / ........"]
        for i in range(len(lines) + 1):
            for (c0, c1), role in blocks:
                text = role if i == len(lines) else lines[i]
                ws.merge_range(r + i, c0, r + i, c1, text, self.s.sign_bold if i == len(lines) else self.s.sign)
        return r + len(lines) + 2

    def _other_total(self) -> d.Counts:
        total: d.Counts = {}
        for c in self.lao_other_counts.values():
            d.add_counts(total, c)
        return total


def write_book(
    db: sqlite_utils.Database,
    round_id: str,
    code: str,
    path: str | Path,
    *,
    now: datetime | None = None,
    data_version: str | None = None,
    with_pupils: bool = True,
) -> Path:
    """Read the data (one consistent snapshot) and write the book of `code` to `path`."""
    with d.read_snapshot(db):
        version = data_version or d.fingerprint(db, round_id, code, now)
        book = d.load(db, round_id, code, now)
        pupils = (lambda: d.iter_pupils(db, round_id, book.institutions)) if with_pupils else None
        return BookWriter(path, book, data_version=version, pupils=pupils).build()


def label_of(db: sqlite_utils.Database, code: str) -> str:
    unit = d.resolve_unit(db, code)
    return "ทั่วประเทศ" if unit["code"] == d.NATIONAL else registry.label(unit)
