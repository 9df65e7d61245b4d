"""Snippets are safe HTML: resource text is escaped and only the highlight markup is added."""

from __future__ import annotations

import pytest

from mhr.clearinghouse.search import SearchRequest, render_snippet, search_resources
from mhr.clearinghouse.search.query import MARK_END, MARK_START
from mhr.clearinghouse.tests.search_helpers import make_resource


def test_it_escapes_snippet_text_and_adds_only_mark_tags():
    raw = f"<img src=x onerror=\"alert(1)\"> & {MARK_START}crisis{MARK_END} 'line'"

    html = render_snippet(raw)

    assert html == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; <mark>crisis</mark> &#x27;line&#x27;"
    )


def test_it_closes_an_unbalanced_highlight_and_ignores_stray_markers():
    html = render_snippet(f"{MARK_END}a {MARK_START}b{MARK_START} <c>")

    assert html == "a <mark>b &lt;c&gt;</mark>"


@pytest.mark.django_db
def test_it_escapes_the_summary_shown_when_there_is_no_query(sam):
    make_resource(sam, title="Escaping", summary="Use <script>alert(1)</script> & call.")

    page = search_resources(SearchRequest(text=""))

    snippet = page.hits[0].snippet_html
    assert snippet == "Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; call."
