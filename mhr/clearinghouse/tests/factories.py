"""Test data for the public clearinghouse pages.

Named resources go through the real services (create, submit, publish), so they carry revisions,
audit rows and a search index entry like production data. `ResourceFactory` is for bulk rows only.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Iterable
from typing import Any

import factory
from django.utils import timezone

from mhr.clearinghouse.models import Attachment, Resource
from mhr.clearinghouse.services import (
    attachment_add,
    resource_change_status,
    resource_create,
    topics_from_names,
)

# A phrase that appears only in members-only text: it must never reach a non-member.
SECRET = "Zanzibar-only-members-phrase"


@functools.cache
def make_pdf(text: str = "Crisis intervention model policy.") -> bytes:
    """A one-page PDF; cached because WeasyPrint takes a moment per document."""
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def resource_in_status(
    *,
    by: Any,
    status: str = Resource.Status.PUBLISHED,
    title: str = "Model policy on responding to persons in crisis",
    resource_type: str = Resource.Type.MODEL_POLICY,
    summary: str = "How officers respond to a person in crisis.",
    body: str = "",
    topics: Iterable[str] = (),
    access: str = Resource.Access.PUBLIC,
    published_on: datetime.date | None = None,
    publisher: str = "",
    **fields: Any,
) -> Resource:
    """A resource moved through the real workflow to `status`; `by` must be an editor and reviewer."""
    resource = resource_create(
        created_by=by,
        title=title,
        resource_type=resource_type,
        summary=summary,
        body=body,
        topics=topics_from_names(topics),
        access=access,
        published_on=published_on,
        publisher=publisher,
        **fields,
    )
    if status in (Resource.Status.IN_REVIEW, Resource.Status.PUBLISHED):
        resource = resource_change_status(
            resource=resource, status=Resource.Status.IN_REVIEW, changed_by=by
        )
    if status == Resource.Status.PUBLISHED:
        resource = resource_change_status(
            resource=resource, status=Resource.Status.PUBLISHED, changed_by=by
        )
    if status == Resource.Status.ARCHIVED:
        resource = resource_change_status(
            resource=resource, status=Resource.Status.ARCHIVED, changed_by=by
        )
    resource.refresh_from_db()
    return resource


def published(**kwargs: Any) -> Resource:
    return resource_in_status(status=Resource.Status.PUBLISHED, **kwargs)


def pdf_attachment(
    *, resource: Resource, by: Any, filename: str = "model-policy.pdf", text: str = ""
) -> Attachment:
    content = make_pdf(text or f"Attachment for {resource.title}.")
    return attachment_add(
        resource=resource, fileobj=io.BytesIO(content), filename=filename, uploaded_by=by
    )


class ResourceFactory(factory.django.DjangoModelFactory):
    """Bulk published rows straight into the table (no services, no search index)."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bulk resource {n:03d}")
    slug = factory.Sequence(lambda n: f"bulk-resource-{n:03d}")
    resource_type = Resource.Type.REPORT
    summary = factory.Sequence(lambda n: f"Summary of bulk resource {n}.")
    status = Resource.Status.PUBLISHED
    access = Resource.Access.PUBLIC
    published_on = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(n))
    first_published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(self, create: bool, extracted: Iterable[Any] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.topics.set(extracted)
