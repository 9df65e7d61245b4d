import pytest

from mhr.accounts.models import Membership
from mhr.audit.models import AuditEvent


def test_it_shows_a_coordinator_their_agency_with_an_edit_form(client_for, alice, bob):
    html = client_for(alice).get("/accounts/agency/").content.decode()
    assert "Springfield Police Department" in html
    assert "Save agency details" in html
    assert bob.email in html


def test_it_saves_agency_details_and_audits_them(client_for, alice, agency_a):
    response = client_for(alice).post(
        "/accounts/agency/",
        {"name": "Springfield Police Dept.", "agency_type": "city", "sworn_headcount": "130"},
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.name == "Springfield Police Dept."
    assert agency_a.sworn_headcount == 130
    event = AuditEvent.objects.get(event_type="agency.changed")
    assert event.agency == agency_a
    assert event.extra["changes"]["sworn_headcount"] == ["120", "130"]


def test_it_names_the_bad_field(client_for, alice):
    response = client_for(alice).post(
        "/accounts/agency/", {"name": "", "agency_type": "spaceship", "sworn_headcount": "-3"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "Select a valid choice." in html


def test_it_shows_a_member_read_only_and_refuses_their_edits(client_for, bob, agency_a):
    client = client_for(bob)
    assert "Save agency details" not in client.get("/accounts/agency/").content.decode()
    response = client.post("/accounts/agency/", {"name": "Hijacked", "agency_type": "city"})
    assert response.status_code == 403
    agency_a.refresh_from_db()
    assert agency_a.name == "Springfield Police Department"


def test_it_shows_carol_only_her_own_agency(client_for, carol, alice):
    html = client_for(carol).get("/accounts/agency/").content.decode()
    assert "Shelbyville" in html
    assert "Springfield" not in html
    assert alice.email not in html


def test_it_answers_404_to_staff_without_an_agency(client_for, sam):
    assert client_for(sam).get("/accounts/agency/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/accounts/agency/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_coordinator_changes_a_members_role(client_for, alice, bob):
    response = client_for(alice).post(
        f"/accounts/agency/members/{bob.membership.pk}/role/", {"role": "coordinator"}
    )
    assert response.status_code == 302
    bob.membership.refresh_from_db()
    assert bob.membership.role == Membership.Role.COORDINATOR
    assert AuditEvent.objects.filter(event_type="membership.changed").exists()


def test_carol_cannot_change_roles_in_another_agency(client_for, carol, bob):
    response = client_for(carol).post(
        f"/accounts/agency/members/{bob.membership.pk}/role/", {"role": "coordinator"}
    )
    assert response.status_code == 404
    bob.membership.refresh_from_db()
    assert bob.membership.role == Membership.Role.MEMBER


def test_a_member_cannot_change_roles(client_for, alice, bob):
    response = client_for(bob).post(
        f"/accounts/agency/members/{alice.membership.pk}/role/", {"role": "member"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["", "owner"])
def test_it_refuses_an_unknown_role(client_for, alice, bob, role):
    response = client_for(alice).post(
        f"/accounts/agency/members/{bob.membership.pk}/role/", {"role": role}, follow=True
    )
    assert "Choose a valid role." in response.content.decode()


def test_an_agency_keeps_at_least_one_coordinator(client_for, alice):
    response = client_for(alice).post(
        f"/accounts/agency/members/{alice.membership.pk}/role/", {"role": "member"}, follow=True
    )
    assert "An agency needs at least one coordinator." in response.content.decode()
    alice.membership.refresh_from_db()
    assert alice.membership.is_coordinator
