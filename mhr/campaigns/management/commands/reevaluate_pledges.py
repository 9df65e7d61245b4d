import datetime

from django.core.management.base import BaseCommand, CommandError

from mhr.campaigns.services.pledges import pledges_reevaluate


class Command(BaseCommand):
    help = "Re-evaluate recognized and lapsed pledges against their rules. Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Evaluate as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of: str | None = None, **options):
        day = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of {as_of!r} is not a date like 2026-05-31.") from exc
        moved = pledges_reevaluate(as_of=day)
        self.stdout.write(
            f"Checked {moved['checked']} pledge(s): {moved['lapsed']} lapsed, "
            f"{moved['recovered']} recognized again."
        )
