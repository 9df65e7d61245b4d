"""Index types Django does not offer on every database we run."""

from __future__ import annotations

from typing import Any

from django.db import models


class HashIndexOnPostgres(models.Index):
    """A hash index on PostgreSQL, a B-tree elsewhere (SQLite has no hash indexes).

    For equality look-ups of long random keys (digests): PostgreSQL keeps a hash index for a
    fraction of a B-tree's cost per row inserted, as it never compares the keys themselves.
    One column only, as hash indexes allow.
    """

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            using = " USING hash"
        return super().create_sql(model, schema_editor, using=using, **kwargs)
