"""Demo data for the One Mind pledge campaign, loaded by `mhr demo` after agencies and users.

Pledges go through the pledge services and rosters and training through the import services
(CSV files built in memory, shaped like an HR system's export), so the demo has the audit rows
and import history a real agency would leave. Partnerships and policy documents go through the
evidence services as the first agency's coordinator; the partner confirms from its own account.

The first agency's numbers tell a story: about 22% of sworn officers hold CIT (met), but only
about 60% hold MHFA for Public Safety, some expiring soon and a few already expired, so the
"every other sworn officer" requirement shows a gap list.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from mhr.accounts.models import Agency, User
from mhr.accounts.services import user_create
from mhr.campaigns.models import (
    Campaign,
    ImportBatch,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    Requirement,
)
from mhr.campaigns.services.evidence import (
    partnership_confirm,
    partnership_create,
    partnership_invite,
    policy_create,
)
from mhr.campaigns.services.imports import import_run
from mhr.campaigns.services.pledges import add_months, pledge_change_status, pledge_create
from mhr.campaigns.services.review import practice_decide

CAMPAIGN_SLUG = "one-mind"
MAX_SWORN = 400
SECOND_AGENCY_SWORN = 60
CIT_SHARE = 0.22
MHFA_SHARE = 0.60
ROSTER_HEADER = [
    "Emp ID",
    "Last Name",
    "First Name",
    "Sworn",
    "Title",
    "Unit",
    "Hire Date",
    "Status",
]
TRAINING_HEADER = ["Emp ID", "Course", "Provider", "Completed", "Hours"]

Status = Pledge.Status

# Status path per agency after the first two (the first is in progress, the second pledged);
# the list repeats for larger demos. The "2016" entry is recorded by staff under the old rules.
PLEDGE_PLAN: tuple[tuple[str, str], ...] = (
    (Status.SUBMITTED, "current"),
    (Status.RECOGNIZED, "current"),
    (Status.LAPSED, "2016"),
    (Status.IN_PROGRESS, "current"),
    (Status.RECOGNIZED, "current"),
    (Status.PLEDGED, "current"),
    (Status.SUBMITTED, "current"),
)
# Agencies left without a pledge at the end of a full demo, so the pledge form shows for them.
UNPLEDGED_TAIL = 3

PATHS: dict[str, tuple[str, ...]] = {
    Status.PLEDGED: (),
    Status.IN_PROGRESS: (Status.IN_PROGRESS,),
    Status.SUBMITTED: (Status.IN_PROGRESS, Status.SUBMITTED),
    Status.RECOGNIZED: (Status.IN_PROGRESS, Status.SUBMITTED, Status.RECOGNIZED),
    Status.LAPSED: (Status.IN_PROGRESS, Status.SUBMITTED, Status.RECOGNIZED, Status.LAPSED),
}

SWORN_TITLES = (
    ("Police Officer", 70),
    ("Senior Police Officer", 10),
    ("Corporal", 5),
    ("Detective", 7),
    ("Sergeant", 6),
    ("Lieutenant", 1.5),
    ("Captain", 0.5),
)
UNITS = (
    "Patrol North",
    "Patrol South",
    "Patrol East",
    "Patrol West",
    "Downtown",
    "Investigations",
    "Traffic",
    "Training Academy",
)
NON_SWORN_TITLES = (
    ("911 Telecommunicator", 40),
    ("Dispatch Supervisor", 8),
    ("Records Clerk", 25),
    ("Crime Analyst", 15),
    ("Victim Services Coordinator", 12),
)
CIT_PROVIDERS = ("Regional CIT Academy", "County Crisis Intervention Team Program")
MHFA_PROVIDERS = ("National Council for Mental Wellbeing", "State Police Training Institute")


@dataclass
class CampaignDemoResult:
    pledges_created: int = 0
    pledges_existing: int = 0
    officers_imported: int = 0
    training_imported: int = 0
    import_batches: int = 0
    partnerships_created: int = 0
    policies_created: int = 0

    def summary(self) -> str:
        return (
            f"Campaign: {self.pledges_created} pledges created ({self.pledges_existing} already "
            f"there), {self.officers_imported} roster rows and {self.training_imported} training "
            f"records imported in {self.import_batches} batches, {self.partnerships_created} "
            f"partnerships, {self.policies_created} policy documents."
        )


def _rng(agency: Agency, purpose: str) -> random.Random:
    seed = int(hashlib.sha256(f"{agency.ori}:{purpose}".encode()).hexdigest()[:12], 16)
    return random.Random(seed)  # noqa: S311  # nosec B311 # repeatable demo data, not secrets


def _us(day: datetime.date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]], name: str) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    upload = io.BytesIO(out.getvalue().encode("utf-8"))
    upload.name = name
    return upload


# --- Pledges ----------------------------------------------------------------------------------


def _pledge_terms(agency: Agency, index: int, today: datetime.date) -> dict[str, object]:
    rng = _rng(agency, "pledge")
    # Older pledges are further along; spread across the last three years.
    days_ago = 60 + rng.randrange(0, 120) + (index % 7) * 130
    signed_on = today - datetime.timedelta(days=min(days_ago, 3 * 365 - 5))
    target = add_months(signed_on, rng.choice((12, 18, 24, 30, 36)))
    head = "Chief" if agency.agency_type != Agency.AgencyType.COUNTY else "Sheriff"
    return {
        "agency_head_name": f"{head} {('Alvarez', 'Brooks', 'Chen', 'Dawson', 'Ellis')[index % 5]}",
        "agency_head_title": head if head == "Sheriff" else "Chief of Police",
        "signed_on": signed_on,
        "target_completion_on": target,
        "contact_name": ("Jordan Reyes", "Taylor Nguyen", "Sam Okafor", "Pat Lindqvist")[index % 4],
        "contact_email": f"campaign@{agency.ori.lower()}.demo.mhr.invalid",
        "contact_phone": f"555-01{index % 100:02d}",
    }


def _coordinates(user: User, agency: Agency) -> bool:
    membership = getattr(user, "membership", None)
    return bool(user.is_association_staff) or (
        membership is not None and membership.agency_id == agency.pk and membership.is_coordinator
    )


def _ensure_pledges(
    campaign: Campaign,
    agencies: Sequence[Agency],
    users: dict[str, User],
    result: CampaignDemoResult,
) -> None:
    today = timezone.now().date()
    existing = set(
        Pledge.objects.filter(campaign=campaign, agency__in=agencies).values_list(
            "agency_id", flat=True
        )
    )
    staff = users["admin"]
    reviewer = users["reviewer"] if users["reviewer"].is_reviewer else staff
    pledged = len(agencies) if len(agencies) <= 4 else len(agencies) - UNPLEDGED_TAIL
    for index, agency in enumerate(agencies[:pledged]):
        if agency.pk in existing:
            result.pledges_existing += 1
            continue
        roles: list[str] = []
        if index == 0:
            status, rule, author = Status.IN_PROGRESS, "current", users["coordinator"]
            roles = [Officer.Role.DISPATCHER]
        elif index == 1:
            status, rule, author = Status.PLEDGED, "current", users["coordinator2"]
        else:
            status, rule = PLEDGE_PLAN[(index - 2) % len(PLEDGE_PLAN)]
            author = staff
        if not _coordinates(author, agency):
            author = staff
        terms = _pledge_terms(agency, index, today)
        pledge = pledge_create(
            agency=agency,
            campaign=campaign,
            created_by=author,
            rule_version=rule,
            non_sworn_roles_in_scope=roles,
            **terms,
        )
        for step in PATHS[status]:
            if pledge.status == Status.SUBMITTED and step in (Status.RECOGNIZED, Status.RETURNED):
                _review(pledge, reviewer, returned=step == Status.RETURNED)
                pledge.refresh_from_db()
                continue
            actor = author if step in (Status.IN_PROGRESS, Status.SUBMITTED) else reviewer
            pledge = pledge_change_status(
                pledge=pledge,
                status=step,
                changed_by=actor,
                comment="Demo data.",
            )
        result.pledges_created += 1


def _review(pledge: Any, reviewer: User, *, returned: bool) -> None:
    """Work the review as a reviewer would: a decision per practice (the first returned)."""
    keys = Requirement.objects.filter(rule_version_id=pledge.rule_version_id).order_by(
        "position", "id"
    )
    for index, key in enumerate(keys.values_list("key", flat=True)):
        send_back = returned and index == 0
        practice_decide(
            pledge=pledge,
            requirement_key=key,
            decision="returned" if send_back else "approved",
            comment=(
                "Demo data: please attach the signed agreement."
                if send_back
                else "Demo data: evidence reviewed with the agency."
            ),
            reviewer=reviewer,
        )


# --- Roster and training ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    employee_id: str
    last_name: str
    first_name: str
    sworn: bool
    title: str


def _weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _people(agency: Agency, sworn_count: int) -> list[_Person]:
    from faker import Faker

    rng = _rng(agency, "roster")
    fake = Faker("en_US")
    fake.seed_instance(rng.randrange(2**32))
    non_sworn = max(round(sworn_count * 0.10), 3)
    people = []
    base = 10000 + rng.randrange(0, 50000)
    for n in range(sworn_count + non_sworn):
        sworn = n < sworn_count
        if sworn:
            title = _weighted(rng, SWORN_TITLES)
        elif n - sworn_count < 3:
            # At least a few dispatchers: the first agency brings them into scope.
            title = "911 Telecommunicator"
        else:
            title = _weighted(rng, NON_SWORN_TITLES)
        people.append(_Person(str(base + n * 7), fake.last_name(), fake.first_name(), sworn, title))
    return people


def _roster_csv(agency: Agency, people: Sequence[_Person], today: datetime.date) -> io.BytesIO:
    rng = _rng(agency, "hire")
    rows = []
    for person in people:
        hired = today - datetime.timedelta(days=rng.randrange(200, 25 * 365))
        unit = rng.choice(UNITS) if person.sworn else "Communications"
        if not person.sworn and "Telecommunicator" not in person.title:
            unit = "Support Services"
        rows.append(
            [
                person.employee_id,
                person.last_name,
                person.first_name,
                "Y" if person.sworn else "N",
                person.title,
                unit,
                _us(hired),
                "Active",
            ]
        )
    return _csv(ROSTER_HEADER, rows, f"{agency.ori.lower()}-hr-roster.csv")


def _training_csv(agency: Agency, people: Sequence[_Person], today: datetime.date) -> io.BytesIO:
    rng = _rng(agency, "training")
    sworn = [p for p in people if p.sworn]
    cit = set(rng.sample(range(len(sworn)), round(len(sworn) * CIT_SHARE)))
    mhfa = set(rng.sample(range(len(sworn)), round(len(sworn) * MHFA_SHARE)))
    rows: list[list[object]] = []
    for i, person in enumerate(sworn):
        if i in cit:
            done = today - datetime.timedelta(days=rng.randrange(60, 9 * 365))
            rows.append(
                [person.employee_id, "CIT 40-hour", rng.choice(CIT_PROVIDERS), _us(done), 40]
            )
        if i in mhfa:
            roll = rng.random()
            if roll < 0.06:
                # Already expired: completed more than three years ago.
                age = rng.randrange(3 * 365 + 20, 4 * 365)
            elif roll < 0.16:
                # Expiring within the next 90 days.
                age = rng.randrange(3 * 365 - 80, 3 * 365 - 5)
            else:
                age = rng.randrange(30, 3 * 365 - 120)
            done = today - datetime.timedelta(days=age)
            rows.append(
                [
                    person.employee_id,
                    "MHFA for Public Safety",
                    rng.choice(MHFA_PROVIDERS),
                    _us(done),
                    8,
                ]
            )
    # Dispatchers in scope count towards both requirements: some took the CIT course with the
    # officers, about half took adult MHFA.
    dispatchers = [p for p in people if not p.sworn and ("Dispatch" in p.title or "911" in p.title)]
    dispatch_cit = set(rng.sample(range(len(dispatchers)), -(-len(dispatchers) * 3 // 10)))
    for i, person in enumerate(dispatchers):
        if i in dispatch_cit:
            done = today - datetime.timedelta(days=rng.randrange(60, 5 * 365))
            rows.append([person.employee_id, "CIT 40-hour", CIT_PROVIDERS[0], _us(done), 40])
        if rng.random() < 0.5:
            done = today - datetime.timedelta(days=rng.randrange(30, 2 * 365))
            rows.append([person.employee_id, "MHFA", MHFA_PROVIDERS[0], _us(done), 8])
    return _csv(TRAINING_HEADER, rows, f"{agency.ori.lower()}-training-export.csv")


def _import(agency: Agency, kind: str, upload: io.BytesIO, actor: User) -> int:
    outcome = import_run(
        agency=agency, kind=kind, file=upload, actor=actor, filename=upload.name, commit=True
    )
    if not outcome.committed:
        problems = "; ".join(str(e) for e in outcome.errors.as_list()[:5])
        raise RuntimeError(f"Demo {kind} import for {agency.ori} failed: {problems}")
    return int(outcome.counts.get("new", 0))


def _ensure_roster(
    agency: Agency, sworn_count: int, actor: User, result: CampaignDemoResult
) -> None:
    if Officer.objects.filter(agency=agency).exists():
        return
    today = timezone.now().date()
    people = _people(agency, sworn_count)
    result.officers_imported += _import(
        agency, ImportBatch.Kind.ROSTER, _roster_csv(agency, people, today), actor
    )
    result.training_imported += _import(
        agency, ImportBatch.Kind.TRAINING, _training_csv(agency, people, today), actor
    )
    result.import_batches += 2


# --- Partnership and policy -------------------------------------------------------------------


def _demo_docx(title: str, paragraphs: Sequence[str]) -> io.BytesIO:
    """A small Word document, so the demo's evidence has a file to download."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def _ensure_partnership_and_policy(
    agency: Agency, coordinator: User, result: CampaignDemoResult
) -> None:
    """Through the evidence services, as the agency's coordinator; the partner confirms the
    partnership from its own (demo) account, as a real partner would from the emailed link."""
    membership = getattr(coordinator, "membership", None)
    if membership is None or membership.agency_id != agency.pk or not membership.is_coordinator:
        return
    today = timezone.now().date()
    if not Partnership.objects.filter(agency=agency).exists():
        organization = f"{agency.county or agency.state} Community Mental Health Center"[:200]
        started = today - datetime.timedelta(days=400)
        partner_email = f"partnerships@{agency.ori.lower()}-mhc.demo.mhr.invalid"
        partnership = partnership_create(
            agency=agency,
            created_by=coordinator,
            organization_name=organization,
            organization_kind=Partnership.OrganizationKind.MENTAL_HEALTH_CENTER,
            agreement_kind=Partnership.AgreementKind.MOU,
            started_on=started,
            ends_on=add_months(started, 36),
            partner_contact_email=partner_email,
            document=_demo_docx(
                f"Memorandum of understanding: {agency.name} and {organization}",
                [
                    "The agency and the center agree to share a crisis line for officers, to "
                    "take referrals from patrol around the clock, and to meet every quarter to "
                    "review joint responses.",
                    "Either party may end this memorandum with ninety days' written notice.",
                ],
            ),
            document_name=f"MOU {organization}.docx",
        )
        partner = User.objects.filter(email__iexact=partner_email).first() or user_create(
            email=partner_email,
            password=None,
            full_name="Dana Whitfield, Director of Crisis Services",
        )
        token = partnership_invite(partnership=partnership, invited_by=coordinator)
        partnership_confirm(token=token, confirmed_by=partner)
        result.partnerships_created += 1
    if not PolicyDocument.objects.filter(agency=agency).exists():
        adopted = today - datetime.timedelta(days=300)
        Element = PolicyDocument.Element
        title = "General Order 410: Response to Persons in Mental-Health Crisis"
        policy_create(
            agency=agency,
            created_by=coordinator,
            title=title,
            adopted_on=adopted,
            next_review_on=add_months(adopted, 24),
            element_pages={
                Element.RECOGNIZING_SIGNS: "pp. 2–3",
                Element.RISK_ASSESSMENT: "p. 4",
                Element.DISPATCH: "pp. 5–6",
                Element.DE_ESCALATION: "pp. 6–8",
                Element.DISPOSITION: "p. 9",
                Element.TRANSPORT: "p. 10",
                Element.DOCUMENTATION: "p. 11",
            },
            document=_demo_docx(
                title,
                [
                    "Officers who meet a person who may be in a mental-health crisis slow the "
                    "encounter down, give time and distance, and call for a CIT-trained officer "
                    "or the mobile crisis team when one is available.",
                ],
            ),
            document_name="GO-410 Crisis Response.docx",
        )
        result.policies_created += 1


# --- Entry point ------------------------------------------------------------------------------


def campaign_demo_load(
    *,
    agencies: Sequence[Agency],
    users: dict[str, User],
    progress: Callable[[str], None] | None = None,
) -> CampaignDemoResult:
    """Pledges for most agencies; roster, training, partnership and policy for the first two."""
    result = CampaignDemoResult()
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None or not agencies:
        return result
    _ensure_pledges(campaign, agencies, users, result)
    first = agencies[0]
    _ensure_roster(
        first, min(first.sworn_headcount or 120, MAX_SWORN), users["coordinator"], result
    )
    _ensure_partnership_and_policy(first, users["coordinator"], result)
    if len(agencies) > 1:
        second = agencies[1]
        size = min(second.sworn_headcount or SECOND_AGENCY_SWORN, SECOND_AGENCY_SWORN)
        _ensure_roster(second, size, users["coordinator2"], result)
    if progress is not None:
        progress(result.summary())
    return result
