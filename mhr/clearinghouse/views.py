"""Public clearinghouse pages: the browse/search list, a resource, and attachment downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import EmptyPage, Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from mhr.accounts.selectors import user_is_member
from mhr.clearinghouse.downloads import attachment_download as attachment_download_open
from mhr.clearinghouse.filters import DEFAULT_PER_PAGE, PER_PAGE_CHOICES, ResourceFilterForm
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.selectors import (
    SECTIONS_BY_SLUG,
    ResourceFilters,
    attachment_for_viewer,
    filter_choices,
    resource_browse_queryset,
    resource_detail_context,
    resource_for_viewer,
    resource_search,
    resource_sections,
)
from mhr.core.pagination import parse_page


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


LIST_PARAMETERS = ("q", *ResourceFilterForm.FILTER_FIELDS, "sort", "page")


@dataclass
class ResultItem:
    resource: Resource
    snippet_html: str = ""


@dataclass
class Results:
    items: list[ResultItem]
    total: int
    page: int
    num_pages: int
    suggestion: str | None = None
    message: str | None = None
    per_page: int = DEFAULT_PER_PAGE
    # The search stops counting at its candidate limit; the page then says "N or more".
    total_capped: bool = False
    page_links: list[dict[str, Any]] = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""

    @property
    def first_index(self) -> int:
        return 0 if not self.items else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return 0 if not self.items else self.first_index + len(self.items) - 1


def _parse_per_page(raw: str | None) -> int:
    try:
        value = int(raw or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return value if value in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{request.path}?{params.urlencode()}"


def _page_window(page: int, num_pages: int, *, around: int = 2) -> list[int | None]:
    """Page numbers to link, with None where a run of pages is left out (an ellipsis)."""
    if num_pages <= 2 * around + 5:
        return list(range(1, num_pages + 1))
    keep = {1, num_pages, *range(max(1, page - around), min(num_pages, page + around) + 1)}
    window: list[int | None] = []
    previous = 0
    for number in sorted(keep):
        if number - previous > 1:
            window.append(None)
        window.append(number)
        previous = number
    return window


def _add_page_links(request: HttpRequest, results: Results) -> None:
    if results.num_pages <= 1:
        return
    results.page_links = [
        {"number": n, "url": _page_url(request, n) if n else "", "current": n == results.page}
        for n in _page_window(results.page, results.num_pages)
    ]
    if results.page > 1:
        results.previous_url = _page_url(request, results.page - 1)
    if results.page < results.num_pages:
        results.next_url = _page_url(request, results.page + 1)


def _browse(*, filters: ResourceFilters, page: int, per_page: int, notes: list[str]) -> Results:
    paginator = Paginator(resource_browse_queryset(filters=filters), per_page)
    try:
        page_obj = paginator.page(page)
    except EmptyPage:
        if paginator.count:
            notes.append(f"There is no page {page}; the last page is shown.")
        page_obj = paginator.page(paginator.num_pages)
    return Results(
        items=[ResultItem(resource=resource) for resource in page_obj.object_list],
        total=paginator.count,
        page=page_obj.number,
        num_pages=paginator.num_pages if paginator.count else 0,
        per_page=per_page,
    )


def _search(
    *,
    query: str,
    filters: ResourceFilters,
    sort: str,
    viewer_is_member: bool,
    page: int,
    per_page: int,
    notes: list[str],
) -> Results:
    def run(page_number: int) -> Any:
        return resource_search(
            text=query,
            filters=filters,
            viewer_is_member=viewer_is_member,
            sort=sort,
            page=page_number,
            per_page=per_page,
        )

    if filters.matches_nothing:
        return Results(items=[], total=0, page=1, num_pages=0, per_page=per_page)
    result = run(page)
    if result.num_pages and result.page > result.num_pages:
        result = run(result.num_pages)
    if result.total and result.page < page:
        notes.append(f"There is no page {page}; the last page is shown.")
    resources = [hit.resource for hit in result.hits]
    # The list shows topics for every hit; fetch them in one query (skipped if already fetched).
    prefetch_related_objects(resources, "topics")
    return Results(
        items=[
            ResultItem(resource=hit.resource, snippet_html=hit.snippet_html) for hit in result.hits
        ],
        total=result.total,
        page=result.page,
        num_pages=result.num_pages,
        suggestion=result.suggestion,
        message=result.message,
        per_page=per_page,
        total_capped=getattr(result, "total_capped", False),
    )


@require_GET
def resource_list(request: HtmxHttpRequest) -> HttpResponse:
    choices = filter_choices()
    form = ResourceFilterForm(request.GET, topics=choices["topics"], years=choices["years"])
    notes = form.ignored_messages()
    query = form.query
    filters = form.filters()
    page, page_note = parse_page(request.GET.get("page"))
    if page_note:
        notes.append(page_note)
    per_page = _parse_per_page(request.GET.get("per_page"))
    viewer_is_member = user_is_member(request.user)

    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "notes": notes,
        "viewer_is_member": viewer_is_member,
        "section": SECTIONS_BY_SLUG.get(filters.section),
        "groups": None,
        "results": None,
    }
    # The sectioned overview is for a plain visit; any filter, search, sort or page asks for a list.
    flat = any(request.GET.get(name) for name in LIST_PARAMETERS)
    if query:
        results = _search(
            query=query,
            filters=filters,
            sort=form.sort_choice,
            viewer_is_member=viewer_is_member,
            page=page,
            per_page=per_page,
            notes=notes,
        )
    elif flat:
        results = _browse(filters=filters, page=page, per_page=per_page, notes=notes)
    else:
        results = None
        context["groups"] = resource_sections()
    if results is not None:
        _add_page_links(request, results)
        context["results"] = results
        if query and results.suggestion:
            params = request.GET.copy()
            params["q"] = results.suggestion
            params.pop("page", None)
            context["suggestion_url"] = f"{request.path}?{params.urlencode()}"

    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = (
        "clearinghouse/includes/results.html" if partial else "clearinghouse/resource_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = resource_for_viewer(slug=slug, user=request.user)
    context = resource_detail_context(
        resource,
        viewer_is_member=user_is_member(request.user),
        next_url=request.get_full_path(),
    )
    response = render(request, "clearinghouse/resource_detail.html", context)
    if resource.is_members_only or context["is_preview"]:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def attachment_download(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponseBase:
    attachment = attachment_for_viewer(slug=slug, attachment_id=attachment_id, user=request.user)
    if attachment.resource.is_members_only and not user_is_member(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))
        raise Http404("No such attachment.")
    try:
        fileobj = attachment_download_open(
            attachment=attachment, downloaded_by=request.user, request=request
        )
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=attachment.original_filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
