"""National facts for worksheets: seeded with sources, kept current by staff in the admin."""

from __future__ import annotations

from mhr.audit.models import AuditEvent
from mhr.clearinghouse.models import Fact


def test_the_seeded_facts_cite_their_sources(db):
    facts = list(Fact.objects.filter(is_active=True))
    assert len(facts) >= 8
    for fact in facts:
        assert fact.source and fact.url.startswith("http"), fact
    reported = [fact for fact in facts if fact.program_reported]
    assert reported and all(fact.caveat for fact in reported)
    assert {fact.year_label for fact in facts} >= {"2003", "2014", "undated"}


def test_staff_add_a_fact_in_the_admin_and_it_is_audited(sam, client_for):
    client = client_for(sam)
    assert client.get("/admin/clearinghouse/fact/").status_code == 200
    response = client.post(
        "/admin/clearinghouse/fact/add/",
        {
            "statement": "A new national figure, in our words.",
            "figure": "12%",
            "source": "A survey",
            "year": "2024",
            "url": "https://example.org/survey",
            "caveat": "",
            "is_active": "on",
            "position": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fact = Fact.objects.get(statement="A new national figure, in our words.")
    assert AuditEvent.objects.filter(
        event_type="clearinghouse.fact_saved", actor=sam, object_id=str(fact.pk)
    ).exists()


def test_agency_users_cannot_edit_facts(alice, client_for):
    assert client_for(alice).get("/admin/clearinghouse/fact/").status_code == 302
