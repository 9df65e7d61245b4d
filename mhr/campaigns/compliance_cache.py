"""A cache of the compliance engine's result per pledge, for the pages people look at.

The largest agency's result takes 150–250 ms to load and compute; coordinators open the dashboard
far more often than the roster changes. Every agency has a facts *version* in the database
(ComplianceFactsVersion) that each roster, training, partnership and policy service raises inside
its own transaction. A result is stored in the Django cache (Redis in production) under a key
naming that version, the digest of the rules and course families, the roles in scope and the day,
so a committed write makes every earlier result unreachable at once, in every process, and a
rolled-back write changes nothing. Rule edits change the digest, so they need no hook.

The version is read before the facts: a reader racing a write can store new facts under the old
version (harmless), never old facts under the new one. After a write commits, a background task
computes the new result so the coordinator's next page is already warm; the daily scheduler warms
every pledge's result for the new day.

A cache that is down is treated as empty: the page computes the result as before. Decisions
(recognition, lapse, the numbers recorded with a review decision) never read this cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mhr.campaigns.compliance import RuleSpec
from mhr.campaigns.models import ComplianceFactsVersion

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A result is keyed by its day, so it is never wanted after that day; the slack covers time zones.
RESULT_SECONDS = 26 * 60 * 60


def rules_digest(rules: RuleSpec, course_families: Iterable[tuple[str, str]] = ()) -> str:
    """A digest of everything in the rules that the engine reads, stable across processes.

    Certificates carry their course's family, so every course type's family counts too.
    """
    described = {
        "courses": sorted(course_families),
        "code": rules.code,
        "elements": list(rules.policy_elements),
        "requirements": [
            [
                r.key,
                r.title,
                r.kind,
                r.coverage_basis,
                str(r.min_percent),
                sorted(r.accepted_courses),
                r.include_non_sworn_in_scope,
                r.course_family,
            ]
            for r in rules.requirements
        ],
    }
    text = json.dumps(described, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def facts_versions(agency_ids: Iterable[int]) -> dict[int, int]:
    """Each agency's facts version (0 before its first write), in one query."""
    ids = list(agency_ids)
    found = dict(
        ComplianceFactsVersion.objects.filter(agency_id__in=ids).values_list("agency_id", "version")
    )
    return {agency_id: found.get(agency_id, 0) for agency_id in ids}


def result_key(
    *,
    agency_id: int,
    version: int,
    rules: RuleSpec,
    course_families: Iterable[tuple[str, str]],
    roles: Iterable[str],
    day: object,
) -> str:
    return ":".join(
        [
            "campaigns:compliance",
            str(agency_id),
            f"v{version}",
            rules_digest(rules, course_families),
            ",".join(sorted(roles)),
            str(day),
        ]
    )


def cached_result(
    *,
    agency_id: int,
    rules: RuleSpec,
    course_families: Iterable[tuple[str, str]],
    roles: Iterable[str],
    day: object,
    compute: Callable[[], T],
) -> T:
    """The cached result for these inputs, or compute() stored for next time."""
    key = result_key(
        agency_id=agency_id,
        version=facts_versions([agency_id])[agency_id],
        rules=rules,
        course_families=course_families,
        roles=roles,
        day=day,
    )
    try:
        found = cache.get(key)
    except Exception:  # a cache outage must not take the page down
        logger.warning("Compliance cache unavailable; computing directly.", exc_info=True)
        return compute()
    if found is not None:
        return found
    result = compute()
    store_results({key: result})
    return result


def store_results(results: dict[str, Any]) -> None:
    try:
        cache.set_many(results, RESULT_SECONDS)
    except Exception:
        logger.warning("Compliance cache unavailable; results not stored.", exc_info=True)


def _warm_after_commit(agency_id: int) -> None:
    from mhr.campaigns.tasks import compliance_warm_task

    try:
        compliance_warm_task.enqueue(agency_id)
    except Exception:  # warming is an optimisation; the page computes on a miss
        logger.warning(
            "Could not queue compliance warming for agency %s.", agency_id, exc_info=True
        )


def compliance_facts_changed(*, agency_id: int) -> None:
    """Call from every service that changes what the engine reads for an agency (in its
    transaction): raises the agency's facts version, and warms the new result after commit."""
    now = timezone.now()
    ComplianceFactsVersion.objects.bulk_create(
        [ComplianceFactsVersion(agency_id=agency_id, version=0, changed_at=now)],
        ignore_conflicts=True,
    )
    ComplianceFactsVersion.objects.filter(agency_id=agency_id).update(
        version=F("version") + 1, changed_at=now
    )
    transaction.on_commit(lambda: _warm_after_commit(agency_id))
