"""Render Django form fields with USWDS markup: label, hint, error message, described-by."""

from __future__ import annotations

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()

_WIDGET_CLASSES = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


@register.simple_tag
def uswds_field(bound_field: forms.BoundField) -> str:
    widget = bound_field.field.widget
    css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "usa-input")
    if bound_field.errors and css in {"usa-input", "usa-select", "usa-textarea"}:
        css += f" {css}--error"
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}-error")
    attrs = {"class": css}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return render_to_string(
        "includes/field.html",
        {
            "field": bound_field,
            "widget_html": bound_field.as_widget(attrs=attrs),
            "is_checkbox": isinstance(widget, forms.CheckboxInput),
        },
    )
