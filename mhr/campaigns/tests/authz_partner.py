"""Authorization matrix entries for the partner's confirmation pages and the invitation button.

The invitation pages are keyed by the link's token, not by a role: anyone holding a valid link
sees the record; only the invited address confirms or declines (everyone else 403).
"""

from __future__ import annotations

import datetime
from typing import Any

from mhr.core.tests.authz import SIGN_IN, Route, everyone, roles

SIGNED_IN_403 = roles(403, anonymous=SIGN_IN)


def extend_world(world: dict[str, Any]) -> None:
    from mhr.campaigns.services.evidence import partnership_create, partnership_invite

    partnership = partnership_create(
        agency=world["agency_a"],
        created_by=world["alice"],
        organization_name="Matrix Crisis Line",
        organization_kind="crisis_center",
        agreement_kind="letter",
        started_on=datetime.date(2025, 4, 1),
        partner_contact_email="partner@matrix-crisis.example",
    )
    world["partner_partnership"] = partnership
    world["partner_token"] = partnership_invite(partnership=partnership, invited_by=world["alice"])


ROUTES = (
    Route(
        "campaigns_partner:invitation",
        lambda w: f"/partners/invitations/{w['partner_token']}/",
        # The invitee has no account, so anonymous visitors get the sign-up form.
        everyone(200),
    ),
    Route(
        "campaigns_partner:invitation_account",
        lambda w: f"/partners/invitations/{w['partner_token']}/account/",
        # An empty form is refused with its messages; signed-in users are sent back to the page.
        roles(302, anonymous=400),
        method="post",
    ),
    Route(
        "campaigns_partner:invitation_confirm",
        lambda w: f"/partners/invitations/{w['partner_token']}/confirm/",
        SIGNED_IN_403,
        method="post",
    ),
    Route(
        "campaigns_partner:invitation_decline",
        lambda w: f"/partners/invitations/{w['partner_token']}/decline/",
        SIGNED_IN_403,
        method="post",
    ),
    Route(
        "campaigns_partner:partnership_invite",
        lambda w: f"/partners/partnerships/{w['partner_partnership'].pk}/invite/",
        roles(404, anonymous=SIGN_IN, bob=403, alice=302),
        method="post",
    ),
)
