"""Read a filled template back (python-calamine): metadata, then rows by stable key.

Tolerant of what people do: columns are found by the hidden key row (so a re-ordered sheet or an extra
column still reads), sheets by the metadata (then by their key row if renamed or re-ordered), blank rows
in the middle are skipped, and cell values are passed on exactly as stored (a number-typed ID stays a
float, a date a date, text keeps its spaces) so the validators can both normalise and *say* what they
changed. Strict where it matters: a file that is not a workbook, not one of our templates, with its
metadata removed or edited, or of a version we cannot read raises `WorkbookError` with a Thai message.

Hostile files are refused before python-calamine parses anything (`check_container`): the zip's central
directory bounds the entry count, the unpacked size and the packing ratio (a zip bomb), each XML part's
prolog may not declare a DOCTYPE or entities (an XML bomb; Excel never writes one), and a sheet whose
declared dimension, or real height, passes `LIMITS.max_rows` is refused with the limit named in Thai.

Speed matters (a 100,000-row roster must validate in at most twice the time calamine needs to read
it), so each sheet is fetched once as a list of lists and each row costs one `itemgetter` call and one
`dict(zip(...))`.
"""

from __future__ import annotations

import gc
import html
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, count
from operator import itemgetter
from typing import IO, Any, Protocol, runtime_checkable

from python_calamine import CalamineError, CalamineWorkbook, PasswordError
from xlsxwriter.utility import xl_col_to_name

from validators.fields import COLUMNS_BY_ROLE, OPTIONAL_KEYS, SHEETS, header_of
from validators.findings import Finding
from workbook_templates import extent
from workbook_templates.errors import (
    COLUMNS_MISSING,
    ENCRYPTED,
    META_MISSING,
    META_TAMPERED,
    NOT_A_TEMPLATE,
    NOT_A_WORKBOOK,
    OTHER_FORMAT,
    PREVIOUS_TAMPERED,
    SHEET_MISSING,
    TOO_LARGE,
    TOO_MANY_ROWS,
    TOO_WIDE,
    UNSAFE_XML,
    VERSION_UNSUPPORTED,
    workbook_error,
)
from workbook_templates.meta import (
    META_SHEET,
    PREVIOUS_KEYS,
    PREVIOUS_SHEET,
    MetaProblem,
    TemplateMeta,
    parse_meta,
    previous_digest,
)


@runtime_checkable
class OpenWorkbook(Protocol):
    """A workbook already open, with the slice of calamine's interface the reader uses.

    Why: the add-in holds the clerk's Book as value grids, not as a file; handing those grids in through
    this interface lets it read (and `check_file`) exactly as `lec validate` and the server do.
    """

    sheet_names: list[str]

    def get_sheet_by_name(self, name: str) -> Any: ...

    def close(self) -> None: ...


Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes] | OpenWorkbook
Row = tuple[int, dict[str, Any]]
KEY_SCAN_ROWS = 30
"""How far down a sheet to look for its key row when it is not where the metadata says."""


@dataclass(slots=True)
class SheetRows:
    """The rows of one data sheet: `(excel_row, {key: raw value})`, blank rows left out.

    `columns` maps each key to its 0-based column in *this* file, so findings can name the cell a clerk
    sees (`นักเรียน!C17`) even when columns were moved.
    """

    role: str
    name: str
    columns: dict[str, int]
    rows: list[Row] = field(default_factory=list)

    # A SheetRows is also the sequence of its rows, so it can go straight into validate_roster().
    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> Row:
        return self.rows[i]

    def cell(self, key: str | None, row: int | None) -> str | None:
        """`นักเรียน!C17` for a key and an Excel row; the sheet name alone (or the row) when one is missing."""
        if row is None:
            return self.name
        if key is None or key not in self.columns:
            return f"{self.name}!{row}:{row}"
        return f"{self.name}!{xl_col_to_name(self.columns[key])}{row}"


@dataclass(slots=True)
class FilledWorkbook:
    """A filled template as read: its metadata, its data sheets by role, the carried previous roster."""

    meta: TemplateMeta
    sheets: dict[str, SheetRows]
    previous: list[dict[str, str | None]] | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def form(self) -> str:
        return self.meta.form


@dataclass(frozen=True, slots=True)
class Limits:
    """What a real filled template stays far below; anything beyond is refused before parsing.

    Measured: a 20,000-row roster unpacks to 19 MB at a ratio of about 10 (about 900 bytes a row), so
    512 MiB holds over half a million rows and a ratio of 100 leaves a tenfold margin for plain data.
    """

    max_parts: int = 1_000
    max_unpacked: int = 512 * 2**20
    max_ratio: float = 100.0
    ratio_floor: int = 4 * 2**20  # small parts may pack tighter (a blank sheet, styles): not a bomb
    max_prolog: int = 64 * 1024
    max_rows: int = 200_000  # data rows of one sheet: twice the largest roster design.md benchmarks
    max_columns: int = 64  # the widest template has 12 columns; a clerk's own notes columns fit easily


LIMITS = Limits()
"""The limits in force (tests replace it with smaller ones)."""

_PROLOG_END = re.compile(rb"<[A-Za-z_]")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"')
_XML_PART = (".xml", ".rels", ".vml")


def _too_many_rows(sheet: str, rows: int, *, at_least: bool = False) -> Exception:
    limit = LIMITS.max_rows
    how = "อย่างน้อย" if at_least else "ประมาณ"  # a count that stopped at the cap is a lower bound
    return workbook_error(
        TOO_MANY_ROWS,
        f"{sheet}: {rows} rows > {limit}",
        f'ชีต "{sheet}" มี{how} {rows:,} แถว ระบบรับได้ไม่เกิน {limit:,} แถวต่อชีต',
    )


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The prolog of one XML part: no DOCTYPE or ENTITY; a worksheet's declared dimension within limits."""
    head = b""
    with zf.open(info) as part:
        while len(head) < LIMITS.max_prolog:
            chunk = part.read(4096)
            if not chunk:
                break
            head += chunk
            if _PROLOG_END.search(head):
                break
    end = _PROLOG_END.search(head)
    prolog = head[: end.start()] if end else head
    if _DECLARATION.search(prolog):
        raise workbook_error(UNSAFE_XML, f"DOCTYPE/ENTITY in {info.filename}", f"DOCTYPE ใน {info.filename}")
    if end is None and info.file_size > len(head):
        raise workbook_error(
            UNSAFE_XML,
            f"no root element in the first {len(head)} bytes of {info.filename}",
            f"ส่วนหัวของ {info.filename} ยาวผิดปกติ",
        )
    if info.filename.startswith("xl/worksheets/"):
        dim = _DIMENSION.search(head)
        if dim and int(dim.group(1)) > LIMITS.max_rows + KEY_SCAN_ROWS:
            raise _too_many_rows(info.filename.rsplit("/", 1)[-1], int(dim.group(1)))


_MAIN_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    b"application/vnd.ms-excel.template.macroEnabled.main+xml",
)
_MAIN_OVERRIDE = re.compile(
    rb'<Override\b[^>]*?PartName="/xl/workbook\.xml"[^>]*?ContentType="([^"]*)"'
    rb'|<Override\b[^>]*?ContentType="([^"]*)"[^>]*?PartName="/xl/workbook\.xml"'
)
_SST_COUNT = re.compile(rb'\b(?:count|uniqueCount)\s*=\s*["\']([0-9]+)["\']')


def _check_parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """An .xlsx and nothing else, with one meaning per part name, and a plausible shared-string table.

    calamine would also read .xls, .xlsb and .ods with none of the guards here. Two entries of one name
    would let the checks read one copy and calamine the other. A shared-string table that claims
    billions of strings makes calamine reserve memory for them before reading one (96 GB, measured).
    """
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise workbook_error(NOT_A_WORKBOOK, "duplicate part names")
    if "mimetype" in names and zf.read("mimetype")[:100].startswith(b"application/vnd.oasis.opendocument"):
        raise workbook_error(OTHER_FORMAT, "OpenDocument (.ods)", "ไฟล์ OpenDocument (.ods)")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise workbook_error(NOT_A_WORKBOOK, "not an .xlsx package (no xl/workbook.xml or content types)")
    types = zf.read("[Content_Types].xml")[: LIMITS.max_prolog * 16]
    main = _MAIN_OVERRIDE.search(types)
    if not main or (main.group(1) or main.group(2)) not in _MAIN_TYPES:
        raise workbook_error(NOT_A_WORKBOOK, "xl/workbook.xml is not declared as a spreadsheet")
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml"):
            with zf.open(info) as part:
                head = part.read(4096)
            counts = [int(c) for c in _SST_COUNT.findall(head)]
            plausible = max(info.file_size // 4, 1) + LIMITS.max_rows * LIMITS.max_columns
            if any(c > plausible for c in counts):
                raise workbook_error(
                    TOO_LARGE,
                    f"{info.filename} claims {max(counts)} strings",
                    f"ตารางข้อความอ้างว่ามี {max(counts):,} รายการ",
                )


_REL = re.compile(r'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"')
_REL_REVERSED = re.compile(r'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"')
_SHEET_ENTRY = re.compile(r'<sheet\b[^>]*?\bname="([^"]+)"[^>]*?\br:id="([^"]+)"')


def _visible_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> the sheet name a clerk sees, so a refusal names "นักเรียน", not "sheet2.xml".

    Best effort from two small parts (their prologs were checked already); any oddity leaves the part name.
    """
    try:
        book = zf.read("xl/workbook.xml")[: LIMITS.max_prolog * 16].decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels")[: LIMITS.max_prolog * 16].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = dict(_REL.findall(rels)) | {rid: t for t, rid in _REL_REVERSED.findall(rels)}
    out = {}
    for name, rid in _SHEET_ENTRY.findall(book):
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[part] = html.unescape(name)
    return out


def _check_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str) -> None:
    """The cells' real extent, measured before calamine allocates its dense rectangle (see `extent`)."""
    rows_cap = LIMITS.max_rows + KEY_SCAN_ROWS
    with zf.open(info) as part:
        found = extent.measure(part, give_up_rows=rows_cap, give_up_columns=LIMITS.max_columns)
    if found.rows > rows_cap:
        raise _too_many_rows(sheet, found.rows, at_least=True)
    if found.columns > LIMITS.max_columns:
        last, cap = xl_col_to_name(found.columns - 1), xl_col_to_name(LIMITS.max_columns - 1)
        raise workbook_error(
            TOO_WIDE,
            f"{sheet}: a cell in column {last} > {cap}",
            f'ชีต "{sheet}" มีข้อมูลถึงเซลล์ {last}{found.rows} (คอลัมน์ที่ {found.columns:,}) แบบฟอร์มใช้ไม่เกินคอลัมน์ {cap}',
        )


def check_container(source: Source) -> None:
    """Refuse what calamine must never parse: anything but an .xlsx zip, zip bombs, XML bombs, far cells.

    Reads the central directory, the first few kilobytes of each XML part and streams each part once for
    its cells' extent (`extent.measure`), so calamine's dense load can never be asked for more than the
    limits allow. Only .xlsx passes: calamine would also read .xls, .xlsb and .ods, with none of these
    guards. A seekable stream is rewound afterwards.
    """
    start = 0
    if isinstance(source, (bytes, bytearray, memoryview)):
        handle: Any = io.BytesIO(bytes(source))
        head = bytes(source[:8])
    elif isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            head = fh.read(8)
        handle = os.fspath(source)
    else:
        if not source.seekable():
            source = io.BytesIO(source.read())
        start = source.tell()
        head = source.read(8)
        source.seek(start)
        handle = source
    if not head.startswith(b"PK"):
        _refuse_not_zip(handle, head)
    try:
        with zipfile.ZipFile(handle) as zf:
            infos = zf.infolist()
            if len(infos) > LIMITS.max_parts:
                raise workbook_error(
                    TOO_LARGE,
                    f"{len(infos)} parts > {LIMITS.max_parts}",
                    f"มีส่วนประกอบ {len(infos):,} ส่วน เกิน {LIMITS.max_parts:,}",
                )
            total = sum(i.file_size for i in infos)
            if total > LIMITS.max_unpacked:
                raise workbook_error(
                    TOO_LARGE,
                    f"unpacks to {total} bytes > {LIMITS.max_unpacked}",
                    f"ขยายแล้ว {total / 2**20:,.0f} MB เกิน {LIMITS.max_unpacked / 2**20:,.0f} MB",
                )
            for info in infos:
                ratio = info.file_size / max(1, info.compress_size)
                if info.file_size > LIMITS.ratio_floor and ratio > LIMITS.max_ratio:
                    raise workbook_error(
                        TOO_LARGE,
                        f"{info.filename} packed {ratio:.0f}:1",
                        f"ส่วน {info.filename} ถูกบีบอัดไว้ {ratio:,.0f} เท่า",
                    )
            _check_parts(zf, infos)
            for info in infos:
                if info.filename.lower().endswith(_XML_PART):
                    _check_part(zf, info)
            names = _visible_names(zf)
            for info in infos:  # every part: a relationship may name any part as a worksheet
                _check_extent(zf, info, names.get(info.filename, info.filename.rsplit("/", 1)[-1]))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        ValueError,
        zlib.error,
        OSError,
        RuntimeError,
    ) as exc:  # RuntimeError: an encrypted zip entry; OSError: a corrupt stream
        raise workbook_error(NOT_A_WORKBOOK, f"{type(exc).__name__}: {exc}") from None
    finally:
        if not isinstance(source, (bytes, bytearray, memoryview, str, os.PathLike)):
            source.seek(start)


_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def _refuse_not_zip(handle: Any, head: bytes) -> None:
    """Say why a file that is not a zip is not a template: password-protected, an old .xls, or neither."""
    if head == _OLE_MAGIC:
        if isinstance(handle, str):
            with open(handle, "rb") as fh:
                body = fh.read()
        else:
            body = handle.read()
            handle.seek(0)
        if _ENCRYPTION_STREAM in body:
            raise workbook_error(ENCRYPTED, "password protected")
        raise workbook_error(OTHER_FORMAT, "an OLE file (.xls)", "ไฟล์ Excel รุ่นเก่า (.xls)")
    raise workbook_error(NOT_A_WORKBOOK, "not a zip")


def open_workbook(source: Source, *, checked: bool = False) -> CalamineWorkbook:
    """Open with calamine, turning every way of not being a workbook into one Thai error.

    `checked`: this very source already passed `check_container` (a second handle on the same file)."""
    if isinstance(source, OpenWorkbook):
        return source  # type: ignore[return-value]  # already open: same interface
    if isinstance(source, (bytes, bytearray, memoryview)) and not len(source):
        raise workbook_error(NOT_A_WORKBOOK, "empty file")
    if not checked:
        check_container(source)
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            return CalamineWorkbook.from_filelike(io.BytesIO(bytes(source)))
        if isinstance(source, (str, os.PathLike)):
            return CalamineWorkbook.from_path(os.fspath(source))
        return CalamineWorkbook.from_filelike(source)
    except PasswordError:
        raise workbook_error(ENCRYPTED, "password protected") from None
    except OSError:
        if isinstance(source, (str, os.PathLike)):
            raise  # a missing or unreadable path is the caller's to report (the CLI says so in Thai)
        raise workbook_error(NOT_A_WORKBOOK, "unreadable stream") from None
    except Exception as exc:  # calamine raises several unrelated types for a bad zip/xml/format
        raise workbook_error(NOT_A_WORKBOOK, f"{type(exc).__name__}: {exc}") from None


def _sheet(wb: CalamineWorkbook, name: str, nrows: int | None = None) -> list[list[Any]]:
    sheet = wb.get_sheet_by_name(name)
    if nrows is None:
        if sheet.height > LIMITS.max_rows + KEY_SCAN_ROWS:  # the dimension lied, or there was none
            raise _too_many_rows(name, sheet.height)
        return sheet.to_python(skip_empty_area=False)
    return sheet.to_python(skip_empty_area=False, nrows=nrows)


def _key_index(row: Sequence[Any]) -> dict[str, int]:
    """Key -> column index of a key row (first occurrence wins)."""
    out: dict[str, int] = {}
    for i, v in enumerate(row):
        if isinstance(v, str) and v.strip():
            out.setdefault(v.strip(), i)
    return out


def _find_key_row(data: Sequence[Sequence[Any]], expected: int, keys: Sequence[str], *, partial: bool) -> int | None:
    """0-based index of the row that holds the keys: the expected row, else the first that matches.

    With `partial`, a row holding at least two of the keys counts (the sheet is the right one but a
    column was damaged: the caller then names the missing columns); otherwise all keys must be there.
    """
    need = set(keys)
    candidates = [expected - 1, *range(min(KEY_SCAN_ROWS, len(data)))]
    best: tuple[int, int] | None = None
    for i in candidates:
        if 0 <= i < len(data):
            found = len(need & _key_index(data[i]).keys())
            if found == len(need):
                return i
            if partial and found >= 2 and (best is None or found > best[1]):
                best = (i, found)
    return best[0] if best else None


def _looks_like_ours(wb: CalamineWorkbook) -> bool:
    """Whether a workbook without metadata is one of our templates (so: metadata deleted, not foreign)."""
    ours = {n for sheets in SHEETS.values() for n in sheets.values()}
    if ours & set(wb.sheet_names):
        return True
    for name in wb.sheet_names:
        try:
            head = _sheet(wb, name, KEY_SCAN_ROWS)
        except Exception:
            continue
        for row in head:
            keys = _key_index(row)
            if {"citizen_id", "first_name"} <= keys.keys() or "other_school_code" in keys:
                return True
    return False


def read_meta(wb: CalamineWorkbook) -> TemplateMeta:
    """The metadata of an opened workbook, or the Thai error that says why there is none."""
    if META_SHEET not in wb.sheet_names:
        if _looks_like_ours(wb):
            raise workbook_error(META_MISSING, "metadata sheet missing")
        raise workbook_error(NOT_A_TEMPLATE, "no metadata sheet and no key row")
    try:
        return parse_meta(_sheet(wb, META_SHEET))
    except MetaProblem as p:
        if p.kind == "version":
            raise workbook_error(VERSION_UNSUPPORTED, p.detail, p.detail_th) from None
        raise workbook_error(META_TAMPERED, p.detail, p.detail_th) from None


def _locate_sheet(wb: CalamineWorkbook, meta: TemplateMeta, role: str) -> tuple[str, list[list[Any]], int]:
    """Find a role's sheet (by metadata name, else by its key row) -> (name, data, key row index)."""
    keys = [c.key for c in COLUMNS_BY_ROLE[(meta.form, role)]]
    expected = meta.sheets.get(role, SHEETS[meta.form][role])
    names = [expected] if expected in wb.sheet_names else []
    names += [n for n in wb.sheet_names if n not in names and n not in (META_SHEET, PREVIOUS_SHEET)]
    for name in names:
        data = _sheet(wb, name) if name == expected else _sheet(wb, name, KEY_SCAN_ROWS)
        k = _find_key_row(data, meta.key_row, keys, partial=name == expected)
        if k is None:
            continue
        if name != expected:
            data = _sheet(wb, name)
        return name, data, k
    raise workbook_error(SHEET_MISSING, f"sheet for role {role} ({expected})", f'"{expected}"')


def read_rows(data: Sequence[Sequence[Any]], key_row: int, keys: Sequence[str]) -> tuple[dict[str, int], list[Row]]:
    """Rows under the header (the row after `key_row`), as `(excel_row, {key: value})`.

    Empty cells (calamine gives "") become None; a row whose cells are all empty or spaces is skipped.
    Other values are kept exactly as stored. The blank-row test and the column pick run in C (map,
    itemgetter, compress); Python code runs once per kept row.
    """
    index = _key_index(data[key_row])
    columns = {k: index[k] for k in keys if k in index}
    present = tuple(k for k in keys if k in columns)
    n = len(present)
    if not n:
        return columns, []
    width = max(columns.values()) + 1
    body = data[key_row + 2 :]
    if body and min(map(len, body)) < width:  # calamine's rows are rectangular; other producers may not be
        body = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in body]
    pick = itemgetter(*(columns[k] for k in present))
    values: list[tuple[Any, ...]] = list(map(pick, body)) if n > 1 else [(v,) for v in map(pick, body)]
    empty = ("",) * n
    keep = list(map(empty.__ne__, values))
    out: list[Row] = []
    append = out.append
    for excel_row, vals in zip(compress(count(key_row + 3), keep), compress(values, keep), strict=True):
        if "" in vals:
            first = vals[0]
            if type(first) is str and not first.strip() and all(type(v) is str and not v.strip() for v in vals):
                continue  # only spaces
            append((excel_row, {k: (None if v == "" else v) for k, v in zip(present, vals, strict=True)}))
        else:
            append((excel_row, dict(zip(present, vals, strict=True))))
    return columns, out


Previous = list[dict[str, str | None]]


def _read_previous(wb: CalamineWorkbook, meta: TemplateMeta) -> tuple[Previous | None, list[Finding]]:
    """The previous roster carried in the template, if any and if unedited."""
    if not meta.previous_count:
        return None, []
    problem = [PREVIOUS_TAMPERED.finding(None)]
    if PREVIOUS_SHEET not in wb.sheet_names:
        return None, problem
    data = _sheet(wb, PREVIOUS_SHEET)
    table: list[tuple[str, ...]] = []
    for row in data[1:]:
        cells = tuple("" if v in ("", None) else (str(int(v)) if isinstance(v, float) else str(v)) for v in row)
        cells = (cells + ("",) * len(PREVIOUS_KEYS))[: len(PREVIOUS_KEYS)]
        if any(cells):
            table.append(cells)
    if len(table) != meta.previous_count or previous_digest(table) != meta.previous_digest:
        return None, problem
    return [{k: (v or None) for k, v in zip(PREVIOUS_KEYS, row, strict=True)} for row in table], []


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of cells become Python objects.

    Nothing here creates reference cycles, and the collector's repeated passes over the growing heap
    were a third of the reader's time at 100,000 rows. Process-wide: it is re-enabled only by the call
    that disabled it, so nested or concurrent uses are harmless.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_workbook(source: Source) -> FilledWorkbook:
    """Read a filled template: metadata first (strict), then every data sheet by its key row (tolerant)."""
    with gc_paused():
        try:
            return _read_workbook(source)
        except CalamineError as exc:  # a damaged part inside a valid zip: say so, never a traceback
            raise workbook_error(NOT_A_WORKBOOK, f"{type(exc).__name__}: {exc}") from None


def _read_role(wb: CalamineWorkbook, meta: TemplateMeta, role: str) -> SheetRows:
    cols = COLUMNS_BY_ROLE[(meta.form, role)]
    name, data, key_row = _locate_sheet(wb, meta, role)
    columns, rows = read_rows(data, key_row, [c.key for c in cols])
    missing = [c for c in cols if c.key not in columns and c.key not in OPTIONAL_KEYS]
    if missing:
        heads = ", ".join(header_of(c.key) for c in missing)
        raise workbook_error(COLUMNS_MISSING, f"{name}: {', '.join(c.key for c in missing)}", f'"{name}" ({heads})')
    return SheetRows(role, name, columns, rows)


Side = tuple[dict[str, SheetRows], "Previous | None", list[Finding]]


def _read_side(wb: CalamineWorkbook, meta: TemplateMeta, roles: Sequence[str]) -> Side:
    """The secondary sheets: the removed-children register and the carried previous roster."""
    sheets = {role: _read_role(wb, meta, role) for role in roles}
    previous, findings = _read_previous(wb, meta) if meta.form != "other" else (None, [])
    return sheets, previous, findings


def _read_side_separately(source: Source, meta: TemplateMeta, roles: Sequence[str]) -> Side:
    # the main handle's check_container measured this file: scanning every part again here cost the
    # whole extent scan a second time, on the GIL the roster's rows are being built under
    wb = open_workbook(source, checked=True)
    try:
        return _read_side(wb, meta, roles)
    finally:
        wb.close()


def _read_workbook(source: Source) -> FilledWorkbook:
    wb = open_workbook(source)
    try:
        meta = read_meta(wb)
        main_role, *side_roles = SHEETS[meta.form]
        side_roles = [r for r in side_roles if r in meta.sheets]  # an older template lacks a newer sheet
        if (side_roles or meta.previous_count) and isinstance(source, (str, os.PathLike, bytes, bytearray)):
            # python-calamine releases the GIL while it parses: read the register (its prepared rows are
            # formulas, a megabyte of XML) on a second handle while this thread parses the roster.
            with ThreadPoolExecutor(max_workers=1) as pool:
                side = pool.submit(_read_side_separately, source, meta, side_roles)
                main = _read_role(wb, meta, main_role)
                sheets, previous, findings = side.result()
        else:
            main = _read_role(wb, meta, main_role)
            sheets, previous, findings = _read_side(wb, meta, side_roles)
        return FilledWorkbook(meta, {main_role: main, **sheets}, previous, findings)
    finally:
        wb.close()
