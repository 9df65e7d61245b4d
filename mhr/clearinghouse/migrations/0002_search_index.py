"""Full-text search index: PostgreSQL tsvector columns with GIN indexes, or SQLite FTS5 tables.

The tables are not Django models; mhr.clearinghouse.search reads and writes them with raw SQL.
There is deliberately no foreign key to the resource table on PostgreSQL (Django's test flush
truncates model tables without CASCADE). The filter and sort keys (type, access, publication date,
title) are copied into the index (on SQLite into a narrow table of their own) so searches never
join the resource table per match.
After migrating an existing database, run `mhr reindex`.
"""

# DDL built from constants only.
# ruff: noqa: S608

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE TABLE clearinghouse_search_doc (
        resource_id bigint PRIMARY KEY,
        is_public boolean NOT NULL,
        resource_type text NOT NULL,
        published_on date NULL,
        title_key text NOT NULL,
        head_text text NOT NULL,
        full_text text NOT NULL,
        head_tsv tsvector NOT NULL,
        body_tsv tsvector NOT NULL,
        open_tsv tsvector NOT NULL,
        full_tsv tsvector NOT NULL,
        head_words text NOT NULL,
        full_words text NOT NULL
    )
    """,
    "CREATE INDEX clearinghouse_search_doc_open_gin ON clearinghouse_search_doc USING gin (open_tsv)",
    "CREATE INDEX clearinghouse_search_doc_full_gin ON clearinghouse_search_doc USING gin (full_tsv)",
    # Date and title orders walk these and stop after one page of matches.
    "CREATE INDEX clearinghouse_search_doc_newest ON clearinghouse_search_doc "
    "(published_on DESC NULLS LAST, resource_id DESC)",
    "CREATE INDEX clearinghouse_search_doc_oldest ON clearinghouse_search_doc "
    "(published_on ASC NULLS LAST, resource_id ASC)",
    "CREATE INDEX clearinghouse_search_doc_title ON clearinghouse_search_doc (title_key, resource_id)",
    """
    CREATE TABLE clearinghouse_search_word (
        word text COLLATE "C" PRIMARY KEY,
        open_docs integer NOT NULL,
        full_docs integer NOT NULL
    )
    """,
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS clearinghouse_search_word",
    "DROP TABLE IF EXISTS clearinghouse_search_doc",
]

FTS_COLUMNS = "title, summary, topics, body, attachments"
FTS_OPTIONS = "tokenize = 'porter unicode61 remove_diacritics 2', content_rowid = 'resource_id'"


def _fts_values(prefix):
    return f"{prefix}.title, {prefix}.summary, {prefix}.topics, {prefix}.body, {prefix}.attachments"


def _open_values(prefix):
    return (
        f"{prefix}.title, {prefix}.summary, {prefix}.topics, "
        f"CASE WHEN {prefix}.is_public THEN {prefix}.body ELSE '' END, "
        f"CASE WHEN {prefix}.is_public THEN {prefix}.attachments ELSE '' END"
    )


SQLITE_FORWARD = [
    """
    CREATE TABLE clearinghouse_search_doc (
        resource_id integer PRIMARY KEY
            REFERENCES clearinghouse_resource (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        is_public bool NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        topics text NOT NULL,
        body text NOT NULL,
        attachments text NOT NULL,
        head_words text NOT NULL,
        full_words text NOT NULL
    )
    """,
    # Filter and sort keys in a narrow table of their own: a text row spans many pages, this one
    # is a few dozen bytes, so checking filters and walking in date or title order stays cheap.
    """
    CREATE TABLE clearinghouse_search_key (
        resource_id integer PRIMARY KEY
            REFERENCES clearinghouse_resource (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        is_public bool NOT NULL,
        resource_type text NOT NULL,
        published_on date NULL,
        title_key text NOT NULL
    )
    """,
    "CREATE INDEX clearinghouse_search_key_date ON clearinghouse_search_key "
    "(published_on, resource_id)",
    # SQLite puts NULL first; the oldest-first order puts undated resources last instead.
    "CREATE INDEX clearinghouse_search_key_oldest ON clearinghouse_search_key "
    "(published_on IS NULL, published_on, resource_id)",
    "CREATE INDEX clearinghouse_search_key_title ON clearinghouse_search_key "
    "(title_key, resource_id)",
    """
    CREATE VIEW clearinghouse_search_open_content AS
    SELECT resource_id, title, summary, topics,
           CASE WHEN is_public THEN body ELSE '' END AS body,
           CASE WHEN is_public THEN attachments ELSE '' END AS attachments
    FROM clearinghouse_search_doc
    """,
    f"""
    CREATE VIRTUAL TABLE clearinghouse_search_full USING fts5(
        {FTS_COLUMNS}, content = 'clearinghouse_search_doc', {FTS_OPTIONS})
    """,
    f"""
    CREATE VIRTUAL TABLE clearinghouse_search_open USING fts5(
        {FTS_COLUMNS}, content = 'clearinghouse_search_open_content', {FTS_OPTIONS})
    """,
    f"""
    CREATE TRIGGER clearinghouse_search_doc_insert AFTER INSERT ON clearinghouse_search_doc BEGIN
        INSERT INTO clearinghouse_search_full (rowid, {FTS_COLUMNS})
            VALUES (new.resource_id, {_fts_values("new")});
        INSERT INTO clearinghouse_search_open (rowid, {FTS_COLUMNS})
            VALUES (new.resource_id, {_open_values("new")});
    END
    """,
    f"""
    CREATE TRIGGER clearinghouse_search_doc_delete AFTER DELETE ON clearinghouse_search_doc BEGIN
        INSERT INTO clearinghouse_search_full (clearinghouse_search_full, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.resource_id, {_fts_values("old")});
        INSERT INTO clearinghouse_search_open (clearinghouse_search_open, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.resource_id, {_open_values("old")});
    END
    """,
    f"""
    CREATE TRIGGER clearinghouse_search_doc_update AFTER UPDATE ON clearinghouse_search_doc BEGIN
        INSERT INTO clearinghouse_search_full (clearinghouse_search_full, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.resource_id, {_fts_values("old")});
        INSERT INTO clearinghouse_search_open (clearinghouse_search_open, rowid, {FTS_COLUMNS})
            VALUES ('delete', old.resource_id, {_open_values("old")});
        INSERT INTO clearinghouse_search_full (rowid, {FTS_COLUMNS})
            VALUES (new.resource_id, {_fts_values("new")});
        INSERT INTO clearinghouse_search_open (rowid, {FTS_COLUMNS})
            VALUES (new.resource_id, {_open_values("new")});
    END
    """,
    """
    CREATE TABLE clearinghouse_search_word (
        word text PRIMARY KEY,
        open_docs integer NOT NULL,
        full_docs integer NOT NULL
    ) WITHOUT ROWID
    """,
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS clearinghouse_search_word",
    "DROP TRIGGER IF EXISTS clearinghouse_search_doc_update",
    "DROP TRIGGER IF EXISTS clearinghouse_search_doc_delete",
    "DROP TRIGGER IF EXISTS clearinghouse_search_doc_insert",
    "DROP TABLE IF EXISTS clearinghouse_search_open",
    "DROP TABLE IF EXISTS clearinghouse_search_full",
    "DROP VIEW IF EXISTS clearinghouse_search_open_content",
    "DROP TABLE IF EXISTS clearinghouse_search_key",
    "DROP TABLE IF EXISTS clearinghouse_search_doc",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Search supports PostgreSQL and SQLite, not {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("clearinghouse", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
