"""Reads for the pledge campaign: load an agency's facts and run the compliance engine on them.

Every loader uses a fixed number of queries whatever the roster size (values_list, no per-officer
queries). Certificates are filtered in SQL to those valid on the day, which is all the engine
needs: expired and future-dated ones can never count.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from django.db.models import Q, QuerySet
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.campaigns import compliance_cache
from mhr.campaigns.compliance import (
    CertificateFacts,
    ComplianceResult,
    PartnershipFacts,
    PersonFacts,
    PolicyFacts,
    RequirementSpec,
    RuleSpec,
    evaluate,
)
from mhr.campaigns.models import (
    CourseType,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    Requirement,
    RuleVersion,
    TrainingRecord,
)

POLICY_ELEMENTS: tuple[str, ...] = tuple(PolicyDocument.Element.values)
COUNTED_STATUSES = (Officer.Status.ACTIVE, Officer.Status.LEAVE)

AgencyIds = QuerySet | list[int]
# SQLite allows 999 bound parameters in older builds.
_MAX_IN_LIST = 900


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of fact tuples are built.

    The facts hold no reference cycles, yet allocating them triggers repeated collections that
    walk every object in the process; pausing them roughly halves a large agency's load time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _today() -> datetime.date:
    return timezone.localdate()


def rule_specs_for(rule_version_ids: Iterable[int]) -> dict[int, RuleSpec]:
    """RuleSpecs for several rule versions in two queries."""
    ids = sorted(set(rule_version_ids))
    accepted: dict[int, list[tuple[str, str]]] = defaultdict(list)
    through = Requirement.accepted_courses.through
    for requirement_id, code, family in through.objects.filter(
        requirement__rule_version_id__in=ids
    ).values_list("requirement_id", "coursetype__code", "coursetype__family"):
        accepted[requirement_id].append((code, family))
    by_version: dict[int, list[RequirementSpec]] = defaultdict(list)
    rows = Requirement.objects.filter(rule_version_id__in=ids).order_by(
        "rule_version_id", "position", "id"
    )
    codes: dict[int, str] = {}
    for (
        pk,
        version_id,
        version_code,
        key,
        title,
        kind,
        basis,
        percent,
        non_sworn,
    ) in rows.values_list(
        "pk",
        "rule_version_id",
        "rule_version__code",
        "key",
        "title",
        "kind",
        "coverage_basis",
        "min_percent",
        "include_non_sworn_in_scope",
    ):
        codes[version_id] = version_code
        families = {family for _, family in accepted[pk]}
        by_version[version_id].append(
            RequirementSpec(
                key=key,
                title=title,
                kind=kind,
                coverage_basis=basis,
                min_percent=percent,
                accepted_courses=frozenset(code for code, _ in accepted[pk]),
                include_non_sworn_in_scope=non_sworn,
                course_family=families.pop() if len(families) == 1 else "",
            )
        )
    return {
        version_id: RuleSpec(
            code=codes.get(version_id, ""),
            requirements=tuple(by_version.get(version_id, ())),
            policy_elements=POLICY_ELEMENTS,
        )
        for version_id in ids
    }


def rule_spec_for(rule_version: RuleVersion) -> RuleSpec:
    spec = rule_specs_for([rule_version.pk])[rule_version.pk]
    return RuleSpec(
        code=rule_version.code, requirements=spec.requirements, policy_elements=POLICY_ELEMENTS
    )


# --- fact loaders: one query each, for one agency or many ------------------------------------------
# Rows come back in the facts' field order, so one agency's rows become facts with `_make` and no
# per-row Python code; several agencies' rows carry the agency id first and are grouped.

_PERSON_FIELDS = ("pk", "is_sworn", "status", "role")
_CERTIFICATE_FIELDS = (
    "officer_id",
    "course_type__code",
    "course_type__family",
    "completed_on",
    "expires_on",
)


# tuple.__new__ bound to the facts class: turns a row into facts in C, with no Python frame per row
# (NamedTuple._make costs a Python call each). The SELECT lists guarantee the field count.
_as_person = partial(tuple.__new__, PersonFacts)
_as_certificate = partial(tuple.__new__, CertificateFacts)


def _people_rows(agency_ids: AgencyIds) -> QuerySet:
    return Officer.objects.filter(agency_id__in=agency_ids, status__in=COUNTED_STATUSES).order_by()


def _certificate_rows(agency_ids: AgencyIds, as_of: datetime.date) -> QuerySet:
    # Only certificates valid on the day can count; expired and future ones stay in the database.
    return (
        TrainingRecord.objects.filter(agency_id__in=agency_ids, completed_on__lte=as_of)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=as_of))
        .order_by()
    )


def _people(agency_id: int, roles: frozenset[str]) -> list[PersonFacts]:
    # Non-sworn staff outside the roles in scope never count: leave them in the database.
    in_scope = Q(is_sworn=True) | Q(role__in=sorted(roles)) if roles else Q(is_sworn=True)
    rows = _people_rows([agency_id]).filter(in_scope).values_list(*_PERSON_FIELDS)
    return list(map(_as_person, rows))


def _certificates(agency_id: int, as_of: datetime.date) -> list[CertificateFacts]:
    rows = _certificate_rows([agency_id], as_of).values_list(*_CERTIFICATE_FIELDS)
    return list(map(_as_certificate, rows))


def _grouped_people(agency_ids: AgencyIds) -> dict[int, list[PersonFacts]]:
    grouped: dict[int, list[PersonFacts]] = defaultdict(list)
    make = _as_person
    for row in _people_rows(agency_ids).values_list("agency_id", *_PERSON_FIELDS):
        grouped[row[0]].append(make(row[1:]))
    return grouped


def _grouped_certificates(
    agency_ids: AgencyIds, as_of: datetime.date
) -> dict[int, list[CertificateFacts]]:
    grouped: dict[int, list[CertificateFacts]] = defaultdict(list)
    make = _as_certificate
    for row in _certificate_rows(agency_ids, as_of).values_list("agency_id", *_CERTIFICATE_FIELDS):
        grouped[row[0]].append(make(row[1:]))
    return grouped


def _partnerships(agency_ids: AgencyIds) -> dict[int, list[PartnershipFacts]]:
    grouped: dict[int, list[PartnershipFacts]] = defaultdict(list)
    rows = Partnership.objects.filter(agency_id__in=agency_ids).values_list(
        "agency_id", "organization_name", "started_on", "ends_on", "confirmed_at"
    )
    for agency_id, name, started, ends, confirmed_at in rows:
        grouped[agency_id].append(PartnershipFacts(name, started, ends, confirmed_at is not None))
    return grouped


def _policies(agency_ids: AgencyIds) -> dict[int, list[PolicyFacts]]:
    grouped: dict[int, list[PolicyFacts]] = defaultdict(list)
    rows = PolicyDocument.objects.filter(agency_id__in=agency_ids).values_list(
        "agency_id", "title", "adopted_on", "element_pages"
    )
    for agency_id, title, adopted, pages in rows:
        covered = frozenset(key for key, where in (pages or {}).items() if str(where).strip())
        grouped[agency_id].append(PolicyFacts(title, adopted, covered))
    return grouped


def _roles(value: object) -> frozenset[str]:
    if isinstance(value, list | tuple):
        return frozenset(str(role) for role in value)
    return frozenset()


# --- the public loaders -----------------------------------------------------------------------------


def agency_compliance(
    agency: Agency,
    rule_version: RuleVersion,
    *,
    non_sworn_roles_in_scope: frozenset[str] = frozenset(),
    as_of: datetime.date | None = None,
) -> ComplianceResult:
    """The engine's result for an agency's current data under a rule version (6 queries)."""
    day = as_of or _today()
    ids = [agency.pk]
    with _collector_paused():
        return evaluate(
            rules=rule_spec_for(rule_version),
            people=_people(agency.pk, non_sworn_roles_in_scope),
            certificates=_certificates(agency.pk, day),
            partnerships=_partnerships(ids).get(agency.pk, []),
            policies=_policies(ids).get(agency.pk, []),
            non_sworn_roles_in_scope=non_sworn_roles_in_scope,
            as_of=day,
        )


def pledge_compliance(
    pledge: Pledge, *, as_of: datetime.date | None = None, cached: bool = False
) -> ComplianceResult:
    """The engine's result for a pledge, judged by the rule version it was made under.

    `cached=True` is for pages and reads (see compliance_cache); decisions compute afresh.
    """
    day = as_of or _today()
    ids = [pledge.agency_id]
    rules = rule_specs_for([pledge.rule_version_id])[pledge.rule_version_id]
    roles = _roles(pledge.non_sworn_roles_in_scope)

    def compute() -> ComplianceResult:
        with _collector_paused():
            return evaluate(
                rules=rules,
                people=_people(pledge.agency_id, roles),
                certificates=_certificates(pledge.agency_id, day),
                partnerships=_partnerships(ids).get(pledge.agency_id, []),
                policies=_policies(ids).get(pledge.agency_id, []),
                non_sworn_roles_in_scope=roles,
                as_of=day,
            )

    if not cached:
        return compute()
    families = CourseType.objects.values_list("code", "family")
    return compliance_cache.cached_result(
        agency_id=pledge.agency_id,
        rules=rules,
        course_families=list(families),
        roles=roles,
        day=day,
        compute=compute,
    )


def evaluate_all_pledges(
    as_of: datetime.date | None = None, *, pledges: QuerySet[Pledge] | None = None
) -> dict[int, ComplianceResult]:
    """Every pledge's result, keyed by pledge id: the daily re-evaluation.

    Loads all facts of all pledged agencies in a few large queries and groups them in Python,
    so the query count does not grow with the number of pledges or officers.
    """
    day = as_of or _today()
    base = Pledge.objects.all() if pledges is None else pledges
    rows = list(
        base.order_by("pk").values_list(
            "pk", "agency_id", "rule_version_id", "non_sworn_roles_in_scope"
        )
    )
    if not rows:
        return {}
    agency_ids = base.order_by().values("agency_id")
    specs = rule_specs_for(version_id for _, _, version_id, _ in rows)
    with _collector_paused():
        people = _grouped_people(agency_ids)
        certificates = _grouped_certificates(agency_ids, day)
        partnerships = _partnerships(agency_ids)
        policies = _policies(agency_ids)
        return {
            pledge_id: evaluate(
                rules=specs[version_id],
                people=people.get(agency_id, []),
                certificates=certificates.get(agency_id, []),
                partnerships=partnerships.get(agency_id, []),
                policies=policies.get(agency_id, []),
                non_sworn_roles_in_scope=_roles(roles),
                as_of=day,
            )
            for pledge_id, agency_id, version_id, roles in rows
        }


def compliance_cache_warm(
    *, agency_id: int | None = None, as_of: datetime.date | None = None
) -> int:
    """Compute and cache the day's result of every pledge (or one agency's) for the pages.

    The versions are read before the facts, as in compliance_cache.cached_result. Returns how
    many results were stored.
    """
    day = as_of or _today()
    pledges = (
        Pledge.objects.all() if agency_id is None else Pledge.objects.filter(agency_id=agency_id)
    )
    rows = list(
        pledges.order_by().values_list(
            "pk", "agency_id", "rule_version_id", "non_sworn_roles_in_scope"
        )
    )
    if not rows:
        return 0
    versions = compliance_cache.facts_versions({agency for _, agency, _, _ in rows})
    families = list(CourseType.objects.values_list("code", "family"))
    specs = rule_specs_for(version_id for _, _, version_id, _ in rows)
    results = evaluate_all_pledges(day, pledges=pledges)
    stored = {
        compliance_cache.result_key(
            agency_id=agency,
            version=versions[agency],
            rules=specs[version_id],
            course_families=families,
            roles=_roles(roles),
            day=day,
        ): results[pledge_id]
        for pledge_id, agency, version_id, roles in rows
        if pledge_id in results
    }
    compliance_cache.store_results(stored)
    return len(stored)


# --- rows for the dashboard ---------------------------------------------------------------------


def officers_by_id(agency: Agency, officer_ids: Sequence[int]) -> dict[int, Officer]:
    """The agency's Officer rows for these ids (others' ids are ignored), in one query."""
    wanted = set(officer_ids)
    rows = Officer.objects.filter(agency=agency)
    if len(wanted) <= _MAX_IN_LIST:
        rows = rows.filter(pk__in=sorted(wanted))
    return {officer.pk: officer for officer in rows if officer.pk in wanted}


def officers_lacking(
    agency: Agency, result: ComplianceResult, requirement_key: str, *, limit: int | None = None
) -> list[Officer]:
    """Officers who lack a requirement's qualifying training, by name, in one query."""
    ids = result.requirement(requirement_key).lacking_officer_ids
    rows = Officer.objects.filter(agency=agency).order_by("last_name", "first_name", "employee_id")
    if len(ids) <= _MAX_IN_LIST:
        found = list(rows.filter(pk__in=list(ids)))
    else:
        # Too many ids for one IN list on SQLite: read the roster once and keep the lacking.
        wanted = set(ids)
        found = [officer for officer in rows if officer.pk in wanted]
    return found[:limit] if limit is not None else found
