"""Writes for an agency's roster and training records, one at a time or in bulk.

Single writes validate with full_clean and audit each change. Bulk upserts (file imports, the
API) apply a plan from mhr.campaigns.imports.diff with bulk_create/bulk_update in batches and
write one audit row for the whole batch: a 40,000-row roster is one auditable act, not 40,000.
"""

from __future__ import annotations

import datetime
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.compliance_cache import compliance_facts_changed
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
    compliance_facts_changed(agency_id=agency.pk)
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
    compliance_facts_changed(agency_id=officer.agency_id)
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
    compliance_facts_changed(agency_id=officer.agency_id)
    audit_record(
        event_type=AuditEvent.EventType.OFFICER_SEPARATED,
        actor=actor,
        agency=officer.agency,
        target=officer,
        request=request,
        extra={"status": [old, officer.status], "on": on.isoformat()},
    )
    return officer


# Certificates are identified by their first bytes, never by name or browser content type.
CERTIFICATE_KINDS = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
TRAINING_CHANGED = "training.changed"
TRAINING_REMOVED = "training.removed"
EDITABLE_TRAINING_FIELDS = ("course_type", "provider", "completed_on", "hours", "expires_on")


def _certificate_kind(data: bytes) -> str | None:
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


def _image_is_readable(data: bytes, kind: str) -> bool:
    # Pillow comes with WeasyPrint; verify() checks the structure without decoding pixels.
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            expected = "PNG" if kind == "png" else "JPEG"
            image.verify()
            return image.format == expected
    except Exception:  # Pillow raises many kinds for damaged files
        return False


def _certificate_content(certificate: IO[bytes]) -> tuple[str, bytes]:
    """(extension, bytes) of a valid certificate; ValidationError naming the problem otherwise."""
    limit = settings.MAX_UPLOAD_BYTES
    certificate.seek(0)
    data = certificate.read(limit + 1)
    certificate.seek(0)
    if len(data) > limit:
        raise ValidationError(
            {"certificate": f"The certificate file is too large: the limit is {limit // 2**20} MB."}
        )
    if not data:
        raise ValidationError({"certificate": "The certificate file is empty."})
    kind = _certificate_kind(data)
    if kind is None:
        raise ValidationError(
            {
                "certificate": "The certificate must be a PDF file or a PNG or JPEG image; "
                "the file's contents are checked, not its name."
            }
        )
    if kind != "pdf" and not _image_is_readable(data, kind):
        raise ValidationError(
            {"certificate": "The certificate image could not be read. It may be damaged."}
        )
    return kind, data


def _store_certificate(record: TrainingRecord, certificate: IO[bytes]) -> str:
    """Save a checked certificate under a generated name on `record` (not yet saved)."""
    kind, data = _certificate_content(certificate)
    storage = record.certificate.storage
    record.certificate.name = storage.save(
        f"certificates/{uuid.uuid4().hex}.{kind}", ContentFile(data)
    )
    return record.certificate.name


def _delete_file_after_commit(storage: Any, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _check_training_dates(completed_on: datetime.date, expires_on: datetime.date | None) -> None:
    if completed_on > _today():
        raise ValidationError({"completed_on": "The completion date cannot be in the future."})
    if expires_on is not None and expires_on < completed_on:
        raise ValidationError({"expires_on": "The expiry date is before the completion date."})


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
    if expires_on is None and course_type.validity_months:
        expires_on = add_months(completed_on, course_type.validity_months)
    _check_training_dates(completed_on, expires_on)
    _check_duplicate(officer, course_type, completed_on)
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
    record.full_clean(exclude=["certificate"])
    stored = _store_certificate(record, certificate) if certificate is not None else ""
    try:
        record.save()
        compliance_facts_changed(agency_id=officer.agency_id)
        audit_record(
            event_type=AuditEvent.EventType.TRAINING_RECORDED,
            actor=actor,
            agency=officer.agency,
            target=record,
            request=request,
            extra={"officer": officer.employee_id, "course": course_type.code},
        )
    except BaseException:
        # Nothing half-saved: the row rolls back with the transaction, the file goes here.
        if stored:
            record.certificate.storage.delete(stored)
        raise
    return record


def _check_duplicate(
    officer: Officer,
    course_type: CourseType,
    completed_on: datetime.date,
    exclude_pk: int | None = None,
) -> None:
    others = TrainingRecord.objects.filter(
        officer=officer, course_type=course_type, completed_on=completed_on
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            f"{officer} already has {course_type.name} completed on {completed_on:%Y-%m-%d}."
        )


@transaction.atomic
def training_record_update(
    *,
    record: TrainingRecord,
    actor: Any,
    certificate: IO[bytes] | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> TrainingRecord:
    """Change a training record's fields and/or replace its certificate, auditing what changed.

    An expiry left empty follows the course's validity, as on creation.
    """
    unknown = set(fields) - set(EDITABLE_TRAINING_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown training record fields: {', '.join(sorted(unknown))}.")
    record = (
        TrainingRecord.objects.select_for_update()
        .select_related("officer", "course_type")
        .get(pk=record.pk)
    )
    course_type = fields.get("course_type", record.course_type)
    completed_on = fields.get("completed_on", record.completed_on)
    if "expires_on" in fields and fields["expires_on"] is None and course_type.validity_months:
        fields["expires_on"] = add_months(completed_on, course_type.validity_months)
    if "provider" in fields:
        fields["provider"] = " ".join((fields["provider"] or "").split())
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(record, name)
        if old != value:
            shown = (lambda v: v.code) if name == "course_type" else _jsonable
            changes[name] = [shown(old), shown(value)]
            setattr(record, name, value)
    _check_training_dates(record.completed_on, record.expires_on)
    if {"course_type", "completed_on"} & set(changes):
        _check_duplicate(record.officer, record.course_type, record.completed_on, record.pk)
    old_file = record.certificate.name or ""
    stored = ""
    if certificate is not None:
        stored = _store_certificate(record, certificate)
        changes["certificate"] = ["replaced" if old_file else "", "uploaded"]
    if not changes:
        return record
    try:
        record.full_clean(exclude=["certificate"])
        record.save(update_fields=list(changes))
        compliance_facts_changed(agency_id=record.agency_id)
        audit_record(
            event_type=TRAINING_CHANGED,
            actor=actor,
            agency=record.officer.agency,
            target=record,
            request=request,
            extra={"officer": record.officer.employee_id, "changes": changes},
        )
    except BaseException:
        if stored:
            record.certificate.storage.delete(stored)
        raise
    if stored and old_file:
        _delete_file_after_commit(record.certificate.storage, old_file)
    return record


@transaction.atomic
def training_record_remove(
    *, record: TrainingRecord, actor: Any, request: HttpRequest | None = None
) -> None:
    """Delete a training record entered by mistake; the audit row keeps what it was."""
    record = (
        TrainingRecord.objects.select_for_update()
        .select_related("officer", "course_type", "agency")
        .get(pk=record.pk)
    )
    compliance_facts_changed(agency_id=record.agency_id)
    audit_record(
        event_type=TRAINING_REMOVED,
        actor=actor,
        agency=record.agency,
        target=record,
        request=request,
        extra={
            "officer": record.officer.employee_id,
            "course": record.course_type.code,
            "completed_on": record.completed_on.isoformat(),
            "expires_on": _jsonable(record.expires_on),
        },
    )
    stored = record.certificate.name or ""
    record.delete()
    _delete_file_after_commit(record.certificate.storage, stored)


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
    compliance_facts_changed(agency_id=agency.pk)
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
    compliance_facts_changed(agency_id=agency.pk)
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
