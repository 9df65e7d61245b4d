"""Reads for the clearinghouse screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractYear, RowNumber
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode

from mhr.accounts.selectors import user_is_member
from mhr.clearinghouse import search
from mhr.clearinghouse.models import Attachment, Resource, Topic
from mhr.core.markdown import render_markdown


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    types: tuple[str, ...]
    description: str


# Mirrors the sections of the association's mental-health response page.
SECTIONS: tuple[Section, ...] = (
    Section(
        "messaging-worksheet",
        "Messaging worksheet",
        (Resource.Type.MESSAGING_WORKSHEET,),
        "Talking points for chiefs speaking about crisis response.",
    ),
    Section(
        "model-policies-and-papers",
        "Model policies and papers",
        (Resource.Type.MODEL_POLICY, Resource.Type.CONCEPTS_PAPER, Resource.Type.NEED_TO_KNOW),
        "Model policy on responding to persons in crisis, with its background paper and summary.",
    ),
    Section(
        "resolutions",
        "Resolutions",
        (Resource.Type.RESOLUTION,),
        "Positions the association's members have adopted.",
    ),
    Section(
        "legislative-initiatives",
        "Legislative initiatives",
        (Resource.Type.LEGISLATIVE_INITIATIVE,),
        "Federal and state legislation the association supports.",
    ),
    Section(
        "magazine-articles",
        "Magazine articles",
        (Resource.Type.MAGAZINE_ARTICLE,),
        "Articles from the association's magazine on crisis response.",
    ),
    Section(
        "additional-resources",
        "Additional resources",
        (
            Resource.Type.CAMPAIGN,
            Resource.Type.REPORT,
            Resource.Type.TOOLKIT,
            Resource.Type.TRAINING,
            Resource.Type.EXTERNAL_LINK,
        ),
        "Campaigns, reports, toolkits and training.",
    ),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}

# How many resources each section shows on the browse page before "Show all".
SECTION_PREVIEW_SIZE = 10

# Orderings for the flat list. "relevance" only applies to searches, which rank in the search backend.
SORT_ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": (
        F("published_on").desc(nulls_last=True),
        F("first_published_at").desc(),
        "-id",
    ),
    "oldest": (
        F("published_on").asc(nulls_last=True),
        F("first_published_at").asc(),
        "id",
    ),
    "title": ("title", "id"),
}


def section_for_type(resource_type: str) -> Section:
    for section in SECTIONS:
        if resource_type in section.types:
            return section
    return SECTIONS[-1]


def published_resources() -> QuerySet[Resource]:
    """Published resources with what list pages show, in a fixed number of queries."""
    return Resource.objects.published().prefetch_related("topics")


def home_highlights(*, user: Any) -> dict[str, Any]:
    recent = list(published_resources().order_by("-first_published_at", "-id")[:6])
    return {
        "recent_resources": recent,
        "sections": SECTIONS,
        "viewer_is_member": user_is_member(user),
    }


@dataclass(frozen=True)
class ResourceFilters:
    """Validated filters for the flat resource list. Empty values mean "any"."""

    section: str = ""
    resource_type: str = ""
    topic: str = ""
    year: int | None = None
    access: str = ""
    sort: str = "newest"

    @property
    def matches_nothing(self) -> bool:
        """A type from outside the chosen section: no resource can match both."""
        return bool(
            self.section
            and self.resource_type
            and self.resource_type not in SECTIONS_BY_SLUG[self.section].types
        )

    @property
    def resource_types(self) -> tuple[str, ...]:
        """Types to match: the chosen type, else the section's types, else any."""
        if self.resource_type:
            return (self.resource_type,)
        if self.section:
            return tuple(SECTIONS_BY_SLUG[self.section].types)
        return ()


def resource_search(
    *,
    text: str,
    filters: ResourceFilters,
    viewer_is_member: bool,
    sort: str,
    page: int,
    per_page: int,
) -> Any:
    """Full-text search with the list filters, shared by the resource list page and the API."""
    return search.search_resources(
        search.SearchRequest(
            text=text,
            viewer_is_member=viewer_is_member,
            resource_types=filters.resource_types,
            topics=(filters.topic,) if filters.topic else (),
            years=(filters.year,) if filters.year is not None else (),
            access=filters.access,
            sort=sort or "relevance",
            page=page,
            per_page=per_page,
        )
    )


@dataclass
class SectionGroup:
    section: Section
    resources: list[Resource] = field(default_factory=list)
    total: int = 0

    @property
    def has_more(self) -> bool:
        return self.total > len(self.resources)


def _section_index() -> Case:
    return Case(
        *[
            When(resource_type__in=list(section.types), then=Value(index))
            for index, section in enumerate(SECTIONS)
        ],
        default=Value(len(SECTIONS) - 1),
        output_field=IntegerField(),
    )


def resource_sections(*, preview_size: int | None = None) -> list[SectionGroup]:
    """Published resources grouped as on the association's page, newest first in each section.

    Three queries whatever the catalogue size: counts per type, the first few of each
    section (a window function), and their topics.
    """
    preview_size = preview_size or SECTION_PREVIEW_SIZE
    groups = [SectionGroup(section=section) for section in SECTIONS]
    counts = (
        Resource.objects.published()
        .order_by()
        .values("resource_type")
        .annotate(n=Count("id"))
        .values_list("resource_type", "n")
    )
    index_of = {section.slug: i for i, section in enumerate(SECTIONS)}
    for resource_type, n in counts:
        groups[index_of[section_for_type(resource_type).slug]].total += n
    if not any(group.total for group in groups):
        return groups
    ranked = (
        published_resources()
        .annotate(section_index=_section_index())
        .annotate(
            section_rank=Window(
                RowNumber(),
                partition_by=[F("section_index")],
                order_by=list(SORT_ORDERINGS["newest"]),
            )
        )
        .filter(section_rank__lte=preview_size)
        .order_by("section_index", "section_rank")
    )
    for resource in ranked:
        groups[resource.section_index].resources.append(resource)
    return groups


def resource_browse_queryset(*, filters: ResourceFilters) -> QuerySet[Resource]:
    """Published resources matching the filters, in the chosen order, topics prefetched."""
    queryset = published_resources()
    if filters.matches_nothing:
        return queryset.none()
    types = filters.resource_types
    if types:
        queryset = queryset.filter(resource_type__in=types)
    if filters.topic:
        queryset = queryset.filter(topics__slug=filters.topic)
    if filters.year is not None:
        queryset = queryset.filter(published_on__year=filters.year)
    if filters.access:
        queryset = queryset.filter(access=filters.access)
    ordering = SORT_ORDERINGS.get(filters.sort, SORT_ORDERINGS["newest"])
    return queryset.order_by(*ordering)


def filter_choices() -> dict[str, list[Any]]:
    """Topics in use and publication years, for the filter selects. Two queries."""
    topics = list(
        Topic.objects.filter(resources__status=Resource.Status.PUBLISHED)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    years = list(
        Resource.objects.published()
        .filter(published_on__isnull=False)
        .annotate(year=ExtractYear("published_on"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return {"topics": topics, "years": years}


def viewer_can_preview(user: Any) -> bool:
    """Association editors and reviewers see resources before they are published."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_editor or user.is_reviewer or user.is_superuser)


def resource_for_viewer(*, slug: str, user: Any) -> Resource:
    """The resource a visitor may open: published for everyone, any status for staff previews.

    Raises Http404 otherwise, so a draft is indistinguishable from a missing resource.
    """
    queryset = Resource.objects.prefetch_related("topics", "attachments")
    if not viewer_can_preview(user):
        queryset = queryset.published()
    return get_object_or_404(queryset, slug=slug)


def attachment_for_viewer(*, slug: str, attachment_id: int, user: Any) -> Attachment:
    """An attachment of a resource the viewer may open (members-only is checked by the caller)."""
    queryset = Attachment.objects.select_related("resource").filter(resource__slug=slug)
    if not viewer_can_preview(user):
        queryset = queryset.filter(resource__status=Resource.Status.PUBLISHED)
    return get_object_or_404(queryset, pk=attachment_id)


def feed_resources(*, limit: int = 50) -> list[Resource]:
    """Newest published public resources for the Atom feed."""
    queryset = Resource.objects.published().public().prefetch_related("topics")
    return list(queryset.order_by("-first_published_at", "-id")[:limit])


def resource_detail_context(
    resource: Resource, *, viewer_is_member: bool, next_url: str
) -> dict[str, Any]:
    """Template context for a resource page, shared by the public page and the staff preview."""
    can_read = not resource.is_members_only or viewer_is_member
    attachments = list(resource.attachments.all())
    return {
        "resource": resource,
        "section": section_for_type(resource.resource_type),
        "topics": list(resource.topics.all()),
        "can_read": can_read,
        "is_preview": resource.status != Resource.Status.PUBLISHED,
        "attachment_count": len(attachments),
        # Members-only text and file names never reach the template for anyone else.
        "attachments": attachments if can_read else [],
        "body_html": render_markdown(resource.body) if can_read and resource.body else "",
        "sign_in_url": f"{reverse('accounts:sign_in')}?{urlencode({'next': next_url})}",
        "viewer_is_member": viewer_is_member,
    }
