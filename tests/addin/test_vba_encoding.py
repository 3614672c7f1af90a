"""The VBA module's server-mode login: UTF-8 percent-encoding written in VBA, and a masked password box.

`UrlEncodeUtf8` is run from the text of the generated `LecSheets.bas` by a small VBA interpreter
(`vbasubset.py`: 16/32-bit integer types with overflow, non-short-circuit And/Or, UTF-16 strings) and
must give exactly what Python's `urllib.parse.quote(text, safe="")` gives, which the server's
`unquote` reverses. The module is read once as Windows compiles it and once as a Mac does.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vbasubset import Interpreter, Unsupported, VbaError, active_lines, literal, logical_lines

from addin import vba

SOURCE = vba.BAS_PATH.read_bytes().decode("ascii")
WINDOWS = {"Mac": False, "VBA7": True, "Win64": True}
MAC = {"Mac": True, "VBA7": True, "Win64": False}

THAI = [
    "รหัสผ่าน",
    "ผู้ใหญ่ลีตีกลองประชุม",
    "กรุงเทพมหานคร อมรรัตนโกสินทร์ ๒๕๖๗",
    "ก่อนเที่ยง+หลังบ่าย/50%?&=#",
    "".join(chr(c) for c in range(0x0E01, 0x0E5C) if chr(c).isprintable()),  # the Thai block
]
OTHER = ["", "abcXYZ019-._~", " !\"#$%&'()*+,/:;<=>?@[\\]^`{|}", "é©ñ€", "🔒 รหัส 🇹🇭", "\x00\x7f"]


@pytest.fixture(scope="module", params=["windows", "mac"])
def module(request: pytest.FixtureRequest) -> Interpreter:
    consts = WINDOWS if request.param == "windows" else MAC
    return Interpreter("\n".join(active_lines(SOURCE, consts)))


@pytest.mark.parametrize("text", THAI + OTHER)
def test_vba_encoding_is_pythons(module: Interpreter, text: str) -> None:
    encoded = module.call("UrlEncodeUtf8", text)
    assert encoded == quote(text, safe="")
    assert unquote(encoded) == text  # what server/web/xlwings_route.py does with it


WINDOWS_RUN = Interpreter("\n".join(active_lines(SOURCE, WINDOWS)))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text(st.characters(blacklist_categories=["Cs"]), max_size=24))
def test_vba_encoding_on_any_text(text: str) -> None:
    """Any text (every UTF-8 length, 1 to 4 bytes; surrogates only as the pairs of astral characters)."""
    assert WINDOWS_RUN.call("UrlEncodeUtf8", text) == quote(text, safe="")


@pytest.mark.parametrize("code", [0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF])
def test_vba_encoding_at_utf8_boundaries(module: Interpreter, code: int) -> None:
    text = "ก" + chr(code) + "ข"
    assert module.call("UrlEncodeUtf8", text) == quote(text, safe="")


def test_lone_surrogates_become_the_replacement_character(module: Interpreter) -> None:
    """A VBA string may hold half a pair; it is sent as U+FFFD, not as bytes no UTF-8 decoder accepts."""
    assert module.call("UrlEncodeUtf8", "a\ud83d") == "a%EF%BF%BD"
    assert module.call("UrlEncodeUtf8", "\udc00b") == "%EF%BF%BDb"


def test_percent_byte(module: Interpreter) -> None:
    assert [module.call("PercentByte", b) for b in (0, 10, 0xE0, 255)] == ["%00", "%0A", "%E0", "%FF"]


def test_the_interpreter_catches_what_vba_would_refuse() -> None:
    """The pitfalls the encoder must avoid fail here as they would in Excel, so passing means something."""
    assert literal("hex", "&HFFFF").value == -1 and literal("hex", "&HFFFF&").value == 0xFFFF
    assert literal("hex", "&HD800").value == -10240 and literal("num", "32768").type == "Long"
    code = """Function F(s As String) As Long
    Dim n As Integer
    n = 32767
    F = n + 1
End Function
Function G(s As String) As Long
    G = AscW(s)
End Function
Function H(s As String) As String
    Dim i As Long
    i = Len(s)
    If i > 0 And AscW(Mid$(s, i + 1, 1)) > 0 Then H = "never"
End Function
Function K(s As String) As String
    K = Hex$(AscW(s)) & "/" & Hex$(AscW(s) And &HFFFF&)
End Function
Function M(s As String) As String
    Dim n As Integer
    M = PercentByte(n)
End Function
Private Function PercentByte(b As Long) As String
    PercentByte = "%" & Right$("0" & Hex$(b), 2)
End Function
"""
    run = Interpreter(code)
    with pytest.raises(VbaError, match="overflow"):  # Integer + Integer stays Integer
        run.call("F", "")
    assert run.call("G", "ก") == 0x0E01 and run.call("G", "\uf8ff") == 0xF8FF - 0x10000  # AscW is signed
    with pytest.raises(VbaError, match='AscW\\(""\\)'):  # And does not short-circuit
        run.call("H", "abc")
    assert run.call("K", "\uffff") == "FFFF/FFFF" and run.call("K", "ก") == "E01/E01"
    with pytest.raises(Unsupported, match="ByRef argument type mismatch"):
        run.call("M", "")
    with pytest.raises(Unsupported):
        Interpreter("Function X(s As String) As String\n    On Error Resume Next\nEnd Function\n").call("X", "")


def _code(consts: dict[str, bool]) -> str:
    """The statements VBA compiles under `consts`, comments dropped."""
    return "\n".join(logical_lines("\n".join(active_lines(SOURCE, consts))))


def test_no_windows_only_api_compiles_on_a_mac() -> None:
    mac, windows = _code(MAC), _code(WINDOWS)
    office2007 = _code({"Mac": False, "VBA7": False, "Win64": False})
    for banned in ("Declare ", "AddressOf", "user32", "kernel32", "EncodeURL", "LongPtr", "CreateObject"):
        assert banned not in mac, banned
    assert "EncodeURL" not in windows and "MacScript" not in windows
    assert "LongPtr" not in office2007 and "PtrSafe" not in office2007  # VBA6 knows neither
    assert re.search(r"^Private Declare PtrSafe Function SetWindowsHookEx", windows, re.M)
    assert "MacScript(script)" in mac and "with hidden answer" in mac


def test_login_sends_the_encoded_password_and_masks_the_box() -> None:
    login = re.search(r"Public Sub LecLogin\(\)(.*?)End Sub", SOURCE, re.S)
    assert login is not None
    body = login.group(1)
    assert "pw = AskPassword(" in body and "InputBox" not in body
    assert '"LecPassword " & UrlEncodeUtf8(pw)' in body
    windows = "\n".join(active_lines(SOURCE, WINDOWS))
    ask = re.search(r"Private Function AskPassword\(prompt As String\) As String(.*?)End Function", windows, re.S)
    assert ask is not None
    # The hook is set before the InputBox and removed after it: EM_SETPASSWORDCHAR (&HCC) with "*" (42).
    steps = [s.strip() for s in ask.group(1).strip().splitlines()]
    assert steps[0].startswith("mMaskHook = SetWindowsHookEx(5, AddressOf MaskInputBox, 0, GetCurrentThreadId())")
    assert steps[1] == 'AskPassword = InputBox(prompt, "LEC Sheets")'
    assert steps[2] == "If mMaskHook <> 0 Then UnhookWindowsHookEx mMaskHook"
    assert "SendDlgItemMessage wParam, &H1324&, &HCC&, 42, 0" in windows
