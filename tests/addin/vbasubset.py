"""A small interpreter for the subset of VBA that the module's pure functions use, to run them here.

No Excel runs on this machine, so the add-in's string functions (`UrlEncodeUtf8`, `PercentByte`) are
executed from the very text of `LecSheets.bas`, not from a Python port of them. What is modelled, because
it is where VBA code like this goes wrong:

- Integer (16-bit) and Long (32-bit) types, with VBA's typing of literals (`&HFFFF` is the Integer -1,
  `&HFFFF&` the Long 65535; a decimal literal above 32,767 is a Long), the result type of an operator
  (the wider operand's) and run-time error 6 "Overflow" when a result does not fit;
- Boolean as VBA's True = -1, and `And`/`Or`/`Not` as bitwise operators that never short-circuit (both
  sides are always evaluated, so `i < n And Mid$(...)` still runs the `Mid$`);
- strings as sequences of UTF-16 code units, 1-based: `Len`, `Mid$`, `AscW` (a signed Integer), `ChrW`,
  `Right$`, `Hex$` (of the operand's own width), with run-time error 5 where VBA raises it;
- `Dim` defaults and conversion on assignment, `ByRef` arguments (a variable passed `ByRef` must have
  the parameter's exact type, else the compile error "ByRef argument type mismatch");
- operator precedence and line continuations as in MS-VBAL 5.6.9 and 3.2.2.

Anything outside the subset (Variant, Double, `/`, `On Error`, `Select Case`, `For`, objects, ...) is
refused with `Unsupported`, so a function that strays from it fails its test instead of being run by
guesswork.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

INT_RANGE = (-(2**15), 2**15 - 1)
LONG_RANGE = (-(2**31), 2**31 - 1)
WIDTH = {"Boolean": 0, "Integer": 1, "Long": 2}


class VbaError(Exception):
    """A VBA run-time error, with its number (5: invalid procedure call, 6: overflow)."""

    def __init__(self, number: int, what: str) -> None:
        super().__init__(f"run-time error {number}: {what}")
        self.number = number


class Unsupported(Exception):
    """Source outside the subset this interpreter models."""


@dataclass
class V:
    """A typed VBA value: type is "Integer", "Long", "Boolean" or "String"."""

    type: str
    value: Any


def _int(type_: str, value: int) -> V:
    lo, hi = INT_RANGE if type_ == "Integer" else LONG_RANGE
    if not lo <= value <= hi:
        raise VbaError(6, f"overflow: {value} in {type_}")
    return V(type_, value)


def _bool(flag: bool) -> V:
    return V("Boolean", -1 if flag else 0)


def to_vba_string(text: str) -> str:
    """A Python str as VBA holds it: one character per UTF-16 code unit (astral characters as pairs)."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(raw[i : i + 2], "little")) for i in range(0, len(raw), 2))


# --- tokens -------------------------------------------------------------------------------------

TOKEN = re.compile(
    r"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
  | (?P<hex>&H[0-9A-F]+[&%]?)
  | (?P<num>\d+[&%]?)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*\$?)
  | (?P<op><>|<=|>=|[-+*/\\&=<>(),^])
    )""",
    re.X | re.I,
)


def tokenize(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def literal(kind: str, text: str) -> V:
    """A numeric or string literal with VBA's typing of it."""
    if kind == "str":
        return V("String", text[1:-1].replace('""', '"'))
    suffix = text[-1] if text[-1] in "&%" else ""
    digits = text[:-1] if suffix else text
    if kind == "hex":
        value = int(digits[2:], 16)
        if suffix == "&" or value > 0xFFFF:
            if value > 0xFFFFFFFF:
                raise Unsupported(text)
            return V("Long", value - 2**32 if value & 0x80000000 else value)
        return V("Integer", value - 2**16 if value & 0x8000 else value)
    value = int(digits)
    if suffix == "&" or (not suffix and value > INT_RANGE[1]):
        return _int("Long", value)
    return _int("Integer", value)


# --- procedures ---------------------------------------------------------------------------------


@dataclass
class Param:
    name: str
    type: str
    byval: bool


@dataclass
class Proc:
    name: str
    params: list[Param]
    type: str
    body: list[str] = field(default_factory=list)


DEFAULTS = {"Integer": V("Integer", 0), "Long": V("Long", 0), "String": V("String", ""), "Boolean": V("Boolean", 0)}


def logical_lines(source: str) -> list[str]:
    """Physical lines joined at " _" continuations, comments dropped (outside string literals)."""
    lines: list[str] = []
    pending = ""
    for raw in source.replace("\r\n", "\n").split("\n"):
        line = _strip_comment(raw)
        if line.endswith(" _"):
            pending += line[:-1]
            continue
        lines.append((pending + line).strip() if pending else line.strip())
        pending = ""
    return lines


def _strip_comment(line: str) -> str:
    in_str = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_str = not in_str
        elif ch == "'" and not in_str:
            return line[:i].rstrip()
    return line.rstrip()


HEADER = re.compile(r"^(?:Private |Public )?Function (\w+)\((.*)\) As (\w+)$", re.I)


def procedures(source: str) -> dict[str, Proc]:
    """The module's Functions (by lower-case name) with their logical body lines."""
    procs: dict[str, Proc] = {}
    current: Proc | None = None
    for line in logical_lines(source):
        if current is None:
            m = HEADER.match(line)
            if m:
                params = []
                for p in filter(None, (s.strip() for s in m.group(2).split(","))):
                    pm = re.match(r"^(ByVal |ByRef )?(\w+) As (\w+)$", p, re.I)
                    if pm is None:
                        raise Unsupported(p)
                    params.append(Param(pm.group(2), pm.group(3), (pm.group(1) or "").strip() == "ByVal"))
                current = Proc(m.group(1), params, m.group(3))
        elif line.lower() == "end function":
            procs[current.name.lower()] = current
            current = None
        elif line:
            current.body.append(line)
    return procs


class _Exit(Exception):
    pass


class Interpreter:
    """Runs the Functions of one module's source."""

    def __init__(self, source: str) -> None:
        self.procs = procedures(source)

    def call(self, name: str, *args: Any) -> Any:
        """Call a Function with Python values (str → String, int → Long); returns a Python value."""
        vals = [V("String", to_vba_string(a)) if isinstance(a, str) else _int("Long", a) for a in args]
        return self._invoke(name, vals, [None] * len(vals), {}).value

    # -- execution -------------------------------------------------------------------------------

    def _invoke(self, name: str, args: list[V], refs: list[str | None], caller: dict[str, V]) -> V:
        proc = self.procs.get(name.lower())
        if proc is None:
            raise Unsupported(f"no function {name}")
        if len(args) != len(proc.params):
            raise Unsupported(f"{name}: {len(args)} arguments for {len(proc.params)} parameters")
        frame: dict[str, V] = {proc.name.lower(): DEFAULTS[proc.type]}
        types = {proc.name.lower(): proc.type}
        for p, a, ref in zip(proc.params, args, refs, strict=True):
            if ref is not None and not p.byval and caller[ref].type != p.type:
                raise Unsupported(f"compile error: ByRef argument type mismatch ({ref} to {name})")
            frame[p.name.lower()] = self._convert(a, p.type)
            types[p.name.lower()] = p.type
        with contextlib.suppress(_Exit):
            self._block(proc.body, frame, types)
        for p, ref in zip(proc.params, refs, strict=True):  # ByRef: the caller's variable sees assignments
            if ref is not None and not p.byval:
                caller[ref] = frame[p.name.lower()]
        return frame[proc.name.lower()]

    @staticmethod
    def _convert(v: V, type_: str) -> V:
        if type_ == "String":
            if v.type != "String":
                return V("String", str(v.value) if v.type != "Boolean" else ("True" if v.value else "False"))
            return v
        if v.type == "String":
            raise Unsupported("implicit String to number conversion")
        if type_ == "Boolean":
            return _bool(v.value != 0)
        return _int(type_, v.value)

    def _block(self, lines: list[str], frame: dict[str, V], types: dict[str, str]) -> None:
        i = 0
        while i < len(lines):
            i = self._statement(lines, i, frame, types)

    def _statement(self, lines: list[str], i: int, frame: dict[str, V], types: dict[str, str]) -> int:
        line = lines[i]
        low = line.lower()
        if low.startswith("dim "):
            for decl in line[4:].split(","):
                m = re.match(r"^\s*(\w+) As (Integer|Long|String|Boolean)\s*$", decl, re.I)
                if m is None:
                    raise Unsupported(decl)
                frame[m.group(1).lower()] = DEFAULTS[m.group(2).capitalize()]
                types[m.group(1).lower()] = m.group(2).capitalize()
            return i + 1
        if low == "exit function":
            raise _Exit
        if low.startswith("do while "):
            end = self._matching(lines, i, ("do ",), ("loop",))
            while self._truth(self._eval(line[9:], frame, types)):
                self._block(lines[i + 1 : end], frame, types)
            return end + 1
        if low.startswith("if "):
            m = re.match(r"^If (.*) Then(?: (.*))?$", line, re.I)
            if m is None:
                raise Unsupported(line)
            if m.group(2):  # single-line If
                if self._truth(self._eval(m.group(1), frame, types)):
                    self._statement([m.group(2)], 0, frame, types)
                return i + 1
            return self._if_block(lines, i, frame, types)
        m = re.match(r"^(\w+) = (.*)$", line)
        if m:
            name = m.group(1).lower()
            if name not in types:
                raise Unsupported(f"assignment to undeclared {m.group(1)}")
            frame[name] = self._convert(self._eval(m.group(2), frame, types), types[name])
            return i + 1
        raise Unsupported(line)

    @staticmethod
    def _matching(lines: list[str], i: int, opens: tuple[str, ...], closes: tuple[str, ...]) -> int:
        depth = 0
        for j in range(i, len(lines)):
            low = lines[j].lower()
            if any(low.startswith(o) for o in opens) and not (opens == ("if ",) and not low.endswith(" then")):
                depth += 1
            elif low in closes:
                depth -= 1
                if depth == 0:
                    return j
        raise Unsupported(f"unclosed block at {lines[i]!r}")

    def _if_block(self, lines: list[str], i: int, frame: dict[str, V], types: dict[str, str]) -> int:
        end = self._matching(lines, i, ("if ",), ("end if",))
        branches: list[tuple[str | None, int]] = [(lines[i][3:-5], i)]  # (condition, line index)
        depth = 0
        for j in range(i + 1, end):
            low = lines[j].lower()
            if low.startswith("if ") and low.endswith(" then"):
                depth += 1
            elif low == "end if":
                depth -= 1
            elif depth == 0 and low.startswith("elseif ") and low.endswith(" then"):
                branches.append((lines[j][7:-5], j))
            elif depth == 0 and low == "else":
                branches.append((None, j))
        for k, (cond, start) in enumerate(branches):
            stop = branches[k + 1][1] if k + 1 < len(branches) else end
            if cond is None or self._truth(self._eval(cond, frame, types)):
                self._block(lines[start + 1 : stop], frame, types)
                break
        return end + 1

    @staticmethod
    def _truth(v: V) -> bool:
        if v.type == "String":
            raise Unsupported("String as a condition")
        return v.value != 0

    # -- expressions (MS-VBAL 5.6.9: precedence from ^ down to Or) --------------------------------

    def _eval(self, text: str, frame: dict[str, V], types: dict[str, str]) -> V:
        self._toks = tokenize(text)
        self._pos = 0
        self._frame = frame
        value = self._or()
        if self._pos != len(self._toks):
            raise Unsupported(f"trailing {self._toks[self._pos :]} in {text!r}")
        return value

    def _peek(self) -> str:
        return self._toks[self._pos][1].lower() if self._pos < len(self._toks) else ""

    def _take(self) -> tuple[str, str]:
        tok = self._toks[self._pos]
        self._pos += 1
        return tok

    def _binary(self, ops: tuple[str, ...], sub: Any, apply: Any) -> V:
        left = sub()
        while self._peek() in ops:
            op = self._take()[1].lower()
            left = apply(op, left, sub())
        return left

    def _or(self) -> V:
        return self._binary(("or", "xor"), self._and, self._logic)

    def _and(self) -> V:
        return self._binary(("and",), self._not, self._logic)

    def _not(self) -> V:
        if self._peek() == "not":
            self._take()
            v = self._not()
            if v.type == "String":
                raise Unsupported("Not on a String")
            return V(v.type, ~v.value)
        return self._compare()

    def _compare(self) -> V:
        return self._binary(("=", "<>", "<", ">", "<=", ">="), self._concat, self._relation)

    def _concat(self) -> V:
        return self._binary(("&",), self._add, lambda _op, a, b: V("String", self._str(a) + self._str(b)))

    def _add(self) -> V:
        return self._binary(("+", "-"), self._mod, self._arith)

    def _mod(self) -> V:
        return self._binary(("mod",), self._intdiv, self._arith)

    def _intdiv(self) -> V:
        return self._binary(("\\",), self._mul, self._arith)

    def _mul(self) -> V:
        if any(t[1] in ("/", "^") for t in self._toks):
            raise Unsupported("/ and ^ give Double, which is not modelled")
        return self._binary(("*",), self._unary, self._arith)

    def _unary(self) -> V:
        if self._peek() == "-":
            self._take()
            v = self._unary()
            return self._arith("-", V("Integer", 0) if v.type != "Long" else V("Long", 0), v)
        return self._primary()

    def _primary(self) -> V:
        kind, text = self._take()
        if kind in ("str", "hex", "num"):
            return literal(kind, text)
        if text == "(":
            v = self._or()
            self._expect(")")
            return v
        if kind != "name":
            raise Unsupported(text)
        low = text.lower()
        if low in ("true", "false"):
            return _bool(low == "true")
        if self._peek() == "(":
            self._take()
            args: list[V] = []
            refs: list[str | None] = []
            while self._peek() != ")":
                start = self._pos
                args.append(self._or())
                bare = self._pos == start + 1 and self._toks[start][0] == "name"
                refs.append(
                    self._toks[start][1].lower() if bare and self._toks[start][1].lower() in self._frame else None
                )
                if self._peek() == ",":
                    self._take()
            self._expect(")")
            return self._call(text, args, refs)
        if low not in self._frame:
            raise Unsupported(f"unknown name {text}")
        return self._frame[low]

    def _expect(self, tok: str) -> None:
        if self._peek() != tok:
            raise Unsupported(f"expected {tok!r}")
        self._pos += 1

    def _call(self, name: str, args: list[V], refs: list[str | None]) -> V:
        low = name.lower()
        builtin = BUILTINS.get(low)
        if builtin is not None:
            return builtin(*args)
        # A user function: its evaluation uses a fresh parser state, restored afterwards.
        state = (self._toks, self._pos, self._frame)
        try:
            return self._invoke(name, args, refs, self._frame)
        finally:
            self._toks, self._pos, self._frame = state

    # -- operators ---------------------------------------------------------------------------------

    @staticmethod
    def _str(v: V) -> str:
        if v.type == "String":
            return v.value
        if v.type == "Boolean":
            return "True" if v.value else "False"
        return str(v.value)

    @staticmethod
    def _numeric(a: V, b: V) -> str:
        if "String" in (a.type, b.type):
            raise Unsupported("arithmetic on a String")
        return "Long" if "Long" in (a.type, b.type) else "Integer"

    def _arith(self, op: str, a: V, b: V) -> V:
        t = self._numeric(a, b)
        x, y = a.value, b.value
        if op in ("\\", "mod") and y == 0:
            raise VbaError(11, "division by zero")
        if op == "+":
            r = x + y
        elif op == "-":
            r = x - y
        elif op == "*":
            r = x * y
        elif op == "\\":
            r = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1)  # truncates toward zero
        else:
            r = abs(x) % abs(y) * (1 if x >= 0 else -1)
        return _int(t, r)

    def _logic(self, op: str, a: V, b: V) -> V:
        if a.type == b.type == "Boolean":
            t = "Boolean"
        else:
            t = self._numeric(a, b)
        r = a.value & b.value if op == "and" else a.value | b.value if op == "or" else a.value ^ b.value
        return V(t, r)

    @staticmethod
    def _relation(op: str, a: V, b: V) -> V:
        if (a.type == "String") != (b.type == "String"):
            raise Unsupported("comparing a String with a number")
        x, y = a.value, b.value
        if a.type == "String":  # Option Compare Binary: by code unit
            x, y = [ord(c) for c in x], [ord(c) for c in y]
        return _bool({"=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op])


def _need(v: V, *types: str) -> Any:
    if v.type not in types:
        raise Unsupported(f"{v.type} where {types} expected")
    return v.value


def _len(s: V) -> V:
    return V("Long", len(_need(s, "String")))


def _mid(s: V, start: V, length: V | None = None) -> V:
    text, st = _need(s, "String"), _need(start, "Integer", "Long")
    if st < 1:
        raise VbaError(5, "Mid$ start < 1")
    n = len(text) if length is None else _need(length, "Integer", "Long")
    if n < 0:
        raise VbaError(5, "Mid$ length < 0")
    return V("String", text[st - 1 : st - 1 + n])


def _ascw(s: V) -> V:
    text = _need(s, "String")
    if not text:
        raise VbaError(5, 'AscW("")')
    code = ord(text[0])
    return V("Integer", code - 2**16 if code > INT_RANGE[1] else code)


def _chrw(n: V) -> V:
    code = _need(n, "Integer", "Long")
    if not -(2**15) <= code <= 0xFFFF:
        raise VbaError(5, f"ChrW({code})")
    return V("String", chr(code & 0xFFFF))


def _right(s: V, n: V) -> V:
    text, k = _need(s, "String"), _need(n, "Integer", "Long")
    if k < 0:
        raise VbaError(5, "Right$ length < 0")
    return V("String", text[len(text) - k :] if k else "")


def _hex(n: V) -> V:
    value = _need(n, "Integer", "Long", "Boolean")
    mask = 0xFFFF if n.type in ("Integer", "Boolean") else 0xFFFFFFFF
    return V("String", format(value & mask, "X"))


BUILTINS = {"len": _len, "mid$": _mid, "ascw": _ascw, "chrw": _chrw, "right$": _right, "hex$": _hex}


def active_lines(source: str, consts: dict[str, bool]) -> list[str]:
    """The lines VBA compiles under the conditional-compilation constants `consts` (#If/#ElseIf/#Else).

    Conditions are single constant names, optionally with `Not`: all the module uses.
    """
    out: list[str] = []
    stack: list[tuple[bool, bool]] = []  # (this branch active, some branch already taken)

    def cond(text: str) -> bool:
        text = text.strip()
        if text.lower().startswith("not "):
            return not cond(text[4:])
        if text not in consts:
            raise Unsupported(f"#If {text}")
        return consts[text]

    for line in source.replace("\r\n", "\n").split("\n"):
        s = line.strip()
        outer = all(active for active, _ in stack)
        if m := re.match(r"^#If (.*) Then$", s, re.I):
            taken = cond(m.group(1))
            stack.append((taken, taken))
        elif m := re.match(r"^#ElseIf (.*) Then$", s, re.I):
            _, done = stack[-1]
            now = not done and cond(m.group(1))
            stack[-1] = (now, done or now)
        elif s.lower() == "#else":
            _, done = stack[-1]
            stack[-1] = (not done, True)
        elif s.lower() == "#end if":
            stack.pop()
        elif outer and all(active for active, _ in stack):
            out.append(line)
    if stack:
        raise Unsupported("unclosed #If")
    return out
