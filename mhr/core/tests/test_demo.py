from __future__ import annotations

import dataclasses
import datetime
import json
import re
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from mhr.accounts.models import Agency, Membership, User
from mhr.audit.models import AuditEvent
from mhr.campaigns.models import (
    ImportBatch,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    TrainingRecord,
)
from mhr.clearinghouse import search
from mhr.clearinghouse.models import Attachment, Resource, ResourceRevision
from mhr.clearinghouse.selectors import SECTIONS
from mhr.core import demo


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def no_shared_data(tmp_path, monkeypatch):
    monkeypatch.setenv("MHR_SHARED_DATA", str(tmp_path))
    return tmp_path


def _word_only_in_attachments(resource: Resource) -> str:
    """A long word in one of the resource's attachments and in no resource's own fields."""
    catalog_text = " ".join(
        " ".join([r.title, r.summary, r.body, r.publisher]) for r in Resource.objects.all()
    ).lower()
    for attachment in resource.attachments.all():
        for word in re.findall(r"[A-Za-z]{9,}", attachment.extracted_text):
            if word.lower() not in catalog_text:
                return word.lower()
    raise AssertionError(f"{resource.slug}: every attachment word also appears in a resource")


def test_it_loads_the_full_catalog_into_an_empty_database_quickly(db):
    started = time.monotonic()
    output = run_demo()
    elapsed = time.monotonic() - started

    assert elapsed < 60, f"the demo took {elapsed:.1f} s"
    catalog = demo.demo_catalog()
    assert Resource.objects.published().count() == len(catalog)
    assert not Resource.objects.exclude(status=Resource.Status.PUBLISHED).exists()
    for section in SECTIONS:
        assert Resource.objects.filter(resource_type__in=section.types).exists(), section.title
    assert Resource.objects.filter(access=Resource.Access.MEMBERS).exists()
    assert Resource.objects.filter(access=Resource.Access.PUBLIC).exists()
    expected_attachments = sum(len(item.attachments) for item in catalog)
    assert Attachment.objects.count() == expected_attachments
    pdfs = Attachment.objects.filter(content_type=Attachment.Kind.PDF)
    assert pdfs.exists()
    assert not pdfs.filter(extracted_text="").exists()
    assert not pdfs.filter(page_count__isnull=True).exists()
    # Every resource went through the editorial workflow, leaving its history behind.
    published = ResourceRevision.objects.filter(action=ResourceRevision.Action.PUBLISHED)
    assert published.count() == len(catalog)
    assert AuditEvent.objects.filter(event_type=AuditEvent.EventType.DEMO_LOADED).count() == 1
    assert Agency.objects.count() == demo.DEFAULT_AGENCY_COUNT
    assert demo.DEFAULT_PASSWORD in output
    for account in demo.DEMO_ACCOUNTS:
        assert account.email in output


def test_it_makes_attachment_text_searchable_for_members_only(db):
    run_demo("--limit", "4")
    resource = (
        Resource.objects.filter(
            access=Resource.Access.MEMBERS, attachments__content_type=Attachment.Kind.PDF
        )
        .distinct()
        .first()
    )
    assert resource is not None
    word = _word_only_in_attachments(resource)

    as_member = search.search_resources(search.SearchRequest(text=word, viewer_is_member=True))
    as_public = search.search_resources(search.SearchRequest(text=word, viewer_is_member=False))

    assert resource in [hit.resource for hit in as_member.hits]
    assert resource not in [hit.resource for hit in as_public.hits]


def test_it_loads_a_limited_catalog_that_still_has_both_kinds_of_access(db):
    run_demo("--limit", "2", "--agencies", "3")

    assert Resource.objects.count() == 2
    assert set(Resource.objects.values_list("access", flat=True)) == {
        Resource.Access.PUBLIC,
        Resource.Access.MEMBERS,
    }
    assert Agency.objects.count() == 3


def test_it_creates_one_user_per_role(db):
    run_demo("--limit", "0")

    coordinator = User.objects.get(email=demo.demo_account("coordinator").email)
    member = User.objects.get(email=demo.demo_account("member").email)
    second = User.objects.get(email=demo.demo_account("coordinator2").email)
    admin = User.objects.get(email=demo.demo_account("admin").email)
    assert coordinator.membership.role == Membership.Role.COORDINATOR
    assert member.membership.role == Membership.Role.MEMBER
    assert member.membership.agency == coordinator.membership.agency
    assert second.membership.agency != coordinator.membership.agency
    assert User.objects.get(email=demo.demo_account("editor").email).is_editor
    assert User.objects.get(email=demo.demo_account("reviewer").email).is_reviewer
    assert admin.is_staff_administrator and admin.is_staff and admin.is_superuser
    assert authenticate(username=member.email, password=demo.DEFAULT_PASSWORD) == member


def test_it_does_nothing_with_if_empty_when_an_agency_exists(agency_a):
    output = run_demo("--if-empty")

    assert "not loaded" in output
    assert list(Agency.objects.all()) == [agency_a]
    assert not Resource.objects.exists()
    assert not User.objects.exists()


def test_it_loads_with_if_empty_when_the_database_is_empty(db):
    run_demo("--if-empty", "--limit", "1")

    assert Resource.objects.count() == 1


def test_it_changes_nothing_when_run_twice(db):
    run_demo("--limit", "3")
    counts = (
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Resource.objects.count(),
        Attachment.objects.count(),
        ResourceRevision.objects.count(),
    )

    output = run_demo("--limit", "3")

    assert counts == (
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Resource.objects.count(),
        Attachment.objects.count(),
        ResourceRevision.objects.count(),
    )
    assert "0 created" in output and "already existed" in output


def test_it_sets_the_password_given_with_password(db):
    run_demo("--limit", "0", "--password", "a-different-long-password")

    email = demo.demo_account("coordinator").email
    assert authenticate(username=email, password="a-different-long-password") is not None
    assert authenticate(username=email, password=demo.DEFAULT_PASSWORD) is None


def test_it_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="--password"):
        run_demo("--password", "short")

    assert not User.objects.exists()


def test_it_uses_fictional_agencies_without_the_shared_data(db, no_shared_data):
    output = run_demo("--limit", "1", "--agencies", "4")

    agencies = list(Agency.objects.all())
    assert len(agencies) == 4
    assert all(agency.ori.startswith("ZZ") for agency in agencies)
    assert "fictional agencies" in output
    assert Resource.objects.count() == 1


def test_it_picks_varied_real_agencies_from_the_shared_data():
    data_dir = demo.shared_data_dir()
    if not (data_dir / "fbi-agencies" / "agencies.csv").is_file():
        pytest.skip(f"no shared FBI agency list under {data_dir}")

    specs = demo.demo_agency_specs(20, data_dir)

    assert len(specs) == len({spec.ori for spec in specs}) == 20
    assert specs == demo.demo_agency_specs(20, data_dir)
    assert len({spec.state for spec in specs}) >= 8
    assert {spec.agency_type for spec in specs} >= {
        Agency.AgencyType.CITY,
        Agency.AgencyType.COUNTY,
        Agency.AgencyType.UNIVERSITY,
        Agency.AgencyType.STATE_POLICE,
        Agency.AgencyType.TRIBAL,
    }
    by_ori = {spec.ori: spec for spec in specs}
    # Nebraska's FBI ORIs start NB, while the state stays NE.
    assert by_ori["NB0550100"].state == "NE"
    # Texas agencies take their sworn count from the 2018 police employee data.
    assert by_ori["TX2270100"].sworn_headcount == 1851
    for spec in specs:
        assert spec.name == spec.name.strip() and "  " not in spec.name
        assert spec.sworn_headcount > 0


def test_it_saves_nothing_and_leaves_no_files_when_an_item_fails(db, monkeypatch, settings):
    catalog = demo.demo_catalog()
    with_attachment = next(item for item in catalog if item.attachments)
    broken = dataclasses.replace(with_attachment, slug="broken-item", resource_type="nonsense")
    monkeypatch.setattr(demo, "demo_catalog", lambda: (with_attachment, broken))
    private = Path(settings.STORAGES["default"]["OPTIONS"]["location"])

    with pytest.raises(ValidationError):
        run_demo()

    assert not Resource.objects.exists()
    assert not Agency.objects.exists()
    assert not [path for path in private.rglob("*") if path.is_file()]


# --- Pledge campaign --------------------------------------------------------------------------


def _campaign_counts() -> tuple[int, ...]:
    return (
        Pledge.objects.count(),
        Officer.objects.count(),
        TrainingRecord.objects.count(),
        ImportBatch.objects.count(),
        Partnership.objects.count(),
        PolicyDocument.objects.count(),
        AuditEvent.objects.filter(event_type=AuditEvent.EventType.PLEDGE_STATUS_CHANGED).count(),
    )


def _first_two_agencies() -> list[Agency]:
    coordinators = [demo.demo_account("coordinator"), demo.demo_account("coordinator2")]
    return [Membership.objects.get(user__email=a.email).agency for a in coordinators]


def test_it_loads_pledges_in_several_statuses_with_one_under_the_2016_rules(db, one_mind):
    output = run_demo("--limit", "1")

    statuses = set(Pledge.objects.values_list("status", flat=True))
    assert {
        Pledge.Status.PLEDGED,
        Pledge.Status.IN_PROGRESS,
        Pledge.Status.SUBMITTED,
        Pledge.Status.RECOGNIZED,
        Pledge.Status.LAPSED,
    } <= statuses
    assert Pledge.objects.filter(rule_version__code="2016").count() == 1
    # The last agencies have not pledged, so the pledge form has someone to show.
    assert 2 <= Pledge.objects.count() < Agency.objects.count()
    first, _second = _first_two_agencies()
    pledge = Pledge.objects.get(agency=first)
    assert pledge.status == Pledge.Status.IN_PROGRESS
    assert pledge.rule_version.is_current
    assert pledge.non_sworn_roles_in_scope == [Officer.Role.DISPATCHER]
    today = datetime.date.today()
    for signed_on, target in Pledge.objects.values_list("signed_on", "target_completion_on"):
        assert today - datetime.timedelta(days=3 * 366) <= signed_on <= today
        assert 365 <= (target - signed_on).days <= 3 * 366
    assert "Campaign: " in output and "pledges created" in output


def test_it_imports_the_first_two_rosters_and_training_through_the_import_service(db, one_mind):
    run_demo("--limit", "1")

    first, second = _first_two_agencies()
    batches = ImportBatch.objects.filter(agency=first, status=ImportBatch.Status.COMMITTED)
    assert set(batches.values_list("kind", flat=True)) == {
        ImportBatch.Kind.ROSTER,
        ImportBatch.Kind.TRAINING,
    }
    sworn = Officer.objects.filter(agency=first, is_sworn=True).count()
    assert sworn == min(first.sworn_headcount, 400)
    non_sworn = Officer.objects.filter(agency=first, is_sworn=False)
    assert non_sworn.count() >= sworn // 10
    assert non_sworn.filter(role=Officer.Role.DISPATCHER).exists()
    assert TrainingRecord.objects.filter(agency=first).count() > sworn // 2
    second_roster = Officer.objects.filter(agency=second).count()
    assert 0 < second_roster < sworn
    assert ImportBatch.objects.filter(agency=second).count() == 2
    assert Partnership.objects.filter(agency=first).count() == 1
    policy = PolicyDocument.objects.get(agency=first)
    assert policy.covered_elements


def test_it_tells_a_story_where_cit_is_met_but_mhfa_is_not(db, one_mind):
    run_demo("--limit", "1")
    first, _second = _first_two_agencies()

    out = StringIO()
    call_command("compliance", first.ori, "--json", stdout=out)
    payload = json.loads(out.getvalue())

    assert payload["rule_version"] == "current"
    assert payload["pledge_status"] == Pledge.Status.IN_PROGRESS
    requirements = {r["key"]: r for r in payload["result"]["requirements"]}
    cit, mhfa = requirements["cit-coverage"], requirements["mhfa-remaining"]
    assert cit["met"] is True
    assert Decimal(str(payload["result"]["cit_percent"])) >= 20
    assert mhfa["met"] is False
    assert mhfa["shortfall"] > 0 and mhfa["lacking_officer_ids"]
    assert requirements["partnership"]["met"] and requirements["policy"]["met"]
    assert payload["result"]["met"] is False
    assert payload["result"]["expiring_soon"]


def test_it_loads_the_campaign_only_once(db, one_mind):
    run_demo("--limit", "1")
    counts = _campaign_counts()

    output = run_demo("--limit", "1")

    assert _campaign_counts() == counts
    assert "0 pledges created" in output


def test_it_loads_no_campaign_data_with_if_empty_when_an_agency_exists(agency_a, one_mind):
    run_demo("--if-empty")

    assert not Pledge.objects.exists()
    assert not Officer.objects.exists()
