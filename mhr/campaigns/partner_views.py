"""The partner organization's side of a partnership: confirm it from the invitation link.

The link's token is the only key. The page shows just what is being confirmed (agency name,
organization, agreement kind, dates), never anything else of the agency. Confirming needs the
signed-in account whose email address the invitation went to; an invitee without an account
creates one here (no agency membership). Unknown, used or expired links answer 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from mhr.accounts.middleware import start_session
from mhr.accounts.models import User
from mhr.campaigns.models import Partnership
from mhr.campaigns.services.evidence import (
    INVITATION_DAYS,
    InvitationInvalid,
    partner_account_create,
    partnership_confirm,
    partnership_for_invitation,
    partnership_invitation_decline,
)

_AUTH_BACKEND = "mhr.accounts.backends.LockoutModelBackend"


class PartnerAccountForm(forms.Form):
    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        # WCAG 1.3.5: the field asks for the user's own name, so browsers may fill it in.
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text="The agency sees it next to your confirmation, e.g. “Dana Whitfield, Director”.",
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="What is not right? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/partner/invitation_invalid.html", status=404)


def _page(
    request: HttpRequest,
    token: str,
    partnership: Partnership,
    *,
    account_form: PartnerAccountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    signed_in_as_invitee = user.is_authenticated and (
        user.email.strip().lower() == partnership.partner_contact_email.strip().lower()
    )
    return render(
        request,
        "campaigns/partner/invitation.html",
        {
            "token": token,
            # Only these facts; the template gets no agency or partnership object.
            "facts": {
                "agency_name": partnership.agency.name,
                "organization_name": partnership.organization_name,
                "organization_kind": partnership.get_organization_kind_display(),
                "agreement_kind": partnership.get_agreement_kind_display(),
                "started_on": partnership.started_on,
                "ends_on": partnership.ends_on,
                "has_document": bool(partnership.document.name),
            },
            "invitee_email": partnership.partner_contact_email,
            "signed_in_as_invitee": signed_in_as_invitee,
            "account_form": account_form,
            "decline_form": DeclineForm(),
            "days": INVITATION_DAYS,
        },
        status=status,
    )


@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    partnership = partnership_for_invitation(token=token)
    if partnership is None:
        return _invalid(request)
    if not request.user.is_authenticated:
        has_account = User.objects.filter(
            email__iexact=partnership.partner_contact_email.strip()
        ).exists()
        if has_account:
            return redirect_to_login(request.get_full_path())
        return _page(request, token, partnership, account_form=PartnerAccountForm())
    return _page(request, token, partnership)


@require_POST
def invitation_account(request: HttpRequest, token: str) -> HttpResponse:
    partnership = partnership_for_invitation(token=token)
    if partnership is None:
        return _invalid(request)
    page = reverse("campaigns_partner:invitation", kwargs={"token": token})
    if request.user.is_authenticated:
        return redirect(page)
    form = PartnerAccountForm(request.POST)
    if form.is_valid():
        try:
            user = partner_account_create(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except InvitationInvalid:
            return _invalid(request)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            login(request, user, backend=_AUTH_BACKEND)
            start_session(request)
            messages.success(request, "Your account is ready. Check the record, then confirm it.")
            return redirect(page)
    return _page(request, token, partnership, account_form=form, status=400)


@login_required
@require_POST
def invitation_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        partnership = partnership_confirm(token=token, confirmed_by=request.user, request=request)
    except InvitationInvalid:
        return _invalid(request)
    messages.success(
        request,
        f"Thank you: you confirmed the partnership between {partnership.agency.name} and "
        f"{partnership.organization_name}.",
    )
    return redirect("home")


@login_required
@require_POST
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        partnership = partnership_invitation_decline(
            token=token, declined_by=request.user, reason=reason, request=request
        )
    except InvitationInvalid:
        return _invalid(request)
    messages.info(
        request,
        f"You told {partnership.agency.name} the record is not right. The agency can correct it "
        "and invite you again.",
    )
    return redirect("home")
