"""A minimal writer of Compound File Binary files (MS-CFB), the container `vbaProject.bin` is.

Only what a VBA project needs: version 3 (512-byte sectors, MS-CFB 2.2), one FAT whose sectors are all
listed in the header's DIFAT (no DIFAT sectors, so at most 109 FAT sectors, about 7 MB), a directory of
storages and streams, and the mini stream (MS-CFB 2.5, 2.6.3): every stream shorter than the 4,096-byte
cutoff lives in 64-byte mini sectors chained by the MiniFAT, as readers expect — a small stream placed in
ordinary sectors would be read from the wrong place. Output is deterministic (no timestamps, no CLSIDs).

A tree is a dict: a `bytes` value is a stream, a dict value a storage.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Union

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY_SIZE = 128
FAT_PER_SECTOR = SECTOR // 4
HEADER_DIFAT = 109

# MS-CFB 2.1: special sector numbers and stream IDs.
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

# MS-CFB 2.6.1: object types and red-black colours.
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1

Tree = dict[str, Union[bytes, "Tree"]]


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    colour: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0
    sid: int = 0


def name_key(name: str) -> tuple[int, str]:
    """MS-CFB 2.6.4 ordering of sibling names: shorter first, then code point order of the upper case."""
    return (len(name.encode("utf-16-le")) // 2, name.upper())


def _check_name(name: str) -> None:
    """MS-CFB 2.6.1: at most 31 UTF-16 characters (64 bytes with the terminator), no '/', '\\', ':', '!'."""
    if not name or len(name.encode("utf-16-le")) > 62 or any(c in name for c in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")


def _entries(tree: Tree) -> list[_Entry]:
    """The directory in breadth-first order (stream IDs are list indexes), root first."""
    root = _Entry("Root Entry", ROOT)
    order = [root]
    queue = [(root, tree)]
    while queue:
        parent, sub = queue.pop(0)
        for name in sorted(sub, key=name_key):
            _check_name(name)
            value = sub[name]
            if isinstance(value, dict):
                entry = _Entry(name, STORAGE, start=0)  # 2.6.3: a storage's start sector and size MUST be 0
                queue.append((entry, value))
            else:
                entry = _Entry(name, STREAM, bytes(value), size=len(value))
            entry.sid = len(order)
            order.append(entry)
            parent.children.append(entry)
    return order


def _link_siblings(parent: _Entry) -> None:
    """Make `parent`'s children a red-black tree (MS-CFB 2.6.4) keyed by `name_key`.

    Built by halving the sorted list, so every path from the root to a leaf's empty child differs in
    length by at most one; colouring the nodes on the deepest level red (when that level is not full)
    and all others black then gives every such path the same number of black nodes, and no red node has
    a red child: a valid red-black tree, not merely an all-black one.
    """
    kids = parent.children  # already sorted by name_key
    if len({name_key(k.name) for k in kids}) != len(kids):
        raise ValueError(f"duplicate names in storage {parent.name!r}")

    def build(lo: int, hi: int, depth: int, depths: dict[int, int]) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = kids[mid]
        depths[mid] = depth
        node.left = build(lo, mid, depth + 1, depths)
        node.right = build(mid + 1, hi, depth + 1, depths)
        return node.sid

    depths: dict[int, int] = {}
    parent.child = build(0, len(kids), 0, depths)
    if kids:
        deepest = max(depths.values())
        full = len(kids) == 2 ** (deepest + 1) - 1
        for i, node in enumerate(kids):
            node.colour = RED if depths[i] == deepest and not full else BLACK


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def _dir_entry(e: _Entry) -> bytes:
    """MS-CFB 2.6.1 Compound File Directory Entry (128 bytes)."""
    raw = e.name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        raw,
        len(raw),
        e.kind,
        e.colour,
        e.left,
        e.right,
        e.child,
        b"\0" * 16,  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        e.start,
        e.size,
    )


_UNUSED_ENTRY = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16,
                            0, 0, 0, 0, 0)  # fmt: skip


def _mini_stream(small: list[_Entry]) -> tuple[bytearray, list[int]]:
    """The mini stream (MS-CFB 2.5): small streams in 64-byte mini sectors, chained in the MiniFAT."""
    mini_data = bytearray()
    minifat: list[int] = []
    for e in small:
        e.start = len(minifat)
        n = _sectors(e.size, MINI_SECTOR)
        minifat.extend([0] * n)
        _chain(minifat, e.start, n)
        mini_data += e.data + b"\0" * (n * MINI_SECTOR - e.size)
    return mini_data, minifat


def write_cfb(tree: Tree) -> bytes:
    """The compound file holding `tree` (MS-CFB 2.2 header, FAT 2.3, MiniFAT 2.4, directory 2.6)."""
    entries = _entries(tree)
    for e in entries:
        if e.kind != STREAM:
            _link_siblings(e)
    streams = [e for e in entries if e.kind == STREAM]
    small = [e for e in streams if 0 < e.size < MINI_CUTOFF]
    big = [e for e in streams if e.size >= MINI_CUTOFF]

    mini_data, minifat = _mini_stream(small)

    # Sector layout: big streams, the mini stream, the MiniFAT, the directory, then the FAT.
    next_sector = 0
    layout: list[tuple[int, int]] = []  # (first sector, count) of each chained run

    def place(n_bytes: int) -> int:
        nonlocal next_sector
        n = _sectors(n_bytes, SECTOR)
        if n == 0:
            return ENDOFCHAIN
        first = next_sector
        layout.append((first, n))
        next_sector += n
        return first

    for e in big:
        e.start = place(e.size)
    root = entries[0]
    root.start = place(len(mini_data))
    root.size = len(mini_data)
    # 2.4: the MiniFAT's last sector is filled up with free entries (FREESECT), not zeros, which would
    # read as mini sector 0's chain.
    minifat += [FREESECT] * (-len(minifat) % FAT_PER_SECTOR)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    first_minifat = place(len(minifat_bytes))
    n_minifat = _sectors(len(minifat_bytes), SECTOR)
    first_dir = place(len(entries) * ENTRY_SIZE)

    n_fat = 1
    while n_fat * FAT_PER_SECTOR < next_sector + n_fat:
        n_fat += 1
    if n_fat > HEADER_DIFAT:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_first = next_sector
    total = next_sector + n_fat
    fat = [FREESECT] * (n_fat * FAT_PER_SECTOR)
    for first, n in layout:
        _chain(fat, first, n)
    for i in range(n_fat):
        fat[fat_first + i] = FATSECT

    difat = [fat_first + i for i in range(n_fat)] + [FREESECT] * (HEADER_DIFAT - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order: little-endian
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        b"\0" * 6,
        0,  # number of directory sectors: MUST be 0 in version 3
        n_fat,
        first_dir,
        0,  # transaction signature
        MINI_CUTOFF,
        first_minifat if n_minifat else ENDOFCHAIN,
        n_minifat,
        ENDOFCHAIN,  # first DIFAT sector: none
        0,  # number of DIFAT sectors
    ) + struct.pack(f"<{HEADER_DIFAT}I", *difat)
    assert len(header) == SECTOR

    def padded(data: bytes) -> bytes:
        return data + b"\0" * (_sectors(len(data), SECTOR) * SECTOR - len(data))

    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _UNUSED_ENTRY * ((-len(entries)) % (SECTOR // ENTRY_SIZE))
    body = b"".join(padded(e.data) for e in big) + padded(bytes(mini_data)) + padded(minifat_bytes)
    body += directory + struct.pack(f"<{len(fat)}I", *fat)
    assert len(body) == total * SECTOR
    return header + body
