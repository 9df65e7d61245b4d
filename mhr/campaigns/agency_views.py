"""The coordinator's pledge screens: take the pledge, then follow it on the dashboard.

Coordinators of the signed-in user's agency may change things; members see the same pages read
only; everyone else gets 404 (and anonymous visitors the sign-in page).

Status choice: a pledge's stored status moves only through `pledge_change_status`. The dashboard
*shows* "In progress" for a pledge still stored as "pledged" as soon as any practice shows
progress, and submitting such a pledge records both steps (pledged → in progress → submitted).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mhr.accounts.access import access_agency_object, require_membership
from mhr.accounts.models import Membership
from mhr.audit.models import AuditEvent
from mhr.campaigns.compliance import (
    EXPIRING_WINDOW_DAYS,
    ComplianceResult,
    RequirementResult,
)
from mhr.campaigns.forms import PledgeForm
from mhr.campaigns.models import Campaign, CourseType, Officer, Pledge, Requirement
from mhr.campaigns.pdf import pdf_response, render_pdf
from mhr.campaigns.review_selectors import latest_finished_review
from mhr.campaigns.selectors import officers_by_id, pledge_compliance
from mhr.campaigns.services.pledges import (
    EDITABLE_FIELDS,
    pledge_change_status,
    pledge_create,
    pledge_update,
)

CAMPAIGN_SLUG = "one-mind"
GAP_PREVIEW = 10
GAP_PAGE_SIZE = 50
EXPIRING_CAP = 50
HISTORY_CAP = 25
REPORT_GAP_CAP = 100

Status = Pledge.Status
COVERAGE = Requirement.Kind.TRAINING_COVERAGE
SUBMITTABLE = frozenset({Status.IN_PROGRESS, Status.RETURNED})


# --- building the numbers ------------------------------------------------------------------------


@dataclass
class PracticeRow:
    """One requirement as the dashboard and the report show it."""

    result: RequirementResult
    value: int
    maximum: int
    percent_done: int
    needs_course: str = ""
    gap_officers: list[Officer] = field(default_factory=list)

    @property
    def is_coverage(self) -> bool:
        return self.result.kind == COVERAGE

    @property
    def lacking_count(self) -> int:
        return len(self.result.lacking_officer_ids)

    @property
    def shows_gaps(self) -> bool:
        # A met requirement's non-holders are not a gap: nobody more needs the course.
        return self.is_coverage and not self.result.met and self.lacking_count > 0

    @property
    def has_progress(self) -> bool:
        return self.result.met or self.result.numerator > 0


@dataclass
class ExpiringRow:
    officer: Officer | None
    course_name: str
    expires_on: datetime.date
    days_left: int


def _practice_row(result: RequirementResult, families: dict[str, str]) -> PracticeRow:
    if result.kind == COVERAGE:
        # Progress toward what the rule needs, sworn and in-scope non-sworn together.
        maximum = result.required + result.non_sworn_required
        value = min(result.numerator, result.required) + min(
            result.non_sworn_numerator, result.non_sworn_required
        )
        if maximum <= 0:
            maximum, value = 1, int(result.met)
    else:
        maximum, value = 1, int(result.met)
    return PracticeRow(
        result=result,
        value=value,
        maximum=maximum,
        percent_done=value * 100 // maximum,
        needs_course=families.get(result.needs_course_family, ""),
    )


def _deadline(pledge: Pledge, today: datetime.date) -> dict[str, Any]:
    days = (pledge.target_completion_on - today).days
    return {
        "days_left": max(days, 0),
        "overdue_days": max(-days, 0),
        "is_overdue": days < 0,
        "is_today": days == 0,
        "applies": pledge.status not in {Status.RECOGNIZED, Status.LAPSED},
    }


def _display_status(pledge: Pledge, practices: list[PracticeRow]) -> tuple[str, str]:
    """The status to show: stored "pledged" reads "In progress" once any practice moved."""
    if pledge.status == Status.PLEDGED and any(p.has_progress for p in practices):
        return Status.IN_PROGRESS, Status.IN_PROGRESS.label
    return pledge.status, pledge.get_status_display()


def _history(pledge: Pledge) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(
        agency=pledge.agency,
        object_type=Pledge._meta.label_lower,
        object_id=str(pledge.pk),
        event_type__in=[
            AuditEvent.EventType.PLEDGE_CREATED,
            AuditEvent.EventType.PLEDGE_CHANGED,
            AuditEvent.EventType.PLEDGE_STATUS_CHANGED,
        ],
    ).order_by("-occurred_at", "-id")[:HISTORY_CAP]
    labels = dict(Status.choices)
    rows = []
    for event in events:
        extra = event.extra or {}
        if event.event_type == AuditEvent.EventType.PLEDGE_STATUS_CHANGED:
            what = (
                f"Status changed from {labels.get(extra.get('from'), extra.get('from'))} "
                f"to {labels.get(extra.get('to'), extra.get('to'))}"
            )
        elif event.event_type == AuditEvent.EventType.PLEDGE_CHANGED:
            names = [
                str(Pledge._meta.get_field(name).verbose_name)
                for name in (extra.get("changes") or {})
                if name in EDITABLE_FIELDS
            ]
            what = "Changed " + (", ".join(names) if names else "the pledge")
        else:
            what = "Pledge taken"
        rows.append(
            {
                "occurred_at": event.occurred_at,
                "what": what,
                "who": event.actor_label or "MHR (automatic)",
                "comment": extra.get("comment", ""),
            }
        )
    return rows


def dashboard_numbers(
    pledge: Pledge,
    *,
    as_of: datetime.date | None = None,
    gap_cap: int = GAP_PREVIEW,
    with_history: bool = True,
) -> dict[str, Any]:
    """Everything the dashboard and the progress report show, in a fixed number of queries."""
    today = as_of or timezone.localdate()
    result: ComplianceResult = pledge_compliance(pledge, as_of=today, cached=True)
    families = dict(CourseType.Family.choices)
    practices = [_practice_row(r, families) for r in result.requirements]

    expiring = list(result.expiring_soon[:EXPIRING_CAP])
    wanted: list[int] = [e.officer_id for e in expiring]
    gap_rows = [row for row in practices if row.shows_gaps]
    for row in gap_rows:
        wanted.extend(row.result.lacking_officer_ids[:gap_cap])
    officers = officers_by_id(pledge.agency, wanted) if wanted else {}
    course_names = dict(CourseType.objects.values_list("code", "name"))

    def by_name(officer: Officer) -> tuple[str, str, str]:
        return (officer.last_name.lower(), officer.first_name.lower(), officer.employee_id)

    for row in gap_rows:
        found = (officers.get(i) for i in row.result.lacking_officer_ids[:gap_cap])
        row.gap_officers = sorted((o for o in found if o is not None), key=by_name)

    display_status, display_label = _display_status(pledge, practices)
    return {
        "pledge": pledge,
        "agency": pledge.agency,
        "result": result,
        "as_of": today,
        "practices": practices,
        "practices_met": sum(1 for p in practices if p.result.met),
        "coverage_practices": [p for p in practices if p.is_coverage],
        "gap_cap": gap_cap,
        "expiring": [
            ExpiringRow(
                officer=officers.get(e.officer_id),
                course_name=course_names.get(e.course_code, e.course_code),
                expires_on=e.expires_on,
                days_left=(e.expires_on - today).days,
            )
            for e in expiring
        ],
        "expiring_total": len(result.expiring_soon),
        "expiring_until": today + datetime.timedelta(days=EXPIRING_WINDOW_DAYS),
        "gap_total": sum(p.lacking_count for p in practices if p.shows_gaps),
        "deadline": _deadline(pledge, today),
        "display_status": display_status,
        "display_status_label": display_label,
        "roles_in_scope": [
            Officer.Role(r).label
            for r in pledge.non_sworn_roles_in_scope
            if r in Officer.Role.values
        ],
        "history": _history(pledge) if with_history else [],
    }


# --- lookups ---------------------------------------------------------------------------------------


def _campaign() -> Campaign:
    return get_object_or_404(Campaign, slug=CAMPAIGN_SLUG)


def _pledge_or_none(user: Any, campaign: Campaign) -> Pledge | None:
    try:
        return access_agency_object(
            user,
            Pledge.objects.select_related("agency", "campaign", "rule_version"),
            campaign=campaign,
        )
    except Http404:
        return None


def _pledge(user: Any, *, need_coordinator: bool = False) -> Pledge:
    return access_agency_object(
        user,
        Pledge.objects.select_related("agency", "campaign", "rule_version"),
        need_coordinator=need_coordinator,
        campaign=_campaign(),
    )


def _public_page(agency: Any) -> str | None:
    """The agency's public campaign page, when the public pages are installed."""
    try:
        return reverse("campaigns:agency", args=[agency.ori])
    except NoReverseMatch:
        return None


def _is_staff(user: Any) -> bool:
    return bool(user.is_association_staff or user.is_superuser)


# --- views -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_home(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    campaign = _campaign()
    pledge = _pledge_or_none(request.user, campaign)
    if pledge is None:
        return _take_pledge(request, membership, campaign)
    if request.method == "POST":
        messages.info(request, f"{membership.agency.name} has already pledged.")
        return redirect("campaigns_agency:home")
    context = dashboard_numbers(pledge)
    context.update(
        {
            "membership": membership,
            "can_submit": membership.is_coordinator and context["display_status"] in SUBMITTABLE,
            "public_page": _public_page(pledge.agency),
            "review": latest_finished_review(pledge),
        }
    )
    return render(request, "campaigns/agency/dashboard.html", context)


def _take_pledge(request: HttpRequest, membership: Membership, campaign: Campaign) -> HttpResponse:
    form = None
    if membership.is_coordinator:
        staff = _is_staff(request.user)
        if request.method == "POST":
            form = PledgeForm(request.POST, campaign=campaign, staff=staff)
            if form.is_valid():
                try:
                    pledge_create(
                        agency=membership.agency,
                        campaign=campaign,
                        created_by=request.user,
                        request=request,
                        **form.service_kwargs(),
                    )
                except ValidationError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(
                        request,
                        f"{membership.agency.name} has taken the {campaign.name} pledge. "
                        "Your dashboard below tracks the practices.",
                    )
                    return redirect("campaigns_agency:home")
        else:
            form = PledgeForm(
                campaign=campaign,
                staff=staff,
                initial={
                    "signed_on": timezone.localdate(),
                    "contact_name": request.user.full_name,
                    "contact_email": request.user.email,
                    "non_sworn_roles_in_scope": ["dispatcher"],
                },
            )
    elif request.method == "POST":
        raise PermissionDenied("Only the agency's coordinators can take the pledge.")
    return render(
        request,
        "campaigns/agency/take_pledge.html",
        {"campaign": campaign, "form": form, "membership": membership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_edit(request: HttpRequest) -> HttpResponse:
    pledge = _pledge(request.user, need_coordinator=True)
    staff = _is_staff(request.user)
    if request.method == "POST":
        form = PledgeForm(request.POST, campaign=pledge.campaign, staff=staff)
        if form.is_valid():
            try:
                # The service compares with the stored values and records only real changes.
                pledge_update(
                    pledge=pledge,
                    changed_by=request.user,
                    request=request,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, "Pledge details saved.")
                return redirect("campaigns_agency:home")
    else:
        initial = {name: getattr(pledge, name) for name in EDITABLE_FIELDS}
        initial["rule_version"] = pledge.rule_version.code
        form = PledgeForm(initial=initial, campaign=pledge.campaign, staff=staff)
    return render(
        request,
        "campaigns/agency/edit_pledge.html",
        {"pledge": pledge, "form": form, "campaign": pledge.campaign},
    )


@login_required
@require_POST
def pledge_submit(request: HttpRequest) -> HttpResponse:
    pledge = _pledge(request.user, need_coordinator=True)
    numbers = dashboard_numbers(pledge, gap_cap=0, with_history=False)
    if numbers["display_status"] not in SUBMITTABLE:
        if pledge.status == Status.PLEDGED:
            messages.error(
                request,
                "There is no progress to submit yet: add your roster, training, partnership or "
                "policy first.",
            )
        else:
            messages.error(
                request,
                f"The pledge is {pledge.get_status_display().lower()} and cannot be submitted now.",
            )
        return redirect("campaigns_agency:home")
    try:
        if pledge.status == Status.PLEDGED:
            pledge_change_status(
                pledge=pledge,
                status=Status.IN_PROGRESS,
                changed_by=request.user,
                comment="Recorded on submission.",
                request=request,
            )
        pledge_change_status(
            pledge=pledge,
            status=Status.SUBMITTED,
            changed_by=request.user,
            comment=f"{numbers['practices_met']} of {len(numbers['practices'])} practices met.",
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Your pledge has been submitted for recognition. Association reviewers will look at "
            "your evidence and let you know.",
        )
    return redirect("campaigns_agency:home")


@login_required
@require_GET
def gap_list(request: HttpRequest, key: str) -> HttpResponse:
    pledge = _pledge(request.user)
    result = pledge_compliance(pledge, cached=True)
    requirement = next((r for r in result.requirements if r.key == key), None)
    if requirement is None or requirement.kind != COVERAGE:
        raise Http404("No such training requirement.")
    lacking = set(requirement.lacking_officer_ids)
    # Roster order by name, restricted to those lacking; ids only, so one light query.
    ordered = [
        pk
        for pk in Officer.objects.filter(agency=pledge.agency)
        .order_by("last_name", "first_name", "employee_id", "pk")
        .values_list("pk", flat=True)
        if pk in lacking
    ]
    page = Paginator(ordered, GAP_PAGE_SIZE).get_page(request.GET.get("page"))
    found = officers_by_id(pledge.agency, list(page.object_list)) if ordered else {}
    families = dict(CourseType.Family.choices)
    return render(
        request,
        "campaigns/agency/gap_list.html",
        {
            "pledge": pledge,
            "requirement": requirement,
            "needs_course": families.get(requirement.needs_course_family, ""),
            "page": page,
            "officers": [found[pk] for pk in page.object_list if pk in found],
            "total": len(ordered),
        },
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest) -> HttpResponse:
    pledge = _pledge(request.user)
    requirements = list(pledge.rule_version.requirements.order_by("position", "id"))
    public = _public_page(pledge.agency)
    content = render_pdf(
        "campaigns/pdf/certificate.html",
        {
            "pledge": pledge,
            "agency": pledge.agency,
            "campaign": pledge.campaign,
            "requirements": requirements,
            "roles_in_scope": [
                Officer.Role(r).label
                for r in pledge.non_sworn_roles_in_scope
                if r in Officer.Role.values
            ],
            "public_url": request.build_absolute_uri(public) if public else "",
        },
    )
    return pdf_response(content, f"pledge-certificate-{pledge.agency.ori}.pdf")


@login_required
@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    pledge = _pledge(request.user)
    context = dashboard_numbers(pledge, gap_cap=REPORT_GAP_CAP, with_history=False)
    context["generated_at"] = timezone.now()
    content = render_pdf("campaigns/pdf/report.html", context)
    return pdf_response(
        content, f"pledge-progress-{pledge.agency.ori}-{context['as_of']:%Y-%m-%d}.pdf"
    )
