"""Thai personal IDs and MOE G-Codes.

A leading 0 is a valid ID (people without Thai nationality or registration status: exactly the
border-province children); several libraries wrongly reject it, this module does not.
"""

from __future__ import annotations

import re
from operator import mul

GCODE = re.compile(r"^G[0-9]{12}$")
_WEIGHTS = tuple(range(13, 1, -1))
_ASCII_ZERO_TOTAL = 48 * sum(_WEIGHTS)  # the weighted sum counts code points; this takes the "0"s back out

NON_THAI_CATEGORIES = frozenset("067")
"""First digits of IDs given to people without Thai nationality (0: no registration status, 6 and 7:
foreigners and their children). A G-Code is given to learners without civil registration at all."""
THAI_CATEGORIES = frozenset("12345")


def thai_id_check_digit(first12: str) -> int:
    """(11 − Σ dᵢ·(14−i) for i=1..12 mod 11) mod 10, the rule of the Department of Provincial Administration."""
    total = sum(map(mul, first12.encode("ascii"), _WEIGHTS)) - _ASCII_ZERO_TOTAL
    return (11 - total % 11) % 10


def is_thai_id(text: str) -> bool:
    """13 ASCII digits with a correct check digit (any first digit, 0 included)."""
    return (
        len(text) == 13 and text.isascii() and text.isdigit() and thai_id_check_digit(text[:12]) == ord(text[12]) - 48
    )


def is_gcode(text: str) -> bool:
    """`G` + 12 digits (BE year, province, sequence). No check digit is documented, so none is checked."""
    return GCODE.match(text) is not None


def with_check_digit(first12: str) -> str:
    """Complete 12 digits into a valid ID; used by the synthetic data and the tests."""
    return first12 + str(thai_id_check_digit(first12))


def _runs() -> frozenset[str]:
    """Twelve digits no registry office gives out: one digit repeated (000000000000, 111111111111...)
    and a simple run up or down, wrapping 9→0 (123456789012, 012345678901, 987654321098...)."""
    out = set()
    for start in range(10):
        out.add(str(start) * 12)
        out.add("".join(str((start + i) % 10) for i in range(12)))
        out.add("".join(str((start - i) % 10) for i in range(12)))
    return frozenset(out)


PLACEHOLDER_DIGITS = _runs()
"""The first 12 digits of an ID (or the 12 digits of a G-Code) that a clerk types when the real number is
unknown. With its check digit such an ID passes the checksum (0000000000001, 1111111111119), so it is
refused by pattern. A leading 0 alone is no sign of this: 0-category IDs are real border-province
children's."""


def is_placeholder_id(text: str) -> bool:
    """A 13-digit ID or a G-Code whose 12 digits are one repeated digit or a simple run."""
    digits = text[1:] if text[:1] == "G" else text[:12]
    return len(text) == 13 and digits in PLACEHOLDER_DIGITS


def id_category(text: str) -> str | None:
    """'thai', 'non_thai' or None (unknown) from an ID's first character."""
    if not text:
        return None
    first = text[0]
    if first == "G" or first in NON_THAI_CATEGORIES:
        return "non_thai"
    if first in THAI_CATEGORIES:
        return "thai"
    return None
