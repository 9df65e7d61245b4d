"""Forms for the editorial screens. They only validate input; the services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.services import EDITABLE_FIELDS

MAX_TOPICS = 20


class ResourceForm(forms.ModelForm):
    topic_names = forms.CharField(
        label="Topics",
        required=False,
        max_length=2000,
        help_text="Separate topics with commas, for example “CIT, Co-responder programs”. "
        "A name that is not yet a topic becomes a new topic.",
    )

    class Meta:
        model = Resource
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "slug": "The last part of the page address. Leave empty to make one from the title "
            "(or, when editing, to keep the current one).",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["topic_names"] = ", ".join(t.name for t in self.instance.topics.all())

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "").strip()
        if not slug and self.instance.pk:
            # Left empty on edit: keep the address, so links to the page keep working.
            return self.instance.slug
        return slug

    def clean_topic_names(self) -> list[str]:
        names: list[str] = []
        for raw in self.cleaned_data["topic_names"].split(","):
            name = " ".join(raw.split())
            if not name:
                continue
            if len(name) > 100:
                raise forms.ValidationError(f"“{name[:40]}…” is too long for a topic name.")
            if not slugify(name):
                raise forms.ValidationError(
                    f"“{name}” cannot be used as a topic name: use letters or digits."
                )
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        if len(names) > MAX_TOPICS:
            raise forms.ValidationError(f"Choose at most {MAX_TOPICS} topics.")
        return names

    def resource_fields(self) -> dict[str, Any]:
        """The cleaned values the services accept, without topics."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A PDF or Word (DOCX) document, up to 25 MB.",
        widget=forms.FileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        required=False,
        help_text="Shown as the link text. Leave empty to use the file name.",
    )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=Resource.Status.choices)
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the history. Required when returning a resource to draft.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == Resource.Status.DRAFT and not data.get("comment", "").strip():
            self.add_error("comment", "Say why the resource goes back to draft.")
        return data
