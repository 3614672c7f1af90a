"""The rule catalogue as Markdown, generated from `RULES` so that `docs/rules.md` cannot drift."""

from __future__ import annotations

# Importing the rule modules declares every rule.
from validators import academic, centre, counts, other_pupils, records, roster, units  # noqa: F401
from validators.findings import RULES, SEVERITY_TH

GROUP_TITLES = {
    "normalisation": "การปรับข้อมูลที่พิมพ์ (Normalisation)",
    "identity": "เลขประจำตัว (Identity)",
    "person": "ข้อมูลบุคคล (Person)",
    "age": "อายุ ณ 16 พฤษภาคม (Age)",
    "removal": "ทะเบียนนำออก (Removed-children register)",
    "roster": "ทั้งบัญชีรายชื่อ (Roster)",
    "counts": "จำนวนนักเรียนสังกัดอื่น (Other-affiliation counts)",
    "other_pupils": "รายชื่อนักเรียนสังกัดอื่น (Other-affiliation pupil lists)",
    "centre": "ข้อมูลพื้นฐานศูนย์พัฒนาเด็กเล็ก (Child centre basic data)",
    "units": "รหัสหน่วยงาน (Unit codes)",
    "academic_common": "งานทะเบียนวัดผล: ทั่วไป (Academic records: common)",
    "academic_subjects": "รายวิชา (Subjects and subject codes)",
    "academic_results": "ผลการเรียนรายวิชา (Subject results and grades)",
    "academic_pupils": "รายชื่อนักเรียนในแบบบันทึกผล (Pupils of a results sheet)",
    "academic_assessments": "ผลการประเมินรายปี (Yearly assessments)",
    "academic_localschool": "ผลการเรียนย้อนหลังจาก LocalSchool (LocalSchool migration)",
    "academic_register": "ทะเบียนนักเรียนของนายทะเบียน (The registrar's pupil register)",
}


def render_markdown(extra_groups: dict[str, str] | None = None) -> str:
    """Every declared rule, grouped, with its code, severity, Thai message and English meaning."""
    titles = {**GROUP_TITLES, **(extra_groups or {})}
    lines = [
        "# Validation rules",
        "",
        "Generated from the code (`validators/`) by `lec rules --out docs/rules.md`; a test fails when",
        "this file and the code disagree. Codes are stable: programs may rely on them.",
        "Severity: **error** stops an upload; **warning** is shown and accepted; **info** says what the",
        "system changed in what a person typed (Thai digits, abbreviations, BE years...).",
        "",
    ]
    groups: dict[str, list] = {}
    for r in RULES.values():
        groups.setdefault(r.group, []).append(r)
    for group in sorted(groups, key=lambda g: list(titles).index(g) if g in titles else len(titles)):
        lines += [f"## {titles.get(group, group)}", "", "| code | severity | ข้อความ (Thai) | meaning |"]
        lines.append("|---|---|---|---|")
        for r in sorted(groups[group], key=lambda r: r.code):
            th = r.th.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{r.code}` | {r.severity} ({SEVERITY_TH[r.severity]}) | {th} | {r.en} |")
        lines.append("")
    return "\n".join(lines)
