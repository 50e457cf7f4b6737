"""The case summary's request counts (open, overdue) in one query, and still right."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mash.information_requests.selectors import information_request_counts
from mash.models import InformationRequest

from .factories import open_request

pytestmark = pytest.mark.django_db


def test_open_and_overdue_are_counted_in_one_query(gathering_case, triage_officer, partner, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert information_request_counts(referral=gathering_case) == (0, 0)
    late, _on_time, answered = (
        open_request(referral=gathering_case, triage=triage_officer, partner=partner) for _ in range(3)
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    InformationRequest.objects.filter(pk=late.pk).update(due_on=yesterday)
    InformationRequest.objects.filter(pk=answered.pk).update(status="answered", due_on=yesterday)
    with django_assert_num_queries(1):
        assert information_request_counts(referral=gathering_case) == (2, 1)
