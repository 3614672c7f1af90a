"""The generated vbaProject.bin, read back by parsers that are not ours: olefile, oletools, LibreOffice.

`olefile` checks the compound file (MS-CFB), `oletools.olevba` the VBA project (MS-OVBA: dir stream,
module streams, compression) inside the built .xlsm, and headless LibreOffice imports the macros the
way it does any Excel file's.
"""

from __future__ import annotations

import html
import io
import random
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from addin import vba, xlsm
from addin.vbaproject import build_vba_project, cfb, document_source, ovba

BAS = vba.BAS_PATH.read_bytes().decode("ascii")
DOCS = ["ThisWorkbook", "Sheet1", "Sheet2"]
ENTRY_POINTS = [macro for macro, _ in vba.BUTTONS] + ["LecConfirmAnswer", "LecSetToken", "LecUnprotect",
                                                      "LecProtect"]  # fmt: skip


@pytest.fixture(scope="module")
def project() -> bytes:
    return build_vba_project({"LecSheets": BAS}, document_modules=DOCS, project_name="VBAProject")


@pytest.fixture(scope="module")
def built_xlsm() -> bytes:
    out = io.BytesIO()
    xlsm.build_xlsm("school", unit_code="3056100001", unit_name="โรงเรียนทดสอบ", year=2567, round_no=2,
                    out=out, server_url="https://lec.example.go.th")  # fmt: skip
    return out.getvalue()


def _entry(ole: olefile.OleFileIO, name: str) -> olefile.olefile.OleDirectoryEntry:
    return next(e for e in ole.direntries if e is not None and e.name == name)


def _tree_ok(ole: olefile.OleFileIO, sid: int, key: object) -> tuple[list[str], int]:
    """In-order names and black height of the sibling tree at `sid`; asserts the red-black rules."""
    if sid == cfb.NOSTREAM:
        return [], 1
    e = ole.direntries[sid]
    left, bh_left = _tree_ok(ole, e.sid_left, key)
    right, bh_right = _tree_ok(ole, e.sid_right, key)
    assert bh_left == bh_right, f"unequal black height under {e.name}"
    if e.color == cfb.RED:
        for child in (e.sid_left, e.sid_right):
            assert child == cfb.NOSTREAM or ole.direntries[child].color == cfb.BLACK
    return [*left, e.name, *right], bh_left + (e.color == cfb.BLACK)


def test_bin_is_a_valid_compound_file(project: bytes) -> None:
    ole = olefile.OleFileIO(project, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.parsing_issues == []
    assert (ole.sector_size, ole.mini_sector_size, ole.dll_version) == (512, 64, 3)
    streams = {"/".join(p) for p in ole.listdir()}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/LecSheets",
                       *(f"VBA/{d}" for d in DOCS)}  # fmt: skip
    mods = [ovba.Module("LecSheets", BAS)]  # standard modules first, as Excel lists them
    mods += [ovba.Module(d, document_source(d, workbook=i == 0), True) for i, d in enumerate(DOCS)]
    expected = {
        "PROJECT": ovba.project_stream(mods, project_name="VBAProject", codepage=1252),
        "PROJECTwm": ovba.projectwm_stream(mods, codepage=1252),
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x01\x00",
        "VBA/LecSheets": ovba.compress(BAS.encode("ascii")),
    }
    for name, data in expected.items():
        assert ole.get_size(name) == len(data)
        assert ole.openstream(name).read() == data
    # Streams under the 4,096-byte cutoff sit in the mini stream, the module's source (larger) in sectors.
    root = ole.direntries[0]
    small = [s for s in streams if ole.get_size(s) < 4096]
    assert set(streams) - set(small) == {"VBA/LecSheets"}
    assert root.size == sum(-(-ole.get_size(s) // 64) * 64 for s in small)
    # Each storage's children form a red-black tree in MS-CFB name order.
    for storage in (root, _entry(ole, "VBA")):
        names, _ = _tree_ok(ole, storage.sid_child, None)
        assert names == sorted(names, key=cfb.name_key)


def test_big_streams_and_trees_in_the_cfb_writer() -> None:
    """Streams past the mini-stream cutoff, empty ones and a dozen siblings, read back by olefile."""
    rnd = random.Random(7)
    tree: cfb.Tree = {"A": rnd.randbytes(70_000), "Empty": b"", "Exactly4096": bytes(4096),
                      "S": {f"Stream{i}": rnd.randbytes(i * 50) for i in range(1, 13)}}  # fmt: skip
    ole = olefile.OleFileIO(cfb.write_cfb(tree), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("A").read() == tree["A"]
    assert ole.openstream("Exactly4096").read() == bytes(4096)
    assert ole.get_size("Empty") == 0
    for name, data in tree["S"].items():  # type: ignore[union-attr]
        assert ole.openstream(f"S/{name}").read() == data
    names, _ = _tree_ok(ole, _entry(ole, "S").sid_child, None)
    assert names == sorted(tree["S"], key=cfb.name_key)  # type: ignore[arg-type]


def _codenames(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [wb.code_name] + [ws.sheet_properties.codeName for ws in wb.worksheets]


def test_olevba_extracts_our_source_from_the_xlsm(built_xlsm: bytes) -> None:
    parser = VBA_Parser("template.xlsm", data=built_xlsm)
    assert parser.detect_vba_macros()
    code = {stream.split("/")[-1]: text for _, stream, _, text in parser.extract_macros()}
    # One document module per codename the workbook XML carries, and our module with its exact text.
    codenames = _codenames(built_xlsm)
    assert codenames[0] == "ThisWorkbook" and len(set(codenames)) == len(codenames) > 2
    assert set(code) == {*codenames, vba.MODULE_NAME}
    assert code[vba.MODULE_NAME] == BAS
    for name in ENTRY_POINTS:
        assert re.search(rf"^Public Sub {name}\(", code[vba.MODULE_NAME], re.M)
    assert 'RunPython", "import addin.macros as m; m." & action & "()"' in code[vba.MODULE_NAME]
    assert code["ThisWorkbook"] == document_source("ThisWorkbook", workbook=True)
    assert code["Sheet1"] == document_source("Sheet1", workbook=False)
    # The buttons call macros that exist.
    vml = "".join(zipfile.ZipFile(io.BytesIO(built_xlsm)).read(n).decode()
                  for n in zipfile.ZipFile(io.BytesIO(built_xlsm)).namelist() if n.endswith(".vml"))  # fmt: skip
    for macro in re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml):
        assert f"Public Sub {macro}()" in code[vba.MODULE_NAME]


@pytest.mark.parametrize("size", [0, 1, 100, 4095, 4096, 4097, 12_000])
def test_compression_round_trips_through_oletools(size: int) -> None:
    text = (BAS * 3).encode("ascii")[:size]
    assert bytes(decompress_stream(bytearray(ovba.compress(text)))) == text
    noise = random.Random(size).randbytes(size // 4096 * 4096 + min(size % 4096, 1000))
    assert bytes(decompress_stream(bytearray(ovba.compress(noise)))) == noise  # raw chunks, literals
    runs = bytes(i % 7 for i in range(size)) + b"a" * size
    assert bytes(decompress_stream(bytearray(ovba.compress(runs)))) == runs  # long, overlapping copies


def test_compression_compresses() -> None:
    assert len(ovba.compress(BAS.encode("ascii"))) < len(BAS) * 0.6


def test_project_stream_protection_values(project: bytes) -> None:
    """CMG/DPB/GC decrypt (MS-OVBA 2.4.3.3) to "unprotected", "no password", "visible"."""
    text = olefile.OleFileIO(project).openstream("PROJECT").read().decode("cp1252")
    fields = dict(re.findall(r'^(ID|CMG|DPB|GC)="([^"]*)"', text, re.M))
    assert ovba.decrypt(fields["CMG"]) == bytes(4)
    assert ovba.decrypt(fields["DPB"]) == b"\x00"
    assert ovba.decrypt(fields["GC"]) == b"\xff"
    assert "Document=ThisWorkbook/&H00000000\r\n" in text and "Module=LecSheets\r\n" in text
    # The decryption itself, checked on values Excel wrote (xlwings' quickstart.xlsm, same algorithm).
    assert ovba.decrypt("A7A58C2B7CDD73E173E173E173E1") == bytes(4)
    assert ovba.decrypt("A2A089308531853185") == b"\x00"
    assert ovba.decrypt("9D9FB6314A2D4B2D4BD2") == b"\xff"


def test_build_is_deterministic_and_checks_its_input(project: bytes) -> None:
    assert build_vba_project({"LecSheets": BAS}, document_modules=DOCS, project_name="VBAProject") == project
    with pytest.raises(ValueError, match="1252"):
        build_vba_project({"M": 'MsgBox "ตั้งค่า"'}, document_modules=["ThisWorkbook"], project_name="P")
    with pytest.raises(ValueError, match="VB_Name"):
        build_vba_project({"Other": BAS}, document_modules=["ThisWorkbook"], project_name="P")
    with pytest.raises(ValueError, match="unique"):
        build_vba_project({"sheet1": "Sub A()\r\nEnd Sub\r\n"}, document_modules=DOCS, project_name="P")
    without_name = build_vba_project({"M": "Sub A()\nEnd Sub\n"}, document_modules=["ThisWorkbook"],
                                     project_name="P")  # fmt: skip
    code = {s: t for _, s, _, t in VBA_Parser("x.bin", data=without_name).extract_macros()}
    assert code["VBA/M"] == 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'


def test_missing_override_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(xlsm.NoVbaProject, match=r"vbaProject\.bin"):
        xlsm.build_xlsm("cdc", unit_code="3056500001", year=2567, round_no=2, out=tmp_path / "x.xlsm",
                        vba_project=tmp_path / "none.bin")  # fmt: skip


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_imports_the_macros(built_xlsm: bytes, tmp_path: Path) -> None:
    """LibreOffice reads the VBA source out of vbaProject.bin into its Basic library (VBA support)."""
    src = tmp_path / "template.xlsm"
    src.write_bytes(built_xlsm)
    profile = Path(f"/tmp/lo-lec-{uuid.uuid4().hex}")
    try:
        done = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               "--convert-to", "ods", "--outdir", str(tmp_path), str(src)],
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ods = tmp_path / "template.ods"
    assert done.returncode == 0 and ods.is_file(), done.stderr
    z = zipfile.ZipFile(ods)

    def module(name: str) -> tuple[str, str]:
        xml = z.read(f"Basic/VBAProject/{name}.xml").decode()
        m = re.search(r'script:moduleType="(\w+)">(.*)</script:module>', xml, re.S)
        assert m, xml
        return m.group(1), html.unescape(m.group(2))

    kind, text = module(vba.MODULE_NAME)
    # LibreOffice drops the Attribute line and prefixes its own two lines (module type, VBA support).
    body = BAS.replace("\r\n", "\n").split("\n", 1)[1]
    assert kind == "normal" and text.split("\n", 2)[2].rstrip("\n") == body.rstrip("\n")
    for name in _codenames(built_xlsm):
        assert module(name)[0] == "document"
