"""Editorial screens for association staff: write, review, publish and archive resources.

Editors do everything here; reviewers may read every screen and decide on resources in
review (publish, or return to draft). Every write goes through mhr.clearinghouse.services.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mhr.clearinghouse.forms import AttachmentForm, ResourceForm, StatusChangeForm
from mhr.clearinghouse.models import Attachment, Resource, ResourceRevision
from mhr.clearinghouse.selectors import resource_detail_context
from mhr.clearinghouse.services import (
    TRANSITIONS,
    attachment_add,
    attachment_remove,
    resource_change_status,
    resource_create,
    resource_update,
    topics_from_names,
)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100

# What the button for each target status says.
ACTION_LABELS = {
    Resource.Status.IN_REVIEW: "Submit for review",
    Resource.Status.PUBLISHED: "Publish",
    Resource.Status.DRAFT: "Return to draft",
    Resource.Status.ARCHIVED: "Archive",
}


def _is_editor(user: Any) -> bool:
    return bool(user.is_active and (user.is_editor or user.is_superuser))


def _is_staff_reader(user: Any) -> bool:
    return bool(user.is_active and (user.is_editor or user.is_reviewer or user.is_superuser))


def _requires(check: Callable[[Any], bool]) -> Callable:
    """Anonymous visitors go to sign-in; signed-in users without the role get 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied("Only association editors can use the editorial screens.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = _requires(_is_editor)
staff_required = _requires(_is_staff_reader)


def _service_error(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on a field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _staff_resource_page(*, status: str, page: Any, per_page: int) -> Any:
    """One page of resources for the staff list: a count and a page query."""
    queryset: QuerySet[Resource] = Resource.objects.select_related("created_by").order_by(
        "-updated_at", "-id"
    )
    if status:
        queryset = queryset.filter(status=status)
    return Paginator(queryset, per_page).get_page(page)


def _per_page(raw: str | None) -> int:
    try:
        value = int(raw or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return min(max(value, 1), MAX_PER_PAGE)


@require_GET
@staff_required
def resource_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Resource.Status.values:
        status = ""
    per_page = _per_page(request.GET.get("per_page"))
    page_obj = _staff_resource_page(status=status, page=request.GET.get("page"), per_page=per_page)
    counts = dict(
        Resource.objects.order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    tabs = [
        {"value": "", "label": "All", "count": sum(counts.values())},
        *(
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Resource.Status.choices
        ),
    ]
    return render(
        request,
        "clearinghouse/staff/resource_list.html",
        {
            "page_obj": page_obj,
            "status": status,
            "tabs": tabs,
            "per_page": per_page,
            "can_edit": _is_editor(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def resource_new(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                resource = resource_create(
                    created_by=request.user,
                    topics=topics_from_names(form.cleaned_data["topic_names"]),
                    **form.resource_fields(),
                )
        except ValidationError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"“{resource.title}” was created as a draft.")
            return redirect("clearinghouse_staff:resource_detail", pk=resource.pk)
    return render(
        request, "clearinghouse/staff/resource_form.html", {"form": form, "resource": None}
    )


@require_http_methods(["GET", "POST"])
@editor_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    # The form validates a copy: a ModelForm writes cleaned values onto its instance, and the
    # service must see the stored values to record what changed.
    form = ResourceForm(request.POST or None, instance=Resource.objects.get(pk=resource.pk))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                resource = resource_update(
                    resource=resource,
                    changed_by=request.user,
                    topics=topics_from_names(form.cleaned_data["topic_names"]),
                    **form.resource_fields(),
                )
        except ValidationError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("clearinghouse_staff:resource_detail", pk=resource.pk)
    return render(
        request, "clearinghouse/staff/resource_form.html", {"form": form, "resource": resource}
    )


def _available_actions(resource: Resource, user: Any) -> list[dict[str, str]]:
    """The status changes this user may make now, in workflow order."""
    order = [
        Resource.Status.IN_REVIEW,
        Resource.Status.PUBLISHED,
        Resource.Status.DRAFT,
        Resource.Status.ARCHIVED,
    ]
    allowed = TRANSITIONS.get(resource.status, set())
    actions = []
    for status in order:
        if status not in allowed:
            continue
        reviewer_decision = status == Resource.Status.PUBLISHED or (
            resource.status == Resource.Status.IN_REVIEW and status == Resource.Status.DRAFT
        )
        if _is_editor(user) or (reviewer_decision and user.is_reviewer):
            actions.append({"status": status, "label": ACTION_LABELS[status]})
    return actions


def _detail_context(
    request: HttpRequest,
    resource: Resource,
    *,
    attachment_form: AttachmentForm | None = None,
    status_form: StatusChangeForm | None = None,
) -> dict[str, Any]:
    return {
        "resource": resource,
        "topics": list(resource.topics.all()),
        "attachments": list(resource.attachments.select_related("uploaded_by")),
        "actions": _available_actions(resource, request.user),
        "attachment_form": attachment_form or AttachmentForm(),
        "status_form": status_form or StatusChangeForm(),
        "can_edit": _is_editor(request.user),
        "recent_revisions": list(resource.revisions.select_related("actor")[:5]),
    }


@require_GET
@staff_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("created_by"), pk=pk)
    return render(
        request, "clearinghouse/staff/resource_detail.html", _detail_context(request, resource)
    )


@require_POST
@staff_required
def resource_status(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, resource, status_form=form)
        return render(request, "clearinghouse/staff/resource_detail.html", context, status=400)
    status = form.cleaned_data["status"]
    try:
        resource_change_status(
            resource=resource,
            status=status,
            changed_by=request.user,
            comment=form.cleaned_data["comment"].strip(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"“{resource.title}” is now {Resource.Status(status).label.lower()}."
        )
    return redirect("clearinghouse_staff:resource_detail", pk=resource.pk)


@require_POST
@editor_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment = attachment_add(
                resource=resource,
                fileobj=upload,
                filename=upload.name,
                uploaded_by=request.user,
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"“{attachment.original_filename}” was attached.")
            return redirect("clearinghouse_staff:resource_detail", pk=resource.pk)
    context = _detail_context(request, resource, attachment_form=form)
    return render(request, "clearinghouse/staff/resource_detail.html", context, status=400)


@require_POST
@editor_required
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment, pk=attachment_id, resource_id=pk)
    filename = attachment.original_filename
    attachment_remove(attachment=attachment, removed_by=request.user)
    messages.success(request, f"“{filename}” was removed.")
    return redirect("clearinghouse_staff:resource_detail", pk=pk)


@require_GET
@staff_required
def resource_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page, rendered with the public template, as members or as the public see it.

    The context comes from selectors.resource_detail_context, as on the public page, so the two
    cannot look different.
    """
    resource = get_object_or_404(Resource.objects.prefetch_related("topics", "attachments"), pk=pk)
    as_public = request.GET.get("as") == "public"
    public_url = reverse("clearinghouse:resource_detail", kwargs={"slug": resource.slug})
    context = resource_detail_context(resource, viewer_is_member=not as_public, next_url=public_url)
    context["as_public"] = as_public
    response = render(request, "clearinghouse/staff/resource_preview.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _field_label(name: str) -> str:
    if name == "topics":
        return "Topics"
    if name == "attachment":
        return "Attachment"
    try:
        return str(Resource._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # a field renamed since the revision was written
        return name


def _display(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


@require_GET
@staff_required
def resource_history(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    revisions = ResourceRevision.objects.filter(resource=resource).select_related("actor")
    rows = [
        {
            "revision": revision,
            "changes": [
                {"field": _field_label(name), "old": _display(pair[0]), "new": _display(pair[1])}
                for name, pair in revision.changes.items()
                if isinstance(pair, list | tuple) and len(pair) == 2
            ],
        }
        for revision in revisions.order_by("-number")
    ]
    return render(
        request, "clearinghouse/staff/resource_history.html", {"resource": resource, "rows": rows}
    )
