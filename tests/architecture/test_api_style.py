"""API views follow STYLE.md section 8: each `<Entity><Action>Api` owns its input and output pair."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

WRITE_METHODS = ("post", "put", "patch")


def _api_views() -> list[type[APIView]]:
    views = []
    resolver = get_resolver().namespace_dict["api"][1]
    for pattern in resolver.url_patterns:
        view = getattr(pattern.callback, "view_class", None) if isinstance(pattern, URLPattern) else None
        if view is not None and view.__module__ == "referrals.api.views":
            views.append(view)
    return views


def test_the_api_views_are_found():
    assert {view.__name__ for view in _api_views()} == {
        "ReferralCreateApi",
        "ReferralStatusApi",
        "ReferralAttachmentAddApi",
    }


@pytest.mark.parametrize("view", _api_views(), ids=lambda view: view.__name__)
def test_each_api_view_nests_its_serializers(view):
    assert view.__name__.endswith("Api")
    assert issubclass(view.OutputSerializer, serializers.Serializer)
    if any(hasattr(view, method) for method in WRITE_METHODS):
        assert issubclass(vars(view)["InputSerializer"], serializers.Serializer)


@pytest.mark.django_db  # the schema lists the councils served (reference data)
def test_the_schema_keeps_its_component_names(client):
    components = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    assert {"ReferralInput", "ReferralReceipt"} <= set(components)
    assert not any(name in {"Input", "Output"} for name in components)
