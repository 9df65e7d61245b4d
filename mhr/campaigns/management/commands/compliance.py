"""`mhr compliance ORI`: print the compliance engine's result for an agency's pledge."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.accounts.models import Agency
from mhr.campaigns import selectors
from mhr.campaigns.compliance import ComplianceResult, result_as_dict
from mhr.campaigns.models import Campaign, Pledge, RuleVersion


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {value!r} is not a date in the form YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Print the compliance engine's result for an agency's pledge: per requirement, met or "
        "not and the numbers behind it. Exits 1 for an unknown ORI or an agency without a "
        "pledge (pass --rule to evaluate one anyway)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ori", help="The agency's 9-character ORI, e.g. WA0170000.")
        parser.add_argument(
            "--as-of", default=None, help="Judge on this date (YYYY-MM-DD); default today."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument(
            "--campaign", default="one-mind", help="Campaign slug (default one-mind)."
        )
        parser.add_argument(
            "--rule",
            default=None,
            help="Rule version code (e.g. current, 2016). Needed for an agency without a pledge; "
            "otherwise the pledge's own version is used.",
        )

    def handle(self, *args, **options) -> None:
        ori = str(options["ori"]).strip().upper()
        as_of = _date(options["as_of"]) if options["as_of"] else None
        agency = Agency.objects.filter(ori=ori).first()
        if agency is None:
            raise CommandError(f"No agency has the ORI {ori!r}.")
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign has the slug {options['campaign']!r}.")
        pledge = (
            Pledge.objects.filter(agency=agency, campaign=campaign)
            .select_related("rule_version")
            .first()
        )
        rule_code = options["rule"]
        if pledge is None and not rule_code:
            codes = ", ".join(campaign.rule_versions.values_list("code", flat=True))
            raise CommandError(
                f"{agency.name} ({agency.ori}) has not pledged to {campaign.name}. "
                f"Pass --rule ({codes}) to evaluate its data anyway."
            )
        if rule_code:
            version = RuleVersion.objects.filter(campaign=campaign, code=rule_code).first()
            if version is None:
                codes = ", ".join(campaign.rule_versions.values_list("code", flat=True))
                raise CommandError(
                    f"{campaign.name} has no rule version {rule_code!r} (known: {codes})."
                )
            roles = frozenset(pledge.non_sworn_roles_in_scope or ()) if pledge else frozenset()
            result = selectors.agency_compliance(
                agency, version, non_sworn_roles_in_scope=roles, as_of=as_of
            )
        else:
            assert pledge is not None
            version = pledge.rule_version
            result = selectors.pledge_compliance(pledge, as_of=as_of)

        if options["json"]:
            payload = {
                "agency": {"ori": agency.ori, "name": agency.name},
                "campaign": campaign.slug,
                "rule_version": version.code,
                "pledge_status": pledge.status if pledge else None,
                "result": result_as_dict(result),
            }
            self.stdout.write(json.dumps(payload, indent=2))
            return
        self.stdout.write(self._table(agency, campaign, version, pledge, result))

    def _table(
        self,
        agency: Agency,
        campaign: Campaign,
        version: RuleVersion,
        pledge: Pledge | None,
        result: ComplianceResult,
    ) -> str:
        status = pledge.get_status_display() if pledge else "no pledge"
        lines = [
            f"{agency.name} ({agency.ori}) — {campaign.name}, rule version {version.code} ({status})",
            f"As of {result.as_of.isoformat()}: {'ALL REQUIREMENTS MET' if result.met else 'not met'}",
            "",
            f"Active sworn officers   {result.active_sworn}",
            f"CIT-qualified           {result.cit_qualified} ({result.cit_percent}%)",
            f"MHFA-qualified          {result.mhfa_qualified} ({result.mhfa_percent}%)",
            f"Covered (either)        {result.covered} ({result.covered_percent}%)",
            f"Non-sworn in scope      {result.non_sworn_covered} of {result.non_sworn_in_scope} covered",
            "",
        ]
        header = f"{'Requirement':<16} {'Met':<4} {'Have':>7} {'Of':>7} {'%':>6} {'Need':>7} {'Short':>6}  Course"
        lines += [header, "-" * len(header)]
        for r in result.requirements:
            percent = f"{r.percent}" if r.percent is not None else "—"
            lines.append(
                f"{r.key:<16} {'yes' if r.met else 'no':<4} {r.numerator:>7} {r.denominator:>7} "
                f"{percent:>6} {r.required:>7} {r.shortfall:>6}  {r.needs_course_family or ''}"
            )
        notes = [(r.key, r.note) for r in result.requirements if r.note]
        if notes:
            lines.append("")
            lines += [f"{key}: {note}" for key, note in notes]
        lines.append("")
        lines.append(f"Certificates expiring in the next 90 days: {len(result.expiring_soon)}")
        falls = result.coverage_falls_below_on
        coverage_met = any(r.met for r in result.requirements if r.kind == "training_coverage")
        if falls:
            when = falls.isoformat()
        elif coverage_met:
            when = "never (the met coverage does not depend on expiring certificates)"
        else:
            when = "not applicable (no coverage requirement is met today)"
        lines.append(f"Coverage falls below the rule from expiries alone on: {when}")
        return "\n".join(lines)
