"""Turn an .xlsx into the JSON xlwings' VBA client posts, exactly as `RunServerPython` builds it.

What the client sends (xlwings/addin/Remote.bas): `client` "VBA", its xlwings `version`, the `book`
(name, 0-based active sheet, selection address), the `names` that refer to ranges, and for every
worksheet (hidden and very hidden ones too) its name, pictures, tables and `values`: the cell values
from A1 to the end of the used range, as `Range.Value` gives them, i.e. formula *results* not formulas,
empty cells as null, dates as ISO text ("2024-05-16T00:00:00.000Z"), error cells as "#N/A" and so on.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.utils.cell import range_boundaries
from python_calamine import CalamineWorkbook


def _json_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, date):
        return datetime.combine(v, time()).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, time):
        return datetime.combine(date(1899, 12, 31), v).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return v


def _names(wb: openpyxl.Workbook) -> list[dict[str, Any]]:
    out = []
    titles = wb.sheetnames
    for name, defn in wb.defined_names.items():
        dests = list(defn.destinations)
        if len(dests) != 1:
            continue
        sheet, ref = dests[0]
        if sheet not in titles:
            continue
        out.append(
            {
                "name": name,
                "sheet_index": titles.index(sheet),
                "address": ref.replace("$", ""),
                "book_scope": True,
                "scope_sheet_name": None,
                "scope_sheet_index": None,
            }
        )
    return out


def payload_from_xlsx(
    data: bytes,
    *,
    name: str = "แบบฟอร์ม.xlsm",
    active: int = 0,
    selection: str | None = "A1",
    version: str | None = None,
) -> dict[str, Any]:
    """The client's request body for a workbook given as .xlsx/.xlsm bytes.

    Values come from python-calamine (the cached results Excel's `Range.Value` shows; formulas whose
    result is the empty string read as empty, which is what xlwings makes of both anyway); the defined
    names from openpyxl.
    """
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for sheet_name in book.sheet_names:
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        grid = [[None if v == "" else _json_value(v) for v in row] for row in rows] or [[]]
        sheets.append({"name": sheet_name, "pictures": [], "tables": [], "values": grid})
    body = {
        "client": "VBA",
        "version": version or xw.__version__,
        "book": {"name": name, "active_sheet_index": active, "selection": selection},
        "names": _names(openpyxl.load_workbook(io.BytesIO(data), read_only=True)),
        "sheets": sheets,
    }
    # Through real JSON, as the request travels: no Python-only types survive.
    return json.loads(json.dumps(body, ensure_ascii=False))


def book_from_xlsx(data: bytes, **kw: Any) -> Any:
    """A real xlwings Book on the remote engine, fed with the client's JSON."""
    return xw.Book(json=payload_from_xlsx(data, **kw))


def range_bounds(address: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of an A1 range."""
    return range_boundaries(address)


class FakeExcel:
    """Replays the returned actions on the client JSON, the way the VBA client changes the workbook.

    It keeps the cell fills it was told to set, so a test can ask what colour a cell has after one or
    more runs, and `payload()` is what the client would post next time (values only, as Excel sends).
    """

    def __init__(self, payload: dict[str, Any]) -> None:
        self.body = json.loads(json.dumps(payload, ensure_ascii=False))
        self.fills: dict[tuple[str, int, int], str] = {}
        self.log: list[dict[str, Any]] = []

    @property
    def sheets(self) -> list[dict[str, Any]]:
        return self.body["sheets"]

    def sheet(self, name: str) -> dict[str, Any]:
        return next(s for s in self.sheets if s["name"] == name)

    def grid(self, name: str) -> list[list[Any]]:
        return self.sheet(name)["values"]

    def set_cell(self, name: str, row: int, col: int, value: Any) -> None:
        """A clerk typing into a cell (1-based row and column)."""
        grid = self.grid(name)
        while len(grid) < row:
            grid.append([None] * len(grid[0] if grid else []))
        while len(grid[row - 1]) < col:
            grid[row - 1].append(None)
        grid[row - 1][col - 1] = value

    def apply(self, actions: list[dict[str, Any]]) -> None:
        for a in actions:
            self.log.append(a)
            func = a["func"]
            if func == "addSheet":
                pos, name = a["args"][0], a["args"][1]
                self.sheets.insert(pos, {"name": name, "pictures": [], "tables": [], "values": [[]]})
                continue
            if a["sheet_position"] is None:
                continue
            sheet = self.sheets[a["sheet_position"]]
            if func in ("sheetClear", "sheetClearContents"):
                sheet["values"] = [[]]
                if func == "sheetClear":
                    self.fills = {k: v for k, v in self.fills.items() if k[0] != sheet["name"]}
            elif func == "setValues":
                for i, row in enumerate(a["values"]):
                    for j, v in enumerate(row):
                        self.set_cell(
                            sheet["name"], a["start_row"] + i + 1, a["start_column"] + j + 1, None if v == "" else v
                        )
            elif func == "setRangeColor":
                for i in range(a["row_count"]):
                    for j in range(a["column_count"]):
                        self.fills[(sheet["name"], a["start_row"] + i + 1, a["start_column"] + j + 1)] = a["args"][0]
        # Excel's used range is rectangular: pad every grid.
        for sheet in self.sheets:
            width = max((len(r) for r in sheet["values"]), default=0)
            sheet["values"] = [[*r, *([None] * (width - len(r)))] for r in sheet["values"]] or [[]]

    def payload(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.body, ensure_ascii=False))

    def book(self) -> Any:
        return xw.Book(json=self.payload())

    def fill(self, name: str, address: str) -> str | None:
        row, col = _rowcol(address)
        return self.fills.get((name, row, col))


def _rowcol(address: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(address)
    return row, column_index_from_string(letters)
