"""The generated vbaProject.bin next to ones Excel wrote, stream by stream and record by record.

The Excel files (tests/addin/data, from XlsxWriter's test suite, BSD licence) are read here with a raw
reader of the compound file (header, FAT, MiniFAT and directory as bytes, so padding and free entries
are visible, which olefile hides) and of the `dir` stream's records. Our project is built with the same
module names as each Excel file, so names, order and texts can be compared one to one.

Differences that are meant, and asserted as such: Excel also stores its compiled performance cache
(`__SRP_n` streams, a long `_VBA_PROJECT`, MODULEOFFSET past the cache) where ours says "no cache"
(`_VBA_PROJECT` version 0xFFFF, MS-OVBA 2.3.4.1), so Excel compiles the source; Excel references the
Office type library too (the module uses nothing from it); Excel writes time stamps on storages (MS-CFB
allows zeros), random cookies and a project version, and its compressor finds shorter matches than the
spec's longest-match search ours follows (both decompress to the same text).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

import olefile
import pytest
from oletools.olevba import decompress_stream

from addin.vbaproject import build_vba_project, cfb, ovba

DATA = Path(__file__).parent / "data"
EXCEL_FILES = ["vbaProject01.bin", "vbaProject03.bin", "vbaProject05.bin"]


# --- a raw reader ---------------------------------------------------------------------------------


@dataclass
class Entry:
    name: str
    kind: int
    colour: int
    left: int
    right: int
    child: int
    clsid: bytes
    state: int
    created: int
    modified: int
    start: int
    size: int
    raw: bytes


@dataclass
class Raw:
    header: dict[str, object]
    fat: list[int]
    minifat: list[int]
    entries: list[Entry]
    ole: olefile.OleFileIO
    sectors: int


def read_raw(data: bytes) -> Raw:
    fields = struct.unpack_from("<8s16sHHHHH6sIIIIIIIII", data, 0)
    names = ["sig", "clsid", "minor", "major", "order", "shift", "mini_shift", "reserved", "n_dir", "n_fat",
             "first_dir", "txn", "cutoff", "first_minifat", "n_minifat", "first_difat", "n_difat"]  # fmt: skip
    header: dict[str, object] = dict(zip(names, fields, strict=True))
    header["difat"] = list(struct.unpack_from("<109I", data, 76))

    def sector(n: int) -> bytes:
        return data[512 * (n + 1) : 512 * (n + 2)]

    fat = [v for s in header["difat"] if s != cfb.FREESECT for v in struct.unpack("<128I", sector(s))]  # type: ignore[attr-defined]

    def chain(first: int) -> bytes:
        out, s = b"", first
        while s != cfb.ENDOFCHAIN:
            out += sector(s)
            s = fat[s]
        return out

    mf = chain(header["first_minifat"])  # type: ignore[arg-type]
    minifat = list(struct.unpack(f"<{len(mf) // 4}I", mf))
    directory = chain(header["first_dir"])  # type: ignore[arg-type]
    entries = []
    for i in range(0, len(directory), 128):
        raw = directory[i : i + 128]
        name_raw, name_len, kind, colour, left, right, child, clsid, state, created, modified, start, size = (
            struct.unpack("<64sHBBIII16sIQQIQ", raw)
        )
        name = name_raw[: max(name_len - 2, 0)].decode("utf-16-le")
        entries.append(Entry(name, kind, colour, left, right, child, clsid, state, created, modified, start, size, raw))
    return Raw(header, fat, minifat, entries, olefile.OleFileIO(data), len(data) // 512 - 1)


def dir_records(ole: olefile.OleFileIO) -> list[tuple[int, bytes]]:
    """The decompressed `dir` stream as (Id, data) records; PROJECTVERSION's Size does not count its data."""
    d = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    out, i = [], 0
    while i < len(d):
        rid, size = struct.unpack_from("<HI", d, i)
        size = 6 if rid == 0x0009 else size
        out.append((rid, d[i + 6 : i + 6 + size]))
        i += 6 + size
    return out


def modules_of(records: list[tuple[int, bytes]]) -> list[tuple[str, int, int]]:
    """(name, MODULETYPE id, MODULEOFFSET) of each module, in the dir stream's order."""
    out: list[tuple[str, int, int]] = []
    name, offset = "", 0
    for rid, data in records:
        if rid == 0x0019:
            name = data.decode("cp1252")
        elif rid == 0x0031:
            (offset,) = struct.unpack("<I", data)
        elif rid in (ovba.MODULE_PROCEDURAL, ovba.MODULE_DOCUMENT):
            out.append((name, rid, offset))
    return out


def source(ole: olefile.OleFileIO, name: str, offset: int) -> str:
    comp = ole.openstream(f"VBA/{name}").read()[offset:]
    return bytes(decompress_stream(bytearray(comp))).decode("cp1252")


# --- the pairs ------------------------------------------------------------------------------------


@dataclass
class Pair:
    excel: Raw
    ours: Raw
    excel_dir: list[tuple[int, bytes]]
    ours_dir: list[tuple[int, bytes]]


@pytest.fixture(scope="module", params=EXCEL_FILES)
def pair(request: pytest.FixtureRequest) -> Pair:
    """An Excel file and our project with the same modules: its standard modules' source, same names."""
    excel = read_raw((DATA / request.param).read_bytes())
    excel_dir = dir_records(excel.ole)
    mods = modules_of(excel_dir)
    standard = {n: source(excel.ole, n, off) for n, kind, off in mods if kind == ovba.MODULE_PROCEDURAL}
    documents = [n for n, kind, _ in mods if kind == ovba.MODULE_DOCUMENT]
    ours = read_raw(build_vba_project(standard, document_modules=documents, project_name="VBAProject"))
    return Pair(excel, ours, excel_dir, dir_records(ours.ole))


# --- MS-CFB -----------------------------------------------------------------------------------------


def test_header_matches_excel(pair: Pair) -> None:
    """Every header field that does not depend on the file's size is Excel's."""
    fixed = ["sig", "clsid", "minor", "major", "order", "shift", "mini_shift", "reserved", "n_dir", "txn",
             "cutoff", "first_difat", "n_difat"]  # fmt: skip
    assert {k: pair.ours.header[k] for k in fixed} == {k: pair.excel.header[k] for k in fixed}
    for raw in (pair.excel, pair.ours):
        n_fat = raw.header["n_fat"]
        assert raw.header["difat"][n_fat:] == [cfb.FREESECT] * (109 - n_fat)  # type: ignore[index,operator]


def test_directory_entries_match_excel(pair: Pair) -> None:
    for raw in (pair.excel, pair.ours):
        root, *rest = [e for e in raw.entries if e.kind]
        assert (root.name, root.kind, root.clsid, root.state, root.created) == ("Root Entry", cfb.ROOT, bytes(16), 0, 0)
        small = [e for e in rest if e.kind == cfb.STREAM and 0 < e.size < cfb.MINI_CUTOFF]
        assert root.size == 64 * sum(-(-e.size // 64) for e in small)  # the mini stream, in whole mini sectors
        storages = [e for e in rest if e.kind == cfb.STORAGE]
        assert [e.name for e in storages] == ["VBA"]
        # MS-CFB 2.6.3: a storage's Starting Sector Location and Stream Size are 0 (was ENDOFCHAIN here).
        assert [(e.start, e.size, e.clsid, e.state) for e in storages] == [(0, 0, bytes(16), 0)]
        for e in rest:
            if e.kind == cfb.STREAM:  # streams: no CLSID, state bits or time stamps, in Excel's files too
                assert (e.clsid, e.state, e.created, e.modified, e.child) == (bytes(16), 0, 0, 0, cfb.NOSTREAM)
    # Unused entries that fill the last directory sector are byte for byte Excel's.
    unused = {e.raw for e in pair.excel.entries if e.kind == 0}
    assert unused == {cfb._UNUSED_ENTRY}
    assert {e.raw for e in pair.ours.entries if e.kind == 0} <= unused


def test_stream_names_match_excel_but_the_cache(pair: Pair) -> None:
    def names(raw: Raw) -> set[str]:
        return {"/".join(p) for p in raw.ole.listdir()}

    cache = {n for n in names(pair.excel) if re.fullmatch(r"VBA/__SRP_\d+", n)}
    assert cache and names(pair.excel) - cache == names(pair.ours)


def test_free_fat_and_minifat_entries_are_freesect(pair: Pair) -> None:
    """MS-CFB 2.3 and 2.4: unallocated entries are FREESECT (0xFFFFFFFF); the MiniFAT was padded with 0."""
    for raw in (pair.excel, pair.ours):
        small = [e for e in raw.entries if e.kind == cfb.STREAM and 0 < e.size < cfb.MINI_CUTOFF]
        n_used = sum(-(-e.size // 64) for e in small)
        assert cfb.FREESECT not in raw.minifat[:n_used] and raw.minifat[:n_used].count(cfb.ENDOFCHAIN) == len(small)
        assert raw.minifat[n_used:] == [cfb.FREESECT] * (len(raw.minifat) - n_used)
        assert raw.fat.count(cfb.FATSECT) == raw.header["n_fat"]
        assert set(raw.fat[raw.sectors :]) == {cfb.FREESECT}  # past the file's last sector
        assert cfb.FREESECT not in raw.fat[: raw.sectors]  # every sector of the file is in some chain


# --- MS-OVBA ----------------------------------------------------------------------------------------

INFO_IDS = [0x0001, 0x0002, 0x0014, 0x0003, 0x0004, 0x0005, 0x0040, 0x0006, 0x003D, 0x0007, 0x0008, 0x0009,
            0x000C, 0x003C]  # fmt: skip
MODULE_IDS = [0x0019, 0x0047, 0x001A, 0x0032, 0x001C, 0x0048, 0x0031, 0x001E, 0x002C, None, 0x002B]


def _sections(records: list[tuple[int, bytes]]) -> tuple[list, list, list]:
    start_refs = len(INFO_IDS)
    start_mods = next(i for i, (rid, _) in enumerate(records) if rid == 0x000F)
    return records[:start_refs], records[start_refs:start_mods], records[start_mods:]


def test_dir_information_records_match_excel(pair: Pair) -> None:
    excel, _, _ = _sections(pair.excel_dir)
    ours, _, _ = _sections(pair.ours_dir)
    assert [r for r, _ in excel] == [r for r, _ in ours] == INFO_IDS
    # The same values (SYSKIND Win32, LCIDs 0x409, code page 1252, name, empty doc/help strings, help
    # context, lib flags, constants), PROJECTVERSION apart: Excel bumps it on each save.
    assert [r for r in excel if r[0] != 0x0009] == [r for r in ours if r[0] != 0x0009]


def test_dir_references_match_excel(pair: Pair) -> None:
    _, excel, _ = _sections(pair.excel_dir)
    _, ours, _ = _sections(pair.ours_dir)
    # Excel: stdole, then the Office library; ours: stdole only. Each is NAME, NAME (Unicode), REGISTERED.
    assert [r for r, _ in excel] == [0x0016, 0x003E, 0x000D] * 2
    assert ours[:2] == excel[:2] and [r for r, _ in ours] == [0x0016, 0x003E, 0x000D]
    libid = re.sub(rb"SysWOW64", rb"system32", excel[2][1].replace(b"Windows", b"WINDOWS"))
    assert ours[2][1][4:] == libid[4:] and len(ours[2][1]) == len(libid)  # the 32-bit Excel spelling


def test_dir_module_records_match_excel(pair: Pair) -> None:
    _, _, excel = _sections(pair.excel_dir)
    _, _, ours = _sections(pair.ours_dir)
    assert excel[0] == ours[0]  # PROJECTMODULES: the count
    assert [r for r, _ in excel[1:]] == [r for r, _ in ours[1:]]  # PROJECTCOOKIE, every module, terminator
    expected = [rid for rid, _ in excel if rid in (ovba.MODULE_PROCEDURAL, ovba.MODULE_DOCUMENT)]
    for mods in (modules_of(pair.excel_dir), modules_of(pair.ours_dir)):
        kinds = [kind for _, kind, _ in mods]
        assert kinds == expected == sorted(kinds)  # standard modules (0x21) before document modules (0x22)
    assert [n for n, _, _ in modules_of(pair.excel_dir)] == [n for n, _, _ in modules_of(pair.ours_dir)]
    for recs in (excel, ours):
        body = [rid for rid, _ in recs[2:-1]]
        per_module = [body[i : i + len(MODULE_IDS)] for i in range(0, len(body), len(MODULE_IDS))]
        for ids in per_module:
            assert [r if r not in (0x0021, 0x0022) else None for r in ids] == MODULE_IDS
    # Field values equal but for the cookies and the offset of the source (ours: no cache before it).
    skip = {0x0013, 0x002C, 0x0031}
    assert [r for r in excel if r[0] not in skip] == [r for r in ours if r[0] not in skip]
    assert all(struct.unpack("<I", d) == (0,) for rid, d in ours if rid == 0x0031)


def test_module_sources_match_excel(pair: Pair) -> None:
    """Document modules: the attribute lines Excel writes, exactly; standard modules: the same text."""
    excel = {n: source(pair.excel.ole, n, off) for n, _, off in modules_of(pair.excel_dir)}
    ours = {n: source(pair.ours.ole, n, off) for n, _, off in modules_of(pair.ours_dir)}
    assert excel.keys() == ours.keys()
    for name, text in excel.items():
        # One Excel file keeps a blank line the user left in a sheet's module.
        assert ours[name] == text or ours[name] + "\r\n" == text, name


def test_compression_matches_excel_chunk_format(pair: Pair) -> None:
    """Same CompressedContainer shape (signature, compressed chunks); ours is never longer."""
    for name, _, off in modules_of(pair.excel_dir):
        theirs = pair.excel.ole.openstream(f"VBA/{name}").read()[off:]
        text = bytes(decompress_stream(bytearray(theirs)))
        mine = ovba.compress(text)
        assert mine[0] == theirs[0] == 1
        assert struct.unpack_from("<H", mine, 1)[0] & 0xF000 == struct.unpack_from("<H", theirs, 1)[0] & 0xF000
        assert bytes(decompress_stream(bytearray(mine))) == text and len(mine) <= len(theirs)


def _project_lines(raw: Raw) -> list[str]:
    return raw.ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")


def test_project_stream_matches_excel(pair: Pair) -> None:
    excel, ours = _project_lines(pair.excel), _project_lines(pair.ours)

    def keys(lines: list[str]) -> list[str]:
        return [re.sub(r"=.*", "=", line) if "=" in line and not line.startswith("&H") else line for line in lines]

    # The same properties in the same order, modules in dir order (standard first), the same sections.
    assert keys(ours) == keys(excel)
    same = ("Module=", "Document=", "Name=", "HelpContextID=", "VersionCompatible32=", "&H", "[")
    assert [x for x in ours if x.startswith(same)] == [x for x in excel if x.startswith(same)]
    # CMG, DPB, GC: each decrypts to Excel's: not protected, no password, visible.
    for key in ("CMG", "DPB", "GC"):
        mine = next(x for x in ours if x.startswith(key + "="))[len(key) + 2 : -1]
        theirs = next(x for x in excel if x.startswith(key + "="))[len(key) + 2 : -1]
        assert ovba.decrypt(mine) == ovba.decrypt(theirs)
    # [Workspace]: the same modules in the same order (Excel keeps window positions; ours are closed).
    tail = slice(excel.index("[Workspace]") + 1, None)
    assert [x.split("=")[0] for x in ours[tail]] == [x.split("=")[0] for x in excel[tail]]


def test_projectwm_is_excels(pair: Pair) -> None:
    assert pair.ours.ole.openstream("PROJECTwm").read() == pair.excel.ole.openstream("PROJECTwm").read()


def test_vba_project_stream(pair: Pair) -> None:
    """Reserved1 0x61CC as Excel; Version 0xFFFF (no cache, compile from source) where Excel has its own."""
    excel = pair.excel.ole.openstream("VBA/_VBA_PROJECT").read()
    ours = pair.ours.ole.openstream("VBA/_VBA_PROJECT").read()
    assert excel[:2] == ours[:2] == b"\xcc\x61"
    assert struct.unpack_from("<H", excel, 2)[0] != 0xFFFF and struct.unpack_from("<H", ours, 2)[0] == 0xFFFF
    assert len(ours) == 7 < len(excel)
