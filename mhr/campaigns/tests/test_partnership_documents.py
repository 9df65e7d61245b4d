"""Evidence documents keep the uploader's file name for downloads, cleaned and safely encoded."""

from __future__ import annotations

import datetime
import io

import pytest

from mhr.audit.models import AuditEvent
from mhr.campaigns.services.evidence import (
    display_filename,
    partnership_create,
    partnership_update,
    policy_create,
    policy_update,
)
from mhr.clearinghouse.tests.factories import make_pdf


@pytest.mark.parametrize(
    ("uploaded", "expected"),
    [
        ("Our MOU.pdf", "Our MOU.pdf"),
        ("C:\\fakepath\\Our MOU.PDF", "Our MOU.pdf"),
        ("../../etc/mou.pdf", "mou.pdf"),
        ("signed.docx", "signed.pdf"),  # named after what the content really is
        ("mou.v2", "mou.v2.pdf"),
        ("mou\r\nSet-Cookie: x.pdf", "mouSet-Cookie: x.pdf"),
        ("\u202efdp.exe.pdf", "fdp.exe.pdf"),
        ("", "document.pdf"),
        (" .. ", "document.pdf"),
        ("Übereinkunft – 2025.pdf", "Übereinkunft – 2025.pdf"),
    ],
)
def test_it_cleans_the_uploaders_file_name(uploaded, expected):
    assert display_filename(uploaded, "pdf") == expected


def test_it_caps_long_names_and_keeps_the_extension():
    name = display_filename("x" * 400 + ".pdf", "pdf")
    assert len(name) == 255
    assert name.endswith("x.pdf")


def _partnership(agency, user, name):
    return partnership_create(
        agency=agency,
        created_by=user,
        organization_name="Springfield Crisis Center",
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
        document=io.BytesIO(make_pdf()),
        document_name=name,
    )


def test_services_record_the_name_and_a_replacement_updates_it(agency_a, alice):
    partnership = _partnership(agency_a, alice, "Signed MOU.pdf")
    assert partnership.document_filename == "Signed MOU.pdf"
    assert "Signed" not in partnership.document.name
    partnership_update(
        partnership=partnership,
        updated_by=alice,
        document=io.BytesIO(make_pdf("v2")),
        document_name="MOU renewed.pdf",
    )
    partnership.refresh_from_db()
    assert partnership.document_filename == "MOU renewed.pdf"
    policy = policy_create(
        agency=agency_a,
        created_by=alice,
        title="General Order 41",
        adopted_on=datetime.date(2025, 1, 10),
        document=io.BytesIO(make_pdf()),
        document_name="GO 41.pdf",
    )
    assert policy.document_filename == "GO 41.pdf"
    policy_update(
        policy=policy,
        updated_by=alice,
        document=io.BytesIO(make_pdf("v2")),
        document_name="GO 41 (2026).pdf",
    )
    policy.refresh_from_db()
    assert policy.document_filename == "GO 41 (2026).pdf"
    assert AuditEvent.objects.filter(event_type="policy.changed").count() == 1


@pytest.mark.parametrize(
    ("uploaded", "disposition"),
    [
        ("Signed MOU.pdf", 'attachment; filename="Signed MOU.pdf"'),
        ('My "final" MOU.pdf', 'attachment; filename="My \\"final\\" MOU.pdf"'),
        (
            "Übereinkunft – 2025.pdf",
            "attachment; filename*=utf-8''%C3%9Cbereinkunft%20%E2%80%93%202025.pdf",
        ),
    ],
)
def test_downloads_carry_the_original_name(uploaded, disposition, agency_a, alice, client_for):
    partnership = _partnership(agency_a, alice, uploaded)
    response = client_for(alice).get(f"/agency/campaign/partnerships/{partnership.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_policy_downloads_carry_the_original_name(agency_a, alice, bob, client_for):
    policy = policy_create(
        agency=agency_a,
        created_by=alice,
        title="General Order 41",
        adopted_on=datetime.date(2025, 1, 10),
        document=io.BytesIO(make_pdf()),
        document_name="GO 41.pdf",
    )
    response = client_for(bob).get(f"/agency/campaign/policy/{policy.pk}/document/")
    assert response["Content-Disposition"] == 'attachment; filename="GO 41.pdf"'


def test_documents_stored_before_names_were_kept_download_under_a_generated_name(
    agency_a, alice, client_for
):
    partnership = _partnership(agency_a, alice, "Signed MOU.pdf")
    type(partnership).objects.filter(pk=partnership.pk).update(document_filename="")
    response = client_for(alice).get(f"/agency/campaign/partnerships/{partnership.pk}/document/")
    assert response["Content-Disposition"] == (
        f'attachment; filename="partnership-{partnership.pk}.pdf"'
    )
