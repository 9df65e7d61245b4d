from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from mhr.audit.models import AuditEvent
from mhr.clearinghouse.models import Attachment, Resource, ResourceRevision, Topic
from mhr.clearinghouse.services import (
    attachment_add,
    attachment_remove,
    resource_change_status,
    resource_create,
    resource_update,
    topics_from_names,
)
from mhr.clearinghouse.tests.test_files import HTML_PAGE, docx_bytes, pdf_bytes

Status = Resource.Status


def stored_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def make_resource(user, **fields) -> Resource:
    defaults = {
        "title": "Model policy on crisis response",
        "resource_type": Resource.Type.MODEL_POLICY,
        "summary": "How officers respond to people in crisis.",
    }
    return resource_create(created_by=user, **{**defaults, **fields})


def move(resource, status, user, comment=""):
    return resource_change_status(
        resource=resource, status=status, changed_by=user, comment=comment
    )


def audit_types(resource) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="clearinghouse.resource", object_id=str(resource.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )


# Creating and editing


def test_it_creates_a_draft_with_a_slug_a_revision_and_an_audit_row(editor):
    resource = make_resource(editor, topics=topics_from_names(["CIT"]))
    assert resource.status == Status.DRAFT
    assert resource.slug == "model-policy-on-crisis-response"
    assert resource.created_by == editor
    assert [t.name for t in resource.topics.all()] == ["CIT"]
    revision = resource.revisions.get()
    assert (revision.number, revision.action, revision.actor) == (1, "created", editor)
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.RESOURCE_CREATED)
    assert (event.actor, event.object_id) == (editor, str(resource.pk))


def test_it_makes_slugs_unique(editor):
    first = make_resource(editor)
    second = make_resource(editor)
    assert second.slug == f"{first.slug}-2"


def test_it_rejects_invalid_fields_and_saves_nothing(editor):
    with pytest.raises(ValidationError) as exc:
        make_resource(editor, resource_type="poem")
    assert "resource_type" in exc.value.message_dict
    assert not Resource.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_records_what_an_edit_changed(editor):
    resource = make_resource(editor, topics=topics_from_names(["CIT"]))
    resource_update(
        resource=resource,
        changed_by=editor,
        title="Revised model policy",
        published_on=datetime.date(2024, 5, 1),
        topics=topics_from_names(["CIT", "Dispatch"]),
    )
    revision = resource.revisions.order_by("-number").first()
    assert revision.action == ResourceRevision.Action.EDITED
    assert revision.number == 2
    assert revision.changes == {
        "title": ["Model policy on crisis response", "Revised model policy"],
        "published_on": [None, "2024-05-01"],
        "topics": [["CIT"], ["CIT", "Dispatch"]],
    }
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.RESOURCE_CHANGED)
    assert event.extra == {"fields": ["published_on", "title", "topics"]}


def test_it_records_nothing_when_an_edit_changes_nothing(editor):
    resource = make_resource(editor)
    resource_update(resource=resource, changed_by=editor, title=resource.title, topics=[])
    assert resource.revisions.count() == 1
    assert not AuditEvent.objects.filter(event_type=AuditEvent.EventType.RESOURCE_CHANGED).exists()


def test_it_refuses_unknown_fields_on_update(editor):
    resource = make_resource(editor)
    with pytest.raises(ValidationError, match="Unknown resource fields: status"):
        resource_update(resource=resource, changed_by=editor, status=Status.PUBLISHED)


def test_it_rejects_an_edit_that_breaks_validation_and_keeps_the_old_values(editor):
    resource = make_resource(editor)
    with pytest.raises(ValidationError):
        resource_update(
            resource=resource, changed_by=editor, title="", topics=topics_from_names(["New"])
        )
    resource.refresh_from_db()
    assert resource.title == "Model policy on crisis response"
    assert not resource.topics.exists()
    assert resource.revisions.count() == 1


# Who may do what


@pytest.mark.parametrize("who", ["reviewer", "bob", "carol", "anonymous"])
def test_it_lets_only_editors_create_and_edit(who, request, editor):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        make_resource(user)
    resource = make_resource(editor)
    with pytest.raises(PermissionDenied):
        resource_update(resource=resource, changed_by=user, title="Changed")
    resource.refresh_from_db()
    assert resource.title == "Model policy on crisis response"


def test_it_lets_a_superuser_edit(editor, django_user_model):
    root = django_user_model.objects.create_superuser("root@example.com", "pw")
    resource = make_resource(editor)
    resource_update(resource=resource, changed_by=root, title="Changed by root")
    assert Resource.objects.get(pk=resource.pk).title == "Changed by root"


def test_it_lets_an_editor_publish(editor):
    resource = make_resource(editor)
    move(resource, Status.IN_REVIEW, editor)
    assert move(resource, Status.PUBLISHED, editor).status == Status.PUBLISHED


def test_it_lets_a_reviewer_publish_or_return_but_not_submit_or_archive(editor, reviewer):
    resource = make_resource(editor)
    with pytest.raises(PermissionDenied):
        move(resource, Status.IN_REVIEW, reviewer)
    move(resource, Status.IN_REVIEW, editor)
    move(resource, Status.DRAFT, reviewer, comment="Cite the 2023 report.")
    move(resource, Status.IN_REVIEW, editor)
    move(resource, Status.PUBLISHED, reviewer)
    with pytest.raises(PermissionDenied):
        move(resource, Status.ARCHIVED, reviewer)
    with pytest.raises(PermissionDenied):
        move(resource, Status.DRAFT, reviewer)
    assert Resource.objects.get(pk=resource.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("who", ["bob", "carol", "anonymous"])
def test_it_lets_no_one_else_change_status(who, request, editor):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    resource = make_resource(editor)
    move(resource, Status.IN_REVIEW, editor)
    with pytest.raises(PermissionDenied):
        move(resource, Status.PUBLISHED, user)


def test_it_treats_a_deactivated_editor_as_no_editor(editor):
    resource = make_resource(editor)
    editor.is_active = False
    with pytest.raises(PermissionDenied):
        resource_update(resource=resource, changed_by=editor, title="Changed")


# The workflow


def test_it_runs_the_whole_workflow_and_records_every_step(editor, reviewer):
    resource = make_resource(editor)
    move(resource, Status.IN_REVIEW, editor, comment="Ready")
    move(resource, Status.PUBLISHED, reviewer)
    published = Resource.objects.get(pk=resource.pk)
    first_published_at = published.first_published_at
    assert first_published_at is not None
    move(resource, Status.ARCHIVED, editor)
    move(resource, Status.DRAFT, editor, comment="Needs an update")
    move(resource, Status.IN_REVIEW, editor)
    move(resource, Status.PUBLISHED, editor)
    resource.refresh_from_db()
    assert resource.status == Status.PUBLISHED
    assert resource.first_published_at == first_published_at
    revisions = list(resource.revisions.order_by("number"))
    assert [(r.number, r.action) for r in revisions] == [
        (1, "created"),
        (2, "submitted"),
        (3, "published"),
        (4, "archived"),
        (5, "returned"),
        (6, "submitted"),
        (7, "published"),
    ]
    assert revisions[1].comment == "Ready"
    assert revisions[2].actor == reviewer
    assert revisions[3].changes == {"status": ["published", "archived"]}
    assert revisions[4].comment == "Needs an update"
    assert audit_types(resource) == ["resource.created"] + ["resource.status_changed"] * 6


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ([], Status.PUBLISHED),
        ([], Status.DRAFT),
        ([Status.IN_REVIEW], Status.IN_REVIEW),
        ([Status.ARCHIVED], Status.PUBLISHED),
        ([Status.ARCHIVED], Status.IN_REVIEW),
    ],
)
def test_it_refuses_invalid_transitions_with_a_clear_message(start, target, editor):
    resource = make_resource(editor)
    for status in start:
        move(resource, status, editor)
    before = resource.revisions.count()
    with pytest.raises(ValidationError) as exc:
        move(resource, target, editor)
    assert "resource cannot be moved to" in exc.value.messages[0]
    assert resource.revisions.count() == before


def test_it_refuses_an_unknown_status_with_a_clear_message(editor):
    resource = make_resource(editor)
    with pytest.raises(ValidationError, match="“live” is not a resource status"):
        move(resource, "live", editor)


def test_the_database_refuses_a_published_resource_without_a_date(editor):
    resource = make_resource(editor)
    with pytest.raises(IntegrityError):
        Resource.objects.filter(pk=resource.pk).update(status=Status.PUBLISHED)


# Topics


def test_it_reuses_topics_by_name_or_slug_and_skips_blanks(db):
    renamed = Topic.objects.create(name="Crisis Intervention Teams", slug="cit")
    topics = topics_from_names(["crisis intervention teams", " ", "CIT", "Co-responders"])
    assert topics[0] == renamed
    assert [t.name for t in topics] == ["Crisis Intervention Teams", "Co-responders"]
    assert Topic.objects.count() == 2


def test_it_refuses_a_topic_name_without_letters_or_digits(db):
    with pytest.raises(ValidationError, match="cannot be used as a topic name"):
        topics_from_names(["!!!"])


# Attachments


def upload(resource, user, data, filename="policy.pdf", title=""):
    return attachment_add(
        resource=resource,
        fileobj=io.BytesIO(data),
        filename=filename,
        uploaded_by=user,
        title=title,
    )


def test_it_stores_an_attachment_under_a_generated_name(editor, settings):
    resource = make_resource(editor)
    attachment = upload(resource, editor, pdf_bytes("Use of force"), "../../etc/passwd.pdf")
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(".pdf")
    assert "passwd" not in attachment.file.name
    assert attachment.original_filename == "../../etc/passwd.pdf"
    assert "Use of force" in attachment.extracted_text
    assert [p.name for p in stored_files(settings)] == [Path(attachment.file.name).name]
    revision = resource.revisions.order_by("-number").first()
    assert revision.action == "attachment_added"
    assert revision.changes == {"attachment": [None, "../../etc/passwd.pdf"]}
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.ATTACHMENT_ADDED)
    assert event.extra["resource"] == resource.slug


def test_it_stores_a_word_document(editor):
    resource = make_resource(editor)
    attachment = upload(resource, editor, docx_bytes(), "notes.docx", title="Notes")
    assert attachment.content_type == Attachment.Kind.DOCX
    assert attachment.file.name.endswith(".docx")
    assert attachment.title == "Notes"


@pytest.mark.parametrize(
    ("data", "filename"),
    [(HTML_PAGE, "x.pdf"), (b"", "empty.pdf"), (b"%PDF-1.4\nbroken", "corrupt.pdf")],
)
def test_a_refused_upload_leaves_no_row_file_revision_or_audit(data, filename, editor, settings):
    resource = make_resource(editor)
    with pytest.raises(ValidationError):
        upload(resource, editor, data, filename)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    assert resource.revisions.count() == 1
    assert not AuditEvent.objects.filter(event_type=AuditEvent.EventType.ATTACHMENT_ADDED).exists()


def test_an_oversized_upload_leaves_nothing(editor, settings):
    settings.MAX_UPLOAD_BYTES = 50
    resource = make_resource(editor)
    with pytest.raises(ValidationError, match="larger than"):
        upload(resource, editor, pdf_bytes())
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_failure_after_the_file_is_stored_removes_the_file(editor, settings, monkeypatch):
    resource = make_resource(editor)

    def broken(*args, **kwargs):
        raise RuntimeError("search is down")

    monkeypatch.setattr("mhr.clearinghouse.services.search.index_resource", broken)
    with pytest.raises(RuntimeError):
        upload(resource, editor, pdf_bytes())
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_the_same_file_twice_on_one_resource(editor, settings):
    resource = make_resource(editor)
    upload(resource, editor, pdf_bytes())
    with pytest.raises(ValidationError, match="already attached"):
        upload(resource, editor, pdf_bytes(), "copy.pdf")
    assert Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_it_lets_only_editors_upload(reviewer, bob, editor, settings):
    resource = make_resource(editor)
    for user in (reviewer, bob, None):
        with pytest.raises(PermissionDenied):
            upload(resource, user, pdf_bytes())
    assert stored_files(settings) == []


def test_it_removes_an_attachment_and_its_file_after_commit(
    editor, settings, django_capture_on_commit_callbacks
):
    resource = make_resource(editor)
    attachment = upload(resource, editor, pdf_bytes(), "guide.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, removed_by=editor)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    revision = resource.revisions.order_by("-number").first()
    assert (revision.action, revision.changes) == (
        "attachment_removed",
        {"attachment": ["guide.pdf", None]},
    )
    assert AuditEvent.objects.filter(event_type=AuditEvent.EventType.ATTACHMENT_REMOVED).exists()


def test_it_lets_only_editors_remove_attachments(editor, reviewer, settings):
    resource = make_resource(editor)
    attachment = upload(resource, editor, pdf_bytes())
    with pytest.raises(PermissionDenied):
        attachment_remove(attachment=attachment, removed_by=reviewer)
    assert Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_it_never_gives_a_resource_a_slug_that_a_site_page_uses(editor):
    from django.core.exceptions import ValidationError

    from mhr.clearinghouse.services import resource_create

    resource = resource_create(
        created_by=editor, title="Feed", resource_type="report", summary="A report titled Feed."
    )
    assert resource.slug == "feed-2"
    with pytest.raises(ValidationError, match="reserved"):
        resource_create(
            created_by=editor, title="Other", resource_type="report", summary="S.", slug="feed"
        )
