"""MHR in a real browser: accessibility (axe-core, WCAG 2.1 AA), keyboard, phone layout, sign-in.

Runs Debian's Chromium through Playwright against pytest-django's live server. Skipped when
Chromium is missing, except on CI (CI=1), where that is a failure.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from mhr.accounts import mfa
from mhr.accounts import services as account_services
from mhr.accounts.models import Agency, Membership, User
from mhr.campaigns.models import Pledge
from mhr.clearinghouse.models import Resource
from mhr.core import demo
from mhr.core.markdown import markdown_to_text
from mhr.core.tests.browser import axe_violations, sign_in_context

pytestmark = pytest.mark.browser

PASSWORD = "browser-demo-password"


@pytest.fixture
def demo_site(live_server):
    """A small demo catalog (public and members-only resources, with attachments) and its users."""
    demo.demo_load(password=PASSWORD, agency_count=2, limit=4)
    return live_server


def _user(role: str) -> User:
    return User.objects.get(email=demo.demo_account(role).email)


def _resource(access: str) -> Resource:
    return Resource.objects.published().filter(access=access).order_by("slug").first()


def _body_phrase(resource: Resource) -> str:
    """Six consecutive words of the body that the public summary does not contain."""
    words = markdown_to_text(resource.body).split()
    for start in range(0, max(len(words) - 6, 1)):
        phrase = " ".join(words[start : start + 6])
        if phrase not in resource.summary:
            return phrase
    raise AssertionError(f"{resource.slug} has no body text to look for")


def _main_text(page) -> str:
    return " ".join(page.inner_text("main").split())


def _visit(page, path: str, expected_status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.status == expected_status, f"{path} returned {response.status}"


def test_it_finds_no_serious_accessibility_violations_on_the_main_pages(
    demo_site, chromium, browser_context
):
    public = _resource(Resource.Access.PUBLIC)
    members_only = _resource(Resource.Access.MEMBERS)
    assert public is not None and members_only is not None

    pages = [
        ("home", "/", 200),
        ("resource list", "/resources/", 200),
        ("search for crisis", "/resources/?q=crisis", 200),
        ("public resource", public.get_absolute_url(), 200),
        ("members-only resource, signed out", members_only.get_absolute_url(), 200),
        ("sign-in page", "/accounts/sign-in/", 200),
        ("password reset page", "/accounts/password-reset/", 200),
        ("not found page", "/this-page-does-not-exist/", 404),
    ]
    signed_in_pages = [
        ("member", "members-only resource, signed in", members_only.get_absolute_url()),
        ("coordinator", "my agency, coordinator", "/accounts/agency/"),
        ("coordinator", "API tokens, coordinator", "/accounts/tokens/"),
        ("editor", "staff editorial list, editor", "/staff/resources/"),
        ("editor", "staff new resource form, editor", "/staff/resources/new/"),
        ("editor", "staff resource page, editor", f"/staff/resources/{members_only.pk}/"),
        ("editor", "staff edit form, editor", f"/staff/resources/{members_only.pk}/edit/"),
    ]

    found: list[object] = []

    def check(page, label: str, path: str, status: int = 200) -> None:
        # Every page is checked even when one fails, so one run reports them all.
        response = page.goto(path)
        if response is None or response.status != status:
            found.append(f"{label}: {path} returned {response and response.status}, not {status}")
            return
        found.extend(axe_violations(page, label))

    page = browser_context.new_page()
    for label, path, status in pages:
        check(page, label, path, status)
    for role in dict.fromkeys(role for role, _label, _path in signed_in_pages):
        context = chromium.new_context(base_url=demo_site.url, bypass_csp=True)
        sign_in_context(context, demo_site.url, _user(role))
        signed_in = context.new_page()
        for page_role, label, path in signed_in_pages:
            if page_role == role:
                check(signed_in, label, path)
        context.close()

    assert not found, "Pages failing, or serious/critical accessibility violations:\n" + "\n".join(
        str(v) for v in found
    )


def test_it_serves_the_uswds_stylesheet_and_fonts_from_static(live_server, page):
    stylesheets = []
    page.on(
        "response",
        lambda response: (
            stylesheets.append(response) if response.url.endswith("uswds.min.css") else None
        ),
    )
    _visit(page, "/")
    assert [response.status for response in stylesheets] == [200]
    font_family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Source Sans Pro" in font_family


def test_it_lets_a_member_sign_in_through_the_form_and_read_a_members_only_body(demo_site, page):
    members_only = _resource(Resource.Access.MEMBERS)
    body_phrase = _body_phrase(members_only)

    _visit(page, members_only.get_absolute_url())
    assert body_phrase not in _main_text(page)

    _visit(page, "/accounts/sign-in/?next=" + members_only.get_absolute_url())
    page.get_by_label("Email").fill(demo.demo_account("member").email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" in page.url
    assert axe_violations(page, "sign-in page with an error") == []

    page.get_by_label("Email").fill(demo.demo_account("member").email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Members see encounter data, so their first sign-in sets up the authenticator app.
    page.wait_for_url("**/accounts/mfa/**")
    assert axe_violations(page, "two-step sign-in set-up") == []
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(mfa.code_at_step(secret, mfa.current_step()))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.wait_for_load_state()
    _visit(page, members_only.get_absolute_url())
    assert body_phrase in _main_text(page)


def test_it_makes_the_skip_link_the_first_tab_stop_and_moves_focus_to_main(live_server, page):
    _visit(page, "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main-content'")


def test_it_opens_the_navigation_from_the_menu_button_on_a_phone(live_server, chromium):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    _visit(page, "/")
    nav = page.locator("nav.usa-nav")
    assert not nav.is_visible()
    page.get_by_role("button", name="Menu").click()
    nav.wait_for(state="visible")
    assert page.get_by_role("link", name="Resources").first.is_visible()
    context.close()


def test_it_reports_a_serious_violation_when_a_page_has_one(chromium):
    # Guards the helper itself: a check that cannot fail would pass every page.
    context = chromium.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="en"><head><title>Check</title></head><body><main><h1>Check</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )
    found = axe_violations(page, "fixture page")
    context.close()

    assert [violation.rule for violation in found] == ["image-alt"]
    assert "img" in str(found[0])


@pytest.fixture
def campaign_site(live_server, one_mind):
    """The demo with its campaign data, plus a coordinator whose agency has not pledged."""
    demo.demo_load(password=PASSWORD, agency_count=2, limit=1)
    agency = account_services.agency_create(
        ori="ZZ0009900",
        name="Unpledged Demo Police Department",
        state="WA",
        county="DEMO",
        agency_type=Agency.AgencyType.CITY,
        sworn_headcount=25,
    )
    user = account_services.user_create(
        email="unpledged-coordinator@demo.mhr.invalid",
        password=PASSWORD,
        full_name="Uma Unpledged",
        title="Lieutenant",
    )
    account_services.membership_create(user=user, agency=agency, role=Membership.Role.COORDINATOR)
    return live_server


def test_it_finds_no_serious_accessibility_violations_on_the_campaign_pages(
    campaign_site, chromium, browser_context
):
    first = Membership.objects.get(user=_user("coordinator")).agency
    assert Pledge.objects.filter(agency=first).exists()
    unpledged = User.objects.get(email="unpledged-coordinator@demo.mhr.invalid")
    found: list[object] = []

    def check(page, label: str, path: str, heading: str = "") -> None:
        response = page.goto(path)
        if response is None or response.status != 200:
            found.append(f"{label}: {path} returned {response and response.status}, not 200")
            return
        # A redirect (to sign-in or the two-step set-up) would check the wrong page.
        if not page.url.endswith(path):
            found.append(f"{label}: {path} ended at {page.url}")
            return
        if heading and heading not in page.inner_text("h1"):
            found.append(f"{label}: {path} has no heading {heading!r}")
        found.extend(axe_violations(page, label))

    page = browser_context.new_page()
    check(page, "campaign home", "/campaign/")
    check(page, "agency pledge page", f"/campaign/agencies/{first.ori}/")
    badge = page.locator("main img[src*='/badge/']")
    badge.wait_for()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=badge.element_handle()
    )

    signed_in = [
        (_user("coordinator"), "campaign dashboard, coordinator", "/agency/campaign/", "pledge"),
        (
            _user("coordinator"),
            "gap list, coordinator",
            "/agency/campaign/gaps/mhfa-remaining/",
            "Who needs training",
        ),
        (unpledged, "pledge form, coordinator without a pledge", "/agency/campaign/", "Take the"),
        (_user("admin"), "audit log, staff administrator", "/audit/", ""),
    ]
    for user, label, path, heading in signed_in:
        context = chromium.new_context(base_url=campaign_site.url, bypass_csp=True)
        sign_in_context(context, campaign_site.url, user)
        check(context.new_page(), label, path, heading)
        context.close()

    # Signed in but without the two-step stamp: the coordinator is sent to set it up.
    client = Client()
    client.force_login(_user("coordinator2"))
    context = chromium.new_context(base_url=campaign_site.url, bypass_csp=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": campaign_site.url,
            }
        ]
    )
    check(
        context.new_page(),
        "two-step set-up, unverified coordinator",
        "/accounts/mfa/",
        "Set up two-step sign-in",
    )
    context.close()

    assert not found, "Pages failing, or serious/critical accessibility violations:\n" + "\n".join(
        str(v) for v in found
    )
