"""What gets indexed for one resource: its searchable text, split by field and by who may see it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.search.query import clean_text, words_of
from mhr.core.markdown import markdown_to_text

# Bounds the work per resource (and PostgreSQL's 1 MB tsvector limit) for huge attachments.
MAX_FIELD_CHARS = 300_000


@dataclass(frozen=True)
class Document:
    resource_id: int
    is_public: bool
    title: str
    summary: str
    topics: str
    body: str
    attachments: str
    # Filter and sort keys, copied so searches need not join the resource table.
    resource_type: str = ""
    published_on: datetime.date | None = None
    title_key: str = ""

    @property
    def head_text(self) -> str:
        """Title, summary and topics: shown to everyone, also for members-only resources."""
        return "\n".join(part for part in (self.title, self.summary, self.topics) if part)

    @property
    def full_text(self) -> str:
        return "\n".join(part for part in (self.head_text, self.body, self.attachments) if part)

    @property
    def head_words(self) -> set[str]:
        return set(words_of(self.head_text))

    @property
    def full_words(self) -> set[str]:
        return set(words_of(self.full_text))

    @property
    def open_words(self) -> set[str]:
        return self.full_words if self.is_public else self.head_words


def _clip(text: str) -> str:
    return clean_text(text[:MAX_FIELD_CHARS]).strip()


def document_for(
    resource: Resource, *, topic_names: list[str], attachment_texts: list[str]
) -> Document:
    return Document(
        resource_id=resource.pk,
        is_public=resource.access == Resource.Access.PUBLIC,
        title=_clip(resource.title),
        summary=_clip(resource.summary),
        topics=_clip(", ".join(topic_names)),
        body=_clip(markdown_to_text(resource.body or "")),
        attachments=_clip("\n\n".join(text for text in attachment_texts if text)),
        resource_type=resource.resource_type,
        published_on=resource.published_on,
        # Same order as lower(title) on the resource table.
        title_key=resource.title.lower(),
    )
