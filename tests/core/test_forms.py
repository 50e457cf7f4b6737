"""The GOV.UK form renderer: no input carries maxlength (the browser would cut pasted text without a word);
the server's own limit answers with an error summary and keeps what was typed."""

from __future__ import annotations

import html

import pytest
from django import forms
from django.urls import reverse

from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _name_page(client, referrer) -> str:
    client.force_login(referrer)
    client.post(reverse("referrals:start"))
    referral = Referral.objects.get(created_by=referrer)
    return reverse("referrals:draft-step", args=[referral.pk, "name"])


def test_a_question_page_has_no_maxlength_on_its_inputs(client, referrer):
    url = _name_page(client, referrer)
    body = client.get(url).content.decode()
    assert 'name="other_names"' in body
    assert "maxlength" not in body


def test_an_over_long_answer_is_refused_with_the_services_words_and_kept(client, referrer):
    url = _name_page(client, referrer)
    typed = "Ann " + "x" * 197  # 201 characters: one more than other names may have
    response = client.post(url, {"given_name": "Sam", "family_name": "Jones", "other_names": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert '<a href="#id_other_names">Other names must be 200 characters or fewer</a>' in body
    assert f'value="{html.escape(typed)}"' in body
    assert "maxlength" not in body
    assert Referral.objects.get(created_by=referrer).other_names == ""


def test_every_text_input_and_textarea_drops_maxlength_but_keeps_the_limit():
    class Notes(forms.Form):
        name = forms.CharField(max_length=5)
        note = forms.CharField(max_length=5, widget=forms.Textarea)
        hidden = forms.CharField(max_length=5, widget=forms.HiddenInput)

    form = Notes({"name": "abcdef", "note": "abcdef", "hidden": "abc"})
    assert "maxlength" not in form.as_div()
    assert "maxlength" not in str(form["note"]) + str(form["name"])
    assert set(form.errors) == {"name", "note"}


def _project_forms() -> list[type[forms.BaseForm]]:
    import importlib
    import pkgutil

    found = []
    for app in ("accounts", "audit", "benchmarking", "channel", "closure", "mash", "referrals"):
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "forms" not in module_info.name.rsplit(".", 1)[-1]:
                continue
            module = importlib.import_module(module_info.name)
            found += [
                value
                for value in vars(module).values()
                if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
            ]
    return found


def test_every_limited_text_field_says_its_limit_in_the_services_words():
    limited = [
        (form.__name__, name, field)
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if getattr(field, "max_length", None)
    ]
    assert len(limited) > 10
    for form_name, name, field in limited:
        # Without one, Django's "Ensure this value has at most ... characters" would reach the page.
        assert field.error_messages.get("max_length"), f"{form_name}.{name} has no GOV.UK message for its limit"
