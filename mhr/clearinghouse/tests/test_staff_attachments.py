from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mhr.audit.models import AuditEvent
from mhr.clearinghouse.models import Attachment, Resource
from mhr.clearinghouse.services import attachment_add, resource_create
from mhr.clearinghouse.tests.test_files import HTML_PAGE, docx_bytes, pdf_bytes
from mhr.clearinghouse.tests.test_services import stored_files


@pytest.fixture
def resource(editor) -> Resource:
    return resource_create(
        created_by=editor,
        title="Model policy",
        resource_type=Resource.Type.MODEL_POLICY,
        summary="Summary.",
    )


def upload_url(resource: Resource) -> str:
    return reverse("clearinghouse_staff:attachment_upload", args=[resource.pk])


def post_file(client, resource, data: bytes, name: str, title: str = ""):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(upload_url(resource), {"file": upload, "title": title})


def test_an_editor_uploads_a_pdf(client_for, editor, resource, settings):
    response = post_file(client_for(editor), resource, pdf_bytes("Use of force"), "policy.pdf")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.resource == resource
    assert attachment.title == "policy"
    assert attachment.uploaded_by == editor
    assert attachment.page_count == 1
    assert len(stored_files(settings)) == 1
    assert resource.revisions.order_by("-number").first().action == "attachment_added"
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ATTACHMENT_ADDED, actor=editor
    ).exists()
    page = client_for(editor).get(response["Location"]).content.decode()
    assert "“policy.pdf” was attached." in page
    assert "policy.pdf (PDF, 1 page)" in page


def test_an_editor_uploads_a_word_document_with_a_title(client_for, editor, resource):
    post_file(client_for(editor), resource, docx_bytes(), "notes.docx", title="Talking points")
    attachment = Attachment.objects.get()
    assert attachment.content_type == Attachment.Kind.DOCX
    assert str(attachment) == "Talking points"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (HTML_PAGE, "x.pdf", "“x.pdf” is not a PDF or Word (DOCX) document."),
        (b"", "empty.pdf", "The file is empty."),
        (b"%PDF-1.4\nthis is not really a pdf", "corrupt.pdf", "could not be read"),
        (pdf_bytes()[:300], "truncated.pdf", "could not be read"),
    ],
    ids=["renamed-html", "empty", "corrupt", "truncated"],
)
def test_a_bad_file_gets_a_clear_message_and_leaves_nothing(
    data, name, message, client_for, editor, resource, settings
):
    response = post_file(client_for(editor), resource, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["attachment_form"].errors
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    assert resource.revisions.count() == 1
    assert not AuditEvent.objects.filter(event_type=AuditEvent.EventType.ATTACHMENT_ADDED).exists()


def test_an_oversized_file_gets_a_clear_message_and_leaves_nothing(
    client_for, editor, resource, settings
):
    settings.MAX_UPLOAD_BYTES = 200
    response = post_file(client_for(editor), resource, pdf_bytes(), "big.pdf")
    assert response.status_code == 400
    assert "“big.pdf” is larger than the 200\xa0bytes limit." in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_missing_file_gets_a_clear_message(client_for, editor, resource):
    response = client_for(editor).post(upload_url(resource), {"title": "No file"})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_the_same_file_twice_is_refused(client_for, editor, resource, settings):
    client = client_for(editor)
    post_file(client, resource, pdf_bytes(), "one.pdf")
    response = post_file(client, resource, pdf_bytes(), "two.pdf")
    assert response.status_code == 400
    assert "“two.pdf” is already attached to this resource." in response.content.decode()
    assert Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize("who", ["reviewer", "bob", "carol"])
def test_only_editors_upload(who, request, client_for, resource, settings):
    response = post_file(client_for(request.getfixturevalue(who)), resource, pdf_bytes(), "a.pdf")
    assert response.status_code == 403
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def remove_url(attachment: Attachment) -> str:
    return reverse(
        "clearinghouse_staff:attachment_remove", args=[attachment.resource_id, attachment.pk]
    )


def test_an_editor_removes_an_attachment(
    client_for, editor, resource, settings, django_capture_on_commit_callbacks
):
    attachment = attachment_add(
        resource=resource,
        fileobj=SimpleUploadedFile("guide.pdf", pdf_bytes()),
        filename="guide.pdf",
        uploaded_by=editor,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(remove_url(attachment))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    revision = resource.revisions.order_by("-number").first()
    assert revision.changes == {"attachment": ["guide.pdf", None]}
    assert AuditEvent.objects.filter(event_type=AuditEvent.EventType.ATTACHMENT_REMOVED).exists()


def test_removing_needs_the_attachment_to_belong_to_the_resource(client_for, editor, resource):
    other = resource_create(
        created_by=editor, title="Other", resource_type="report", summary="Other."
    )
    attachment = attachment_add(
        resource=other,
        fileobj=SimpleUploadedFile("guide.pdf", pdf_bytes()),
        filename="guide.pdf",
        uploaded_by=editor,
    )
    wrong = reverse("clearinghouse_staff:attachment_remove", args=[resource.pk, attachment.pk])
    assert client_for(editor).post(wrong).status_code == 404
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("who", ["reviewer", "bob"])
def test_only_editors_remove(who, request, client_for, editor, resource):
    attachment = attachment_add(
        resource=resource,
        fileobj=SimpleUploadedFile("guide.pdf", pdf_bytes()),
        filename="guide.pdf",
        uploaded_by=editor,
    )
    response = client_for(request.getfixturevalue(who)).post(remove_url(attachment))
    assert response.status_code == 403
    assert Attachment.objects.count() == 1
