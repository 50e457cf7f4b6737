"""GOV.UK form rendering: every field renders through templates/forms/field.html."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting


class GovukBoundField(BoundField):
    """A field whose control never carries the HTML maxlength attribute.

    Django puts maxlength on the input of every CharField with a max_length, so a browser cuts pasted
    text at the limit without a word. GOV.UK asks for validation instead: the field's own max_length
    check still runs on the server and its error message says how long the answer may be.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        # An attribute set to False is left out of the rendered tag (Django's boolean attributes).
        attrs["maxlength"] = False
        return attrs


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with the GOV.UK Design System's macro markup."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = GovukBoundField
