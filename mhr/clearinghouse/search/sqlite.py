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
KEY_TABLE = "clearinghouse_search_key"
# bm25 column weights: title, summary, topics, body, attachments.
BM25 = "10.0, 5.0, 5.0, 2.0, 1.0"

WRITE_SQL = f"""
INSERT INTO {DOC_TABLE} (resource_id, is_public, title, summary, topics, body, attachments,
                         head_words, full_words)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""  # nosec B608 # table names, orders and placeholders are constants; values are parameters
WRITE_KEY_SQL = f"""
INSERT INTO {KEY_TABLE} (resource_id, is_public, resource_type, published_on, title_key)
VALUES (%s, %s, %s, %s, %s)
"""  # nosec B608 # table names, orders and placeholders are constants; values are parameters


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


def _key_params(document: Document) -> list:
    return [
        document.resource_id,
        document.is_public,
        document.resource_type,
        document.published_on,
        document.title_key,
    ]


def write(cursor, document: Document, head_words: set[str], full_words: set[str]) -> None:
    delete(cursor, document.resource_id)
    cursor.execute(WRITE_SQL, _write_params(document, head_words, full_words))
    cursor.execute(WRITE_KEY_SQL, _key_params(document))


def write_many(cursor, items: Iterable[tuple[Document, set[str], set[str]]]) -> None:
    items = list(items)
    cursor.executemany(WRITE_SQL, [_write_params(*item) for item in items])
    cursor.executemany(WRITE_KEY_SQL, [_key_params(item[0]) for item in items])


def delete(cursor, resource_id: int) -> None:
    cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE resource_id = %s", [resource_id])  # nosec B608 # table names, orders and placeholders are constants; values are parameters
    cursor.execute(f"DELETE FROM {KEY_TABLE} WHERE resource_id = %s", [resource_id])  # nosec B608 # table names, orders and placeholders are constants; values are parameters


DELETE_TRIGGER = "clearinghouse_search_doc_delete"


def clear(cursor) -> None:
    # Emptying the FTS tables at once is far cheaper than the delete trigger re-tokenizing every
    # old row, so the trigger is set aside (in this transaction) while the text table is emptied.
    cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [DELETE_TRIGGER]
    )
    row = cursor.fetchone()
    cursor.execute(f"DELETE FROM {KEY_TABLE}")  # nosec B608 # table names, orders and placeholders are constants; values are parameters
    if row is None:
        cursor.execute(f"DELETE FROM {DOC_TABLE}")  # nosec B608 # table names, orders and placeholders are constants; values are parameters
        return
    cursor.execute(f"DROP TRIGGER {DELETE_TRIGGER}")
    for table in (FULL, OPEN):
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # nosec B608 # table names, orders and placeholders are constants; values are parameters
    cursor.execute(f"DELETE FROM {DOC_TABLE}")  # nosec B608 # table names, orders and placeholders are constants; values are parameters
    cursor.execute(row[0])


def after_rebuild(cursor) -> None:
    # Merge the index segments written during a bulk load into one, which keeps queries fast.
    for table in (FULL, OPEN):
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # nosec B608 # table names, orders and placeholders are constants; values are parameters


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
            SELECT d.resource_id AS id, d.published_on AS published_on,
                   -bm25({table}, {BM25}) AS score
            FROM {table} CROSS JOIN {KEY_TABLE} d ON d.resource_id = {table}.rowid
            WHERE {table} MATCH %s AND {where}
            ORDER BY {table}.rowid DESC
            LIMIT %s
        ) AS c
        ORDER BY {ORDERS["relevance"]}
        LIMIT %s OFFSET %s
        """,  # nosec B608 # table names, orders and placeholders are constants; values are parameters
        [parsed.fts5, *where_params, CANDIDATE_LIMIT, limit, offset],
    )
    rows = cursor.fetchall()
    total = rows[0][2] if rows else 0
    return [(row[0], float(row[1])) for row in rows], total


SORTED_ORDERS = {
    # SQLite sorts NULL first, so DESC already puts undated resources last.
    "newest": "d.published_on DESC, d.resource_id DESC",
    "oldest": "d.published_on IS NULL, d.published_on ASC, d.resource_id ASC",
    "title": "d.title_key ASC, d.resource_id ASC",
}


def _sorted(cursor, parsed, table, where, where_params, sort, limit, offset):
    """Date and title orders over every match.

    The order keys live in the narrow key table, which has an index for each order.
    """
    cursor.execute(
        f"""
        SELECT count(*) FROM (
            SELECT 1 FROM {table} CROSS JOIN {KEY_TABLE} d ON d.resource_id = {table}.rowid
            WHERE {table} MATCH %s AND {where} LIMIT %s
        )
        """,  # nosec B608 # table names, orders and placeholders are constants; values are parameters
        [parsed.fts5, *where_params, CANDIDATE_LIMIT],
    )
    total = cursor.fetchone()[0]
    if not total:
        return [], 0
    # Few matches: look each one up and sort them. Many: walk the date or title index and stop
    # after one page (the unary + keeps SQLite from driving the walk by the match list instead).
    drive = "d.resource_id" if total < CANDIDATE_LIMIT else "+d.resource_id"
    cursor.execute(
        f"""
        SELECT d.resource_id FROM {KEY_TABLE} d
        WHERE {drive} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s) AND {where}
        ORDER BY {SORTED_ORDERS[sort]}
        LIMIT %s OFFSET %s
        """,  # nosec B608 # table names, orders and placeholders are constants; values are parameters
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
        f"WHERE {table} MATCH %s AND rowid IN ({placeholders(ids)})",  # nosec B608 # table names, orders and placeholders are constants; values are parameters
        [MARK_START, MARK_END, "…", parsed.fts5, *ids],
    )
    return dict(cursor.fetchall())


def bare(cursor, parsed: ParsedQuery, limit: int = 20) -> list[int]:
    """The plain ranked full-text query, for the benchmark's comparison."""
    cursor.execute(
        f"SELECT rowid FROM {FULL} WHERE {FULL} MATCH %s ORDER BY rank LIMIT %s",  # nosec B608 # table names, orders and placeholders are constants; values are parameters
        [parsed.fts5, limit],
    )
    return [row[0] for row in cursor.fetchall()]
