"""The embeddable campaign badge: a small, self-contained SVG.

Agencies put it on their own sites, so it must be safe to serve as an image anywhere: every
piece of text is escaped, and it has no scripts, links, fonts, images or other external
references. Whoever sees it can check it at the verification address it prints.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from mhr.campaigns.public_selectors import (
    PUBLIC_IN_PROGRESS,
    PUBLIC_LAPSED,
    PUBLIC_PLEDGED,
    PUBLIC_RECOGNIZED,
    ParticipantRow,
)

BADGE_WIDTH = 340
BADGE_HEIGHT = 84
MAX_NAME_CHARS = 44
MAX_URL_CHARS = 62

# Status colours (USWDS) with white text at 4.5:1 or better.
STATUS_STYLE = {
    PUBLIC_RECOGNIZED: ("Recognized", "#216e1f"),
    PUBLIC_PLEDGED: ("Pledged", "#005ea2"),
    PUBLIC_IN_PROGRESS: ("In progress", "#7a591a"),
    PUBLIC_LAPSED: ("Lapsed", "#565c65"),
}

# Words agencies' names often spell out, shortened the way agencies shorten them.
ABBREVIATIONS = (
    (r"\bPolice Department\b", "PD"),
    (r"\bSheriff'?s Office\b", "SO"),
    (r"\bSheriff'?s Department\b", "SD"),
    (r"\bDepartment of Public Safety\b", "DPS"),
    (r"\bDepartment\b", "Dept."),
    (r"\bUniversity\b", "Univ."),
    (r"\bCounty\b", "Co."),
    (r"\bTownship\b", "Twp."),
)

# Characters XML 1.0 does not allow, even escaped; a name carrying one would break the image.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def abbreviate(name: str, limit: int = MAX_NAME_CHARS) -> str:
    """The agency's name, shortened to fit the badge."""
    text = " ".join(_XML_INVALID.sub("", name).split())
    for pattern, short in ABBREVIATIONS:
        if len(text) <= limit:
            break
        text = re.sub(pattern, short, text)
    if len(text) > limit:
        cut = text[: limit - 1]
        # End on a whole word unless that would drop most of the name.
        if " " in cut[limit // 2 :]:
            cut = cut[: cut.rfind(" ")]
        text = cut.rstrip(" ,.-&") + "…"
    return text


def _shorten_url(url: str, limit: int = MAX_URL_CHARS) -> str:
    url = _XML_INVALID.sub("", url)
    return url if len(url) <= limit else url[: limit - 1] + "…"


def badge_svg(row: ParticipantRow, *, verify_url: str) -> str:
    """The badge for one agency's pledge."""
    status_text, status_fill = STATUS_STYLE[row.status]
    name = abbreviate(row.name)
    full_name = " ".join(_XML_INVALID.sub("", row.name).split())
    title = f"One Mind Campaign · {status_text}: {full_name} ({row.ori}). Verify at {verify_url}"
    left_width = 180
    right_width = BADGE_WIDTH - left_width
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" viewBox="0 0 {BADGE_WIDTH} {BADGE_HEIGHT}" '
        'role="img" aria-labelledby="badge-title">'
        f'<title id="badge-title">{escape(_XML_INVALID.sub("", title))}</title>'
        f'<rect width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" rx="6" fill="#ffffff" '
        'stroke="#565c65" stroke-width="1"/>'
        f'<rect width="{left_width}" height="28" rx="6" fill="#162e51"/>'
        f'<rect x="{left_width - 6}" width="6" height="28" fill="#162e51"/>'
        f'<rect x="{left_width}" width="{right_width}" height="28" rx="6" fill="{status_fill}"/>'
        f'<rect x="{left_width}" width="6" height="28" fill="{status_fill}"/>'
        '<g font-family="Verdana,DejaVu Sans,Arial,sans-serif" aria-hidden="true">'
        f'<text x="{left_width // 2}" y="19" font-size="13" font-weight="bold" fill="#ffffff" '
        'text-anchor="middle">One Mind Campaign</text>'
        f'<text x="{left_width + right_width // 2}" y="19" font-size="13" font-weight="bold" '
        f'fill="#ffffff" text-anchor="middle">{escape(status_text)}</text>'
        f'<text x="10" y="50" font-size="12.5" font-weight="bold" fill="#1b1b1b">{escape(name)}</text>'
        f'<text x="10" y="71" font-size="9.5" fill="#3d4551">Verify: '
        f"{escape(_shorten_url(verify_url))}</text>"
        "</g></svg>"
    )
