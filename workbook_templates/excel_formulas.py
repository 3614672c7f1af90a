"""The Excel-native checks: formulas that judge a row with no add-in and no Python.

They run in Excel, LibreOffice and WPS, so they use only old, universal functions (no LET, no dynamic
arrays, no array constants). Each predicate is an expression for one cell reference; the template uses
the same expression in three places: conditional formatting (highlight the cell), the per-row verdict
column (a Thai word a clerk can read and filter on), and, where Excel's 255-character limit allows,
data validation (refuse the entry). The Python validators remain the authority; these catch the common
slips while the clerk types.

Pitfalls (design.md): an error result in a validation or conditional format means "invalid" or "no
format", so every predicate is wrapped in IFERROR(...,FALSE); MID(x,i,1)*k on a non-digit is #VALUE!,
which the wrap turns into "not valid".
"""

from __future__ import annotations

from collections.abc import Sequence

ID_WEIGHTS = tuple(range(13, 1, -1))  # 13, 12, ..., 2 for digits 1..12


def thai_id_ok(ref: str) -> str:
    """TRUE when `ref` holds a 13-digit Thai ID with a correct check digit (leading 0 allowed).

    `X&""=TEXT(X*1,"0000000000000")` proves every character is a digit (a space, sign, decimal point or
    exponent changes the round trip) and also accepts an ID that Excel stored as a number.
    """
    total = "+".join(f"MID({ref},{i},1)*{w}" for i, w in enumerate(ID_WEIGHTS, start=1))
    return (
        f'IFERROR(AND(LEN({ref})=13,{ref}&""=TEXT({ref}*1,"0000000000000"),'
        f"MOD(11-MOD({total},11),10)=MID({ref},13,1)*1),FALSE)"
    )


def g_code_ok(ref: str) -> str:
    """TRUE for an MOE G-Code: the letter G and 12 digits (no check digit is documented)."""
    return (
        f'IFERROR(AND(LEN({ref})=13,EXACT(LEFT({ref},1),"G"),'
        f'MID({ref},2,12)=TEXT(MID({ref},2,12)*1,"000000000000")),FALSE)'
    )


def id_ok(ref: str) -> str:
    """A valid identity number of either kind."""
    return f"OR({thai_id_ok(ref)},{g_code_ok(ref)})"


def id_shape_ok(ref: str) -> str:
    """The data-validation test for an ID: 13 characters, digits or G + digits.

    The full check digit does not fit Excel's 255-character limit for validation formulas, so the entry
    is refused for its shape and highlighted (conditional format, verdict column) for its check digit.
    """
    return (
        f'IFERROR(AND(LEN({ref})=13,OR(ISNUMBER(-{ref}),AND(EXACT(LEFT({ref},1),"G"),'
        f"ISNUMBER(-MID({ref},2,12))))),FALSE)"
    )


def blank(ref: str) -> str:
    """TRUE when a cell is empty or holds only spaces."""
    return f"LEN(TRIM({ref}))=0"


def row_has_data(first_ref: str, last_ref: str) -> str:
    """TRUE when any input cell of the row holds something: checks apply to started rows only."""
    return f"COUNTA({first_ref}:{last_ref})>0"


def duplicate(ref: str, column_range: str) -> str:
    """TRUE when the ID appears more than once in the column (both occurrences are highlighted).

    The criterion is forced to text (`&""`): LibreOffice matches a numeric criterion against numbers
    only, so an ID typed as a number would not see its text twin; a text criterion matches both.
    """
    return f'IFERROR(AND({ref}<>"",COUNTIF({column_range},{ref}&"")>1),FALSE)'


def any_blank(refs: Sequence[str]) -> str:
    """TRUE when any of the required cells of a row is blank."""
    return "OR(" + ",".join(blank(r) for r in refs) + ")"


def count_bad(ref: str) -> str:
    """TRUE for a count that is blank, not a number, negative or not whole (letters: 0, never blank)."""
    return f"IFERROR(OR({blank(ref)},NOT(ISNUMBER({ref})),{ref}<0,{ref}<>INT({ref})),TRUE)"


def verdict(checks: Sequence[tuple[str, str]], started: str, ok_word: str) -> str:
    """A nested IF naming the first failed check in Thai: "" for an empty row, `ok_word` when all pass.

    `checks` is a sequence of (predicate_true_when_bad, thai_word).
    """
    expr = f'"{ok_word}"'
    for bad, word in reversed(checks):
        expr = f'IF({bad},"{word}",{expr})'
    return f'=IF({started},{expr},"")'
