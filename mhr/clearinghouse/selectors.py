"""Reads for the clearinghouse screens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from mhr.accounts.selectors import user_is_member
from mhr.clearinghouse.models import Resource


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
