"""The coordinator's evidence screens: partnerships and the crisis-response policy.

Coordinators of the signed-in user's agency write; members read; everyone else gets 404 (and
anonymous visitors the sign-in page). Documents are streamed only after the access check.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mhr.accounts.access import access_agency_object, require_membership
from mhr.campaigns.models import Partnership, PolicyDocument
from mhr.campaigns.services.evidence import (
    INVITATION_DAYS,
    MAX_PAGE_REF,
    invitation_cutoff,
    partnership_create,
    partnership_invite,
    partnership_remove,
    partnership_update,
    policy_create,
    policy_update,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DOCUMENT_HELP = "A PDF or Word (DOCX) file, up to 25 MB. The file's contents are checked."
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class PartnershipForm(forms.Form):
    organization_name = forms.CharField(label="Partner organization", max_length=200)
    organization_kind = forms.ChoiceField(
        label="Kind of organization", choices=Partnership.OrganizationKind.choices
    )
    agreement_kind = forms.ChoiceField(
        label="Kind of agreement", choices=Partnership.AgreementKind.choices
    )
    started_on = forms.DateField(label="Start date", widget=_DATE)
    ends_on = forms.DateField(
        label="End date", widget=_DATE, required=False, help_text="Leave empty if open-ended."
    )
    partner_contact_email = forms.EmailField(
        label="Partner's contact email address", required=False
    )
    document = forms.FileField(label="Agreement document", required=False, help_text=_DOCUMENT_HELP)


class PolicyForm(forms.Form):
    title = forms.CharField(label="Policy title", max_length=200)
    adopted_on = forms.DateField(label="Date adopted", widget=_DATE)
    next_review_on = forms.DateField(label="Next review date", widget=_DATE, required=False)
    document = forms.FileField(label="Policy document", required=False, help_text=_DOCUMENT_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in PolicyDocument.Element.choices:
            self.fields[f"pages_{key}"] = forms.CharField(
                label=f"{label}: pages",
                max_length=MAX_PAGE_REF,
                required=False,
                help_text="For example “pp. 4–6”. Leave empty if the policy does not cover it.",
            )

    def element_fields(self) -> list[forms.BoundField]:
        return [self[f"pages_{key}"] for key in PolicyDocument.Element.values]

    def element_pages(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"pages_{key}", "") for key in PolicyDocument.Element.values
        }


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


def _document_response(obj: Partnership | PolicyDocument, prefix: str) -> FileResponse:
    if not obj.document.name:
        raise Http404("No document.")
    try:
        fileobj = obj.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    extension = obj.document.name.rsplit(".", 1)[-1].lower()
    # The uploader's name, cleaned when stored; Django quotes it or RFC 5987-encodes non-ASCII.
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=obj.document_filename or f"{prefix}-{obj.pk}.{extension}",
        content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


def _upload(form: forms.Form) -> dict[str, Any]:
    upload = form.cleaned_data.get("document")
    if upload is None:
        return {}
    return {"document": upload, "document_name": upload.name}


# --- partnerships --------------------------------------------------------------------------------


@login_required
@require_GET
def partnership_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    partnerships = Partnership.objects.filter(agency=membership.agency).order_by(
        "-started_on", "-id"
    )
    return render(
        request,
        "campaigns/agency/evidence_partnerships.html",
        {
            "partnerships": partnerships,
            "can_edit": membership.is_coordinator,
            "invitation_cutoff": invitation_cutoff(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_new(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    form = PartnershipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "document"}
        try:
            partnership_create(
                agency=membership.agency,
                created_by=request.user,
                request=request,
                **data,
                **_upload(form),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The partnership has been added.")
            return redirect("campaigns_agency:partnership_list")
    return render(
        request,
        "campaigns/agency/evidence_partnership_form.html",
        {"form": form, "partnership": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access_agency_object(request.user, Partnership, need_coordinator=True, pk=pk)
    if request.method == "POST":
        form = PartnershipForm(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "document"}
            try:
                partnership_update(
                    partnership=partnership,
                    updated_by=request.user,
                    request=request,
                    **data,
                    **_upload(form),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The partnership has been saved.")
                return redirect("campaigns_agency:partnership_list")
    else:
        form = PartnershipForm(
            initial={
                name: getattr(partnership, name)
                for name in PartnershipForm.base_fields
                if name != "document"
            }
        )
    return render(
        request,
        "campaigns/agency/evidence_partnership_form.html",
        {"form": form, "partnership": partnership, "invitation_cutoff": invitation_cutoff()},
    )


@login_required
@require_POST
def partnership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access_agency_object(request.user, Partnership, need_coordinator=True, pk=pk)
    partnership_remove(partnership=partnership, removed_by=request.user, request=request)
    messages.success(request, f"The partnership with {partnership.organization_name} was removed.")
    return redirect("campaigns_agency:partnership_list")


@login_required
@require_POST
def partnership_invite_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send (or send again, replacing the old link) the partner's invitation to confirm."""
    partnership = access_agency_object(request.user, Partnership, need_coordinator=True, pk=pk)
    try:
        partnership_invite(partnership=partnership, invited_by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"We emailed {partnership.partner_contact_email} a link to confirm the partnership "
            f"with {partnership.organization_name}. It works once, for {INVITATION_DAYS} days.",
        )
    return redirect("campaigns_agency:partnership_list")


@login_required
@require_GET
def partnership_document(request: HttpRequest, pk: int) -> FileResponse:
    partnership = access_agency_object(request.user, Partnership, pk=pk)
    return _document_response(partnership, "partnership")


# --- policy --------------------------------------------------------------------------------------


def _policy_rows(policy: PolicyDocument) -> list[dict[str, str]]:
    pages = policy.element_pages or {}
    return [
        {"label": label, "pages": str(pages.get(key, "")).strip()}
        for key, label in PolicyDocument.Element.choices
    ]


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    policies = list(
        PolicyDocument.objects.filter(agency=membership.agency).order_by("-adopted_on", "-id")
    )
    rows = [{"policy": policy, "elements": _policy_rows(policy)} for policy in policies]
    return render(
        request,
        "campaigns/agency/evidence_policy.html",
        {
            "rows": rows,
            "element_count": len(PolicyDocument.Element.values),
            "can_edit": membership.is_coordinator,
        },
    )


def _policy_save(request: HttpRequest, form: PolicyForm, save: Any) -> HttpResponse | None:
    if not form.is_valid():
        return None
    data = {
        "title": form.cleaned_data["title"],
        "adopted_on": form.cleaned_data["adopted_on"],
        "next_review_on": form.cleaned_data["next_review_on"],
        "element_pages": form.element_pages(),
    }
    try:
        save(request=request, **data, **_upload(form))
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None
    messages.success(request, "The policy has been saved.")
    return redirect("campaigns_agency:policy_list")


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user, need_coordinator=True)
    form = PolicyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        done = _policy_save(
            request,
            form,
            lambda **kw: policy_create(agency=membership.agency, created_by=request.user, **kw),
        )
        if done:
            return done
    return render(
        request, "campaigns/agency/evidence_policy_form.html", {"form": form, "policy": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = access_agency_object(request.user, PolicyDocument, need_coordinator=True, pk=pk)
    if request.method == "POST":
        form = PolicyForm(request.POST, request.FILES)
        done = _policy_save(
            request,
            form,
            lambda **kw: policy_update(policy=policy, updated_by=request.user, **kw),
        )
        if done:
            return done
    else:
        initial: dict[str, Any] = {
            "title": policy.title,
            "adopted_on": policy.adopted_on,
            "next_review_on": policy.next_review_on,
        }
        for key, pages in (policy.element_pages or {}).items():
            initial[f"pages_{key}"] = pages
        form = PolicyForm(initial=initial)
    return render(
        request, "campaigns/agency/evidence_policy_form.html", {"form": form, "policy": policy}
    )


@login_required
@require_GET
def policy_document(request: HttpRequest, pk: int) -> FileResponse:
    policy = access_agency_object(request.user, PolicyDocument, pk=pk)
    return _document_response(policy, "policy")
