"""`mhr scheduler`: queue the daily jobs once a day at SCHEDULER_HOUR_UTC. Run one per server."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mhr.core.stale_imports import imports_fail_stale
from mhr.reminders.services import scheduler_hour, scheduler_tick


class Command(BaseCommand):
    help = (
        "Queue the daily jobs (pledge re-evaluation, reminders, disabling unused accounts) as "
        "background tasks once per UTC day, at or after SCHEDULER_HOUR_UTC. Each job and day is "
        "claimed in the database, so several schedulers or restarts never run a day twice. "
        "Every check also marks imports whose process died as failed (`mhr fail_stale_imports`). "
        "Needs a task worker (`mhr db_worker`) to run what it queues."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Queue whatever is due now, then exit."
        )
        parser.add_argument(
            "--hour",
            type=int,
            default=None,
            help="UTC hour to run at (default SCHEDULER_HOUR_UTC).",
        )
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between checks (default 60)."
        )

    def handle(self, *args, **options) -> None:
        hour = options["hour"] if options["hour"] is not None else scheduler_hour()
        if not 0 <= hour <= 23:
            raise CommandError(f"--hour must be from 0 to 23, not {hour}.")
        if options["interval"] < 1:
            raise CommandError("--interval must be at least 1 second.")
        if not options["once"]:
            self.stdout.write(f"Scheduler started: daily jobs at {hour:02d}:00 UTC.")
        while True:
            now = timezone.now()
            for run in scheduler_tick(now=now, hour=hour):
                self.stdout.write(f"Queued {run.job} for {run.day:%Y-%m-%d} ({run.status}).")
            # Every tick, not daily: an import killed mid-way should not look "running" for a day.
            swept = imports_fail_stale(now=now)
            for label, ids in swept.failed.items():
                self.stdout.write(f"Marked stale {label} failed: {', '.join(map(str, ids))}.")
            if options["once"]:
                return
            time.sleep(options["interval"])
