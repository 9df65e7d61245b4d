"""`mhr backup`: write the database and uploaded files to one checksummed archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhr.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite) and the "
        "uploaded files into one .tar.gz archive with a manifest of checksums. Safe while the "
        "server runs. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            default=None,
            help=(
                "Archive path, or an existing folder to put a timestamped archive in "
                "(default: mhr-backup-<UTC time>.tar.gz in the current folder)."
            ),
        )

    def handle(self, *args, **options) -> None:
        try:
            result = backup_create(output=options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"Backed up the {manifest['database_vendor']} database and "
            f"{manifest['file_count']} uploaded file(s) to {result.path}"
        )
