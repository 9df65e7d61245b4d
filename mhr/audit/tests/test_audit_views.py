from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mhr.accounts.models import User
from mhr.audit.models import AuditEvent

LIST = reverse("audit:event_list")
CSV = reverse("audit:event_export_csv")
XLSX = reverse("audit:event_export_xlsx")
ALL_URLS = [LIST, CSV, XLSX]

EventType = AuditEvent.EventType


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def make_event(**fields) -> AuditEvent:
    fields.setdefault("event_type", EventType.RESOURCE_CHANGED)
    return AuditEvent.objects.create(**fields)


@pytest.fixture
def events(alice, carol, sam, agency_a, agency_b) -> dict[str, AuditEvent]:
    """One agency A row, one agency B row and one staff row, on different days."""
    return {
        "a": make_event(
            occurred_at=at("2026-11-27 21:30:42.179999"),
            event_type=EventType.SIGN_IN,
            actor=alice,
            actor_label=alice.email,
            agency=agency_a,
            object_type="accounts.user",
            object_id=str(alice.pk),
            object_repr="Springfield roster",
            ip_address="203.0.113.7",
            extra={"method": "password", "note": "<script>alert(1)</script>"},
        ),
        "b": make_event(
            occurred_at=at("2026-11-20 08:00:00"),
            event_type=EventType.SIGN_IN_FAILED,
            outcome=AuditEvent.Outcome.FAILURE,
            actor=carol,
            actor_label=carol.email,
            agency=agency_b,
            object_type="accounts.agency",
            object_id=str(agency_b.pk),
            object_repr="Shelbyville roster",
            ip_address="198.51.100.9",
        ),
        "staff": make_event(
            occurred_at=at("2026-11-10 12:00:00"),
            event_type=EventType.RESOURCE_CREATED,
            actor=sam,
            actor_label=sam.email,
            object_type="clearinghouse.resource",
            object_id="7",
            object_repr="Model policy",
        ),
    }


def listed_ids(response) -> list[int]:
    # Earlier searches in the same test are audited too; these tests look at the other rows.
    return [
        row.event.pk
        for row in response.context["rows"]
        if row.event.event_type != EventType.AUDIT_VIEWED
    ]


# Who may open the audit log


@pytest.mark.parametrize("url", ALL_URLS)
def test_it_sends_anonymous_visitors_to_sign_in(url, client, db):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("who", ["bob", "editor", "outsider"])
@pytest.mark.parametrize("url", ALL_URLS)
def test_it_forbids_members_editors_and_users_without_an_agency(
    url, who, request, client_for, events
):
    before = AuditEvent.objects.count()
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == 403
    assert b"Springfield roster" not in response.content
    assert AuditEvent.objects.count() == before


@pytest.fixture
def outsider(db) -> User:
    return User.objects.create_user(email="olive@example.com", password="x" * 20)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(email="root@example.com", password="x" * 20)


@pytest.mark.parametrize("who", ["sam", "reviewer", "superuser"])
def test_it_shows_staff_every_agency_and_staff_rows(who, request, client_for, events):
    response = client_for(request.getfixturevalue(who)).get(LIST)
    assert response.status_code == 200
    assert listed_ids(response) == [events["a"].pk, events["b"].pk, events["staff"].pk]


def test_it_shows_a_coordinator_only_their_agencys_rows(client_for, alice, events):
    response = client_for(alice).get(LIST)
    assert response.status_code == 200
    assert listed_ids(response) == [events["a"].pk]
    assert b"Shelbyville" not in response.content
    assert b"Model policy" not in response.content


def test_it_never_shows_carol_agency_as_rows(client_for, carol, events):
    client = client_for(carol)
    assert listed_ids(client.get(LIST)) == [events["b"].pk]
    # Filters cannot widen her scope: searching for A's rows finds nothing.
    assert listed_ids(client.get(LIST, {"text": "Springfield"})) == []
    assert listed_ids(client.get(LIST, {"actor": "alice"})) == []
    assert listed_ids(client.get(LIST, {"event_type": EventType.SIGN_IN})) == []
    # The agency filter is not hers to use: it is ignored, not honoured.
    response = client.get(LIST, {"agency": "WA0170000"})
    assert listed_ids(response) == [events["b"].pk]
    assert "agency" not in response.context["form"].fields
    # (Her own earlier search for "Springfield" is in her log; agency A's name is not.)
    assert b"Springfield Police" not in response.content


def test_it_lets_staff_filter_by_agency_ori(client_for, sam, events):
    client = client_for(sam)
    assert listed_ids(client.get(LIST, {"agency": "wa0170000"})) == [events["a"].pk]
    assert listed_ids(client.get(LIST, {"agency": "OR0260000"})) == [events["b"].pk]


def test_it_explains_a_malformed_ori(client_for, sam, events):
    response = client_for(sam).get(LIST, {"agency": "nope"})
    assert response.status_code == 200
    assert b"An ORI is 9 characters" in response.content
    assert response.context["rows"] == []


# Filters


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"starts_on": "2026-11-20"}, ["a", "b"]),
        ({"ends_on": "2026-11-20"}, ["b", "staff"]),
        ({"starts_on": "2026-11-20", "ends_on": "2026-11-20"}, ["b"]),
        ({"starts_on": "2026-11-28"}, []),
        ({"event_type": EventType.SIGN_IN_FAILED}, ["b"]),
        ({"actor": "SPRINGFIELD.example"}, ["a"]),
        ({"outcome": "failure"}, ["b"]),
        ({"outcome": "success"}, ["a", "staff"]),
        ({"object_type": "clearinghouse.resource"}, ["staff"]),
        ({"text": "roster"}, ["a", "b"]),
        ({"text": "  model POLICY "}, ["staff"]),
        ({"ends_on": "9999-12-31", "starts_on": "0001-01-01"}, ["a", "b", "staff"]),
    ],
)
def test_it_filters_by_each_field(params, expected, client_for, sam, events):
    response = client_for(sam).get(LIST, params)
    assert response.status_code == 200
    assert listed_ids(response) == [events[key].pk for key in expected]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"starts_on": "27/11/2026"}, b"Enter a valid date."),
        ({"starts_on": "2026-11-28", "ends_on": "2026-11-01"}, b"on or after the start date"),
        ({"event_type": "auth.nonsense"}, b"Select a valid choice."),
        ({"outcome": "maybe"}, b"Select a valid choice."),
        ({"object_type": "auth.permission"}, b"Select a valid choice."),
        ({"per_page": "0"}, b"greater than or equal to 1"),
        ({"per_page": "lots"}, b"Enter a whole number."),
        ({"text": "x" * 201}, b"at most 200 characters"),
        ({"actor": "a\x00b"}, b"Null characters are not allowed."),
    ],
)
def test_it_explains_bad_filters_instead_of_failing(params, message, client_for, sam, events):
    response = client_for(sam).get(LIST, params)
    assert response.status_code == 200
    assert message in response.content
    assert response.context["rows"] == []


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_refuses_to_export_with_bad_filters(url, client_for, sam, events):
    before = AuditEvent.objects.count()
    response = client_for(sam).get(url, {"starts_on": "yesterday"})
    assert response.status_code == 400
    assert b"Enter a valid date." in response.content
    assert AuditEvent.objects.count() == before


def test_it_survives_a_page_number_that_is_not_a_number(client_for, sam, events):
    response = client_for(sam).get(LIST, {"page": "last-ish", "per_page": "1"})
    assert response.status_code == 200
    assert listed_ids(response) == [events["a"].pk]


# What a row shows


def test_it_shows_time_in_utc_to_the_hundredth_of_a_second(client_for, sam, events):
    content = client_for(sam).get(LIST).content.decode()
    # 42.179999 is shown as 42.17: truncated, never rounded up into the next hundredth.
    assert "2026-11-27 21:30:42.17 UTC" in content


def test_it_shows_who_agency_event_outcome_object_and_address(client_for, sam, events):
    content = client_for(sam).get(LIST).content.decode()
    for text in [
        "alice@springfield.example",
        "Springfield Police Department",
        "WA0170000",
        "Signed in",
        "Sign-in failed",
        "Failure",
        "Springfield roster",
        "203.0.113.7",
    ]:
        assert text in content


def test_it_shows_details_in_an_expandable_escaped_block(client_for, sam, events):
    content = client_for(sam).get(LIST).content.decode()
    assert "<details>" in content
    assert "&quot;method&quot;: &quot;password&quot;" in content
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_it_lists_newest_first_and_paginates(client_for, sam, events):
    client = client_for(sam)
    first = client.get(LIST, {"per_page": "2"})
    # The first search is audited: leave its row out, as the test is about the rows before it.
    second = client.get(
        LIST, {"per_page": "2", "page": "2", "ends_on": events["a"].occurred_at.date().isoformat()}
    )
    assert listed_ids(first) + listed_ids(second) == [
        events["a"].pk,
        events["b"].pk,
        events["staff"].pk,
    ]
    assert b"page=2" in first.content
    assert b"per_page=2" in first.content


def test_it_links_exports_with_the_current_filters(client_for, sam, events):
    content = client_for(sam).get(LIST, {"outcome": "failure", "page": "1"}).content.decode()
    assert f'href="{CSV}?outcome=failure"' in content
    assert f'href="{XLSX}?outcome=failure"' in content


def test_it_keeps_the_audit_log_out_of_caches(client_for, sam, events):
    response = client_for(sam).get(LIST)
    assert "no-store" in response["Cache-Control"]


def test_it_has_one_heading_one_and_a_captioned_table(client_for, sam, events):
    content = client_for(sam).get(LIST).content.decode()
    assert content.count("<h1") == 1
    assert "<caption>" in content
    assert 'scope="col"' in content
    assert 'scope="row"' in content
    assert "style=" not in content
    assert "<script>" not in content.split("</main>")[0]


# Query counts


@pytest.fixture
def many_events(agency_a, agency_b, alice) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            event_type=EventType.RESOURCE_CHANGED,
            actor=alice,
            actor_label=alice.email,
            agency=agency_a if n % 2 else agency_b,
            object_repr=f"Row {n}",
            extra={"n": n},
        )
        for n in range(120)
    )


@pytest.mark.parametrize("per_page", [1, 50])
def test_it_runs_a_constant_number_of_queries_for_staff(
    per_page, client_for, sam, many_events, django_assert_num_queries
):
    client = client_for(sam)
    # Session, user and the menu's membership look-up; the count and the page (agencies joined);
    # the audit row for the search itself.
    with django_assert_num_queries(6):
        response = client.get(LIST, {"per_page": per_page})
    assert len(response.context["rows"]) == per_page


@pytest.mark.parametrize("per_page", [1, 50])
def test_it_runs_a_constant_number_of_queries_for_coordinators(
    per_page, client_for, alice, many_events, django_assert_num_queries
):
    client = client_for(alice)
    # Session, user and membership, then the count and the page; the audit row for the search.
    with django_assert_num_queries(6):
        response = client.get(LIST, {"per_page": per_page})
    assert len(response.context["rows"]) == per_page
    assert {row.event.agency_id for row in response.context["rows"]} == {alice.membership.agency_id}


def test_reading_the_audit_log_is_itself_audited(client_for, alice, events):
    client_for(alice).get(LIST, {"event_type": AuditEvent.EventType.SIGN_IN})
    viewed = AuditEvent.objects.get(event_type=AuditEvent.EventType.AUDIT_VIEWED)
    assert viewed.actor == alice
    assert viewed.agency_id == alice.membership.agency_id
    assert viewed.extra == {"filters": {"event_type": "auth.sign_in"}, "page": 1}


def test_a_refused_search_writes_no_viewed_row(client_for, sam, events):
    client_for(sam).get(LIST, {"starts_on": "not a date"})
    assert not AuditEvent.objects.filter(event_type=AuditEvent.EventType.AUDIT_VIEWED).exists()


def test_past_the_count_cap_it_says_more_than_and_pages_on_with_next(
    client_for, sam, many_events, monkeypatch
):
    from mhr.audit import views

    monkeypatch.setattr(views, "COUNT_CAP", 100)
    client = client_for(sam)
    first = client.get(LIST, {"per_page": "50", "object_type": ""})
    text = first.content.decode()
    assert "More than 100 matching events, newest first." in text
    assert "(page 1)" in text and "Page 1 of" not in text
    assert "page=2" in text
    # 120 rows (plus the searches' own rows): the third page of 50 is the last, with no Next.
    third = client.get(LIST, {"per_page": "50", "page": "3", "event_type": "resource.changed"})
    assert "Next page" not in third.content.decode()
    assert len(third.context["rows"]) == 20
    past = client.get(LIST, {"per_page": "50", "page": "9", "event_type": "resource.changed"})
    assert "There is no page 9" in past.content.decode()
    # Under the cap the count is exact.
    exact = client.get(LIST, {"per_page": "50", "text": "Row 11"}).content.decode()
    assert "11 matching events" in exact
