"""An invitation link is found through the index on the partnership's invitation digest."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.campaigns.models import Partnership
from mhr.campaigns.services.evidence import (
    partnership_create,
    partnership_for_invitation,
    partnership_invite,
)

INDEX = "campaigns_partner_invite_idx"


def _plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is tiny, where a sequential scan is cheapest; ask whether the index
            # can serve the lookup at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


def test_the_invitation_lookup_uses_the_digest_index(agency_a, alice):
    for n in range(3):
        partnership = partnership_create(
            agency=agency_a,
            created_by=alice,
            organization_name=f"Crisis line {n}",
            organization_kind="crisis_center",
            agreement_kind="mou",
            started_on=datetime.date(2025, 2, 1),
            partner_contact_email=f"partner{n}@crisis.example",
        )
        token = partnership_invite(partnership=partnership, invited_by=alice)
    with CaptureQueriesContext(connection) as queries:
        found = partnership_for_invitation(token=token)
    assert found == partnership
    [query] = [q["sql"] for q in queries.captured_queries if "invitation_digest" in q["sql"]]
    # The service's query (same filters, ordering and limit), with parameters, under EXPLAIN.
    queryset = Partnership.objects.filter(
        invitation_digest=found.invitation_digest,
        invited_at__gte=found.invited_at - datetime.timedelta(days=1),
        confirmed_at__isnull=True,
    ).select_related("agency")[:1]
    sql, params = queryset.query.sql_with_params()
    assert "invitation_digest" in query
    assert INDEX in _plan(sql, params)


def test_the_index_is_named_in_the_schema(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Partnership._meta.db_table)
    assert constraints[INDEX]["index"] is True
    assert constraints[INDEX]["columns"] == ["invitation_digest"]
