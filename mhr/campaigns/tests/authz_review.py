"""Authorization-matrix entries for the pledge review screens at /staff/pledges/ and the review API.

Reviewers and staff administrators (sam) use them; every other signed-in user gets 403 before
any lookup, as on the editorial screens; anonymous visitors go to sign-in.
"""

from __future__ import annotations

import datetime
from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, roles

REVIEWERS = roles(403, anonymous=SIGN_IN, reviewer=200, sam=200)
REVIEWERS_WRITE = roles(403, anonymous=SIGN_IN, reviewer=302, sam=302)
# The review API: 401 for anonymous callers, 403 for every signed-in non-reviewer before any
# lookup (agency tokens too: see test_review_api.py), as on the screens.
API_REVIEWERS = roles(403, anonymous=401, reviewer=200, sam=200)
RETURN_ALL = [
    {"practice": key, "decision": "returned", "comment": "Nothing is on file for this yet."}
    for key in ("partnership", "policy", "cit-coverage", "mhfa-remaining")
]


def extend_world(world: dict[str, Any]) -> None:
    """A submitted pledge of a third agency, and agency A's pledge (it owns the evidence)."""
    from mhr.accounts.models import Agency
    from mhr.campaigns.models import Campaign, Pledge
    from mhr.campaigns.services.pledges import pledge_change_status

    agency = Agency.objects.create(
        name="Ogdenville Police Department",
        ori="WA0990000",
        state="WA",
        agency_type=Agency.AgencyType.CITY,
    )
    campaign = Campaign.objects.get(slug="one-mind")
    pledge = Pledge.objects.create(
        agency=agency,
        campaign=campaign,
        rule_version=campaign.rule_versions.get(code="current"),
        agency_head_name="Chief Lou Ogden",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2025, 2, 1),
        contact_name="Lou Ogden",
        contact_email="lou@ogdenville.example",
        target_completion_on=datetime.date(2027, 2, 1),
    )
    for status in (Pledge.Status.IN_PROGRESS, Pledge.Status.SUBMITTED):
        pledge_change_status(pledge=pledge, status=status, changed_by=world["reviewer"])
    world["review_submitted"] = pledge
    world["review_pledge_a"] = Pledge.objects.get(agency=world["agency_a"], campaign=campaign)


ROUTES = (
    Route("campaigns_review:queue", lambda w: "/staff/pledges/", REVIEWERS),
    Route(
        "campaigns_review:pledge_review",
        lambda w: f"/staff/pledges/{w['review_submitted'].pk}/",
        REVIEWERS,
    ),
    Route(
        "campaigns_review:practice_decision",
        lambda w: f"/staff/pledges/{w['review_submitted'].pk}/practices/partnership/decision/",
        REVIEWERS_WRITE,
        method="post",
        data=lambda w: {
            "partnership-decision": "returned",
            "partnership-comment": "No partnership agreement is on file yet.",
        },
    ),
    Route(
        "campaigns_review:partnership_document",
        lambda w: (
            f"/staff/pledges/{w['review_pledge_a'].pk}/partnerships/{w['partnership'].pk}/document/"
        ),
        REVIEWERS,
    ),
    Route(
        "campaigns_review:policy_document",
        lambda w: f"/staff/pledges/{w['review_pledge_a'].pk}/policies/{w['policy'].pk}/document/",
        REVIEWERS,
    ),
    Route(
        "GET /api/v1/review/pledges",
        lambda w: "/api/v1/review/pledges",
        API_REVIEWERS,
        api=True,
    ),
    Route(
        "GET /api/v1/review/pledges/{pledge_id}",
        lambda w: f"/api/v1/review/pledges/{w['review_submitted'].pk}",
        API_REVIEWERS,
        api=True,
    ),
    Route(
        "PUT /api/v1/review/pledges/{pledge_id}/practices/{practice}/decision",
        lambda w: f"/api/v1/review/pledges/{w['review_submitted'].pk}/practices/policy/decision",
        API_REVIEWERS,
        method="put",
        data=lambda w: {"decision": "returned", "comment": "No policy is on file yet."},
        api=True,
    ),
    Route(
        "POST /api/v1/review/pledges/{pledge_id}/round",
        lambda w: f"/api/v1/review/pledges/{w['review_submitted'].pk}/round",
        API_REVIEWERS,
        method="post",
        data=lambda w: {"decisions": RETURN_ALL},
        api=True,
    ),
)
