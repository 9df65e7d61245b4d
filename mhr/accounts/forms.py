from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mhr.accounts.models import Agency, Membership


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        # One message for every failure, so the form never reveals whether an account exists.
        "invalid_login": "The email address or password is not correct.",
        "inactive": "The email address or password is not correct.",
    }


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "county",
            "agency_type",
            "sworn_headcount",
            "website",
            "address_line",
            "city",
            "postal_code",
        ]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use this token, for example “RMS nightly export”.",
    )
