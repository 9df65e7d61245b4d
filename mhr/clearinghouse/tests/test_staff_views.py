from __future__ import annotations

import pytest
from django.urls import reverse

from mhr.audit.models import AuditEvent
from mhr.clearinghouse.models import Resource, ResourceRevision, Topic
from mhr.clearinghouse.services import resource_change_status, resource_create, topics_from_names

Status = Resource.Status

READ_VIEWS = ["resource_list", "resource_detail", "resource_preview", "resource_history"]
EDITOR_GET_VIEWS = ["resource_new", "resource_edit"]
POST_VIEWS = ["resource_status", "attachment_upload"]


@pytest.fixture
def resource(editor) -> Resource:
    return resource_create(
        created_by=editor,
        title="Model policy on crisis response",
        resource_type=Resource.Type.MODEL_POLICY,
        summary="How officers respond to people in crisis.",
        body="## Purpose\n\nOfficers **slow down**.\n\n<script>alert(1)</script>",
        topics=topics_from_names(["CIT"]),
        access=Resource.Access.MEMBERS,
    )


def url(name: str, resource: Resource | None = None) -> str:
    if name in {"resource_list", "resource_new"}:
        return reverse(f"clearinghouse_staff:{name}")
    return reverse(f"clearinghouse_staff:{name}", args=[resource.pk])


def form_data(**overrides) -> dict[str, str]:
    data = {
        "title": "Responding to people in crisis",
        "slug": "",
        "resource_type": Resource.Type.CONCEPTS_PAPER,
        "summary": "Background to the model policy.",
        "body": "Some **markdown**.",
        "topic_names": "CIT, Co-responders",
        "audience": Resource.Audience.OFFICERS,
        "publisher": "The Association",
        "published_on": "2024-03-01",
        "external_url": "",
        "access": Resource.Access.PUBLIC,
    }
    data.update(overrides)
    return data


def last_revision(resource: Resource) -> ResourceRevision:
    return resource.revisions.order_by("-number").first()


# Who may open what


@pytest.mark.parametrize("name", READ_VIEWS + EDITOR_GET_VIEWS + POST_VIEWS)
def test_it_sends_anonymous_visitors_to_sign_in(name, client, resource):
    method = client.post if name in POST_VIEWS else client.get
    response = method(url(name, resource))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("who", ["bob", "carol", "alice"])
@pytest.mark.parametrize("name", READ_VIEWS + EDITOR_GET_VIEWS + POST_VIEWS)
def test_it_forbids_agency_users(name, who, request, client_for, resource):
    client = client_for(request.getfixturevalue(who))
    method = client.post if name in POST_VIEWS else client.get
    data = {"status": Status.IN_REVIEW} if name == "resource_status" else {}
    assert method(url(name, resource), data).status_code == 403
    assert Resource.objects.get(pk=resource.pk).status == Status.DRAFT


@pytest.mark.parametrize("who", ["editor", "sam"])
@pytest.mark.parametrize("name", READ_VIEWS + EDITOR_GET_VIEWS)
def test_it_shows_every_screen_to_editors(name, who, request, client_for, resource):
    response = client_for(request.getfixturevalue(who)).get(url(name, resource))
    assert response.status_code == 200
    assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize("name", READ_VIEWS)
def test_it_lets_reviewers_read(name, client_for, reviewer, resource):
    assert client_for(reviewer).get(url(name, resource)).status_code == 200


@pytest.mark.parametrize("name", EDITOR_GET_VIEWS + ["attachment_upload"])
def test_it_keeps_reviewers_from_editing(name, client_for, reviewer, resource):
    client = client_for(reviewer)
    method = client.post if name in POST_VIEWS else client.get
    assert method(url(name, resource)).status_code == 403


def test_it_answers_404_for_a_missing_resource(client_for, editor):
    response = client_for(editor).get(reverse("clearinghouse_staff:resource_detail", args=[999]))
    assert response.status_code == 404


def test_it_forbids_a_deactivated_editor(client_for, editor, resource):
    client = client_for(editor)
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    response = client.get(url("resource_list"))
    assert response.status_code in {302, 403}


# The list


def make_many(editor, n: int) -> None:
    for i in range(n):
        resource_create(
            created_by=editor,
            title=f"Resource {i:02d}",
            resource_type=Resource.Type.REPORT,
            summary="Summary.",
        )


@pytest.mark.parametrize("per_page", [1, 50])
def test_the_list_takes_the_same_number_of_queries_for_any_page_size(
    per_page, client_for, editor, django_assert_num_queries
):
    make_many(editor, 60)
    client = client_for(editor)
    # Session, user, status counts, page count, page rows, the menu's membership lookup.
    with django_assert_num_queries(6):
        response = client.get(url("resource_list"), {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == per_page


def test_the_list_filters_by_status_and_shows_counts(client_for, editor, resource):
    other = resource_create(
        created_by=editor, title="Annual report", resource_type="report", summary="Report."
    )
    resource_change_status(resource=other, status=Status.IN_REVIEW, changed_by=editor)
    client = client_for(editor)
    response = client.get(url("resource_list"), {"status": "in_review"})
    assert [r.title for r in response.context["page_obj"]] == ["Annual report"]
    assert b"In review (1)" in response.content
    assert b"Draft (1)" in response.content
    assert b"All (2)" in response.content
    response = client.get(url("resource_list"), {"status": "draft"})
    assert [r.title for r in response.context["page_obj"]] == [resource.title]


def test_the_list_ignores_a_bad_status_page_or_page_size(client_for, editor, resource):
    response = client_for(editor).get(
        url("resource_list"), {"status": "bogus", "page": "x", "per_page": "many"}
    )
    assert response.status_code == 200
    assert response.context["status"] == ""
    assert response.context["per_page"] == 25


def test_the_list_paginates(client_for, editor):
    make_many(editor, 3)
    response = client_for(editor).get(url("resource_list"), {"per_page": 2, "page": 2})
    assert len(response.context["page_obj"].object_list) == 1
    assert b"Page 2 of 2" in response.content


# Creating and editing


def test_an_editor_creates_a_draft_with_topics(client_for, editor):
    response = client_for(editor).post(url("resource_new"), form_data())
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("resource_detail", resource)
    assert resource.status == Status.DRAFT
    assert resource.slug == "responding-to-people-in-crisis"
    assert sorted(t.name for t in resource.topics.all()) == ["CIT", "Co-responders"]
    assert resource.created_by == editor
    assert last_revision(resource).action == "created"
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.RESOURCE_CREATED, actor=editor
    ).exists()


def test_create_shows_field_errors_and_saves_nothing(client_for, editor):
    response = client_for(editor).post(
        url("resource_new"),
        form_data(title="", resource_type="poem", topic_names="Good, !!!", external_url="nope"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "resource_type", "topic_names", "external_url"}
    assert "cannot be used as a topic name" in errors["topic_names"][0]
    assert not Resource.objects.exists()
    assert not Topic.objects.exists()


def test_create_refuses_a_slug_that_is_taken(client_for, editor, resource):
    response = client_for(editor).post(url("resource_new"), form_data(slug=resource.slug))
    assert "slug" in response.context["form"].errors
    assert Resource.objects.count() == 1


def test_the_edit_form_shows_the_current_topics(client_for, editor, resource):
    response = client_for(editor).get(url("resource_edit", resource))
    assert response.context["form"].initial["topic_names"] == "CIT"


def test_an_editor_edits_every_field_and_the_revision_says_what_changed(
    client_for, editor, resource
):
    data = form_data(slug="crisis-paper", topic_names="Dispatch")
    response = client_for(editor).post(url("resource_edit", resource), data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Responding to people in crisis"
    assert resource.slug == "crisis-paper"
    assert resource.access == Resource.Access.PUBLIC
    assert [t.name for t in resource.topics.all()] == ["Dispatch"]
    changes = last_revision(resource).changes
    assert changes["title"] == ["Model policy on crisis response", "Responding to people in crisis"]
    assert changes["topics"] == [["CIT"], ["Dispatch"]]
    assert changes["published_on"] == [None, "2024-03-01"]
    assert changes["access"] == ["members", "public"]
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.RESOURCE_CHANGED)
    assert event.actor == editor
    assert "slug" in event.extra["fields"]


def test_an_edit_with_errors_changes_nothing(client_for, editor, resource):
    response = client_for(editor).post(
        url("resource_edit", resource), form_data(summary="", topic_names="New topic")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"summary"}
    resource.refresh_from_db()
    assert resource.title == "Model policy on crisis response"
    assert not Topic.objects.filter(name="New topic").exists()
    assert resource.revisions.count() == 1


# Preview


def test_preview_renders_the_public_page_with_a_banner_and_sanitized_body(
    client_for, editor, resource
):
    response = client_for(editor).get(url("resource_preview", resource))
    content = response.content.decode()
    assert [t.name for t in response.templates][:2] == [
        "clearinghouse/staff/resource_preview.html",
        "clearinghouse/resource_detail.html",
    ]
    assert "<strong>Preview</strong> of the public page as association members see it" in content
    assert "Only association staff can see it" in content
    assert "<h2>Purpose</h2>" in content
    assert "<strong>slow down</strong>" in content
    assert "<script>alert(1)</script>" not in content
    assert "Members only" in content
    assert "CIT" in content
    assert content.count("<h1") == 1
    assert "no-store" in response["Cache-Control"]


def test_preview_shows_what_the_public_sees_of_a_members_only_resource(
    client_for, editor, resource
):
    response = client_for(editor).get(url("resource_preview", resource), {"as": "public"})
    content = response.content.decode()
    assert "as the public (visitors who are not members) see it" in content
    assert "For association members" in content
    assert resource.summary in content
    assert "slow down" not in content


def test_preview_of_a_published_resource_has_the_banner_but_no_draft_warning(
    client_for, editor, resource
):
    resource_change_status(resource=resource, status=Status.IN_REVIEW, changed_by=editor)
    resource_change_status(resource=resource, status=Status.PUBLISHED, changed_by=editor)
    content = client_for(editor).get(url("resource_preview", resource)).content.decode()
    assert "this resource is published" in content
    assert "Only association staff can see it" not in content


# Status actions


def post_status(client, resource, status, comment=""):
    return client.post(url("resource_status", resource), {"status": status, "comment": comment})


def test_the_whole_workflow_through_the_screens(client_for, editor, reviewer, resource):
    editor_client = client_for(editor)
    response = post_status(editor_client, resource, Status.IN_REVIEW)
    assert response.status_code == 302
    reviewer_client = client_for(reviewer)
    post_status(reviewer_client, resource, Status.DRAFT, "Add the 2023 data.")
    post_status(client_for(editor), resource, Status.IN_REVIEW)
    post_status(client_for(reviewer), resource, Status.PUBLISHED)
    resource.refresh_from_db()
    assert resource.status == Status.PUBLISHED
    post_status(client_for(editor), resource, Status.ARCHIVED)
    resource.refresh_from_db()
    assert resource.status == Status.ARCHIVED
    actions = list(resource.revisions.order_by("number").values_list("action", "actor__email"))
    assert actions == [
        ("created", editor.email),
        ("submitted", editor.email),
        ("returned", reviewer.email),
        ("submitted", editor.email),
        ("published", reviewer.email),
        ("archived", editor.email),
    ]
    assert (
        AuditEvent.objects.filter(event_type=AuditEvent.EventType.RESOURCE_STATUS_CHANGED).count()
        == 5
    )


def test_the_detail_page_offers_only_the_allowed_actions(client_for, editor, reviewer, resource):
    response = client_for(editor).get(url("resource_detail", resource))
    labels = [a["label"] for a in response.context["actions"]]
    assert labels == ["Submit for review", "Archive"]
    resource_change_status(resource=resource, status=Status.IN_REVIEW, changed_by=editor)
    response = client_for(reviewer).get(url("resource_detail", resource))
    assert [a["label"] for a in response.context["actions"]] == ["Publish", "Return to draft"]


def test_an_invalid_transition_gives_a_message_not_an_error(client_for, editor, resource):
    response = post_status(client_for(editor), resource, Status.PUBLISHED)
    assert response.status_code == 302
    page = client_for(editor).get(response["Location"])
    assert "A draft resource cannot be moved to “Published”." in page.content.decode()
    resource.refresh_from_db()
    assert resource.status == Status.DRAFT
    assert resource.revisions.count() == 1


def test_an_unknown_status_is_refused_with_a_message(client_for, editor, resource):
    response = post_status(client_for(editor), resource, "live")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_returning_to_draft_needs_a_comment(client_for, editor, resource):
    resource_change_status(resource=resource, status=Status.IN_REVIEW, changed_by=editor)
    response = post_status(client_for(editor), resource, Status.DRAFT, "  ")
    assert response.status_code == 400
    assert "Say why the resource goes back to draft." in response.content.decode()
    resource.refresh_from_db()
    assert resource.status == Status.IN_REVIEW


def test_a_reviewer_cannot_archive(client_for, reviewer, editor, resource):
    resource_change_status(resource=resource, status=Status.IN_REVIEW, changed_by=editor)
    response = post_status(client_for(reviewer), resource, Status.ARCHIVED)
    assert response.status_code == 403
    resource.refresh_from_db()
    assert resource.status == Status.IN_REVIEW


def test_status_changes_need_post(client_for, editor, resource):
    assert client_for(editor).get(url("resource_status", resource)).status_code == 405


# History


def test_the_history_shows_who_what_when_and_the_comment(client_for, editor, reviewer, resource):
    client = client_for(editor)
    client.post(url("resource_edit", resource), form_data(topic_names="CIT"))
    resource_change_status(resource=resource, status=Status.IN_REVIEW, changed_by=editor)
    resource_change_status(
        resource=resource, status=Status.DRAFT, changed_by=reviewer, comment="Too long."
    )
    response = client.get(url("resource_history", resource))
    content = response.content.decode()
    rows = response.context["rows"]
    assert [row["revision"].number for row in rows] == [4, 3, 2, 1]
    assert rows[0]["revision"].comment == "Too long."
    assert "Rui Reviewer" in content
    assert "Erin Editor" in content
    assert "Returned to draft" in content
    assert "Too long." in content
    edit_changes = {c["field"]: (c["old"], c["new"]) for c in rows[2]["changes"]}
    assert edit_changes["Title"] == (
        "Model policy on crisis response",
        "Responding to people in crisis",
    )
    assert edit_changes["Publication date"] == ("(empty)", "2024-03-01")
    assert "Model policy on crisis response → Responding to people in crisis" in content


def test_the_history_takes_the_same_number_of_queries_however_long(
    client_for, editor, resource, django_assert_num_queries
):
    client = client_for(editor)
    for n in range(10):
        client.post(url("resource_edit", resource), form_data(title=f"Title {n}"))
    assert resource.revisions.count() == 11
    # Session, user, resource, revisions with their actors, the menu's membership lookup.
    with django_assert_num_queries(5):
        client.get(url("resource_history", resource))
