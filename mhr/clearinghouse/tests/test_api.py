"""API: /resources list, search and detail, and what non-members may never see."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from mhr.accounts.models import User
from mhr.accounts.services import api_token_create
from mhr.clearinghouse import search
from mhr.clearinghouse.models import Attachment, Resource, Topic
from mhr.clearinghouse.services import resource_change_status, resource_create

# Words that appear only in members-only body, attachment text, file name and link.
SECRET_WORDS = ("zebrafinch", "quokkaparade", "confidential-wombat", "secret.example")


pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


def publish(by: User, **fields) -> Resource:
    fields.setdefault("resource_type", Resource.Type.REPORT)
    fields.setdefault("summary", "A short public summary.")
    resource = resource_create(created_by=by, **fields)
    resource_change_status(resource=resource, status=Resource.Status.IN_REVIEW, changed_by=by)
    return resource_change_status(
        resource=resource, status=Resource.Status.PUBLISHED, changed_by=by
    )


def attach(resource: Resource, *, filename: str, text: str) -> Attachment:
    return Attachment.objects.create(
        resource=resource,
        file=ContentFile(b"%PDF-1.4 test", name=filename),
        title="",
        original_filename=filename,
        content_type=Attachment.Kind.PDF,
        size_bytes=13,
        sha256=filename.ljust(64, "0")[:64],
        page_count=1,
        extracted_text=text,
    )


@pytest.fixture
def crisis(db) -> Topic:
    return Topic.objects.create(name="Crisis intervention", slug="crisis-intervention")


@pytest.fixture
def public_policy(sam, crisis) -> Resource:
    resource = publish(
        sam,
        title="Model policy on crisis response",
        resource_type=Resource.Type.MODEL_POLICY,
        summary="How officers respond to a person in crisis.",
        body="## Purpose\n\nOfficers *de-escalate* first.",
        topics=[crisis],
        published_on=datetime.date(2023, 5, 1),
    )
    attach(resource, filename="policy.pdf", text="Public policy text.")
    return resource


@pytest.fixture
def members_paper(sam, crisis) -> Resource:
    resource = publish(
        sam,
        title="Concepts paper on crisis teams",
        resource_type=Resource.Type.CONCEPTS_PAPER,
        summary="Background for the model policy on crisis teams.",
        body="Only members may read about the zebrafinch protocol.",
        external_url="https://secret.example/paper",
        access=Resource.Access.MEMBERS,
        topics=[crisis],
        published_on=datetime.date(2024, 2, 1),
    )
    attach(resource, filename="confidential-wombat.pdf", text="The quokkaparade appendix.")
    return resource


@pytest.fixture
def draft(sam) -> Resource:
    return resource_create(
        created_by=sam,
        title="Unpublished draft report",
        resource_type=Resource.Type.REPORT,
        summary="Not yet.",
    )


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


# List


def test_it_lists_published_resources_to_anonymous_callers(
    client, public_policy, members_paper, draft
):
    response = client.get("/api/v1/resources")
    assert slugs(response) == [members_paper.slug, public_policy.slug]
    body = response.json()
    assert (body["total"], body["page"], body["per_page"], body["num_pages"]) == (2, 1, 20, 1)
    item = body["items"][1]
    assert item["title"] == "Model policy on crisis response"
    assert item["type"] == "model_policy"
    assert item["type_label"] == "Model policy"
    assert item["topics"] == [{"name": "Crisis intervention", "slug": "crisis-intervention"}]
    assert item["published_on"] == "2023-05-01"
    assert item["access"] == "public"
    assert item["url"] == f"http://testserver/resources/{public_policy.slug}/"
    assert item["api_url"] == f"http://testserver/api/v1/resources/{public_policy.slug}"
    assert item["snippet_html"] is None


def test_it_shows_members_only_titles_and_summaries_to_everyone(client, members_paper):
    item = client.get("/api/v1/resources").json()["items"][0]
    assert item["title"] == "Concepts paper on crisis teams"
    assert item["summary"] == "Background for the model policy on crisis teams."
    assert item["access"] == "members"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=model_policy", ["public_policy"]),
        ("type=report", []),
        ("topic=crisis-intervention", ["members_paper", "public_policy"]),
        ("topic=no-such-topic", []),
        ("year=2024", ["members_paper"]),
        ("access=public", ["public_policy"]),
        ("access=members", ["members_paper"]),
        ("sort=oldest", ["public_policy", "members_paper"]),
        ("sort=title", ["members_paper", "public_policy"]),
    ],
)
def test_it_filters_and_sorts_the_list(client, public_policy, members_paper, query, expected):
    fixtures = {"public_policy": public_policy, "members_paper": members_paper}
    assert slugs(client.get(f"/api/v1/resources?{query}")) == [
        fixtures[name].slug for name in expected
    ]


def test_it_paginates_the_list(client, public_policy, members_paper):
    first = client.get("/api/v1/resources?per_page=1").json()
    second = client.get("/api/v1/resources?per_page=1&page=2").json()
    assert [i["slug"] for i in first["items"]] == [members_paper.slug]
    assert [i["slug"] for i in second["items"]] == [public_policy.slug]
    assert first["num_pages"] == second["num_pages"] == 2
    assert first["total"] == 2


def test_it_answers_an_empty_page_past_the_end(client, public_policy):
    body = client.get("/api/v1/resources?page=9").json()
    assert body["items"] == []
    assert body["total"] == 1


@pytest.mark.parametrize(
    "query", ["per_page=101", "per_page=0", "page=0", "year=1", "q=" + "x" * 201]
)
def test_it_rejects_out_of_range_list_parameters_with_422(client, db, query):
    response = client.get(f"/api/v1/resources?{query}")
    assert response.status_code == 422
    assert response.json()["extra"]["errors"]


def _bulk_publish(count: int, topic: Topic) -> None:
    now = timezone.now()
    resources = Resource.objects.bulk_create(
        Resource(
            title=f"Bulk resource {n}",
            slug=f"bulk-resource-{n}",
            resource_type=Resource.Type.REPORT,
            summary="Bulk.",
            status=Resource.Status.PUBLISHED,
            first_published_at=now,
            published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
        )
        for n in range(count)
    )
    Resource.topics.through.objects.bulk_create(
        Resource.topics.through(resource=r, topic=topic) for r in resources
    )


def test_it_lists_in_a_constant_number_of_queries_for_anonymous_callers(
    client, crisis, django_assert_num_queries
):
    _bulk_publish(60, crisis)
    for per_page in (1, 50):
        # count, page, topics
        with django_assert_num_queries(3):
            body = client.get(f"/api/v1/resources?per_page={per_page}").json()
        assert len(body["items"]) == per_page


def test_it_lists_in_a_constant_number_of_queries_for_members(
    client_for, bob, crisis, django_assert_num_queries
):
    _bulk_publish(60, crisis)
    client = client_for(bob)
    for per_page in (1, 50):
        # session, user, membership, count, page, topics
        with django_assert_num_queries(6):
            body = client.get(f"/api/v1/resources?per_page={per_page}&topic={crisis.slug}").json()
        assert len(body["items"]) == per_page


# Detail


def test_it_shows_a_public_resource_in_full_to_anyone(client, public_policy):
    response = client.get(f"/api/v1/resources/{public_policy.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["can_read"] is True
    assert body["body"].startswith("## Purpose")
    assert "<em>de-escalate</em>" in body["body_html"]
    assert body["attachment_count"] == 1
    attachment = body["attachments"][0]
    assert attachment["filename"] == "policy.pdf"
    assert attachment["extension"] == "PDF"
    assert attachment["download_url"] == (
        f"http://testserver/resources/{public_policy.slug}/attachments/{attachment['id']}/"
    )


def test_it_shows_a_members_only_resource_in_full_to_a_member(client_for, bob, members_paper):
    response = client_for(bob).get(f"/api/v1/resources/{members_paper.slug}")
    body = response.json()
    assert body["can_read"] is True
    assert "zebrafinch" in body["body"]
    assert body["external_url"] == "https://secret.example/paper"
    assert body["attachments"][0]["filename"] == "confidential-wombat.pdf"
    assert "no-store" in response["Cache-Control"]


def test_it_shows_a_members_only_resource_to_a_token_caller(client, carol, members_paper):
    _, secret = api_token_create(user=carol, agency=carol.membership.agency, name="x")
    response = client.get(
        f"/api/v1/resources/{members_paper.slug}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert "zebrafinch" in response.json()["body"]


def test_it_shows_a_members_only_resource_to_association_staff(client_for, editor, members_paper):
    assert client_for(editor).get(f"/api/v1/resources/{members_paper.slug}").json()["can_read"]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_it_withholds_members_only_content_from_non_members(
    client_for, outsider, members_paper, who
):
    client = client_for(outsider if who == "outsider" else None)
    response = client.get(f"/api/v1/resources/{members_paper.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Concepts paper on crisis teams"
    assert body["type"] == "concepts_paper"
    assert body["summary"] == "Background for the model policy on crisis teams."
    assert body["access"] == "members"
    assert body["can_read"] is False
    assert body["body"] is None
    assert body["body_html"] is None
    assert body["external_url"] is None
    assert body["attachments"] is None
    assert "no-store" in response["Cache-Control"]
    for word in SECRET_WORDS:
        assert word not in response.content.decode()


def test_it_hides_drafts_even_from_staff(client_for, sam, draft):
    response = client_for(sam).get(f"/api/v1/resources/{draft.slug}")
    assert response.status_code == 404
    assert draft.slug not in client_for(sam).get("/api/v1/resources").content.decode()


def test_it_answers_404_for_an_unknown_slug(client, db):
    response = client.get("/api/v1/resources/nope")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "extra"}


# Search


def test_it_searches_published_resources(client, public_policy, members_paper, draft):
    response = client.get("/api/v1/resources?q=policy")
    found = slugs(response)
    assert public_policy.slug in found
    assert draft.slug not in found
    item = next(i for i in response.json()["items"] if i["slug"] == public_policy.slug)
    assert item["snippet_html"]


def test_it_finds_members_only_body_text_for_members(client_for, bob, members_paper):
    assert slugs(client_for(bob).get("/api/v1/resources?q=zebrafinch")) == [members_paper.slug]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
@pytest.mark.parametrize("word", ["zebrafinch", "quokkaparade", "crisis teams"])
def test_it_never_leaks_members_only_text_through_search(
    client_for, outsider, public_policy, members_paper, who, word
):
    client = client_for(outsider if who == "outsider" else None)
    response = client.get("/api/v1/resources", {"q": word})
    assert response.status_code == 200
    for secret in SECRET_WORDS:
        assert secret not in response.content.decode()
    if word != "crisis teams":
        # Body and attachment words must not even reveal that the resource matches.
        assert members_paper.slug not in slugs(response)


def test_it_never_leaks_members_only_text_anywhere_in_the_api(
    client_for, outsider, public_policy, members_paper
):
    client = client_for(outsider)
    urls = [
        "/api/v1/resources",
        "/api/v1/resources?access=members",
        f"/api/v1/resources/{members_paper.slug}",
        "/api/v1/resources?q=zebrafinch",
        "/api/v1/resources?q=quokkaparade",
        "/api/v1/resources?q=wombat",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/agency",
        "/api/v1/tokens",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        content = response.content.decode()
        for secret in SECRET_WORDS:
            assert secret not in content, (url, secret)


def search_returns_one_hit(monkeypatch, resource: Resource, snippet_html: str) -> None:
    """Make search answer every query with `resource` and this snippet."""
    page = SimpleNamespace(
        hits=[SimpleNamespace(resource=resource, snippet_html=snippet_html, rank=1.0)],
        total=1,
        page=1,
        num_pages=1,
        suggestion=None,
        message=None,
    )
    monkeypatch.setattr(search, "SearchRequest", lambda **kwargs: kwargs, raising=False)
    monkeypatch.setattr(search, "search_resources", lambda request: page, raising=False)


def test_it_replaces_a_search_snippet_that_would_leak_members_only_text(
    client_for, bob, outsider, members_paper, monkeypatch
):
    # Defence in depth: even if search returned a body snippet, non-members get the summary.
    leaky = "… the <mark>zebrafinch</mark> protocol …"
    search_returns_one_hit(monkeypatch, members_paper, leaky)

    outsider_item = client_for(outsider).get("/api/v1/resources?q=x").json()["items"][0]
    assert "zebrafinch" not in outsider_item["snippet_html"]
    assert outsider_item["snippet_html"] == "Background for the model policy on crisis teams."

    member_item = client_for(bob).get("/api/v1/resources?q=x").json()["items"][0]
    assert member_item["snippet_html"] == leaky


def test_it_keeps_a_search_snippet_made_of_public_text(
    client_for, outsider, members_paper, monkeypatch
):
    snippet = "Background for the model policy on <mark>crisis</mark> teams."
    search_returns_one_hit(monkeypatch, members_paper, snippet)
    item = client_for(outsider).get("/api/v1/resources?q=crisis").json()["items"][0]
    assert item["snippet_html"] == snippet


def test_it_passes_filters_and_paging_to_search(client, db, monkeypatch):
    seen = {}

    def fake_search(request):
        seen.update(request)
        return SimpleNamespace(
            hits=[], total=0, page=2, num_pages=0, suggestion="policy", message=None
        )

    monkeypatch.setattr(search, "SearchRequest", lambda **kwargs: kwargs, raising=False)
    monkeypatch.setattr(search, "search_resources", fake_search, raising=False)
    body = client.get(
        "/api/v1/resources?q=  polcy  &type=report&topic=t&year=2020&access=public"
        "&sort=title&page=2&per_page=5"
    ).json()
    assert seen == {
        "text": "polcy",
        "viewer_is_member": False,
        "resource_types": ("report",),
        "topics": ("t",),
        "years": (2020,),
        "access": "public",
        "sort": "title",
        "page": 2,
        "per_page": 5,
    }
    assert body["suggestion"] == "policy"
    assert body["items"] == []


def test_it_searches_in_a_constant_number_of_queries(client, crisis, django_assert_max_num_queries):
    _bulk_publish(60, crisis)
    search.reindex_all()
    for per_page in (1, 50):
        # The search backend's own queries, then topics for the page.
        with django_assert_max_num_queries(5):
            body = client.get(f"/api/v1/resources?q=bulk&per_page={per_page}").json()
        assert len(body["items"]) == per_page
        assert body["total"] == 60
