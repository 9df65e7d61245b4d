"""The GET form that filters the audit log (and its exports)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps

from mhr.accounts.models import ori_validator
from mhr.audit.models import AuditEvent
from mhr.audit.selectors import AuditFilters

MAX_TEXT_LENGTH = 200
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

# Event types are grouped by the prefix before the dot, e.g. "auth." -> sign-in and sessions.
EVENT_GROUP_LABELS = {
    "auth": "Sign-in and sessions",
    "user": "Users",
    "agency": "Agencies",
    "membership": "Memberships",
    "token": "API tokens",  # nosec B105 # a display label, not a password
    "resource": "Resources",
    "attachment": "Attachments",
    "officer": "Roster and training",
    "roster": "Roster and training",
    "training": "Roster and training",
    "pledge": "Pledges",
    "audit": "Audit log",
    "demo": "Demo data",
}


def event_type_choices() -> list[Any]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for value, label in AuditEvent.EventType.choices:
        prefix = value.split(".", 1)[0]
        title = EVENT_GROUP_LABELS.get(prefix, prefix.replace("_", " ").capitalize())
        groups.setdefault(title, []).append((value, str(label)))
    return [
        ("", "All events"),
        *(
            (title, sorted(members, key=lambda choice: choice[1]))
            for title, members in groups.items()
        ),
    ]


def object_type_choices() -> list[tuple[str, str]]:
    """Our models, by the `app.model` label the audit row stores in object_type."""
    choices = [
        (
            model._meta.label_lower,
            f"{str(model._meta.verbose_name).capitalize()} ({model._meta.label_lower})",
        )
        for model in apps.get_models()
        if model.__module__.startswith("mhr.")
    ]
    return [("", "Any object"), *sorted(choices, key=lambda choice: (choice[1], choice[0]))]


class AuditFilterForm(forms.Form):
    starts_on = forms.DateField(
        label="From (UTC date)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For example 2026-11-01.",
    )
    ends_on = forms.DateField(
        label="To (UTC date)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Includes the whole day.",
    )
    event_type = forms.ChoiceField(label="Event", required=False, choices=event_type_choices)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *AuditEvent.Outcome.choices],
    )
    actor = forms.CharField(
        label="Who (email contains)",
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    object_type = forms.ChoiceField(
        label="Object type", required=False, choices=object_type_choices
    )
    text = forms.CharField(
        label="Object name contains",
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    agency = forms.CharField(
        label="Agency ORI",
        required=False,
        max_length=9,
        help_text="9 characters, for example WA0171500.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    per_page = forms.IntegerField(
        label="Rows per page",
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        help_text=f"{DEFAULT_PER_PAGE} unless you choose, at most {MAX_PER_PAGE}.",
    )

    def __init__(self, *args: Any, show_agency: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_agency:
            # Coordinators see only their own agency: no agency filter to offer or to honour.
            del self.fields["agency"]

    def clean_actor(self) -> str:
        return self.cleaned_data["actor"].strip()

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()

    def clean_agency(self) -> str:
        ori = self.cleaned_data["agency"].strip().upper()
        if ori:
            ori_validator(ori)
        return ori

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and starts_on > ends_on:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            event_type=data.get("event_type", ""),
            actor=data.get("actor", ""),
            outcome=data.get("outcome", ""),
            object_type=data.get("object_type", ""),
            text=data.get("text", ""),
            agency_ori=data.get("agency", ""),
        )

    def page_size(self) -> int:
        return self.cleaned_data.get("per_page") or DEFAULT_PER_PAGE
