"""`mhr stats ORI --from DATE --to DATE [--json]`: the dashboard's numbers on the command line."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mhr.accounts.models import Agency
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.encounters.rollups import rollup_rebuild_all, rollup_refresh
from mhr.encounters.stats import FILTER_NAMES, StatsError, encounter_stats


def _date(option: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: {value!r} is not a date in the form YYYY-MM-DD.") from exc


def _filters(pairs: list[str]) -> dict[str, str]:
    filters = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(f"--filter {pair!r}: write NAME=VALUE, e.g. call_source=911.")
        filters[name.strip()] = value.strip()
    return filters


def _pct(rate: dict[str, Any]) -> str:
    if rate["value"] is None:
        return "no data"
    return f"{rate['value'] * 100:.1f}% of {rate['denominator']:,} {rate['denominator_label']}"


def _table(agency: Agency, stats: dict[str, Any]) -> list[str]:
    period = stats["period"]
    lines = [f"{agency.name} ({agency.ori}), {period['start']} to {period['end']}"]
    if stats["filters"]:
        lines.append("Filters: " + ", ".join(f"{k}={v}" for k, v in stats["filters"].items()))
    lines.append(f"Complete encounters: {stats['total']:,}")
    if not stats["total"]:
        lines.append("No complete encounters in this period: nothing to show.")
        return lines
    rates = stats["rates"]
    flagged = stats["flagged_at_dispatch"]
    minutes = stats["minutes_on_scene"]
    lines += [
        "",
        "By month:",
        *(f"  {m['month']}  {m['count']:>9,}" for m in stats["by_month"]),
        "",
        f"Flagged at dispatch: yes {flagged['yes']:,}, no {flagged['no']:,}, "
        f"not recorded {flagged['unknown']:,} ({_pct(rates['flagged_at_dispatch'])} flagged)",
        f"Arrests: {stats['arrests']:,} ({_pct(rates['arrest'])})",
        f"Force used: {stats['force_used']:,} ({_pct(rates['force'])})",
        f"Person injured: {stats['injuries']['person']:,} ({_pct(rates['person_injury'])})",
        f"Officer injured: {stats['injuries']['officer']:,} ({_pct(rates['officer_injury'])})",
        f"Someone else injured: {stats['injuries']['other']:,} ({_pct(rates['other_injury'])})",
        f"Repeat contacts: {stats['repeat_contacts']:,} ({_pct(rates['repeat_contact'])})",
        f"Minutes on scene: {minutes['count']:,} timed, median about {minutes['median']}, "
        f"mean {minutes['mean']}",
        "",
        "Dispositions:",
        *(f"  {d['label']:<36} {d['count']:>9,}" for d in stats["dispositions"]),
        "",
        "Call sources:",
        *(f"  {s['label']:<36} {s['count']:>9,}" for s in stats["call_sources"]),
        "",
        "CIT-trained officer on scene (a comparison, not cause and effect):",
        f"  {'group':<14} {'encounters':>10} {'arrests':>9} {'force':>7} {'injured':>8}",
    ]
    for name, group in stats["cit"].items():
        lines.append(
            f"  {name:<14} {group['count']:>10,} {group['arrests']:>9,} "
            f"{group['force_used']:>7,} {group['injured']:>8,}"
        )
    return lines


class Command(BaseCommand):
    help = (
        "Print an agency's encounter statistics for a period, the numbers its dashboard shows "
        "(complete records only). Exits 1 for an unknown ORI, a bad date or a bad filter."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ori", help="The agency's 9-character ORI, e.g. WA0170000.")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"Repeatable. NAME is one of {', '.join(FILTER_NAMES)}.",
        )
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Recount the agency's monthly counts from its records first (after a restore "
            "or a load that bypassed MHR).",
        )
        parser.add_argument(
            "--rebuild-all",
            action="store_true",
            help="Recount every agency's monthly counts and the national ones first (once, after "
            "installing, restoring a backup or loading records outside MHR).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ori = str(options["ori"]).strip().upper()
        start = _date("--from", options["start"])
        end = _date("--to", options["end"])
        filters = _filters(options["filter"])
        agency = Agency.objects.filter(ori=ori).first()
        if agency is None:
            raise CommandError(f"No agency has the ORI {ori!r}.")
        if options["rebuild_all"]:
            rollup_rebuild_all()
        elif options["refresh"]:
            rollup_refresh(agency=agency)
        try:
            stats = encounter_stats(agency=agency, start=start, end=end, filters=filters)
        except StatsError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            audit_record(
                event_type=AuditEvent.EventType.ENCOUNTER_VIEWED,
                agency=agency,
                extra={
                    "view": "command",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "filters": stats["filters"],
                },
            )
        if options["json"]:
            self.stdout.write(json.dumps(stats, indent=2))
        else:
            self.stdout.write("\n".join(_table(agency, stats)))
