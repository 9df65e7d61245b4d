"""Reads for the public campaign pages: participants, the map by state, an agency's pledge.

Only what a pledge announces publicly leaves here: the agency's name, ORI, state and type, the
pledge's public status and dates. Rosters, training, contacts and evidence never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Count, Max, QuerySet, Subquery

from mhr.campaigns.models import Campaign, Pledge, Requirement
from mhr.core.pagination import MAX_PAGE

PUBLIC_CAMPAIGN_SLUG = "one-mind"
RECENT_COUNT = 10

# The stages the public sees. Submitted and returned pledges are still being worked on.
PUBLIC_PLEDGED = "pledged"
PUBLIC_IN_PROGRESS = "in_progress"
PUBLIC_RECOGNIZED = "recognized"
PUBLIC_LAPSED = "lapsed"
PUBLIC_STATUS_LABELS = {
    PUBLIC_PLEDGED: "Pledged",
    PUBLIC_IN_PROGRESS: "In progress",
    PUBLIC_RECOGNIZED: "Recognized",
    PUBLIC_LAPSED: "Lapsed",
}
PUBLIC_STATUS_OF = {
    Pledge.Status.PLEDGED: PUBLIC_PLEDGED,
    Pledge.Status.IN_PROGRESS: PUBLIC_IN_PROGRESS,
    Pledge.Status.SUBMITTED: PUBLIC_IN_PROGRESS,
    Pledge.Status.RETURNED: PUBLIC_IN_PROGRESS,
    Pledge.Status.RECOGNIZED: PUBLIC_RECOGNIZED,
    Pledge.Status.LAPSED: PUBLIC_LAPSED,
}
STATUSES_FOR_PUBLIC = {
    public: tuple(status for status, shown in PUBLIC_STATUS_OF.items() if shown == public)
    for public in PUBLIC_STATUS_LABELS
}

# The only columns the public pages load from a pledge and its agency.
_PUBLIC_FIELDS = (
    "id",
    "status",
    "signed_on",
    "target_completion_on",
    "recognized_on",
    "agency__id",
    "agency__name",
    "agency__ori",
    "agency__state",
    "agency__agency_type",
)

STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}

# A tile grid: each of the 50 states and DC is one square at (column, row), placed roughly
# where it lies, so every state is the same size and easy to point at.
TILE_GRID = {
    "AK": (0, 0),
    "ME": (11, 0),
    "VT": (10, 1),
    "NH": (11, 1),
    "WA": (1, 2),
    "ID": (2, 2),
    "MT": (3, 2),
    "ND": (4, 2),
    "MN": (5, 2),
    "IL": (6, 2),
    "WI": (7, 2),
    "MI": (8, 2),
    "NY": (9, 2),
    "RI": (10, 2),
    "MA": (11, 2),
    "OR": (1, 3),
    "NV": (2, 3),
    "WY": (3, 3),
    "SD": (4, 3),
    "IA": (5, 3),
    "IN": (6, 3),
    "OH": (7, 3),
    "PA": (8, 3),
    "NJ": (9, 3),
    "CT": (10, 3),
    "CA": (1, 4),
    "UT": (2, 4),
    "CO": (3, 4),
    "NE": (4, 4),
    "MO": (5, 4),
    "KY": (6, 4),
    "WV": (7, 4),
    "VA": (8, 4),
    "MD": (9, 4),
    "DE": (10, 4),
    "AZ": (2, 5),
    "NM": (3, 5),
    "KS": (4, 5),
    "AR": (5, 5),
    "TN": (6, 5),
    "NC": (7, 5),
    "SC": (8, 5),
    "DC": (9, 5),
    "OK": (4, 6),
    "LA": (5, 6),
    "MS": (6, 6),
    "AL": (7, 6),
    "GA": (8, 6),
    "HI": (0, 7),
    "TX": (4, 7),
    "FL": (9, 7),
}
TILE_SIZE = 56
TILE_GAP = 4
GRID_COLUMNS = 12
GRID_ROWS = 8

# USWDS palette. Dark text on the light classes and white on the dark ones keeps every label at
# 4.5:1 or better; the tile outline (gray-60) keeps each tile at 3:1 against the white page.
NO_AGENCIES_CLASS = {"fill": "#f0f0f0", "text": "#1b1b1b"}
COLOUR_CLASSES = (
    {"fill": "#d9e8f6", "text": "#1b1b1b"},
    {"fill": "#73b3e7", "text": "#1b1b1b"},
    {"fill": "#2378c3", "text": "#ffffff"},
    {"fill": "#162e51", "text": "#ffffff"},
)
TILE_OUTLINE = "#565c65"


def public_status(status: str) -> str:
    return PUBLIC_STATUS_OF.get(status, PUBLIC_IN_PROGRESS)


def public_status_label(status: str) -> str:
    return PUBLIC_STATUS_LABELS[public_status(status)]


def state_name(code: str) -> str:
    return STATE_NAMES.get(code, code)


def public_campaign() -> Campaign | None:
    return Campaign.objects.filter(slug=PUBLIC_CAMPAIGN_SLUG).first()


def _public_pledges(campaign: Campaign) -> QuerySet[Pledge]:
    return Pledge.objects.filter(campaign=campaign).select_related("agency").only(*_PUBLIC_FIELDS)


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    ori: str
    state: str
    state_name: str
    agency_type: str
    status: str
    status_label: str
    signed_on: object
    target_completion_on: object
    recognized_on: object


def _row(pledge: Pledge) -> ParticipantRow:
    agency = pledge.agency
    return ParticipantRow(
        name=agency.name,
        ori=agency.ori,
        state=agency.state,
        state_name=state_name(agency.state),
        agency_type=agency.get_agency_type_display(),
        status=public_status(pledge.status),
        status_label=public_status_label(pledge.status),
        signed_on=pledge.signed_on,
        target_completion_on=pledge.target_completion_on,
        recognized_on=pledge.recognized_on,
    )


@dataclass
class ParticipantPage:
    rows: list[ParticipantRow]
    total: int
    page: int
    num_pages: int
    per_page: int
    notes: list[str] = field(default_factory=list)

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.rows) - 1 if self.rows else 0


def participant_page(
    *,
    campaign: Campaign,
    state: str = "",
    status: str = "",
    name: str = "",
    page: int = 1,
    per_page: int = 25,
) -> ParticipantPage:
    """One page of participating agencies, by name. Two queries: the count and the rows."""
    queryset = _public_pledges(campaign)
    if state:
        queryset = queryset.filter(agency__state=state)
    if status:
        queryset = queryset.filter(status__in=STATUSES_FOR_PUBLIC[status])
    if name:
        queryset = queryset.filter(agency__name__icontains=name)
    queryset = queryset.order_by("agency__name", "agency__ori")
    paginator = Paginator(queryset, per_page)
    notes: list[str] = []
    try:
        page_obj: Page = paginator.page(min(max(page, 1), MAX_PAGE))
    except EmptyPage:
        if paginator.count:
            notes.append(f"There is no page {page}; the last page is shown.")
        page_obj = paginator.page(paginator.num_pages)
    return ParticipantPage(
        rows=[_row(pledge) for pledge in page_obj.object_list],
        total=paginator.count,
        page=page_obj.number,
        num_pages=paginator.num_pages if paginator.count else 0,
        per_page=per_page,
        notes=notes,
    )


def _latest(campaign: Campaign, queryset: QuerySet[Pledge], order: tuple[str, ...], limit: int):
    # Pick the rows from the pledge table alone, then join the few agencies: joining every
    # pledge to its agency before sorting costs more than the rest of the query.
    latest = queryset.filter(campaign=campaign).order_by(*order).values("id")[:limit]
    pledges = _public_pledges(campaign).filter(id__in=Subquery(latest)).order_by(*order)
    return [_row(pledge) for pledge in pledges]


def recently_pledged(*, campaign: Campaign, limit: int = RECENT_COUNT) -> list[ParticipantRow]:
    return _latest(campaign, Pledge.objects.all(), ("-signed_on", "-id"), limit)


def recently_recognized(*, campaign: Campaign, limit: int = RECENT_COUNT) -> list[ParticipantRow]:
    recognized = Pledge.objects.filter(status=Pledge.Status.RECOGNIZED, recognized_on__isnull=False)
    return _latest(campaign, recognized, ("-recognized_on", "-id"), limit)


@dataclass
class StateSummary:
    code: str
    name: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PUBLIC_STATUS_LABELS, 0))

    @property
    def recognized(self) -> int:
        return self.counts[PUBLIC_RECOGNIZED]

    @property
    def label(self) -> str:
        agencies = f"{self.total} agenc{'y' if self.total == 1 else 'ies'}"
        return f"{self.name}: {agencies}, {self.recognized} recognized"


@dataclass
class CampaignSummary:
    states: dict[str, StateSummary]
    status_totals: dict[str, int]
    total: int

    def participating_states(self) -> list[StateSummary]:
        rows = [s for s in self.states.values() if s.total]
        return sorted(rows, key=lambda s: s.name)


def campaign_summary(*, campaign: Campaign) -> CampaignSummary:
    """Pledges by state and public status, in one grouped query."""
    grouped = (
        Pledge.objects.filter(campaign=campaign)
        .values_list("agency__state", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    states = {code: StateSummary(code=code, name=STATE_NAMES[code]) for code in TILE_GRID}
    status_totals = dict.fromkeys(PUBLIC_STATUS_LABELS, 0)
    total = 0
    for code, status, count in grouped:
        summary = states.get(code)
        if summary is None:
            summary = states[code] = StateSummary(code=code, name=state_name(code))
        shown = public_status(status)
        summary.counts[shown] += count
        summary.total += count
        status_totals[shown] += count
        total += count
    return CampaignSummary(states=states, status_totals=status_totals, total=total)


@dataclass
class CampaignOverview:
    summary: CampaignSummary
    recently_pledged: list[ParticipantRow]
    recently_recognized: list[ParticipantRow]


OVERVIEW_CACHE_SECONDS = 60


def campaign_overview(*, campaign: Campaign) -> CampaignOverview:
    """Counts by state and status and the two "recent" lists: the parts of the campaign page that
    do not depend on the visitor's filters.

    Cached, keyed on a fingerprint of the pledges (one cheap query on the pledge table), so a new
    pledge or a status change shows at once; edits that leave the fingerprint alone (an agency
    renamed, a signing date corrected) show within OVERVIEW_CACHE_SECONDS.
    """
    fingerprint = Pledge.objects.filter(campaign=campaign).aggregate(
        n=Count("id"), last_id=Max("id"), changed=Max("status_changed_at")
    )
    changed = fingerprint["changed"].timestamp() if fingerprint["changed"] else 0
    key = (
        f"campaigns:public-overview:v1:{campaign.pk}:"
        f"{fingerprint['n']}:{fingerprint['last_id']}:{changed}"
    )
    overview = cache.get(key)
    if overview is None:
        overview = CampaignOverview(
            summary=campaign_summary(campaign=campaign),
            recently_pledged=recently_pledged(campaign=campaign),
            recently_recognized=recently_recognized(campaign=campaign),
        )
        cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return overview


def colour_breaks(counts: Iterable[int]) -> list[tuple[int, int]]:
    """Count ranges for the map's colour classes, split at the quartiles of the non-zero counts."""
    values = sorted(c for c in counts if c > 0)
    if not values:
        return []
    classes = len(COLOUR_CLASSES)
    uppers: list[int] = []
    for i in range(1, classes):
        upper = values[min(len(values) - 1, (len(values) * i) // classes)]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    if uppers[-1] >= values[-1]:
        uppers.pop()
    ranges: list[tuple[int, int]] = []
    lower = 1
    for upper in uppers:
        if upper >= lower:
            ranges.append((lower, upper))
            lower = upper + 1
    ranges.append((lower, values[-1]))
    return ranges


@dataclass(frozen=True)
class MapTile:
    code: str
    label: str
    count: int
    x: int
    y: int
    fill: str
    text_colour: str
    selected: bool


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str


@dataclass(frozen=True)
class StateMap:
    tiles: list[MapTile]
    legend: list[LegendEntry]
    width: int
    height: int
    tile_size: int


def state_map(summary: CampaignSummary, *, selected_state: str = "") -> StateMap:
    ranges = colour_breaks(s.total for code, s in summary.states.items() if code in TILE_GRID)
    # Spread the classes so that two ranges use the lightest and the darkest, not the first two.
    step = (len(COLOUR_CLASSES) - 1) / max(1, len(ranges) - 1)
    palette = [COLOUR_CLASSES[round(i * step)] for i in range(len(ranges))]

    def colours(count: int) -> dict[str, str]:
        for (low, high), colour in zip(ranges, palette, strict=True):
            if low <= count <= high:
                return colour
        return NO_AGENCIES_CLASS

    tiles = []
    for code, (column, row) in TILE_GRID.items():
        state = summary.states[code]
        colour = colours(state.total)
        tiles.append(
            MapTile(
                code=code,
                label=state.label,
                count=state.total,
                x=column * (TILE_SIZE + TILE_GAP),
                y=row * (TILE_SIZE + TILE_GAP),
                fill=colour["fill"],
                text_colour=colour["text"],
                selected=code == selected_state,
            )
        )
    legend = [LegendEntry(label="No participating agencies", fill=NO_AGENCIES_CLASS["fill"])]
    for (low, high), colour in zip(ranges, palette, strict=True):
        text = (
            f"{low} agenc{'y' if low == 1 else 'ies'}" if low == high else f"{low}–{high} agencies"
        )
        legend.append(LegendEntry(label=text, fill=colour["fill"]))
    return StateMap(
        tiles=tiles,
        legend=legend,
        width=GRID_COLUMNS * (TILE_SIZE + TILE_GAP) - TILE_GAP,
        height=GRID_ROWS * (TILE_SIZE + TILE_GAP) - TILE_GAP,
        tile_size=TILE_SIZE,
    )


@dataclass(frozen=True)
class PracticeRow:
    title: str
    description: str
    met: bool


@dataclass(frozen=True)
class AgencyPledge:
    row: ParticipantRow
    campaign_name: str
    rule_version_name: str
    practices: list[PracticeRow]


def agency_public_pledge(*, ori: str) -> AgencyPledge | None:
    """An agency's pledge as the public sees it; None for an unknown ORI or no pledge.

    Practices are shown as met only when the pledge is recognized: the public page says what
    the association has verified, not what the agency's own data currently suggests.
    """
    pledge = (
        Pledge.objects.filter(campaign__slug=PUBLIC_CAMPAIGN_SLUG, agency__ori=ori)
        .select_related("agency", "campaign", "rule_version")
        .only(
            *_PUBLIC_FIELDS,
            "campaign__id",
            "campaign__name",
            "rule_version__id",
            "rule_version__name",
        )
        .first()
    )
    if pledge is None:
        return None
    met = public_status(pledge.status) == PUBLIC_RECOGNIZED
    requirements = Requirement.objects.filter(rule_version_id=pledge.rule_version_id).only(
        "title", "description", "position"
    )
    return AgencyPledge(
        row=_row(pledge),
        campaign_name=pledge.campaign.name,
        rule_version_name=pledge.rule_version.name,
        practices=[
            PracticeRow(title=r.title, description=r.description, met=met) for r in requirements
        ],
    )


def agency_badge_facts(*, ori: str) -> ParticipantRow | None:
    """What the badge shows, in one query."""
    pledge = (
        Pledge.objects.filter(campaign__slug=PUBLIC_CAMPAIGN_SLUG, agency__ori=ori)
        .select_related("agency")
        .only(*_PUBLIC_FIELDS)
        .first()
    )
    return _row(pledge) if pledge is not None else None
