"""The VBA project streams of MS-OVBA: compression, `dir`, `_VBA_PROJECT`, `PROJECT`, `PROJECTwm`.

Office keeps both the VBA source and a compiled performance cache. We write source only: the
`_VBA_PROJECT` stream carries version 0xFFFF, which tells Office the cache is not its own (MS-OVBA
2.3.4.1), so it ignores it and compiles the modules from their source text.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

CHUNK = 4096

# --- MS-OVBA 2.4.1: compression -------------------------------------------------------------------


def _bit_count(difference: int) -> int:
    """CopyToken Help (2.4.1.3.19.1): bits of a copy token used for the offset at this chunk position."""
    return max((difference - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    """CompressedChunkData (2.4.1.1.5): token sequences of a flag byte and up to eight tokens.

    Matching (2.4.1.3.19.4) looks back only inside the chunk; candidates are found through the
    positions of each 3-byte prefix, the longest match winning and the nearest one on a tie.
    """
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, end = 0, len(chunk)

    def remember(p: int) -> None:
        if p + 3 <= end:
            heads.setdefault(chunk[p : p + 3], []).append(p)

    while pos < end:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            bits = _bit_count(pos)
            max_len = (0xFFFF >> bits) + 3
            best_len, best_off = 0, 0
            for cand in reversed(heads.get(chunk[pos : pos + 3], [])[-64:]):
                n = 0
                limit = min(max_len, end - pos)
                while n < limit and chunk[cand + n] == chunk[pos + n]:
                    n += 1
                if n > best_len:
                    best_len, best_off = n, pos - cand
            if best_len >= 3:
                out[flag_at] |= 1 << bit
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1): signature byte 0x01, then one chunk per 4,096 bytes of data.

    Each CompressedChunkHeader (2.4.1.1.5) packs CompressedChunkSize (chunk bytes − 3), the signature
    0b011 and the flag "compressed"; a chunk that would not shrink is stored raw (flag 0, 4,096 bytes,
    zero-padded). VBA source text always shrinks, so modules never get raw chunks, which is as well:
    Excel itself never writes them and is reported to drop modules that contain them.
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        else:
            out += struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk.ljust(CHUNK, b"\0")
    return bytes(out)


# --- MS-OVBA 2.4.3: data encryption (the PROJECT stream's CMG, DPB and GC) ------------------------


def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """Data Encryption (2.4.3.2) as the hex string the PROJECT stream holds.

    It is obfuscation keyed by the project's CLSID, not security; `seed` is fixed by the caller so the
    build is reproducible. The ignored bytes (IgnoredLength = (Seed & 6) / 2) are zeros.
    """
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version
    plain = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + data
    for byte in plain:
        enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte
    return out.hex().upper()


def decrypt(hex_text: str) -> bytes:
    """Data Decryption (2.4.3.3): the inverse of `encrypt`, used to check it against Office's output."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = raw[0], raw[1], raw[2]
    unenc1, enc1, enc2 = seed ^ proj_key_enc, proj_key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack("<I", plain[ignored : ignored + 4])
    return bytes(plain[ignored + 4 : ignored + 4 + length])


# --- MS-OVBA 2.3.4.2: the dir stream --------------------------------------------------------------

STDOLE_LIBID = "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\WINDOWS\\system32\\stdole2.tlb#OLE Automation"
"""REFERENCEREGISTERED (2.3.4.2.2.5) of OLE Automation, the reference every Office VBA project has, spelled
as 32-bit Excel on Windows writes it (a path for the record only: the GUID is what is resolved)."""

MODULE_PROCEDURAL, MODULE_DOCUMENT = 0x0021, 0x0022  # MODULETYPE (2.3.4.2.3.2.8)


@dataclass(frozen=True)
class Module:
    """One module of the project: its name (also its stream's name), source text and kind."""

    name: str
    source: str
    document: bool = False


def _rec(rec_id: int, data: bytes) -> bytes:
    """The common record shape: Id (2 bytes), Size (4 bytes), then Size bytes."""
    return struct.pack("<HI", rec_id, len(data)) + data


def _u32(v: int) -> bytes:
    return struct.pack("<I", v)


def _u16(v: int) -> bytes:
    return struct.pack("<H", v)


def _mbcs(text: str, codepage: int) -> bytes:
    return text.encode(f"cp{codepage}")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def dir_stream(modules: list[Module], *, project_name: str, codepage: int, lcid: int = 0x0409) -> bytes:
    """The decompressed `dir` stream (2.3.4.2): project information, references, then the modules.

    PROJECTVERSION (2.3.4.2.1.11) is the one record whose Size field (always 4) does not count its
    6 bytes of data; the Unicode twins of names and doc strings use the Reserved ids 0x0040, 0x003D,
    0x003C, 0x003E, 0x0032 and 0x0048 in place of a second Id.
    """
    cp = codepage
    info = (
        _rec(0x0001, _u32(0x00000001))  # PROJECTSYSKIND: 32-bit Windows
        + _rec(0x0002, _u32(lcid))  # PROJECTLCID
        + _rec(0x0014, _u32(lcid))  # PROJECTLCIDINVOKE
        + _rec(0x0003, _u16(codepage))  # PROJECTCODEPAGE
        + _rec(0x0004, _mbcs(project_name, cp))  # PROJECTNAME
        + _rec(0x0005, b"") + _rec(0x0040, b"")  # PROJECTDOCSTRING
        + _rec(0x0006, b"") + _rec(0x003D, b"")  # PROJECTHELPFILEPATH
        + _rec(0x0007, _u32(0))  # PROJECTHELPCONTEXT
        + _rec(0x0008, _u32(0))  # PROJECTLIBFLAGS
        + struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION 1.0
        + _rec(0x000C, b"") + _rec(0x003C, b"")  # PROJECTCONSTANTS
    )  # fmt: skip
    libid = _mbcs(STDOLE_LIBID, cp)
    references = (
        _rec(0x0016, b"stdole") + _rec(0x003E, _utf16("stdole"))  # REFERENCENAME
        + _rec(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))  # REFERENCEREGISTERED
    )  # fmt: skip
    mods = _rec(0x000F, _u16(len(modules))) + _rec(0x0013, _u16(0xFFFF))  # PROJECTMODULES, PROJECTCOOKIE
    for m in modules:
        mods += (
            _rec(0x0019, _mbcs(m.name, cp)) + _rec(0x0047, _utf16(m.name))  # MODULENAME(UNICODE)
            + _rec(0x001A, _mbcs(m.name, cp)) + _rec(0x0032, _utf16(m.name))  # MODULESTREAMNAME
            + _rec(0x001C, b"") + _rec(0x0048, b"")  # MODULEDOCSTRING
            + _rec(0x0031, _u32(0))  # MODULEOFFSET: no performance cache before the source
            + _rec(0x001E, _u32(0))  # MODULEHELPCONTEXT
            + _rec(0x002C, _u16(0xFFFF))  # MODULECOOKIE
            + _rec(MODULE_DOCUMENT if m.document else MODULE_PROCEDURAL, b"")  # MODULETYPE
            + _rec(0x002B, b"")  # Terminator
        )  # fmt: skip
    return info + references + mods + _rec(0x0010, b"")  # dir Terminator


VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)
"""`_VBA_PROJECT` (2.3.4.1, example 3.1.1): Reserved1 0x61CC, Version 0xFFFF and no PerformanceCache,
which is what the spec says a writer MUST emit (Office then compiles from source), Reserved2 0x00,
Reserved3 as in the spec's example."""


# --- MS-OVBA 2.3.1 and 2.3.3: PROJECT and PROJECTwm -----------------------------------------------

VBE_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
"""The one HostExtenderRef (2.3.1.18) every Office VBA project carries: the VBE host extender."""


def project_id(project_name: str, modules: list[Module]) -> str:
    """ProjectCLSID (2.3.1.2): derived from the names, so the same project always gets the same ID."""
    key = project_name + "|" + "|".join(m.name for m in modules)
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "lec-sheets:vba:" + key)).upper() + "}"


NOT_PROTECTED, NO_PASSWORD, VISIBLE = bytes(4), b"\x00", b"\xff"


def project_stream(modules: list[Module], *, project_name: str, codepage: int) -> bytes:
    """The PROJECT stream (2.3.1): the project's properties as text in the project's code page.

    CMG, DPB and GC (2.3.1.15-17) are required; they say "not protected" (4 zero bytes), "no
    password" (one 0x00) and "visible" (one 0xFF), each obfuscated by Data Encryption (2.4.3.2).
    """
    pid = project_id(project_name, modules)
    lines = [f'ID="{pid}"']
    lines += [f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}" for m in modules]
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(NOT_PROTECTED, pid, 0x11)}"',
        f'DPB="{encrypt(NO_PASSWORD, pid, 0x23)}"',
        f'GC="{encrypt(VISIBLE, pid, 0x35)}"',
        "",
        "[Host Extender Info]",
        VBE_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("\r\n".join(lines) + "\r\n", codepage)


def projectwm_stream(modules: list[Module], *, codepage: int) -> bytes:
    """PROJECTwm (2.3.3): each module's name in MBCS and in UTF-16, both NUL-terminated, then 0x0000."""
    out = b"".join(_mbcs(m.name, codepage) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules)
    return out + b"\0\0"
