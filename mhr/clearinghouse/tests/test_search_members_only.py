"""Members-only text never reaches non-members through search: no match, no snippet, no suggestion."""

from __future__ import annotations

import pytest

from mhr.accounts.selectors import user_is_member
from mhr.clearinghouse import services
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.search import SearchRequest, search_resources
from mhr.clearinghouse.tests.search_helpers import make_resource

pytestmark = pytest.mark.django_db

SECRET = "quillwort"
SECRET_TYPO = "quillwurt"


@pytest.fixture
def secret_resource(sam):
    return make_resource(
        sam,
        title="Members toolkit for supervisors",
        summary="Guidance for supervisors reviewing crisis calls.",
        body=f"The body mentions the {SECRET} protocol and the sentinel process.",
        access=Resource.Access.MEMBERS,
        attachment_text=f"Appendix: the {SECRET} checklist, hidden from the public.",
    )


def search_as(user, text: str):
    return search_resources(SearchRequest(text=text, viewer_is_member=user_is_member(user)))


@pytest.mark.parametrize("who", [None, "non_member"])
def test_it_hides_members_only_body_and_attachment_words_from_non_members(
    secret_resource, who, django_user_model
):
    user = None
    if who == "non_member":
        user = django_user_model.objects.create_user(email="pat@example.com", password="x" * 16)
    assert not user_is_member(user)
    for text in (SECRET, f'"{SECRET} checklist"', "sentinel", "hidden public"):
        page = search_as(user, text)
        assert page.hits == [], text
        assert page.total == 0
    page = search_as(user, SECRET_TYPO)
    assert page.suggestion is None


def test_it_finds_the_members_only_resource_for_a_member(secret_resource, bob):
    page = search_as(bob, SECRET)
    assert [hit.resource for hit in page.hits] == [secret_resource]
    assert f"<mark>{SECRET}</mark>" in page.hits[0].snippet_html
    assert search_as(bob, SECRET_TYPO).suggestion == SECRET


def test_it_shows_non_members_only_the_title_and_summary_of_members_only_resources(
    secret_resource,
):
    page = search_as(None, "supervisors")
    assert [hit.resource for hit in page.hits] == [secret_resource]
    snippet = page.hits[0].snippet_html
    assert "<mark>supervisors</mark>" in snippet.lower()
    for hidden in (SECRET, "sentinel", "Appendix"):
        assert hidden not in snippet
    # Matching a title word plus a body word must not reveal the body to non-members.
    assert search_as(None, "supervisors sentinel").total == 0


def test_it_stops_showing_text_publicly_when_a_resource_becomes_members_only(sam):
    resource = make_resource(sam, title="Open guide", body=f"The {SECRET} procedure.")
    assert search_as(None, SECRET).total == 1
    services.resource_update(resource=resource, changed_by=sam, access=Resource.Access.MEMBERS)
    assert search_as(None, SECRET).total == 0
    assert search_as(None, SECRET_TYPO).suggestion is None


def test_it_keeps_members_only_resources_out_of_filters_by_access_for_non_members(
    secret_resource,
):
    page = search_resources(SearchRequest(text=SECRET, access="members"))
    assert page.total == 0
