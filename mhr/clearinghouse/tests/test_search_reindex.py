"""`mhr reindex` rebuilds the index and reports what it did."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from mhr.clearinghouse.search import SearchRequest, search_resources
from mhr.clearinghouse.tests.search_helpers import make_resource

pytestmark = pytest.mark.django_db


def test_it_rebuilds_the_index_and_prints_counts(sam):
    make_resource(sam, title="Published wallaby report")
    make_resource(sam, title="Draft wallaby report", publish=False)
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert "Indexed 1 published resources" in out.getvalue()
    assert "vocabulary words" in out.getvalue()
    page = search_resources(SearchRequest(text="wallaby"))
    assert [hit.resource.title for hit in page.hits] == ["Published wallaby report"]
