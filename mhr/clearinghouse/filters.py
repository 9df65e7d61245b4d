"""The GET form that filters, sorts and searches the public resource list."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.selectors import SECTIONS, ResourceFilters

MAX_QUERY_LENGTH = 200
PER_PAGE_CHOICES = (10, 20, 50)
DEFAULT_PER_PAGE = 20

SORT_CHOICES = [
    ("", "Best match when searching, otherwise newest"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("title", "Title A–Z"),
]


def _type_choices() -> list[Any]:
    # Types grouped under the section they appear in, so the select mirrors the browse page.
    grouped: list[Any] = [("", "All types")]
    for section in SECTIONS:
        grouped.append((section.title, [(t, Resource.Type(t).label) for t in section.types]))
    return grouped


class SortField(forms.ChoiceField):
    def to_python(self, value: Any) -> str:
        # "relevance" is what the blank choice means; accept it from hand-written links.
        value = super().to_python(value)
        return "" if value == "relevance" else value


class ResourceFilterForm(forms.Form):
    q = forms.CharField(
        label="Search resources",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    section = forms.ChoiceField(
        label="Section",
        required=False,
        choices=[("", "All sections"), *[(s.slug, s.title) for s in SECTIONS]],
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=_type_choices,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    topic = forms.ChoiceField(
        label="Topic",
        required=False,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    year = forms.TypedChoiceField(
        label="Year",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    access = forms.ChoiceField(
        label="Access",
        required=False,
        choices=[("", "Public and members-only"), *Resource.Access.choices],
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    sort = SortField(
        label="Sort by",
        required=False,
        choices=SORT_CHOICES,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )

    FILTER_FIELDS = ("section", "type", "topic", "year", "access")

    def __init__(
        self, *args: Any, topics: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = [("", "All topics"), *topics]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", "All years"),
            *[(str(y), str(y)) for y in years],
        ]

    def ignored_messages(self) -> list[str]:
        """Plain-language notes for each value that was not understood (and so was ignored)."""
        notes = []
        for name in self.errors:
            label = str(self.fields[name].label or name) if name in self.fields else name
            if name == "q":
                codes = {error.code for error in self.errors.as_data()["q"]}
                notes.append(
                    f"Your search was longer than {MAX_QUERY_LENGTH} characters, so it was ignored."
                    if "max_length" in codes
                    else "Your search could not be read, so it was ignored."
                )
                continue
            notes.append(f"The {label.lower()} you chose is not available, so it was ignored.")
        return notes

    def cleaned(self, name: str, default: Any = "") -> Any:
        """A field's value, or the default when it was empty or invalid."""
        self.is_valid()
        value = getattr(self, "cleaned_data", {}).get(name)
        if name in self.errors or value in (None, ""):
            return default
        return value

    @property
    def query(self) -> str:
        return " ".join(str(self.cleaned("q")).split())

    def filters(self) -> ResourceFilters:
        sort = self.cleaned("sort") or "newest"
        return ResourceFilters(
            section=self.cleaned("section"),
            resource_type=self.cleaned("type"),
            topic=self.cleaned("topic"),
            year=self.cleaned("year", None),
            access=self.cleaned("access"),
            sort=sort,
        )

    @property
    def sort_choice(self) -> str:
        return str(self.cleaned("sort"))
