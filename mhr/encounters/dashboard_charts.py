"""The agency dashboard's charts, built once from encounter_stats and drawn three ways.

Each chart is a `Chart`: a title, a one-sentence summary of what it shows, a data table (which
is also its CSV) and a list of shapes (bars, text, lines) laid out here in pixels. The shapes
are drawn as SVG (inline on the page and as a download) and as PNG with Pillow, so the picture,
the sentence and the table can never disagree. Inline SVG uses presentation attributes only
(no style attributes): the content security policy forbids inline styles.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape

WIDTH = 720
LABEL_WIDTH = 250
BAR_AREA = 330
ROW_HEIGHT = 30
FONT_SIZE = 14
FONT_FAMILY = "Source Sans Pro, Helvetica Neue, Helvetica, Arial, sans-serif"
INK = "#1b1b1b"
MUTED = "#565c65"
GRID = "#dfe1e2"
PRIMARY = "#005ea2"
SECONDARY = "#c05600"  # 4.6:1 on white: passes the 3:1 contrast for graphics
CIT_COLOURS = {"on_scene": PRIMARY, "not_on_scene": SECONDARY}

CIT_CAUTION = (
    "This compares encounters, not officers, and it does not show cause and effect. "
    "CIT-trained officers are often sent to different calls (more serious, or ones flagged "
    "at dispatch), so a difference here may come from the calls rather than the training."
)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    bold: bool = False
    size: int = FONT_SIZE


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID


@dataclass
class Chart:
    slug: str
    title: str
    summary: str
    caption: str
    headers: list[str]
    rows: list[list[Any]]  # the table and the CSV: numbers stay numbers
    height: int = 0
    shapes: list[Any] = field(default_factory=list)
    note: str = ""  # shown under the chart (and in the downloads' description)
    how_counted: str = ""

    def display_rows(self) -> list[list[str]]:
        return [[_cell(value) for value in row] for row in self.rows]


def _cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def percent(numerator: int, denominator: int) -> str:
    """A share for people: whole percent, "under 1%" rather than a misleading 0%."""
    if not denominator:
        return "no data"
    share = numerator / denominator * 100
    if 0 < share < 0.5:
        return "under 1%"
    return f"{share:.0f}%"


def _pct_number(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator * 100, 1) if denominator else None


def _month_label(month: str) -> str:
    return datetime.date(int(month[:4]), int(month[5:7]), 1).strftime("%b %Y")


def _date(text: str) -> str:
    day = datetime.date.fromisoformat(text)
    return f"{day:%B} {day.day}, {day.year}"


# --- layouts --------------------------------------------------------------------------------


def _bars(
    chart: Chart,
    items: list[tuple[str, float, str, str]],
    *,
    maximum: float | None = None,
) -> Chart:
    """Horizontal bars: (label, value, text after the bar, colour)."""
    top = 10
    scale_max = maximum or max((value for _, value, _, _ in items), default=0) or 1
    shapes: list[Any] = []
    for index, (label, value, shown, colour) in enumerate(items):
        y = top + index * ROW_HEIGHT
        length = BAR_AREA * value / scale_max if value > 0 else 0
        shapes.append(Text(LABEL_WIDTH - 10, y + 19, label, anchor="end"))
        if length:
            shapes.append(Rect(LABEL_WIDTH, y + 5, max(length, 2), ROW_HEIGHT - 10, colour))
        shapes.append(Text(LABEL_WIDTH + length + 8, y + 19, shown, fill=MUTED))
    shapes.insert(0, Line(LABEL_WIDTH, top, LABEL_WIDTH, top + len(items) * ROW_HEIGHT, MUTED))
    chart.shapes = shapes
    chart.height = top * 2 + len(items) * ROW_HEIGHT
    return chart


def _nice_ceiling(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value  # pragma: no cover


def _columns(chart: Chart, items: list[tuple[str, int]]) -> Chart:
    """Vertical columns for the months, with a labelled scale."""
    left, top, plot_height, bottom = 60, 14, 200, 40
    plot_width = WIDTH - left - 10
    ceiling = _nice_ceiling(max((value for _, value in items), default=0))
    shapes: list[Any] = []
    for step in range(5):
        value = ceiling * step / 4
        y = top + plot_height - plot_height * step / 4
        shapes.append(Line(left, y, left + plot_width, y))
        shapes.append(Text(left - 6, y + 5, f"{value:,.0f}", anchor="end", fill=MUTED, size=12))
    slot = plot_width / max(len(items), 1)
    label_every = max(1, round(len(items) / 12))
    for index, (label, value) in enumerate(items):
        height = plot_height * value / ceiling
        x = left + index * slot
        if value:
            shapes.append(
                Rect(x + slot * 0.15, top + plot_height - height, slot * 0.7, height, PRIMARY)
            )
        if index % label_every == 0:
            shapes.append(
                Text(x + slot / 2, top + plot_height + 18, label, anchor="middle", size=12)
            )
    shapes.append(Line(left, top + plot_height, left + plot_width, top + plot_height, MUTED))
    chart.shapes = shapes
    chart.height = top + plot_height + bottom
    return chart


# --- the charts -------------------------------------------------------------------------------


def build_charts(stats: dict[str, Any], *, agency_name: str) -> list[Chart]:
    """Every dashboard chart for one statistics result (which must not be empty)."""
    total = stats["total"]
    period = f"{_date(stats['period']['start'])} to {_date(stats['period']['end'])}"
    charts = [
        _volume(stats, total, period, agency_name),
        _flagged(stats, total),
        _dispositions(stats, total),
        _outcomes(stats, total),
        _cit(stats),
        _repeat(stats, total),
        _time_on_scene(stats),
        _call_sources(stats, total),
    ]
    return charts


def _volume(stats: dict[str, Any], total: int, period: str, agency_name: str) -> Chart:
    months = stats["by_month"]
    busiest = max(months, key=lambda m: m["count"])
    quietest = min(months, key=lambda m: m["count"])
    summary = f"From {period}, {agency_name} recorded {total:,} complete crisis encounters"
    if len(months) > 1:
        summary += (
            f"; the busiest month was {_month_label(busiest['month'])} ({busiest['count']:,})"
            f" and the quietest {_month_label(quietest['month'])} ({quietest['count']:,})."
        )
    else:
        summary += "."
    chart = Chart(
        slug="volume",
        title="Encounters by month",
        summary=summary,
        caption="Complete encounters in each month (agency's local time)",
        headers=["Month", "Encounters"],
        rows=[[m["month"], m["count"]] for m in months],
        how_counted="Each complete record counts once, in the month its call was received, "
        "in your agency's time zone. Drafts are not counted.",
    )
    short = len(months) > 18
    labels = [
        (
            datetime.date(int(m["month"][:4]), int(m["month"][5:]), 1).strftime(
                "%y-%m" if short else "%b %y"
            ),
            m["count"],
        )
        for m in months
    ]
    return _columns(chart, labels)


def _flagged(stats: dict[str, Any], total: int) -> Chart:
    flagged = stats["flagged_at_dispatch"]
    known = flagged["yes"] + flagged["no"]
    if known:
        summary = (
            f"{flagged['yes']:,} of the {known:,} encounters where it was recorded "
            f"({percent(flagged['yes'], known)}) were flagged as mental health at dispatch"
        )
        summary += (
            f"; it was not recorded for {flagged['unknown']:,}." if flagged["unknown"] else "."
        )
    else:
        summary = "Whether dispatch flagged the call as mental health was not recorded."
    names = [("yes", "Flagged"), ("no", "Not flagged"), ("unknown", "Not recorded")]
    chart = Chart(
        slug="flagged",
        title="Flagged as mental health at dispatch",
        summary=summary,
        caption="Encounters by whether dispatch flagged the call as mental health",
        headers=["Flagged at dispatch", "Encounters", "Share of all encounters (%)"],
        rows=[[label, flagged[key], _pct_number(flagged[key], total)] for key, label in names],
        how_counted="The share flagged is out of the encounters where the flag was recorded.",
    )
    return _bars(
        chart,
        [
            (label, flagged[key], f"{flagged[key]:,} ({percent(flagged[key], total)})", PRIMARY)
            for key, label in names
        ],
    )


def _dispositions(stats: dict[str, Any], total: int) -> Chart:
    rows = stats["dispositions"]
    top = max(rows, key=lambda d: d["count"])
    chart = Chart(
        slug="dispositions",
        title="Dispositions",
        summary=f"The most common disposition was {top['label'].lower()}: {top['count']:,} of "
        f"{total:,} encounters ({percent(top['count'], total)}).",
        caption="Encounters by how they ended",
        headers=["Disposition", "Encounters", "Share of all encounters (%)"],
        rows=[[d["label"], d["count"], _pct_number(d["count"], total)] for d in rows],
        how_counted="One disposition per encounter: how it ended.",
    )
    return _bars(
        chart,
        [(d["label"], d["count"], f"{d['count']:,} ({percent(d['count'], total)})", PRIMARY)
         for d in rows],
    )  # fmt: skip


def _outcomes(stats: dict[str, Any], total: int) -> Chart:
    injuries = stats["injuries"]
    measures = [
        ("Ended in arrest", stats["arrests"]),
        ("Force used", stats["force_used"]),
        ("Person in crisis injured", injuries["person"]),
        ("Officer injured", injuries["officer"]),
        ("Someone else injured", injuries["other"]),
    ]
    summary = (
        f"{stats['arrests']:,} of {total:,} encounters ({percent(stats['arrests'], total)}) "
        f"ended in arrest and force was used in {stats['force_used']:,} "
        f"({percent(stats['force_used'], total)}). The person in crisis was injured in "
        f"{injuries['person']:,} ({percent(injuries['person'], total)}), an officer in "
        f"{injuries['officer']:,} ({percent(injuries['officer'], total)}) and someone else in "
        f"{injuries['other']:,} ({percent(injuries['other'], total)})."
    )
    chart = Chart(
        slug="outcomes",
        title="Arrests, use of force and injuries",
        summary=summary,
        caption=f"Rates per 100 complete encounters (denominator: {total:,} encounters)",
        headers=["Measure", "Encounters", "Rate (% of all encounters)"],
        rows=[[label, count, _pct_number(count, total)] for label, count in measures],
        how_counted="Force used means any force other than none; records where force was not "
        "recorded count as no force used. Injuries count records marked yes.",
    )
    return _bars(
        chart,
        [(label, count, f"{percent(count, total)} ({count:,})", PRIMARY)
         for label, count in measures],
        maximum=max(max(count for _, count in measures), 1),
    )  # fmt: skip


def _cit(stats: dict[str, Any]) -> Chart:
    cit = stats["cit"]
    on, off = cit["on_scene"], cit["not_on_scene"]
    if on["count"] and off["count"]:
        summary = (
            f"With a CIT-trained officer on scene, {on['arrests']:,} of {on['count']:,} "
            f"encounters ({percent(on['arrests'], on['count'])}) ended in arrest; without one, "
            f"{off['arrests']:,} of {off['count']:,} ({percent(off['arrests'], off['count'])})."
        )
    else:
        summary = (
            "There are not encounters both with and without a CIT-trained officer on scene in "
            "this selection, so the two cannot be compared."
        )
    groups = [
        ("on_scene", "CIT officer on scene"),
        ("not_on_scene", "No CIT officer on scene"),
        ("unknown", "Not recorded"),
    ]
    rows = []
    for key, label in groups:
        group = cit[key]
        rows.append(
            [
                label,
                group["count"],
                group["arrests"],
                _pct_number(group["arrests"], group["count"]),
                group["force_used"],
                _pct_number(group["force_used"], group["count"]),
                group["injured"],
                _pct_number(group["injured"], group["count"]),
            ]
        )
    chart = Chart(
        slug="cit",
        title="CIT-trained officer on scene or not",
        summary=summary,
        caption="Outcomes of encounters with and without a CIT-trained officer on scene",
        headers=[
            "CIT-trained officer",
            "Encounters",
            "Arrests",
            "Arrest rate (%)",
            "Force used",
            "Force rate (%)",
            "Anyone injured",
            "Injury rate (%)",
        ],
        rows=rows,
        note=CIT_CAUTION,
        how_counted="Each rate is out of the encounters in its own group. Encounters where "
        "CIT presence was not recorded are in the table but not the chart.",
    )
    items = []
    for measure, key in (("Arrest", "arrests"), ("Force", "force_used"), ("Injury", "injured")):
        for group_key, _label in groups[:2]:
            group = cit[group_key]
            value = group[key] / group["count"] * 100 if group["count"] else 0
            shown = (
                f"{percent(group[key], group['count'])} of {group['count']:,}"
                if group["count"]
                else "no encounters"
            )
            words = "with CIT" if group_key == "on_scene" else "without CIT"
            items.append((f"{measure} rate, {words}", value, shown, CIT_COLOURS[group_key]))
    return _bars(chart, items, maximum=max(max(v for _, v, _, _ in items), 1))


def _repeat(stats: dict[str, Any], total: int) -> Chart:
    repeat = stats["repeat_contacts"]
    chart = Chart(
        slug="repeat",
        title="Repeat contacts",
        summary=f"{repeat:,} of {total:,} encounters ({percent(repeat, total)}) were with a "
        "person your agency had met before in a recorded crisis encounter.",
        caption="Encounters with a person met before, and the rest",
        headers=["Contact", "Encounters", "Share of all encounters (%)"],
        rows=[
            ["Repeat contact", repeat, _pct_number(repeat, total)],
            [
                "First recorded contact or no person key",
                total - repeat,
                _pct_number(total - repeat, total),
            ],
        ],  # fmt: skip
        how_counted="A repeat contact can only be found when the record carries your "
        "agency's person key; records without one count as first contacts.",
    )
    return _bars(
        chart,
        [
            ("Repeat contact", repeat, f"{repeat:,} ({percent(repeat, total)})", PRIMARY),
            (
                "Other encounters",
                total - repeat,
                f"{total - repeat:,} ({percent(total - repeat, total)})",
                MUTED,
            ),
        ],  # fmt: skip
    )


def _band_label(band: dict[str, Any]) -> str:
    if band["to"] is None:
        return f"{band['from'] // 60} hours or more"
    return f"{band['from']}–{band['to']} minutes"


def _time_on_scene(stats: dict[str, Any]) -> Chart:
    minutes = stats["minutes_on_scene"]
    count = minutes["count"]
    if count:
        summary = (
            f"In the {count:,} encounters with arrival and clearance times, officers spent a "
            f"median of about {minutes['median']} minutes on scene (mean {minutes['mean']})."
        )
    else:
        summary = "No encounter in this selection has both arrival and clearance times."
    chart = Chart(
        slug="time",
        title="Time on scene",
        summary=summary,
        caption="Encounters by minutes from arrival (or the call, if no arrival) to clearance",
        headers=["Time on scene", "Encounters", "Share of timed encounters (%)"],
        rows=[
            [_band_label(band), band["count"], _pct_number(band["count"], count)]
            for band in minutes["bands"]
        ],
        how_counted="The median is estimated from 5-minute bands, so it is within 5 minutes "
        "of the exact value; the mean is exact.",
    )
    return _bars(
        chart,
        [
            (
                _band_label(band),
                band["count"],
                f"{band['count']:,} ({percent(band['count'], count)})",
                PRIMARY,
            )
            for band in minutes["bands"]
        ],  # fmt: skip
    )


def _call_sources(stats: dict[str, Any], total: int) -> Chart:
    rows = stats["call_sources"]
    top = max(rows, key=lambda s: s["count"])
    chart = Chart(
        slug="sources",
        title="Call sources",
        summary=f"Most encounters came from {top['label']}: {top['count']:,} of {total:,} "
        f"({percent(top['count'], total)}).",
        caption="Encounters by how the call came in",
        headers=["Call source", "Encounters", "Share of all encounters (%)"],
        rows=[[s["label"], s["count"], _pct_number(s["count"], total)] for s in rows],
        how_counted="One call source per encounter.",
    )
    return _bars(
        chart,
        [(s["label"], s["count"], f"{s['count']:,} ({percent(s['count'], total)})", PRIMARY)
         for s in rows],
    )  # fmt: skip


# --- drawing ----------------------------------------------------------------------------------

_SVG_ANCHORS = {"start": "start", "middle": "middle", "end": "end"}


def chart_svg(chart: Chart, *, standalone: bool = False) -> str:
    """The chart as SVG: role="img" with a title and a description (the summary)."""
    title_id, desc_id = f"chart-{chart.slug}-title", f"chart-{chart.slug}-desc"
    description = chart.summary + (" " + chart.note if chart.note else "")
    # A downloaded chart stands alone: it gets a white background and its title on the picture.
    header = 36 if standalone else 0
    height = chart.height + header
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        + (f'width="{WIDTH}" height="{height}" ' if standalone else 'width="100%" ')
        + f'role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if standalone:
        parts.append(f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>')
        parts.append(
            f'<text x="10" y="24" font-size="18" font-weight="bold" fill="{INK}">'
            f"{escape(chart.title)}</text>"
        )
        parts.append(f'<g transform="translate(0 {header})">')
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            parts.append(
                f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                f'height="{shape.height:.1f}" fill="{shape.fill}"/>'
            )
        elif isinstance(shape, Line):
            parts.append(
                f'<line x1="{shape.x1:.1f}" y1="{shape.y1:.1f}" x2="{shape.x2:.1f}" '
                f'y2="{shape.y2:.1f}" stroke="{shape.stroke}" stroke-width="1"/>'
            )
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            size = f' font-size="{shape.size}"' if shape.size != FONT_SIZE else ""
            parts.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" '
                f'text-anchor="{_SVG_ANCHORS[shape.anchor]}" fill="{shape.fill}"{size}{weight}>'
                f"{escape(shape.text)}</text>"
            )
    if standalone:
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


_PIL_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def chart_png(chart: Chart, *, scale: int = 2) -> bytes:
    """The same shapes drawn with Pillow (twice the size, for sharp printing)."""
    from PIL import Image, ImageDraw, ImageFont

    title_size = 18
    header = 36
    image = Image.new("RGB", (WIDTH * scale, (chart.height + header) * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[int, Any] = {}

    def font(size: int) -> Any:
        if size not in fonts:
            fonts[size] = ImageFont.load_default(size=size * scale)
        return fonts[size]

    draw.text((10 * scale, 24 * scale), chart.title, fill=INK, font=font(title_size), anchor="ls")
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            draw.rectangle(
                [
                    shape.x * scale,
                    (shape.y + header) * scale,
                    (shape.x + shape.width) * scale - 1,
                    (shape.y + header + shape.height) * scale - 1,
                ],
                fill=shape.fill,
            )
        elif isinstance(shape, Line):
            draw.line(
                [
                    shape.x1 * scale,
                    (shape.y1 + header) * scale,
                    shape.x2 * scale,
                    (shape.y2 + header) * scale,
                ],
                fill=shape.stroke,
                width=scale,
            )
        else:
            draw.text(
                (shape.x * scale, (shape.y + header) * scale),
                shape.text,
                fill=shape.fill,
                font=font(shape.size),
                anchor=_PIL_ANCHORS[shape.anchor],
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
