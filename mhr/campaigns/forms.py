from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mhr.campaigns.models import Campaign, Officer, RuleVersion
from mhr.campaigns.services.pledges import NON_SWORN_ROLES

_DATE_INPUT = {"type": "date"}
# Worded for this question: the roster's "Other" reads oddly in a list of non-sworn roles.
ROLE_LABELS = {
    Officer.Role.DISPATCHER: "Dispatchers and call-takers",
    Officer.Role.CIVILIAN: "Civilian staff",
    Officer.Role.OTHER: "Staff in other non-sworn roles",
}


class PledgeForm(forms.Form):
    """The pledge's terms. The service does the real validation; this parses the input."""

    agency_head_name = forms.CharField(label="Agency head's name", max_length=150)
    agency_head_title = forms.CharField(
        label="Agency head's title",
        max_length=150,
        help_text="For example “Chief of Police” or “Sheriff”.",
    )
    signed_on = forms.DateField(
        label="Date signed",
        widget=forms.DateInput(attrs=_DATE_INPUT, format="%Y-%m-%d"),
    )
    contact_name = forms.CharField(label="Point of contact: name", max_length=150)
    contact_email = forms.EmailField(label="Point of contact: email address")
    contact_phone = forms.CharField(label="Point of contact: phone", max_length=40, required=False)
    target_completion_on = forms.DateField(
        label="Target completion date",
        widget=forms.DateInput(attrs=_DATE_INPUT, format="%Y-%m-%d"),
    )
    non_sworn_roles_in_scope = forms.MultipleChoiceField(
        label="Non-sworn roles in scope",
        required=False,
        choices=[(role, ROLE_LABELS[role]) for role in NON_SWORN_ROLES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        help_text=(
            "Non-sworn staff in the roles you choose are held to the same training coverage as "
            "sworn officers. Most agencies include dispatchers."
        ),
    )
    rule_version = forms.ModelChoiceField(
        label="Rule version",
        queryset=RuleVersion.objects.none(),
        to_field_name="code",
        required=False,
        help_text="Earlier versions are for agencies that pledged under them (2016–2018).",
    )

    def __init__(self, *args: Any, campaign: Campaign, staff: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[
            "target_completion_on"
        ].help_text = (
            f"Between {campaign.min_months} and {campaign.max_months} months after signing."
        )
        if staff:
            field = self.fields["rule_version"]
            field.queryset = campaign.rule_versions.order_by("-is_current", "-effective_from")
            field.empty_label = None
        else:
            # Coordinators pledge under the current rules; only staff record older versions.
            del self.fields["rule_version"]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "rule_version" in data and data["rule_version"] is None:
            del data["rule_version"]
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Attach a service's ValidationError to the fields it names, the rest to the form."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)
