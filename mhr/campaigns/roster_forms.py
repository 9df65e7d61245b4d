"""Forms for the coordinator's roster screens: officers, training records and file imports.

Forms check what a person can fix on the page (a missing field, an employee id already on the
roster, an unmapped required column); the services check the rest and their ValidationErrors are
put back on the form by `apply_service_errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.campaigns.imports.rows import FIELDS_BY_KIND, FieldSpec
from mhr.campaigns.models import CourseType, ImportBatch, Officer

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SWORN_CHOICES = [("yes", "Sworn"), ("no", "Non-sworn")]
FILTER_SWORN_CHOICES = [("", "Sworn and non-sworn"), *SWORN_CHOICES]
CERTIFICATE_HELP = (
    "A PDF, PNG or JPEG file, up to 25 MB. The file's contents are checked, not its name."
)
NOT_MAPPED = ""


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


def _today() -> Any:
    return timezone.localdate()


class RosterFilterForm(forms.Form):
    """The roster list's search and filters, read from the query string. Never invalid."""

    q = forms.CharField(label="Name or employee ID", required=False, max_length=100)
    sworn = forms.ChoiceField(label="Sworn", required=False, choices=FILTER_SWORN_CHOICES)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Officer.Status.choices]
    )
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Officer.Role.choices]
    )

    def filters(self) -> dict[str, str]:
        # An unknown choice in a hand-edited URL is dropped; the valid filters still apply.
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class OfficerForm(forms.Form):
    employee_id = forms.CharField(
        label="Employee ID",
        max_length=40,
        help_text="The ID your agency's HR system uses. Unique within your agency.",
    )
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    is_sworn = forms.TypedChoiceField(
        label="Sworn or non-sworn",
        choices=SWORN_CHOICES,
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    role = forms.ChoiceField(label="Role", choices=Officer.Role.choices)
    unit = forms.CharField(label="Unit or shift", max_length=100, required=False)
    hire_date = forms.DateField(label="Hire date", widget=_DATE, required=False)

    def __init__(
        self, *args: Any, agency: Agency, officer: Officer | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.officer = officer

    def clean_employee_id(self) -> str:
        employee_id = self.cleaned_data["employee_id"].strip()
        others = Officer.objects.filter(agency=self.agency, employee_id=employee_id)
        if self.officer is not None:
            others = others.exclude(pk=self.officer.pk)
        taken = others.first()
        if taken is not None:
            raise ValidationError(
                f"{taken.first_name} {taken.last_name} already has employee ID {employee_id} on "
                "your roster. Each person needs their own employee ID."
            )
        return employee_id

    def clean_hire_date(self) -> Any:
        hired = self.cleaned_data.get("hire_date")
        if hired is not None and hired > _today():
            raise ValidationError("The hire date cannot be in the future.")
        return hired

    def initial_from(self, officer: Officer) -> None:
        for name in self.fields:
            value = getattr(officer, name)
            self.initial[name] = ("yes" if value else "no") if name == "is_sworn" else value


class OfficerStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Officer.Status.choices)
    status_since = forms.DateField(
        label="Since",
        widget=_DATE,
        help_text="The date the status took effect, such as the first day of leave.",
    )

    def __init__(self, *args: Any, officer: Officer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer = officer

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since = data.get("status_since")
        if since is not None:
            if since > _today():
                self.add_error("status_since", "The date cannot be in the future.")
            elif self.officer.hire_date and since < self.officer.hire_date:
                self.add_error(
                    "status_since",
                    f"The date is before the hire date ({self.officer.hire_date:%B %-d, %Y}).",
                )
        if (
            data.get("status") == self.officer.status
            and since is not None
            and since == self.officer.status_since
        ):
            raise ValidationError("Nothing changed: choose a new status or date.")
        return data


class TrainingRecordForm(forms.Form):
    course_type = forms.ModelChoiceField(
        label="Course",
        queryset=CourseType.objects.order_by("name"),
        empty_label="Choose a course",
    )
    provider = forms.CharField(label="Provider", max_length=200, required=False)
    completed_on = forms.DateField(label="Completed on", widget=_DATE)
    hours = forms.DecimalField(
        label="Hours", max_digits=5, decimal_places=1, min_value=0, required=False
    )
    expires_on = forms.DateField(
        label="Expires on",
        widget=_DATE,
        required=False,
        help_text="Leave empty to use the course's validity (MHFA: 3 years after completion).",
    )
    certificate = forms.FileField(label="Certificate", required=False, help_text=CERTIFICATE_HELP)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        completed, expires = data.get("completed_on"), data.get("expires_on")
        if completed is not None and completed > _today():
            self.add_error("completed_on", "The completion date cannot be in the future.")
        if completed is not None and expires is not None and expires < completed:
            self.add_error("expires_on", "The expiry date is before the completion date.")
        return data

    def service_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("course_type", "provider", "completed_on", "hours", "expires_on")
        }


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=ImportBatch.Kind.choices,
        widget=forms.Select,
    )
    file = forms.FileField(
        label="File",
        help_text="A CSV (UTF-8 or Windows-1252) or Excel (.xlsx) file with one header row.",
    )
    full_roster = forms.BooleanField(
        label="This roster lists everyone: mark people missing from it as separated",
        required=False,
        initial=True,
    )


class ImportMappingForm(forms.Form):
    """One select per MHR field, listing the file's headers."""

    full_roster = forms.BooleanField(
        label="This roster lists everyone: mark people missing from it as separated",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        headers: Sequence[str],
        current: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.specs: tuple[FieldSpec, ...] = FIELDS_BY_KIND[kind]
        choices = [(NOT_MAPPED, "Not in this file"), *((h, h) for h in headers)]
        for spec in self.specs:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=f"{spec.label} (required)" if spec.required else spec.label,
                choices=choices,
                required=False,
                initial=current.get(spec.name, NOT_MAPPED),
            )
        if kind != ImportBatch.Kind.ROSTER:
            del self.fields["full_roster"]

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"map_{spec.name}"] for spec in self.specs]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        used: dict[str, str] = {}
        for spec in self.specs:
            header = data.get(f"map_{spec.name}") or NOT_MAPPED
            if not header:
                if spec.required:
                    self.add_error(
                        f"map_{spec.name}",
                        f"{spec.label} is required: choose the column that holds it.",
                    )
                continue
            if header in used:
                self.add_error(
                    f"map_{spec.name}",
                    f"The column “{header}” is already mapped to {used[header]}; each field "
                    "needs its own column.",
                )
            used[header] = spec.label
        return data

    def mapping(self) -> dict[str, str | None]:
        return {
            spec.name: (self.cleaned_data.get(f"map_{spec.name}") or None) for spec in self.specs
        }
