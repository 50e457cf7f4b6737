from __future__ import annotations

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

from referrals.choices import ReferralStatus
from referrals.exceptions import StatusUpdateRefused
from referrals.models import Referral

from .factories import submitted_referral


def _fsm_models():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FSMFieldMixin):
                yield model, field


def test_every_transition_of_every_fsm_model_has_a_permission_callable_and_label():
    found = list(_fsm_models())
    assert (Referral, Referral._meta.get_field("status")) in found
    for model, field in found:
        transitions = list(getattr(model, f"get_all_{field.name}_transitions")(model()))
        assert transitions, f"{model.__name__}.{field.name} has no transitions"
        for transition in transitions:
            assert callable(transition.permission), f"{model.__name__}.{transition.name} has no permission callable"
            assert transition.custom.get("label"), f"{model.__name__}.{transition.name} has no label"


def test_declared_lifecycle_matches_the_design():
    edges = {(t.source, t.target) for t in Referral().get_all_status_transitions()}
    assert edges == {
        ("draft", "submitted"),
        ("submitted", "screening"),
        ("screening", "information_gathering"),
        ("information_gathering", "with_channel"),
        ("screening", "closed"),
        ("information_gathering", "closed"),
        ("with_channel", "closed"),  # close_from_channel: Channel's not adopted, completed, withdrawn
        ("closed", "transferring"),  # start_transfer: the package to CTP is built (closure)
        ("transferring", "transferred"),  # confirm_transfer: CTP's receipt verified (closure)
        ("transferred", "purged"),  # purge: after the hold period, in the transaction that deletes the case
    }


@pytest.mark.django_db
def test_status_assignment_is_refused(referrer):
    referral = submitted_referral(user=referrer)
    with pytest.raises(AttributeError):
        referral.status = ReferralStatus.CLOSED


@pytest.mark.django_db
def test_queryset_update_of_status_is_refused(referrer):
    referral = submitted_referral(user=referrer)
    with pytest.raises(StatusUpdateRefused):
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.CLOSED)
    with pytest.raises(StatusUpdateRefused):
        Referral.objects.bulk_update([referral], ["status"])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_concurrent_transition_on_a_stale_copy_is_refused(referrer, triage_officer, police_prevent_officer):
    from referrals import services
    from referrals.exceptions import CaseChangedMeanwhile

    referral = submitted_referral(user=referrer)
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_start_screening(referral=referral, actor=triage_officer)
    with pytest.raises(CaseChangedMeanwhile):
        services.referral_start_screening(referral=stale, actor=police_prevent_officer)


def test_each_transition_body_sets_only_the_fields_it_declares_in_writes():
    """The services save custom["writes"] only (update_fields): a field set but not declared would be lost."""
    attnames = {field.name: field.attname for field in Referral._meta.concrete_fields}
    field_names = set(attnames)
    checked = 0
    for declared in Referral().get_all_status_transitions():
        writes = set(declared.custom.get("writes", ()))
        assert writes <= field_names, declared.name
        referral = Referral(status=declared.source, closing_reason="NFA_SIGNPOSTED", closing_summary="Summary.")
        before = {name: referral.__dict__.get(attnames[name]) for name in field_names}
        getattr(referral, declared.name)()
        after = {name: referral.__dict__.get(attnames[name]) for name in field_names}
        assert {name for name in field_names if before[name] != after[name]} == {"status", *writes}, declared.name
        checked += 1
    # submit, start screening, information gathering, channel, close (x2), close from Channel, and the transfer
    # to CTP: start (the package built) and confirm (its receipt), and the purge
    assert checked == 10  # noqa: PLR2004
