"""Atom feed of newly published public resources."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.selectors import feed_resources


class ResourceFeed(Feed):
    """Members-only resources are left out entirely, so the feed can be shared anywhere."""

    feed_type = Atom1Feed
    description_template = None

    def title(self) -> str:
        return f"{settings.SITE_NAME}: new resources"

    def subtitle(self) -> str:
        return "Newly published public resources from the clearinghouse."

    def link(self) -> str:
        return reverse("clearinghouse:resource_list")

    def feed_url(self) -> str:
        return reverse("clearinghouse:feed")

    def items(self) -> list[Resource]:
        return feed_resources(limit=50)

    def item_title(self, item: Resource) -> str:
        return item.title

    def item_description(self, item: Resource) -> str:
        return item.summary

    def item_link(self, item: Resource) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Resource) -> str:
        return f"urn:mhr:resource:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Resource) -> datetime.datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: Resource) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: Resource) -> str | None:
        return item.publisher or None

    def item_categories(self, item: Resource) -> list[str]:
        return [topic.name for topic in item.topics.all()]
