"""The compliance engine: a pure function from a rule version and an agency's facts to the numbers.

No database access here: `mhr.campaigns.selectors` loads the facts and calls `evaluate`.

Decisions the numbers rest on:

- People count when their status is active **or on leave**: officers on leave are still sworn
  members of the agency and must be trained when they return. Separated people never count.
- A certificate counts on a day when it was completed on or before that day and has not expired
  (``expires_on`` is that day or later). Completions dated after the day never count.
- Non-sworn people count only in the roles the agency put in scope, and only for coverage
  requirements with ``include_non_sworn_in_scope``. They are held to the same rule as the sworn
  officers but as a separate group: for a sworn share, the same percentage of them; for
  "remaining sworn", every one of them. A requirement's ``numerator``/``denominator``/
  ``required``/``percent`` are the sworn officers' figures (the rule is worded as a share of sworn
  officers); the in-scope non-sworn figures are in ``non_sworn_numerator``/``non_sworn_denominator``
  /``non_sworn_required``. ``met`` needs both groups; ``shortfall`` and ``lacking_officer_ids``
  include both.
- An agency without active sworn officers meets no coverage requirement (its shortfall is 0 and
  the note says why).
- "Remaining sworn": every counted person must hold a course this requirement accepts or one that
  another coverage requirement of the version accepts (they are counted by that requirement).
- Headline numbers count active sworn officers by course *family* (crisis intervention, MHFA),
  whatever the rule version accepts; ``non_sworn_covered`` counts in-scope non-sworn people holding
  either family.
- Partnership: met when one is in effect on the day (started, not ended); unconfirmed ones count
  and are noted. numerator = partnerships in effect, denominator = all on file. Policy: met once a
  policy is adopted; the latest one's model-policy elements without a page reference are noted.
  Attestation: met when an `AttestationFacts` for the requirement's key is dated on or before the
  day (there is no attestation model yet; callers pass these). These yes/no requirements have
  ``required`` 1, ``shortfall`` 0 and ``percent`` None.
- ``coverage_falls_below_on``: with no new training and the roster as it is, the first day a
  coverage requirement met today stops being met as certificates expire; None when it never does.
- ``expiring_soon``: certificates of counted people, of courses some coverage requirement accepts,
  that expire within 90 days (inclusive); only each person's longest-held certificate per course,
  so a renewed certificate is not listed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import NamedTuple

ACTIVE = "active"
LEAVE = "leave"
SEPARATED = "separated"
COUNTED_STATUSES = frozenset({ACTIVE, LEAVE})

PARTNERSHIP = "partnership"
POLICY = "policy"
TRAINING_COVERAGE = "training_coverage"
ATTESTATION = "attestation"

SWORN_SHARE = "sworn_share"
REMAINING_SWORN = "remaining_sworn"

CRISIS_INTERVENTION = "crisis_intervention"
MENTAL_HEALTH_FIRST_AID = "mental_health_first_aid"

EXPIRING_WINDOW_DAYS = 90

_ONE_DECIMAL = Decimal("0.1")
_HUNDRED = Decimal(100)


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequirementSpec:
    key: str
    title: str
    kind: str
    coverage_basis: str = ""
    min_percent: Decimal | None = None
    # Course type codes that satisfy this requirement.
    accepted_courses: frozenset[str] = frozenset()
    include_non_sworn_in_scope: bool = True
    # The family of the accepted courses ("" when they are mixed): what the shortfall needs.
    course_family: str = ""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    requirements: tuple[RequirementSpec, ...]
    # The model policy's element keys, to name the ones an adopted policy does not cover.
    policy_elements: tuple[str, ...] = ()


# People and certificates are NamedTuples, not dataclasses: the loaders build tens of thousands
# per agency straight from database rows, and tuples are several times cheaper to make.
class PersonFacts(NamedTuple):
    officer_id: int
    is_sworn: bool
    status: str
    role: str


class CertificateFacts(NamedTuple):
    """A completed course. `family` is the course type's family (one per course code)."""

    officer_id: int
    course_code: str
    family: str
    completed_on: datetime.date
    expires_on: datetime.date | None


@dataclass(frozen=True, slots=True)
class PartnershipFacts:
    organization_name: str
    started_on: datetime.date
    ends_on: datetime.date | None
    confirmed: bool


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    title: str
    adopted_on: datetime.date
    covered_elements: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AttestationFacts:
    """The agency attested to an attestation requirement (by key) on a date."""

    requirement_key: str
    attested_on: datetime.date


# --- outputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpiringCertificate:
    officer_id: int
    course_code: str
    expires_on: datetime.date


@dataclass(frozen=True, slots=True)
class RequirementResult:
    key: str
    title: str
    kind: str
    met: bool
    numerator: int
    denominator: int
    percent: Decimal | None
    required: int
    shortfall: int
    needs_course_family: str
    lacking_officer_ids: tuple[int, ...]
    note: str
    non_sworn_numerator: int = 0
    non_sworn_denominator: int = 0
    non_sworn_required: int = 0


@dataclass(frozen=True, slots=True)
class ComplianceResult:
    as_of: datetime.date
    met: bool
    requirements: tuple[RequirementResult, ...]
    active_sworn: int
    cit_qualified: int
    cit_percent: Decimal
    mhfa_qualified: int
    mhfa_percent: Decimal
    covered: int
    covered_percent: Decimal
    non_sworn_in_scope: int
    non_sworn_covered: int
    expiring_soon: tuple[ExpiringCertificate, ...] = field(default=())
    coverage_falls_below_on: datetime.date | None = None

    def requirement(self, key: str) -> RequirementResult:
        for result in self.requirements:
            if result.key == key:
                return result
        raise KeyError(key)


# --- helpers ------------------------------------------------------------------------------------


def percent_of(numerator: int, denominator: int) -> Decimal:
    """numerator/denominator as a percentage with one decimal, half up; 0.0 for an empty base."""
    if denominator <= 0:
        return Decimal("0.0")
    return (Decimal(numerator) * _HUNDRED / Decimal(denominator)).quantize(
        _ONE_DECIMAL, rounding=ROUND_HALF_UP
    )


def required_count(min_percent: Decimal | None, base: int) -> int:
    """How many of `base` people make up `min_percent` percent, rounded up."""
    if base <= 0 or min_percent is None:
        return 0
    share = Decimal(min_percent) * Decimal(base) / _HUNDRED
    return int(share.to_integral_value(rounding=ROUND_CEILING))


def certificate_valid_on(certificate: CertificateFacts, day: datetime.date) -> bool:
    return certificate.completed_on <= day and (
        certificate.expires_on is None or certificate.expires_on >= day
    )


# Holding dates: for each course, the last day each person holds it with no new training
# (``date.max`` when a held certificate never expires); people who do not hold it today are absent.
_Holdings = dict[str, dict[int, datetime.date]]


def _holdings(
    certificates: Iterable[CertificateFacts],
    counted_ids: set[int] | frozenset[int],
    as_of: datetime.date,
) -> tuple[_Holdings, dict[str, set[int]]]:
    """Per-course holding dates and per-family holders on `as_of`, in one pass."""
    held: _Holdings = {}
    family_of: dict[str, str] = {}
    never = datetime.date.max
    for officer_id, code, family, completed_on, expires_on in certificates:
        if completed_on > as_of or officer_id not in counted_ids:
            continue
        until = expires_on or never
        if until < as_of:
            continue
        course = held.get(code)
        if course is None:
            course = held[code] = {}
            family_of[code] = family
        previous = course.get(officer_id)
        if previous is None or until > previous:
            course[officer_id] = until
    families: dict[str, set[int]] = {}
    for code, holders in held.items():
        families.setdefault(family_of[code], set()).update(holders)
    return held, families


def _accepted_until(held: _Holdings, accepted: frozenset[str]) -> dict[int, datetime.date]:
    """Holding dates for any of the accepted courses (the longest one per person)."""
    maps = [held[code] for code in sorted(accepted) if code in held]
    if not maps:
        return {}
    if len(maps) == 1:
        return maps[0]
    merged = dict(maps[0])
    for other in maps[1:]:
        for officer_id, until in other.items():
            if until > merged.get(officer_id, datetime.date.min):
                merged[officer_id] = until
    return merged


def _share_fails_on(untils: list[datetime.date], required: int) -> datetime.date | None:
    """First day fewer than `required` of these holders still hold the course, or None."""
    if required <= 0:
        return None
    finite = sorted(u for u in untils if u != datetime.date.max)
    # After the k-th smallest holding date passes, len(untils) - k people remain.
    drop = len(untils) - required + 1
    if drop <= 0 or drop > len(finite):
        return None
    return finite[drop - 1] + datetime.timedelta(days=1)


@dataclass(slots=True)
class _Group:
    ids: list[int]
    holders: list[int]
    untils: list[datetime.date]


def _coverage_group(ids: list[int], until: dict[int, datetime.date]) -> _Group:
    holders = [i for i in ids if i in until]
    return _Group(ids=ids, holders=holders, untils=[until[i] for i in holders])


def _evaluate_coverage(
    spec: RequirementSpec,
    *,
    others_accepted: frozenset[str],
    sworn: list[int],
    non_sworn: list[int],
    held: _Holdings,
) -> tuple[RequirementResult, datetime.date | None]:
    """One coverage requirement's result and the first day it fails from expiries alone."""
    remaining = spec.coverage_basis == REMAINING_SWORN
    accepted = spec.accepted_courses | others_accepted if remaining else spec.accepted_courses
    until = _accepted_until(held, accepted)
    s = _coverage_group(sworn, until)
    ns = _coverage_group(non_sworn if spec.include_non_sworn_in_scope else [], until)
    if remaining:
        required_s, required_ns = len(s.ids), len(ns.ids)
    else:
        required_s = required_count(spec.min_percent, len(s.ids))
        required_ns = required_count(spec.min_percent, len(ns.ids))
    short_s = max(0, required_s - len(s.holders))
    short_ns = max(0, required_ns - len(ns.holders))
    met = bool(s.ids) and short_s == 0 and short_ns == 0
    lacking_list = [i for i in s.ids if i not in until]
    if ns.ids:
        lacking_list += [i for i in ns.ids if i not in until]
        lacking_list.sort()
    lacking = tuple(lacking_list)

    notes: list[str] = []
    if not s.ids:
        notes.append("No active sworn officers on the roster, so this cannot be met yet.")
    if remaining and others_accepted:
        notes.append(
            "Officers holding a course another coverage requirement accepts count here too."
        )
    if ns.ids:
        notes.append(
            f"In-scope non-sworn staff: {len(ns.holders)} of {len(ns.ids)} hold an accepted course"
            f" ({required_ns} needed)."
        )

    fails_on: datetime.date | None = None
    if met:
        candidates = [
            d
            for d in (
                _share_fails_on(s.untils, required_s),
                _share_fails_on(ns.untils, required_ns),
            )
            if d is not None
        ]
        fails_on = min(candidates) if candidates else None

    result = RequirementResult(
        key=spec.key,
        title=spec.title,
        kind=spec.kind,
        met=met,
        numerator=len(s.holders),
        denominator=len(s.ids),
        percent=percent_of(len(s.holders), len(s.ids)),
        required=required_s,
        shortfall=short_s + short_ns,
        needs_course_family=spec.course_family if short_s + short_ns else "",
        lacking_officer_ids=lacking,
        note=" ".join(notes),
        non_sworn_numerator=len(ns.holders),
        non_sworn_denominator=len(ns.ids),
        non_sworn_required=required_ns,
    )
    return result, fails_on


def _evaluate_partnership(
    spec: RequirementSpec, partnerships: Sequence[PartnershipFacts], as_of: datetime.date
) -> RequirementResult:
    active = [
        p
        for p in partnerships
        if p.started_on <= as_of and (p.ends_on is None or p.ends_on >= as_of)
    ]
    unconfirmed = sum(1 for p in active if not p.confirmed)
    if not active:
        note = "No partnership is in effect on this date."
    elif unconfirmed:
        note = f"{unconfirmed} of {len(active)} partnerships in effect are not yet confirmed by the partner."
    else:
        note = ""
    return _yes_no(
        spec, bool(active), numerator=len(active), denominator=len(partnerships), note=note
    )


def _element_label(key: str) -> str:
    # The enum only names the elements; importing it touches no database.
    from mhr.campaigns.models import PolicyDocument

    try:
        return str(PolicyDocument.Element(key).label)
    except ValueError:
        return key


def _evaluate_policy(
    spec: RequirementSpec,
    policies: Sequence[PolicyFacts],
    elements: tuple[str, ...],
    as_of: datetime.date,
) -> RequirementResult:
    adopted = [p for p in policies if p.adopted_on <= as_of]
    if not adopted:
        return _yes_no(
            spec, False, numerator=0, denominator=1, note="No policy adopted by this date."
        )
    latest = max(adopted, key=lambda p: (p.adopted_on, p.title))
    missing = [e for e in elements if e not in latest.covered_elements]
    note = (
        "Model-policy elements without a page reference: "
        f"{'; '.join(_element_label(e) for e in missing)}."
        if missing
        else ""
    )
    return _yes_no(spec, True, numerator=1, denominator=1, note=note)


def _evaluate_attestation(
    spec: RequirementSpec, attestations: Sequence[AttestationFacts], as_of: datetime.date
) -> RequirementResult:
    attested = any(a.requirement_key == spec.key and a.attested_on <= as_of for a in attestations)
    note = "" if attested else "Not attested yet."
    return _yes_no(spec, attested, numerator=int(attested), denominator=1, note=note)


def _yes_no(
    spec: RequirementSpec, met: bool, *, numerator: int, denominator: int, note: str
) -> RequirementResult:
    return RequirementResult(
        key=spec.key,
        title=spec.title,
        kind=spec.kind,
        met=met,
        numerator=numerator,
        denominator=denominator,
        percent=None,
        required=1,
        shortfall=0,
        needs_course_family="",
        lacking_officer_ids=(),
        note=note,
    )


def _expiring_soon(
    held: _Holdings, watched_courses: frozenset[str], as_of: datetime.date
) -> tuple[ExpiringCertificate, ...]:
    """Held certificates that run out within the window; a renewed one (held longer) is not listed."""
    horizon = as_of + datetime.timedelta(days=EXPIRING_WINDOW_DAYS)
    found = [
        ExpiringCertificate(officer_id, code, until)
        for code, holders in held.items()
        if code in watched_courses
        for officer_id, until in holders.items()
        if until <= horizon
    ]
    return tuple(sorted(found, key=lambda e: (e.expires_on, e.officer_id, e.course_code)))


# --- the engine ---------------------------------------------------------------------------------


def evaluate(
    *,
    rules: RuleSpec,
    people: Sequence[PersonFacts],
    certificates: Sequence[CertificateFacts],
    partnerships: Sequence[PartnershipFacts],
    policies: Sequence[PolicyFacts],
    non_sworn_roles_in_scope: frozenset[str],
    as_of: datetime.date,
    attestations: Sequence[AttestationFacts] = (),
) -> ComplianceResult:
    """Judge an agency's facts against a rule version on `as_of`."""
    counted = [p for p in people if p.status in COUNTED_STATUSES]
    # Tuples sort by officer id first; whole-tuple order also settles a repeated id the same way
    # whatever the input order (the last one wins).
    counted.sort()
    sworn = [p.officer_id for p in counted if p.is_sworn]
    non_sworn = [
        p.officer_id for p in counted if not p.is_sworn and p.role in non_sworn_roles_in_scope
    ]
    counted_ids = set(sworn)
    counted_ids.update(non_sworn)
    if len(counted_ids) != len(sworn) + len(non_sworn):
        counted = list({p.officer_id: p for p in counted}.values())
        sworn = [p.officer_id for p in counted if p.is_sworn]
        non_sworn = [
            p.officer_id for p in counted if not p.is_sworn and p.role in non_sworn_roles_in_scope
        ]
    held, families = _holdings(certificates, counted_ids, as_of)

    coverage_specs = [r for r in rules.requirements if r.kind == TRAINING_COVERAGE]
    results: list[RequirementResult] = []
    fail_dates: list[datetime.date] = []
    for spec in rules.requirements:
        if spec.kind == TRAINING_COVERAGE:
            others: frozenset[str] = frozenset().union(
                *(o.accepted_courses for o in coverage_specs if o.key != spec.key)
            )
            result, fails_on = _evaluate_coverage(
                spec, others_accepted=others, sworn=sworn, non_sworn=non_sworn, held=held
            )
            if fails_on is not None:
                fail_dates.append(fails_on)
        elif spec.kind == PARTNERSHIP:
            result = _evaluate_partnership(spec, partnerships, as_of)
        elif spec.kind == POLICY:
            result = _evaluate_policy(spec, policies, rules.policy_elements, as_of)
        elif spec.kind == ATTESTATION:
            result = _evaluate_attestation(spec, attestations, as_of)
        else:
            result = _yes_no(
                spec,
                False,
                numerator=0,
                denominator=0,
                note=f"Unknown requirement kind {spec.kind!r}.",
            )
        results.append(result)

    # Family-wide headline numbers for sworn officers, whatever the rule version accepts.
    sworn_set = set(sworn)
    cit_ids = families.get(CRISIS_INTERVENTION, set()) & sworn_set
    mhfa_ids = families.get(MENTAL_HEALTH_FIRST_AID, set()) & sworn_set
    cit, mhfa, covered = len(cit_ids), len(mhfa_ids), len(cit_ids | mhfa_ids)
    trained = families.get(CRISIS_INTERVENTION, set()) | families.get(
        MENTAL_HEALTH_FIRST_AID, set()
    )
    non_sworn_covered = len(trained.intersection(non_sworn))

    watched: frozenset[str] = frozenset().union(*(s.accepted_courses for s in coverage_specs))
    return ComplianceResult(
        as_of=as_of,
        met=all(r.met for r in results),
        requirements=tuple(results),
        active_sworn=len(sworn),
        cit_qualified=cit,
        cit_percent=percent_of(cit, len(sworn)),
        mhfa_qualified=mhfa,
        mhfa_percent=percent_of(mhfa, len(sworn)),
        covered=covered,
        covered_percent=percent_of(covered, len(sworn)),
        non_sworn_in_scope=len(non_sworn),
        non_sworn_covered=non_sworn_covered,
        expiring_soon=_expiring_soon(held, watched, as_of),
        coverage_falls_below_on=min(fail_dates) if fail_dates else None,
    )


def result_as_dict(result: ComplianceResult) -> dict[str, object]:
    """A JSON-ready dict: dates as ISO strings, percentages as numbers with one decimal."""

    def plain(value: object) -> object:
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if hasattr(value, "__dataclass_fields__"):
            return {name: plain(getattr(value, name)) for name in value.__dataclass_fields__}
        return value

    data = plain(result)
    assert isinstance(data, dict)
    return data


__all__ = [
    "AttestationFacts",
    "CertificateFacts",
    "ComplianceResult",
    "ExpiringCertificate",
    "PartnershipFacts",
    "PersonFacts",
    "PolicyFacts",
    "RequirementResult",
    "RequirementSpec",
    "RuleSpec",
    "certificate_valid_on",
    "evaluate",
    "percent_of",
    "required_count",
    "result_as_dict",
]
