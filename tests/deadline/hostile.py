"""A corpus of hostile workbooks, made from one good filled template as an attacker would make them.

Every entry is `(name, bytes)`. Each must be refused with a 4xx by the server and exit 1 from
`lec validate`, and none may take either down. Families: far sparse cells (the 78 GB dense load that
aborted the server), lying or absent dimensions, cells and rows without references, namespace
prefixes, shared-string and style bombs, deep XML, entity bombs, broken UTF-8, wrong or missing
content types and relationships, thousands of parts, giant cells, nested zips, lying zip headers,
encrypted and foreign formats, and plain garbage.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterator

ROSTER = "xl/worksheets/sheet2.xml"
META_PART = "xl/worksheets/sheet5.xml"
FIRST_NAME = re.compile(rb'<c r="C5"[^>]*?(?:/>|>.*?</c>)', re.S)


def in_first_name(xml: bytes, inner: bytes, t: bytes = b"inlineStr") -> bytes:
    """The first pupil's first name (C5) replaced by `inner` (the XML inside the cell)."""
    cell = b'<c r="C5" t="' + t + b'">' + inner + b"</c>"
    out, n = FIRST_NAME.subn(lambda _m: cell, xml, count=1)
    assert n == 1, "the roster has a first pupil"
    return out


Entry = tuple[str, bytes]


def rezip(data: bytes, change: dict[str, Callable[[bytes], bytes] | bytes | None] | None = None, *,
          extra: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
          method: int = zipfile.ZIP_DEFLATED) -> bytes:  # fmt: skip
    """The workbook with parts rewritten (a function of the old body, or new bytes), added or dropped."""
    change = change or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = src.read(info)
            new = change.get(info.filename, body)
            body = new(body) if callable(new) else (body if new is None else new)
            dst.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _sheet_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _append_cells(xml: bytes, rows: bytes, *, keep_dimension: bool = False) -> bytes:
    if not keep_dimension:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
    if b"</sheetData>" in xml:
        return xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return xml.replace(b"<sheetData/>", b"<sheetData>" + rows + b"</sheetData>", 1)


def _cell(ref: str, text: str = "x") -> bytes:
    row = re.sub(r"[A-Z]+", "", ref)
    return f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'.encode()


FAR_REFS = (
    "XFE5",
    "A1048577",
"XFD150000", "XFD1", "A1048576", "XFD1048576", "BM5", "ZZ70000", "AAA3", "A250000", "IV65536",
            "BZ200000")  # fmt: skip


def far_cells(good: bytes) -> Iterator[Entry]:
    """One far cell in each sheet, with the dimension removed, or kept and lying small."""
    for part in _sheet_parts(good):
        sheet = part.rsplit("/", 1)[-1]
        for ref in FAR_REFS:
            yield f"far-{ref}-{sheet}", rezip(good, {part: lambda x, r=ref: _append_cells(x, _cell(r))})
            yield f"far-lying-dimension-{ref}-{sheet}", rezip(good, {part: lambda x, r=ref: _lying(x, r)})


def _lying(xml: bytes, ref: str) -> bytes:
    grown = _append_cells(xml, _cell(ref), keep_dimension=True)
    return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', grown)


def unreferenced(good: bytes) -> Iterator[Entry]:
    """Cells and rows without `r`: calamine places them one after another, so width comes from the count."""
    for n in (65, 300, 16384):
        cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * n
        yield (
            f"no-ref-wide-row-{n}",
            rezip(good, {ROSTER: lambda x, c=cells: _append_cells(x, b"<row>" + c + b"</row>")}),
        )
    for n in (70, 2000):
        cells = b"<c><v>1</v></c>" * n
        far_row = b'<row r="150000">' + cells + b"</row>"
        yield f"no-ref-far-row-{n}", rezip(good, {ROSTER: lambda x, c=far_row: _append_cells(x, c)})
    yield "no-ref-many-rows", rezip(good, {ROSTER: lambda x: _append_cells(x, b"<row><c><v>1</v></c></row>" * 250_000)})
    yield (
        "single-quoted-far-ref",
        rezip(good, {ROSTER: lambda x: _append_cells(x, b"<row r='9'><c r='XFD9'><v>1</v></c></row>")}),
    )
    yield (
        "lowercase-far-ref",
        rezip(good, {ROSTER: lambda x: _append_cells(x, b'<row r="9"><c r="xfd9"><v>1</v></c></row>')}),
    )
    yield (
        "attribute-after-far-ref",
        rezip(good, {ROSTER: lambda x: _append_cells(x, b'<row r="9"><c s="0" r="XFD9"><v>1</v></c></row>')}),
    )
    yield (
        "whitespace-far-ref",
        rezip(good, {ROSTER: lambda x: _append_cells(x, b'<row r="9"><c\n r="XFD9"><v>1</v></c></row>')}),
    )
    yield (
        "row-ref-far-cell-near",
        rezip(good, {ROSTER: lambda x: _append_cells(x, b'<row r="999999"><c><v>1</v></c></row>')}),
    )


def prefixed(good: bytes) -> Iterator[Entry]:
    """The same far cell written with a namespace prefix, which a naive `<c r=` scan would miss."""
    ns = b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    for ref in ("XFD150000", "AAA1", "A999999"):
        row = re.sub(r"[A-Z]+", "", ref).encode()
        cell = b"<x:row" + ns + b' r="' + row + b'"><x:c r="' + ref.encode() + b'"><x:v>1</x:v></x:c></x:row>'
        yield f"prefixed-{ref}", rezip(good, {ROSTER: lambda x, c=cell: _append_cells(x, c)})


def dimensions(good: bytes) -> Iterator[Entry]:
    for ref in ("A1:XFD1048576", "A1:L2000004", "A1:L99999999999", "A1:L300000", "B2:C9999999"):
        yield f"dimension-{ref or 'empty'}", rezip(good, {ROSTER: lambda x, r=ref: re.sub(
            rb'<dimension ref="[^"]*"', f'<dimension ref="{r}"'.encode(), x)})  # fmt: skip


def shared_strings(good: bytes) -> Iterator[Entry]:
    """Shared-string bombs: lying counts, an index far past the table, tables of millions of strings."""
    sst = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    ct = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
          b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')  # fmt: skip
    rel = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'relationships/sharedStrings" Target="sharedStrings.xml"/>')  # fmt: skip

    def with_sst(body: bytes, value: bytes = b"<v>0</v>") -> bytes:
        """The table added, and the first pupil's first name pointing into it."""
        changes: dict[str, Callable[[bytes], bytes] | bytes | None] = {
            "[Content_Types].xml": lambda x: x.replace(b"</Types>", ct + b"</Types>"),
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel + b"</Relationships>"),
            ROSTER: lambda x: in_first_name(x, value, b"s"),
        }
        return rezip(good, changes, extra={"xl/sharedStrings.xml": body})

    bad = "ก\u2066".encode()  # a name with a bidi isolate: refused once read
    one = b'count="1" uniqueCount="1"><si><t>' + bad + b"</t></si></sst>"
    yield "sst-count-lies", with_sst(sst + b'count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>')
    yield "sst-unique-lies", with_sst(sst + b'count="1" uniqueCount="900000000"><si><t>a</t></si></sst>')
    for idx in ("4000000000", "99999999999999999999", "-1", "2147483648", "1"):
        yield f"sst-index-{idx}", with_sst(sst + one, f"<v>{idx}</v>".encode())
    for n in (200_000, 1_500_000):
        yield f"sst-many-{n}", with_sst(sst + b"><si><t>" + bad + b"</t></si>" + b"<si><t>a</t></si>" * n + b"</sst>")
    yield "sst-rich-runs", with_sst(sst + b"><si>" + b"<r><t>" + bad + b"</t></r>" * 400_000 + b"</si></sst>")
    deep = b"<r>" * 50_000 + b"<t>" + bad + b"</t>" + b"</r>" * 50_000
    yield "sst-deep", with_sst(sst + b"><si>" + deep + b"</si></sst>")
    yield (
        "sst-entities",
        with_sst(
            b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst><si><t>&b;</t></si></sst>'
        ),
    )
    yield "sst-broken-utf8", with_sst(sst + b"><si><t>\xe0\xb8\xff\xfe</t></si></sst>")


def styles(good: bytes) -> Iterator[Entry]:
    """Style bombs: millions of formats, and cells pointing at formats that do not exist."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    for n in (300_000, 2_000_000):
        head = b'<cellXfs count="' + str(n).encode() + b'">' + xf * n
        yield (
            f"style-bomb-{n}",
            rezip(good, {"xl/styles.xml": lambda x, h=head: re.sub(rb"<cellXfs[^>]*>", h, x, count=1)}),
        )
    for style in ("99999999", "-5", "abc"):
        row = f'<row r="7"><c r="A7" s="{style}"><v>1</v></c></row>'.encode()
        yield f"style-index-{style}", rezip(good, {ROSTER: lambda x, r=row: _append_cells(x, r, keep_dimension=True)})


def deep_and_entities(good: bytes) -> Iterator[Entry]:
    """Deeply nested XML, entity bombs in every part that is parsed, an external entity, a long prolog."""
    for depth in (10_000, 200_000):
        deep = b"<is>" + b"<r>" * depth + "<t>ก\u2066</t>".encode() + b"</r>" * depth + b"</is>"
        yield f"deep-inline-{depth}", rezip(good, {ROSTER: lambda x, d=deep: in_first_name(x, d)})
    lol = [b'<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode() for i in range(1, 10)
    ]
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [' + b"".join(lol) + b"]>"
    for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", ROSTER, "xl/_rels/workbook.xml.rels"):
        bomb = lambda x, h=laughs: h + re.sub(rb"^<\?xml[^>]*\?>", b"", x)  # noqa: E731
        yield f"billion-laughs-{part.replace('/', '_')}", rezip(good, {part: bomb})
    external = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    yield "external-entity", rezip(good, {ROSTER: lambda x: external + re.sub(rb"^<\?xml[^>]*\?>", b"", x)})
    yield "long-prolog", rezip(good, {ROSTER: lambda x: b"<!--" + b"x" * 200_000 + b"-->" + x})


def broken_text(good: bytes) -> Iterator[Entry]:
    """Bytes that are not UTF-8 in a name and in the sheet names; text parts that are not XML at all."""
    junks = (b"\xff\xfe", b"\xe0\xb8", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00", b"\xf8\x88\x80\x80\x80")
    for i, junk in enumerate(junks):
        name = b"<is><t>ab" + junk + b"</t></is>"
        yield f"broken-utf8-{i}-name", rezip(good, {ROSTER: lambda x, n=name: in_first_name(x, n)})
        sheet = lambda x, j=junk: re.sub(rb'(<sheet name=")', rb"\1" + j, x)  # noqa: E731
        yield f"broken-utf8-{i}-sheet-names", rezip(good, {"xl/workbook.xml": sheet})
    utf16 = lambda x: x.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")  # noqa: E731
    yield "utf16-sheet", rezip(good, {ROSTER: utf16})
    yield "truncated-sheet-xml", rezip(good, {ROSTER: lambda x: x[: len(x) // 2]})
    yield "sheet-not-xml", rezip(good, {ROSTER: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100})
    yield "empty-sheet-part", rezip(good, {ROSTER: b""})


def structure(good: bytes) -> Iterator[Entry]:
    """Content types, relationships and parts that lie about what the file is."""
    for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", ROSTER, META_PART):
        yield f"without-{part.replace('/', '_')}", rezip(good, drop=(part,))
    targets = ("../../../../etc/passwd", "/etc/passwd", "styles.xml", "worksheets/nope.xml", "http://evil.example/x",
               "worksheets/sheet2.xml#x", "C:\\Windows\\win.ini", "")  # fmt: skip
    for target in targets:
        retarget = lambda x, t=target: x.replace(b'Target="worksheets/sheet2.xml"', f'Target="{t}"'.encode())  # noqa: E731
        yield f"rel-target-{target[:20]}", rezip(good, {"xl/_rels/workbook.xml.rels": retarget})
    main = b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
    for ctype in ("application/vnd.ms-excel.sheet.binary.macroEnabled.main", "application/vnd.oasis.opendocument.spreadsheet",
                  "text/html", ""):  # fmt: skip
        retype = lambda x, c=ctype: x.replace(main, f'ContentType="{c}"'.encode())  # noqa: E731
        yield f"content-type-{ctype[-12:] or 'empty'}", rezip(good, {"[Content_Types].xml": retype})
    yield "workbook-as-xlsb", rezip(good, drop=("xl/workbook.xml",), extra={"xl/workbook.bin": b"\x83\x01\x00"})
    ods = (b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
           b'<table:table table:name="a"><table:table-row table:number-rows-repeated="1048576">'
           b'<table:table-cell table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell>'
           b"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    yield "ods-renamed", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": ods})
    yield "thousand-sheets", _many_sheets(good, 990)
    yield "too-many-parts", rezip(good, extra={f"xl/media/p{i}.bin": b"" for i in range(1200)})
    yield "duplicate-entries", _zip([("xl/workbook.xml", b"<a/>")] * 2 + list(_parts(good)))


def _parts(data: bytes) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            yield info.filename, z.read(info)


def _zip(parts: dict[str, bytes] | list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    items = parts.items() if isinstance(parts, dict) else parts
    with zipfile.ZipFile(out, "w", method) as z:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names are the point of one entry
            for name, body in items:
                z.writestr(name, body)
    return out.getvalue()


def _many_sheets(good: bytes, n: int) -> bytes:
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    entries = "".join(f'<sheet name="s{i}" sheetId="{100 + i}" r:id="rIdX{i}"/>' for i in range(n)).encode()
    rels = "".join(f'<Relationship Id="rIdX{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/x{i}.xml"/>' for i in range(n)).encode()  # fmt: skip
    return rezip(good, {
        "xl/workbook.xml": lambda x: x.replace(b"</sheets>", entries + b"</sheets>"),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rels + b"</Relationships>"),
    }, extra={f"xl/worksheets/x{i}.xml": sheet for i in range(n)})  # fmt: skip


def giant(good: bytes) -> Iterator[Entry]:
    """Giant cells: a name of megabytes, random (incompressible) and repetitive; a sheet of spaces."""
    import random

    for size in (40_000, 2_000_000, 30_000_000):
        text = b"<is><t>" + ("ก" * (size // 3)).encode() + b"</t></is>"
        yield f"giant-cell-{size}", rezip(good, {ROSTER: lambda x, t=text: in_first_name(x, t)})
    noise = b"<is><t>" + random.Random(7).randbytes(3_000_000).hex().encode() + b"</t></is>"
    yield "giant-random-cell", rezip(good, {ROSTER: lambda x: in_first_name(x, noise)})
    padding = b" " * 120_000_000
    yield "zero-padding-bomb", rezip(good, {ROSTER: lambda x: x.replace(b"</worksheet>", padding + b"</worksheet>")})


def zips(good: bytes) -> Iterator[Entry]:
    """Nested zips, lying headers, encryption flags, stored parts, garbage and foreign formats."""
    yield "zip-in-zip", _zip({"inner.xlsx": good})
    yield "zip-in-part", rezip(good, {ROSTER: good})
    yield "nested-three", _zip({"a.zip": _zip({"b.zip": _zip({"c.xlsx": good})})})
    yield "lying-sizes", _lie_sizes(good)
    yield "encrypted-flag", _flag_encrypted(good)
    yield "cut-in-half", good[: len(good) // 2]
    yield "cut-central-directory", good[:-30]
    yield "prepended-garbage", b"MZ" + b"\x00" * 4000 + good
    yield "empty", b""
    yield "one-byte", b"P"
    yield "pk-only", b"PK\x03\x04"
    yield "random", bytes(range(256)) * 64
    yield "html", b"<html><body><table><tr><td>1</td></tr></table></body></html>"
    yield "csv", "citizen_id,first_name\n1101700203451,สมชาย\n".encode()
    yield "ole-xls", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4088
    yield "ole-encrypted", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 1000 + "EncryptionInfo".encode("utf-16-le")
    yield "deflate64-method", _method(good, 9)
    yield "bzip2-method", _method(good, 12)
    yield "unknown-method", _method(good, 99)


def _entries(data: bytes) -> Iterator[int]:
    """Offsets of central-directory headers."""
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        yield i
        i = data.find(b"PK\x01\x02", i + 4)


def _lie_sizes(good: bytes) -> bytes:
    """Every central-directory entry says its part unpacks to 10 bytes (the real sizes are much larger)."""
    data = bytearray(good)
    for i in _entries(good):
        struct.pack_into("<I", data, i + 24, 10)
    return bytes(data)


def _flag_encrypted(good: bytes) -> bytes:
    data = bytearray(good)
    for i in _entries(good):
        flags = struct.unpack_from("<H", data, i + 8)[0]
        struct.pack_into("<H", data, i + 8, flags | 1)
    return bytes(data)


def _method(good: bytes, method: int) -> bytes:
    data = bytearray(good)
    for i in _entries(good):
        struct.pack_into("<H", data, i + 10, method)
    return bytes(data)


def corpus(good: bytes) -> list[Entry]:
    """Every hostile file, made from `good` (a filled template of the unit the test uploads as)."""
    families = (far_cells, unreferenced, prefixed, dimensions, shared_strings, styles, deep_and_entities, broken_text,
                structure, giant, zips)  # fmt: skip
    out = [entry for family in families for entry in family(good)]
    names = [n for n, _ in out]
    assert len(names) == len(set(names)), "corpus names are unique"
    return out
