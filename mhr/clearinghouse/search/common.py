"""SQL pieces both engines share: filters, sort orders and the candidate limit."""

# SQL here is assembled only from constants and placeholders; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from dataclasses import dataclass

from mhr.clearinghouse.models import Resource, Topic

DOC_TABLE = "clearinghouse_search_doc"
# Relevance is computed only over this many matches (the first ones the index yields after the
# filters), so a word found in nearly every resource costs about the same as a rare one.
# Totals stop here too (SearchPage.total_capped).
CANDIDATE_LIMIT = 1000


@dataclass(frozen=True)
class Filters:
    resource_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    access: str = ""


def placeholders(values: tuple | list) -> str:
    return ", ".join(["%s"] * len(values))


def filter_sql(filters: Filters) -> tuple[str, list[object]]:
    """WHERE clauses on the index table aliased `d`, which holds only published resources."""
    clauses = ["1 = 1"]
    params: list[object] = []
    if filters.resource_types:
        clauses.append(f"d.resource_type IN ({placeholders(filters.resource_types)})")
        params += list(filters.resource_types)
    if filters.access:
        clauses.append("d.is_public = %s")
        params.append(filters.access == Resource.Access.PUBLIC)
    if filters.years:
        ranges = []
        for year in filters.years:
            ranges.append("(d.published_on >= %s AND d.published_on < %s)")
            params += [datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)]
        clauses.append("(" + " OR ".join(ranges) + ")")
    if filters.topics:
        through = Resource.topics.through._meta.db_table
        topic_table = Topic._meta.db_table
        # The through table's (resource_id, topic_id) index answers this without the resource row.
        clauses.append(
            f"EXISTS (SELECT 1 FROM {through} rt WHERE rt.resource_id = d.resource_id "
            f"AND rt.topic_id IN (SELECT t.id FROM {topic_table} t "
            f"WHERE t.slug IN ({placeholders(filters.topics)})))"  # nosec B608 # table names from model metadata and placeholders only; values are parameters
        )
        params += list(filters.topics)
    return " AND ".join(clauses), params


# Relevance order over the candidates (`c`); date and title orders are per engine.
ORDERS = {
    "relevance": "c.score DESC, c.published_on DESC NULLS LAST, c.id DESC",
}
