"""Full-text search: matching, ranking, phrases, snippets, filters, sorting, paging, suggestions."""

from __future__ import annotations

import datetime

import pytest

from mhr.clearinghouse import search, services
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.search import SearchRequest, search_resources
from mhr.clearinghouse.tests.search_helpers import make_resource

pytestmark = pytest.mark.django_db


def titles(page) -> list[str]:
    return [hit.resource.title for hit in page.hits]


@pytest.fixture
def library(sam):
    return {
        "policy": make_resource(
            sam,
            title="Model policy for crisis response",
            summary="How an agency answers calls involving a mental-health crisis.",
            body="Officers use **de-escalation** techniques and call the mobile crisis team.",
            topics=("Policy", "Crisis intervention"),
            resource_type=Resource.Type.MODEL_POLICY,
            published_on=datetime.date(2019, 5, 1),
        ),
        "training": make_resource(
            sam,
            title="Forty-hour CIT training curriculum",
            summary="The course outline trainers follow.",
            body="Role play scenarios with actors; verbal skills for officers.",
            topics=("Training",),
            resource_type=Resource.Type.TRAINING,
            published_on=datetime.date(2021, 3, 1),
        ),
        "worksheet": make_resource(
            sam,
            title="Messaging worksheet: talking with families",
            summary="Plain words for families after a crisis call.",
            topics=("Communication",),
            resource_type=Resource.Type.MESSAGING_WORKSHEET,
            published_on=datetime.date(2023, 9, 1),
            attachment_text="Families running to the scene need calm, short instructions.",
        ),
    }


def test_it_finds_resources_by_a_word_in_the_title(library):
    page = search_resources(SearchRequest(text="curriculum"))
    assert titles(page) == ["Forty-hour CIT training curriculum"]
    assert page.total == 1
    assert page.num_pages == 1


def test_it_matches_stemmed_forms(library):
    # "policies" and "policy" share a stem; "runs" finds "running" in an attachment.
    assert titles(search_resources(SearchRequest(text="policies"))) == [
        "Model policy for crisis response"
    ]
    assert titles(search_resources(SearchRequest(text="runs"))) == [
        "Messaging worksheet: talking with families"
    ]


def test_it_searches_body_text_rendered_from_markdown(library):
    page = search_resources(SearchRequest(text="de-escalation"))
    assert titles(page) == ["Model policy for crisis response"]


def test_it_searches_topics(library):
    page = search_resources(SearchRequest(text="communication"))
    assert titles(page) == ["Messaging worksheet: talking with families"]


def test_it_requires_every_word(library):
    assert titles(search_resources(SearchRequest(text="crisis families"))) == [
        "Messaging worksheet: talking with families"
    ]
    assert search_resources(SearchRequest(text="crisis curriculum")).total == 0


def test_it_matches_quoted_phrases_only_in_order(library):
    assert titles(search_resources(SearchRequest(text='"mobile crisis team"'))) == [
        "Model policy for crisis response"
    ]
    assert search_resources(SearchRequest(text='"team crisis mobile"')).total == 0


def test_it_ranks_title_above_summary_above_body_above_attachments(sam):
    make_resource(sam, title="Attachment", attachment_text="The word zephyrine is here.")
    make_resource(sam, title="Body", body="The word zephyrine is here.")
    make_resource(sam, title="Summary", summary="The word zephyrine is here.")
    make_resource(sam, title="Title zephyrine")
    page = search_resources(SearchRequest(text="zephyrine"))
    assert titles(page) == ["Title zephyrine", "Summary", "Body", "Attachment"]
    ranks = [hit.rank for hit in page.hits]
    assert ranks == sorted(ranks, reverse=True)


def test_it_highlights_matches_in_an_escaped_snippet(sam):
    make_resource(
        sam,
        title="Escaping",
        summary="Use <script>alert(1)</script> & the crisis line.",
    )
    page = search_resources(SearchRequest(text="crisis"))
    snippet = page.hits[0].snippet_html
    assert "<mark>crisis</mark>" in snippet
    assert "<script>" not in snippet
    # SQLite keeps the tag as escaped text; PostgreSQL's parser drops markup from headlines.
    assert "&lt;script&gt;" in snippet or "alert(1)" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>")


def test_it_shows_snippets_from_attachment_text_to_members(library):
    page = search_resources(SearchRequest(text="instructions", viewer_is_member=True))
    assert "<mark>instructions</mark>" in page.hits[0].snippet_html


def test_it_treats_operators_and_syntax_as_plain_words(sam, library):
    for text in [
        "crisis AND",
        "OR crisis",
        "crisis*",
        ":crisis",
        "^crisis",
        "-crisis",
        '"crisis',
        "(crisis)",
        "crisis:",
    ]:
        page = search_resources(SearchRequest(text=text))
        assert page.message is None
        assert "Model policy for crisis response" in titles(page), text
    # NEAR is a word like any other.
    assert search_resources(SearchRequest(text="NEAR(crisis)")).total == 0
    make_resource(sam, title="Near the crisis line")
    assert titles(search_resources(SearchRequest(text="NEAR(crisis)"))) == ["Near the crisis line"]


def test_it_filters_by_type_topic_year_and_access(sam, library):
    make_resource(
        sam,
        title="Members crisis toolkit",
        summary="A crisis toolkit for members.",
        resource_type=Resource.Type.TOOLKIT,
        access=Resource.Access.MEMBERS,
        published_on=datetime.date(2021, 1, 1),
    )
    request = SearchRequest(text="crisis", viewer_is_member=True)
    assert len(search_resources(request).hits) == 3
    by_type = search_resources(
        SearchRequest(text="crisis", viewer_is_member=True, resource_types=("toolkit",))
    )
    assert titles(by_type) == ["Members crisis toolkit"]
    by_topic = search_resources(
        SearchRequest(text="crisis", viewer_is_member=True, topics=("communication",))
    )
    assert titles(by_topic) == ["Messaging worksheet: talking with families"]
    by_year = search_resources(
        SearchRequest(text="crisis", viewer_is_member=True, years=(2019, 2021))
    )
    assert set(titles(by_year)) == {"Model policy for crisis response", "Members crisis toolkit"}
    by_access = search_resources(
        SearchRequest(text="crisis", viewer_is_member=True, access="members")
    )
    assert titles(by_access) == ["Members crisis toolkit"]


def test_it_sorts_by_date_and_title(library):
    newest = search_resources(SearchRequest(text="crisis", sort="newest"))
    assert titles(newest) == [
        "Messaging worksheet: talking with families",
        "Model policy for crisis response",
    ]
    oldest = search_resources(SearchRequest(text="crisis", sort="oldest"))
    assert titles(oldest) == titles(newest)[::-1]
    by_title = search_resources(SearchRequest(text="crisis", sort="title"))
    assert titles(by_title) == sorted(titles(newest))


def test_it_lists_published_resources_newest_first_without_search_words(library):
    for text in ["", "   ", '""', "!!!"]:
        page = search_resources(SearchRequest(text=text))
        assert titles(page) == [
            "Messaging worksheet: talking with families",
            "Forty-hour CIT training curriculum",
            "Model policy for crisis response",
        ]
        assert all(hit.rank == 0 for hit in page.hits)
    filtered = search_resources(SearchRequest(resource_types=("training",), years=(2021,)))
    assert titles(filtered) == ["Forty-hour CIT training curriculum"]


def test_it_pages_through_results(sam):
    for n in range(5):
        make_resource(sam, title=f"Paging report {n}", published_on=datetime.date(2020, 1, n + 1))
    first = search_resources(SearchRequest(text="paging", sort="newest", per_page=2))
    assert (first.total, first.num_pages, first.page) == (5, 3, 1)
    assert titles(first) == ["Paging report 4", "Paging report 3"]
    last = search_resources(SearchRequest(text="paging", sort="newest", per_page=2, page=3))
    assert titles(last) == ["Paging report 0"]
    beyond = search_resources(SearchRequest(text="paging", sort="newest", per_page=2, page=99))
    assert beyond.page == 3
    assert titles(beyond) == ["Paging report 0"]


def test_it_suggests_corrections_from_the_indexed_words(library):
    page = search_resources(SearchRequest(text="de-escalaton"))
    assert page.suggestion == "de-escalation"
    assert search_resources(SearchRequest(text="polcy")).suggestion == "policy"
    assert search_resources(SearchRequest(text="Crisis polcy")).suggestion == "Crisis policy"
    assert search_resources(SearchRequest(text="crisis policy")).suggestion is None


def test_it_only_indexes_published_resources(sam):
    draft = make_resource(sam, title="Draft about quokkas", publish=False)
    assert search_resources(SearchRequest(text="quokkas", viewer_is_member=True)).total == 0
    services.resource_change_status(
        resource=draft, status=Resource.Status.IN_REVIEW, changed_by=sam
    )
    services.resource_change_status(
        resource=draft, status=Resource.Status.PUBLISHED, changed_by=sam
    )
    assert search_resources(SearchRequest(text="quokkas")).total == 1
    services.resource_change_status(resource=draft, status=Resource.Status.ARCHIVED, changed_by=sam)
    page = search_resources(SearchRequest(text="quokkas", viewer_is_member=True))
    assert page.total == 0
    assert page.suggestion is None


def test_it_follows_edits_and_removed_attachments(sam):
    resource = make_resource(sam, title="Old title", attachment_text="Numbat sightings")
    services.resource_update(resource=resource, changed_by=sam, title="Wombat guide")
    assert titles(search_resources(SearchRequest(text="wombat"))) == ["Wombat guide"]
    assert search_resources(SearchRequest(text="old title")).total == 0
    assert search_resources(SearchRequest(text="numbat")).total == 1
    services.attachment_remove(attachment=resource.attachments.get(), removed_by=sam)
    assert search_resources(SearchRequest(text="numbat")).total == 0
    assert search_resources(SearchRequest(text="numbet")).suggestion is None


def test_it_trims_long_queries_and_says_so(library):
    page = search_resources(SearchRequest(text="crisis " + "x" * 500))
    assert page.message and "200 characters" in page.message
    many = " ".join(["crisis"] + [f"w{n}" for n in range(40)])
    page = search_resources(SearchRequest(text=many))
    assert page.message and "32 words" in page.message


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"sort": "popular"},
        {"access": "secret"},
        {"page": 0},
        {"page": "2"},
        {"per_page": 10_000},
        {"resource_types": ("novel",)},
        {"years": ("2020",)},
        {"years": (99999,)},
        {"topics": (None,)},
        {"text": None},
    ],
)
def test_it_answers_bad_input_with_an_empty_page_and_a_message(library, request_kwargs):
    page = search_resources(SearchRequest(**request_kwargs))
    assert page.hits == []
    assert page.total == 0
    assert page.message


def test_it_runs_a_constant_number_of_queries_for_any_page_size(sam, django_assert_num_queries):
    for n in range(6):
        make_resource(sam, title=f"Constant report {n}", topics=("Data", f"Topic {n}"))
    for per_page in (1, 50):
        # Candidates, snippets, vocabulary check, resources, topics.
        with django_assert_num_queries(5):
            page = search_resources(SearchRequest(text="constant report", per_page=per_page))
            [hit.resource.topics.all() for hit in page.hits]
        with django_assert_num_queries(3):
            page = search_resources(SearchRequest(per_page=per_page))
            [hit.resource.topics.all() for hit in page.hits]


def test_it_rebuilds_the_whole_index(library):
    assert search.reindex_all() == 3
    assert titles(search_resources(SearchRequest(text="curriculum"))) == [
        "Forty-hour CIT training curriculum"
    ]
    assert search_resources(SearchRequest(text="polcy")).suggestion == "policy"
