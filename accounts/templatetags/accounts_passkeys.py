"""The configuration django-otp-webauthn's script reads from the page (endpoint URLs and the CSRF token)."""

from __future__ import annotations

from django import template
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

register = template.Library()


@register.simple_tag(takes_context=True)
def passkey_config(context: template.Context) -> dict:
    """Rendered with json_script: a JSON data block, never executed, so the CSP needs no 'unsafe-inline'."""
    return get_configuration(context["request"])
