"""Full-text search over published clearinghouse resources, on PostgreSQL or SQLite FTS5.

    from mhr.clearinghouse import search
    page = search.search_resources(search.SearchRequest(text="de-escalation", viewer_is_member=False))

Non-members search, and get snippets and suggestions from, only text they may read: everything of
public resources, and the title, summary and topics of members-only ones.
"""

from __future__ import annotations

import html
import logging
import math
import re
from dataclasses import dataclass, field
from types import ModuleType

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from mhr.clearinghouse.models import Attachment, Resource, Topic
from mhr.clearinghouse.search import postgres, sqlite, suggest
from mhr.clearinghouse.search.common import CANDIDATE_LIMIT, Filters
from mhr.clearinghouse.search.documents import Document, document_for
from mhr.clearinghouse.search.query import MARK_END, MARK_START, ParsedQuery, parse_query

__all__ = [
    "SearchHit",
    "SearchPage",
    "SearchRequest",
    "index_resource",
    "reindex_all",
    "search_resources",
]

logger = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "oldest", "title")
ACCESS_CHOICES = ("", Resource.Access.PUBLIC.value, Resource.Access.MEMBERS.value)
MAX_PER_PAGE = 100
MAX_FILTER_VALUES = 50
REINDEX_BATCH = 200


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    viewer_is_member: bool = False
    resource_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    access: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class SearchHit:
    resource: Resource
    # Escaped text with <mark> around matches: safe to render as is.
    snippet_html: str
    rank: float


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    num_pages: int
    suggestion: str | None = None
    message: str | None = None
    # True when the total stopped at the candidate limit: there may be more matches.
    total_capped: bool = field(default=False)


def _backend() -> ModuleType:
    return postgres if connection.vendor == "postgresql" else sqlite


def _empty(request_page: object, message: str | None, suggestion: str | None = None) -> SearchPage:
    page = request_page if isinstance(request_page, int) and request_page > 0 else 1
    return SearchPage(
        hits=[], total=0, page=page, num_pages=1, suggestion=suggestion, message=message
    )


# --- indexing -----------------------------------------------------------------------------------


def _document(resource: Resource) -> Document:
    return document_for(
        resource,
        topic_names=[topic.name for topic in resource.topics.all()],
        attachment_texts=[a.extracted_text for a in resource.attachments.all()],
    )


def _with_text() -> Prefetch:
    return Prefetch(
        "attachments",
        queryset=Attachment.objects.only("id", "resource_id", "extracted_text").order_by("id"),
    )


def index_resource(resource: Resource) -> None:
    """Bring one resource's index entry up to date; resources that are not published are removed."""
    current = (
        Resource.objects.filter(pk=resource.pk)
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.only("id", "name")), _with_text()
        )
        .first()
    )
    backend = _backend()
    with transaction.atomic(), connection.cursor() as cursor:
        old = suggest.stored_words(cursor, resource.pk)
        if current is None or current.status != Resource.Status.PUBLISHED:
            if old is not None:
                backend.delete(cursor, resource.pk)
                suggest.apply_word_changes(cursor, old, None)
            return
        document = _document(current)
        head_words, full_words = document.head_words, document.full_words
        backend.write(cursor, document, head_words, full_words)
        open_words = full_words if document.is_public else head_words
        suggest.apply_word_changes(cursor, old, (open_words, full_words))


def reindex_all() -> int:
    """Rebuild the whole index from the published resources; returns how many were indexed."""
    backend = _backend()
    vocabulary = suggest.VocabularyBuilder()
    count = 0
    last_id = 0
    with transaction.atomic(), connection.cursor() as cursor:
        backend.clear(cursor)
        while True:
            batch = list(
                Resource.objects.published()
                .filter(pk__gt=last_id)
                .order_by("pk")
                .only(
                    "id",
                    "title",
                    "summary",
                    "body",
                    "access",
                    "status",
                    "resource_type",
                    "published_on",
                )
                .prefetch_related(
                    Prefetch("topics", queryset=Topic.objects.only("id", "name")), _with_text()
                )[:REINDEX_BATCH]
            )
            if not batch:
                break
            items = []
            for resource in batch:
                document = _document(resource)
                full_words = document.full_words
                vocabulary.add(document, full_words)
                items.append((document, document.head_words, full_words))
            backend.write_many(cursor, items)
            count += len(batch)
            last_id = batch[-1].pk
        vocabulary.write(cursor)
        backend.after_rebuild(cursor)
    return count


# --- searching ----------------------------------------------------------------------------------


def _validate(request: SearchRequest) -> tuple[Filters | None, str | None]:
    if not isinstance(request.text, str):
        return None, "The search text could not be read."
    if request.sort not in SORTS:
        return None, "Choose a sort order from the list."
    if request.access not in ACCESS_CHOICES:
        return None, "Choose “public” or “members only” for access."
    if isinstance(request.page, bool) or not isinstance(request.page, int) or request.page < 1:
        return None, "That page number is not valid."
    per_page = request.per_page
    if (
        isinstance(per_page, bool)
        or not isinstance(per_page, int)
        or not 1 <= per_page <= MAX_PER_PAGE
    ):
        return None, f"Results per page must be between 1 and {MAX_PER_PAGE}."
    groups = (request.resource_types, request.topics, request.years)
    if any(not isinstance(g, tuple | list) or len(g) > MAX_FILTER_VALUES for g in groups):
        return None, "Too many filters were chosen."
    valid_types = set(Resource.Type.values)
    if any(t not in valid_types for t in request.resource_types):
        return None, "One of the chosen resource types does not exist."
    if any(not isinstance(slug, str) or len(slug) > 100 for slug in request.topics):
        return None, "One of the chosen topics does not exist."
    if any(
        isinstance(y, bool) or not isinstance(y, int) or not 1000 <= y <= 9998
        for y in request.years
    ):
        return None, "One of the chosen years is not valid."
    return (
        Filters(
            resource_types=tuple(dict.fromkeys(request.resource_types)),
            topics=tuple(dict.fromkeys(request.topics)),
            years=tuple(sorted(set(request.years))),
            access=request.access,
        ),
        None,
    )


def search_resources(request: SearchRequest) -> SearchPage:
    """One page of published resources matching the request, best first (or in the chosen order)."""
    filters, problem = _validate(request)
    if filters is None:
        return _empty(request.page, problem)
    parsed = parse_query(request.text)
    try:
        if parsed.is_empty:
            return _browse(request, filters, parsed.message)
        return _search(request, filters, parsed)
    except DatabaseError:
        # Never a 500 for a search; the query is logged so the cause can be found.
        logger.exception("Search failed for %r", parsed.text)
        return _empty(request.page, "Search is not available right now. Please try again.")


def _load(ids: list[int]) -> dict[int, Resource]:
    # By primary key only (a status condition would let SQLite pick the status index and scan).
    resources = (
        Resource.objects.filter(pk__in=ids)
        .order_by()
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
    )
    # Checked again here in case the index is behind a status change made outside the services.
    return {
        resource.pk: resource
        for resource in resources
        if resource.status == Resource.Status.PUBLISHED
    }


def _search(request: SearchRequest, filters: Filters, parsed: ParsedQuery) -> SearchPage:
    backend = _backend()
    page = request.page
    per_page = request.per_page
    with connection.cursor() as cursor:

        def fetch(page_number: int) -> tuple[list[tuple[int, float]], int]:
            return backend.candidates(
                cursor,
                parsed,
                filters=filters,
                viewer_is_member=request.viewer_is_member,
                sort=request.sort,
                limit=per_page,
                offset=(page_number - 1) * per_page,
            )

        rows, total = fetch(page)
        if not rows and page > 1:
            # Past the last page: show the last one instead.
            _, total = fetch(1)
            page = max(1, math.ceil(total / per_page))
            rows, total = fetch(page) if total else ([], 0)
        ids = [resource_id for resource_id, _ in rows]
        raw_snippets = backend.snippets(
            cursor, parsed, ids, viewer_is_member=request.viewer_is_member
        )
        suggestion = suggest.suggest(cursor, parsed, viewer_is_member=request.viewer_is_member)
    resources = _load(ids)
    hits = []
    for resource_id, score in rows:
        resource = resources.get(resource_id)
        if resource is None:
            continue
        snippet = raw_snippets.get(resource_id) or ""
        hits.append(
            SearchHit(
                resource=resource,
                snippet_html=render_snippet(snippet)
                if MARK_START in snippet
                else _summary(resource),
                rank=score,
            )
        )
    return SearchPage(
        hits=hits,
        total=total,
        page=page,
        num_pages=max(1, math.ceil(total / per_page)),
        suggestion=suggestion if suggestion and suggestion.lower() != parsed.text.lower() else None,
        message=parsed.message,
        total_capped=total >= CANDIDATE_LIMIT,
    )


def _browse(request: SearchRequest, filters: Filters, message: str | None) -> SearchPage:
    """No search words: the published resources matching the filters, newest first by default."""
    queryset = Resource.objects.published()
    if filters.resource_types:
        queryset = queryset.filter(resource_type__in=filters.resource_types)
    if filters.access:
        queryset = queryset.filter(access=filters.access)
    if filters.years:
        queryset = queryset.filter(published_on__year__in=filters.years)
    if filters.topics:
        through = Resource.topics.through
        queryset = queryset.filter(
            Exists(
                through.objects.filter(resource_id=OuterRef("pk"), topic__slug__in=filters.topics)
            )
        )
    orders = {
        "relevance": ("-published_on", "-id"),
        "newest": ("-published_on", "-id"),
        "oldest": ("published_on", "id"),
        "title": ("title", "id"),
    }
    from django.db.models import F

    ordering = []
    for key in orders[request.sort]:
        name = key.lstrip("-")
        expression = F(name)
        if name == "published_on":
            expression = (
                expression.desc(nulls_last=True)
                if key.startswith("-")
                else expression.asc(nulls_last=True)
            )
        else:
            expression = expression.desc() if key.startswith("-") else expression.asc()
        ordering.append(expression)
    total = queryset.count()
    num_pages = max(1, math.ceil(total / request.per_page))
    page = min(request.page, num_pages)
    start = (page - 1) * request.per_page
    resources = list(
        queryset.order_by(*ordering).prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("name"))
        )[start : start + request.per_page]
    )
    hits = [SearchHit(resource=r, snippet_html=_summary(r), rank=0.0) for r in resources]
    return SearchPage(hits=hits, total=total, page=page, num_pages=num_pages, message=message)


def _summary(resource: Resource) -> SafeString:
    return format_html("{}", Truncator(resource.summary).words(40))


MARK_SPLIT = re.compile(f"({MARK_START}|{MARK_END})")


def render_snippet(raw: str) -> SafeString:
    """Escape the engine's snippet, then turn its markers into balanced <mark> elements."""
    out = []
    inside = False
    for part in MARK_SPLIT.split(" ".join(raw.split())):
        if part == MARK_START:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == MARK_END:
            if inside:
                out.append("</mark>")
                inside = False
        else:
            out.append(html.escape(part))
    if inside:
        out.append("</mark>")
    # Every text part went through html.escape; only balanced literal <mark> tags are added.
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 # parts escaped above


def vocabulary_size() -> int:
    """How many distinct words the did-you-mean vocabulary holds."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {suggest.WORD_TABLE}")  # noqa: S608  # nosec B608 # table name is a constant
        return cursor.fetchone()[0]
