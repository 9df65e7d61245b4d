from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.tests.factories import SECRET, pdf_attachment, published, resource_in_status


@pytest.fixture
def public_resource(sam):
    resource = published(
        by=sam,
        title="Model policy on responding to persons in crisis",
        summary="How officers respond to a person in crisis.",
        body="## Purpose\n\nOfficers **slow down** and call for help.\n\n<script>alert(1)</script>",
        topics=["Crisis intervention", "De-escalation"],
        audience=Resource.Audience.AGENCY_LEADERS,
        publisher="The Association",
        published_on=datetime.date(2023, 5, 1),
        external_url="https://example.org/policy",
    )
    pdf_attachment(resource=resource, by=sam, filename="model-policy.pdf")
    return resource


@pytest.fixture
def members_resource(sam):
    resource = published(
        by=sam,
        title="Members' briefing on 988",
        resource_type=Resource.Type.MAGAZINE_ARTICLE,
        summary="What the 988 line means for dispatch.",
        body=f"The members-only body mentions {SECRET}.",
        access=Resource.Access.MEMBERS,
        external_url="https://example.org/members-only-link",
    )
    pdf_attachment(resource=resource, by=sam, filename="secret-briefing.pdf")
    return resource


def test_it_shows_a_public_resource_in_full(client, public_resource):
    response = client.get(public_resource.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="resource-title" class="margin-top-0">Model policy on responding' in content
    assert "How officers respond to a person in crisis." in content
    assert "The Association" in content
    assert "May 1, 2023" in content
    assert "Agency leaders" in content
    assert "De-escalation</a>" in content
    assert 'href="https://example.org/policy"' in content
    assert "<strong>slow down</strong>" in content
    assert "<h2>Purpose</h2>" in content
    assert "Model policies and papers" in content  # breadcrumb to its section


def test_it_never_renders_script_from_the_body(client, public_resource):
    content = client.get(public_resource.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in content


def test_it_lists_attachments_with_size_pages_and_download_links(client, public_resource):
    attachment = public_resource.attachments.get()

    content = client.get(public_resource.get_absolute_url()).content.decode()

    url = reverse(
        "clearinghouse:attachment_download",
        kwargs={"slug": public_resource.slug, "attachment_id": attachment.pk},
    )
    assert f'href="{url}"' in content
    assert "Download model-policy</a>" in content
    assert "(PDF, " in content
    assert "1 page)" in content


def test_it_shows_only_title_type_and_summary_of_members_only_to_anonymous(
    client, members_resource
):
    response = client.get(members_resource.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Members&#x27; briefing on 988" in content
    assert "Magazine article" in content
    assert "What the 988 line means for dispatch." in content
    assert SECRET not in content
    assert "secret-briefing" not in content
    assert "/attachments/" not in content
    assert "members-only-link" not in content
    assert "1 attachment, members only." in content
    sign_in = f"{reverse('accounts:sign_in')}?next=%2Fresources%2F{members_resource.slug}%2F"
    assert f'href="{sign_in}"' in content
    assert "private" in response["Cache-Control"]


def test_it_tells_a_signed_in_non_member_why_the_text_is_hidden(
    client_for, outsider, members_resource
):
    content = client_for(outsider).get(members_resource.get_absolute_url()).content.decode()

    assert SECRET not in content
    assert "secret-briefing" not in content
    assert "Your account is not linked to a member agency" in content


@pytest.mark.parametrize("who", ["bob", "carol", "sam"])
def test_it_shows_members_only_resources_to_members(client_for, request, members_resource, who):
    user = request.getfixturevalue(who)

    content = client_for(user).get(members_resource.get_absolute_url()).content.decode()

    assert SECRET in content
    assert "Download secret-briefing</a>" in content
    assert "members-only-link" in content
    assert "Sign in to read it" not in content


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
@pytest.mark.parametrize("who", [None, "outsider", "bob", "carol"])
def test_it_hides_unpublished_resources_from_the_public_and_members(
    client_for, request, sam, status, who
):
    resource = resource_in_status(by=sam, status=status, title="Unpublished policy")
    user = request.getfixturevalue(who) if who else None

    response = client_for(user).get(resource.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("sam", "draft"), ("editor", "draft"), ("reviewer", "in_review"), ("sam", "archived")],
)
def test_it_previews_unpublished_resources_for_staff(client_for, request, sam, who, status):
    resource = resource_in_status(
        by=sam, status=status, title="Unpublished policy", body="Draft **text**."
    )

    response = client_for(request.getfixturevalue(who)).get(resource.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Preview.</strong>" in content
    assert "<strong>text</strong>" in content
    assert "no-store" in response["Cache-Control"]


def test_it_answers_404_for_an_unknown_slug(client, db):
    assert (
        client.get(reverse("clearinghouse:resource_detail", args=["no-such-thing"])).status_code
        == 404
    )


def test_it_uses_a_constant_number_of_queries(
    client, sam, public_resource, django_assert_max_num_queries
):
    for n in range(2, 5):
        pdf_attachment(
            resource=public_resource, by=sam, filename=f"extra-{n}.pdf", text=f"Extra {n}"
        )

    with django_assert_max_num_queries(3):
        response = client.get(public_resource.get_absolute_url())

    assert response.content.decode().count("Download ") == 4
