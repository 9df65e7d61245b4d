"""API: the published resource catalogue, with search.

Members-only resources show their title, type, summary and topics to everyone; their body,
external link and attachments only to members (mhr.accounts.selectors.user_is_member).
"""

from __future__ import annotations

import datetime
import html
import logging
import re
from typing import Any, Literal

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import strip_tags
from ninja import Query, Router, Schema
from pydantic import Field

from mhr.accounts.selectors import user_is_member
from mhr.api.auth import PUBLIC, caller
from mhr.api.pagination import PageParams, page_meta, paginate
from mhr.api.schemas import responses
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.selectors import (
    ResourceFilters,
    resource_browse_queryset,
    resource_search,
)
from mhr.core.markdown import render_markdown

logger = logging.getLogger(__name__)

router = Router(tags=["resources"], auth=PUBLIC)

MAX_QUERY_LENGTH = 200


class ResourceListParams(PageParams):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Full-text search.")
    type: Resource.Type | None = Field(None, description="Resource type.")
    topic: str | None = Field(None, max_length=100, description="Topic slug.")
    year: int | None = Field(None, ge=1900, le=2100, description="Publication year.")
    access: Resource.Access | None = Field(None, description='"public" or "members".')
    sort: Literal["relevance", "newest", "oldest", "title"] | None = Field(
        None, description='Default: "relevance" when searching, otherwise "newest".'
    )


class TopicOut(Schema):
    name: str
    slug: str


class ResourceOut(Schema):
    slug: str
    title: str
    type: str
    type_label: str
    summary: str
    topics: list[TopicOut]
    audience: str
    publisher: str
    published_on: datetime.date | None
    access: str
    url: str = Field(description="The resource's web page.")
    api_url: str


class ResourceListItemOut(ResourceOut):
    snippet_html: str | None = Field(
        description="Search matches with <mark> highlights (safe HTML); null when not searching."
    )


class ResourceListOut(Schema):
    items: list[ResourceListItemOut]
    page: int
    per_page: int
    total: int
    num_pages: int
    suggestion: str | None = Field(description="Did-you-mean text for a search, if any.")
    message: str | None = Field(description="Why the search text was ignored, if it was.")


class AttachmentOut(Schema):
    id: int
    title: str
    filename: str
    content_type: str
    extension: str
    size_bytes: int
    page_count: int | None
    download_url: str


class ResourceDetailOut(ResourceOut):
    can_read: bool = Field(description="False for a members-only resource and a non-member.")
    body: str | None = Field(description="Markdown source; null when withheld.")
    body_html: str | None = Field(description="Sanitized HTML; null when withheld.")
    external_url: str | None
    attachment_count: int
    attachments: list[AttachmentOut] | None = Field(description="Null when withheld.")


def _resource_out(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    url = resource.get_absolute_url()
    return {
        "slug": resource.slug,
        "title": resource.title,
        "type": resource.resource_type,
        "type_label": resource.get_resource_type_display(),
        "summary": resource.summary,
        # .all() uses the prefetch cache; the list endpoint always prefetches topics.
        "topics": [{"name": t.name, "slug": t.slug} for t in resource.topics.all()],
        "audience": resource.audience,
        "publisher": resource.publisher,
        "published_on": resource.published_on,
        "access": resource.access,
        "url": request.build_absolute_uri(url),
        "api_url": request.build_absolute_uri(
            reverse("api:resource_detail", kwargs={"slug": resource.slug})
        ),
    }


def _normalized(text: str) -> str:
    return " ".join(text.lower().split())


def _safe_snippet(resource: Resource, snippet_html: str, *, viewer_is_member: bool) -> str:
    """The search snippet, unless it could show members-only text to a non-member.

    Search already builds non-members' snippets from public fields only; this re-checks that
    every fragment of the snippet is public text, and falls back to the summary if not.
    """
    if viewer_is_member or not resource.is_members_only or not snippet_html:
        return snippet_html
    public_text = _normalized(
        " ".join([resource.title, resource.summary, *(t.name for t in resource.topics.all())])
    )
    plain = html.unescape(strip_tags(snippet_html))
    fragments = [_normalized(f) for f in re.split(r"…|\.\.\.", plain)]
    if all(f in public_text for f in fragments if f):
        return snippet_html
    logger.warning("Search snippet for members-only resource %s replaced by summary", resource.pk)
    return html.escape(resource.summary[:300])


@router.get(
    "",
    response=responses({200: ResourceListOut}),
    summary="List and search published resources",
    url_name="resource_list",
)
def resource_list(request: HttpRequest, params: Query[ResourceListParams]) -> dict[str, Any]:
    viewer_is_member = user_is_member(caller(request).user)
    filters = ResourceFilters(
        resource_type=params.type.value if params.type else "",
        topic=params.topic or "",
        year=params.year,
        access=params.access.value if params.access else "",
        sort=params.sort if params.sort and params.sort != "relevance" else "newest",
    )
    query = " ".join(params.q.split())
    if not query:
        page = paginate(resource_browse_queryset(filters=filters), params)
        items = [{**_resource_out(request, r), "snippet_html": None} for r in page.items]
        return {**page.meta.model_dump(), "items": items, "suggestion": None, "message": None}

    result = resource_search(
        text=query,
        filters=filters,
        viewer_is_member=viewer_is_member,
        sort=params.sort or "relevance",
        page=params.page,
        per_page=params.per_page,
    )
    resources = [hit.resource for hit in result.hits]
    prefetch_related_objects(resources, "topics")
    items = [
        {
            **_resource_out(request, hit.resource),
            "snippet_html": _safe_snippet(
                hit.resource, hit.snippet_html, viewer_is_member=viewer_is_member
            ),
        }
        for hit in result.hits
    ]
    meta = page_meta(page=result.page, per_page=params.per_page, total=result.total)
    return {
        **meta.model_dump(),
        "items": items,
        "suggestion": result.suggestion,
        "message": result.message,
    }


@router.get(
    "/{slug}",
    response=responses({200: ResourceDetailOut}, 404),
    summary="One published resource",
    url_name="resource_detail",
)
def resource_detail(request: HttpRequest, slug: str, response: HttpResponse) -> dict[str, Any]:
    resource = (
        Resource.objects.published()
        .prefetch_related("topics", "attachments")
        .filter(slug=slug)
        .first()
    )
    if resource is None:
        raise Http404("No published resource with this slug.")
    can_read = not resource.is_members_only or user_is_member(caller(request).user)
    attachments = list(resource.attachments.all())
    if resource.is_members_only:
        # Members-only answers depend on who asks; no shared cache may keep them.
        patch_cache_control(response, private=True, no_store=True)
    return {
        **_resource_out(request, resource),
        "can_read": can_read,
        "body": resource.body if can_read else None,
        "body_html": render_markdown(resource.body) if can_read else None,
        "external_url": resource.external_url if can_read else None,
        "attachment_count": len(attachments),
        "attachments": (
            [
                {
                    "id": a.pk,
                    "title": a.title or a.original_filename,
                    "filename": a.original_filename,
                    "content_type": a.content_type,
                    "extension": a.extension,
                    "size_bytes": a.size_bytes,
                    "page_count": a.page_count,
                    "download_url": request.build_absolute_uri(
                        reverse(
                            "clearinghouse:attachment_download",
                            kwargs={"slug": resource.slug, "attachment_id": a.pk},
                        )
                    ),
                }
                for a in attachments
            ]
            if can_read
            else None
        ),
    }
