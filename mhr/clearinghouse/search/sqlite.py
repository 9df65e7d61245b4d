"""SQLite FTS5 search (tables and triggers made by migration 0002).

`clearinghouse_search_doc` holds the text; triggers keep two external-content FTS5 tables in step:
`clearinghouse_search_full` (every field, searched for members) and `clearinghouse_search_open`
(body and attachments blanked for members-only resources, searched for everyone else).
"""

# SQL here is assembled only from constants and placeholders; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable

from mhr.clearinghouse.search.common import (
    CANDIDATE_LIMIT,
    DOC_TABLE,
    ORDERS,
    Filters,
    filter_sql,
    placeholders,
)
from mhr.clearinghouse.search.documents import Document
from mhr.clearinghouse.search.query import MARK_END, MARK_START, ParsedQuery

FULL = "clearinghouse_search_full"
OPEN = "clearinghouse_search_open"
# bm25 column weights: title, summary, topics, body, attachments.
BM25 = "10.0, 5.0, 5.0, 2.0, 1.0"

WRITE_SQL = f"""
INSERT INTO {DOC_TABLE} (resource_id, is_public, title, summary, topics, body, attachments,
                         head_words, full_words)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _write_params(document: Document, head_words: set[str], full_words: set[str]) -> list:
    return [
        document.resource_id,
        document.is_public,
        document.title,
        document.summary,
        document.topics,
        document.body,
        document.attachments,
        " ".join(sorted(head_words)),
        " ".join(sorted(full_words)),
    ]


def write(cursor, document: Document, head_words: set[str], full_words: set[str]) -> None:
    delete(cursor, document.resource_id)
    cursor.execute(WRITE_SQL, _write_params(document, head_words, full_words))


def write_many(cursor, items: Iterable[tuple[Document, set[str], set[str]]]) -> None:
    cursor.executemany(WRITE_SQL, [_write_params(*item) for item in items])


def delete(cursor, resource_id: int) -> None:
    cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE resource_id = %s", [resource_id])


def clear(cursor) -> None:
    cursor.execute(f"DELETE FROM {DOC_TABLE}")


def after_rebuild(cursor) -> None:
    # Merge the index segments written during a bulk load into one, which keeps queries fast.
    for table in (FULL, OPEN):
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def candidates(
    cursor,
    parsed: ParsedQuery,
    *,
    filters: Filters,
    viewer_is_member: bool,
    sort: str,
    limit: int,
    offset: int,
) -> tuple[list[tuple[int, float]], int]:
    table = FULL if viewer_is_member else OPEN
    where, where_params = filter_sql(filters)
    if sort != "relevance":
        return _sorted(cursor, parsed, table, where, where_params, sort, limit, offset)
    # Rank only the first matches (newest rows first); CROSS JOIN keeps the index the outer loop.
    cursor.execute(
        f"""
        SELECT c.id, c.score, count(*) OVER () FROM (
            SELECT r.id AS id, r.published_on AS published_on, r.title AS title,
                   -bm25({table}, {BM25}) AS score
            FROM {table} CROSS JOIN clearinghouse_resource r ON r.id = {table}.rowid
            WHERE {table} MATCH %s AND {where}
            ORDER BY {table}.rowid DESC
            LIMIT %s
        ) AS c
        ORDER BY {ORDERS["relevance"]}
        LIMIT %s OFFSET %s
        """,
        [parsed.fts5, *where_params, CANDIDATE_LIMIT, limit, offset],
    )
    rows = cursor.fetchall()
    total = rows[0][2] if rows else 0
    return [(row[0], float(row[1])) for row in rows], total


SORTED_ORDERS = {
    # SQLite sorts NULL first, so DESC already puts undated resources last.
    "newest": "r.published_on DESC, r.id DESC",
    "oldest": "r.published_on IS NULL, r.published_on ASC, r.id ASC",
    "title": "lower(r.title) ASC, r.id ASC",
}


def _sorted(cursor, parsed, table, where, where_params, sort, limit, offset):
    """Date and title orders over every match: walk resources in order, keep the matching ones."""
    cursor.execute(
        f"""
        SELECT count(*) FROM (
            SELECT 1 FROM {table} CROSS JOIN clearinghouse_resource r ON r.id = {table}.rowid
            WHERE {table} MATCH %s AND {where} LIMIT %s
        )
        """,
        [parsed.fts5, *where_params, CANDIDATE_LIMIT],
    )
    total = cursor.fetchone()[0]
    if not total:
        return [], 0
    cursor.execute(
        f"""
        SELECT r.id FROM clearinghouse_resource r
        WHERE r.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s) AND {where}
        ORDER BY {SORTED_ORDERS[sort]}
        LIMIT %s OFFSET %s
        """,
        [parsed.fts5, *where_params, limit, offset],
    )
    return [(row[0], 0.0) for row in cursor.fetchall()], total


def snippets(
    cursor, parsed: ParsedQuery, ids: list[int], *, viewer_is_member: bool
) -> dict[int, str]:
    if not ids:
        return {}
    # The open table holds no body or attachment text for members-only resources.
    table = FULL if viewer_is_member else OPEN
    cursor.execute(
        f"SELECT rowid, snippet({table}, -1, %s, %s, %s, 32) FROM {table} "
        f"WHERE {table} MATCH %s AND rowid IN ({placeholders(ids)})",
        [MARK_START, MARK_END, "…", parsed.fts5, *ids],
    )
    return dict(cursor.fetchall())


def bare(cursor, parsed: ParsedQuery, limit: int = 20) -> list[int]:
    """The plain ranked full-text query, for the benchmark's comparison."""
    cursor.execute(
        f"SELECT rowid FROM {FULL} WHERE {FULL} MATCH %s ORDER BY rank LIMIT %s",
        [parsed.fts5, limit],
    )
    return [row[0] for row in cursor.fetchall()]
