"""`mhr demo`: load demo agencies, users and the clearinghouse catalog (see mhr/core/demo.py)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.core import demo


class Command(BaseCommand):
    help = (
        "Load demo data: real agencies from the shared FBI list (or fictional ones), one user "
        "per role, and the demo clearinghouse catalog with generated PDF and Word attachments. "
        "Safe to run twice: what already exists is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any resource or agency already exists (used by `make run`).",
        )
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password for every new demo user (default: {demo.DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument(
            "--agencies",
            type=int,
            default=demo.DEFAULT_AGENCY_COUNT,
            help=f"How many agencies to create (default {demo.DEFAULT_AGENCY_COUNT}, at least 2).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Load only this many catalog resources (a quick, smaller demo).",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and demo.database_has_content():
            self.stdout.write(
                "The database already has resources or agencies; demo data not loaded."
            )
            return
        if options["agencies"] < 0 or (options["limit"] is not None and options["limit"] < 0):
            raise CommandError("--agencies and --limit must be zero or more.")
        password = options["password"] or demo.DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("--password: " + " ".join(exc.messages)) from exc

        result = demo.demo_load(
            password=password,
            agency_count=options["agencies"],
            limit=options["limit"],
            progress=self.stdout.write,
        )
        if not result.used_shared_data:
            self.stdout.write(
                "Shared FBI agency data not found; used fictional agencies instead. "
                "Set MHR_SHARED_DATA to the shared/data folder to use real ones."
            )
        self._print_accounts(result)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {result.seconds:.1f} s."))

    def _print_accounts(self, result: demo.DemoResult) -> None:
        rows = [
            (
                row.account.email,
                result.password if row.created else "(unchanged: user already existed)",
                row.account.role_label,
                row.agency_name or "Association staff",
            )
            for row in result.accounts
        ]
        header = ("Email", "Password", "Role", "Agency")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write("")
        self.stdout.write("Demo accounts (sign in at /accounts/sign-in/):")
        self.stdout.write(line.format(*header).rstrip())
        self.stdout.write(line.format(*("-" * w for w in widths)).rstrip())
        for r in rows:
            self.stdout.write(line.format(*r).rstrip())
        self.stdout.write("")
