"""API: the agency's crisis encounters: create, correct, list, read, and aggregate statistics.

Every operation acts on the caller's agency (the token's agency, or the signed-in user's
membership); another agency's incident number answers 404 like a missing one. Members and
coordinators both write, as in the entry form: entering calls is the agency staff's daily work,
and every change is kept in the record's history and the audit log. Writes go through
`services.encounter_create/encounter_update`, so the rules and messages are the form's and the
importers'. A bad value answers 422 naming the field; nothing is saved.

Idempotency. POST and PATCH accept an `Idempotency-Key` header (up to 200 characters, unique per
agency). The first successful answer is stored with a digest of the method, path and canonical
JSON body; a retry with the same key and the same request gets that answer again (same status and
body, header `Idempotent-Replayed: true`) and changes nothing; the same key with another request
is refused with 422. Failed requests are not stored, so they can be retried with the same key.
Two identical requests racing each other: the key is claimed inside the write's transaction, so
the database's unique constraint makes the second wait and then replay the first's answer. Keys
expire after 24 hours (`idempotency_keys_purge`, also run before each keyed write).

The person key is accepted on write and never returned; only its keyed digest is stored.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Header, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, Field

from mhr.accounts.access import access_agency_object, require_membership
from mhr.accounts.models import Agency
from mhr.api.auth import SIGNED_IN, caller
from mhr.api.errors import error_body
from mhr.api.pagination import PageParams, paginate
from mhr.api.schemas import responses
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.encounters import schema
from mhr.encounters.forms import month_range
from mhr.encounters.models import Encounter, IdempotentRequest
from mhr.encounters.selectors import encounter_settings_for, encounters_for_agency
from mhr.encounters.services import encounter_create, encounter_update

router = Router(tags=["encounters"], auth=SIGNED_IN)

IDEMPOTENCY_TTL = datetime.timedelta(hours=24)
IDEMPOTENCY_KEY_MAX = 200
REPLAYED_HEADER = "Idempotent-Replayed"

StatusCode = Literal["complete", "draft"]
# The list filter takes only real codes: anything else is a 422, never a query.
DispositionCode = Literal[tuple(schema.choice_values("disposition"))]  # type: ignore[valid-type]


# --- scoping --------------------------------------------------------------------------------------


def _agency(request: HttpRequest) -> Agency:
    """The caller's agency; 404 for callers without one (association staff)."""
    current = caller(request)
    membership = require_membership(current.user)
    agency = current.token.agency if current.token is not None else membership.agency
    if agency.pk != membership.agency_id:
        # A token whose user moved agency is refused at authentication; this is belt and braces.
        raise Http404("No agency.")
    return agency


def _encounter(request: HttpRequest, incident_number: str) -> Encounter:
    return access_agency_object(
        caller(request).user,
        Encounter.objects.select_related("agency"),
        incident_number=incident_number,
    )


def _audit_viewed(
    request: HttpRequest, agency: Agency, target: Encounter | None, **extra: Any
) -> None:
    audit_record(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED,
        actor=caller(request).user,
        agency=agency,
        target=target,
        request=request,
        extra={"via": "api", **extra},
    )


# --- schemas --------------------------------------------------------------------------------------


def _describe(spec: schema.FieldSpec) -> str:
    text = spec.label + "."
    if spec.choices is not None:
        text += " One of: " + ", ".join(schema.choice_values(spec.name)) + "."
    if spec.kind == schema.DATETIME:
        text += " ISO 8601; without an offset it is read in the agency's time zone."
    if spec.kind == schema.BOOL:
        text += " true, false or null (unknown)."
    if spec.help:
        text += " " + spec.help
    return text


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _field(name: str) -> Any:
    spec = schema.BY_NAME[name]
    extra: dict[str, Any] = {}
    if spec.kind == schema.TEXT:
        extra["max_length"] = spec.max_length
    if spec.kind == schema.COUNT:
        extra.update(ge=0, le=500)
    return Field(None, description=_describe(spec), **extra)


class EncounterFields(_Strict):
    """Every field but the incident number; omitted fields are left as they are (or unknown)."""

    received_at: datetime.datetime | None = _field("received_at")
    arrived_at: datetime.datetime | None = _field("arrived_at")
    cleared_at: datetime.datetime | None = _field("cleared_at")
    call_source: str | None = _field("call_source")
    dispatch_call_type: str | None = _field("dispatch_call_type")
    final_call_type: str | None = _field("final_call_type")
    flagged_at_dispatch: bool | None = _field("flagged_at_dispatch")
    officers_count: int | None = _field("officers_count")
    cit_officer_on_scene: bool | None = _field("cit_officer_on_scene")
    co_responder_on_scene: bool | None = _field("co_responder_on_scene")
    ems_on_scene: bool | None = _field("ems_on_scene")
    age_band: str | None = _field("age_band")
    sex: str | None = _field("sex")
    race_ethnicity: str | None = _field("race_ethnicity")
    veteran: bool | None = _field("veteran")
    housing: str | None = _field("housing")
    suicidal: bool | None = _field("suicidal")
    substance_use: bool | None = _field("substance_use")
    psychosis: bool | None = _field("psychosis")
    threats_to_others: bool | None = _field("threats_to_others")
    weapon: str | None = _field("weapon")
    force: str | None = _field("force")
    person_injured: bool | None = _field("person_injured")
    officer_injured: bool | None = _field("officer_injured")
    other_injured: bool | None = _field("other_injured")
    disposition: str | None = _field("disposition")
    destination: str | None = _field("destination")
    referral_to: str | None = _field("referral_to")
    follow_up_done: bool | None = _field("follow_up_done")
    district: str | None = _field("district")
    beat: str | None = _field("beat")
    person_key: str | None = _field("person_key")


class EncounterIn(EncounterFields):
    incident_number: str = Field(
        min_length=1, max_length=64, description="The agency's incident number: the key."
    )
    status: StatusCode = Field(
        "complete", description="complete (counted in statistics) or draft (not yet)."
    )


class EncounterPatch(EncounterFields):
    incident_number: str | None = Field(
        None, min_length=1, max_length=64, description="A corrected incident number."
    )
    status: StatusCode | None = Field(
        None, description="complete finishes a draft; a complete record stays complete."
    )
    reason: str = Field(
        "",
        max_length=300,
        description="Why the record is corrected; required for complete records.",
    )
    version: int | None = Field(
        None,
        ge=1,
        description="The version you read; if the record changed since, the answer is 409.",
    )


class EncounterOut(Schema):
    incident_number: str
    status: str
    source: str
    version: int
    received_at: datetime.datetime | None
    arrived_at: datetime.datetime | None
    cleared_at: datetime.datetime | None
    received_date: datetime.date | None = Field(description="Local date in the agency's zone.")
    minutes_on_scene: int | None
    call_source: str
    dispatch_call_type: str
    final_call_type: str
    flagged_at_dispatch: bool | None
    officers_count: int | None
    cit_officer_on_scene: bool | None
    co_responder_on_scene: bool | None
    ems_on_scene: bool | None
    age_band: str
    sex: str
    race_ethnicity: str
    veteran: bool | None
    housing: str
    suicidal: bool | None
    substance_use: bool | None
    psychosis: bool | None
    threats_to_others: bool | None
    weapon: str
    force: str
    person_injured: bool | None
    officer_injured: bool | None
    other_injured: bool | None
    disposition: str
    destination: str
    referral_to: str
    follow_up_done: bool | None
    district: str
    beat: str
    repeat_contact: bool = Field(description="The person had an earlier contact with the agency.")
    created_at: datetime.datetime
    updated_at: datetime.datetime


class EncounterListOut(Schema):
    items: list[EncounterOut]
    page: int
    per_page: int
    total: int
    num_pages: int


class EncounterListParams(PageParams):
    status: StatusCode | None = Field(None, description="Only complete records, or only drafts.")
    month: str | None = Field(
        None,
        pattern=r"^([1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])-(0[1-9]|1[0-2])$",
        description="Received in this month, YYYY-MM.",
    )
    received_from: datetime.date | None = Field(
        None, description="Received on or after this local date."
    )
    received_to: datetime.date | None = Field(
        None, description="Received on or before this local date."
    )
    disposition: DispositionCode | None = Field(  # type: ignore[valid-type]
        None, description=_describe(schema.BY_NAME["disposition"])
    )


# Periods outside these years are mistakes (and year 1 cannot be converted to UTC everywhere).
EARLIEST_DAY, LATEST_DAY = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


class StatsParams(Schema):
    start: datetime.date = Field(
        alias="from",
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        description="First day, YYYY-MM-DD (local).",
    )
    end: datetime.date = Field(
        alias="to",
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        description="Last day, YYYY-MM-DD (local), inclusive.",
    )
    call_source: str | None = Field(None, description="Only this call source code.")
    district: str | None = Field(None, description="Only this precinct or district.")
    flagged_at_dispatch: Literal["yes", "no", "unknown"] | None = None
    cit_officer_on_scene: Literal["yes", "no", "unknown"] | None = None


OUT_FIELDS = tuple(EncounterOut.model_fields)


def _out(encounter: Encounter) -> dict[str, Any]:
    # Built field by field from the output schema, so person_digest can never slip out.
    return {name: getattr(encounter, name) for name in OUT_FIELDS}


# --- errors ---------------------------------------------------------------------------------------


def _json(status: int, body: Any) -> JsonResponse:
    return JsonResponse(body, status=status, encoder=NinjaJSONEncoder, safe=False)


def _invalid(problems: list[tuple[str, str]]) -> JsonResponse:
    errors = [{"field": field, "message": message} for field, message in problems]
    return _json(422, error_body(422, errors[0]["message"] if errors else "", errors=errors))


def _service_error(exc: ValidationError) -> JsonResponse:
    """422 naming each field; 409 when someone else changed the record first."""
    if hasattr(exc, "error_dict"):
        problems = [
            (field, message) for field, messages in exc.message_dict.items() for message in messages
        ]
    else:
        problems = [("", message) for message in exc.messages]
    if any(field == "version" for field, _message in problems):
        message = next(message for field, message in problems if field == "version")
        return _json(409, error_body(409, message))
    return _invalid(problems)


def _canonical(payload: EncounterFields, *, tz: Any, include: set[str]) -> dict[str, Any]:
    """The sent fields as canonical values; ValidationError naming each bad one."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name in include:
        if name not in schema.BY_NAME:
            continue
        raw = getattr(payload, name)
        spec = schema.BY_NAME[name]
        if spec.kind == schema.DATETIME:
            if raw is not None and not EARLIEST_DAY <= raw.date() <= LATEST_DAY:
                problems.append((name, f"{spec.label}: {raw.date()} is not a plausible date."))
                continue
            if raw is not None and raw.tzinfo is None:
                raw = raw.replace(tzinfo=tz)
            values[name] = raw.astimezone(datetime.UTC) if raw is not None else None
            continue
        if spec.kind == schema.BOOL and raw is not None:
            raw = "yes" if raw else "no"
        try:
            values[name] = schema.coerce(name, raw, tz=tz)
        except ValueError as exc:
            problems.append((name, f"{spec.label}: {exc}"))
    if problems:
        raise ValidationError({field: [message] for field, message in problems})
    return values


# --- idempotency ----------------------------------------------------------------------------------


def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget keys older than 24 hours; returns how many. Safe to run from a schedule too."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _request_digest(request: HttpRequest) -> str:
    try:
        body = json.dumps(
            json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":")
        )
    except ValueError:
        body = request.body.hex()
    text = f"{request.method}\n{request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(stored: IdempotentRequest, digest: str) -> JsonResponse:
    if stored.request_digest != digest:
        return _json(
            422,
            error_body(
                422,
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request.",
                errors=[{"field": "Idempotency-Key", "message": "Used for another request."}],
            ),
        )
    response = _json(stored.status_code, stored.response)
    response[REPLAYED_HEADER] = "true"
    return response


def _stored(agency: Agency, key: str) -> IdempotentRequest | None:
    return IdempotentRequest.objects.filter(
        agency=agency, key=key, created_at__gte=timezone.now() - IDEMPOTENCY_TTL
    ).first()


def _write(
    request: HttpRequest,
    agency: Agency,
    key: str | None,
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> JsonResponse:
    """Run a write once per Idempotency-Key; errors answer in the API's shape, saving nothing."""
    try:
        if key is None:
            with transaction.atomic():
                status, body = run()
            return _json(status, body)
        key = key.strip()
        if not key or len(key) > IDEMPOTENCY_KEY_MAX:
            return _invalid(
                [("Idempotency-Key", f"Use 1 to {IDEMPOTENCY_KEY_MAX} characters for the key.")]
            )
        digest = _request_digest(request)
        idempotency_keys_purge()
        stored = _stored(agency, key)
        if stored is not None:
            return _replay(stored, digest)
        try:
            with transaction.atomic():
                # Claimed first: a concurrent twin blocks on the unique constraint until we commit.
                claim = IdempotentRequest.objects.create(
                    agency=agency, key=key, request_digest=digest, status_code=0
                )
                status, body = run()
                claim.status_code = status
                claim.response = json.loads(json.dumps(body, cls=NinjaJSONEncoder))
                claim.save(update_fields=["status_code", "response"])
        except IntegrityError:
            stored = _stored(agency, key)
            if stored is None:
                raise
            return _replay(stored, digest)
        return _json(status, body)
    except ValidationError as exc:
        return _service_error(exc)


# --- reads ----------------------------------------------------------------------------------------


@router.get(
    "/encounters",
    response=responses({200: EncounterListOut}, 404),
    summary="My agency's encounters",
)
def encounter_list(request: HttpRequest, params: Query[EncounterListParams]) -> dict[str, Any]:
    agency = _agency(request)
    encounters = encounters_for_agency(agency, status=params.status)
    if params.month:
        year, month = (int(part) for part in params.month.split("-"))
        encounters = encounters.filter(received_date__range=month_range(year, month))
    if params.received_from:
        encounters = encounters.filter(received_date__gte=params.received_from)
    if params.received_to:
        encounters = encounters.filter(received_date__lte=params.received_to)
    if params.disposition:
        encounters = encounters.filter(disposition=params.disposition)
    page = paginate(encounters, params)
    _audit_viewed(request, agency, None, screen="encounter list", count=len(page.items))
    return {**page.meta.model_dump(), "items": [_out(e) for e in page.items]}


@router.get(
    "/encounters/stats",
    response=responses({200: dict[str, Any]}, 404),
    summary="Statistics of my agency's complete encounters for a period",
)
def encounter_stats(request: HttpRequest, params: Query[StatsParams]) -> Any:
    from mhr.encounters.stats import StatsError
    from mhr.encounters.stats import encounter_stats as compute

    agency = _agency(request)
    filters = {
        name: getattr(params, name)
        for name in ("call_source", "district", "flagged_at_dispatch", "cit_officer_on_scene")
        if getattr(params, name) not in (None, "")
    }
    try:
        numbers = compute(agency=agency, start=params.start, end=params.end, filters=filters)
    except StatsError as exc:
        return _invalid([("", str(exc))])
    _audit_viewed(
        request, agency, None, screen="statistics", start=str(params.start), end=str(params.end)
    )
    return numbers


@router.get(
    "/encounters/{incident_number}",
    response=responses({200: EncounterOut}, 404),
    summary="One of my agency's encounters",
)
def encounter_detail(request: HttpRequest, incident_number: str) -> dict[str, Any]:
    agency = _agency(request)
    encounter = _encounter(request, incident_number)
    _audit_viewed(request, agency, encounter, screen="encounter record")
    return _out(encounter)


# --- writes ---------------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = Header(
    None,
    alias="Idempotency-Key",
    description="Any unique string (e.g. a UUID): a retry with it returns the first answer.",
)


@router.post(
    "/encounters",
    response=responses({201: EncounterOut}, 400, 404, 409),
    summary="Record an encounter (or save a draft)",
)
def encounter_post(
    request: HttpRequest,
    payload: EncounterIn,
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
) -> HttpResponse:
    agency = _agency(request)
    tz = schema.zone(encounter_settings_for(agency).time_zone)

    def run() -> tuple[int, dict[str, Any]]:
        sent = payload.model_fields_set | {"incident_number"}
        values = _canonical(payload, tz=tz, include=sent)
        values["incident_number"] = payload.incident_number.strip()
        encounter = encounter_create(
            agency=agency,
            actor=caller(request).user,
            values=values,
            status=payload.status,
            source=Encounter.Source.API,
            request=request,
        )
        return 201, _out(encounter)

    return _write(request, agency, idempotency_key, run)


@router.patch(
    "/encounters/{incident_number}",
    response=responses({200: EncounterOut}, 400, 404, 409),
    summary="Correct an encounter (with a reason) or finish a draft",
)
def encounter_patch(
    request: HttpRequest,
    incident_number: str,
    payload: EncounterPatch,
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
) -> HttpResponse:
    agency = _agency(request)
    tz = schema.zone(encounter_settings_for(agency).time_zone)

    def run() -> tuple[int, dict[str, Any]]:
        # Fetched here, after the replay check: a retry of a renaming PATCH still replays.
        encounter = _encounter(request, incident_number)
        changes = _canonical(payload, tz=tz, include=set(payload.model_fields_set))
        if payload.incident_number is not None:
            changes["incident_number"] = payload.incident_number.strip()
        reason = payload.reason.strip()
        correcting = encounter.status == Encounter.Status.COMPLETE
        if correcting and not reason:
            raise ValidationError({"reason": ["Say why the record is being corrected."]})
        if not reason:
            finishing = payload.status == Encounter.Status.COMPLETE
            reason = "Recorded from a draft" if finishing else "Draft updated"
        updated = encounter_update(
            encounter=encounter,
            actor=caller(request).user,
            changes=changes,
            reason=reason,
            status=payload.status,
            source=Encounter.Source.API,
            request=request,
            expected_version=payload.version,
        )
        return 200, _out(updated)

    return _write(request, agency, idempotency_key, run)
