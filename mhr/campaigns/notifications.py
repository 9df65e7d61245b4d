"""Emails for pledge transitions: pledged, submitted, recognized, returned, lapsed and recovered.

`pledge_transition_on_commit` is called by the pledge services inside their transaction; the
email goes out only once that transaction commits, so a rolled-back change never emails, and a
mail server failure is logged without undoing the change. Every path that moves a pledge (the
coordinator's and reviewers' screens, the API, the admin, the daily re-evaluation) goes through
those services, so every path emails.

Who is told: a submission goes to the association's reviewers; everything else goes to the
agency's coordinators and the pledge's point of contact. Moving to "in progress" sends nothing:
it is recorded on the way to a submission, which has its own email.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from mhr.accounts.models import Membership, User
from mhr.campaigns.models import Pledge, PracticeDecision

logger = logging.getLogger(__name__)

Status = Pledge.Status

PLEDGED = "pledged"
SUBMITTED = "submitted"
RECOGNIZED = "recognized"
RETURNED = "returned"
LAPSED = "lapsed"
RECOVERED = "recovered"
KINDS = (PLEDGED, SUBMITTED, RECOGNIZED, RETURNED, LAPSED, RECOVERED)

SUBJECTS = {
    PLEDGED: "{agency} has taken the {campaign} pledge",
    SUBMITTED: "Pledge submitted for review: {agency}",
    RECOGNIZED: "{agency} is recognized for the {campaign}",
    RETURNED: "{agency}'s pledge was returned for changes",
    LAPSED: "{agency}'s {campaign} recognition has lapsed",
    RECOVERED: "{agency}'s {campaign} recognition is restored",
}


def transition_kind(old: str | None, new: str) -> str | None:
    """Which email a move sends, or None for moves that send none."""
    if old is None and new == Status.PLEDGED:
        return PLEDGED
    if new == Status.SUBMITTED:
        return SUBMITTED
    if new == Status.RETURNED:
        return RETURNED
    if new == Status.LAPSED:
        return LAPSED
    if new == Status.RECOGNIZED:
        return RECOVERED if old == Status.LAPSED else RECOGNIZED
    return None


def reviewer_emails() -> list[str]:
    """Active association reviewers and administrators (superusers too)."""
    rows = User.objects.filter(is_active=True).filter(
        Q(staff_role__in=[User.StaffRole.REVIEWER, User.StaffRole.ADMINISTRATOR])
        | Q(is_superuser=True)
    )
    return _unique(rows.order_by("email").values_list("email", flat=True))


def agency_emails(pledge: Pledge) -> list[str]:
    """The agency's active coordinators, then the pledge's point of contact."""
    coordinators = (
        Membership.objects.filter(
            agency_id=pledge.agency_id, role=Membership.Role.COORDINATOR, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return _unique([*coordinators, pledge.contact_email])


def _unique(addresses: Any) -> list[str]:
    seen: set[str] = set()
    found = []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(address)
    return found


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _decisions(pledge: Pledge, submitted_at: datetime.datetime | None) -> list[PracticeDecision]:
    if submitted_at is None:
        return []
    return list(
        PracticeDecision.objects.filter(pledge=pledge, submitted_at=submitted_at).order_by(
            "requirement__position", "requirement_key"
        )
    )


def build_messages(
    *,
    pledge: Pledge,
    kind: str,
    comment: str = "",
    submitted_at: datetime.datetime | None = None,
) -> list[EmailMultiAlternatives]:
    """One message per recipient, so no recipient sees another's address."""
    staff = kind == SUBMITTED
    recipients = reviewer_emails() if staff else agency_emails(pledge)
    if not recipients:
        return []
    link = (
        reverse("campaigns_review:pledge_review", args=[pledge.pk])
        if staff
        else reverse("campaigns_agency:home")
    )
    context = {
        "pledge": pledge,
        "agency": pledge.agency,
        "campaign": pledge.campaign,
        "kind": kind,
        "comment": comment.strip(),
        "decisions": _decisions(pledge, submitted_at) if kind in {RETURNED, RECOGNIZED} else [],
        "link": _absolute(link),
        "site_name": getattr(settings, "SITE_NAME", "MHR"),
    }
    subject = SUBJECTS[kind].format(agency=pledge.agency.name, campaign=pledge.campaign.name)
    body = render_to_string(f"campaigns/email/pledge_{kind}.txt", context)
    html = render_to_string("campaigns/email/pledge_transition.html", {**context, "body": body})
    messages = []
    for address in recipients:
        message = EmailMultiAlternatives(subject=f"[MHR] {subject}"[:200], body=body, to=[address])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    return messages


def send_pledge_transition(
    *,
    pledge_id: int,
    kind: str,
    comment: str = "",
    submitted_at: datetime.datetime | None = None,
) -> int:
    """Send a transition's emails now; returns how many were sent."""
    pledge = Pledge.objects.select_related("agency", "campaign").filter(pk=pledge_id).first()
    if pledge is None:
        return 0
    messages = build_messages(pledge=pledge, kind=kind, comment=comment, submitted_at=submitted_at)
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        # The change is committed and audited; a mail outage must not turn it into an error page.
        logger.exception("Could not send the %s email for pledge %s.", kind, pledge_id)
        return 0


def pledge_transition_on_commit(
    *,
    pledge: Pledge,
    old: str | None,
    new: str,
    comment: str = "",
    submitted_at: datetime.datetime | None = None,
) -> None:
    """Schedule the transition's email for when the surrounding transaction commits."""
    kind = transition_kind(old, new)
    if kind is None:
        return
    transaction.on_commit(
        partial(
            send_pledge_transition,
            pledge_id=pledge.pk,
            kind=kind,
            comment=comment,
            submitted_at=submitted_at,
        ),
        robust=True,
    )
