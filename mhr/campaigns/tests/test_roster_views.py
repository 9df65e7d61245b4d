"""The roster screens: the officer list and detail, manual entry, and certificates."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import CourseType, Officer, TrainingRecord
from mhr.campaigns.services.roster import (
    TRAINING_CHANGED,
    TRAINING_REMOVED,
    officer_create,
    training_record_create,
)
from mhr.clearinghouse.tests.factories import make_pdf

ROSTER = "/agency/roster/"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(
        datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def make_officer(agency, actor, employee_id="1001", **fields) -> Officer:
    defaults = {"first_name": "Ann", "last_name": "Lee", "is_sworn": True}
    return officer_create(
        agency=agency, actor=actor, employee_id=employee_id, **{**defaults, **fields}
    )


def make_roster(agency, n: int, prefix: str = "P") -> list[Officer]:
    """`n` officers, each with a current CIT certificate and an expired MHFA one."""
    officers = Officer.objects.bulk_create(
        Officer(
            agency=agency,
            employee_id=f"{prefix}{i:04d}",
            first_name=f"First{i}",
            last_name=f"{prefix}Surname{i:04d}",
            is_sworn=i % 4 != 0,
            role=Officer.Role.PATROL if i % 4 else Officer.Role.DISPATCHER,
        )
        for i in range(n)
    )
    cit = CourseType.objects.get(code="cit-40")
    mhfa = CourseType.objects.get(code="mhfa-ps")
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                officer=o, agency=agency, course_type=cit, completed_on=datetime.date(2024, 1, 5)
            )
            for o in officers
        ]
        + [
            TrainingRecord(
                officer=o,
                agency=agency,
                course_type=mhfa,
                completed_on=datetime.date(2021, 1, 5),
                expires_on=datetime.date(2024, 1, 5),
            )
            for o in officers
        ]
    )
    return officers


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


# --- the list --------------------------------------------------------------------------------------


def test_the_list_shows_officers_with_their_current_qualifying_training(
    client_for, alice, agency_a, one_mind
):
    make_roster(agency_a, 3)
    html = client_for(alice).get(ROSTER).content.decode()
    assert "PSurname0001, First1" in html
    assert "CIT 40-hour" in html
    # The MHFA certificate expired in 2024, so it is not current.
    assert "Mental Health First Aid for Public Safety" not in html
    assert "3 people" in html


def test_the_list_searches_by_name_and_employee_id_and_filters(
    client_for, alice, agency_a, one_mind
):
    make_roster(agency_a, 8)
    make_officer(agency_a, alice, "X-77", first_name="Zora", last_name="Quint", is_sworn=False)
    client = client_for(alice)

    def names(query: str) -> str:
        return client.get(ROSTER + query).content.decode()

    assert "Quint, Zora" in names("?q=zora+quint")
    assert "PSurname" not in names("?q=zora+quint")
    assert "Quint, Zora" in names("?q=x-77")
    html = names("?sworn=no")
    assert "Quint, Zora" in html and "PSurname0000" in html and "PSurname0001" not in html
    html = names("?role=dispatcher")
    assert "PSurname0004" in html and "PSurname0001" not in html
    assert "No one on the roster matches" in names("?status=separated")
    # A hand-edited URL never fails: the unknown choice is dropped, the page number reset.
    response = client.get(ROSTER + "?status=bogus&page=abc")
    assert response.status_code == 200
    assert "first page is shown" in response.content.decode()


def test_the_list_is_paginated_with_a_constant_number_of_queries(
    client_for, alice, agency_a, one_mind
):
    client = client_for(alice)
    make_roster(agency_a, 3, prefix="S")
    client.get(ROSTER)
    with CaptureQueriesContext(connection) as small:
        assert client.get(ROSTER).status_code == 200
    make_roster(agency_a, 120, prefix="T")
    with CaptureQueriesContext(connection) as large:
        response = client.get(ROSTER + "?page=2")
    assert response.status_code == 200
    assert "page 2 of 3" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_carol_sees_only_her_own_roster(client_for, alice, carol, agency_a, one_mind):
    make_officer(agency_a, alice, first_name="Secret", last_name="Alpha")
    html = client_for(carol).get(ROSTER).content.decode()
    assert "Alpha" not in html
    assert "The roster is empty" in html


# --- officer detail and manual entry ---------------------------------------------------------------


def test_the_detail_shows_the_training_history(client_for, bob, agency_a, one_mind):
    [officer] = make_roster(agency_a, 1)
    html = client_for(bob).get(f"{ROSTER}officers/{officer.pk}/").content.decode()
    assert "Training history" in html
    assert "CIT 40-hour" in html and "Mental Health First Aid for Public Safety" in html
    # CIT (no expiry) is valid today; the MHFA certificate expired in 2024.
    valid = [
        cell.split(">")[1].split("<")[0] for cell in html.split('data-label="Valid today"')[1:]
    ]
    assert sorted(valid) == ["No", "Yes"]
    # Bob is a member: he reads but is offered no changes.
    assert "Add a training record" not in html and "Change details" not in html


def test_a_coordinator_adds_and_edits_an_officer(client_for, alice, agency_a):
    client = client_for(alice)
    response = client.post(
        f"{ROSTER}officers/new/",
        {
            "employee_id": " 2001 ",
            "first_name": "Mo",
            "last_name": "Ray",
            "is_sworn": "no",
            "role": "dispatcher",
            "unit": "Nights",
            "hire_date": "2020-02-01",
        },
    )
    officer = Officer.objects.get(agency=agency_a, employee_id="2001")
    assert response.status_code == 302
    assert response["Location"] == f"{ROSTER}officers/{officer.pk}/"
    assert (officer.is_sworn, officer.role, officer.hire_date) == (
        False,
        "dispatcher",
        datetime.date(2020, 2, 1),
    )
    assert AuditEvent.objects.filter(event_type="officer.created", actor=alice).count() == 1

    form = client.get(f"{ROSTER}officers/{officer.pk}/edit/").content.decode()
    assert 'value="2001"' in form
    response = client.post(
        f"{ROSTER}officers/{officer.pk}/edit/",
        {
            "employee_id": "2001",
            "first_name": "Mo",
            "last_name": "Ray-Diaz",
            "is_sworn": "no",
            "role": "dispatcher",
            "unit": "Nights",
            "hire_date": "2020-02-01",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.last_name == "Ray-Diaz"
    event = AuditEvent.objects.get(event_type="officer.changed")
    assert set(event.extra["changes"]) == {"last_name"}


def test_a_duplicate_employee_id_is_a_clear_form_error(
    client_for, alice, agency_a, agency_b, carol
):
    make_officer(agency_a, alice, "1001", first_name="Ann", last_name="Lee")
    other = make_officer(agency_a, alice, "1002", first_name="Bo", last_name="Kim")
    client = client_for(alice)
    data = {"first_name": "Cy", "last_name": "Diaz", "is_sworn": "yes", "role": "patrol"}
    response = client.post(f"{ROSTER}officers/new/", {**data, "employee_id": "1001"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ann Lee already has employee ID 1001" in html
    assert 'href="#id_employee_id"' in html  # the error summary links to the field
    response = client.post(f"{ROSTER}officers/{other.pk}/edit/", {**data, "employee_id": "1001"})
    assert "Ann Lee already has employee ID 1001" in response.content.decode()
    assert Officer.objects.filter(agency=agency_a).count() == 2
    # Another agency may use the same id.
    response = client_for(carol).post(f"{ROSTER}officers/new/", {**data, "employee_id": "1001"})
    assert response.status_code == 302


def test_bad_officer_input_is_refused_with_messages(client_for, alice, agency_a):
    response = client_for(alice).post(
        f"{ROSTER}officers/new/",
        {"employee_id": "", "first_name": "A", "last_name": "", "is_sworn": "maybe",
         "role": "general", "hire_date": "2027-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"employee_id", "last_name", "is_sworn", "role", "hire_date"}
    assert "cannot be in the future" in form.errors["hire_date"][0]
    assert not Officer.objects.exists()


def test_a_coordinator_changes_status_with_dates(client_for, alice, agency_a):
    officer = make_officer(agency_a, alice, hire_date=datetime.date(2015, 1, 1))
    client = client_for(alice)
    url = f"{ROSTER}officers/{officer.pk}/status/"
    assert client.post(url, {"status": "leave", "status_since": "2026-02-01"}).status_code == 302
    officer.refresh_from_db()
    assert (officer.status, officer.status_since) == ("leave", datetime.date(2026, 2, 1))
    response = client.post(url, {"status": "separated", "status_since": "2026-12-01"})
    assert "cannot be in the future" in response.content.decode()
    response = client.post(url, {"status": "active", "status_since": "2010-01-01"})
    assert "before the hire date" in response.content.decode()
    assert (
        client.post(url, {"status": "separated", "status_since": "2026-03-01"}).status_code == 302
    )
    officer.refresh_from_db()
    assert (officer.status, officer.status_since) == ("separated", datetime.date(2026, 3, 1))
    assert AuditEvent.objects.filter(event_type="officer.separated").count() == 1
    # And back: a rehire is an ordinary status change.
    assert client.post(url, {"status": "active", "status_since": "2026-03-09"}).status_code == 302
    officer.refresh_from_db()
    assert officer.status == "active"


# --- training records and certificates -------------------------------------------------------------


def test_a_coordinator_adds_a_training_record_with_a_pdf_certificate(
    client_for, alice, bob, agency_a, one_mind
):
    officer = make_officer(agency_a, alice)
    mhfa = CourseType.objects.get(code="mhfa-ps")
    pdf = make_pdf()
    response = client_for(alice).post(
        f"{ROSTER}officers/{officer.pk}/training/new/",
        {
            "course_type": mhfa.pk,
            "completed_on": "2025-06-01",
            "provider": "County academy",
            "hours": "8",
            "certificate": SimpleUploadedFile("my cert.pdf", pdf, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(officer=officer)
    assert record.expires_on == datetime.date(2028, 6, 1)  # MHFA: 3 years
    assert record.certificate.name.startswith("certificates/")
    assert record.certificate.name.endswith(".pdf") and "my cert" not in record.certificate.name

    download = client_for(bob).get(f"{ROSTER}training/{record.pk}/certificate/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == pdf


def test_an_image_certificate_is_kept_as_an_image(client_for, alice, agency_a, one_mind):
    officer = make_officer(agency_a, alice)
    response = client_for(alice).post(
        f"{ROSTER}officers/{officer.pk}/training/new/",
        {
            "course_type": CourseType.objects.get(code="cit-40").pk,
            "completed_on": "2025-06-01",
            "certificate": SimpleUploadedFile("scan.pdf", png_bytes()),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(officer=officer)
    assert record.certificate.name.endswith(".png")
    download = client_for(alice).get(f"{ROSTER}training/{record.pk}/certificate/")
    assert download["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "must be a PDF file or a PNG or JPEG image"),
        (b"\x89PNG\r\n\x1a\nnot really", "could not be read"),
    ],
)
def test_a_certificate_is_identified_by_content(
    client_for, alice, agency_a, one_mind, content, message
):
    officer = make_officer(agency_a, alice)
    response = client_for(alice).post(
        f"{ROSTER}officers/{officer.pk}/training/new/",
        {
            "course_type": CourseType.objects.get(code="cit-40").pk,
            "completed_on": "2025-06-01",
            "certificate": SimpleUploadedFile("cert.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["certificate"][0]
    assert not TrainingRecord.objects.exists()


def test_a_too_large_certificate_is_refused(client_for, alice, agency_a, one_mind, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    officer = make_officer(agency_a, alice)
    response = client_for(alice).post(
        f"{ROSTER}officers/{officer.pk}/training/new/",
        {
            "course_type": CourseType.objects.get(code="cit-40").pk,
            "completed_on": "2025-06-01",
            "certificate": SimpleUploadedFile("cert.pdf", b"%PDF-1.7\n" + b"0" * 2000),
        },
    )
    assert "too large" in response.context["form"].errors["certificate"][0]
    assert not TrainingRecord.objects.exists()


def test_bad_training_dates_and_duplicates_are_refused(client_for, alice, agency_a, one_mind):
    officer = make_officer(agency_a, alice)
    cit = CourseType.objects.get(code="cit-40")
    client = client_for(alice)
    url = f"{ROSTER}officers/{officer.pk}/training/new/"
    form = client.post(url, {"course_type": cit.pk, "completed_on": "2026-04-01"}).context["form"]
    assert "cannot be in the future" in form.errors["completed_on"][0]
    form = client.post(
        url, {"course_type": cit.pk, "completed_on": "2025-04-01", "expires_on": "2025-03-01"}
    ).context["form"]
    assert "before the completion date" in form.errors["expires_on"][0]
    assert (
        client.post(url, {"course_type": cit.pk, "completed_on": "2025-04-01"}).status_code == 302
    )
    response = client.post(url, {"course_type": cit.pk, "completed_on": "2025-04-01"})
    assert "already has CIT 40-hour completed on 2025-04-01" in response.content.decode()
    assert TrainingRecord.objects.count() == 1


def test_a_coordinator_edits_and_removes_a_training_record(
    client_for, alice, agency_a, one_mind, django_capture_on_commit_callbacks
):
    officer = make_officer(agency_a, alice)
    record = training_record_create(
        officer=officer,
        actor=alice,
        course_type=CourseType.objects.get(code="mhfa-ps"),
        completed_on=datetime.date(2024, 5, 1),
        certificate=io.BytesIO(b"%PDF-1.7\n%%EOF\n"),
    )
    old_file = record.certificate.name
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{ROSTER}training/{record.pk}/edit/",
            {
                "course_type": record.course_type_id,
                "completed_on": "2024-05-02",
                "provider": "State academy",
                "certificate": SimpleUploadedFile("new.png", png_bytes()),
            },
        )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.completed_on == datetime.date(2024, 5, 2)
    assert record.expires_on == datetime.date(2027, 5, 2)  # follows the course's validity
    assert record.certificate.name.endswith(".png")
    assert not record.certificate.storage.exists(old_file)
    event = AuditEvent.objects.get(event_type=TRAINING_CHANGED)
    assert {"completed_on", "expires_on", "provider", "certificate"} <= set(event.extra["changes"])

    stored = record.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ROSTER}training/{record.pk}/remove/")
    assert response.status_code == 302
    assert not TrainingRecord.objects.exists()
    assert not record.certificate.storage.exists(stored)
    removed = AuditEvent.objects.get(event_type=TRAINING_REMOVED)
    assert removed.extra["completed_on"] == "2024-05-02"


# --- who may do what -------------------------------------------------------------------------------


def test_a_member_reads_but_cannot_write(client_for, alice, bob, agency_a, one_mind):
    officer = make_officer(agency_a, alice)
    record = training_record_create(
        officer=officer,
        actor=alice,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2025, 1, 1),
    )
    client = client_for(bob)
    assert client.get(ROSTER).status_code == 200
    assert client.get(f"{ROSTER}officers/{officer.pk}/").status_code == 200
    writes = [
        f"{ROSTER}officers/new/",
        f"{ROSTER}officers/{officer.pk}/edit/",
        f"{ROSTER}officers/{officer.pk}/status/",
        f"{ROSTER}officers/{officer.pk}/training/new/",
        f"{ROSTER}training/{record.pk}/edit/",
        f"{ROSTER}training/{record.pk}/remove/",
    ]
    for url in writes:
        assert (
            client.post(url, {"status": "separated", "status_since": "2026-01-01"}).status_code
            == 403
        ), url
    officer.refresh_from_db()
    assert officer.status == "active" and TrainingRecord.objects.count() == 1


def test_carol_gets_404_on_agency_a_officers_records_and_certificates(
    client_for, alice, carol, agency_a, one_mind
):
    officer = make_officer(agency_a, alice)
    record = training_record_create(
        officer=officer,
        actor=alice,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2025, 1, 1),
        certificate=io.BytesIO(b"%PDF-1.7\n%%EOF\n"),
    )
    client = client_for(carol)
    for url in [
        f"{ROSTER}officers/{officer.pk}/",
        f"{ROSTER}officers/{officer.pk}/edit/",
        f"{ROSTER}officers/{officer.pk}/status/",
        f"{ROSTER}officers/{officer.pk}/training/new/",
        f"{ROSTER}training/{record.pk}/edit/",
        f"{ROSTER}training/{record.pk}/certificate/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"{ROSTER}training/{record.pk}/remove/").status_code == 404
    assert (
        client.post(
            f"{ROSTER}officers/{officer.pk}/status/",
            {"status": "separated", "status_since": "2026-01-01"},
        ).status_code
        == 404
    )
    assert TrainingRecord.objects.count() == 1
    officer.refresh_from_db()
    assert officer.status == "active"


def test_a_record_without_a_certificate_has_no_download(client_for, alice, agency_a, one_mind):
    officer = make_officer(agency_a, alice)
    record = training_record_create(
        officer=officer,
        actor=alice,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2025, 1, 1),
    )
    assert client_for(alice).get(f"{ROSTER}training/{record.pk}/certificate/").status_code == 404


def test_the_campaign_home_links_offer_writes_to_coordinators_only(alice, bob):
    from django.template.loader import render_to_string

    coordinator = render_to_string(
        "campaigns/roster/_home_links.html", {"membership": alice.membership}
    )
    member = render_to_string("campaigns/roster/_home_links.html", {"membership": bob.membership})
    for html in (coordinator, member):
        assert 'href="/agency/roster/"' in html and 'href="/agency/roster/imports/"' in html
    assert 'href="/agency/roster/imports/new/"' in coordinator
    assert 'href="/agency/roster/officers/new/"' in coordinator
    assert "/new/" not in member
