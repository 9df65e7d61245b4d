"""Public campaign pages: the One Mind page with its participants and map, an agency's pledge
page, and the embeddable badge. Everyone sees the same content, signed in or not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from mhr.campaigns.badge import BADGE_HEIGHT, BADGE_WIDTH, badge_svg
from mhr.campaigns.public_selectors import (
    PUBLIC_STATUS_LABELS,
    CampaignSummary,
    StateMap,
    agency_badge_facts,
    agency_public_pledge,
    campaign_overview,
    participant_page,
    public_campaign,
    state_map,
)
from mhr.campaigns.services.evidence import partnership_confirmed_by_partner
from mhr.core.pagination import parse_page

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_NAME_LENGTH = 100
BADGE_MAX_AGE = 3600
# Browsers showing the badge on another site need nothing from it but the image itself.
BADGE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ParticipantFilterForm(forms.Form):
    name = forms.CharField(
        label="Agency name contains",
        required=False,
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(label="State", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *PUBLIC_STATUS_LABELS.items()],
    )

    def __init__(self, data: Any, *, summary: CampaignSummary) -> None:
        super().__init__(data)
        self.fields["state"].choices = [
            ("", "All states"),
            # Every state on the map, so a tile with no agencies still leads to a valid filter.
            *[
                (s.code, f"{s.name} ({s.total})")
                for s in sorted(summary.states.values(), key=lambda s: s.name)
            ],
        ]
        self.fields["status"].choices = [
            ("", "Any status"),
            *[
                (key, f"{label} ({summary.status_totals[key]})")
                for key, label in PUBLIC_STATUS_LABELS.items()
            ],
        ]

    def value(self, name: str) -> str:
        """The field's cleaned value, or empty when it was not valid (that filter is dropped)."""
        if name in self.errors:
            return ""
        return (self.cleaned_data.get(name) or "").strip()

    def notes(self) -> list[str]:
        notes = []
        if "state" in self.errors:
            notes.append("That state was not recognized, so all states are shown.")
        if "status" in self.errors:
            notes.append("That status was not recognized, so every status is shown.")
        if "name" in self.errors:
            notes.append(
                f"Agency names are searched with up to {MAX_NAME_LENGTH} characters; "
                "the name filter was ignored."
            )
        return notes


def state_map_svg(state_map: StateMap, *, list_url: str) -> str:
    """The tile-grid map as inline SVG: one escaped format string per tile, which is cheaper
    than a template loop with a dozen lookups per tile."""
    half = state_map.tile_size // 2
    tiles = []
    for tile in state_map.tiles:
        stroke, width = ("#1b1b1b", 3) if tile.selected else ("#565c65", 1)
        tiles.append(
            format_html(
                '<a href="{url}?state={code}#participants" aria-label="{label}"{current}>'
                "<title>{label}</title>"
                '<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" fill="{fill}" '
                'stroke="{stroke}" stroke-width="{width}"></rect></a>'
                # The visible text sits outside the link, so the link's name is the full label
                # (and clicks fall through to the tile).
                '<g aria-hidden="true" pointer-events="none" fill="{ink}" text-anchor="middle">'
                '<text x="{cx}" y="{y1}" font-size="16" font-weight="bold">{code}</text>'
                '<text x="{cx}" y="{y2}" font-size="14">{count}</text></g>',
                url=list_url,
                code=tile.code,
                label=tile.label,
                current=format_html(' aria-current="{}"', "true") if tile.selected else "",
                x=tile.x,
                y=tile.y,
                size=state_map.tile_size,
                fill=tile.fill,
                stroke=stroke,
                width=width,
                cx=tile.x + half,
                y1=tile.y + 24,
                y2=tile.y + 44,
                ink=tile.text_colour,
                count=tile.count,
            )
        )
    return format_html(
        '<svg class="mhr-state-map" viewBox="0 0 {} {}" width="100%" role="group" '
        'aria-labelledby="map-heading" aria-describedby="map-help" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        state_map.width,
        state_map.height,
        # Each tile is already safe from format_html, so joining does not escape it again.
        format_html_join("", "{}", ((tile,) for tile in tiles)),
    )


def _parse_per_page(raw: str | None) -> int:
    try:
        value = int(raw or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return min(max(value, 1), MAX_PER_PAGE)


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{request.path}?{params.urlencode()}#participants"


def _page_links(request: HttpRequest, page: int, num_pages: int) -> list[dict[str, Any]]:
    if num_pages <= 1:
        return []
    keep = sorted({1, num_pages, *range(max(1, page - 2), min(num_pages, page + 2) + 1)})
    links: list[dict[str, Any]] = []
    previous = 0
    for number in keep:
        if number - previous > 1:
            links.append({"number": None})
        links.append(
            {"number": number, "url": _page_url(request, number), "current": number == page}
        )
        previous = number
    return links


@require_GET
def campaign_home(request: HttpRequest) -> HttpResponse:
    campaign = public_campaign()
    if campaign is None:
        raise Http404("The campaign is not set up.")
    overview = campaign_overview(campaign=campaign)
    summary = overview.summary
    form = ParticipantFilterForm(request.GET, summary=summary)
    form.is_valid()
    notes = form.notes()
    page, page_note = parse_page(request.GET.get("page"))
    if page_note:
        notes.append(page_note)
    per_page = _parse_per_page(request.GET.get("per_page"))
    state, status, name = form.value("state"), form.value("status"), form.value("name")
    results = participant_page(
        campaign=campaign, state=state, status=status, name=name, page=page, per_page=per_page
    )
    notes.extend(results.notes)
    list_url = reverse("campaigns:home")
    tile_map = state_map(summary, selected_state=state)
    context = {
        "campaign": campaign,
        "form": form,
        "notes": notes,
        "results": results,
        "filtered": bool(state or status or name),
        "page_links": _page_links(request, results.page, results.num_pages),
        "previous_url": _page_url(request, results.page - 1) if results.page > 1 else "",
        "next_url": _page_url(request, results.page + 1)
        if results.page < results.num_pages
        else "",
        "per_page": per_page,
        "summary": summary,
        "map": tile_map,
        "map_svg": state_map_svg(tile_map, list_url=list_url),
        "list_url": list_url,
        "recently_pledged": overview.recently_pledged,
        "recently_recognized": overview.recently_recognized,
        "status_labels": PUBLIC_STATUS_LABELS,
        "status_rows": [
            (label, summary.status_totals[key]) for key, label in PUBLIC_STATUS_LABELS.items()
        ],
    }
    return render(request, "campaigns/public/campaign_home.html", context)


def _agency_url(request: HttpRequest, ori: str) -> str:
    return request.build_absolute_uri(reverse("campaigns:agency", args=[ori]))


@require_GET
def agency_pledge(request: HttpRequest, ori: str) -> HttpResponse:
    pledge = agency_public_pledge(ori=ori)
    if pledge is None:
        raise Http404("No pledge for this agency.")
    page_url = _agency_url(request, pledge.row.ori)
    badge_url = request.build_absolute_uri(reverse("campaigns:badge", args=[pledge.row.ori]))
    badge_alt = f"{pledge.campaign_name}: {pledge.row.status_label}. {pledge.row.name}"
    # Escaped once here so the copied code is valid HTML, and again by the template to show it.
    snippet = format_html(
        '<a href="{}">\n  <img src="{}"\n       alt="{}"\n       width="{}" height="{}">\n</a>',
        page_url,
        badge_url,
        badge_alt,
        BADGE_WIDTH,
        BADGE_HEIGHT,
    )
    return render(
        request,
        "campaigns/public/agency_pledge.html",
        {
            "pledge": pledge,
            "agency": pledge.row,
            "page_url": page_url,
            "badge_url": badge_url,
            "badge_alt": badge_alt,
            "badge_width": BADGE_WIDTH,
            "badge_height": BADGE_HEIGHT,
            "badge_snippet": str(snippet),
            "partner_confirmed": partnership_confirmed_by_partner(ori=pledge.row.ori),
        },
    )


@require_GET
def badge(request: HttpRequest, ori: str) -> HttpResponse:
    row = agency_badge_facts(ori=ori)
    if row is None:
        return HttpResponse(
            "No pledge for this agency.\n", status=404, content_type="text/plain; charset=utf-8"
        )
    svg = badge_svg(row, verify_url=_agency_url(request, row.ori))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    response["Content-Security-Policy"] = BADGE_CONTENT_SECURITY_POLICY
    # Other sites embed the badge as an image.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
