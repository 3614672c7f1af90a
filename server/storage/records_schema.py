"""Schema v4: the academic records (LSQ) beside the census tables, as one forward migration.

Kept in its own module so the migration list in db.py gains one entry and the records' tables are
read in one place. Decimals (credits, hours, scores) are stored as their exact text ("1.5", "79.5"):
a GPA is computed on exact fractions, and a float column would feed it binary approximations.

Tables:
  record_uploads  accepted academic workbooks: form, year, term (0 = whole year), class, the kept file
  subjects        a school's subjects for a year (curriculum form), one row per grade, term and code
  results         one pupil's result in one subject and term, with the subject's load as the sheet carried it
  assessments     one pupil's year assessments (reading, characteristics, activities) as JSON
"""

SCHEMA_V4 = """
CREATE TABLE record_uploads (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  form TEXT NOT NULL CHECK (form IN ('curriculum','results','assessments')),
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
CREATE INDEX record_uploads_unit ON record_uploads(unit_code, year);

CREATE TABLE subjects (
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  grade TEXT NOT NULL,
  term INTEGER NOT NULL DEFAULT 0,
  subject_code TEXT NOT NULL,
  subject_name TEXT NOT NULL,
  kind TEXT,
  credits TEXT,
  hours TEXT,
  area TEXT,
  upload_id INTEGER NOT NULL REFERENCES record_uploads(id),
  PRIMARY KEY (year, unit_code, grade, term, subject_code)
) WITHOUT ROWID;

CREATE TABLE results (
  year INTEGER NOT NULL,
  term INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  class_name TEXT NOT NULL,
  subject_code TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  student_no TEXT,
  first_name TEXT,
  last_name TEXT,
  subject_name TEXT NOT NULL,
  kind TEXT,
  credits TEXT,
  hours TEXT,
  area TEXT,
  attendance_pct TEXT,
  score_term TEXT,
  score_final TEXT,
  score_total TEXT,
  grade TEXT,
  pending INTEGER NOT NULL DEFAULT 0,
  upload_id INTEGER NOT NULL REFERENCES record_uploads(id),
  PRIMARY KEY (year, term, unit_code, subject_code, citizen_id)
) WITHOUT ROWID;
CREATE INDEX results_pupil ON results(unit_code, citizen_id);
CREATE INDEX results_class ON results(unit_code, year, term, class_name);

CREATE TABLE assessments (
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  class_name TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  student_no TEXT,
  ratings TEXT NOT NULL DEFAULT '{}',
  upload_id INTEGER NOT NULL REFERENCES record_uploads(id),
  PRIMARY KEY (year, unit_code, citizen_id)
) WITHOUT ROWID;
"""
"""v4: academic records (subjects, results, assessments) and the uploads they came from."""
