from __future__ import annotations

import datetime
import html as html_lib
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.campaigns.models import CourseType, Officer, Pledge, TrainingRecord
from mhr.campaigns.public_selectors import (
    COLOUR_CLASSES,
    STATE_NAMES,
    TILE_GRID,
    colour_breaks,
    public_status,
)

HOME = reverse("campaigns:home")
CAST = ["anonymous", "alice", "carol", "sam"]


def make_pledge(
    agency: Agency, campaign, *, status=Pledge.Status.PLEDGED, signed_on=None, **fields
):
    signed_on = signed_on or datetime.date(2025, 3, 1)
    return Pledge.objects.create(
        agency=agency,
        campaign=campaign,
        rule_version=campaign.rule_versions.get(code="current"),
        agency_head_name="Chief Dana Head",
        agency_head_title="Chief of Police",
        signed_on=signed_on,
        contact_name="Pat Contact",
        contact_email="pat.contact@private.example",
        contact_phone="555-0199",
        target_completion_on=signed_on + datetime.timedelta(days=700),
        status=status,
        **fields,
    )


def make_agency(n: int, *, state: str = "TX", name: str | None = None) -> Agency:
    return Agency.objects.create(
        name=name or f"Agency {n:03d} Police Department",
        ori=f"{state}{n:07d}",
        state=state,
        agency_type=Agency.AgencyType.CITY,
    )


def main_content(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main-content"') : html.index("</main>")]


@pytest.fixture
def cast(request):
    """The viewer named by the test's parameter; None is anonymous."""
    name = request.param
    return None if name == "anonymous" else request.getfixturevalue(name)


@pytest.fixture
def pledges(one_mind, agency_a, agency_b):
    """Agency A recognized in WA, agency B submitted in OR, two Texas agencies."""
    recognized = make_pledge(
        agency_a,
        one_mind,
        status=Pledge.Status.RECOGNIZED,
        signed_on=datetime.date(2024, 1, 10),
        recognized_on=datetime.date(2025, 6, 1),
    )
    submitted = make_pledge(
        agency_b, one_mind, status=Pledge.Status.SUBMITTED, signed_on=datetime.date(2025, 2, 2)
    )
    lapsed = make_pledge(
        make_agency(1),
        one_mind,
        status=Pledge.Status.LAPSED,
        signed_on=datetime.date(2023, 5, 5),
        recognized_on=datetime.date(2024, 5, 5),
    )
    returned = make_pledge(make_agency(2), one_mind, status=Pledge.Status.RETURNED)
    return {
        "recognized": recognized,
        "submitted": submitted,
        "lapsed": lapsed,
        "returned": returned,
    }


# --- status mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("pledged", "pledged"),
        ("in_progress", "in_progress"),
        ("submitted", "in_progress"),
        ("returned", "in_progress"),
        ("recognized", "recognized"),
        ("lapsed", "lapsed"),
    ],
)
def test_it_shows_submitted_and_returned_pledges_as_in_progress(status, shown):
    assert public_status(status) == shown


def test_it_lists_participants_with_their_public_status(client, pledges):
    response = client.get(HOME)
    assert response.status_code == 200
    rows = {row.ori: row.status_label for row in response.context["results"].rows}
    assert rows == {
        "WA0170000": "Recognized",
        "OR0260000": "In progress",
        "TX0000001": "Lapsed",
        "TX0000002": "In progress",
    }
    html = response.content.decode()
    assert "Submitted for recognition" not in html
    assert "Returned for changes" not in html


# --- the same page for everyone ---------------------------------------------------------------


@pytest.mark.parametrize("cast", CAST, indirect=True)
def test_it_shows_the_campaign_page_to_everyone(client_for, cast, pledges):
    response = client_for(cast).get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The four practices" in html
    assert "Springfield Police Department" in html
    assert "Shelbyville County Sheriff" in html


def test_the_public_pages_show_the_same_content_to_every_viewer(
    client, client_for, pledges, alice, carol, sam
):
    pages = [HOME, reverse("campaigns:agency", args=["WA0170000"])]
    for url in pages:
        client.logout()
        anonymous = main_content(client.get(url))
        for user in (alice, carol, sam):
            response = client_for(user).get(url)
            assert response.status_code == 200, (url, user)
            assert main_content(response) == anonymous, (url, user)


def test_it_has_one_h1_and_a_caption_on_every_table(client, pledges):
    html = client.get(HOME).content.decode()
    assert html.count("<h1") == 1
    assert html.count("<table") == html.count("<caption")


# --- filters ----------------------------------------------------------------------------------


def test_it_filters_by_state(client, pledges):
    response = client.get(HOME, {"state": "TX"})
    assert {row.ori for row in response.context["results"].rows} == {"TX0000001", "TX0000002"}


def test_it_filters_by_public_status(client, pledges):
    response = client.get(HOME, {"status": "in_progress"})
    assert {row.ori for row in response.context["results"].rows} == {"OR0260000", "TX0000002"}
    response = client.get(HOME, {"status": "recognized"})
    assert [row.ori for row in response.context["results"].rows] == ["WA0170000"]


def test_it_combines_state_status_and_name_filters(client, pledges):
    response = client.get(HOME, {"state": "TX", "status": "lapsed", "name": "agency 001"})
    assert [row.ori for row in response.context["results"].rows] == ["TX0000001"]


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"state": "ZZ"}, "all states are shown"),
        ({"state": "<script>"}, "all states are shown"),
        ({"status": "submitted"}, "every status is shown"),
        ({"name": "x" * 500}, "name filter was ignored"),
    ],
)
def test_it_explains_and_drops_a_filter_it_cannot_use(client, pledges, params, note):
    response = client.get(HOME, params)
    assert response.status_code == 200
    assert response.context["results"].total == 4
    assert note in response.content.decode()


def test_a_state_without_participants_is_a_valid_filter_with_no_rows(client, pledges):
    response = client.get(HOME, {"state": "ME"})
    assert response.status_code == 200
    assert response.context["results"].total == 0
    assert "No participating agency matches these filters." in response.content.decode()


def test_it_says_so_when_nothing_matches(client, pledges):
    response = client.get(HOME, {"name": "no such agency"})
    assert response.status_code == 200
    assert "No participating agency matches these filters." in response.content.decode()


def test_it_lists_recently_pledged_and_recently_recognized(client, one_mind, pledges):
    for n in range(3, 15):
        make_pledge(make_agency(n), one_mind, signed_on=datetime.date(2026, 1, n))
    response = client.get(HOME)
    pledged = response.context["recently_pledged"]
    assert len(pledged) == 10
    assert pledged[0].ori == "TX0000014"
    assert [r.signed_on for r in pledged] == sorted((r.signed_on for r in pledged), reverse=True)
    # Only agencies recognized now; a lapsed agency's old recognition date does not count.
    assert [r.ori for r in response.context["recently_recognized"]] == ["WA0170000"]


# --- pagination -------------------------------------------------------------------------------


@pytest.fixture
def many(one_mind):
    for n in range(1, 61):
        make_pledge(make_agency(n, state="CA"), one_mind)


@pytest.mark.parametrize(
    ("page", "shown", "note"),
    [
        ("2", 2, None),
        ("abc", 1, "not understood"),
        ("0", 1, "start at 1"),
        ("-3", 1, "start at 1"),
        ("999", 3, "no page 999"),
        ("99999999999999999999", 3, "no page"),
        ("1.5", 1, "not understood"),
    ],
)
def test_it_handles_any_page_number_without_an_error(client, many, page, shown, note):
    response = client.get(HOME, {"page": page, "per_page": "25"})
    assert response.status_code == 200
    assert response.context["results"].page == shown
    if note:
        assert note in response.content.decode()


@pytest.mark.parametrize("per_page", ["0", "-5", "abc", "100000"])
def test_it_keeps_the_page_size_within_bounds(client, many, per_page):
    response = client.get(HOME, {"per_page": per_page})
    assert response.status_code == 200
    assert 1 <= response.context["results"].per_page <= 100


def test_it_handles_an_empty_campaign(client, one_mind):
    response = client.get(HOME, {"page": "7"})
    assert response.status_code == 200
    assert "No agency has pledged yet." in response.content.decode()


def test_pagination_links_keep_the_filters(client, many):
    response = client.get(HOME, {"state": "CA", "per_page": "10"})
    links = response.context["page_links"]
    assert links[-1]["number"] == 6
    assert "state=CA" in links[-1]["url"] and "page=6" in links[-1]["url"]


@pytest.mark.parametrize("cast", CAST, indirect=True)
@pytest.mark.parametrize("per_page", [1, 50])
def test_the_list_takes_the_same_number_of_queries_for_any_page_size(
    client_for, cast, many, per_page, django_assert_num_queries
):
    client = client_for(cast)
    client.get(HOME)  # Warm the session and the overview cache.
    # Campaign, pledge fingerprint, page count, page rows; signed in: session, user and the
    # menu's membership lookup.
    expected = 4 if cast is None else 7
    with django_assert_num_queries(expected):
        response = client.get(HOME, {"per_page": per_page, "state": "CA"})
    assert len(response.context["results"].rows) == per_page
    # Without the cache: also the grouped counts and the two "recent" lists.
    cache.clear()
    with django_assert_num_queries(expected + 3):
        response = client.get(HOME, {"per_page": per_page, "state": "CA"})
    assert len(response.context["results"].rows) == per_page


def test_a_new_pledge_or_status_change_shows_at_once_despite_the_cache(client, one_mind, pledges):
    client.get(HOME)
    make_pledge(make_agency(50, state="ME"), one_mind, signed_on=datetime.date(2026, 6, 1))
    response = client.get(HOME)
    assert response.context["recently_pledged"][0].ori == "ME0000050"
    assert response.context["summary"].states["ME"].total == 1
    submitted = pledges["submitted"]
    submitted.status = Pledge.Status.RECOGNIZED
    submitted.recognized_on = datetime.date(2026, 7, 1)
    submitted.status_changed_at = timezone.now()
    submitted.save(update_fields=["status", "recognized_on", "status_changed_at"])
    response = client.get(HOME)
    assert response.context["recently_recognized"][0].ori == "OR0260000"


# --- the map ----------------------------------------------------------------------------------


def test_the_tile_grid_has_the_fifty_states_and_dc_each_in_its_own_square():
    assert len(TILE_GRID) == 51
    assert set(TILE_GRID) <= set(STATE_NAMES)
    assert len(set(TILE_GRID.values())) == 51


def test_every_map_tile_links_to_the_list_filtered_by_its_state(client, pledges):
    html = client.get(HOME).content.decode()
    svg = html[html.index('<svg class="mhr-state-map"') : html.index("</svg>")]
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', svg)
    assert len(links) == 51
    by_state = {re.search(r"state=([A-Z]{2})", href).group(1): label for href, label in links}
    assert by_state["TX"] == "Texas: 2 agencies, 0 recognized"
    assert by_state["WA"] == "Washington: 1 agency, 1 recognized"
    assert by_state["ME"] == "Maine: 0 agencies, 0 recognized"
    assert "<title>Texas: 2 agencies, 0 recognized</title>" in svg


def test_a_map_link_lists_that_states_agencies(client, pledges):
    response = client.get(HOME, {"state": "WA"})
    assert [row.ori for row in response.context["results"].rows] == ["WA0170000"]
    tiles = {tile.code: tile for tile in response.context["map"].tiles}
    assert tiles["WA"].selected and not tiles["TX"].selected


def test_the_map_has_a_text_legend_and_a_table(client, pledges):
    html = client.get(HOME).content.decode()
    assert "Map key" in html
    assert "No participating agencies" in html
    assert "<caption>Participating agencies by state and status</caption>" in html


def test_colour_breaks_cover_every_count_without_gaps():
    counts = [0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55]
    ranges = colour_breaks(counts)
    assert 1 <= len(ranges) <= len(COLOUR_CLASSES)
    assert ranges[0][0] == 1 and ranges[-1][1] == 55
    for (_, high), (low, _) in zip(ranges, ranges[1:], strict=False):
        assert low == high + 1
    assert colour_breaks([0, 0]) == []
    assert colour_breaks([4, 4, 4]) == [(1, 4)]


# --- the agency page --------------------------------------------------------------------------


def test_the_agency_page_shows_the_pledge(client, pledges):
    response = client.get(reverse("campaigns:agency", args=["WA0170000"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Springfield Police Department",
        "WA0170000",
        "Washington",
        "City or municipal police",
        "Recognized",
        "10 January 2024",
        "1 June 2025",
    ):
        assert text in html
    practices = response.context["pledge"].practices
    assert len(practices) == 4
    assert all(p.met for p in practices)


def test_practices_are_not_met_until_recognized(client, pledges):
    response = client.get(reverse("campaigns:agency", args=["OR0260000"]))
    assert response.status_code == 200
    assert not any(p.met for p in response.context["pledge"].practices)
    assert "In progress" in response.content.decode()


def test_the_agency_page_accepts_a_lower_case_ori(client, pledges):
    assert client.get("/campaign/agencies/wa0170000/").status_code == 200


def test_the_agency_page_offers_the_badge_code(client, pledges):
    response = client.get(reverse("campaigns:agency", args=["WA0170000"]))
    html = response.content.decode()
    code = re.search(r"<pre[^>]*><code>(.*?)</code></pre>", html, re.S).group(1)
    assert code.startswith("&lt;a href=&quot;http://testserver/campaign/agencies/WA0170000/&quot;")
    assert "&lt;img src=&quot;http://testserver/campaign/badge/WA0170000.svg&quot;" in code
    # What a visitor copies: a link to this page around the badge image.
    copied = html_lib.unescape(code)
    assert re.fullmatch(
        r'<a href="http://testserver/campaign/agencies/WA0170000/">\s*'
        r'<img src="http://testserver/campaign/badge/WA0170000.svg"\s+'
        r'alt="One Mind Campaign: Recognized. Springfield Police Department"\s+'
        r'width="340" height="84">\s*</a>',
        copied,
    )


def test_the_badge_code_stays_valid_html_for_an_awkward_name(client, one_mind):
    agency = make_agency(7, name='Smith & "Sons" <b>Police</b>')
    make_pledge(agency, one_mind)
    html = client.get(reverse("campaigns:agency", args=[agency.ori])).content.decode()
    assert "<b>Police</b>" not in html
    # Shown escaped twice, so the copied text has the name escaped once inside the attribute.
    assert "Smith &amp;amp; &amp;quot;Sons&amp;quot; &amp;lt;b&amp;gt;" in html


@pytest.mark.parametrize("ori", ["ZZ9999999", "TX0000099"])
def test_the_agency_page_is_404_for_an_unknown_ori_or_an_agency_without_a_pledge(
    client, pledges, ori
):
    make_agency(99)
    assert client.get(reverse("campaigns:agency", args=[ori])).status_code == 404


def test_an_agency_page_with_a_malformed_ori_is_404(client, pledges):
    assert client.get("/campaign/agencies/WA01/").status_code == 404
    assert client.get("/campaign/agencies/WA0170000%3Cx%3E/").status_code == 404


def test_the_agency_page_takes_a_few_queries(client, pledges, django_assert_num_queries):
    # The pledge with its agency and numbers; whether the partner confirmed the partnership.
    with django_assert_num_queries(3):
        client.get(reverse("campaigns:agency", args=["WA0170000"]))


# --- nothing private reaches the public pages -------------------------------------------------


def test_no_officer_roster_or_contact_data_reaches_the_public_pages(client_for, sam, pledges):
    agency = pledges["recognized"].agency
    officer = Officer.objects.create(
        agency=agency,
        employee_id="EMP-SECRET-77",
        first_name="Quintessa",
        last_name="Zyphorwick",
        is_sworn=True,
        unit="Night shift Q",
    )
    TrainingRecord.objects.create(
        officer=officer,
        agency=agency,
        course_type=CourseType.objects.get(code="cit-40"),
        provider="Provider Xylophonic",
        completed_on=datetime.date(2024, 2, 2),
    )
    private = [
        "EMP-SECRET-77",
        "Quintessa",
        "Zyphorwick",
        "Night shift Q",
        "Provider Xylophonic",
        "pat.contact@private.example",
        "555-0199",
        "Pat Contact",
        "Chief Dana Head",
    ]
    client = client_for(sam)
    for url in (
        HOME,
        HOME + "?state=WA",
        reverse("campaigns:agency", args=[agency.ori]),
        reverse("campaigns:badge", args=[agency.ori]),
    ):
        body = client.get(url).content.decode()
        for text in private:
            assert text not in body, (url, text)
