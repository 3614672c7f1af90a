"""Findings and the rule catalogue.

Every rule is declared once here with a stable code, a severity and its message in Thai (with English
beside it for the catalogue). Rule functions only ever produce findings through `Rule.finding`, so a
code cannot appear in the output without appearing in `docs/rules.md`, which is generated from
`RULES`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from validators.fields import header_of

Severity = Literal["error", "warning", "info"]

SEVERITY_TH = {"error": "ข้อผิดพลาด", "warning": "คำเตือน", "info": "ปรับให้อัตโนมัติ"}


@dataclass(slots=True)
class Finding:
    """One verdict about one cell (or row, or roster).

    `row` is the Excel row number when the record came from a workbook (what a clerk looks for),
    `column` the stable key of the column (never the Thai header, which may be reworded).
    """

    code: str
    severity: Severity
    column: str | None
    message: str
    row: int | None = None
    sheet: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class FindingsView:
    """The verdict's views by severity, shared by every result that holds `findings`."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and wording. `th` and `en` are `str.format` templates."""

    code: str
    severity: Severity
    group: str
    th: str
    en: str

    def finding(
        self,
        column: str | None,
        row: int | None = None,
        value: object = None,
        **params: object,
    ) -> Finding:
        return Finding(
            code=self.code,
            severity=self.severity,
            column=column,
            message=self.th.format(value=value, header=header_of(column or ""), **params),
            row=row,
            value=None if value is None else str(value),
        )


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, group: str, th: str, en: str) -> Rule:
    """Declare a rule. Codes are part of the public contract: never reuse or rename one."""
    if code in RULES:
        raise ValueError(f"rule {code} declared twice")
    RULES[code] = r = Rule(code, severity, group, th, en)
    return r
