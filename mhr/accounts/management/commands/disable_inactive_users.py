from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from mhr.accounts.security import users_disable_inactive


class Command(BaseCommand):
    help = (
        "Disable accounts with no sign-in or API use for ACCOUNT_INACTIVITY_DAYS days. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the accounts only.")

    def handle(self, *args, dry_run: bool = False, **options):
        days = settings.ACCOUNT_INACTIVITY_DAYS
        users = users_disable_inactive(as_of=timezone.now(), days=days, dry_run=dry_run)
        for user in users:
            self.stdout.write(f"{'Would disable' if dry_run else 'Disabled'} {user.email}")
        self.stdout.write(f"{len(users)} account(s) unused for {days} days.")
