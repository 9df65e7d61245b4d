from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.services import topics_from_names
from mhr.clearinghouse.tests.factories import SECRET, ResourceFactory, published, resource_in_status

URL = reverse("clearinghouse:feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


@pytest.fixture
def resources(sam):
    return {
        "public": published(
            by=sam,
            title="Public model policy",
            summary="How officers respond to a person in crisis.",
            body="Public body text that stays off the feed.",
            topics=["Crisis intervention"],
        ),
        "members": published(
            by=sam,
            title="Members-only briefing",
            summary="A summary for members.",
            body=f"Members-only body {SECRET}.",
            access=Resource.Access.MEMBERS,
        ),
        "draft": resource_in_status(by=sam, status="draft", title="Draft policy"),
    }


def test_it_serves_an_atom_feed(client, resources):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text.endswith(": new resources")


def test_it_lists_public_published_resources_with_title_link_summary_and_dates(client, resources):
    (entry,) = entries(client.get(URL))

    resource = resources["public"]
    assert entry.find(f"{ATOM}title").text == "Public model policy"
    assert (
        entry.find(f"{ATOM}link").get("href") == f"http://testserver{resource.get_absolute_url()}"
    )
    assert entry.find(f"{ATOM}summary").text == "How officers respond to a person in crisis."
    updated = datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert updated == resource.updated_at
    assert entry.find(f"{ATOM}published") is not None
    assert entry.find(f"{ATOM}category").get("term") == "Crisis intervention"


def test_it_leaves_out_members_only_and_unpublished_resources(client, resources):
    content = client.get(URL).content.decode()

    assert "Members-only briefing" not in content
    assert SECRET not in content
    assert "Draft policy" not in content


def test_it_never_includes_the_body(client, resources):
    assert "Public body text" not in client.get(URL).content.decode()


def test_it_keeps_the_newest_fifty(client, db):
    bulk = ResourceFactory.create_batch(55)
    oldest = bulk[:5]
    Resource.objects.filter(pk__in=[r.pk for r in oldest]).update(
        first_published_at=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    )

    titles = {entry.find(f"{ATOM}title").text for entry in entries(client.get(URL))}

    assert titles == {r.title for r in bulk[5:]}


def test_it_uses_the_same_queries_for_one_or_fifty_entries(client, db, django_assert_num_queries):
    topic = topics_from_names(["Crisis intervention"])[0]
    ResourceFactory(topics=[topic])
    with django_assert_num_queries(2):
        client.get(URL)
    ResourceFactory.create_batch(60, topics=[topic])
    with django_assert_num_queries(2):
        client.get(URL)


def test_it_is_linked_from_every_page_footer(client, db):
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
