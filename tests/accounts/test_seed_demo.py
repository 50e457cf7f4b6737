"""seed_demo: the demo accounts are an interface, so they are checked by e-mail, role and authority."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import LocalAuthority, Membership, Role, User
from tests.conftest import run_with_production_settings

FIRST = ["referrer", "triage", "police", "chair", "panel", "partner", "provider", "lead", "auditor"]


@pytest.mark.django_db
def test_seed_demo_creates_one_user_per_role_in_two_authorities(settings, rf):
    settings.DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo", stdout=open(os.devnull, "w"))

    authorities = list(LocalAuthority.objects.order_by("ons_code"))
    assert len(authorities) == 2
    for prefix in ("", "other-"):
        emails = [f"{prefix}{name}@example.org" for name in FIRST]
        memberships = Membership.objects.filter(user__email__in=emails).select_related("user", "local_authority")
        assert {m.role for m in memberships} == set(Role.values)
        assert len({m.local_authority_id for m in memberships}) == 1
    first_la = User.objects.get(email="triage@example.org").membership.local_authority
    second_la = User.objects.get(email="other-triage@example.org").membership.local_authority
    assert first_la != second_la
    assert User.objects.get(email="police@example.org").role == Role.POLICE_PREVENT_OFFICER
    request = rf.post("/accounts/sign-in/")
    assert authenticate(request, username="chair@example.org", password="a-demo-password-for-tests") is not None


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(settings):
    settings.DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    before = sorted(Membership.objects.values_list("user__email", "role", "local_authority__ons_code", "user_id"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    after = sorted(Membership.objects.values_list("user__email", "role", "local_authority__ons_code", "user_id"))
    assert before == after
    assert User.objects.count() == 18
    assert LocalAuthority.objects.count() == 2


@pytest.mark.django_db
def test_seed_demo_prints_accounts_and_password(settings, capsys):
    settings.DEMO_PASSWORD = "printed-demo-password"
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "lead@example.org" in out
    assert "other-auditor@example.org" in out
    assert "printed-demo-password" in out
    # It makes accounts only; a new user is told where the cases of the MASH, Channel and closure demos come from.
    for command in ("seed_demo_referrals", "seed_demo_mash", "seed_demo_channel", "seed_demo_closure"):
        assert command in out


@pytest.mark.django_db
def test_seed_demo_is_refused_under_production_environment():
    with override_settings(ENVIRONMENT="production"), pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_exits_non_zero_with_production_settings_module(production_env):
    result = run_with_production_settings(production_env, "manage.py", "seed_demo")
    assert result.returncode != 0
    assert "refuses to run under production settings" in result.stderr
    assert "Traceback" not in result.stderr
