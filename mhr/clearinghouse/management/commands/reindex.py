"""`mhr reindex`: rebuild the clearinghouse search index from the published resources."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from mhr.clearinghouse import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of published clearinghouse resources."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        count = search.reindex_all()
        words = search.vocabulary_size()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Indexed {count} published resources and {words} vocabulary words in {seconds:.1f}s."
        )
