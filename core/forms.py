"""GOV.UK form rendering: every field renders through templates/forms/field.html."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with the GOV.UK Design System's macro markup."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
