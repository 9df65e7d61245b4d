"""Reads for the association's review of pledges: the queue, one pledge's review, past rounds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from mhr.campaigns.models import (
    Partnership,
    Pledge,
    PolicyDocument,
    PracticeDecision,
    Requirement,
)

Status = Pledge.Status

# The statuses a reviewer filters the queue by; "" is every status.
QUEUE_STATUSES: tuple[str, ...] = (
    Status.SUBMITTED,
    Status.RETURNED,
    Status.RECOGNIZED,
    Status.LAPSED,
)
DEFAULT_QUEUE_STATUS = Status.SUBMITTED


def review_queue(*, status: str) -> QuerySet[Pledge]:
    """Pledges for the queue, longest in their status first ("" is every status)."""
    queryset = Pledge.objects.all() if not status else Pledge.objects.filter(status=status)
    return queryset.select_related("agency", "rule_version").order_by("status_changed_at", "pk")


def _add_progress(pledges: list[Pledge]) -> None:
    """Set `decided_count` (decisions of the current round), `practice_count` and
    `days_in_status` on each pledge.

    Two grouped queries for the page's pledges only: as correlated subqueries in the page query
    they were computed for every matching pledge before the sort, not just the page's.
    """
    if not pledges:
        return
    decided: dict[tuple[int, datetime.datetime], int] = {}
    rows = (
        PracticeDecision.objects.filter(pledge_id__in=[p.pk for p in pledges])
        .order_by()
        .values("pledge_id", "submitted_at")
        .annotate(n=Count("pk"))
        .values_list("pledge_id", "submitted_at", "n")
    )
    for pledge_id, submitted_at, n in rows:
        decided[(pledge_id, submitted_at)] = n
    practices = dict(
        Requirement.objects.filter(rule_version_id__in={p.rule_version_id for p in pledges})
        .order_by()
        .values("rule_version_id")
        .annotate(n=Count("pk"))
        .values_list("rule_version_id", "n")
    )
    now = timezone.now()
    for pledge in pledges:
        pledge.days_in_status = (now - pledge.status_changed_at).days  # type: ignore[attr-defined]
        # Decisions made since the pledge last changed status: a submitted pledge's current round.
        pledge.decided_count = decided.get((pledge.pk, pledge.status_changed_at), 0)  # type: ignore[attr-defined]
        pledge.practice_count = practices.get(pledge.rule_version_id, 0)  # type: ignore[attr-defined]


def review_queue_page(*, status: str, page: Any, per_page: int, total: int | None = None) -> Page:
    """One page of the queue with its round progress, in four queries whatever the page size.

    `total` is how many pledges the filter matches when the caller already knows it (from
    `review_status_counts`), which spares the paginator its COUNT query.
    """
    # Page through ids alone, then load the page's rows with their joins: sorting every matching
    # pledge with its agency and rule version columns costs more than the extra query.
    ordered = review_queue(status=status).select_related(None).values_list("pk", flat=True)
    paginator = Paginator(ordered, per_page)
    if total is not None:
        paginator.count = total  # a cached_property: set, it is never queried
    page_obj = paginator.get_page(page)
    ids = list(page_obj.object_list)
    found = review_queue(status=status).in_bulk(ids) if ids else {}
    rows = [found[pk] for pk in ids if pk in found]
    _add_progress(rows)
    page_obj.object_list = rows
    return page_obj


def review_status_counts() -> dict[str, int]:
    """How many pledges are in each status, in one query."""
    rows = Pledge.objects.order_by().values("status").annotate(n=Count("pk"))
    return dict(rows.values_list("status", "n"))


@dataclass
class ReviewRound:
    """The decisions of one submission round."""

    number: int
    submitted_at: datetime.datetime
    decisions: list[PracticeDecision] = field(default_factory=list)

    @property
    def returned(self) -> list[PracticeDecision]:
        return [d for d in self.decisions if d.decision == PracticeDecision.Decision.RETURNED]

    @property
    def approved(self) -> list[PracticeDecision]:
        return [d for d in self.decisions if d.decision == PracticeDecision.Decision.APPROVED]


def review_rounds(pledge: Pledge) -> list[ReviewRound]:
    """Every round with decisions, newest first, in one query."""
    rows = (
        PracticeDecision.objects.filter(pledge=pledge)
        .select_related("requirement")
        .order_by("-submitted_at", "requirement__position", "requirement_key")
    )
    rounds = []
    for submitted_at, decisions in groupby(rows, key=lambda d: d.submitted_at):
        decided = list(decisions)
        rounds.append(
            ReviewRound(
                number=decided[0].round_number, submitted_at=submitted_at, decisions=decided
            )
        )
    return rounds


def review_pledge(pk: int) -> Pledge:
    """A pledge by id for the association's review (staff belong to no agency), or 404."""
    pledge = (
        Pledge.objects.select_related("agency", "campaign", "rule_version").filter(pk=pk).first()
    )
    if pledge is None:
        raise Http404("No pledge with this id.")
    return pledge


def earlier_review_rounds(pledge: Pledge) -> list[ReviewRound]:
    """Finished rounds, newest first: while submitted, the open round is left out (it is shown
    practice by practice)."""
    rounds = review_rounds(pledge)
    if pledge.status == Status.SUBMITTED:
        rounds = [r for r in rounds if r.submitted_at != pledge.status_changed_at]
    return rounds


def current_round_decisions(pledge: Pledge) -> dict[str, PracticeDecision]:
    """The decisions made so far on a submitted pledge's current round, by requirement key."""
    if pledge.status != Status.SUBMITTED:
        return {}
    rows = PracticeDecision.objects.filter(pledge=pledge, submitted_at=pledge.status_changed_at)
    return {decision.requirement_key: decision for decision in rows}


def latest_finished_review(pledge: Pledge) -> ReviewRound | None:
    """The newest round whose review is over, for the agency's dashboard.

    While a pledge is submitted its current round is still being decided and is not shown to the
    agency: reviewers may still change a decision until the last practice is decided.
    """
    rows = PracticeDecision.objects.filter(pledge=pledge)
    if pledge.status == Status.SUBMITTED:
        rows = rows.filter(submitted_at__lt=pledge.status_changed_at)
    latest = rows.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    if latest is None:
        return None
    decisions = list(
        rows.filter(submitted_at=latest)
        .select_related("requirement")
        .order_by("requirement__position", "requirement_key")
    )
    return ReviewRound(number=decisions[0].round_number, submitted_at=latest, decisions=decisions)


@dataclass(frozen=True)
class ReviewEvidence:
    """What the agency has on file for the partnership and policy practices."""

    partnerships: list[Partnership]
    policies: list[PolicyDocument]


def review_evidence(pledge: Pledge) -> ReviewEvidence:
    """The pledge's agency's partnerships and policies, newest first, in two queries."""
    return ReviewEvidence(
        partnerships=list(
            Partnership.objects.filter(agency_id=pledge.agency_id).order_by("-started_on", "-id")
        ),
        policies=list(
            PolicyDocument.objects.filter(agency_id=pledge.agency_id).order_by("-adopted_on", "-id")
        ),
    )


def review_requirements(pledge: Pledge) -> list[Requirement]:
    """The practices a pledge is reviewed on, in the rules' order."""
    return list(
        Requirement.objects.filter(rule_version_id=pledge.rule_version_id).order_by(
            "position", "id"
        )
    )
