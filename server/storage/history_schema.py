"""Schema v9: the LocalSchool migration and the registrar's pupil register (LSQ part 2), one migration.

record_uploads is rebuilt without its CHECK on `form` (SQLite cannot alter a CHECK): the academic
forms are a list in code (workbook_templates.academic_meta.ACADEMIC_FORMS) and grew by two here
(`localschool`, `register`); a third would otherwise need a third rebuild. With foreign keys on (and
they cannot be turned off inside the migration's transaction) the old table can only be dropped while
nothing points at it, so results, subjects and assessments wait in temporary copies meanwhile and come
back unchanged; their foreign keys name `record_uploads`, which the new table then is.

Tables:
  localschool_imports  one LocalSchool import (an accepted record_uploads row): counts, and the rows that
                       failed with their Thai reasons (JSON), from which the failed-rows workbook is built
  pupil_register       the registrar's register, one row per pupil of a school: student number, parents,
                       entry (date, previous school), leaving (date, reason), the ปพ.1 series and number
"""

SCHEMA_V9 = """
CREATE TEMP TABLE v8_results AS SELECT * FROM results;
CREATE TEMP TABLE v8_subjects AS SELECT * FROM subjects;
CREATE TEMP TABLE v8_assessments AS SELECT * FROM assessments;
DELETE FROM results;
DELETE FROM subjects;
DELETE FROM assessments;
CREATE TABLE record_uploads_v8 (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  form TEXT NOT NULL,
  term INTEGER NOT NULL DEFAULT 0,
  class_name TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL REFERENCES files(sha256),
  filename TEXT,
  user_id INTEGER REFERENCES users(id),
  login TEXT,
  uploaded_at TEXT NOT NULL,
  rows INTEGER NOT NULL,
  warnings TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO record_uploads_v8 SELECT * FROM record_uploads;
DROP TABLE record_uploads;
ALTER TABLE record_uploads_v8 RENAME TO record_uploads;
INSERT INTO results SELECT * FROM temp.v8_results;
INSERT INTO subjects SELECT * FROM temp.v8_subjects;
INSERT INTO assessments SELECT * FROM temp.v8_assessments;
DROP TABLE temp.v8_results;
DROP TABLE temp.v8_subjects;
DROP TABLE temp.v8_assessments;
CREATE INDEX record_uploads_unit ON record_uploads(unit_code, year);

CREATE TABLE localschool_imports (
  upload_id INTEGER PRIMARY KEY REFERENCES record_uploads(id),
  rows INTEGER NOT NULL,
  stored INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  failed_rows TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE pupil_register (
  unit_code TEXT NOT NULL REFERENCES units(code),
  citizen_id TEXT NOT NULL,
  student_no TEXT,
  first_name TEXT,
  last_name TEXT,
  birth_date TEXT,
  class_name TEXT,
  father_name TEXT,
  mother_name TEXT,
  entry_date TEXT,
  previous_school TEXT,
  leave_date TEXT,
  leave_reason TEXT,
  pp1_series TEXT,
  pp1_number TEXT,
  year INTEGER NOT NULL,
  upload_id INTEGER NOT NULL REFERENCES record_uploads(id),
  PRIMARY KEY (unit_code, citizen_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX pupil_register_pp1 ON pupil_register(unit_code, pp1_series, pp1_number)
  WHERE pp1_number IS NOT NULL;
"""
"""v8: record_uploads takes any academic form; LocalSchool imports and their failed rows; the pupil register."""
