from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mhr.accounts.models import Agency, Membership

SIGN_IN_FAILED_MESSAGE = (
    "The email address or password is not correct. After 5 failed attempts an account is "
    "locked; your agency coordinator or the association can unlock it."
)


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        # One message for every failure, so the form never reveals whether an account exists
        # or is locked.
        "invalid_login": SIGN_IN_FAILED_MESSAGE,
        "inactive": SIGN_IN_FAILED_MESSAGE,
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


class MfaCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
