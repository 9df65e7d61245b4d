"""Every write to encounter data: one path for the form, the importers, the API and the admin."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.encounters import schema
from mhr.encounters.models import Encounter, EncounterRevision, EncounterSettings
from mhr.encounters.rollups import rollup_refresh
from mhr.encounters.selectors import encounter_settings_for

EventType = AuditEvent.EventType


def person_digest(*, agency: Agency, person_key: str) -> str:
    """A digest of the agency's person key, comparable within that agency only."""
    return person_digester(agency=agency)(person_key)


def derived_values(values: dict[str, Any], *, tz: datetime.tzinfo) -> dict[str, Any]:
    """Columns kept for fast statistics: the local received date and minutes on scene."""
    received, arrived, cleared = (
        values.get(k) for k in ("received_at", "arrived_at", "cleared_at")
    )
    minutes = None
    if cleared and (arrived or received):
        minutes = int((cleared - (arrived or received)).total_seconds() // 60)
    return {
        "received_date": received.astimezone(tz).date() if received else None,
        "minutes_on_scene": minutes,
    }


def _invalid(problems: list[tuple[str, str]]) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for field, message in problems:
        errors.setdefault(field, []).append(message)
    return ValidationError(errors)


def _storable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _prepared(agency: Agency, values: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """Validate canonical values and add the derived columns; raise ValidationError by field."""
    unknown = set(values) - set(schema.BY_NAME)
    if unknown:
        raise _invalid([(name, "Not an encounter field.") for name in sorted(unknown)])
    problems = schema.check_record(values, complete=complete)
    if problems:
        raise _invalid(problems)
    prepared = {name: value for name, value in values.items() if name != "person_key"}
    if "person_key" in values:
        prepared["person_digest"] = person_digest(
            agency=agency, person_key=values.get("person_key") or ""
        )
    tz = schema.zone(encounter_settings_for(agency).time_zone)
    prepared.update(derived_values(values, tz=tz))
    for name, value in list(prepared.items()):
        if value is None and name in _NOT_NULL_TEXT:
            prepared[name] = "unknown" if schema.BY_NAME[name].kind == schema.CHOICE else ""
    return prepared


# Text and choice columns are NOT NULL: an absent value is stored as "" or "unknown".
_NOT_NULL_TEXT = {
    spec.name for spec in schema.FIELDS if spec.kind in (schema.TEXT, schema.CHOICE)
} - {"person_key"}


def _duplicate(agency: Agency, incident_number: str) -> ValidationError:
    return _invalid(
        [
            (
                "incident_number",
                f"Incident {incident_number} is already recorded for {agency.name}; "
                "open it to correct it instead.",
            )
        ]
    )


def encounters_recompute_repeats(*, agency: Agency, digests: set[str]) -> int:
    """Flag each encounter whose person had an earlier contact with the agency."""
    digests = {d for d in digests if d}
    if not digests:
        return 0
    # exclude(person_digest=""): lets PostgreSQL use the partial person digest index.
    rows = Encounter.objects.filter(agency=agency, person_digest__in=digests).exclude(
        person_digest=""
    )
    earlier = (
        Encounter.objects.filter(
            agency=agency,
            person_digest=OuterRef("person_digest"),
            status=Encounter.Status.COMPLETE,
        )
        .exclude(person_digest="")
        .filter(
            Q(received_at__lt=OuterRef("received_at"))
            | Q(received_at=OuterRef("received_at"), pk__lt=OuterRef("pk"))
        )
    )
    changed = 0
    for repeat in (True, False):
        subset = rows.filter(Exists(earlier)) if repeat else rows.exclude(Exists(earlier))
        changed += subset.exclude(repeat_contact=repeat).update(repeat_contact=repeat)
    return changed


def _revision_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [_storable(before.get(name)), _storable(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def encounter_create(
    *,
    agency: Agency,
    actor: Any,
    values: dict[str, Any],
    status: str = Encounter.Status.COMPLETE,
    source: str = Encounter.Source.ENTRY,
    request: HttpRequest | None = None,
    import_batch: Any = None,
) -> Encounter:
    """Record one encounter (or save a draft). Raises ValidationError naming each bad field."""
    prepared = _prepared(agency, values, complete=status == Encounter.Status.COMPLETE)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    encounter = Encounter(
        agency=agency,
        status=status,
        source=source,
        created_by=actor_user,
        created_at=now,
        updated_at=now,
        import_batch=import_batch,
        **prepared,
    )
    try:
        with transaction.atomic():
            encounter.save()
            EncounterRevision.objects.create(
                encounter=encounter,
                agency=agency,
                number=1,
                source=source,
                changes=_digest_masked(_revision_changes({}, prepared)),
                reason="Recorded" if status == Encounter.Status.COMPLETE else "Draft saved",
                changed_by=actor_user,
                changed_at=now,
            )
            encounters_recompute_repeats(agency=agency, digests={encounter.person_digest})
            rollup_refresh(
                agency=agency, dates=[encounter.received_date], digests={encounter.person_digest}
            )
            audit_record(
                event_type=EventType.ENCOUNTER_CREATED,
                actor=actor,
                agency=agency,
                target=encounter,
                request=request,
                extra={"status": status, "source": source},
            )
    except IntegrityError as exc:
        if Encounter.objects.filter(
            agency=agency, incident_number=prepared.get("incident_number")
        ).exists():
            raise _duplicate(agency, prepared.get("incident_number", "")) from exc
        raise
    encounter.refresh_from_db(fields=["repeat_contact"])
    return encounter


def _digest_masked(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The history says that the person key changed, never what it is.

    Masked after comparing: one key replaced by another must still show as a change.
    """
    if "person_digest" in changes:
        changes["person_digest"] = ["(set)" if v else v for v in changes["person_digest"]]
    return changes


def encounter_values(encounter: Encounter) -> dict[str, Any]:
    """The record's canonical values (person key excluded: only its digest is kept)."""
    return {name: getattr(encounter, name) for name in schema.STORED_FIELDS}


def encounter_update(
    *,
    encounter: Encounter,
    actor: Any,
    changes: dict[str, Any],
    reason: str = "",
    status: str | None = None,
    source: str = Encounter.Source.ENTRY,
    request: HttpRequest | None = None,
    expected_version: int | None = None,
) -> Encounter:
    """Correct a record (or finish a draft); the change and its reason go into the history."""
    agency = encounter.agency
    new_status = status or encounter.status
    if encounter.status == Encounter.Status.COMPLETE and new_status == Encounter.Status.DRAFT:
        raise _invalid([("status", "A complete record cannot go back to being a draft.")])
    merged = {**encounter_values(encounter), **changes}
    prepared = _prepared(agency, merged, complete=new_status == Encounter.Status.COMPLETE)
    if "person_key" not in changes:
        prepared["person_digest"] = encounter.person_digest
    before = {name: getattr(encounter, name) for name in prepared}
    diff = {name: value for name, value in prepared.items() if before.get(name) != value}
    if new_status != encounter.status:
        diff["status"] = new_status
        before["status"] = encounter.status
    if not diff:
        return encounter
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    old_digest = encounter.person_digest
    with transaction.atomic():
        locked = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if expected_version is not None and locked.version != expected_version:
            raise _invalid(
                [
                    (
                        "version",
                        "Someone else changed this record while you were editing it. "
                        "Reload it to see their change.",
                    )
                ]
            )
        for name, value in diff.items():
            setattr(encounter, name, value)
        encounter.version = locked.version + 1
        encounter.updated_at = timezone.now()
        try:
            with transaction.atomic():
                encounter.save(update_fields=[*diff, "version", "updated_at"])
        except IntegrityError as exc:
            raise _duplicate(agency, diff.get("incident_number", "")) from exc
        EncounterRevision.objects.create(
            encounter=encounter,
            agency=agency,
            number=encounter.revisions.count() + 1,
            source=source,
            changes=_digest_masked(_revision_changes({k: before.get(k) for k in diff}, diff)),
            reason=reason[:300],
            changed_by=actor_user,
            changed_at=encounter.updated_at,
        )
        encounters_recompute_repeats(agency=agency, digests={old_digest, encounter.person_digest})
        rollup_refresh(
            agency=agency,
            dates=[locked.received_date, encounter.received_date],
            digests={old_digest, encounter.person_digest},
        )
        audit_record(
            event_type=EventType.ENCOUNTER_CHANGED,
            actor=actor,
            agency=agency,
            target=encounter,
            request=request,
            extra={"fields": sorted(diff), "reason": reason[:300]},
        )
    encounter.refresh_from_db(fields=["repeat_contact"])
    return encounter


def encounter_discard(*, encounter: Encounter, actor: Any, request: HttpRequest | None = None):
    """Throw away a draft. Complete records are corrected, never deleted."""
    if encounter.status != Encounter.Status.DRAFT:
        raise _invalid([("status", "Only drafts can be discarded; correct the record instead.")])
    with transaction.atomic():
        audit_record(
            event_type=EventType.ENCOUNTER_DISCARDED,
            actor=actor,
            agency=encounter.agency,
            target=encounter,
            request=request,
        )
        encounter.delete()
        rollup_refresh(agency=encounter.agency, dates=[encounter.received_date])


def encounter_settings_update(
    *, agency: Agency, actor: Any, request: HttpRequest | None = None, **changes: Any
) -> EncounterSettings:
    """Change the agency's time zone, import mapping or transparency page (publishing is audited)."""
    allowed = {"time_zone", "transparency_published", "transparency_note", "import_mapping"}
    unknown = set(changes) - allowed
    if unknown:
        raise _invalid([(name, "Not an encounter setting.") for name in sorted(unknown)])
    if "time_zone" in changes and schema.zone(changes["time_zone"]).key != changes["time_zone"]:
        raise _invalid([("time_zone", f"“{changes['time_zone']}” is not a time zone.")])
    with transaction.atomic():
        current = encounter_settings_for(agency)
        saved = EncounterSettings.objects.select_for_update().filter(agency=agency).first()
        if saved is None:
            current.save()
            saved = current
        diff = {name: value for name, value in changes.items() if getattr(saved, name) != value}
        if not diff:
            return saved
        for name, value in diff.items():
            setattr(saved, name, value)
        if "transparency_published" in diff:
            saved.transparency_published_at = (
                timezone.now() if diff["transparency_published"] else None
            )
            diff["transparency_published_at"] = saved.transparency_published_at
        saved.updated_at = timezone.now()
        saved.save(update_fields=[*diff, "updated_at"])
        if "transparency_published" in diff:
            event = (
                EventType.TRANSPARENCY_PUBLISHED
                if diff["transparency_published"]
                else EventType.TRANSPARENCY_UNPUBLISHED
            )
        else:
            event = EventType.ENCOUNTER_SETTINGS_CHANGED
        audit_record(
            event_type=event,
            actor=actor,
            agency=agency,
            target=saved,
            request=request,
            extra={"fields": sorted(diff)},
        )
    return saved


# --- bulk paths (the importer) ------------------------------------------------------------------


def person_digester(*, agency: Agency) -> Any:
    """`person_digest` for one agency, with the HMAC key derived once rather than per row.

    The construction is Django's salted_hmac (key = sha256(salt + secret)), so digests
    stored before this function existed still match. The secret is MHR_PERSON_DIGEST_SECRET,
    else SECRET_KEY: pinning it keeps digests matching across a SECRET_KEY rotation.
    """
    import hashlib
    import hmac

    from django.conf import settings

    secret = getattr(settings, "PERSON_DIGEST_SECRET", None) or settings.SECRET_KEY
    key = hashlib.sha256(("mhr.encounters.person_key" + secret).encode()).digest()
    prefix = f"{agency.pk}:"

    def digest(person_key: str) -> str:
        text = person_key.strip()
        if not text:
            return ""
        # The one-shot C HMAC: a quarter of hmac.new(...).hexdigest()'s cost, same digest.
        return hmac.digest(key, (prefix + text).encode(), "sha256").hex()

    return digest


def encounters_recompute_repeats_all(*, agency: Agency, digests: set[str] | None = None) -> int:
    """encounters_recompute_repeats as set-based UPDATEs (one window query per chunk of people):
    for every person of the agency, or only those in `digests`.

    A record repeats when a complete record of the same person was received before it (or at
    the same moment with a lower id); records without a received time never repeat.
    """
    from django.db import connection

    table = connection.ops.quote_name(Encounter._meta.db_table)
    sql = f"""
        UPDATE {table} SET repeat_contact = flagged.repeat
        FROM (
            SELECT id, CASE WHEN received_at IS NULL THEN FALSE ELSE COALESCE(SUM(
                CASE WHEN status = 'complete' AND received_at IS NOT NULL THEN 1 ELSE 0 END
            ) OVER (
                PARTITION BY person_digest ORDER BY received_at, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
            ), 0) > 0 END AS repeat
            FROM {table}
            WHERE agency_id = %s AND person_digest <> '' {{people}}
        ) AS flagged
        WHERE {table}.id = flagged.id AND {table}.repeat_contact <> flagged.repeat
    """  # nosec B608 # table name from model metadata; values are parameters  # noqa: S608
    changed = 0
    with connection.cursor() as cursor:
        if digests is None:
            cursor.execute(sql.format(people=""), [agency.pk])
            return cursor.rowcount
        people = sorted(d for d in digests if d)
        for start in range(0, len(people), 5000):
            chunk = people[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                sql.format(people=f"AND person_digest IN ({marks})"), [agency.pk, *chunk]
            )
            changed += cursor.rowcount
    return changed
