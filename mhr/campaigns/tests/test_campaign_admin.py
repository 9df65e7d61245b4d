from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.urls import reverse

from mhr.accounts.models import User
from mhr.audit.models import AuditEvent
from mhr.campaigns.admin import RULES_CHANGED
from mhr.campaigns.models import (
    Campaign,
    CourseType,
    ImportBatch,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    PracticeDecision,
    Requirement,
    RuleVersion,
    TrainingRecord,
)
from mhr.campaigns.tests.test_public_pages import make_pledge

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "campaigns"),
    key=lambda model: model._meta.label,
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _post_value(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def change_form_data(response) -> dict:
    """The change form's current values, as the browser would post them back."""
    data: dict = {}

    def add(form):
        for name in form.fields:
            value = _post_value(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[formset.management_form.add_prefix(name)] = (
                formset.management_form[name].value() or field.initial or 0
            )
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def staff_reviewer(reviewer) -> User:
    reviewer.is_staff = True
    reviewer.save(update_fields=["is_staff"])
    return reviewer


@pytest.fixture
def staff_editor(editor) -> User:
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    return editor


@pytest.fixture
def world(one_mind, agency_a):
    """One row of every campaigns model, files included, so every page has something to show."""
    pledge = make_pledge(agency_a, one_mind, status=Pledge.Status.SUBMITTED)
    PracticeDecision.objects.create(
        pledge=pledge,
        submitted_at=pledge.status_changed_at,
        requirement_key="policy",
        requirement_title="Policy on responding to people in crisis",
        decision=PracticeDecision.Decision.RETURNED,
        comment="Cite the pages on transport.",
    )
    officer = Officer.objects.create(
        agency=agency_a, employee_id="E-100", first_name="Ola", last_name="Officer", is_sworn=True
    )
    record = TrainingRecord(
        officer=officer,
        agency=agency_a,
        course_type=CourseType.objects.get(code="cit-40"),
        completed_on=datetime.date(2024, 1, 1),
    )
    record.certificate.save("cert.pdf", ContentFile(b"%PDF-1.4"), save=False)
    record.save()
    partnership = Partnership(
        agency=agency_a,
        organization_name="County Behavioral Health",
        organization_kind=Partnership.OrganizationKind.MENTAL_HEALTH_CENTER,
        agreement_kind=Partnership.AgreementKind.MOU,
        started_on=datetime.date(2024, 1, 1),
    )
    partnership.document.save("mou.pdf", ContentFile(b"%PDF-1.4"), save=False)
    partnership.save()
    policy = PolicyDocument(
        agency=agency_a,
        title="Crisis response policy",
        adopted_on=datetime.date(2024, 2, 1),
        element_pages={"de_escalation": "pp. 4-6"},
    )
    policy.document.save("policy.pdf", ContentFile(b"%PDF-1.4"), save=False)
    policy.save()
    ImportBatch.objects.create(
        agency=agency_a,
        kind=ImportBatch.Kind.ROSTER,
        original_filename="roster.csv",
        sha256="0" * 64,
        counts={"new": 1},
    )
    return {"pledge": pledge, "officer": officer}


def current_rules() -> RuleVersion:
    return RuleVersion.objects.get(campaign__slug="one-mind", code="current")


def test_every_campaigns_model_in_the_brief_is_registered():
    assert {model.__name__ for model in REGISTERED} == {
        "Campaign",
        "CourseType",
        "RuleVersion",
        "Pledge",
        "Officer",
        "TrainingRecord",
        "Partnership",
        "PolicyDocument",
        "ImportBatch",
        "PracticeDecision",
    }


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_sam_opens_every_changelist_and_change_page(model, client_for, sam, world):
    client = client_for(sam)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    obj = model.objects.order_by("pk").first()
    response = client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_sam_adds_only_rules_not_agency_records(model, client_for, sam):
    can_add = model in {Campaign, CourseType, RuleVersion}
    response = client_for(sam).get(admin_url(model, "add"))
    assert response.status_code == (200 if can_add else 403)


def test_files_are_named_not_linked(client_for, sam, world):
    record = TrainingRecord.objects.get()
    html = client_for(sam).get(admin_url(TrainingRecord, "change", record.pk)).content.decode()
    assert "cert" in html and ".pdf" in html
    assert 'href="/certificates/' not in html


def test_a_reviewer_reads_the_rules_and_pledges_but_cannot_change_rules(
    client_for, staff_reviewer, world
):
    client = client_for(staff_reviewer)
    assert client.get(admin_url(Pledge, "changelist")).status_code == 200
    assert client.get(admin_url(Officer, "changelist")).status_code == 200
    assert client.get(admin_url(RuleVersion, "add")).status_code == 403
    version = current_rules()
    url = admin_url(RuleVersion, "change", version.pk)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    assert RuleVersion.objects.get(pk=version.pk).name == "Current pledge"


def test_a_clearinghouse_editor_does_not_see_campaign_records(client_for, staff_editor, world):
    client = client_for(staff_editor)
    for model in (Pledge, Officer, TrainingRecord, RuleVersion):
        assert client.get(admin_url(model, "changelist")).status_code == 403


@pytest.mark.parametrize("who", ["alice", "carol", "bob"])
def test_agency_people_are_sent_to_the_admin_sign_in(who, request, client_for, world):
    client = client_for(request.getfixturevalue(who))
    response = client.get(admin_url(Officer, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- thresholds and accepted courses are staff-editable and audited ---------------------------


def _requirement_prefix(data: dict, key: str) -> str:
    for name, value in data.items():
        if name.endswith("-key") and value == key:
            return name.removesuffix("-key")
    raise AssertionError(key)


def test_a_threshold_change_is_saved_and_audited(client_for, sam, one_mind):
    version = current_rules()
    url = admin_url(RuleVersion, "change", version.pk)
    client = client_for(sam)
    data = change_form_data(client.get(url))
    prefix = _requirement_prefix(data, "cit-coverage")
    data[f"{prefix}-min_percent"] = "25"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    requirement = Requirement.objects.get(rule_version=version, key="cit-coverage")
    assert requirement.min_percent == Decimal("25")
    event = AuditEvent.objects.get(event_type=RULES_CHANGED)
    assert event.actor == sam
    assert event.object_id == str(requirement.pk)
    assert event.extra["changes"] == {"min_percent": ["20", "25"]}
    assert event.extra["requirement"] == "cit-coverage"
    assert event.extra["rule_version"] == "current"
    assert event.extra["action"] == "changed"


def test_a_change_to_accepted_courses_is_audited_with_course_codes(client_for, sam, one_mind):
    version = current_rules()
    url = admin_url(RuleVersion, "change", version.pk)
    client = client_for(sam)
    data = change_form_data(client.get(url))
    prefix = _requirement_prefix(data, "cit-coverage")
    data[f"{prefix}-accepted_courses"] = [str(CourseType.objects.get(code="cit-40").pk)]
    assert client.post(url, data).status_code == 302
    requirement = Requirement.objects.get(rule_version=version, key="cit-coverage")
    assert [c.code for c in requirement.accepted_courses.all()] == ["cit-40"]
    event = AuditEvent.objects.get(event_type=RULES_CHANGED)
    assert event.extra["changes"] == {
        "accepted_courses": [["cit-40", "crisis-equivalent", "crit"], ["cit-40"]]
    }


def test_saving_without_changes_writes_no_audit_row(client_for, sam, one_mind):
    url = admin_url(RuleVersion, "change", current_rules().pk)
    client = client_for(sam)
    assert client.post(url, change_form_data(client.get(url))).status_code == 302
    assert not AuditEvent.objects.filter(event_type=RULES_CHANGED).exists()


@pytest.mark.parametrize("value", ["150", "-1", "abc"])
def test_an_impossible_threshold_is_refused_and_nothing_is_saved(client_for, sam, one_mind, value):
    version = current_rules()
    url = admin_url(RuleVersion, "change", version.pk)
    client = client_for(sam)
    data = change_form_data(client.get(url))
    data[f"{_requirement_prefix(data, 'cit-coverage')}-min_percent"] = value
    data["name"] = "Renamed at the same time"
    response = client.post(url, data)
    assert response.status_code == 200
    assert Requirement.objects.get(rule_version=version, key="cit-coverage").min_percent == 20
    assert RuleVersion.objects.get(pk=version.pk).name == "Current pledge"
    assert not AuditEvent.objects.filter(event_type=RULES_CHANGED).exists()


def test_a_share_requirement_without_a_percent_is_refused(client_for, sam, one_mind):
    version = current_rules()
    url = admin_url(RuleVersion, "change", version.pk)
    client = client_for(sam)
    data = change_form_data(client.get(url))
    data[f"{_requirement_prefix(data, 'cit-coverage')}-min_percent"] = ""
    assert client.post(url, data).status_code == 200
    assert Requirement.objects.get(rule_version=version, key="cit-coverage").min_percent == 20


def test_removing_a_requirement_is_audited(client_for, sam, one_mind):
    version = current_rules()
    url = admin_url(RuleVersion, "change", version.pk)
    client = client_for(sam)
    data = change_form_data(client.get(url))
    requirement = Requirement.objects.get(rule_version=version, key="policy")
    data[f"{_requirement_prefix(data, 'policy')}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    event = AuditEvent.objects.get(event_type=RULES_CHANGED)
    assert event.extra["action"] == "deleted"
    assert event.object_id == str(requirement.pk)
    assert event.extra["requirement"] == "policy"


def test_a_course_type_change_is_audited(client_for, sam, one_mind):
    course = CourseType.objects.get(code="mhfa")
    url = admin_url(CourseType, "change", course.pk)
    client = client_for(sam)
    data = change_form_data(client.get(url))
    data["validity_months"] = "24"
    data["aliases"] = '["MHFA", "Adult MHFA", "MHFA Adult"]'
    assert client.post(url, data).status_code == 302
    course.refresh_from_db()
    assert course.validity_months == 24
    event = AuditEvent.objects.get(event_type=RULES_CHANGED)
    assert event.extra["changes"]["validity_months"] == [36, 24]
    assert event.extra["model"] == "coursetype"


# --- pledges: read-only, status through the service -------------------------------------------


def test_a_pledges_status_cannot_be_edited_in_the_form(client_for, sam, world):
    pledge = world["pledge"]
    url = admin_url(Pledge, "change", pledge.pk)
    client = client_for(sam)
    assert client.post(url, {"status": "recognized"}).status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_the_pledge_list_filters_by_status_and_searches_by_ori(client_for, sam, world, agency_b):
    make_pledge(agency_b, world["pledge"].campaign)
    client = client_for(sam)
    response = client.get(admin_url(Pledge, "changelist"), {"status__exact": "submitted"})
    assert [p.agency.ori for p in response.context["cl"].result_list] == ["WA0170000"]
    response = client.get(admin_url(Pledge, "changelist"), {"q": "OR0260000"})
    assert [p.agency.ori for p in response.context["cl"].result_list] == ["OR0260000"]


def _changelist_actions(client) -> list[str]:
    response = client.get(admin_url(Pledge, "changelist"))
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


@pytest.mark.parametrize("action", ["recognize", "return_for_changes"])
def test_the_admin_cannot_recognize_or_return_a_pledge_without_practice_decisions(
    action, client_for, sam, world
):
    """Recognizing or returning happens on the review screen, one decision per practice."""
    pledge = world["pledge"]
    client = client_for(sam)
    assert action not in _changelist_actions(client)
    response = client.post(
        admin_url(Pledge, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [pledge.pk]},
        follow=True,
    )
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.recognized_on is None
    assert not AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.PLEDGE_STATUS_CHANGED
    ).exists()
    # The only decision is the returned one the world made; nothing was decided in bulk.
    assert PracticeDecision.objects.filter(pledge=pledge).count() == 1


def test_the_pledge_pages_link_to_the_review_screen(client_for, staff_reviewer, world):
    pledge = world["pledge"]
    client = client_for(staff_reviewer)
    review_url = reverse("campaigns_review:pledge_review", args=[pledge.pk])
    change = client.get(admin_url(Pledge, "change", pledge.pk)).content.decode()
    assert f'<a href="{review_url}">Review the practices</a>' in change
    listing = client.get(admin_url(Pledge, "changelist")).content.decode()
    assert f'href="{review_url}"' in listing
    # The link leads to the screen where each practice is decided.
    assert client.get(review_url).status_code == 200


def test_a_reviewer_marks_a_recognition_lapsed_through_the_service(
    client_for, sam, one_mind, agency_b
):
    pledge = make_pledge(agency_b, one_mind, status=Pledge.Status.RECOGNIZED)
    client = client_for(sam)
    assert _changelist_actions(client) == ["", "mark_lapsed"]
    response = client.post(
        admin_url(Pledge, "changelist"),
        {"action": "mark_lapsed", ACTION_CHECKBOX_NAME: [pledge.pk]},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.LAPSED
    event = AuditEvent.objects.get(event_type=AuditEvent.EventType.PLEDGE_STATUS_CHANGED)
    assert event.extra["from"] == "recognized" and event.extra["to"] == "lapsed"
    assert event.actor == sam


def test_lapsing_a_pledge_that_is_not_recognized_is_reported_not_applied(client_for, sam, world):
    pledge = world["pledge"]
    response = client_for(sam).post(
        admin_url(Pledge, "changelist"),
        {"action": "mark_lapsed", ACTION_CHECKBOX_NAME: [pledge.pk]},
        follow=True,
    )
    assert "cannot become lapsed" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


# --- roster and training: read-only lists ----------------------------------------------------


def test_officers_are_searched_by_agency_ori_or_employee_id(client_for, sam, world, agency_b):
    Officer.objects.create(
        agency=agency_b, employee_id="B-7", first_name="Bea", last_name="Other", is_sworn=True
    )
    client = client_for(sam)
    response = client.get(admin_url(Officer, "changelist"), {"q": "wa0170000"})
    assert [o.employee_id for o in response.context["cl"].result_list] == ["E-100"]
    response = client.get(admin_url(Officer, "changelist"), {"q": "B-7"})
    assert [o.employee_id for o in response.context["cl"].result_list] == ["B-7"]


def test_training_records_are_searched_by_employee_id(client_for, sam, world):
    response = client_for(sam).get(admin_url(TrainingRecord, "changelist"), {"q": "E-100"})
    assert len(response.context["cl"].result_list) == 1


@pytest.mark.parametrize(
    "model", [Officer, TrainingRecord, Partnership, PolicyDocument, ImportBatch]
)
def test_agency_records_cannot_be_changed_or_deleted(model, client_for, sam, world):
    obj = model.objects.order_by("pk").first()
    client = client_for(sam)
    assert client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
