"""`mhr fail_stale_imports`: mark imports whose process died as failed (`mhr scheduler` does it)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.core.stale_imports import STALE_IMPORT_MESSAGE, imports_fail_stale, stale_after


class Command(BaseCommand):
    help = (
        "Mark roster, training and encounter imports that have been queued or running without "
        "progress for MHR_IMPORT_STALE_AFTER_MINUTES as failed, telling the agency: "
        f"“{STALE_IMPORT_MESSAGE}” `mhr scheduler` runs this every minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after-minutes",
            type=int,
            default=None,
            help="Minutes without progress (default MHR_IMPORT_STALE_AFTER_MINUTES). Use 0 only "
            "when no import is running, e.g. after restarting every worker.",
        )

    def handle(self, *args, **options) -> None:
        minutes = options["after_minutes"]
        if minutes is not None and minutes < 0:
            raise CommandError("--after-minutes cannot be negative.")
        after = datetime.timedelta(minutes=minutes) if minutes is not None else stale_after()
        result = imports_fail_stale(after=after)
        for label, ids in result.failed.items():
            self.stdout.write(f"{label}: marked failed {', '.join(map(str, ids))}")
        for label in result.skipped:
            self.stderr.write(f"{label}: skipped, the database is busy; run again shortly.")
        self.stdout.write(f"Stale imports marked failed: {result.total}")
