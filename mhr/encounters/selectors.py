"""Reads of encounter data. Statistics live in stats.py; small-cell suppression in privacy.py."""

from __future__ import annotations

from django.db.models import QuerySet

from mhr.accounts.models import Agency
from mhr.encounters import schema
from mhr.encounters.models import Encounter, EncounterRevision, EncounterSettings


def encounter_settings_for(agency: Agency) -> EncounterSettings:
    """The agency's settings; unsaved defaults (time zone from its state) until first changed."""
    saved = EncounterSettings.objects.filter(agency=agency).first()
    if saved is not None:
        return saved
    return EncounterSettings(agency=agency, time_zone=schema.time_zone_for_state(agency.state))


def encounters_for_agency(agency: Agency, *, status: str | None = None) -> QuerySet[Encounter]:
    encounters = Encounter.objects.filter(agency=agency)
    if status:
        encounters = encounters.filter(status=status)
    # Newest first. The local received date leads so that PostgreSQL reads the page from the
    # (agency, received_date) index and sorts only within a day, instead of sorting every record
    # of the agency (about 1 s for a million); within one agency it orders as received_at does.
    return encounters.order_by("-received_date", "-received_at", "-id")


def drafts_for_agency(agency: Agency) -> QuerySet[Encounter]:
    return Encounter.objects.filter(agency=agency, status=Encounter.Status.DRAFT).order_by(
        "-updated_at", "-id"
    )


def encounter_history(encounter: Encounter) -> QuerySet[EncounterRevision]:
    return encounter.revisions.select_related("changed_by").order_by("-number")
