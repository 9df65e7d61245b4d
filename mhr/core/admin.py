"""Admin building blocks shared by the apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Rows nobody adds, edits or deletes in the admin, superusers included.

    Put it first among the bases so it wins over permission mixins that grant more.
    """

    # *args: ModelAdmin passes only the request, inlines also pass the parent object.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
