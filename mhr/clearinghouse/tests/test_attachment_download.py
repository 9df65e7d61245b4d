from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from mhr.audit.models import AuditEvent
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.tests.factories import pdf_attachment, published, resource_in_status


def download_url(attachment, slug: str | None = None) -> str:
    return reverse(
        "clearinghouse:attachment_download",
        kwargs={"slug": slug or attachment.resource.slug, "attachment_id": attachment.pk},
    )


def body_of(response) -> bytes:
    # Reading to the end closes the file; the test client wraps close() for us.
    return b"".join(response.streaming_content)


@pytest.fixture
def public_file(sam):
    resource = published(by=sam, title="Public model policy")
    return pdf_attachment(resource=resource, by=sam, filename="Model policy (2023).pdf")


@pytest.fixture
def members_file(sam):
    resource = published(by=sam, title="Members briefing", access=Resource.Access.MEMBERS)
    return pdf_attachment(resource=resource, by=sam, filename="briefing.pdf")


def downloads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=AuditEvent.EventType.ATTACHMENT_DOWNLOADED))


def test_it_streams_a_public_file_with_safe_headers(client, public_file):
    response = client.get(download_url(public_file))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Model policy (2023).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    with default_storage.open(public_file.file.name, "rb") as stored:
        assert body_of(response) == stored.read()


def test_it_records_each_download_in_the_audit_log(client_for, bob, agency_a, public_file):
    body_of(client_for(bob).get(download_url(public_file)))

    (event,) = downloads()
    assert event.actor == bob
    assert event.agency == agency_a
    assert event.object_id == str(public_file.pk)
    assert event.extra == {"resource": public_file.resource.slug, "access": "public"}


def test_it_records_anonymous_downloads_without_an_actor(client, public_file):
    body_of(client.get(download_url(public_file)))

    (event,) = downloads()
    assert event.actor is None
    assert event.agency is None


def test_it_sends_signed_out_visitors_of_a_members_only_file_to_sign_in(client, members_file):
    url = download_url(members_file)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign_in')}?next={url}"
    assert downloads() == []


def test_it_hides_a_members_only_file_from_a_signed_in_non_member(
    client_for, outsider, members_file
):
    response = client_for(outsider).get(download_url(members_file))

    assert response.status_code == 404
    assert downloads() == []


@pytest.mark.parametrize("who", ["bob", "carol", "sam"])
def test_it_gives_members_only_files_to_members(client_for, request, members_file, who):
    user = request.getfixturevalue(who)

    response = client_for(user).get(download_url(members_file))

    assert response.status_code == 200
    assert body_of(response).startswith(b"%PDF")
    (event,) = downloads()
    assert event.actor == user


def test_it_records_the_downloaders_agency(client_for, carol, agency_b, members_file):
    body_of(client_for(carol).get(download_url(members_file)))

    assert downloads()[0].agency == agency_b


def test_it_refuses_an_attachment_requested_under_another_resource(client, sam, public_file):
    other = published(by=sam, title="Another resource")

    assert client.get(download_url(public_file, slug=other.slug)).status_code == 404


def test_it_answers_404_for_an_unknown_attachment(client, public_file):
    url = reverse(
        "clearinghouse:attachment_download",
        kwargs={"slug": public_file.resource.slug, "attachment_id": public_file.pk + 1000},
    )

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
@pytest.mark.parametrize("who", [None, "outsider", "bob", "carol"])
def test_it_hides_files_of_unpublished_resources(client_for, request, sam, status, who):
    resource = resource_in_status(by=sam, status=status, title="Unpublished")
    attachment = pdf_attachment(resource=resource, by=sam)
    user = request.getfixturevalue(who) if who else None

    assert client_for(user).get(download_url(attachment)).status_code == 404


def test_it_lets_staff_download_files_of_a_draft_they_preview(client_for, sam, editor):
    resource = resource_in_status(by=sam, status="draft", title="Draft")
    attachment = pdf_attachment(resource=resource, by=sam)

    response = client_for(editor).get(download_url(attachment))

    assert response.status_code == 200
    body_of(response)


def test_it_answers_404_when_the_stored_file_is_missing(client, public_file):
    default_storage.delete(public_file.file.name)

    assert client.get(download_url(public_file)).status_code == 404
    assert downloads() == []


def test_it_refuses_post(client, public_file):
    assert client.post(download_url(public_file)).status_code == 405
