"""The referral intake API: the same services and selectors as the journey; serializers only shape data.

Each view nests its InputSerializer / OutputSerializer (STYLE.md section 8); the schema keeps
stable component names through `extend_schema_serializer(component_name=...)`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import LocalAuthority
from referrals import services
from referrals.exceptions import ReferralInvalid
from referrals.selectors import referral_receipt_get

from .serializers import ErrorSerializer, answer_fields

IDEMPOTENCY_KEY_MAX = 100


class ReferralCreateApi(APIView):
    throttle_scope = "referral_create"

    @extend_schema_serializer(component_name="ReferralInput")
    class InputSerializer(serializers.Serializer):
        """A complete referral; the service checks completeness and the rules again, as for the journey."""

        local_authority = serializers.SlugRelatedField(
            slug_field="ons_code",
            queryset=LocalAuthority.objects.all(),
            required=False,
            help_text="ONS code of the council area where the person lives (for example E09000007); "
            "defaults to the submitting user's council.",
        )
        locals().update(answer_fields())

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            unknown = set(self.initial_data) - set(self.fields) if isinstance(self.initial_data, dict) else set()
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This is not a question on the referral form"] for name in unknown}
                )
            return attrs

        def answers(self) -> dict[str, Any]:
            data = dict(self.validated_data)
            data.pop("local_authority", None)
            if data.get("approximate_age") is not None:
                data["approximate_age"] = str(data["approximate_age"])
            if "indicators" in data:
                data["indicators"] = sorted(data["indicators"])
            return data

    @extend_schema_serializer(component_name="ReferralReceipt")
    class OutputSerializer(serializers.Serializer):
        # What a referrer may know of a referral they made; the status view answers with it too.

        reference = serializers.RegexField(r"^PRV-\d{4}-\d{6}$", help_text="The referral's reference.")
        status = serializers.ChoiceField(
            choices=[("received", "Received"), ("being_assessed", "Being assessed"), ("closed", "Closed")],
            help_text="Coarse status: outcomes are not disclosed to referrers.",
        )
        submitted_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="referral_create",
        summary="Submit a referral",
        request=InputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Up to 100 characters. A retry with the same key returns the referral first created.",
            )
        ],
        responses={
            201: OutputSerializer,
            200: OpenApiResponse(OutputSerializer, description="Replay of an idempotency key"),
            400: OpenApiResponse(ErrorSerializer, description="Field name to a list of messages"),
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
            return Response({"Idempotency-Key": ["Must be 100 printable characters or fewer"]}, status=400)
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            referral, created = services.referral_create_submitted(
                actor=request.user,
                answers=serializer.answers(),
                local_authority=serializer.validated_data.get("local_authority"),
                idempotency_key=key,
            )
        except ReferralInvalid as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(_receipt(referral), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _receipt(referral: object) -> dict:
    return ReferralCreateApi.OutputSerializer(
        {"reference": referral.reference, "status": referral.coarse_status, "submitted_at": referral.submitted_at}
    ).data


class ReferralStatusApi(APIView):
    # The same receipt as on creation: one shape, one schema component.
    OutputSerializer = ReferralCreateApi.OutputSerializer

    @extend_schema(
        operation_id="referral_status",
        summary="The coarse status of a referral you made",
        responses={200: OutputSerializer, 404: OpenApiResponse(ErrorSerializer, description="Not found")},
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(_receipt(referral_receipt_get(user=request.user, reference=reference)))
