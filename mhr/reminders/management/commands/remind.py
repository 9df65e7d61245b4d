"""`mhr remind`: email the pledge deadline and certificate expiry reminders due today. Run daily."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.reminders.services import reminders_run


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {value!r} is not a date in the form YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Email coordinators 90, 30 and 7 days before a pledge's target date and 90, 30 and 0 "
        "days before training certificates expire. Each reminder is sent once; a missed day is "
        "caught up on the next run. Run daily (`mhr scheduler` does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", default=None, help="Judge as if today were this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent; send and record nothing.",
        )

    def handle(self, *args, **options) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else None
        summary = reminders_run(as_of=as_of, dry_run=options["dry_run"])
        for line in summary.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(summary.text())
