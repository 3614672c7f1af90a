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
    for ref in ("A1:XFD1048576", "A1:L2000004", "A1:L99999999999", "A1:ZZZZ5", "junk", "A1:L-5", ""):
        yield f"dimension-{ref or 'empty'}", rezip(good, {ROSTER: lambda x, r=ref: re.sub(
            rb'<dimension ref="[^"]*"', f'<dimension ref="{r}"'.encode(), x)})  # fmt: skip


def shared_strings(good: bytes) -> Iterator[Entry]:
    """Shared-string bombs: lying counts, an index far past the table, a table of millions of strings."""
    sst = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    ct = b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    rel = b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'

    def with_sst(body: bytes, cell: bytes = b"") -> bytes:
        return rezip(good, {
            "[Content_Types].xml": lambda x: x.replace(b"</Types>", ct + b"</Types>"),
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel + b"</Relationships>"),
            ROSTER: (lambda x: _append_cells(x, cell, keep_dimension=True)) if cell else None,
        }, extra={"xl/sharedStrings.xml": body})  # fmt: skip

    yield "sst-count-lies", with_sst(sst + b'count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>')
    for idx in ("4000000000", "99999999999999999999", "-1", "2147483648", "1"):
        cell = f'<row r="7"><c r="C7" t="s"><v>{idx}</v></c></row>'.encode()
        yield f"sst-index-{idx}", with_sst(sst + b'count="1" uniqueCount="1"><si><t>a</t></si></sst>', cell)
    for n in (200_000, 1_500_000):
        yield f"sst-many-{n}", with_sst(sst + b">" + b"<si><t>a</t></si>" * n + b"</sst>")
    yield "sst-rich-runs", with_sst(sst + b"><si>" + b"<r><t>a</t></r>" * 400_000 + b"</si></sst>")
    yield "sst-deep", with_sst(sst + b"><si>" + b"<r>" * 50_000 + b"</r>" * 50_000 + b"</si></sst>")
    yield (
        "sst-entities",
        with_sst(
            b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst><si><t>&b;</t></si></sst>'
        ),
    )
    yield (
        "sst-broken-utf8",
        with_sst(sst + b"><si><t>\xe0\xb8\xff\xfe</t></si></sst>", b'<row r="7"><c r="C7" t="s"><v>0</v></c></row>'),
    )


def styles(good: bytes) -> Iterator[Entry]:
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    for n in (300_000, 2_000_000):
        yield f"style-bomb-{n}", rezip(good, {"xl/styles.xml": lambda x, k=n: re.sub(
            rb"<cellXfs[^>]*>", b'<cellXfs count="' + str(k).encode() + b'">' + xf * k, x, count=1)})  # fmt: skip
    for s in ("99999999", "-5", "abc"):
        yield f"style-index-{s}", rezip(good, {ROSTER: lambda x, v=s: _append_cells(
            x, f'<row r="7"><c r="C7" s="{v}"><v>1</v></c></row>'.encode(), keep_dimension=True)})  # fmt: skip
    yield (
        "numfmt-format-bomb",
        rezip(
            good,
            {
                "xl/styles.xml": lambda x: x.replace(
                    b"<numFmts",
                    b'<numFmts count="1"><numFmt numFmtId="200" formatCode="' + b"0" * 2_000_000 + b'"/></numFmts><x',
                    1,
                )
            },
        ),
    )


def deep_and_entities(good: bytes) -> Iterator[Entry]:
    for depth in (10_000, 200_000):
        deep = b"<is>" + b"<r>" * depth + b"<t>x</t>" + b"</r>" * depth + b"</is>"
        yield f"deep-inline-{depth}", rezip(good, {ROSTER: lambda x, d=deep: _append_cells(
            x, b'<row r="7"><c r="C7" t="inlineStr">' + d + b"</c></row>", keep_dimension=True)})  # fmt: skip
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                         for i in range(1, 10)) + b"]>")  # fmt: skip
    for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", ROSTER, "xl/_rels/workbook.xml.rels"):
        yield f"billion-laughs-{part.replace('/', '_')}", rezip(good, {part: lambda x, h=laughs: h + re.sub(
            rb"^<\?xml[^>]*\?>", b"", x)})  # fmt: skip
    yield (
        "external-entity",
        rezip(
            good,
            {
                ROSTER: lambda x: (
                    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM '
                    b'"file:///etc/passwd">]>' + re.sub(rb"^<\?xml[^>]*\?>", b"", x)
                )
            },
        ),
    )
    yield "long-prolog", rezip(good, {ROSTER: lambda x: b"<!--" + b"x" * 200_000 + b"-->" + x})


def broken_text(good: bytes) -> Iterator[Entry]:
    for i, junk in enumerate(
        (b"\xff\xfe", b"\xe0\xb8", b"\xc0\xaf", b"\xed\xa0\x80", b"\x00", b"\xf8\x88\x80\x80\x80")
    ):
        for part in (ROSTER, "xl/workbook.xml", "[Content_Types].xml"):
            yield (
                f"broken-utf8-{i}-{part.replace('/', '_')}",
                rezip(good, {part: lambda x, j=junk: x.replace(b">", b">" + j, 3)}),
            )
    yield (
        "utf16-sheet",
        rezip(good, {ROSTER: lambda x: x.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")}),
    )
    yield "truncated-sheet-xml", rezip(good, {ROSTER: lambda x: x[: len(x) // 2]})
    yield "sheet-not-xml", rezip(good, {ROSTER: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100})
    yield "empty-sheet-part", rezip(good, {ROSTER: b""})


def structure(good: bytes) -> Iterator[Entry]:
    """Content types, relationships and parts that lie about what the file is."""
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        names = z.namelist()
    for part in names:
        yield f"without-{part.replace('/', '_')}", rezip(good, drop=(part,))
    for target in ("../../../../etc/passwd", "/etc/passwd", "styles.xml", "worksheets/nope.xml", "http://evil.example/x",
                   "worksheets/sheet2.xml#x", "C:\\\\Windows\\\\win.ini", ""):  # fmt: skip
        yield f"rel-target-{target[:20]}", rezip(good, {"xl/_rels/workbook.xml.rels": lambda x, t=target: re.sub(
            rb'Target="worksheets/sheet2.xml"', f'Target="{t}"'.encode(), x)})  # fmt: skip
    for ctype in ("application/vnd.ms-excel.sheet.binary.macroEnabled.main", "application/vnd.oasis.opendocument.spreadsheet",
                  "text/html", ""):  # fmt: skip
        yield f"content-type-{ctype[-12:]}", rezip(good, {"[Content_Types].xml": lambda x, c=ctype: re.sub(
            rb'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main\+xml"',
            f'ContentType="{c}"'.encode(), x)})  # fmt: skip
    yield "workbook-as-xlsb", rezip(good, drop=("xl/workbook.xml",), extra={"xl/workbook.bin": b"\x83\x01\x00"})
    yield (
        "ods-renamed",
        _zip(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
                b'<table:table table:name="a"><table:table-row table:number-rows-repeated="1048576">'
                b'<table:table-cell table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell>'
                b"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>",
            }
        ),
    )
    yield (
        "sheet-names-bidi",
        rezip(good, {"xl/workbook.xml": lambda x: x.replace(b'name="', 'name="\u202e\u2066'.encode(), 1)}),
    )
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
    """Giant cells: a name of megabytes, random (incompressible) and repetitive (highly compressible)."""
    import random

    rng = random.Random(7)
    for size in (40_000, 2_000_000, 30_000_000):
        text = "ก" * (size // 3)
        yield f"giant-cell-{size}", rezip(good, {ROSTER: lambda x, t=text: _append_cells(
            x, f'<row r="7"><c r="C7" t="inlineStr"><is><t>{t}</t></is></c></row>'.encode(), keep_dimension=True)})  # fmt: skip
    noise = rng.randbytes(3_000_000).hex()
    yield (
        "giant-random-cell",
        rezip(
            good,
            {
                ROSTER: lambda x: _append_cells(
                    x,
                    f'<row r="7"><c r="C7" t="inlineStr"><is><t>{noise}</t></is></c></row>'.encode(),
                    keep_dimension=True,
                )
            },
        ),
    )
    yield (
        "zero-padding-bomb",
        rezip(good, {ROSTER: lambda x: x.replace(b"</worksheet>", b" " * 120_000_000 + b"</worksheet>")}),
    )


def zips(good: bytes) -> Iterator[Entry]:
    """Nested zips, lying headers, encryption flags, stored parts, garbage and foreign formats."""
    yield "zip-in-zip", _zip({"inner.xlsx": good})
    yield "zip-in-part", rezip(good, {ROSTER: good})
    yield "nested-three", _zip({"a.zip": _zip({"b.zip": _zip({"c.xlsx": good})})})
    yield "stored-parts", rezip(good, method=zipfile.ZIP_STORED)
    yield "lying-sizes", _lie_sizes(good)
    yield "encrypted-flag", _flag_encrypted(good)
    yield "cut-in-half", good[: len(good) // 2]
    yield "cut-central-directory", good[:-30]
    yield "trailing-garbage", good + b"\x00" * 5000
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
