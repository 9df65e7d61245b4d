from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mhr.accounts import mfa
from mhr.accounts.access import access_agency_object, require_membership
from mhr.accounts.forms import (
    SIGN_IN_FAILED_MESSAGE,
    AgencyForm,
    ApiTokenForm,
    MembershipRoleForm,
    MfaCodeForm,
    SignInForm,
)
from mhr.accounts.middleware import (
    MFA_PENDING_KEY,
    MFA_PENDING_SECONDS,
    MFA_VERIFIED_KEY,
    start_session,
)
from mhr.accounts.models import Agency, ApiToken, Membership, User
from mhr.accounts.security import agency_of, user_end_sessions, user_unlock
from mhr.accounts.selectors import agency_member_list, api_token_list
from mhr.accounts.services import (
    agency_update,
    api_token_create,
    api_token_revoke,
    membership_change_role,
)
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record


class SignInView(auth_views.LoginView):
    # Attempts, lockout and their audit rows are recorded by LockoutModelBackend on every path.
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if mfa.has_confirmed_device(user):
            # The password was right; the session is not signed in until the code is too.
            self.request.session[MFA_PENDING_KEY] = {
                "user_id": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "started": time.time(),
            }
            return redirect("accounts:sign_in_verify")
        response = super().form_valid(form)
        start_session(self.request)
        return response


@require_http_methods(["GET", "POST"])
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: the code from the authenticator app, or a recovery code."""
    pending = request.session.get(MFA_PENDING_KEY)
    if not pending or time.time() - pending["started"] > MFA_PENDING_SECONDS:
        request.session.pop(MFA_PENDING_KEY, None)
        messages.info(request, "Sign in again to continue.")
        return redirect("accounts:sign_in")
    user = User.objects.filter(
        pk=pending["user_id"], is_active=True, locked_at__isnull=True
    ).first()
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user is not None and mfa.mfa_verify(
            user=user, code=form.cleaned_data["code"], request=request
        ):
            request.session.pop(MFA_PENDING_KEY, None)
            login(request, user, backend=pending["backend"])
            start_session(request, mfa_verified=True)
            return redirect(pending["next"])
        user = User.objects.filter(pk=pending["user_id"], locked_at__isnull=True).first()
        if user is None:
            request.session.pop(MFA_PENDING_KEY, None)
            messages.error(request, SIGN_IN_FAILED_MESSAGE)
            return redirect("accounts:sign_in")
        form.add_error(
            "code", "That code is not right. Codes change every 30 seconds; each works once."
        )
    return render(request, "accounts/sign_in_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app, or see its status and replace recovery codes."""
    user = request.user
    recovery_codes = None
    if mfa.has_confirmed_device(user):
        if request.method == "POST" and request.POST.get("action") == "new_recovery_codes":
            recovery_codes = mfa.recovery_codes_replace(user=user)
        return render(
            request,
            "accounts/mfa_status.html",
            {"recovery_codes": recovery_codes, "remaining": mfa.remaining_recovery_codes(user)},
        )
    device = mfa.totp_device_start(user=user)
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_codes = mfa.totp_device_confirm(
                device=device, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            request.session[MFA_VERIFIED_KEY] = True
            return render(
                request,
                "accounts/mfa_status.html",
                {
                    "recovery_codes": recovery_codes,
                    "remaining": len(recovery_codes),
                    "just_enrolled": True,
                },
            )
    uri = mfa.provisioning_uri(secret=device.secret, email=user.email)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
            "qr_data_uri": mfa.qr_svg_data_uri(uri),
            "required": mfa.mfa_required(user),
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(
            event_type=AuditEvent.EventType.SIGN_OUT,
            actor=request.user,
            agency=agency_of(request.user),
            request=request,
        )
        # Signing out here ends the user's sessions on every device.
        user_end_sessions(user=request.user)
    logout(request)
    messages.success(request, "You have signed out of every device.")
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def agency_detail(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    agency = membership.agency
    form = AgencyForm(instance=agency) if membership.is_coordinator else None
    if request.method == "POST":
        membership = require_membership(request.user, need_coordinator=True)
        # The form validates a copy: ModelForm writes cleaned values onto its instance,
        # and the service must see the old values to record what changed.
        form = AgencyForm(request.POST, instance=Agency.objects.get(pk=agency.pk))
        if form.is_valid():
            try:
                agency_update(
                    agency=agency,
                    changed_by=request.user,
                    **{name: form.cleaned_data[name] for name in form.changed_data},
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Agency details saved.")
                return redirect("accounts:agency_detail")
        agency.refresh_from_db()
    return render(
        request,
        "accounts/agency_detail.html",
        {
            "agency": agency,
            "membership": membership,
            "form": form,
            "members": agency_member_list(agency=agency),
            "role_choices": Membership.Role.choices,
        },
    )


@login_required
@require_POST
def membership_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    target = access_agency_object(
        request.user,
        Membership.objects.select_related("user", "agency"),
        need_coordinator=True,
        pk=membership_id,
    )
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
        return redirect("accounts:agency_detail")
    try:
        membership_change_role(
            membership=target, role=form.cleaned_data["role"], changed_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{target.user.email} is now a {target.get_role_display().lower()}."
        )
    return redirect("accounts:agency_detail")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = api_token_create(
                user=request.user,
                agency=membership.agency,
                name=form.cleaned_data["name"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": api_token_list(user=request.user, agency=membership.agency),
            "form": form,
            "new_secret": new_secret,
            "agency": membership.agency,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_agency_object(
        request.user, ApiToken.objects.filter(user=request.user), pk=token_id
    )
    api_token_revoke(token=token, revoked_by=request.user, request=request)
    messages.success(
        request, f"Token “{token.name}” revoked. Programs using it can no longer connect."
    )
    return redirect("accounts:token_list")


@login_required
@require_POST
def member_unlock(request: HttpRequest, membership_id: int) -> HttpResponse:
    target = access_agency_object(
        request.user,
        Membership.objects.select_related("user", "agency"),
        need_coordinator=True,
        pk=membership_id,
    )
    user_unlock(user=target.user, unlocked_by=request.user, request=request)
    messages.success(request, f"{target.user.email} can sign in again.")
    return redirect("accounts:agency_detail")


@login_required
@require_POST
def member_mfa_reset(request: HttpRequest, membership_id: int) -> HttpResponse:
    target = access_agency_object(
        request.user,
        Membership.objects.select_related("user", "agency"),
        need_coordinator=True,
        pk=membership_id,
    )
    mfa.mfa_reset(user=target.user, reset_by=request.user, request=request)
    messages.success(
        request, f"{target.user.email} will set up two-step sign-in again at their next sign-in."
    )
    return redirect("accounts:agency_detail")
