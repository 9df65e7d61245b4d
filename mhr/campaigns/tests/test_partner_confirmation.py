"""The partner organization confirms a partnership from its own account."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mhr.accounts.models import Membership, User
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Partnership
from mhr.campaigns.services.evidence import (
    EVENT_PARTNERSHIP_CONFIRMATION_CLEARED,
    EVENT_PARTNERSHIP_CONFIRMED,
    EVENT_PARTNERSHIP_INVITATION_DECLINED,
    EVENT_PARTNERSHIP_INVITED,
    InvitationInvalid,
    partnership_confirm,
    partnership_confirmed_by_partner,
    partnership_create,
    partnership_for_invitation,
    partnership_invitation_decline,
    partnership_invite,
    partnership_update,
)
from mhr.clearinghouse.tests.factories import make_pdf

PARTNER_EMAIL = "dana@crisis-center.example"
STRONG = "violet tractor harbour lemon"


@pytest.fixture
def partnership(agency_a, alice):
    return partnership_create(
        agency=agency_a,
        created_by=alice,
        organization_name="Springfield Crisis Center",
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
        partner_contact_email=PARTNER_EMAIL,
    )


@pytest.fixture
def partner(db):
    return User.objects.create_user(
        email=PARTNER_EMAIL, password=STRONG, full_name="Dana Whitfield"
    )


@pytest.fixture
def invite(partnership, alice, django_capture_on_commit_callbacks):
    def send():
        with django_capture_on_commit_callbacks(execute=True):
            return partnership_invite(partnership=partnership, invited_by=alice)

    return send


def page(token: str, action: str = "") -> str:
    return f"/partners/invitations/{token}/{action + '/' if action else ''}"


# --- services ------------------------------------------------------------------------------------


def test_inviting_stores_only_the_digest_and_emails_the_link(partnership, invite):
    token = invite()
    partnership.refresh_from_db()
    assert partnership.invitation_digest == hashlib.sha256(token.encode()).hexdigest()
    assert partnership.invited_at is not None
    assert token not in str(Partnership.objects.filter(pk=partnership.pk).values().get())
    (message,) = mail.outbox
    assert message.to == [PARTNER_EMAIL]
    assert f"/partners/invitations/{token}/" in message.body
    assert "Springfield Police Department" in message.subject
    event = AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_INVITED)
    assert event.extra == {"partner_contact_email": PARTNER_EMAIL}
    assert token not in str(event.extra)


def test_inviting_again_replaces_the_link(partnership, invite):
    first = invite()
    second = invite()
    assert partnership_for_invitation(token=first) is None
    assert partnership_for_invitation(token=second) == partnership


def test_the_link_expires_after_30_days(partnership, invite):
    token = invite()
    later = timezone.now() + datetime.timedelta(days=30, minutes=1)
    with time_machine.travel(later):
        assert partnership_for_invitation(token=token) is None
    with time_machine.travel(later - datetime.timedelta(minutes=2)):
        assert partnership_for_invitation(token=token) == partnership


@pytest.mark.parametrize("who", ["bob", "carol", "sam"])
def test_only_the_agencys_coordinators_invite(who, request, partnership):
    with pytest.raises(PermissionDenied):
        partnership_invite(partnership=partnership, invited_by=request.getfixturevalue(who))
    partnership.refresh_from_db()
    assert partnership.invitation_digest == ""


def test_it_needs_a_partner_email_outside_the_agency(partnership, alice, bob):
    for email, message in [("", "contact email"), (bob.email.upper(), "someone in your agency")]:
        Partnership.objects.filter(pk=partnership.pk).update(partner_contact_email=email)
        with pytest.raises(ValidationError, match=message):
            partnership_invite(partnership=partnership, invited_by=alice)
    assert not AuditEvent.objects.filter(event_type=EVENT_PARTNERSHIP_INVITED).exists()


def test_the_invited_partner_confirms_once(partnership, invite, partner, alice):
    token = invite()
    partnership_confirm(token=token, confirmed_by=partner)
    partnership.refresh_from_db()
    assert partnership.confirmed_at is not None
    assert partnership.confirmed_by_name == "Dana Whitfield"
    assert partnership.invitation_digest == ""
    event = AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_CONFIRMED)
    assert event.actor == partner
    assert event.agency == partnership.agency
    assert event.extra["terms"]["organization_name"] == "Springfield Crisis Center"
    with pytest.raises(InvitationInvalid):
        partnership_confirm(token=token, confirmed_by=partner)
    with pytest.raises(ValidationError, match="already confirmed"):
        partnership_invite(partnership=partnership, invited_by=alice)


def test_nobody_else_confirms(partnership, invite, carol, alice):
    token = invite()
    for user in (carol, alice):
        with pytest.raises(PermissionDenied):
            partnership_confirm(token=token, confirmed_by=user)
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None


def test_a_partner_who_joined_the_agency_cannot_confirm(partnership, invite, partner, agency_a):
    token = invite()
    Membership.objects.create(user=partner, agency=agency_a, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        partnership_confirm(token=token, confirmed_by=partner)


def test_changing_what_was_confirmed_clears_the_confirmation(partnership, invite, partner, alice):
    partnership_confirm(token=invite(), confirmed_by=partner)
    # The contact's address is not part of what the partner attested.
    partnership_update(
        partnership=partnership, updated_by=alice, partner_contact_email="new@crisis.example"
    )
    partnership.refresh_from_db()
    assert partnership.confirmed_at is not None
    partnership_update(partnership=partnership, updated_by=alice, ends_on=datetime.date(2028, 1, 1))
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None
    assert partnership.confirmed_by_name == ""
    event = AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_CONFIRMATION_CLEARED)
    assert event.extra["confirmed_by_name"] == "Dana Whitfield"


def test_a_new_document_clears_the_confirmation(partnership, invite, partner, alice):
    partnership_confirm(token=invite(), confirmed_by=partner)
    partnership_update(
        partnership=partnership,
        updated_by=alice,
        document=io.BytesIO(make_pdf()),
        document_name="signed.pdf",
    )
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None


def test_a_new_contact_address_withdraws_the_open_invitation(partnership, invite, alice):
    token = invite()
    partnership_update(
        partnership=partnership, updated_by=alice, partner_contact_email="other@crisis.example"
    )
    assert partnership_for_invitation(token=token) is None


def test_the_coordinators_hear_when_the_partner_confirms(
    partnership, invite, partner, bob, django_capture_on_commit_callbacks
):
    token = invite()
    with django_capture_on_commit_callbacks(execute=True):
        partnership_confirm(token=token, confirmed_by=partner)
    message = mail.outbox[-1]
    assert message.to == ["alice@springfield.example"]
    assert "Dana Whitfield confirmed" in message.body


def test_the_partner_can_decline(partnership, invite, partner, django_capture_on_commit_callbacks):
    token = invite()
    with django_capture_on_commit_callbacks(execute=True):
        partnership_invitation_decline(token=token, declined_by=partner, reason="Wrong dates.")
    assert mail.outbox[-1].to == ["alice@springfield.example"]
    assert "Their note: Wrong dates." in mail.outbox[-1].body
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None
    assert partnership_for_invitation(token=token) is None
    event = AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_INVITATION_DECLINED)
    assert event.extra == {"reason": "Wrong dates."}


def test_the_public_page_only_learns_whether_the_partner_confirmed(
    partnership, invite, partner, agency_a
):
    assert not partnership_confirmed_by_partner(ori=agency_a.ori)
    partnership_confirm(token=invite(), confirmed_by=partner)
    assert partnership_confirmed_by_partner(ori=agency_a.ori)
    assert not partnership_confirmed_by_partner(ori=agency_a.ori, as_of=datetime.date(2025, 1, 1))


# --- the partner's pages -------------------------------------------------------------------------


def test_an_invitee_without_an_account_sees_only_the_record_and_signs_up(
    partnership, invite, client_for, alice
):
    partnership_create(
        agency=partnership.agency,
        created_by=alice,
        organization_name="Another Secret Partner",
        organization_kind="hospital",
        agreement_kind="letter",
        started_on=datetime.date(2024, 1, 1),
    )
    token = invite()
    response = client_for(None).get(page(token))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ["Springfield Police Department", "Springfield Crisis Center", "1 February 2025"]:
        assert shown in html
    for hidden in ["WA0170000", "Another Secret Partner", "alice@springfield.example"]:
        assert hidden not in html
    assert 'name="password"' in html


def test_a_weak_password_is_refused_with_a_linked_message(partnership, invite, client):
    token = invite()
    response = client.post(
        page(token, "account"),
        {"full_name": "Dana Whitfield", "password": "password", "password_again": "password"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This password is too short" in html
    assert 'href="#id_password"' in html
    assert not User.objects.filter(email=PARTNER_EMAIL).exists()


def test_an_invitee_creates_an_account_then_confirms(partnership, invite, client):
    token = invite()
    response = client.post(
        page(token, "account"),
        {"full_name": "Dana Whitfield", "password": STRONG, "password_again": STRONG},
    )
    assert response.status_code == 302
    assert response["Location"] == page(token)
    user = User.objects.get(email=PARTNER_EMAIL)
    assert not Membership.objects.filter(user=user).exists()
    html = client.get(page(token)).content.decode()
    assert "Confirm the partnership" in html
    response = client.post(page(token, "confirm"))
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.confirmed_by_name == "Dana Whitfield"
    # Used up: the link now answers 404 with an explanation.
    response = client.get(page(token))
    assert response.status_code == 404
    assert "no longer works" in response.content.decode()


def test_an_invitee_with_an_account_signs_in_first(partnership, invite, partner, client):
    token = invite()
    response = client.get(page(token))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/partners/invitations/")
    response = client.post(
        page(token, "account"),
        {"full_name": "Someone", "password": STRONG, "password_again": STRONG},
    )
    assert response.status_code == 400
    assert "exists already" in response.content.decode()


def test_the_signed_in_invitee_confirms_from_the_page(partnership, invite, partner, client_for):
    token = invite()
    client = client_for(partner)
    assert "Confirm the partnership" in client.get(page(token)).content.decode()
    assert client.post(page(token, "confirm")).status_code == 302
    partnership.refresh_from_db()
    assert partnership.confirmed_at is not None


def test_another_signed_in_user_is_told_and_refused(partnership, invite, carol, client_for):
    token = invite()
    client = client_for(carol)
    html = client.get(page(token)).content.decode()
    assert "This invitation is for another account" in html
    assert "Confirm the partnership" not in html
    assert client.post(page(token, "confirm")).status_code == 403
    assert client.post(page(token, "decline")).status_code == 403
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None
    assert partnership.invitation_digest


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 200])
def test_unknown_links_answer_404(token, client, db):
    response = client.get(page(token))
    assert response.status_code == 404
    assert "no longer works" in response.content.decode()


def test_the_invitee_declines_from_the_page(partnership, invite, partner, client_for):
    token = invite()
    response = client_for(partner).post(page(token, "decline"), {"reason": "Ended last year."})
    assert response.status_code == 302
    assert AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_INVITATION_DECLINED).extra == {
        "reason": "Ended last year."
    }


# --- the coordinator's side ----------------------------------------------------------------------


def test_the_coordinator_invites_from_the_list_and_sees_the_badge(
    partnership, partner, client_for, alice, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    html = client.get("/agency/campaign/partnerships/").content.decode()
    assert "Invite partner to confirm" in html
    assert f"/partners/partnerships/{partnership.pk}/invite/" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/partners/partnerships/{partnership.pk}/invite/", follow=True)
    assert "We emailed dana@crisis-center.example" in response.content.decode()
    token = re.search(r"/partners/invitations/([^/]+)/", mail.outbox[0].body).group(1)
    assert "Invitation sent on" in client.get("/agency/campaign/partnerships/").content.decode()
    partnership_confirm(token=token, confirmed_by=partner)
    html = client.get("/agency/campaign/partnerships/").content.decode()
    assert "Confirmed</span> by Dana Whitfield on" in html
    assert "Invite partner to confirm" not in html
    edit = client.get(f"/agency/campaign/partnerships/{partnership.pk}/edit/").content.decode()
    assert "clears the partner's confirmation" in edit


def test_the_list_tells_expired_and_declined_invitations_apart(
    partnership, invite, partner, client_for, alice
):
    token = invite()
    client = client_for(alice)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        client = client_for(alice)
        assert "has expired" in client.get("/agency/campaign/partnerships/").content.decode()
    partnership_invitation_decline(token=token, declined_by=partner)
    html = client_for(alice).get("/agency/campaign/partnerships/").content.decode()
    assert "The partner said the record is not right" in html
    assert "Invite again" not in html
    assert "Invite partner to confirm" in html


def test_the_coordinator_is_told_when_no_address_is_on_file(partnership, client_for, alice):
    Partnership.objects.filter(pk=partnership.pk).update(partner_contact_email="")
    response = client_for(alice).post(
        f"/partners/partnerships/{partnership.pk}/invite/", follow=True
    )
    assert "Add the partner&#x27;s contact email address first." in response.content.decode()
    assert mail.outbox == []


def test_members_cannot_invite_and_other_agencies_get_404(partnership, client_for, bob, carol):
    url = f"/partners/partnerships/{partnership.pk}/invite/"
    assert client_for(bob).post(url).status_code == 403
    assert client_for(carol).post(url).status_code == 404
    partnership.refresh_from_db()
    assert partnership.invitation_digest == ""
    html = client_for(bob).get("/agency/campaign/partnerships/").content.decode()
    assert "Invite partner to confirm" not in html


def test_the_list_needs_the_same_queries_for_many_partnerships(
    partnership, invite, partner, client_for, alice
):
    partnership_confirm(token=invite(), confirmed_by=partner)
    client = client_for(alice)
    client.get("/agency/campaign/partnerships/")
    with CaptureQueriesContext(connection) as one:
        client.get("/agency/campaign/partnerships/")
    for n in range(4):
        partnership_create(
            agency=partnership.agency,
            created_by=alice,
            organization_name=f"Partner {n}",
            organization_kind="hospital",
            agreement_kind="letter",
            started_on=datetime.date(2024, 1, 1),
            partner_contact_email=f"p{n}@hospital.example",
        )
    with CaptureQueriesContext(connection) as five:
        html = client.get("/agency/campaign/partnerships/").content.decode()
    assert "Partner 3" in html
    assert len(five) == len(one)
