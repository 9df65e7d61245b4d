from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from mhr.accounts.models import Agency, ApiToken, Membership, User
from mhr.accounts.services import api_token_create
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.clearinghouse.models import Fact, Resource, ResourceRevision, Topic
from mhr.clearinghouse.services import (
    attachment_add,
    resource_change_status,
    resource_create,
    topics_from_names,
)
from mhr.clearinghouse.tests.test_files import pdf_bytes

Status = Resource.Status
OUR_APPS = {"accounts", "audit", "clearinghouse"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def resource(editor) -> Resource:
    return resource_create(
        created_by=editor,
        title="Model policy",
        resource_type=Resource.Type.MODEL_POLICY,
        summary="Summary.",
        topics=topics_from_names(["CIT"]),
    )


@pytest.fixture
def world(alice, bob, carol, resource, agency_a, editor):
    """One row of every registered model, so change pages have something to show."""
    attachment_add(
        resource=resource,
        fileobj=io.BytesIO(pdf_bytes()),
        filename="policy.pdf",
        uploaded_by=editor,
    )
    api_token_create(user=alice, agency=agency_a, name="RMS export")
    audit_record(event_type=AuditEvent.EventType.SIGN_IN, actor=alice, agency=agency_a)
    # The seeded facts may have been flushed by an earlier transactional test.
    if not Fact.objects.exists():
        Fact.objects.create(statement="A fact for the admin page.", source="MHR tests", year=2025)


@pytest.fixture
def staff_editor(editor) -> User:
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    return editor


def test_every_model_in_the_brief_is_registered():
    labels = {model._meta.label for model in REGISTERED}
    assert labels == {
        "accounts.User",
        "accounts.Agency",
        "accounts.ApiToken",
        "audit.AuditEvent",
        "clearinghouse.Resource",
        "clearinghouse.Topic",
        "clearinghouse.ResourceRevision",
        "clearinghouse.Fact",
    }


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_sam_opens_every_changelist_and_change_page(model, client_for, sam, world):
    client = client_for(sam)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(admin_url(model, "changelist")).status_code == 200
    obj = model.objects.order_by("pk").first()
    response = client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    if model is Resource:
        assert "policy.pdf" in response.content.decode()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_sam_opens_the_add_page_only_where_adding_is_allowed(model, client_for, sam):
    can_add = model in {User, Agency, Resource, Topic, Fact}
    response = client_for(sam).get(admin_url(model, "add"))
    assert response.status_code == (200 if can_add else 403)


@pytest.mark.parametrize("who", ["bob", "alice", "editor"])
def test_people_without_admin_access_are_sent_to_the_admin_sign_in(who, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(admin_url(User, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_staff_editor_sees_the_clearinghouse_but_not_people(client_for, staff_editor, world):
    client = client_for(staff_editor)
    assert client.get(admin_url(Resource, "changelist")).status_code == 200
    assert client.get(admin_url(Resource, "add")).status_code == 200
    assert client.get(admin_url(User, "changelist")).status_code == 403
    assert client.get(admin_url(AuditEvent, "changelist")).status_code == 403


# Users


def test_the_user_list_searches_and_filters(client_for, sam, alice, bob, editor):
    client = client_for(sam)
    response = client.get(admin_url(User, "changelist"), {"q": "springfield"})
    assert {u.email for u in response.context["cl"].result_list} == {alice.email, bob.email}
    response = client.get(admin_url(User, "changelist"), {"staff_role__exact": "editor"})
    assert [u.email for u in response.context["cl"].result_list] == [editor.email]
    response = client.get(admin_url(User, "changelist"), {"is_active__exact": "0"})
    assert list(response.context["cl"].result_list) == []


def test_sam_adds_a_user_with_a_password_and_it_is_audited(client_for, sam, client):
    response = client_for(sam).post(
        admin_url(User, "add"),
        {
            "email": "New.Person@Example.com",
            "full_name": "New Person",
            "title": "Analyst",
            "staff_role": "reviewer",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password("a long enough passphrase")
    assert user.staff_role == "reviewer"
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.USER_CREATED)
    assert (event.actor, event.object_id) == (sam, str(user.pk))


def test_adding_a_user_with_a_taken_email_shows_an_error(client_for, sam, alice):
    response = client_for(sam).post(
        admin_url(User, "add"),
        {
            "email": alice.email.upper(),
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors["email"])
    assert User.objects.filter(email__iexact=alice.email).count() == 1


def change_user_data(user: User, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "title": user.title,
        "staff_role": user.staff_role,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_changing_a_role_in_the_admin_is_audited_with_old_and_new(client_for, sam, bob):
    response = client_for(sam).post(
        admin_url(User, "change", bob.pk), change_user_data(bob, staff_role="editor")
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.staff_role == "editor"
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.USER_CHANGED)
    assert event.actor == sam
    assert event.extra["changes"] == {"staff_role": ["", "editor"]}


def test_a_staff_administrator_cannot_make_a_superuser(client_for, sam, bob):
    client_for(sam).post(
        admin_url(User, "change", bob.pk), change_user_data(bob, is_superuser="on")
    )
    bob.refresh_from_db()
    assert not bob.is_superuser


# Agencies


def test_the_agency_list_searches_by_ori_and_filters_by_state(client_for, sam, agency_a, agency_b):
    client = client_for(sam)
    response = client.get(admin_url(Agency, "changelist"), {"q": agency_b.ori})
    assert list(response.context["cl"].result_list) == [agency_b]
    response = client.get(admin_url(Agency, "changelist"), {"state": "WA"})
    assert list(response.context["cl"].result_list) == [agency_a]
    response = client.get(admin_url(Agency, "changelist"), {"agency_type__exact": "county"})
    assert list(response.context["cl"].result_list) == [agency_b]


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_sam_adds_an_agency_with_a_member_through_the_services(client_for, sam, django_user_model):
    dana = django_user_model.objects.create_user("dana@capital.example", "pw")
    response = client_for(sam).post(
        admin_url(Agency, "add"),
        {
            "name": "Capital City Police",
            "ori": "ID0010000",
            "state": "ID",
            "agency_type": "city",
            **inline_management("memberships", total=1),
            "memberships-0-user": str(dana.pk),
            "memberships-0-role": "coordinator",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(ori="ID0010000")
    assert Membership.objects.get(user=dana).agency == agency
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"agency.created", "membership.created"} <= types


def test_changing_an_agency_in_the_admin_is_audited(client_for, sam, agency_a, alice):
    membership = alice.membership
    response = client_for(sam).post(
        admin_url(Agency, "change", agency_a.pk),
        {
            "name": "Springfield Police",
            "state": "WA",
            "county": "KING",
            "agency_type": "city",
            "sworn_headcount": "130",
            **inline_management("memberships", total=1, initial=1),
            "memberships-0-id": str(membership.pk),
            "memberships-0-agency": str(agency_a.pk),
            "memberships-0-user": str(alice.pk),
            "memberships-0-role": "coordinator",
        },
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert (agency_a.name, agency_a.sworn_headcount) == ("Springfield Police", 130)
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.AGENCY_CHANGED)
    assert event.extra["changes"]["name"] == ["Springfield Police Department", "Springfield Police"]


# API tokens and the audit log


def test_api_tokens_are_read_only_and_show_only_the_digest(client_for, sam, alice, agency_a):
    token, secret = api_token_create(user=alice, agency=agency_a, name="RMS export")
    client = client_for(sam)
    page = client.get(admin_url(ApiToken, "change", token.pk)).content.decode()
    assert token.digest in page
    assert secret not in page
    assert client.get(admin_url(ApiToken, "add")).status_code == 403
    response = client.get(admin_url(ApiToken, "changelist"), {"agency__id__exact": agency_a.pk})
    assert list(response.context["cl"].result_list) == [token]


def test_sam_revokes_tokens_with_the_admin_action(client_for, sam, alice, agency_a):
    token, _ = api_token_create(user=alice, agency=agency_a, name="RMS export")
    response = client_for(sam).post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke_tokens", ACTION_CHECKBOX_NAME: [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.TOKEN_REVOKED, actor=sam
    ).exists()


def test_the_audit_log_cannot_be_added_changed_or_deleted(client_for, sam, alice):
    event = audit_record(event_type=AuditEvent.EventType.SIGN_IN, actor=alice)
    client = client_for(sam)
    assert client.get(admin_url(AuditEvent, "add")).status_code == 403
    assert client.get(admin_url(AuditEvent, "delete", event.pk)).status_code == 403
    response = client.post(admin_url(AuditEvent, "change", event.pk), {"event_type": "x"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.event_type == AuditEvent.EventType.SIGN_IN


def test_the_audit_log_searches_and_filters(client_for, sam, alice, bob):
    audit_record(event_type=AuditEvent.EventType.SIGN_IN, actor=alice)
    audit_record(event_type=AuditEvent.EventType.SIGN_OUT, actor=bob)
    client = client_for(sam)
    response = client.get(admin_url(AuditEvent, "changelist"), {"q": "alice"})
    assert [e.actor_label for e in response.context["cl"].result_list] == [alice.email]
    response = client.get(
        admin_url(AuditEvent, "changelist"), {"event_type__exact": "auth.sign_out"}
    )
    assert [e.actor_label for e in response.context["cl"].result_list] == [bob.email]


# The clearinghouse


def resource_form(**overrides) -> dict:
    data = {
        "title": "Crisis concepts paper",
        "slug": "crisis-concepts-paper",
        "resource_type": "concepts_paper",
        "summary": "Background.",
        "body": "",
        "audience": "",
        "publisher": "",
        "published_on": "",
        "external_url": "",
        "access": "public",
        **inline_management("attachments"),
    }
    data.update(overrides)
    return data


def test_adding_a_resource_in_the_admin_goes_through_the_service(client_for, sam):
    topic = Topic.objects.create(name="CIT", slug="cit")
    response = client_for(sam).post(admin_url(Resource, "add"), resource_form(topics=[topic.pk]))
    assert response.status_code == 302
    resource = Resource.objects.get(slug="crisis-concepts-paper")
    assert resource.status == Status.DRAFT
    assert resource.created_by == sam
    assert list(resource.topics.all()) == [topic]
    assert resource.revisions.get().action == "created"
    assert AuditEvent.objects.filter(event_type=AuditEvent.EventType.RESOURCE_CREATED).exists()


def test_editing_a_resource_in_the_admin_records_a_revision(client_for, sam, resource):
    topic = Topic.objects.create(name="Dispatch", slug="dispatch")
    response = client_for(sam).post(
        admin_url(Resource, "change", resource.pk),
        resource_form(
            title="Model policy, 2025",
            slug=resource.slug,
            resource_type=resource.resource_type,
            topics=[topic.pk],
        ),
    )
    assert response.status_code == 302
    revision = resource.revisions.order_by("-number").first()
    assert revision.action == ResourceRevision.Action.EDITED
    assert revision.actor == sam
    assert revision.changes["title"] == ["Model policy", "Model policy, 2025"]
    assert revision.changes["topics"] == [["CIT"], ["Dispatch"]]
    assert [t.name for t in Resource.objects.get(pk=resource.pk).topics.all()] == ["Dispatch"]


def test_a_reviewer_with_admin_access_cannot_edit_a_resource(client_for, reviewer, resource):
    reviewer.is_staff = True
    reviewer.save(update_fields=["is_staff"])
    response = client_for(reviewer).post(
        admin_url(Resource, "change", resource.pk), resource_form(slug=resource.slug)
    )
    assert response.status_code == 403
    assert Resource.objects.get(pk=resource.pk).title == "Model policy"


def run_action(client, action: str, *resources):
    return client.post(
        admin_url(Resource, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in resources]},
        follow=True,
    )


def test_the_admin_actions_move_resources_through_the_workflow(client_for, sam, resource):
    client = client_for(sam)
    run_action(client, "submit_for_review", resource)
    assert Resource.objects.get(pk=resource.pk).status == Status.IN_REVIEW
    response = run_action(client, "publish", resource)
    assert "1 resource(s) now published." in response.content.decode()
    assert Resource.objects.get(pk=resource.pk).status == Status.PUBLISHED
    run_action(client, "archive", resource)
    assert Resource.objects.get(pk=resource.pk).status == Status.ARCHIVED
    actions = list(resource.revisions.order_by("number").values_list("action", "actor"))
    assert actions == [
        ("created", resource.created_by_id),
        ("submitted", sam.pk),
        ("published", sam.pk),
        ("archived", sam.pk),
    ]
    assert (
        AuditEvent.objects.filter(event_type=AuditEvent.EventType.RESOURCE_STATUS_CHANGED).count()
        == 3
    )


def test_an_admin_action_reports_invalid_transitions(client_for, sam, editor, resource):
    ready = resource_create(created_by=editor, title="Ready", resource_type="report", summary="S.")
    resource_change_status(resource=ready, status=Status.IN_REVIEW, changed_by=editor)
    response = run_action(client_for(sam), "publish", resource, ready)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Model policy: A draft resource cannot be moved to “Published”." in content
    assert "1 resource(s) now published." in content
    assert Resource.objects.get(pk=resource.pk).status == Status.DRAFT
    assert Resource.objects.get(pk=ready.pk).status == Status.PUBLISHED


def test_resources_cannot_be_deleted_in_the_admin(client_for, sam, resource):
    assert client_for(sam).get(admin_url(Resource, "delete", resource.pk)).status_code == 403


def test_revisions_are_read_only(client_for, sam, resource):
    revision = resource.revisions.get()
    client = client_for(sam)
    assert client.get(admin_url(ResourceRevision, "add")).status_code == 403
    assert client.get(admin_url(ResourceRevision, "delete", revision.pk)).status_code == 403


def test_removing_the_last_coordinator_in_the_admin_is_refused_with_a_message(
    client_for, sam, agency_a, alice
):
    membership = alice.membership
    response = client_for(sam).post(
        admin_url(Agency, "change", agency_a.pk),
        {
            "name": agency_a.name,
            "state": "WA",
            "county": "KING",
            "agency_type": "city",
            "sworn_headcount": "120",
            **inline_management("memberships", total=1, initial=1),
            "memberships-0-id": str(membership.pk),
            "memberships-0-agency": str(agency_a.pk),
            "memberships-0-user": str(alice.pk),
            "memberships-0-role": "member",
        },
        follow=True,
    )
    assert "An agency needs at least one coordinator." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Membership.Role.COORDINATOR
