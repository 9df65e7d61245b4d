from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from mhr.accounts.security import inactive_users, user_deactivate


class Command(BaseCommand):
    help = (
        "Disable accounts with no sign-in or API use for ACCOUNT_INACTIVITY_DAYS days. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the accounts only.")

    def handle(self, *args, dry_run: bool = False, **options):
        days = settings.ACCOUNT_INACTIVITY_DAYS
        users = inactive_users(as_of=timezone.now(), days=days)
        for user in users:
            if not dry_run:
                user_deactivate(user=user, deactivated_by=None, reason=f"unused for {days} days")
            self.stdout.write(f"{'Would disable' if dry_run else 'Disabled'} {user.email}")
        self.stdout.write(f"{len(users)} account(s) unused for {days} days.")
