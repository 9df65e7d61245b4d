"""Pledge evidence: partnerships and the crisis-response policy (services, screens, access)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import Partnership, PolicyDocument
from mhr.campaigns.selectors import pledge_compliance
from mhr.campaigns.services.evidence import (
    partnership_create,
    partnership_remove,
    partnership_update,
    policy_create,
    policy_update,
)
from mhr.campaigns.services.pledges import pledge_create
from mhr.clearinghouse.tests.factories import make_pdf

EventType = AuditEvent.EventType
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _stored_files(prefix: str) -> list[str]:
    try:
        return default_storage.listdir(prefix)[1]
    except FileNotFoundError:
        return []


def make_partnership(agency, user, **overrides):
    fields = {
        "organization_name": "Springfield Crisis Center",
        "organization_kind": Partnership.OrganizationKind.CRISIS_CENTER,
        "agreement_kind": Partnership.AgreementKind.MOU,
        "started_on": datetime.date(2025, 2, 1),
    }
    fields.update(overrides)
    return partnership_create(agency=agency, created_by=user, **fields)


def make_policy(agency, user, **overrides):
    fields = {
        "title": "Responding to people in crisis",
        "adopted_on": datetime.date(2025, 3, 1),
        "element_pages": {"de_escalation": "pp. 4–6"},
    }
    fields.update(overrides)
    return policy_create(agency=agency, created_by=user, **fields)


@pytest.fixture
def partnership_a(agency_a, alice):
    return make_partnership(
        agency_a, alice, document=io.BytesIO(make_pdf()), document_name="mou.pdf"
    )


@pytest.fixture
def policy_a(agency_a, alice):
    return make_policy(agency_a, alice, document=io.BytesIO(make_pdf()), document_name="policy.pdf")


# --- services ------------------------------------------------------------------------------------


def test_it_creates_a_partnership_with_an_audit_row_and_a_generated_file_name(agency_a, alice):
    partnership = make_partnership(
        agency_a, alice, document=io.BytesIO(make_pdf()), document_name="Our MOU.pdf"
    )
    assert partnership.document.name.startswith("partnerships/")
    assert "MOU" not in partnership.document.name
    assert partnership.document.name.endswith(".pdf")
    event = AuditEvent.objects.get(event_type=EventType.PARTNERSHIP_CREATED)
    assert event.agency == agency_a
    assert event.object_id == str(partnership.pk)


def test_it_refuses_a_partnership_that_ends_before_it_starts(agency_a, alice):
    with pytest.raises(ValidationError) as exc:
        make_partnership(agency_a, alice, ends_on=datetime.date(2025, 1, 1))
    assert "after the start date" in str(exc.value)
    assert not Partnership.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.PARTNERSHIP_CREATED).exists()


def test_it_refuses_unknown_kinds_and_blank_names(agency_a, alice):
    with pytest.raises(ValidationError) as exc:
        make_partnership(agency_a, alice, organization_name="  ", organization_kind="bank")
    assert set(exc.value.error_dict) == {"organization_name", "organization_kind"}


def test_it_refuses_html_renamed_as_pdf_and_saves_nothing(agency_a, alice):
    with pytest.raises(ValidationError) as exc:
        make_partnership(agency_a, alice, document=io.BytesIO(HTML_AS_PDF), document_name="mou.pdf")
    assert "not a PDF or Word (DOCX) document" in " ".join(exc.value.messages)
    assert not Partnership.objects.exists()
    assert _stored_files("partnerships") == []


def test_it_refuses_a_policy_reviewed_before_adoption(agency_a, alice):
    with pytest.raises(ValidationError) as exc:
        make_policy(agency_a, alice, next_review_on=datetime.date(2025, 3, 1))
    assert "after the adoption date" in str(exc.value)
    assert not PolicyDocument.objects.exists()


def test_it_refuses_page_references_for_unknown_elements(agency_a, alice):
    with pytest.raises(ValidationError):
        make_policy(agency_a, alice, element_pages={"astrology": "p. 1"})


def test_it_keeps_only_filled_page_references(agency_a, alice):
    policy = make_policy(
        agency_a, alice, element_pages={"de_escalation": " pp. 4–6 ", "transport": "  "}
    )
    assert policy.element_pages == {"de_escalation": "pp. 4–6"}
    assert AuditEvent.objects.filter(event_type=EventType.POLICY_CREATED).count() == 1


def test_it_updates_a_partnership_and_records_the_changes(partnership_a, alice):
    old_file = partnership_a.document.name
    partnership_update(
        partnership=partnership_a,
        updated_by=alice,
        ends_on=datetime.date(2027, 2, 1),
        document=io.BytesIO(make_pdf("New MOU")),
        document_name="new.pdf",
    )
    partnership_a.refresh_from_db()
    assert partnership_a.ends_on == datetime.date(2027, 2, 1)
    assert partnership_a.document.name != old_file
    event = AuditEvent.objects.get(event_type=EventType.PARTNERSHIP_CHANGED)
    assert set(event.extra["changes"]) == {"ends_on", "document"}


def test_it_leaves_a_partnership_alone_when_an_update_is_invalid(partnership_a, alice):
    with pytest.raises(ValidationError):
        partnership_update(
            partnership=partnership_a,
            updated_by=alice,
            ends_on=datetime.date(2020, 1, 1),
        )
    with pytest.raises(ValidationError):
        partnership_update(
            partnership=partnership_a,
            updated_by=alice,
            document=io.BytesIO(HTML_AS_PDF),
            document_name="x.pdf",
        )
    partnership_a.refresh_from_db()
    assert partnership_a.ends_on is None
    assert _stored_files("partnerships") == [partnership_a.document.name.split("/")[-1]]
    assert not AuditEvent.objects.filter(event_type=EventType.PARTNERSHIP_CHANGED).exists()


def test_it_writes_no_audit_row_when_nothing_changed(partnership_a, alice):
    partnership_update(
        partnership=partnership_a,
        updated_by=alice,
        organization_name=partnership_a.organization_name,
    )
    assert not AuditEvent.objects.filter(event_type=EventType.PARTNERSHIP_CHANGED).exists()


def test_it_removes_a_partnership_and_its_file(
    partnership_a, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership_remove(partnership=partnership_a, removed_by=alice)
    assert not Partnership.objects.exists()
    assert _stored_files("partnerships") == []
    event = AuditEvent.objects.get(event_type=EventType.PARTNERSHIP_REMOVED)
    assert event.extra["organization_name"] == "Springfield Crisis Center"


def test_it_updates_a_policy_and_records_the_changes(policy_a, alice):
    policy_update(
        policy=policy_a,
        updated_by=alice,
        next_review_on=datetime.date(2026, 3, 1),
        element_pages={"de_escalation": "pp. 4–6", "transport": "p. 9"},
    )
    policy_a.refresh_from_db()
    assert sorted(policy_a.covered_elements) == ["de_escalation", "transport"]
    event = AuditEvent.objects.get(event_type=EventType.POLICY_CHANGED)
    assert set(event.extra["changes"]) == {"next_review_on", "element_pages"}


@pytest.mark.parametrize("who", ["bob", "carol", "sam"])
def test_it_lets_only_the_agencys_coordinators_write(
    who, request, agency_a, partnership_a, policy_a
):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        make_partnership(agency_a, user)
    with pytest.raises(PermissionDenied):
        partnership_update(partnership=partnership_a, updated_by=user, organization_name="X")
    with pytest.raises(PermissionDenied):
        partnership_remove(partnership=partnership_a, removed_by=user)
    with pytest.raises(PermissionDenied):
        make_policy(agency_a, user)
    with pytest.raises(PermissionDenied):
        policy_update(policy=policy_a, updated_by=user, title="X")
    assert Partnership.objects.count() == 1
    assert PolicyDocument.objects.count() == 1


# --- compliance ----------------------------------------------------------------------------------


def test_the_engine_counts_a_partnership_in_effect_and_an_adopted_policy(agency_a, alice, one_mind):
    pledge = pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=alice,
        agency_head_name="Pat Chief",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2026, 1, 5),
        contact_name="Alice Archer",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2027, 7, 5),
    )
    as_of = datetime.date(2026, 6, 1)

    def result(kind):
        return next(
            r for r in pledge_compliance(pledge, as_of=as_of).requirements if r.kind == kind
        )

    assert not result("partnership").met
    assert not result("policy").met
    make_partnership(agency_a, alice, started_on=datetime.date(2026, 7, 1))
    assert not result("partnership").met  # not yet in effect
    make_partnership(agency_a, alice, organization_name="NAMI Springfield")
    make_policy(agency_a, alice)
    assert result("partnership").met
    assert result("partnership").numerator == 1
    assert result("policy").met


# --- screens -------------------------------------------------------------------------------------

EVIDENCE_PAGES = [
    "/agency/campaign/partnerships/",
    "/agency/campaign/partnerships/new/",
    "/agency/campaign/policy/",
    "/agency/campaign/policy/new/",
]


@pytest.mark.parametrize("path", EVIDENCE_PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(path, client_for):
    response = client_for(None).get(path)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize("path", EVIDENCE_PAGES)
def test_it_answers_404_to_staff_without_an_agency(path, client_for, sam):
    assert client_for(sam).get(path).status_code == 404


def test_it_lists_partnerships_for_members_read_only(client_for, bob, partnership_a):
    html = client_for(bob).get("/agency/campaign/partnerships/").content.decode()
    assert "Springfield Crisis Center" in html
    assert "Add a partnership" not in html
    assert f"/partnerships/{partnership_a.pk}/edit/" not in html
    assert f"/partnerships/{partnership_a.pk}/document/" in html


def test_it_shows_another_agencys_coordinator_only_her_own(client_for, carol, partnership_a):
    html = client_for(carol).get("/agency/campaign/partnerships/").content.decode()
    assert "Springfield Crisis Center" not in html
    assert "No partnerships on file yet." in html


def test_it_refuses_writes_from_members(client_for, bob, partnership_a, policy_a):
    client = client_for(bob)
    for path in [
        "/agency/campaign/partnerships/new/",
        f"/agency/campaign/partnerships/{partnership_a.pk}/edit/",
        f"/agency/campaign/partnerships/{partnership_a.pk}/remove/",
        "/agency/campaign/policy/new/",
        f"/agency/campaign/policy/{policy_a.pk}/edit/",
    ]:
        assert client.post(path, {"organization_name": "X", "title": "X"}).status_code == 403
    assert Partnership.objects.get().organization_name == "Springfield Crisis Center"
    assert PolicyDocument.objects.get().title == "Responding to people in crisis"


def test_it_answers_404_for_another_agencys_objects(client_for, carol, partnership_a, policy_a):
    client = client_for(carol)
    for path in [
        f"/agency/campaign/partnerships/{partnership_a.pk}/edit/",
        f"/agency/campaign/partnerships/{partnership_a.pk}/document/",
        f"/agency/campaign/policy/{policy_a.pk}/edit/",
        f"/agency/campaign/policy/{policy_a.pk}/document/",
    ]:
        assert client.get(path).status_code == 404
    assert (
        client.post(f"/agency/campaign/partnerships/{partnership_a.pk}/remove/").status_code == 404
    )
    assert Partnership.objects.exists()


def test_a_coordinator_adds_a_partnership_with_a_document(client_for, alice, agency_a):
    upload = io.BytesIO(make_pdf())
    upload.name = "mou.pdf"
    response = client_for(alice).post(
        "/agency/campaign/partnerships/new/",
        {
            "organization_name": "County Mental Health",
            "organization_kind": "mental_health_center",
            "agreement_kind": "data_sharing",
            "started_on": "2025-05-01",
            "ends_on": "2027-05-01",
            "document": upload,
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(agency=agency_a)
    assert partnership.document.name.startswith("partnerships/")


def test_it_explains_a_renamed_html_upload_on_the_form(client_for, alice):
    upload = io.BytesIO(HTML_AS_PDF)
    upload.name = "mou.pdf"
    response = client_for(alice).post(
        "/agency/campaign/partnerships/new/",
        {
            "organization_name": "County Mental Health",
            "organization_kind": "mental_health_center",
            "agreement_kind": "mou",
            "started_on": "2025-05-01",
            "document": upload,
        },
    )
    assert response.status_code == 200
    assert "not a PDF or Word (DOCX) document" in response.content.decode()
    assert not Partnership.objects.exists()


def test_it_shows_date_errors_on_the_field(client_for, alice):
    response = client_for(alice).post(
        "/agency/campaign/partnerships/new/",
        {
            "organization_name": "County Mental Health",
            "organization_kind": "mental_health_center",
            "agreement_kind": "mou",
            "started_on": "2025-05-01",
            "ends_on": "2025-04-01",
        },
    )
    assert response.status_code == 200
    assert "The end date must be after the start date." in response.content.decode()


def test_a_coordinator_edits_and_removes_a_partnership(client_for, alice, partnership_a):
    client = client_for(alice)
    page = client.get(f"/agency/campaign/partnerships/{partnership_a.pk}/edit/")
    assert page.status_code == 200
    assert "Springfield Crisis Center" in page.content.decode()
    response = client.post(
        f"/agency/campaign/partnerships/{partnership_a.pk}/edit/",
        {
            "organization_name": "Springfield 988 Center",
            "organization_kind": "crisis_center",
            "agreement_kind": "letter",
            "started_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    partnership_a.refresh_from_db()
    assert partnership_a.organization_name == "Springfield 988 Center"
    assert partnership_a.document  # kept when no new file is uploaded
    response = client.post(f"/agency/campaign/partnerships/{partnership_a.pk}/remove/")
    assert response.status_code == 302
    assert not Partnership.objects.exists()


def test_the_policy_form_offers_every_model_policy_element(client_for, alice):
    html = client_for(alice).get("/agency/campaign/policy/new/").content.decode()
    for key, label in PolicyDocument.Element.choices:
        assert f'for="id_pages_{key}"' in html
        assert str(label) in html


def test_a_coordinator_records_a_policy_with_page_references(client_for, alice, agency_a):
    response = client_for(alice).post(
        "/agency/campaign/policy/new/",
        {
            "title": "General Order 41",
            "adopted_on": "2025-01-10",
            "next_review_on": "2026-01-10",
            "pages_dispatch": "p. 3",
            "pages_transport": "pp. 7-8",
        },
    )
    assert response.status_code == 302
    policy = PolicyDocument.objects.get(agency=agency_a)
    assert policy.element_pages == {"dispatch": "p. 3", "transport": "pp. 7-8"}
    html = client_for(alice).get("/agency/campaign/policy/").content.decode()
    assert "General Order 41" in html
    assert "pp. 7-8" in html
    assert "Not covered" in html


def test_it_refuses_a_review_date_before_adoption_on_the_form(client_for, alice):
    response = client_for(alice).post(
        "/agency/campaign/policy/new/",
        {"title": "GO 41", "adopted_on": "2025-01-10", "next_review_on": "2024-01-10"},
    )
    assert response.status_code == 200
    assert "after the adoption date" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_a_coordinator_edits_a_policy(client_for, alice, policy_a):
    client = client_for(alice)
    html = client.get(f"/agency/campaign/policy/{policy_a.pk}/edit/").content.decode()
    assert "pp. 4–6" in html
    response = client.post(
        f"/agency/campaign/policy/{policy_a.pk}/edit/",
        {"title": "Renamed policy", "adopted_on": "2025-03-01", "pages_training": "p. 12"},
    )
    assert response.status_code == 302
    policy_a.refresh_from_db()
    assert policy_a.title == "Renamed policy"
    assert policy_a.element_pages == {"training": "p. 12"}


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_members_download_documents_as_attachments(
    who, request, client_for, partnership_a, policy_a
):
    client = client_for(request.getfixturevalue(who))
    for path in [
        f"/agency/campaign/partnerships/{partnership_a.pk}/document/",
        f"/agency/campaign/policy/{policy_a.pk}/document/",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_it_answers_404_for_a_missing_document(client_for, alice, agency_a):
    partnership = make_partnership(agency_a, alice)
    response = client_for(alice).get(f"/agency/campaign/partnerships/{partnership.pk}/document/")
    assert response.status_code == 404


def test_the_dashboard_links_to_the_evidence_screens(client_for, alice, agency_a, one_mind):
    pledge_create(
        agency=agency_a,
        campaign=one_mind,
        created_by=alice,
        agency_head_name="Pat Chief",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2026, 1, 5),
        contact_name="Alice Archer",
        contact_email="alice@springfield.example",
        target_completion_on=datetime.date(2027, 7, 5),
    )
    html = client_for(alice).get("/agency/campaign/").content.decode()
    assert 'href="/agency/campaign/partnerships/"' in html
    assert 'href="/agency/campaign/policy/"' in html


@pytest.mark.parametrize("count", [1, 50])
def test_the_lists_use_a_constant_number_of_queries(
    count, client_for, alice, agency_a, django_assert_max_num_queries
):
    Partnership.objects.bulk_create(
        Partnership(
            agency=agency_a,
            organization_name=f"Partner {n}",
            organization_kind="other",
            agreement_kind="mou",
            started_on=datetime.date(2025, 1, 1),
        )
        for n in range(count)
    )
    PolicyDocument.objects.bulk_create(
        PolicyDocument(agency=agency_a, title=f"Policy {n}", adopted_on=datetime.date(2025, 1, 1))
        for n in range(count)
    )
    client = client_for(alice)
    for path in ["/agency/campaign/partnerships/", "/agency/campaign/policy/"]:
        with django_assert_max_num_queries(8):
            assert client.get(path).status_code == 200
