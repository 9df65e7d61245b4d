"""PostgreSQL full-text search: stored tsvectors with GIN indexes (table made by migration 0002).

One row per published resource. `open_tsv` is what non-members search (everything for public
resources; title, summary and topics for members-only ones), `full_tsv` is what members search.
Ranking reads only the small `head_tsv` (title A, summary and topics B) and `body_tsv` (body C):
the large attachment text (D) decides whether a resource matches but is never detoasted to rank it.
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

CONFIG = "english"
# ts_rank weights in {D, C, B, A} order: attachments, body, summary/topics, title.
WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
# Snippets highlight within the first this-many characters of the text: ts_headline parses all
# of what it is given, and whole attachments cost milliseconds each. A match found only later
# shows the summary instead.
SNIPPET_WINDOW = 2500
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, ShortWord=3"
)

WRITE_SQL = f"""
INSERT INTO {DOC_TABLE} (resource_id, is_public, resource_type, published_on, title_key,
                         head_text, full_text, head_tsv, body_tsv,
                         open_tsv, full_tsv, head_words, full_words)
SELECT %(id)s, %(public)s, %(resource_type)s, %(published_on)s, %(title_key)s,
       %(head_text)s, %(full_text)s, t.h, t.b,
       CASE WHEN %(public)s THEN t.h || t.b || t.a ELSE t.h END, t.h || t.b || t.a,
       %(head_words)s, %(full_words)s
FROM (SELECT setweight(to_tsvector('{CONFIG}', %(title)s), 'A')
             || setweight(to_tsvector('{CONFIG}', %(summary)s), 'B') AS h,
             setweight(to_tsvector('{CONFIG}', %(body)s), 'C') AS b,
             setweight(to_tsvector('{CONFIG}', %(attachments)s), 'D') AS a) AS t
ON CONFLICT (resource_id) DO UPDATE SET
    is_public = EXCLUDED.is_public, resource_type = EXCLUDED.resource_type,
    published_on = EXCLUDED.published_on, title_key = EXCLUDED.title_key, head_text = EXCLUDED.head_text,
    full_text = EXCLUDED.full_text, head_tsv = EXCLUDED.head_tsv, body_tsv = EXCLUDED.body_tsv,
    open_tsv = EXCLUDED.open_tsv, full_tsv = EXCLUDED.full_tsv,
    head_words = EXCLUDED.head_words, full_words = EXCLUDED.full_words
"""  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters


def _write_params(document: Document, head_words: set[str], full_words: set[str]) -> dict:
    return {
        "id": document.resource_id,
        "public": document.is_public,
        "resource_type": document.resource_type,
        "published_on": document.published_on,
        "title_key": document.title_key,
        "head_text": document.head_text,
        "full_text": document.full_text,
        "title": document.title,
        "summary": "\n".join(p for p in (document.summary, document.topics) if p),
        "body": document.body,
        "attachments": document.attachments,
        "head_words": " ".join(sorted(head_words)),
        "full_words": " ".join(sorted(full_words)),
    }


def write(cursor, document: Document, head_words: set[str], full_words: set[str]) -> None:
    cursor.execute(WRITE_SQL, _write_params(document, head_words, full_words))


def write_many(cursor, items: Iterable[tuple[Document, set[str], set[str]]]) -> None:
    cursor.executemany(WRITE_SQL, [_write_params(*item) for item in items])


def delete(cursor, resource_id: int) -> None:
    cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE resource_id = %s", [resource_id])  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters


def clear(cursor) -> None:
    cursor.execute(f"DELETE FROM {DOC_TABLE}")  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters


def after_rebuild(cursor) -> None:
    cursor.execute(f"ANALYZE {DOC_TABLE}")


def tsquery(parsed: ParsedQuery) -> tuple[str, list[object]]:
    """A tsquery expression built from parameters only: the engine never parses user syntax."""
    parts = []
    params: list[object] = []
    for term in parsed.terms:
        function = "phraseto_tsquery" if term.phrase else "plainto_tsquery"
        parts.append(f"{function}('{CONFIG}', %s)")
        params.append(term.text)
    return "(" + " && ".join(parts) + ")", params


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
    query, query_params = tsquery(parsed)
    where, where_params = filter_sql(filters)
    column = "full_tsv" if viewer_is_member else "open_tsv"
    # The filters come before the match: PostgreSQL keeps the written order among conditions of
    # equal cost, so a scan checks the cheap columns before reading a large tsvector.
    if sort != "relevance":
        return _sorted(
            cursor, query, query_params, column, where, where_params, sort, limit, offset
        )
    score = (
        f"ts_rank('{WEIGHTS}', d.head_tsv, {query}) + CASE WHEN d.is_public OR %s "
        f"THEN ts_rank('{WEIGHTS}', d.body_tsv, {query}) ELSE 0 END"
    )
    params = [
        *query_params,
        viewer_is_member,
        *query_params,
        *where_params,
        *query_params,
        CANDIDATE_LIMIT,
        limit,
        offset,
    ]
    cursor.execute(
        f"""
        SELECT c.id, c.score, count(*) OVER () FROM (
            SELECT d.resource_id AS id, d.published_on, {score} AS score
            FROM {DOC_TABLE} d
            WHERE {where} AND d.{column} @@ {query}
            LIMIT %s
        ) AS c
        ORDER BY {ORDERS["relevance"]}
        LIMIT %s OFFSET %s
        """,  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters
        params,
    )
    rows = cursor.fetchall()
    total = rows[0][2] if rows else 0
    return [(row[0], float(row[1])) for row in rows], total


SORTED_ORDERS = {
    "newest": "d.published_on DESC NULLS LAST, d.resource_id DESC",
    "oldest": "d.published_on ASC NULLS LAST, d.resource_id ASC",
    "title": "d.title_key ASC, d.resource_id ASC",
}


def _sorted(cursor, query, query_params, column, where, where_params, sort, limit, offset):
    """Date and title orders over every match; the total stops at the candidate limit.

    The order matches an index on the index table, so the planner can walk it and stop after one
    page when matches are common, or sort the few matches when they are rare.
    """
    cursor.execute(
        f"""
        SELECT count(*) FROM (
            SELECT 1 FROM {DOC_TABLE} d
            WHERE {where} AND d.{column} @@ {query} LIMIT %s
        ) AS c
        """,  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters
        [*where_params, *query_params, CANDIDATE_LIMIT],
    )
    total = cursor.fetchone()[0]
    if not total:
        return [], 0
    cursor.execute(
        f"""
        SELECT d.resource_id FROM {DOC_TABLE} d
        WHERE {where} AND d.{column} @@ {query}
        ORDER BY {SORTED_ORDERS[sort]}
        LIMIT %s OFFSET %s
        """,  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters
        [*where_params, *query_params, limit, offset],
    )
    return [(row[0], 0.0) for row in cursor.fetchall()], total


def snippets(
    cursor, parsed: ParsedQuery, ids: list[int], *, viewer_is_member: bool
) -> dict[int, str]:
    if not ids:
        return {}
    query, query_params = tsquery(parsed)
    # Non-members' snippets of members-only resources come from title, summary and topics only.
    cursor.execute(
        f"""
        SELECT d.resource_id, ts_headline('{CONFIG}',
            CASE WHEN d.head_tsv @@ {query} THEN d.head_text
                 WHEN d.is_public OR %s THEN left(d.full_text, %s)
                 ELSE d.head_text END,
            {query}, %s)
        FROM {DOC_TABLE} d WHERE d.resource_id IN ({placeholders(ids)})
        """,  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters
        [
            *query_params,
            viewer_is_member,
            SNIPPET_WINDOW,
            *query_params,
            HEADLINE_OPTIONS,
            *ids,
        ],
    )
    return dict(cursor.fetchall())


def bare(cursor, parsed: ParsedQuery, limit: int = 20) -> list[int]:
    """The plain ranked full-text query, for the benchmark's comparison."""
    query, query_params = tsquery(parsed)
    cursor.execute(
        f"SELECT resource_id FROM {DOC_TABLE} WHERE full_tsv @@ {query} "
        f"ORDER BY ts_rank(full_tsv, {query}) DESC LIMIT %s",  # nosec B608 # table names, orders, tsquery calls and placeholders are constants; values are parameters
        [*query_params, *query_params, limit],
    )
    return [row[0] for row in cursor.fetchall()]
