"""The store's schema, as numbered migrations recorded in the database itself.

A migration is applied once, in order, inside the transaction that records it, so a store is always at
exactly one version. Never edit a migration that has shipped: add the next one.

Rows are only ever added. A report row is the output of one extractor and rule version over one document
(its id is a hash of those three), so re-deriving after an upgrade adds rows and ``current_reports`` shows
the newest per document; the agency a report belongs to is resolved at query time through ``agency_aliases``
so that editing the alias file never rewrites a report.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.catalogue import cell_keys


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def _wide_view() -> str:
    cols = ",\n  ".join(f"max(value) FILTER (WHERE key = '{k}') AS \"{k}\"" for k in cell_keys())
    return f"CREATE VIEW report_values AS SELECT report_id,\n  {cols}\nFROM cells GROUP BY report_id;"


_INITIAL = """
CREATE TABLE documents (
  sha256      VARCHAR PRIMARY KEY,   -- of the bytes: the same bytes ingested twice are one document
  path        VARCHAR NOT NULL,      -- where they were first read
  size        BIGINT NOT NULL,
  content     BLOB,                  -- zlib of the bytes, so a recheck needs no access to the original path
  ingested_at TIMESTAMP NOT NULL
);
CREATE TABLE read_errors (           -- a document this extractor could not read as a report, and why
  sha256            VARCHAR NOT NULL,
  extractor_version VARCHAR NOT NULL,
  error             VARCHAR NOT NULL,
  created_at        TIMESTAMP NOT NULL,
  PRIMARY KEY (sha256, extractor_version)
);
CREATE TABLE agencies (
  agency_key    VARCHAR PRIMARY KEY, -- division code + normalised local name (agencies.normalise)
  name          VARCHAR NOT NULL,    -- as first printed (or as the alias file names it)
  level         VARCHAR,
  province      VARCHAR,
  city          VARCHAR,
  county        VARCHAR,
  division_code VARCHAR
);
CREATE TABLE agency_aliases (       -- user-edited: every report keyed `alias_key` belongs to `agency_key`
  alias_key  VARCHAR PRIMARY KEY,
  agency_key VARCHAR NOT NULL,
  alias      VARCHAR NOT NULL,       -- the name as the user wrote it
  canonical  VARCHAR NOT NULL
);
CREATE TABLE reports (
  report_id         VARCHAR PRIMARY KEY,  -- hash of (sha256, extractor_version, rules_version)
  sha256            VARCHAR NOT NULL,
  agency_name       VARCHAR,              -- as printed
  auto_key          VARCHAR,              -- normalised agency key before aliases
  year              INTEGER,
  format_version    VARCHAR NOT NULL,
  kind              VARCHAR NOT NULL,     -- text / markdown / html / docx / pdf / image
  extractor_version VARCHAR NOT NULL,
  rules_version     VARCHAR NOT NULL,
  errors            INTEGER NOT NULL,
  warnings          INTEGER NOT NULL,
  infos             INTEGER NOT NULL,
  body              BLOB NOT NULL,        -- zlib JSON of the report without cells/details (those are rows below)
  created_at        TIMESTAMP NOT NULL,
  seq               BIGINT NOT NULL       -- insertion order, to tell the newest row of a document
);
CREATE TABLE cells (
  report_id    VARCHAR NOT NULL,
  key          VARCHAR NOT NULL,          -- one of the 200 keys of FORMAT.md
  value        DOUBLE,
  raw          VARCHAR,
  status       VARCHAR NOT NULL,
  line         INTEGER,
  col          INTEGER,
  end_col      INTEGER,
  end_line     INTEGER,
  page         INTEGER,
  bbox         DOUBLE[],
  alternatives DOUBLE[],
  note         VARCHAR
);
CREATE TABLE findings (
  report_id VARCHAR NOT NULL,
  scope     VARCHAR NOT NULL,             -- 'report' (xxgk.check) or 'history' (across the store)
  rule      VARCHAR NOT NULL,
  severity  VARCHAR NOT NULL,
  message   VARCHAR NOT NULL,
  cells     VARCHAR[],
  section   INTEGER,
  tbl       VARCHAR,
  place     VARCHAR,                      -- JSON of the Place
  data      VARCHAR,                      -- JSON
  ord       INTEGER NOT NULL
);
CREATE TABLE history_runs (                -- when the cross-report rules last ran, over which reports
  ran_at    TIMESTAMP NOT NULL,
  reports   BIGINT NOT NULL,
  pairs     BIGINT NOT NULL,
  findings  BIGINT NOT NULL
);
CREATE VIEW current_reports AS
  SELECT r.*, coalesce(a.agency_key, r.auto_key) AS agency_key
  FROM reports r LEFT JOIN agency_aliases a ON a.alias_key = r.auto_key
  QUALIFY row_number() OVER (PARTITION BY r.sha256 ORDER BY r.seq DESC) = 1;
"""


def _wide_view_by_position() -> str:
    """report_values again, reading each report's values from one ordered list instead of 200 FILTERs.

    In DuckDB 2.0 a ``max(value) FILTER (WHERE key = …)`` per column pivots ~30x slower than gathering a
    report's values into a list in catalogue order and reading them by position (see corpus/frame.py).
    """
    keys = cell_keys()
    arr = "[" + ", ".join(f"'{k}'" for k in keys) + "]"
    cols = ",\n  ".join(
        f'CASE WHEN len(ix) = {len(keys)} THEN l[{i}] ELSE l[list_position(ix, {i})] END AS "{k}"'
        for i, k in enumerate(keys, start=1)
    )
    return (
        f"CREATE OR REPLACE VIEW report_values AS SELECT report_id,\n  {cols}\n"
        f"FROM (SELECT c.report_id, list(c.value ORDER BY k.i) AS l, list(k.i ORDER BY k.i) AS ix FROM cells c "
        f"JOIN (SELECT unnest({arr}) AS key, generate_subscripts({arr}, 1) AS i) k USING (key) "
        f"GROUP BY c.report_id);"
    )


# Migration 3 rebuilds the three tables that get a row per document without their PRIMARY KEYs. DuckDB
# backs a PRIMARY KEY with an ART index that must stay in memory and grows with the store (~19 MB of the
# writer's memory at 100,000 reports, and it keeps growing), while the one writer already decides what is
# new inside each batch's transaction (``Store._write``): the keys bought nothing but memory and insert
# time. DuckDB cannot drop a constraint in place, so each table is copied; the views bind by name and
# keep working. The small, user-sized tables (agencies, agency_aliases) keep theirs.
_NO_DOCUMENT_INDEXES = """
CREATE TABLE documents_v3 (
  sha256      VARCHAR NOT NULL,      -- unique: the writer inserts only hashes the table lacks
  path        VARCHAR NOT NULL,
  size        BIGINT NOT NULL,
  content     BLOB,
  ingested_at TIMESTAMP NOT NULL
);
INSERT INTO documents_v3 SELECT sha256, path, size, content, ingested_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v3 RENAME TO documents;
CREATE TABLE read_errors_v3 (        -- unique on (sha256, extractor_version), kept so by the writer
  sha256            VARCHAR NOT NULL,
  extractor_version VARCHAR NOT NULL,
  error             VARCHAR NOT NULL,
  created_at        TIMESTAMP NOT NULL
);
INSERT INTO read_errors_v3 SELECT sha256, extractor_version, error, created_at FROM read_errors;
DROP TABLE read_errors;
ALTER TABLE read_errors_v3 RENAME TO read_errors;
CREATE TABLE reports_v3 (
  report_id         VARCHAR NOT NULL,     -- unique: the writer skips ids the table has
  sha256            VARCHAR NOT NULL,
  agency_name       VARCHAR,
  auto_key          VARCHAR,
  year              INTEGER,
  format_version    VARCHAR NOT NULL,
  kind              VARCHAR NOT NULL,
  extractor_version VARCHAR NOT NULL,
  rules_version     VARCHAR NOT NULL,
  errors            INTEGER NOT NULL,
  warnings          INTEGER NOT NULL,
  infos             INTEGER NOT NULL,
  body              BLOB NOT NULL,
  created_at        TIMESTAMP NOT NULL,
  seq               BIGINT NOT NULL
);
INSERT INTO reports_v3 SELECT report_id, sha256, agency_name, auto_key, year, format_version, kind,
  extractor_version, rules_version, errors, warnings, infos, body, created_at, seq FROM reports;
DROP TABLE reports;
ALTER TABLE reports_v3 RENAME TO reports;
"""

# the tables whose uniqueness the writer keeps (see Store._write), with the columns that are unique
WRITER_UNIQUE: dict[str, tuple[str, ...]] = {
    "documents": ("sha256",),
    "read_errors": ("sha256", "extractor_version"),
    "reports": ("report_id",),
}

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", _INITIAL + _wide_view()),
    Migration(2, "report_values by position", _wide_view_by_position()),
    Migration(3, "per-document tables without ART indexes", _NO_DOCUMENT_INDEXES),
)
