"""Schema v8: registrars (people appointed by order beside a unit's census login) and the graduate
reports (ปพ.3) with their submit / approve / return chain, as one forward migration.

Tables:
  users.duty                 'registrar' for a registrar's login; NULL for the census login and admins
                             (users.role stays 'unit' for both, so the v1 CHECK holds)
  appointments               who holds a unit's registrar duty, by which order (number and date); a
                             change of registrar ends the row (ended_at) and starts a new one;
                             `profile_mark` is the last profile id then, so the person's own profile
                             is the first of the login after it
  graduate_reports           the current state of one report (year, unit, level): submitted, returned
                             or approved, and its current version
  graduate_report_versions   every version a school submitted: the kept file (sha256 in `files`), the
                             graduates and the digest of the figures it was built from (append-only)
  graduate_report_events     submit / approve / return, by whom (user, profile), with the reason (append-only)
"""

SCHEMA_V8 = """
ALTER TABLE users ADD COLUMN duty TEXT CHECK (duty IS NULL OR duty = 'registrar');

CREATE TABLE appointments (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  unit_code TEXT NOT NULL REFERENCES units(code),
  duty TEXT NOT NULL CHECK (duty = 'registrar'),
  person TEXT NOT NULL,
  order_no TEXT NOT NULL,
  order_date TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  appointed_by TEXT NOT NULL,
  profile_mark INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX appointments_current ON appointments(unit_code, duty) WHERE ended_at IS NULL;

CREATE TABLE graduate_reports (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  level TEXT NOT NULL CHECK (level IN ('p6','m3','m6','pvc3','pvs2')),
  state TEXT NOT NULL CHECK (state IN ('submitted','returned','approved')),
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (year, unit_code, level)
);
CREATE INDEX graduate_reports_unit ON graduate_reports(unit_code);

CREATE TABLE graduate_report_versions (
  report_id INTEGER NOT NULL REFERENCES graduate_reports(id),
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL REFERENCES files(sha256),
  figures_sha256 TEXT NOT NULL,
  graduates INTEGER NOT NULL,
  candidates INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (report_id, version)
);

CREATE TABLE graduate_report_events (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES graduate_reports(id),
  version INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('submit','approve','return')),
  reason TEXT,
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  profile_id INTEGER REFERENCES profiles(id),
  login TEXT NOT NULL
);
CREATE INDEX graduate_report_events_report ON graduate_report_events(report_id);

CREATE TRIGGER graduate_report_versions_no_update BEFORE UPDATE ON graduate_report_versions
BEGIN SELECT RAISE(ABORT, 'graduate_report_versions is append-only'); END;
CREATE TRIGGER graduate_report_versions_no_delete BEFORE DELETE ON graduate_report_versions
BEGIN SELECT RAISE(ABORT, 'graduate_report_versions is append-only'); END;
CREATE TRIGGER graduate_report_events_no_update BEFORE UPDATE ON graduate_report_events
BEGIN SELECT RAISE(ABORT, 'graduate_report_events is append-only'); END;
CREATE TRIGGER graduate_report_events_no_delete BEFORE DELETE ON graduate_report_events
BEGIN SELECT RAISE(ABORT, 'graduate_report_events is append-only'); END;
"""
"""v8: registrars' appointments and the graduate reports (ปพ.3) with their kept versions and chain events."""
