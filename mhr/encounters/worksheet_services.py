"""Messaging worksheets: talking points built from the agency's own numbers, its pledge and
national facts, edited by the chief, then exported to PDF and Word.

Every figure comes from stats.encounter_stats (the agency's own, unsuppressed: the worksheet stays
with the agency until the chief chooses to use it), campaigns.selectors.pledge_compliance and the
clearinghouse's Fact table. Each point carries its source and year; program-reported figures carry
the research caveat. Editing changes a point's words, order and presence, never its source.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.models import Pledge
from mhr.campaigns.pdf import render_pdf
from mhr.campaigns.selectors import pledge_compliance
from mhr.clearinghouse.models import Fact
from mhr.encounters.models import MessagingWorksheet
from mhr.encounters.stats import encounter_stats

EventType = AuditEvent.EventType

MAX_POINT_LENGTH = 1000
MAX_PERIOD_DAYS = 366 * 5
KIND_LABELS = {
    "agency": "Our numbers",
    "pledge": "Our pledge",
    "national": "National facts",
}
PROGRAM_REPORTED_CAVEAT = (
    "Program-reported: these are the program's own figures, not an independent evaluation. "
    "Peer-reviewed research on crisis-intervention outcomes is mixed, so say “reported by” "
    "when quoting them."
)


# --- wording --------------------------------------------------------------------------------------


def share(numerator: int, denominator: int) -> str:
    """A whole percent, never rounding a partial share up to 100% or down to 0%."""
    if denominator <= 0:
        raise ValueError("No denominator.")
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    rounded = exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if rounded == 100 and numerator != denominator:
        return "more than 99%"
    if rounded == 0 and numerator:
        return "less than 1%"
    return f"{rounded}%"


def _day(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def period_label(start: datetime.date, end: datetime.date) -> str:
    """ "In 2025" for a calendar year, else "Between March 1, 2025 and June 30, 2025"."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"In {start.year}"
    return f"Between {_day(start)} and {_day(end)}"


def period_years(start: datetime.date, end: datetime.date) -> str:
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"


# --- building the points --------------------------------------------------------------------------


def _point(key: str, kind: str, text: str, source: str, year: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "text": text,
        "source": source,
        "year": year,
        "url": extra.get("url", ""),
        "program_reported": bool(extra.get("program_reported", False)),
        "caveat": extra.get("caveat", ""),
        # The words as generated: a saved text that differs from them is the chief's own.
        "generated": text,
    }


def agency_points(agency: Agency, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    numbers = encounter_stats(agency=agency, start=start, end=end)
    when = period_label(start, end)
    source = f"{agency.name}, crisis-contact records kept in MHR"
    year = period_years(start, end)

    def point(key: str, text: str) -> dict[str, Any]:
        return _point(key, "agency", text, source, year)

    total = numbers["total"]
    if not total:
        return [point("volume", f"{when}, no crisis contacts were recorded in MHR.")]
    dispositions = {row["code"]: row["count"] for row in numbers["dispositions"]}
    points = [
        point("volume", f"{when}, our officers responded to {total:,} crisis contacts."),
        point(
            "no_arrest",
            f"{when}, {share(total - numbers['arrests'], total)} of {total:,} crisis contacts "
            "ended without arrest.",
        ),
        point(
            "no_force",
            f"{when}, {share(total - numbers['force_used'], total)} of {total:,} crisis contacts "
            "were resolved without any recorded use of force.",
        ),
    ]
    cit = numbers["rates"]["cit_on_scene"]
    if cit["denominator"]:
        points.append(
            point(
                "cit_on_scene",
                f"{when}, a CIT-trained officer was on scene in "
                f"{share(cit['numerator'], cit['denominator'])} of the {cit['denominator']:,} "
                "crisis contacts where this was recorded.",
            )
        )
    care = dispositions.get("referral", 0) + dispositions.get("voluntary_transport", 0)
    points.append(
        point(
            "referral_transport",
            f"{when}, {care:,} crisis contacts ({share(care, total)}) ended with a referral to "
            "services or a voluntary transport to care.",
        )
    )
    flagged = numbers["rates"]["flagged_at_dispatch"]
    if flagged["denominator"]:
        points.append(
            point(
                "flagged_at_dispatch",
                f"{when}, dispatch identified {share(flagged['numerator'], flagged['denominator'])} "
                f"of {flagged['denominator']:,} crisis contacts as mental-health calls before "
                "officers arrived.",
            )
        )
    return points


def pledge_points(agency: Agency, as_of: datetime.date) -> list[dict[str, Any]]:
    pledge = (
        Pledge.objects.filter(agency=agency)
        .select_related("campaign", "rule_version")
        .order_by("-signed_on", "id")
        .first()
    )
    if pledge is None:
        return []
    result = pledge_compliance(pledge, as_of=as_of, cached=True)
    source = f"{agency.name}, {pledge.campaign.name} pledge and training records in MHR"
    year = str(as_of.year)
    met = sum(1 for requirement in result.requirements if requirement.met)
    points = [
        _point(
            "pledge_practices",
            "pledge",
            f"We signed the {pledge.campaign.name} pledge on {_day(pledge.signed_on)}; "
            f"{met} of {len(result.requirements)} of its practices were in place on {_day(as_of)}.",
            source,
            year,
        )
    ]
    if result.active_sworn:
        points.append(
            _point(
                "pledge_cit",
                "pledge",
                f"On {_day(as_of)}, {result.cit_qualified:,} of our {result.active_sworn:,} active "
                f"sworn officers ({share(result.cit_qualified, result.active_sworn)}) held "
                "crisis-intervention training.",
                source,
                year,
            )
        )
    return points


def national_points() -> list[dict[str, Any]]:
    return [
        _point(
            f"fact-{fact.pk}",
            "national",
            fact.statement,
            fact.source,
            fact.year_label,
            url=fact.url,
            program_reported=fact.program_reported,
            caveat=fact.caveat or (PROGRAM_REPORTED_CAVEAT if fact.program_reported else ""),
        )
        for fact in Fact.objects.filter(is_active=True).order_by("position", "id")
    ]


def worksheet_points(
    *, agency: Agency, start: datetime.date, end: datetime.date, as_of: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Fresh talking points for the agency and period (nothing saved)."""
    return [
        *agency_points(agency, start, end),
        *pledge_points(agency, as_of or timezone.localdate()),
        *national_points(),
    ]


# --- writes ---------------------------------------------------------------------------------------


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError({"period_end": ["The period ends before it starts."]})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": ["Choose a period of five years or less."]})


def worksheet_create(
    *,
    agency: Agency,
    actor: Any,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    request: HttpRequest | None = None,
    as_of: datetime.date | None = None,
) -> MessagingWorksheet:
    """Generate a worksheet's points from the agency's numbers and save it."""
    _check_period(period_start, period_end)
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Give the worksheet a title."]})
    points = worksheet_points(agency=agency, start=period_start, end=period_end, as_of=as_of)
    now = timezone.now()
    with transaction.atomic():
        worksheet = MessagingWorksheet.objects.create(
            agency=agency,
            title=title[:200],
            period_start=period_start,
            period_end=period_end,
            points=points,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            updated_at=now,
        )
        audit_record(
            event_type=EventType.WORKSHEET_SAVED,
            actor=actor,
            agency=agency,
            target=worksheet,
            request=request,
            extra={"created": True, "points": len(points)},
        )
    return worksheet


def worksheet_save(
    *,
    worksheet: MessagingWorksheet,
    actor: Any,
    title: str,
    texts: list[tuple[str, str]],
    request: HttpRequest | None = None,
) -> MessagingWorksheet:
    """Keep the points named in `texts` ((key, new text) in the new order), with their sources.

    A key the worksheet does not have is refused: the chief edits the words, not the sources.
    """
    title = title.strip()
    problems: dict[str, list[str]] = {}
    if not title:
        problems["title"] = ["Give the worksheet a title."]
    stored = {point["key"]: point for point in worksheet.points}
    keys = [key for key, _ in texts]
    if len(set(keys)) != len(keys) or set(keys) - set(stored):
        problems["points"] = ["The points did not match this worksheet; reload it and try again."]
    if not texts:
        problems["points"] = ["Keep at least one point."]
    for _key, text in texts:
        if not text.strip():
            problems.setdefault("points", []).append("A point cannot be empty; remove it instead.")
        elif len(text) > MAX_POINT_LENGTH:
            problems.setdefault("points", []).append(
                f"Keep each point under {MAX_POINT_LENGTH} characters."
            )
    if problems:
        raise ValidationError(problems)
    points = [{**stored[key], "text": text.strip()} for key, text in texts]
    edited = sorted(key for key, text in texts if stored[key]["text"] != text.strip())
    removed = sorted(set(stored) - set(keys))
    with transaction.atomic():
        worksheet.title = title[:200]
        worksheet.points = points
        worksheet.updated_at = timezone.now()
        worksheet.save(update_fields=["title", "points", "updated_at"])
        audit_record(
            event_type=EventType.WORKSHEET_SAVED,
            actor=actor,
            agency=worksheet.agency,
            target=worksheet,
            request=request,
            extra={"edited": edited, "removed": removed, "order": keys},
        )
    return worksheet


# --- regenerating ---------------------------------------------------------------------------------


def point_edited(point: dict[str, Any]) -> bool:
    """Whether the chief changed a point's words. Worksheets saved before the generated words
    were kept cannot tell, so their points count as edited: nothing is replaced unasked."""
    generated = point.get("generated")
    return generated is None or point["text"] != generated


@dataclass
class PointChange:
    key: str
    kind: str
    old: str  # the saved words ("" for a new point)
    new: str  # the fresh words ("" when the point is no longer generated)
    edited: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "Point")


@dataclass
class RegenerationPlan:
    """What rebuilding a worksheet's points from current numbers would change.

    - updated: unedited points whose words change; they take the new words.
    - conflicts: points the chief edited whose generated words changed; kept unless replaced.
    - added: points the worksheet does not have (new, or removed by the chief); only if chosen.
    - dropped: unedited points no longer generated (e.g. a retired fact); removed.
    - orphaned: edited points no longer generated; kept, since the words are the chief's.
    `fingerprint` names the fresh points, so a confirmation applies the changes it showed.
    """

    fresh: list[dict[str, Any]]
    fingerprint: str
    updated: list[PointChange] = field(default_factory=list)
    conflicts: list[PointChange] = field(default_factory=list)
    added: list[PointChange] = field(default_factory=list)
    dropped: list[PointChange] = field(default_factory=list)
    orphaned: list[PointChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.updated or self.conflicts or self.added or self.dropped)


def _fingerprint(points: list[dict[str, Any]]) -> str:
    body = json.dumps([[p["key"], p["text"], p["source"], p["year"]] for p in points])
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def worksheet_regeneration_plan(
    worksheet: MessagingWorksheet, *, as_of: datetime.date | None = None
) -> RegenerationPlan:
    """Compare the saved points with points built now for the worksheet's period (no writes)."""
    fresh = worksheet_points(
        agency=worksheet.agency,
        start=worksheet.period_start,
        end=worksheet.period_end,
        as_of=as_of,
    )
    plan = RegenerationPlan(fresh=fresh, fingerprint=_fingerprint(fresh))
    by_key = {point["key"]: point for point in fresh}
    saved_keys = set()
    for point in worksheet.points:
        key = point["key"]
        saved_keys.add(key)
        edited = point_edited(point)
        new = by_key.get(key)
        change = PointChange(
            key, point.get("kind", ""), point["text"], new["text"] if new else "", edited
        )
        if new is None:
            (plan.orphaned if edited else plan.dropped).append(change)
        elif point["text"] == new["text"] and (point["source"], point["year"]) == (
            new["source"],
            new["year"],
        ):
            plan.unchanged += 1
        elif edited and point.get("generated") == new["text"]:
            # The chief's words over numbers that have not moved: nothing to offer.
            plan.unchanged += 1
        elif edited:
            plan.conflicts.append(change)
        else:
            plan.updated.append(change)
    for point in fresh:
        if point["key"] not in saved_keys:
            plan.added.append(PointChange(point["key"], point["kind"], "", point["text"], False))
    return plan


def worksheet_regenerate(
    *,
    worksheet: MessagingWorksheet,
    actor: Any,
    fingerprint: str,
    replace: list[str] | tuple[str, ...] = (),
    add: list[str] | tuple[str, ...] = (),
    request: HttpRequest | None = None,
    as_of: datetime.date | None = None,
) -> MessagingWorksheet:
    """Rebuild the points from current numbers for the worksheet's period.

    Unedited points take the new words; the chief's edited points keep their words unless their
    key is in `replace`; points the worksheet lacks are added (at the end) only when in `add`.
    `fingerprint` is the plan the chief saw: if the numbers moved since, nothing is saved and a
    ValidationError asks them to look again.
    """
    plan = worksheet_regeneration_plan(worksheet, as_of=as_of)
    if fingerprint != plan.fingerprint:
        raise ValidationError(
            "The numbers changed while you were looking; check the changes below again."
        )
    conflict_keys = {change.key for change in plan.conflicts}
    added_keys = {change.key for change in plan.added}
    if set(replace) - conflict_keys or set(add) - added_keys:
        raise ValidationError("The choices did not match this worksheet; reload it and try again.")
    by_key = {point["key"]: point for point in plan.fresh}
    dropped = {change.key for change in plan.dropped}
    points: list[dict[str, Any]] = []
    for point in worksheet.points:
        key = point["key"]
        if key in dropped:
            continue
        fresh = by_key.get(key)
        if fresh is None:
            points.append(point)  # orphaned: the chief's words, kept
        elif not point_edited(point) or key in replace:
            points.append(dict(fresh))
        else:
            # Kept words; the generated text moves on so the point still reads as edited.
            points.append({**point, "generated": fresh["text"]})
    chosen = set(add)
    points.extend(dict(by_key[key]) for key in by_key if key in chosen)
    if not points:
        raise ValidationError("Keep at least one point.")
    with transaction.atomic():
        worksheet.points = points
        worksheet.updated_at = timezone.now()
        worksheet.save(update_fields=["points", "updated_at"])
        audit_record(
            event_type=EventType.WORKSHEET_SAVED,
            actor=actor,
            agency=worksheet.agency,
            target=worksheet,
            request=request,
            extra={
                "regenerated": True,
                "updated": sorted(change.key for change in plan.updated),
                "replaced": sorted(replace),
                "kept_edited": sorted(conflict_keys - set(replace)),
                "added": sorted(add),
                "removed": sorted(dropped),
            },
        )
    return worksheet


# --- exports --------------------------------------------------------------------------------------


def document_context(worksheet: MessagingWorksheet) -> dict[str, Any]:
    # The chief's order stands: consecutive points of one kind share a heading.
    sections: list[dict[str, Any]] = []
    for point in worksheet.points:
        kind = point.get("kind", "")
        if not sections or sections[-1]["kind"] != kind:
            sections.append({"kind": kind, "label": KIND_LABELS.get(kind, ""), "points": []})
        sections[-1]["points"].append(point)
    return {
        "worksheet": worksheet,
        "agency": worksheet.agency,
        "sections": sections,
        "period": f"{_day(worksheet.period_start)} – {_day(worksheet.period_end)}",
        "generated_at": timezone.now(),
    }


def _exported(worksheet: MessagingWorksheet, actor: Any, fmt: str, request: HttpRequest | None):
    audit_record(
        event_type=EventType.WORKSHEET_EXPORTED,
        actor=actor,
        agency=worksheet.agency,
        target=worksheet,
        request=request,
        extra={"format": fmt},
    )


def worksheet_export_pdf(
    *, worksheet: MessagingWorksheet, actor: Any, request: HttpRequest | None = None
) -> bytes:
    """The worksheet as PDF, from the same document template the edit page previews."""
    content = render_pdf("encounters/worksheet/pdf.html", document_context(worksheet))
    with transaction.atomic():
        _exported(worksheet, actor, "pdf", request)
    return content


def worksheet_export_docx(
    *, worksheet: MessagingWorksheet, actor: Any, request: HttpRequest | None = None
) -> bytes:
    """The worksheet as a Word document with the same sections, points and sources."""
    import docx

    context = document_context(worksheet)
    document = docx.Document()
    document.core_properties.title = worksheet.title
    document.core_properties.author = worksheet.agency.name
    document.add_heading(worksheet.title, level=0)
    document.add_paragraph(f"{worksheet.agency.name} · {context['period']}")
    for section in context["sections"]:
        document.add_heading(section["label"], level=1)
        for point in section["points"]:
            document.add_paragraph(point["text"], style="List Bullet")
            source = document.add_paragraph()
            label = "Program-reported. " if point.get("program_reported") else ""
            run = source.add_run(f"{label}Source: {point['source']} ({point['year']})")
            run.italic = True
            if point.get("url"):
                source.add_run(f". {point['url']}")
            if point.get("caveat"):
                caveat = document.add_paragraph()
                caveat.add_run(f"Caveat: {point['caveat']}").italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    with transaction.atomic():
        _exported(worksheet, actor, "docx", request)
    return buffer.getvalue()
