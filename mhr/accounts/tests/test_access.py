import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mhr.accounts.access import access_agency_object, require_membership
from mhr.accounts.models import ApiToken, Membership
from mhr.accounts.services import api_token_create


@pytest.fixture
def alices_token(alice, agency_a):
    token, _secret = api_token_create(user=alice, agency=agency_a, name="RMS export")
    return token


def test_it_returns_an_object_of_the_users_agency(alice, bob, alices_token):
    assert access_agency_object(bob, ApiToken, pk=alices_token.pk) == alices_token


def test_it_hides_another_agencys_object_as_missing(carol, alices_token):
    with pytest.raises(Http404):
        access_agency_object(carol, ApiToken, pk=alices_token.pk)


def test_it_answers_404_for_a_missing_object(alice):
    with pytest.raises(Http404):
        access_agency_object(alice, ApiToken, pk=999_999)


def test_it_answers_404_for_a_malformed_id(alice):
    with pytest.raises(Http404):
        access_agency_object(alice, ApiToken, pk="not-a-number")


def test_it_answers_404_to_staff_without_an_agency(sam, alices_token):
    with pytest.raises(Http404):
        access_agency_object(sam, ApiToken, pk=alices_token.pk)


def test_it_answers_404_to_anonymous_users(alices_token):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        access_agency_object(AnonymousUser(), ApiToken, pk=alices_token.pk)


def test_it_refuses_a_member_where_a_coordinator_is_needed(bob, alice):
    membership = alice.membership
    with pytest.raises(PermissionDenied):
        access_agency_object(bob, Membership, need_coordinator=True, pk=membership.pk)


def test_it_lets_a_coordinator_through(alice, bob):
    found = access_agency_object(alice, Membership, need_coordinator=True, pk=bob.membership.pk)
    assert found.user == bob


def test_it_filters_a_given_queryset_too(alice, bob, alices_token):
    # Bob may look in his agency, but the queryset limits him to his own tokens.
    with pytest.raises(Http404):
        access_agency_object(bob, ApiToken.objects.filter(user=bob), pk=alices_token.pk)


def test_it_ignores_inactive_users(alice, alices_token):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        access_agency_object(alice, ApiToken, pk=alices_token.pk)


def test_require_membership_names_the_role_problem(bob):
    with pytest.raises(PermissionDenied):
        require_membership(bob, need_coordinator=True)
    assert require_membership(bob).agency.ori == "WA0170000"
