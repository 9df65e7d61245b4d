import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import CourseType, Officer, Partnership, Pledge, TrainingRecord
from mhr.campaigns.services.pledges import pledge_change_status, pledge_create
from mhr.campaigns.tests.reviewdata import review

TODAY = datetime.date(2026, 3, 10)
Status = Pledge.Status

URLS = [
    "/agency/campaign/",
    "/agency/campaign/edit/",
    "/agency/campaign/gaps/cit-coverage/",
    "/agency/campaign/certificate.pdf",
    "/agency/campaign/report.pdf",
]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(
        datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def make_pledge(agency, campaign, user, **overrides):
    fields = {
        "agency_head_name": "Pat Chief",
        "agency_head_title": "Chief of Police",
        "signed_on": datetime.date(2026, 1, 5),
        "contact_name": "Alice Archer",
        "contact_email": "alice@springfield.example",
        "target_completion_on": datetime.date(2027, 7, 5),
        "non_sworn_roles_in_scope": ["dispatcher"],
    }
    fields.update(overrides)
    return pledge_create(agency=agency, campaign=campaign, created_by=user, **fields)


def make_roster(agency, n, *, prefix="A", trained_every=3):
    """`n` active sworn officers; every `trained_every`-th holds CIT, the rest MHFA-PS expiring soon."""
    officers = Officer.objects.bulk_create(
        Officer(
            agency=agency,
            employee_id=f"{prefix}{i:05d}",
            first_name=f"First{i}",
            last_name=f"{prefix}Surname{i:05d}",
            is_sworn=True,
            unit="Day shift",
        )
        for i in range(n)
    )
    cit = CourseType.objects.get(code="cit-40")
    mhfa = CourseType.objects.get(code="mhfa-ps")
    records = []
    for i, officer in enumerate(officers):
        if i % trained_every == 0:
            records.append(
                TrainingRecord(
                    officer=officer,
                    agency=agency,
                    course_type=cit,
                    completed_on=datetime.date(2025, 1, 1),
                )
            )
        elif i % 2:
            records.append(
                TrainingRecord(
                    officer=officer,
                    agency=agency,
                    course_type=mhfa,
                    completed_on=datetime.date(2023, 4, 1),
                    expires_on=datetime.date(2026, 4, 1),
                )
            )
    TrainingRecord.objects.bulk_create(records)
    return officers


@pytest.fixture
def pledge_a(one_mind, agency_a, alice):
    return make_pledge(agency_a, one_mind, alice)


# --- taking the pledge ---------------------------------------------------------------------------


def test_it_explains_the_pledge_and_offers_the_form_to_a_coordinator(client_for, alice, one_mind):
    html = client_for(alice).get("/agency/campaign/").content.decode()
    assert "Take the One Mind Campaign pledge" in html
    assert "The four practices" in html
    assert "Mental Health First Aid" in html
    assert "Between 12 and 36 months after signing." in html
    assert 'name="non_sworn_roles_in_scope" value="dispatcher"' in html
    assert 'name="rule_version"' not in html
    assert html.count("<h1") == 1


def test_a_coordinator_takes_the_pledge(client_for, alice, one_mind, agency_a):
    response = client_for(alice).post(
        "/agency/campaign/",
        {
            "agency_head_name": "Pat Chief",
            "agency_head_title": "Chief of Police",
            "signed_on": "2026-03-01",
            "contact_name": "Alice Archer",
            "contact_email": "alice@springfield.example",
            "contact_phone": "",
            "target_completion_on": "2028-03-01",
            "non_sworn_roles_in_scope": ["dispatcher", "civilian"],
        },
        follow=True,
    )
    pledge = Pledge.objects.get(agency=agency_a)
    assert pledge.rule_version.code == "current"
    assert pledge.non_sworn_roles_in_scope == ["dispatcher", "civilian"]
    assert pledge.created_by == alice
    html = response.content.decode()
    assert "has taken the One Mind Campaign pledge" in html
    assert "Progress by practice" in html
    assert AuditEvent.objects.filter(event_type="pledge.created", agency=agency_a).exists()


def test_it_names_the_bad_target_date_and_saves_nothing(client_for, alice, one_mind):
    response = client_for(alice).post(
        "/agency/campaign/",
        {
            "agency_head_name": "Pat Chief",
            "agency_head_title": "Chief",
            "signed_on": "2026-03-01",
            "contact_name": "Alice",
            "contact_email": "alice@springfield.example",
            "target_completion_on": "2026-09-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be between 12 and 36 months after signing" in html
    assert 'aria-invalid="true"' in html
    assert not Pledge.objects.exists()


def test_it_rejects_a_role_that_is_not_offered(client_for, alice, one_mind):
    response = client_for(alice).post(
        "/agency/campaign/",
        {
            "agency_head_name": "Pat Chief",
            "agency_head_title": "Chief",
            "signed_on": "2026-03-01",
            "contact_name": "Alice",
            "contact_email": "alice@springfield.example",
            "target_completion_on": "2027-09-01",
            "non_sworn_roles_in_scope": ["patrol"],
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_member_sees_the_explanation_but_cannot_pledge(client_for, bob, one_mind):
    client = client_for(bob)
    html = client.get("/agency/campaign/").content.decode()
    assert "Only the agency's coordinators can take the pledge." in html
    assert '<form method="post" class="usa-form' not in html
    response = client.post("/agency/campaign/", {"agency_head_name": "Bob"})
    assert response.status_code == 403
    assert not Pledge.objects.exists()


# --- the dashboard -------------------------------------------------------------------------------


def test_the_dashboard_shows_progress_gaps_expiring_certificates_and_history(
    client_for, alice, agency_a, pledge_a
):
    make_roster(agency_a, 30)
    Partnership.objects.create(
        agency=agency_a,
        organization_name="Springfield Community Mental Health",
        organization_kind="mental_health_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 6, 1),
    )
    html = client_for(alice).get("/agency/campaign/").content.decode()
    assert 'data-testid="pledge-status">In progress<' in html
    assert "482 days left." in html
    assert "<progress" in html and 'max="6" value="6"' in html  # CIT: 10 of 30 hold it, 6 needed
    assert (
        "10 of 30 active sworn officers (33.3%) hold an accepted course; the rule needs 6." in html
    )
    assert "1 partnership in effect." in html
    assert "No policy adopted yet." in html
    # MHFA for the rest: 10 of the other 20 hold it, so 10 lack it.
    assert "10 people lack an accepted course" in html
    assert "ASurname00002" in html
    assert "Mental Health First Aid or equivalent" in html
    assert "Certificates expiring in the next 90 days" in html
    assert "10 certificates expiring by June 8, 2026" in html
    assert "April 1, 2026 (in 22 days)" in html
    assert "Pledge taken" in html and "alice@springfield.example" in html
    assert "Submit for recognition" in html
    assert 'href="/campaign/agencies/WA0170000/"' in html
    assert html.count("<h1") == 1


def test_an_empty_roster_shows_pledged_and_no_submit_button(client_for, alice, pledge_a):
    html = client_for(alice).get("/agency/campaign/").content.decode()
    assert 'data-testid="pledge-status">Pledged<' in html
    assert "No active sworn officers on the roster" in html
    assert "Submit for recognition</button>" not in html


def test_it_counts_down_and_then_shows_overdue(client_for, alice, pledge_a):
    with time_machine.travel(datetime.datetime(2027, 7, 15, tzinfo=datetime.UTC), tick=False):
        html = client_for(alice).get("/agency/campaign/").content.decode()
    assert "Overdue by 10 days." in html


def test_a_member_sees_the_dashboard_read_only(client_for, bob, agency_a, pledge_a):
    make_roster(agency_a, 12)
    client = client_for(bob)
    html = client.get("/agency/campaign/").content.decode()
    assert "Progress by practice" in html
    assert "Change pledge details" not in html
    assert "Submit for recognition</button>" not in html
    assert client.get("/agency/campaign/edit/").status_code == 403
    assert client.post("/agency/campaign/submit/").status_code == 403
    pledge_a.refresh_from_db()
    assert pledge_a.status == Status.PLEDGED


def test_the_dashboard_uses_a_constant_number_of_queries(
    client_for, alice, agency_a, pledge_a, django_assert_max_num_queries
):
    client = client_for(alice)
    client.get("/agency/campaign/")  # warm the session and caches

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_roster(agency_a, 10)
    small = count("/agency/campaign/")
    small_gaps = count("/agency/campaign/gaps/mhfa-remaining/")
    # Session, user, membership, campaign, pledge, the engine's facts, officers, courses, history.
    assert small <= 16
    make_roster(agency_a, 190, prefix="B")
    assert count("/agency/campaign/") == small
    assert count("/agency/campaign/gaps/mhfa-remaining/") == small_gaps
    with django_assert_max_num_queries(small):
        client.get("/agency/campaign/")


# --- submitting ----------------------------------------------------------------------------------


def test_a_coordinator_submits_once_there_is_progress(client_for, alice, agency_a, pledge_a):
    make_roster(agency_a, 12)
    response = client_for(alice).post("/agency/campaign/submit/", follow=True)
    assert "submitted for recognition" in response.content.decode()
    pledge_a.refresh_from_db()
    assert pledge_a.status == Status.SUBMITTED
    moves = [
        (e.extra["from"], e.extra["to"])
        for e in AuditEvent.objects.filter(event_type="pledge.status_changed").order_by("id")
    ]
    assert moves == [("pledged", "in_progress"), ("in_progress", "submitted")]
    html = client_for(alice).get("/agency/campaign/").content.decode()
    assert "Submitted for recognition on March 10, 2026" in html
    assert "Status changed from In progress to Submitted for recognition" in html


def test_it_will_not_submit_a_pledge_without_progress(client_for, alice, pledge_a):
    response = client_for(alice).post("/agency/campaign/submit/", follow=True)
    assert "There is no progress to submit yet" in response.content.decode()
    pledge_a.refresh_from_db()
    assert pledge_a.status == Status.PLEDGED


def test_a_returned_pledge_can_be_submitted_again(client_for, alice, reviewer, agency_a, pledge_a):
    make_roster(agency_a, 6)
    pledge_change_status(pledge=pledge_a, status=Status.IN_PROGRESS, changed_by=alice)
    pledge_change_status(pledge=pledge_a, status=Status.SUBMITTED, changed_by=alice)
    review(pledge_a, reviewer, returned={"partnership": "Attach the signed MOU."})
    client = client_for(alice)
    assert "Submit for recognition</button>" in client.get("/agency/campaign/").content.decode()
    client.post("/agency/campaign/submit/")
    pledge_a.refresh_from_db()
    assert pledge_a.status == Status.SUBMITTED


def test_it_will_not_submit_twice(client_for, alice, agency_a, pledge_a):
    make_roster(agency_a, 6)
    client = client_for(alice)
    client.post("/agency/campaign/submit/")
    response = client.post("/agency/campaign/submit/", follow=True)
    assert "cannot be submitted now" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="pledge.status_changed").count() == 2


def test_submit_only_accepts_post(client_for, alice, pledge_a):
    assert client_for(alice).get("/agency/campaign/submit/").status_code == 405


# --- editing -------------------------------------------------------------------------------------


def test_a_coordinator_changes_the_pledge_details(client_for, alice, pledge_a):
    client = client_for(alice)
    html = client.get("/agency/campaign/edit/").content.decode()
    assert 'value="Pat Chief"' in html and 'value="2027-07-05"' in html
    response = client.post(
        "/agency/campaign/edit/",
        {
            "agency_head_name": "Pat Chief",
            "agency_head_title": "Chief of Police",
            "signed_on": "2026-01-05",
            "contact_name": "Bob Baker",
            "contact_email": "bob@springfield.example",
            "target_completion_on": "2027-07-05",
            "non_sworn_roles_in_scope": ["dispatcher"],
        },
    )
    assert response.status_code == 302
    pledge_a.refresh_from_db()
    assert pledge_a.contact_name == "Bob Baker"
    event = AuditEvent.objects.get(event_type="pledge.changed")
    assert set(event.extra["changes"]) == {"contact_name", "contact_email"}
    html = client.get("/agency/campaign/").content.decode()
    assert "Changed point of contact, contact email" in html


def test_editing_names_the_bad_field(client_for, alice, pledge_a):
    response = client_for(alice).post(
        "/agency/campaign/edit/",
        {
            "agency_head_name": "Pat Chief",
            "agency_head_title": "Chief of Police",
            "signed_on": "2026-01-05",
            "contact_name": "Alice",
            "contact_email": "alice@springfield.example",
            "target_completion_on": "2031-01-01",
        },
    )
    assert "must be between 12 and 36 months" in response.content.decode()
    pledge_a.refresh_from_db()
    assert pledge_a.target_completion_on == datetime.date(2027, 7, 5)


# --- gap list ------------------------------------------------------------------------------------


def test_the_gap_list_pages_through_everyone_lacking_training(
    client_for, alice, agency_a, pledge_a
):
    make_roster(agency_a, 150, trained_every=1000)  # only officer 0 holds CIT
    client = client_for(alice)
    first = client.get("/agency/campaign/gaps/mhfa-remaining/").content.decode()
    assert "74 people lack an accepted course: page 1 of 2" in first
    assert first.count("Day shift") == 50
    second = client.get("/agency/campaign/gaps/mhfa-remaining/?page=2").content.decode()
    assert second.count("Day shift") == 24
    # Order is by name across pages.
    assert "ASurname00002" in first and "ASurname00148" in second


def test_the_gap_list_answers_404_for_unknown_or_non_training_requirements(
    client_for, alice, pledge_a
):
    client = client_for(alice)
    assert client.get("/agency/campaign/gaps/no-such/").status_code == 404
    assert client.get("/agency/campaign/gaps/partnership/").status_code == 404


# --- who may see what ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_carol_never_sees_agency_as_pledge_or_officers(client_for, carol, agency_a, pledge_a, url):
    make_roster(agency_a, 5)
    response = client_for(carol).get(url)
    # Carol's agency has not pledged: she gets the pledge form at the root, 404 elsewhere.
    assert response.status_code == (200 if url == "/agency/campaign/" else 404)
    body = response.content.decode(errors="replace")
    assert "Springfield" not in body
    assert "ASurname" not in body
    assert "Pat Chief" not in body


@pytest.mark.parametrize("url", URLS)
def test_carol_sees_only_her_own_pledge(
    client_for, carol, agency_a, agency_b, pledge_a, one_mind, url
):
    make_pledge(
        agency_b,
        one_mind,
        carol,
        agency_head_name="Sheriff Lou",
        contact_email="carol@shelbyville.example",
    )
    make_roster(agency_a, 5)
    make_roster(agency_b, 5, prefix="Z")
    response = client_for(carol).get(url)
    assert response.status_code == 200
    if url.endswith(".pdf"):
        return
    body = response.content.decode()
    assert "ASurname" not in body and "Pat Chief" not in body and "Springfield" not in body


@pytest.mark.parametrize("url", [*URLS, "/agency/campaign/submit/"])
def test_staff_without_an_agency_get_404(client_for, sam, pledge_a, url):
    client = client_for(sam)
    response = client.post(url) if url.endswith("submit/") else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", [*URLS, "/agency/campaign/submit/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, pledge_a, url):
    response = client.post(url) if url.endswith("submit/") else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_carol_cannot_submit_agency_as_pledge(client_for, carol, agency_a, pledge_a):
    make_roster(agency_a, 5)
    assert client_for(carol).post("/agency/campaign/submit/").status_code == 404
    pledge_a.refresh_from_db()
    assert pledge_a.status == Status.PLEDGED


def test_bob_may_download_both_pdfs(client_for, bob, pledge_a):
    client = client_for(bob)
    for url in ("/agency/campaign/certificate.pdf", "/agency/campaign/report.pdf"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


# --- in a real browser -----------------------------------------------------------------------------


@pytest.mark.browser
def test_the_pledge_pages_have_no_serious_accessibility_violations(
    chromium, live_server, alice, one_mind, agency_a
):
    import time

    from django.conf import settings
    from django.test import Client

    from mhr.core.tests.browser import axe_violations

    client = Client()
    client.force_login(alice)
    session = client.session
    now = time.time()
    session.update(
        {
            "mhr_epoch": alice.session_epoch,
            "mhr_auth_at": now,
            "mhr_seen_at": now,
            "mhr_mfa_ok": True,
        }
    )
    session.save()
    # bypass_csp lets the test inject axe-core; the pages themselves still send their CSP.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        found = []
        page.goto("/agency/campaign/")
        found += axe_violations(page, "take the pledge")
        make_pledge(agency_a, one_mind, alice)
        make_roster(agency_a, 40)
        for path, label in [
            ("/agency/campaign/", "dashboard"),
            ("/agency/campaign/gaps/mhfa-remaining/", "gap list"),
            ("/agency/campaign/edit/", "edit pledge"),
        ]:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            if label == "dashboard":
                assert page.locator("progress").count() == 4
            found += axe_violations(page, label)
    finally:
        context.close()
    assert not found, "\n".join(str(v) for v in found)
