"""Peer comparison: own numbers in full, next to the suppressed total of same-state, same-size peers."""

from __future__ import annotations

import pytest

from mhr.audit.models import AuditEvent
from mhr.encounters.public_views import SIZE_BANDS, size_band
from mhr.encounters.tests.outside_data import add, make_agency

URL = "/agency/encounters/peers/?year=2025"
SUPPRESSED_LABEL = "suppressed to protect privacy"


def row_cells(html, key):
    start = html.index(f'data-key="{key}"')
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def peers(agency_a):
    """Agency A: WA, 120 sworn (band 100–249). Three WA peers in the band, and two non-peers."""
    in_band = [make_agency("WA", sworn) for sworn in (100, 180, 249)]
    add(in_band[0], 20, disposition="arrest")
    add(in_band[1], 15, disposition="referral")
    add(in_band[2], 12, disposition="referral")
    add(make_agency("WA", 250), 40, disposition="arrest")  # larger band
    add(make_agency("OR", 150), 40, disposition="arrest")  # another state
    add(agency_a, 14, disposition="resolved_on_scene")
    return in_band


def test_members_see_their_numbers_next_to_the_peer_total(peers, bob, client_for):
    response = client_for(bob).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 peer agencies combined" in html
    total = row_cells(html, "total")
    # Own: 14. Peers: 20 + 15 + 12 = 47, without the other band's or state's 40 each.
    assert ">14<" in total and ">47<" in total
    arrests = row_cells(html, "arrests")
    assert ">20<" in arrests and "42.6%" in arrests  # 20 of 47
    assert ">0<" in arrests  # own: no arrests, a true zero
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, extra__page="peers", actor=bob
    ).exists()


def test_small_peer_counts_are_hidden(agency_a, bob, client_for):
    for n in (12, 12, 12):
        peer = make_agency("WA", 150)
        add(peer, n - 1, disposition="referral")
        add(peer, 1, disposition="arrest")
    html = client_for(bob).get(URL).content.decode()
    arrests = row_cells(html, "arrests")
    assert SUPPRESSED_LABEL in arrests and ">3<" not in arrests


def test_fewer_than_three_peers_with_data_is_not_a_comparison(agency_a, bob, client_for):
    for _ in range(2):
        add(make_agency("WA", 150), 30)
    make_agency("WA", 150)  # a peer without records does not count
    response = client_for(bob).get(URL)
    html = response.content.decode()
    assert 'data-testid="too-few-peers"' in html
    assert "2 peer agencies have records" in html
    assert 'data-testid="peer-table"' not in html
    assert 'data-testid="own-table"' in html  # their own numbers, still


def test_an_agency_without_a_headcount_has_no_band(agency_a, bob, client_for):
    agency_a.sworn_headcount = None
    agency_a.save(update_fields=["sworn_headcount"])
    html = client_for(bob).get(URL).content.decode()
    assert 'data-testid="no-band"' in html


def test_another_agency_never_sees_a_as_its_own(peers, carol, client_for):
    # Carol's agency is in Oregon with 80 sworn: A and A's peers are not her peers.
    html = client_for(carol).get(URL).content.decode()
    assert ">47<" not in html
    assert 'data-testid="too-few-peers"' in html


def test_staff_have_no_agency_page(sam, client_for):
    assert client_for(sam).get(URL).status_code == 404


@pytest.mark.parametrize(
    ("sworn", "band"),
    [(1, (1, 24)), (24, (1, 24)), (25, (25, 49)), (999, (500, 999)), (5000, (1000, None))],
)
def test_size_bands_cover_every_headcount(sworn, band):
    assert size_band(sworn) == band
    assert size_band(0) is None and size_band(None) is None
    assert SIZE_BANDS[0][0] == 1


def test_published_peers_cannot_be_subtracted_to_reveal_another(agency_a, alice, bob, client_for):
    from mhr.encounters.services import encounter_settings_update

    for n, published in ((30, True), (30, True), (5, False)):
        peer = make_agency("WA", 150)
        add(peer, n, disposition="referral")
        if published:
            encounter_settings_update(agency=peer, actor=None, transparency_published=True)
    html = client_for(bob).get(URL).content.decode()
    # 65 in all, minus the two published 30s, would give the third agency's 5 away.
    total = row_cells(html, "total")
    assert ">65<" not in total and SUPPRESSED_LABEL in total


def test_peers_with_data_are_those_with_complete_records_in_the_period(agency_a):
    import datetime

    from mhr.encounters.models import Encounter
    from mhr.encounters.public_views import peers_with_data
    from mhr.encounters.services import encounter_create
    from mhr.encounters.tests.factories import encounter_values
    from mhr.encounters.tests.outside_data import at

    in_period, before, drafts_only, other_state = (
        make_agency("WA", 150),
        make_agency("WA", 160),
        make_agency("WA", 170),
        make_agency("OR", 150),
    )
    add(in_period, 1, month=12, year=2025)
    add(before, 3, month=12, year=2024)
    add(other_state, 3, month=6, year=2025)
    encounter_create(
        agency=drafts_only,
        actor=None,
        values=encounter_values(received_at=at(6, 3, 2025)),
        status=Encounter.Status.DRAFT,
    )
    band = size_band(agency_a.sworn_headcount)
    year = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert peers_with_data(agency_a, band, *year) == [in_period.pk]
    assert peers_with_data(agency_a, band, datetime.date(2024, 12, 1), year[1]) == sorted(
        [in_period.pk, before.pk]
    )
