"""Data for the pledge review tests: an agency whose numbers meet the current rules, and pledges
moved to "submitted" through the services."""

from __future__ import annotations

import datetime
import io

from mhr.campaigns.models import CourseType, Officer, Pledge, TrainingRecord
from mhr.campaigns.services.evidence import partnership_create, policy_create
from mhr.campaigns.services.pledges import pledge_change_status, pledge_create
from mhr.clearinghouse.tests.factories import make_pdf

# Tests run with time frozen here (ticking), so the engine's numbers never depend on the day.
NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)
PRACTICES = ("partnership", "policy", "cit-coverage", "mhfa-remaining")


def make_compliant(agency, coordinator, *, officers: int = 10) -> None:
    """A roster (a fifth with CIT, the rest MHFA for Public Safety), a partnership and a policy."""
    cit = CourseType.objects.get(code="cit-40")
    mhfa = CourseType.objects.get(code="mhfa-ps")
    people = Officer.objects.bulk_create(
        Officer(
            agency=agency,
            employee_id=f"R{n:04d}",
            first_name="Pat",
            last_name=f"Officer{n:04d}",
            is_sworn=True,
        )
        for n in range(officers)
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            officer=officer,
            agency=agency,
            course_type=cit if n % 5 == 0 else mhfa,
            completed_on=datetime.date(2025, 7, 1),
            expires_on=None if n % 5 == 0 else datetime.date(2028, 7, 1),
        )
        for n, officer in enumerate(people)
    )
    partnership_create(
        agency=agency,
        created_by=coordinator,
        organization_name="Riverside Crisis Center",
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
        document=io.BytesIO(make_pdf()),
        document_name="mou.pdf",
    )
    policy_create(
        agency=agency,
        created_by=coordinator,
        title="General Order 410: people in crisis",
        adopted_on=datetime.date(2025, 3, 1),
        element_pages={"de_escalation": "pp. 4–6", "transport": "p. 9"},
        document=io.BytesIO(make_pdf()),
        document_name="policy.pdf",
    )


def make_pledge(agency, campaign, coordinator, **overrides) -> Pledge:
    fields = {
        "agency_head_name": "Chief Ada Park",
        "agency_head_title": "Chief of Police",
        "signed_on": datetime.date(2025, 6, 1),
        "contact_name": "Point Of Contact",
        "contact_email": f"contact@{agency.ori.lower()}.example",
        "target_completion_on": datetime.date(2027, 6, 1),
    }
    fields.update(overrides)
    return pledge_create(agency=agency, campaign=campaign, created_by=coordinator, **fields)


def submit(pledge: Pledge, coordinator) -> Pledge:
    if pledge.status == Pledge.Status.PLEDGED:
        pledge_change_status(
            pledge=pledge, status=Pledge.Status.IN_PROGRESS, changed_by=coordinator
        )
    pledge_change_status(pledge=pledge, status=Pledge.Status.SUBMITTED, changed_by=coordinator)
    pledge.refresh_from_db()
    return pledge


def review(pledge: Pledge, reviewer, *, returned: dict[str, str] | None = None) -> Pledge:
    """Decide every practice of a submitted pledge (the only way a submission ends);
    `returned` maps practice keys to return comments, the rest are approved."""
    from mhr.campaigns.models import Requirement
    from mhr.campaigns.services.review import practice_decide

    returned = returned or {}
    keys = Requirement.objects.filter(rule_version_id=pledge.rule_version_id).order_by(
        "position", "id"
    )
    for key in keys.values_list("key", flat=True):
        practice_decide(
            pledge=pledge,
            requirement_key=key,
            decision="returned" if key in returned else "approved",
            comment=returned.get(key, "Evidence checked."),
            reviewer=reviewer,
        )
    pledge.refresh_from_db()
    return pledge
