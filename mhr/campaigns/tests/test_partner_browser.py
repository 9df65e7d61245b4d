"""The partner organization's side of an invitation, in a real browser: accept and decline.

Dana (the partner's director) gets the link by email. Without an account she creates one on the
invitation page (a wrong second password first), checks the record and confirms it; another
partner, who already has an account, signs in from the link and declines with a reason. The
coordinators' emails are checked on the way: the live server runs in a thread of this process, so
the locmem outbox is the test's outbox. axe-core checks every screen.

Runs Debian's Chromium through Playwright against the live server. Skipped when Chromium is
missing, except on CI.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail

from mhr.accounts.models import User
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Partnership
from mhr.campaigns.services.evidence import (
    EVENT_PARTNERSHIP_CONFIRMED,
    EVENT_PARTNERSHIP_INVITATION_DECLINED,
    partnership_create,
    partnership_invite,
)
from mhr.core.tests.browser import axe_violations, sign_in_context

pytestmark = pytest.mark.browser

PASSWORD = "violet tractor harbour lemon"


@pytest.fixture
def browser_page(chromium, live_server):
    contexts = []

    def page_for(user=None):
        context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
        context.set_default_timeout(10_000)
        if user is not None:
            sign_in_context(context, live_server.url, user)
        contexts.append(context)
        return context.new_page()

    try:
        yield page_for
    finally:
        for context in contexts:
            context.close()


def _invite(agency, coordinator, *, email: str, name: str) -> tuple[Partnership, str]:
    partnership = partnership_create(
        agency=agency,
        created_by=coordinator,
        organization_name=name,
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2028, 1, 31),
        partner_contact_email=email,
    )
    token = partnership_invite(partnership=partnership, invited_by=coordinator)
    return partnership, token


def _link_in_last_email() -> str:
    """The invitation link, as the partner would copy it from the email."""
    match = re.search(r"https?://\S+/partners/invitations/[^/\s]+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return "/" + match.group(0).split("/", 3)[3]


def test_a_new_partner_creates_an_account_and_confirms(browser_page, agency_a, alice):
    partnership, _token = _invite(
        agency_a, alice, email="dana@crisis-center.example", name="Springfield Crisis Center"
    )
    link = _link_in_last_email()
    found: list[object] = []
    page = browser_page()

    page.goto(link)
    assert page.inner_text("h1") == "Confirm a partnership"
    facts = page.get_by_role("table", name="What you are asked to confirm").inner_text()
    assert "Springfield Police Department" in facts
    assert "Springfield Crisis Center" in facts
    assert "1 February 2025" in facts and "31 January 2028" in facts
    found.extend(axe_violations(page, "invitation, sign-up form"))

    # Each field says what it holds (WCAG 1.3.5), so browsers and password managers fill it in.
    assert page.get_by_label("Your name").get_attribute("autocomplete") == "name"
    assert page.get_by_label("Choose a password").get_attribute("autocomplete") == "new-password"
    page.get_by_label("Your name").fill("Dana Whitfield, Director")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD + " typo")
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    summary.wait_for()
    assert "The two passwords differ." in summary.inner_text()
    # The summary's link moves focus to the field in error.
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_password_again"
    found.extend(axe_violations(page, "invitation, sign-up form with an error"))
    assert not User.objects.filter(email="dana@crisis-center.example").exists()

    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    confirm = page.get_by_role("button", name="Confirm the partnership")
    confirm.wait_for()
    assert "Your account is ready" in page.inner_text("main")
    found.extend(axe_violations(page, "invitation, signed in as the invitee"))

    sent = len(mail.outbox)
    confirm.click()
    page.wait_for_url("**/")
    assert "you confirmed the partnership between Springfield Police Department" in (
        page.inner_text("main")
    )
    found.extend(axe_violations(page, "home page after confirming"))

    partnership.refresh_from_db()
    assert partnership.confirmed_at is not None
    assert partnership.confirmed_by_name == "Dana Whitfield, Director"
    assert partnership.invitation_digest == ""
    event = AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_CONFIRMED)
    assert event.actor.email == "dana@crisis-center.example"
    assert len(mail.outbox) > sent  # the coordinators are told

    # The link worked once.
    page.goto(link)
    assert page.inner_text("h1") == "This invitation link no longer works"
    found.extend(axe_violations(page, "used invitation link"))
    assert not found, "\n".join(str(v) for v in found)


def test_a_partner_with_an_account_signs_in_and_declines(browser_page, agency_a, alice):
    User.objects.create_user(
        email="lee@county-health.example", password=PASSWORD, full_name="Lee Morgan"
    )
    partnership, _token = _invite(
        agency_a, alice, email="lee@county-health.example", name="County Behavioral Health"
    )
    link = _link_in_last_email()
    found: list[object] = []
    page = browser_page()

    # Not signed in, with an account: the link goes to the sign-in page and back.
    page.goto(link)
    page.wait_for_url("**/accounts/sign-in/**")
    page.get_by_label("Email").fill("lee@county-health.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Confirm the partnership").wait_for()
    found.extend(axe_violations(page, "invitation, signed in"))

    page.get_by_text("Something is not right").click()
    reason = page.get_by_label("What is not right? (optional)")
    reason.fill("The agreement ended in 2026; we have a new one.")
    found.extend(axe_violations(page, "invitation, decline form open"))
    sent = len(mail.outbox)
    page.get_by_role("button", name="Tell the agency it is not right").click()
    page.wait_for_url("**/")
    assert "You told Springfield Police Department the record is not right" in (
        page.inner_text("main")
    )

    partnership.refresh_from_db()
    assert partnership.confirmed_at is None
    assert partnership.invitation_digest == ""
    event = AuditEvent.objects.get(event_type=EVENT_PARTNERSHIP_INVITATION_DECLINED)
    assert event.actor.email == "lee@county-health.example"
    assert len(mail.outbox) > sent
    assert "we have a new one" in mail.outbox[-1].body
    assert not found, "\n".join(str(v) for v in found)


def test_someone_else_signed_in_is_told_the_link_is_for_another_account(
    browser_page, agency_a, alice, carol
):
    _partnership, token = _invite(
        agency_a, alice, email="dana@crisis-center.example", name="Springfield Crisis Center"
    )
    page = browser_page(carol)
    page.goto(f"/partners/invitations/{token}/")
    assert "This invitation is for another account" in page.inner_text("main")
    assert page.get_by_role("button", name="Confirm the partnership").count() == 0
    found = axe_violations(page, "invitation, another account")
    assert not found, "\n".join(str(v) for v in found)
