"""Unwrapped data keys live only for the request or task that needed them."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from encryption import scope
from encryption.middleware import DataKeyScopeMiddleware
from tests.testapp.models import Case

pytestmark = pytest.mark.django_db


def test_outside_a_scope_nothing_is_cached(make_case, django_assert_num_queries):
    case = make_case(narrative="x")
    loaded = Case.objects.get(pk=case.pk)
    with django_assert_num_queries(1):  # the DataKey row: fetched and unwrapped, then dropped
        assert loaded.narrative == "x"
    assert scope.cached(case.data_key_id) is None


def test_within_a_scope_a_key_is_unwrapped_once(make_case, django_assert_num_queries):
    case = make_case(narrative="x", name="y")
    loaded = Case.objects.get(pk=case.pk)
    with scope.data_key_scope():
        # One DataKey fetch for both fields, then only the Case query itself: no second unwrap.
        with django_assert_num_queries(2):
            assert (loaded.narrative, loaded.name) == ("x", "y")
            assert Case.objects.get(pk=case.pk).narrative == "x"
        assert scope.cached(case.data_key_id) is not None
    assert scope.cached(case.data_key_id) is None


def test_select_related_data_key_needs_no_extra_query(make_case, django_assert_num_queries):
    case = make_case(narrative="x")
    with django_assert_num_queries(1):
        assert Case.objects.select_related("data_key").get(pk=case.pk).narrative == "x"


def test_middleware_drops_keys_when_the_request_ends(make_case):
    case = make_case(narrative="x")
    seen = {}

    def view(request):
        assert Case.objects.get(pk=case.pk).narrative == "x"
        seen["cached"] = scope.cached(case.data_key_id) is not None
        return HttpResponse("ok")

    DataKeyScopeMiddleware(view)(RequestFactory().get("/"))
    assert seen["cached"] is True
    assert scope.cached(case.data_key_id) is None


def test_celery_task_signals_open_and_close_a_scope(make_case):
    from celery.signals import task_postrun, task_prerun

    case = make_case(narrative="x")
    task_prerun.send(sender=None, task_id="t-1", task=None, args=(), kwargs={})
    assert Case.objects.get(pk=case.pk).narrative == "x"
    assert scope.cached(case.data_key_id) is not None
    task_postrun.send(sender=None, task_id="t-1", task=None, args=(), kwargs={}, retval=None, state="SUCCESS")
    assert scope.cached(case.data_key_id) is None
