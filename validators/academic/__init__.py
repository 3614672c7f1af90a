"""Academic records (LSQ, letter 004) as pure Python: subject codes, a school's subjects, results and
grades, the per-year assessments, and grade-point averages.

Entry points (rows are `(excel_row, {column_key: raw_value})` as a reader got them, like the roster's):

- `validate_curriculum(rows)` for the `curriculum` form (a school's subjects for a year);
- `validate_results(subject, rows, grade=..., class_name=..., roster=...)` for one subject's sheet of a
  `results` workbook (one class and term);
- `validate_assessments(rows, class_name=..., roster=...)` for the `assessments` form;
- `validate_localschool(rows, last_year=...)` for the `localschool` migration (past results, row by row);
- `validate_register(rows)` for the registrar's `register` (student numbers, parents, entry, leaving, ปพ.1);
- `summarise(graded_subjects)` (and `gpa`, `gpa_by_term`, `gpa_by_area`, `gpax`, `cut2`) for a
  pupil's record and transcript.

The grade bands, marks and learning areas are data (`scales.json`, `areas.json`), read by `data.py`.
This package imports nothing of the project outside `validators`.
"""

from validators.academic.assessments import ACTIVITY_KEYS, RATING_KEYS, AssessmentsResult, validate_assessments
from validators.academic.common import class_grade, level_of, scale_name
from validators.academic.data import Scale, areas, assessment, scale, scales
from validators.academic.gpa import (
    AreaGPA,
    GradedSubject,
    RecordSummary,
    Tally,
    cut2,
    gpa,
    gpa_by_area,
    gpa_by_term,
    gpax,
    grade_value,
    summarise,
    weighted,
)
from validators.academic.localschool import LOCALSCHOOL_KEYS, LocalSchoolResult, validate_localschool
from validators.academic.register import LEAVE_REASONS, REGISTER_KEYS, RegisterResult, validate_register
from validators.academic.results import (
    Pupil,
    ResultsResult,
    ResultSubject,
    grade_for,
    total_of,
    validate_results,
)
from validators.academic.subjects import (
    CurriculumResult,
    SubjectCode,
    area_of,
    check_subject,
    parse_subject_code,
    validate_curriculum,
)

__all__ = [
    "ACTIVITY_KEYS",
    "LEAVE_REASONS",
    "LOCALSCHOOL_KEYS",
    "RATING_KEYS",
    "REGISTER_KEYS",
    "AreaGPA",
    "AssessmentsResult",
    "CurriculumResult",
    "GradedSubject",
    "LocalSchoolResult",
    "Pupil",
    "RecordSummary",
    "RegisterResult",
    "ResultSubject",
    "ResultsResult",
    "Scale",
    "SubjectCode",
    "Tally",
    "area_of",
    "areas",
    "assessment",
    "check_subject",
    "class_grade",
    "cut2",
    "gpa",
    "gpa_by_area",
    "gpa_by_term",
    "gpax",
    "grade_for",
    "grade_value",
    "level_of",
    "parse_subject_code",
    "scale",
    "scale_name",
    "scales",
    "summarise",
    "total_of",
    "validate_assessments",
    "validate_curriculum",
    "validate_localschool",
    "validate_register",
    "validate_results",
    "weighted",
]
