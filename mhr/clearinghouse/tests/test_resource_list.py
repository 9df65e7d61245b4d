from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mhr.clearinghouse import search, selectors
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.services import topics_from_names
from mhr.clearinghouse.tests.factories import SECRET, ResourceFactory, published, resource_in_status

URL = reverse("clearinghouse:resource_list")


@pytest.fixture
def catalogue(sam):
    """A small catalogue across sections, years, topics and access levels."""
    return {
        "policy": published(
            by=sam,
            title="Model policy on responding to persons in crisis",
            resource_type=Resource.Type.MODEL_POLICY,
            topics=["Crisis intervention"],
            published_on=datetime.date(2023, 5, 1),
            publisher="The Association",
        ),
        "paper": published(
            by=sam,
            title="Concepts and issues paper",
            resource_type=Resource.Type.CONCEPTS_PAPER,
            topics=["Crisis intervention", "Training"],
            published_on=datetime.date(2021, 3, 1),
        ),
        "resolution": published(
            by=sam,
            title="Resolution on co-responder programs",
            resource_type=Resource.Type.RESOLUTION,
            topics=["Co-responders"],
            published_on=datetime.date(2022, 10, 1),
        ),
        "article": published(
            by=sam,
            title="Members' briefing on 988",
            resource_type=Resource.Type.MAGAZINE_ARTICLE,
            summary="What the 988 line means for dispatch.",
            body=f"The members-only body mentions {SECRET}.",
            access=Resource.Access.MEMBERS,
            published_on=datetime.date(2024, 1, 15),
        ),
        "toolkit": published(
            by=sam,
            title="Advancing crisis response toolkit",
            resource_type=Resource.Type.TOOLKIT,
            published_on=datetime.date(2024, 6, 1),
        ),
    }


def titles(response) -> list[str]:
    return [item.resource.title for item in response.context["results"].items]


def test_it_groups_published_resources_into_the_association_sections(client, catalogue):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["results"] is None
    groups = {g.section.slug: [r.title for r in g.resources] for g in response.context["groups"]}
    assert list(groups) == [section.slug for section in selectors.SECTIONS]
    assert groups["messaging-worksheet"] == []
    assert groups["model-policies-and-papers"] == [
        "Model policy on responding to persons in crisis",
        "Concepts and issues paper",
    ]
    assert groups["resolutions"] == ["Resolution on co-responder programs"]
    assert groups["magazine-articles"] == ["Members' briefing on 988"]
    assert groups["additional-resources"] == ["Advancing crisis response toolkit"]
    content = response.content.decode()
    assert 'id="model-policies-and-papers"' in content
    assert "Nothing has been published in this section yet." in content


def test_it_links_to_the_whole_section_when_it_has_more_than_the_preview(client, sam, monkeypatch):
    monkeypatch.setattr(selectors, "SECTION_PREVIEW_SIZE", 2)
    ResourceFactory.create_batch(3, resource_type=Resource.Type.REPORT)

    response = client.get(URL)

    group = response.context["groups"][-1]
    assert (len(group.resources), group.total) == (2, 3)
    assert "?section=additional-resources" in response.content.decode()
    assert "Show all 3 in Additional resources" in response.content.decode()


def test_it_hides_drafts_resources_in_review_and_archived_resources(client, sam, catalogue):
    for status in ("draft", "in_review", "archived"):
        resource_in_status(by=sam, status=status, title=f"Hidden {status} resource")

    browse = client.get(URL).content.decode()
    flat = client.get(URL, {"sort": "title"}).content.decode()

    for content in (browse, flat):
        assert "Hidden" not in content
        assert "Model policy on responding to persons in crisis" in content


def test_it_shows_each_item_with_type_year_publisher_topics_and_summary(client, catalogue):
    content = client.get(URL).content.decode()

    assert f'href="{catalogue["policy"].get_absolute_url()}"' in content
    assert "Model policy · 2023 · The Association" in content
    assert "Crisis intervention</span>" in content
    assert "How officers respond to a person in crisis." in content


def test_it_marks_members_only_items_but_never_shows_their_body(client, catalogue):
    content = client.get(URL).content.decode()

    assert "Members only" in content
    assert "What the 988 line means for dispatch." in content
    assert SECRET not in content


def test_it_filters_by_type(client, catalogue):
    response = client.get(URL, {"type": "concepts_paper"})

    assert titles(response) == ["Concepts and issues paper"]


def test_it_filters_by_section(client, catalogue):
    response = client.get(URL, {"section": "model-policies-and-papers"})

    assert titles(response) == [
        "Model policy on responding to persons in crisis",
        "Concepts and issues paper",
    ]
    assert '<h2 id="results-heading">Model policies and papers</h2>' in response.content.decode()


def test_it_finds_nothing_for_a_type_outside_the_chosen_section(client, catalogue):
    response = client.get(URL, {"section": "resolutions", "type": "toolkit"})

    assert titles(response) == []
    assert "No resources match these filters" in response.content.decode()


def test_it_filters_by_topic(client, catalogue):
    response = client.get(URL, {"topic": "crisis-intervention"})

    assert sorted(titles(response)) == [
        "Concepts and issues paper",
        "Model policy on responding to persons in crisis",
    ]


def test_it_filters_by_year(client, catalogue):
    response = client.get(URL, {"year": "2022"})

    assert titles(response) == ["Resolution on co-responder programs"]


def test_it_filters_by_access(client, catalogue):
    members = client.get(URL, {"access": "members"})
    public = client.get(URL, {"access": "public"})

    assert titles(members) == ["Members' briefing on 988"]
    assert "Members' briefing on 988" not in titles(public)
    assert len(titles(public)) == 4


def test_it_offers_only_topics_and_years_in_use(client, catalogue, sam):
    topics_from_names(["Unused topic"])

    form = client.get(URL).context["form"]

    topic_values = [value for value, _ in form.fields["topic"].choices]
    assert "crisis-intervention" in topic_values
    assert "unused-topic" not in topic_values
    year_values = [value for value, _ in form.fields["year"].choices]
    assert year_values == ["", "2024", "2023", "2022", "2021"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "newest",
            [
                "Advancing crisis response toolkit",
                "Members' briefing on 988",
                "Model policy on responding to persons in crisis",
                "Resolution on co-responder programs",
                "Concepts and issues paper",
            ],
        ),
        (
            "oldest",
            [
                "Concepts and issues paper",
                "Resolution on co-responder programs",
                "Model policy on responding to persons in crisis",
                "Members' briefing on 988",
                "Advancing crisis response toolkit",
            ],
        ),
        (
            "title",
            [
                "Advancing crisis response toolkit",
                "Concepts and issues paper",
                "Members' briefing on 988",
                "Model policy on responding to persons in crisis",
                "Resolution on co-responder programs",
            ],
        ),
    ],
)
def test_it_sorts(client, catalogue, sort, expected):
    assert titles(client.get(URL, {"sort": sort})) == expected


def test_it_puts_undated_resources_last_when_sorting_by_date(client, sam, catalogue):
    published(by=sam, title="Undated toolkit", resource_type=Resource.Type.TOOLKIT)

    assert titles(client.get(URL, {"sort": "newest"}))[-1] == "Undated toolkit"
    assert titles(client.get(URL, {"sort": "oldest"}))[-1] == "Undated toolkit"


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"type": "spaceship"}, "The type you chose is not available"),
        ({"topic": "no-such-topic"}, "The topic you chose is not available"),
        ({"year": "abc"}, "The year you chose is not available"),
        ({"year": "1850"}, "The year you chose is not available"),
        ({"access": "secret"}, "The access you chose is not available"),
        ({"section": "nowhere"}, "The section you chose is not available"),
        ({"sort": "random"}, "The sort by you chose is not available"),
        ({"q": "x" * 201}, "longer than 200 characters"),
        ({"q": "crisis\x00policy"}, "Your search could not be read"),
    ],
)
def test_it_ignores_unknown_filter_values_with_a_message(client, catalogue, params, note):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert note in response.content.decode()
    assert len(titles(response)) == 5


class TestPagination:
    @pytest.fixture
    def many(self, db):
        return ResourceFactory.create_batch(25)

    def test_it_shows_twenty_per_page_by_default(self, client, many):
        response = client.get(URL, {"page": "2"})

        results = response.context["results"]
        assert (results.page, results.num_pages, results.total) == (2, 2, 25)
        assert len(results.items) == 5
        content = response.content.decode()
        assert 'class="usa-pagination"' in content
        assert 'aria-current="page"' in content
        assert "Previous page" in content
        assert "showing 21–25 (page 2 of 2)" in content

    def test_it_keeps_the_filters_in_page_links(self, client, many):
        response = client.get(URL, {"sort": "title", "per_page": "10"})

        results = response.context["results"]
        assert results.num_pages == 3
        assert results.next_url == f"{URL}?sort=title&per_page=10&page=2"

    def test_it_elides_long_page_ranges(self, client, many):
        ResourceFactory.create_batch(80)

        results = client.get(URL, {"per_page": "10", "page": "6"}).context["results"]

        numbers = [link["number"] for link in results.page_links]
        assert numbers == [1, None, 4, 5, 6, 7, 8, None, 11]

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5"])
    def test_it_shows_the_first_page_for_unusable_page_numbers(self, client, many, page):
        response = client.get(URL, {"page": page})

        assert response.status_code == 200
        assert response.context["results"].page == 1
        assert "the first page is shown" in response.content.decode()

    def test_it_shows_the_last_page_for_a_page_past_the_end(self, client, many):
        response = client.get(URL, {"page": "99999"})

        assert response.status_code == 200
        assert response.context["results"].page == 2
        assert "There is no page 99999; the last page is shown." in response.content.decode()

    @pytest.mark.parametrize("params", [{}, {"q": "bulk"}])
    def test_it_survives_an_enormous_page_number(self, client, many, params):
        search.reindex_all()

        response = client.get(URL, {**params, "page": "9" * 30})

        assert response.status_code == 200
        assert response.context["results"].page == response.context["results"].num_pages
        assert "the last page is shown" in response.content.decode()

    def test_it_answers_an_empty_catalogue_without_pages(self, client, db):
        response = client.get(URL, {"page": "3"})

        assert response.status_code == 200
        assert response.context["results"].total == 0
        assert 'class="usa-pagination"' not in response.content.decode()

    def test_it_falls_back_to_twenty_for_an_unknown_page_size(self, client, many):
        assert (
            client.get(URL, {"sort": "title", "per_page": "5000"}).context["results"].per_page == 20
        )


def test_it_returns_only_the_results_region_to_htmx(client, catalogue):
    response = client.get(URL, {"type": "resolution"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Resolution on co-responder programs" in content
    assert "HX-Request" in response["Vary"]


def test_it_returns_the_whole_page_to_an_htmx_history_restore(client, catalogue):
    response = client.get(
        URL, {"type": "resolution"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_it_renders_a_filter_form_that_works_without_javascript(client, catalogue):
    content = client.get(URL).content.decode()

    assert 'method="get"' in content
    assert 'hx-get="/resources/"' in content
    assert 'hx-target="#resource-results"' in content
    assert 'hx-push-url="true"' in content
    assert '<label class="usa-label" for="id_type">Type</label>' in content
    assert "data-autosubmit" in content
    assert ">Apply</button>" in content
    assert 'id="resource-results"' in content


def test_it_links_the_atom_feed_from_the_page_head(client, db):
    content = client.get(URL).content.decode()

    head = content.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert reverse("clearinghouse:feed") in head


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


class TestQueryCount:
    """The list costs the same number of queries for 1 item as for 50."""

    @pytest.fixture
    def topic(self, db):
        return topics_from_names(["Crisis intervention"])[0]

    def _counts(self, client, params, topic, budget: int) -> None:
        ResourceFactory(topics=[topic], summary="Crisis response summary.")
        if "q" in params:
            search.reindex_all()
        one = _count_queries(client, {**params, "per_page": "50"})
        ResourceFactory.create_batch(49, topics=[topic], summary="Crisis response summary.")
        if "q" in params:
            search.reindex_all()
        fifty = _count_queries(client, {**params, "per_page": "50"})
        assert one == fifty
        assert fifty <= budget

    def test_it_browses_sections_in_constant_queries(self, client, topic):
        self._counts(client, {}, topic, budget=5)

    def test_it_lists_filtered_results_in_constant_queries(self, client, topic):
        self._counts(client, {"topic": topic.slug, "sort": "title"}, topic, budget=5)

    def test_it_searches_in_constant_queries(self, client, topic):
        self._counts(client, {"q": "crisis"}, topic, budget=8)

    def test_it_costs_the_same_for_a_signed_in_member(self, client_for, bob, topic):
        self._counts(client_for(bob), {"sort": "newest"}, topic, budget=8)


class TestSearch:
    def test_it_shows_the_total_and_highlighted_snippets(self, client, catalogue):
        response = client.get(URL, {"q": "co-responder"})

        content = response.content.decode()
        assert response.status_code == 200
        assert titles(response) == ["Resolution on co-responder programs"]
        assert "1 resource matches “co-responder”" in content
        assert "<mark>" in content
        assert '<h2 id="results-heading">Search results</h2>' in content

    def test_it_never_matches_members_only_body_text_for_non_members(
        self, client_for, outsider, catalogue
    ):
        for user in (None, outsider):
            response = client_for(user).get(URL, {"q": SECRET})
            assert titles(response) == []
            assert "Members&#x27; briefing on 988" not in response.content.decode()

    @pytest.mark.parametrize("who", ["bob", "carol", "sam"])
    def test_it_matches_members_only_body_text_for_members(
        self, client_for, request, catalogue, who
    ):
        response = client_for(request.getfixturevalue(who)).get(URL, {"q": SECRET})

        assert titles(response) == ["Members' briefing on 988"]

    def test_it_matches_members_only_titles_for_everyone(self, client, catalogue):
        assert titles(client.get(URL, {"q": "briefing"})) == ["Members' briefing on 988"]

    def test_it_returns_the_results_region_to_htmx(self, client, catalogue):
        response = client.get(URL, {"q": "toolkit"}, HTTP_HX_REQUEST="true")

        content = response.content.decode()
        assert "<html" not in content
        assert "Advancing crisis response" in content


class FakeSearch:
    """Stands in for the search backend to check what the page asks for and how it shows answers."""

    def __init__(self, resources, **page_fields):
        self.resources = resources
        self.page_fields = page_fields
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        fields = {"total": len(self.resources), "page": request.page, "num_pages": 1}
        fields.update(suggestion=None, message=None)
        fields.update(self.page_fields)
        hits = [
            search.SearchHit(resource=r, snippet_html=f"<mark>{r.title}</mark> & more", rank=1.0)
            for r in self.resources
        ]
        return search.SearchPage(hits=hits, **fields)


class TestSearchPage:
    def test_it_passes_filters_sort_and_page_to_the_search(
        self, client_for, bob, catalogue, monkeypatch
    ):
        fake = FakeSearch([catalogue["policy"]], num_pages=3)
        monkeypatch.setattr(search, "search_resources", fake)

        client_for(bob).get(
            URL,
            {
                "q": "  crisis   policy ",
                "type": "model_policy",
                "topic": "crisis-intervention",
                "year": "2023",
                "access": "public",
                "sort": "title",
                "page": "2",
                "per_page": "10",
            },
        )

        (sent,) = fake.requests
        assert sent.text == "crisis policy"
        assert sent.viewer_is_member is True
        assert tuple(sent.resource_types) == ("model_policy",)
        assert tuple(sent.topics) == ("crisis-intervention",)
        assert tuple(sent.years) == (2023,)
        assert (sent.access, sent.sort, sent.page, sent.per_page) == ("public", "title", 2, 10)

    def test_it_sorts_searches_by_relevance_unless_asked(self, client, catalogue, monkeypatch):
        fake = FakeSearch([])
        monkeypatch.setattr(search, "search_resources", fake)

        client.get(URL, {"q": "crisis"})
        client.get(URL, {"q": "crisis", "sort": "relevance"})

        assert [r.sort for r in fake.requests] == ["relevance", "relevance"]
        assert fake.requests[0].viewer_is_member is False

    def test_it_offers_did_you_mean_as_a_link(self, client, catalogue, monkeypatch):
        monkeypatch.setattr(search, "search_resources", FakeSearch([], suggestion="crisis"))

        content = client.get(URL, {"q": "crisiss", "type": "toolkit", "page": "2"}).content.decode()

        assert 'Did you mean <a href="/resources/?q=crisis&amp;type=toolkit">crisis</a>?' in content

    def test_it_shows_why_a_query_was_ignored(self, client, catalogue, monkeypatch):
        monkeypatch.setattr(
            search, "search_resources", FakeSearch([], message="Your search had no words.")
        )

        assert "Your search had no words." in client.get(URL, {"q": "&&&"}).content.decode()

    def test_it_shows_snippets_as_html(self, client, catalogue, monkeypatch):
        monkeypatch.setattr(search, "search_resources", FakeSearch([catalogue["paper"]]))

        content = client.get(URL, {"q": "paper"}).content.decode()

        assert "<mark>Concepts and issues paper</mark> & more" in content

    def test_it_asks_again_for_the_last_page_past_the_end(self, client, catalogue, monkeypatch):
        fake = FakeSearch([catalogue["paper"]], num_pages=3)
        monkeypatch.setattr(search, "search_resources", fake)

        response = client.get(URL, {"q": "paper", "page": "99999"})

        assert [r.page for r in fake.requests] == [99999, 3]
        assert "There is no page 99999; the last page is shown." in response.content.decode()

    def test_it_skips_the_search_when_type_and_section_cannot_both_match(
        self, client, catalogue, monkeypatch
    ):
        fake = FakeSearch([catalogue["paper"]])
        monkeypatch.setattr(search, "search_resources", fake)

        response = client.get(URL, {"q": "paper", "section": "resolutions", "type": "toolkit"})

        assert fake.requests == []
        assert titles(response) == []
