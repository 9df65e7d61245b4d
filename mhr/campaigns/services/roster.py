"""Writes for an agency's roster and training records, one at a time or in bulk.

Single writes validate with full_clean and audit each change. Bulk upserts (file imports, the
API) apply a plan from mhr.campaigns.imports.diff with bulk_create/bulk_update in batches and
write one audit row for the whole batch: a 40,000-row roster is one auditable act, not 40,000.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.imports.diff import RosterPlan, TrainingPlan, plan_roster, plan_training
from mhr.campaigns.imports.parsing import add_months
from mhr.campaigns.imports.rows import ROSTER_FIELDS, TRAINING_FIELDS, RosterRow, TrainingRow
from mhr.campaigns.models import CourseType, Officer, TrainingRecord

EDITABLE_OFFICER_FIELDS = (
    "employee_id",
    "first_name",
    "last_name",
    "is_sworn",
    "role",
    "unit",
    "hire_date",
    "status",
    "status_since",
)
CREATE_BATCH = 1000
UPDATE_BATCH = 500
SEPARATE_BATCH = 1000


def _today() -> datetime.date:
    return timezone.now().date()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def default_role(is_sworn: bool) -> str:
    return Officer.Role.PATROL if is_sworn else Officer.Role.CIVILIAN


@transaction.atomic
def officer_create(
    *,
    agency: Agency,
    actor: Any,
    employee_id: str,
    first_name: str,
    last_name: str,
    is_sworn: bool,
    role: str = "",
    unit: str = "",
    hire_date: datetime.date | None = None,
    status: str = Officer.Status.ACTIVE,
    status_since: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Officer:
    now = timezone.now()
    officer = Officer(
        agency=agency,
        employee_id=employee_id.strip(),
        first_name=" ".join(first_name.split()),
        last_name=" ".join(last_name.split()),
        is_sworn=is_sworn,
        role=role or default_role(is_sworn),
        unit=" ".join(unit.split()),
        hire_date=hire_date,
        status=status,
        status_since=status_since,
        created_at=now,
        updated_at=now,
    )
    officer.full_clean()
    officer.save()
    audit_record(
        event_type=AuditEvent.EventType.OFFICER_CREATED,
        actor=actor,
        agency=agency,
        target=officer,
        request=request,
    )
    return officer


@transaction.atomic
def officer_update(
    *, officer: Officer, actor: Any, request: HttpRequest | None = None, **fields: Any
) -> Officer:
    """Change some of an officer's fields. A new status without a date dates from today."""
    unknown = set(fields) - set(EDITABLE_OFFICER_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown officer fields: {', '.join(sorted(unknown))}.")
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    changes: dict[str, list[Any]] = {}
    old_since = officer.status_since
    for name, value in fields.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        old = getattr(officer, name)
        if old != value:
            changes[name] = [_jsonable(old), _jsonable(value)]
            setattr(officer, name, value)
    if "status" in changes and "status_since" not in fields and old_since != _today():
        officer.status_since = _today()
        changes["status_since"] = [_jsonable(old_since), _jsonable(officer.status_since)]
    if not changes:
        return officer
    officer.updated_at = timezone.now()
    officer.full_clean()
    officer.save(update_fields=[*changes, "updated_at"])
    audit_record(
        event_type=AuditEvent.EventType.OFFICER_CHANGED,
        actor=actor,
        agency=officer.agency,
        target=officer,
        request=request,
        extra={"changes": changes},
    )
    return officer


@transaction.atomic
def officer_separate(
    *,
    officer: Officer,
    actor: Any,
    on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Officer:
    """Mark an officer as separated. Training records are kept: the history stays true."""
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if officer.status == Officer.Status.SEPARATED:
        raise ValidationError(f"{officer} is already separated.")
    on = on or _today()
    if on > _today():
        raise ValidationError("A separation date cannot be in the future.")
    old = officer.status
    officer.status = Officer.Status.SEPARATED
    officer.status_since = on
    officer.updated_at = timezone.now()
    officer.save(update_fields=["status", "status_since", "updated_at"])
    audit_record(
        event_type=AuditEvent.EventType.OFFICER_SEPARATED,
        actor=actor,
        agency=officer.agency,
        target=officer,
        request=request,
        extra={"status": [old, officer.status], "on": on.isoformat()},
    )
    return officer


def _check_certificate(certificate: IO[bytes]) -> None:
    size = getattr(certificate, "size", None)
    certificate.seek(0)
    head = certificate.read(1024)
    certificate.seek(0)
    if size is not None and size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError({"certificate": "The certificate file is too large."})
    if b"%PDF-" not in head:
        raise ValidationError({"certificate": "The certificate must be a PDF file."})


@transaction.atomic
def training_record_create(
    *,
    officer: Officer,
    actor: Any,
    course_type: CourseType,
    completed_on: datetime.date,
    provider: str = "",
    hours: Decimal | None = None,
    expires_on: datetime.date | None = None,
    certificate: IO[bytes] | None = None,
    source: str = TrainingRecord.Source.MANUAL,
    request: HttpRequest | None = None,
) -> TrainingRecord:
    """Record a completed course. Without an expiry, it follows the course's validity."""
    if completed_on > _today():
        raise ValidationError({"completed_on": "The completion date cannot be in the future."})
    if expires_on is None and course_type.validity_months:
        expires_on = add_months(completed_on, course_type.validity_months)
    if expires_on is not None and expires_on < completed_on:
        raise ValidationError({"expires_on": "The expiry date is before the completion date."})
    if TrainingRecord.objects.filter(
        officer=officer, course_type=course_type, completed_on=completed_on
    ).exists():
        raise ValidationError(
            f"{officer} already has {course_type.name} completed on {completed_on:%Y-%m-%d}."
        )
    record = TrainingRecord(
        officer=officer,
        agency_id=officer.agency_id,
        course_type=course_type,
        provider=" ".join(provider.split()),
        completed_on=completed_on,
        hours=hours,
        expires_on=expires_on,
        source=source,
        created_at=timezone.now(),
    )
    if certificate is not None:
        _check_certificate(certificate)
        record.certificate.save("certificate.pdf", File(certificate), save=False)
    record.full_clean()
    record.save()
    audit_record(
        event_type=AuditEvent.EventType.TRAINING_RECORDED,
        actor=actor,
        agency=officer.agency,
        target=record,
        request=request,
        extra={"officer": officer.employee_id, "course": course_type.code},
    )
    return record


# Bulk upserts


def lock_agency(agency: Agency) -> None:
    """Serialise bulk writes to one agency's roster (PostgreSQL row lock; SQLite locks anyway)."""
    Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk").first()


def _update_each(
    model: type[models.Model],
    agency: Agency,
    names: Sequence[str],
    changes: Sequence[tuple[int, Sequence[Any]]],
) -> None:
    """UPDATE … WHERE id = %s AND agency_id = %s for each (id, values), as one executemany.

    Django's bulk_update builds a CASE expression per field and row, which costs about a second
    per thousand rows in expression resolution alone; an executemany of one short statement
    (pipelined by psycopg) is an order of magnitude faster and reads plainly.
    """
    if not changes:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in names]
    assignments = ", ".join(f"{quote(cast(str, field.column))} = %s" for field in fields)
    # Identifiers come from model metadata, never from input; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote('id')} = %s AND {quote('agency_id')} = %s"  # nosec B608 # identifiers come from model metadata; values are parameters
    )
    params = [
        [
            *(
                field.get_db_prep_value(value, connection)
                for field, value in zip(fields, values, strict=True)
            ),
            pk,
            agency.pk,
        ]
        for pk, values in changes
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, UPDATE_BATCH):
            cursor.executemany(sql, chunk)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def roster_apply(
    *,
    agency: Agency,
    actor: Any,
    plan: RosterPlan,
    batch: Any = None,
    request: HttpRequest | None = None,
    via: str = "import",
) -> dict[str, int]:
    """Write a roster plan: create, update and separate in batches, then one audit row."""
    if plan.errors:
        raise ValidationError("The roster has errors; nothing was changed.")
    now = timezone.now()
    Officer.objects.bulk_create(
        [
            Officer(
                agency=agency,
                employee_id=row.employee_id,
                first_name=row.first_name,
                last_name=row.last_name,
                is_sworn=row.is_sworn,
                role=row.role,
                unit=row.unit,
                hire_date=row.hire_date,
                status=row.status,
                status_since=row.status_since,
                created_at=now,
                updated_at=now,
            )
            for row in plan.new
        ],
        batch_size=CREATE_BATCH,
    )
    # One statement per set of changed fields, so unchanged fields are never written.
    groups: dict[tuple[str, ...], list[tuple[int, list[Any]]]] = defaultdict(list)
    for update in plan.updated:
        names = tuple(sorted(update.changes))
        values = [update.changes[name][1] for name in names]
        groups[names].append((update.officer.id, [*values, now]))
    for names, changes in groups.items():
        _update_each(Officer, agency, [*names, "updated_at"], changes)
    separated_ids = [officer.id for officer in plan.separated]
    for ids in _chunks(separated_ids, SEPARATE_BATCH):
        Officer.objects.filter(agency=agency, id__in=ids).update(
            status=Officer.Status.SEPARATED, status_since=plan.as_of, updated_at=now
        )
    counts = plan.counts()
    audit_record(
        event_type=AuditEvent.EventType.ROSTER_IMPORTED,
        actor=actor,
        agency=agency,
        target=batch,
        request=request,
        extra={"via": via, "full_roster": plan.full_roster, **counts},
    )
    return counts


@transaction.atomic
def roster_upsert(
    *,
    agency: Agency,
    actor: Any,
    rows: Sequence[RosterRow],
    provided: Iterable[str] | None = None,
    full_roster: bool = False,
    as_of: datetime.date | None = None,
    request: HttpRequest | None = None,
    via: str = "api",
) -> RosterPlan:
    """Create or update officers keyed on employee id (and with `full_roster`, separate the rest).

    `provided` names the fields the caller supplies (default: all); others are left as they are.
    Rows must already be validated, e.g. by mhr.campaigns.imports.convert.
    """
    lock_agency(agency)
    plan = plan_roster(
        agency=agency,
        rows=rows,
        provided=provided if provided is not None else [f.name for f in ROSTER_FIELDS],
        full_roster=full_roster,
        as_of=as_of or _today(),
    )
    roster_apply(agency=agency, actor=actor, plan=plan, request=request, via=via)
    return plan


@transaction.atomic
def training_apply(
    *,
    agency: Agency,
    actor: Any,
    plan: TrainingPlan,
    batch: Any = None,
    source: str = TrainingRecord.Source.IMPORT,
    request: HttpRequest | None = None,
    via: str = "import",
) -> dict[str, int]:
    """Write a training plan in batches, then one audit row."""
    if plan.errors:
        raise ValidationError("The training records have errors; nothing was changed.")
    now = timezone.now()
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                officer_id=officer_id,
                agency=agency,
                course_type_id=row.course_type_id,
                provider=row.provider,
                completed_on=row.completed_on,
                hours=row.hours,
                expires_on=row.expires_on,
                source=source,
                created_at=now,
            )
            for officer_id, row in plan.new
        ],
        batch_size=CREATE_BATCH,
    )
    groups: dict[tuple[str, ...], list[tuple[int, list[Any]]]] = defaultdict(list)
    for update in plan.updated:
        names = tuple(sorted(update.changes))
        groups[names].append((update.record.id, [update.changes[name][1] for name in names]))
    for names, changes in groups.items():
        _update_each(TrainingRecord, agency, names, changes)
    counts = plan.counts()
    audit_record(
        event_type=AuditEvent.EventType.TRAINING_IMPORTED,
        actor=actor,
        agency=agency,
        target=batch,
        request=request,
        extra={"via": via, **counts},
    )
    return counts


@transaction.atomic
def training_upsert(
    *,
    agency: Agency,
    actor: Any,
    rows: Sequence[TrainingRow],
    provided: Iterable[str] | None = None,
    source: str = TrainingRecord.Source.API,
    request: HttpRequest | None = None,
    via: str = "api",
) -> TrainingPlan:
    """Create or update training records keyed on (employee id, course, completion date).

    Raises ValidationError naming the unknown employee ids when any row is not on the roster.
    """
    lock_agency(agency)
    plan = plan_training(
        agency=agency,
        rows=rows,
        provided=provided if provided is not None else [f.name for f in TRAINING_FIELDS],
    )
    if plan.errors:
        raise ValidationError([str(issue) for issue in plan.errors.items])
    training_apply(agency=agency, actor=actor, plan=plan, source=source, request=request, via=via)
    return plan
