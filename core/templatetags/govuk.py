"""Template helpers that give Django widgets the GOV.UK classes and ARIA links."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def govuk_widget(field: BoundField) -> str:
    """Render a single-control widget with its GOV.UK class, error modifier and aria-describedby."""
    base = _INPUT_CLASSES.get(field.widget_type, "govuk-input")
    classes = [base, *field.field.widget.attrs.get("class", "").split()]
    if field.errors:
        classes.append(f"{base}--error")
    attrs = {"class": " ".join(c for c in classes if c)}
    if describedby(field):
        attrs["aria-describedby"] = describedby(field)
    return field.as_widget(attrs=attrs)


@register.filter
def govuk_describedby(field: BoundField) -> str:
    return describedby(field)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    return field.widget_type in {"radioselect", "checkboxselectmultiple"}
