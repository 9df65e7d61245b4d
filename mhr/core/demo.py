"""Demo data for `mhr demo`: real agencies, one user per role, and the demo clearinghouse catalog.

Every write goes through the services, so the demo has the revisions, audit rows and search
index a real editor would leave behind. Attachments are generated here (WeasyPrint for PDFs,
python-docx for Word files), never downloaded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string

from mhr.accounts import services as account_services
from mhr.accounts.models import Agency, Membership, User
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.clearinghouse import services as clearinghouse_services
from mhr.clearinghouse.models import Resource

# Documented in README.md; only ever used for the demo accounts.
DEFAULT_PASSWORD = "mhr-demo-password"  # nosec B105 # the documented demo password (README)
DEFAULT_AGENCY_COUNT = 12
EMAIL_DOMAIN = "demo.mhr.invalid"

# --- Agencies ---------------------------------------------------------------------------------

FBI_AGENCY_TYPES = {
    "City": Agency.AgencyType.CITY,
    "County": Agency.AgencyType.COUNTY,
    "State Police": Agency.AgencyType.STATE_POLICE,
    "Other State Agency": Agency.AgencyType.OTHER_STATE,
    "University or College": Agency.AgencyType.UNIVERSITY,
    "Tribal": Agency.AgencyType.TRIBAL,
    "Other": Agency.AgencyType.OTHER,
}

# A varied, fixed set: big cities, sheriffs, universities, a small town, a tribal police
# department and a state police. The first two get the demo agency users. The range sizes the
# made-up sworn headcount when the agency has no reported count (only Texas counts are on file).
PREFERRED_AGENCIES: tuple[tuple[str, tuple[int, int] | None], ...] = (
    ("TX2270100", None),  # Austin Police Department
    ("TX1010000", (2000, 2600)),  # Harris County Sheriff's Office
    ("TX2270500", None),  # University of Texas: Austin
    ("TX0313200", None),  # Rancho Viejo Police Department
    ("NB0550100", (300, 360)),  # Lincoln Police Department, Nebraska (FBI ORIs there start NB)
    ("AZ0018900", (150, 250)),  # Navajo Nation
    ("VTVSP0000", (280, 330)),  # Vermont State Police
    ("WASPD0000", (1000, 1300)),  # Seattle Police Department
    ("MN0271100", (550, 850)),  # Minneapolis Police Department
    ("CA0210000", (150, 220)),  # Marin County Sheriff's Office
    ("WA0172400", (40, 60)),  # University of Washington
    ("CODPD0000", (1300, 1600)),  # Denver Police Department
)
PREFERRED_ORIS = tuple(ori for ori, _size in PREFERRED_AGENCIES)

# Used when the shared FBI data is not on this machine. Clearly fictional; "ZZ" is no state.
FALLBACK_AGENCIES = (
    ("ZZ0000100", "Demo City Police Department", "WA", "DEMO", Agency.AgencyType.CITY),
    ("ZZ0000200", "Demo County Sheriff's Office", "OR", "DEMO", Agency.AgencyType.COUNTY),
    ("ZZ0000300", "Demo State University Police", "TX", "DEMO", Agency.AgencyType.UNIVERSITY),
    ("ZZ0000400", "Smallville Police Department", "KS", "DEMO", Agency.AgencyType.CITY),
    ("ZZ0000500", "Demo State Patrol", "CO", "", Agency.AgencyType.STATE_POLICE),
    ("ZZ0000600", "Demo Tribal Police Department", "AZ", "", Agency.AgencyType.TRIBAL),
    ("ZZ0000700", "Riverbend Police Department", "MN", "DEMO", Agency.AgencyType.CITY),
    ("ZZ0000800", "Lakeside County Sheriff's Office", "MI", "DEMO", Agency.AgencyType.COUNTY),
    ("ZZ0000900", "Demo Community College Police", "CA", "DEMO", Agency.AgencyType.UNIVERSITY),
    ("ZZ0001000", "Harbor Town Police Department", "ME", "DEMO", Agency.AgencyType.CITY),
    ("ZZ0001100", "Demo Parks Enforcement Division", "VT", "", Agency.AgencyType.OTHER_STATE),
    ("ZZ0001200", "Prairie County Sheriff's Office", "NE", "DEMO", Agency.AgencyType.COUNTY),
)

# (low, high) sworn officers by type, for agencies without a reported count.
HEADCOUNT_RANGES: dict[str, tuple[int, int]] = {
    Agency.AgencyType.CITY: (4, 450),
    Agency.AgencyType.COUNTY: (8, 600),
    Agency.AgencyType.STATE_POLICE: (150, 1500),
    Agency.AgencyType.OTHER_STATE: (10, 120),
    Agency.AgencyType.UNIVERSITY: (15, 90),
    Agency.AgencyType.TRIBAL: (10, 200),
    Agency.AgencyType.FEDERAL: (20, 300),
    Agency.AgencyType.OTHER: (5, 60),
}
UNKNOWN_COUNTIES = {"NOT SPECIFIED", "UNMAPPED COUNTY", "UNMAPPED", "NA"}


@dataclass(frozen=True)
class AgencySpec:
    ori: str
    name: str
    state: str
    county: str
    agency_type: str
    sworn_headcount: int


def shared_data_dir() -> Path:
    """The shared data folder: $MHR_SHARED_DATA, else ../shared/data beside the project."""
    configured = os.environ.get("MHR_SHARED_DATA", "").strip()
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "data"


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value == "NA" else " ".join(value.split())


def _plausible_headcount(ori: str, agency_type: str) -> int:
    fraction = int(hashlib.sha256(ori.encode("ascii")).hexdigest()[:8], 16) / 0xFFFFFFFF
    size = dict(PREFERRED_AGENCIES).get(ori)
    if size is None:
        size = HEADCOUNT_RANGES.get(agency_type, (5, 60))
        # Most agencies are small: skew towards the low end of the range.
        fraction = fraction**3
    low, high = size
    return round(low + fraction * (high - low))


def _texas_officer_counts(data_dir: Path) -> dict[str, int]:
    path = data_dir / "texas-police-employees-2018" / "pe_texas_2018.csv"
    if not path.is_file():
        return {}
    counts = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            officers = _clean(row.get("officer_ct"))
            if officers.isdigit() and int(officers) > 0:
                counts[_clean(row.get("ori")).upper()] = int(officers)
    return counts


def _spec_from_row(row: dict[str, str], officer_counts: dict[str, int]) -> AgencySpec | None:
    ori = _clean(row.get("ori")).upper()
    name = _clean(row.get("agency_name"))
    state = _clean(row.get("state_abbr")).upper()
    agency_type = FBI_AGENCY_TYPES.get(_clean(row.get("agency_type")))
    # Rows ending in ":" are stand-in names in the FBI list, not agencies.
    if not agency_type or not name or name.endswith(":") or len(state) != 2:
        return None
    try:
        Agency._meta.get_field("ori").run_validators(ori)
    except Exception:
        return None
    county = _clean(row.get("county"))
    if county.upper() in UNKNOWN_COUNTIES:
        county = ""
    headcount = officer_counts.get(ori) or _plausible_headcount(ori, agency_type)
    return AgencySpec(ori, name, state, county[:200], agency_type, headcount)


@cache
def _read_agency_specs(path: Path, mtime_ns: int) -> dict[str, AgencySpec]:
    # Cached by modification time: the FBI list has 19,000 rows and tests load the demo often.
    officer_counts = _texas_officer_counts(path.parent.parent)
    specs: dict[str, AgencySpec] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            spec = _spec_from_row(row, officer_counts)
            if spec is not None:
                specs[spec.ori] = spec
    return specs


def demo_agency_specs(
    count: int = DEFAULT_AGENCY_COUNT, data_dir: Path | None = None
) -> list[AgencySpec]:
    """`count` agencies: the preferred real ones first, then an even spread of the FBI list."""
    count = max(count, 0)
    data_dir = data_dir if data_dir is not None else shared_data_dir()
    path = data_dir / "fbi-agencies" / "agencies.csv"
    if not path.is_file():
        return _fallback_specs(count)
    specs = _read_agency_specs(path, path.stat().st_mtime_ns)
    if not specs:
        return _fallback_specs(count)
    chosen = [specs[ori] for ori in PREFERRED_ORIS if ori in specs][:count]
    remaining = sorted(set(specs) - {spec.ori for spec in chosen})
    needed = count - len(chosen)
    if needed > 0 and remaining:
        # An even stride through the ORIs spreads the extra agencies across states.
        stride = max(len(remaining) // needed, 1)
        chosen.extend(specs[ori] for ori in remaining[::stride][:needed])
    return chosen


def _fallback_specs(count: int) -> list[AgencySpec]:
    specs = [
        AgencySpec(ori, name, state, county, agency_type, _plausible_headcount(ori, agency_type))
        for ori, name, state, county, agency_type in FALLBACK_AGENCIES
    ]
    n = len(specs) + 1
    while len(specs) < count:
        ori = f"ZZ{n * 100:07d}"
        specs.append(
            AgencySpec(ori, f"Demo Agency {n}", "WA", "DEMO", Agency.AgencyType.CITY, 20 + n)
        )
        n += 1
    return specs[:count]


# --- Accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    title: str
    role_label: str
    staff_role: str = ""
    agency_index: int | None = None
    membership_role: str = ""
    is_superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        f"coordinator@{EMAIL_DOMAIN}",
        "Casey Coordinator",
        "CIT coordinator",
        "Agency coordinator",
        agency_index=0,
        membership_role=Membership.Role.COORDINATOR,
    ),
    DemoAccount(
        f"member@{EMAIL_DOMAIN}",
        "Morgan Member",
        "Patrol officer",
        "Agency member",
        agency_index=0,
        membership_role=Membership.Role.MEMBER,
    ),
    DemoAccount(
        f"coordinator2@{EMAIL_DOMAIN}",
        "Riley Second",
        "Crisis intervention lieutenant",
        "Agency coordinator (second agency)",
        agency_index=1,
        membership_role=Membership.Role.COORDINATOR,
    ),
    DemoAccount(
        f"editor@{EMAIL_DOMAIN}",
        "Erin Editor",
        "Clearinghouse editor",
        "Association editor",
        staff_role=User.StaffRole.EDITOR,
    ),
    DemoAccount(
        f"reviewer@{EMAIL_DOMAIN}",
        "Rui Reviewer",
        "Policy reviewer",
        "Association reviewer",
        staff_role=User.StaffRole.REVIEWER,
    ),
    DemoAccount(
        f"admin@{EMAIL_DOMAIN}",
        "Avery Administrator",
        "Association administrator",
        "Association administrator (Django admin)",
        staff_role=User.StaffRole.ADMINISTRATOR,
        is_superuser=True,
    ),
)


def demo_account(role: str) -> DemoAccount:
    """The demo account whose email starts with `role`, e.g. demo_account("member")."""
    return next(a for a in DEMO_ACCOUNTS if a.email.split("@")[0] == role)


# --- Attachments ------------------------------------------------------------------------------


@cache
def _font_config() -> Any:
    # One FontConfiguration for the whole run: building it scans the system fonts.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _citation(resource: Any) -> str:
    parts = [resource.publisher or "Mental Health Response"]
    if resource.published_on:
        parts.append(resource.published_on.strftime("%B %Y").replace(" 0", " "))
    parts.append(resource.title)
    return " · ".join(parts)


def render_attachment_pdf(attachment: Any, resource: Any) -> bytes:
    # WeasyPrint logs every layout step at INFO; a demo load would print hundreds of lines.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint

    html = render_to_string(
        "core/demo_attachment.html",
        {
            "title": attachment.title,
            "kind": Resource.Type(resource.resource_type).label,
            "publisher": resource.publisher or "Mental Health Response",
            "citation": _citation(resource),
            "pages": attachment.pages,
        },
    )
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(font_config=_font_config())


def render_attachment_docx(attachment: Any, resource: Any) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = attachment.title
    document.core_properties.author = resource.publisher or "Mental Health Response"
    document.add_heading(attachment.title, level=0)
    document.add_paragraph(_citation(resource))
    for page in attachment.pages:
        document.add_heading(page.heading, level=1)
        for paragraph in page.paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_attachment(attachment: Any, resource: Any) -> bytes:
    if attachment.filename.lower().endswith(".docx"):
        return render_attachment_docx(attachment, resource)
    return render_attachment_pdf(attachment, resource)


# --- Catalog ----------------------------------------------------------------------------------


def demo_catalog() -> Sequence[Any]:
    from mhr.clearinghouse.demo_catalog import CATALOG

    return CATALOG


def catalog_subset(catalog: Sequence[Any], limit: int | None) -> list[Any]:
    """The first `limit` items, but always with members-only and public ones with attachments.

    Tests and the browser checks load a small catalog; it still has to exercise every access rule.
    """
    if limit is None or limit >= len(catalog):
        return list(catalog)
    members = Resource.Access.MEMBERS
    wanted = [
        lambda r: r.access == members and r.attachments,
        lambda r: r.access != members and r.attachments,
        lambda r: r.access == members,
        lambda r: r.access != members,
    ]
    picked: list[int] = []
    for test in wanted:
        index = next((i for i, r in enumerate(catalog) if test(r) and i not in picked), None)
        if index is not None:
            picked.append(index)
    picked.extend(i for i in range(len(catalog)) if i not in picked)
    return [catalog[i] for i in sorted(picked[: max(limit, 0)])]


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class AccountRow:
    account: DemoAccount
    agency_name: str
    created: bool


@dataclass
class DemoResult:
    password: str
    agencies_created: int = 0
    agencies_existing: int = 0
    resources_created: int = 0
    resources_existing: int = 0
    attachments_created: int = 0
    used_shared_data: bool = False
    seconds: float = 0.0
    accounts: list[AccountRow] = field(default_factory=list)
    campaign: Any = None
    encounters_created: int = 0


def database_has_content() -> bool:
    return Resource.objects.exists() or Agency.objects.exists()


def _ensure_agencies(specs: Iterable[AgencySpec], result: DemoResult) -> list[Agency]:
    agencies = []
    existing = Agency.objects.in_bulk([spec.ori for spec in specs], field_name="ori")
    for spec in specs:
        agency = existing.get(spec.ori)
        if agency is None:
            agency = account_services.agency_create(
                ori=spec.ori,
                name=spec.name[:200],
                state=spec.state,
                county=spec.county,
                agency_type=spec.agency_type,
                sworn_headcount=spec.sworn_headcount,
            )
            result.agencies_created += 1
        else:
            result.agencies_existing += 1
        agencies.append(agency)
    return agencies


def _ensure_accounts(
    agencies: Sequence[Agency], password: str, result: DemoResult
) -> dict[str, User]:
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=account.email).first()
        created = user is None
        if user is None:
            user = account_services.user_create(
                email=account.email,
                password=password,
                full_name=account.full_name,
                title=account.title,
                staff_role=account.staff_role,
                is_staff=account.is_superuser,
            )
            if account.is_superuser:
                # user_create has no superuser flag; the Django admin needs one.
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
        agency_name = ""
        if account.agency_index is not None and account.agency_index < len(agencies):
            agency = agencies[account.agency_index]
            membership = Membership.objects.filter(user=user).select_related("agency").first()
            if membership is None:
                membership = account_services.membership_create(
                    user=user, agency=agency, role=account.membership_role
                )
            agency_name = membership.agency.name
        users[account.email.split("@")[0]] = user
        result.accounts.append(AccountRow(account, agency_name, created))
    return users


def _load_resource(
    item: Any, *, editor: User, reviewer: User, stored_files: list[str]
) -> tuple[Resource, int]:
    resource = clearinghouse_services.resource_create(
        created_by=editor,
        slug=item.slug,
        title=item.title,
        resource_type=item.resource_type,
        summary=item.summary,
        body=item.body,
        topics=clearinghouse_services.topics_from_names(item.topics),
        audience=item.audience,
        publisher=item.publisher,
        published_on=item.published_on,
        external_url=item.external_url,
        access=item.access,
    )
    for attachment in item.attachments:
        content = render_attachment(attachment, item)
        added = clearinghouse_services.attachment_add(
            resource=resource,
            fileobj=io.BytesIO(content),
            filename=attachment.filename,
            title=attachment.title,
            uploaded_by=editor,
        )
        stored_files.append(str(added.file.name))
    resource = clearinghouse_services.resource_change_status(
        resource=resource,
        status=Resource.Status.IN_REVIEW,
        changed_by=editor,
        comment="Demo data: ready for review.",
    )
    resource = clearinghouse_services.resource_change_status(
        resource=resource,
        status=Resource.Status.PUBLISHED,
        changed_by=reviewer,
        comment="Demo data: approved.",
    )
    return resource, len(item.attachments)


DEMO_ENCOUNTERS = (1500, 900)  # records for the first and second demo agency


def _load_encounters(agencies: list[Agency], users: dict[str, Any], say: Callable) -> int:
    """Three years of generated crisis encounters for the demo coordinators' two agencies, through
    the importer; the first agency's public transparency page is published."""
    from mhr.encounters.services import encounter_settings_update
    from mhr.encounters.synthetic import demo_encounters

    created = 0
    coordinators = (users.get("coordinator"), users.get("coordinator2"))
    for seed, (agency, count, actor) in enumerate(
        zip(agencies, DEMO_ENCOUNTERS, coordinators, strict=False), start=1
    ):
        outcome = demo_encounters(agency=agency, count=count, seed=seed, actor=actor)
        created += int(outcome.counts.get("new", 0))
    if agencies:
        encounter_settings_update(
            agency=agencies[0],
            actor=coordinators[0],
            transparency_published=True,
            transparency_note=(
                "Demo data: generated records shaped like a large city's published crisis "
                "data, not real people."
            ),
        )
    say(f"Crisis encounters: {created} created.")
    return created


@transaction.atomic
def demo_load(
    *,
    password: str = DEFAULT_PASSWORD,
    agency_count: int = DEFAULT_AGENCY_COUNT,
    limit: int | None = None,
    data_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Load (or top up) the demo data. Existing agencies, users and resources are left alone."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    data_dir = data_dir if data_dir is not None else shared_data_dir()
    result = DemoResult(password=password)
    result.used_shared_data = (data_dir / "fbi-agencies" / "agencies.csv").is_file()

    # At least two agencies: the demo users belong to the first two.
    specs = demo_agency_specs(max(agency_count, 2), data_dir)
    agencies = _ensure_agencies(specs, result)
    say(f"Agencies: {result.agencies_created} created, {result.agencies_existing} already there.")

    users = _ensure_accounts(agencies, password, result)
    editor, reviewer = users["editor"], users["reviewer"]
    if not editor.is_editor:
        editor = users["admin"]
    if not reviewer.is_reviewer:
        reviewer = users["admin"]

    items = catalog_subset(demo_catalog(), limit)
    existing = set(
        Resource.objects.filter(slug__in=[item.slug for item in items]).values_list(
            "slug", flat=True
        )
    )
    stored_files: list[str] = []
    try:
        for item in items:
            if item.slug in existing:
                result.resources_existing += 1
                continue
            _resource, attachment_count = _load_resource(
                item, editor=editor, reviewer=reviewer, stored_files=stored_files
            )
            result.resources_created += 1
            result.attachments_created += attachment_count
    except BaseException:
        # The database rolls back; the files already stored would otherwise be orphans.
        for name in stored_files:
            default_storage.delete(name)
        raise
    say(
        f"Resources: {result.resources_created} created "
        f"({result.attachments_created} attachments), {result.resources_existing} already there."
    )

    from mhr.core.demo_campaign import campaign_demo_load

    result.campaign = campaign_demo_load(agencies=agencies, users=users, progress=say)
    result.encounters_created = _load_encounters(agencies, users, say)

    result.seconds = time.monotonic() - started
    audit_record(
        event_type=AuditEvent.EventType.DEMO_LOADED,
        actor=users.get("admin"),
        extra={
            "agencies_created": result.agencies_created,
            "resources_created": result.resources_created,
            "attachments_created": result.attachments_created,
            "users_created": sum(1 for row in result.accounts if row.created),
            "shared_data": result.used_shared_data,
            "pledges_created": result.campaign.pledges_created if result.campaign else 0,
            "encounters_created": result.encounters_created,
        },
    )
    return result
