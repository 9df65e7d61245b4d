"""The search box parser: any input is safe, and never becomes full-text syntax."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr.clearinghouse.search import SearchRequest, search_resources
from mhr.clearinghouse.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query

SYNTAX = st.sampled_from(
    [
        '"',
        "'",
        "*",
        ":",
        "^",
        "-",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "{",
        "}",
        "+",
        " ",
        "\x00",
        "“",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(SYNTAX, st.text(max_size=5)), max_size=60).map("".join),
)


@pytest.fixture(scope="module")
def fts5():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    connection.execute("INSERT INTO t VALUES ('crisis policy', 'and or near')")
    yield connection
    connection.close()


@given(QUERIES)
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_it_never_produces_invalid_fts5_syntax(fts5, text):
    parsed = parse_query(text)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert len(parsed.terms) <= MAX_TERMS
    if not parsed.is_empty:
        fts5.execute("SELECT rowid FROM t WHERE t MATCH ?", [parsed.fts5]).fetchall()


def test_it_keeps_phrases_and_ignores_operators():
    parsed = parse_query('"crisis intervention" AND NEAR(policy) de-escalation*')
    assert [(t.text, t.phrase) for t in parsed.terms] == [
        ("crisis intervention", True),
        ("NEAR", False),
        ("policy", False),
        ("de-escalation", False),
    ]
    assert parsed.fts5 == '"crisis intervention" "NEAR" "policy" "de-escalation"'


def test_it_reads_an_unbalanced_quote_as_plain_words():
    parsed = parse_query('crisis "mobile team')
    assert [(t.text, t.phrase) for t in parsed.terms] == [
        ("crisis", False),
        ("mobile", False),
        ("team", False),
    ]


def test_it_trims_long_and_many_word_queries_with_a_message():
    long = parse_query("word " * 100)
    assert len(long.text) <= MAX_QUERY_CHARS
    assert "200 characters" in long.message
    many = parse_query(" ".join(f"w{n}" for n in range(50)))
    assert len(many.terms) == MAX_TERMS
    assert "32 words" in many.message
    huge = parse_query("x" * 10_000_000)
    assert len(huge.text) <= MAX_QUERY_CHARS


def test_it_treats_empty_and_punctuation_only_input_as_no_search():
    for text in ["", "   ", '""', "***", "()", "\x00\x01"]:
        assert parse_query(text).is_empty


@pytest.mark.django_db
@given(QUERIES, st.booleans())
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_never_raises_on_the_database(text, member):
    page = search_resources(SearchRequest(text=text, viewer_is_member=member))
    assert page.hits == [] or page.total >= len(page.hits)
    assert "Search is not available" not in (page.message or "")
