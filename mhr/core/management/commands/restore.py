"""`mhr restore PATH`: replace the database and uploaded files with a backup's contents."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.core.backups import BackupError, backup_restore

CONFIRMATION = "restore"


class Command(BaseCommand):
    help = (
        "Restore a backup made by `mhr backup`: every checksum, the database kind and the "
        "migrations are checked before anything changes. Replaces ALL data and uploaded files. "
        "Stop the server and task worker first. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup archive (.tar.gz) to restore.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask for confirmation (required when not run from a terminal).",
        )

    def handle(self, *args, **options) -> None:
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restoring replaces all data and uploaded files. Not run from a terminal, "
                    "so pass --yes to confirm."
                )
            answer = input(
                "This replaces ALL data and uploaded files with the backup's contents.\n"
                f"Type '{CONFIRMATION}' to continue: "
            )
            if answer.strip() != CONFIRMATION:
                raise CommandError("Not confirmed; nothing was changed.")
        try:
            result = backup_restore(path=options["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"Restored the {manifest['database_vendor']} database and {result.file_count} "
            f"uploaded file(s) from the backup made {manifest['created_at']} "
            f"(MHR {manifest['mhr_version']})."
        )
        if result.pending_migrations:
            self.stdout.write(
                f"The backup predates {len(result.pending_migrations)} migration(s) of this "
                "version: run `mhr migrate` now."
            )
