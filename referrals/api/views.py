"""The referral intake API: the same services and selectors as the journey; serializers only shape data."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from referrals import services
from referrals.exceptions import ReferralInvalid
from referrals.selectors import referral_receipt_get

from .serializers import ErrorSerializer, ReferralInputSerializer, ReferralReceiptSerializer

IDEMPOTENCY_KEY_MAX = 100


def _receipt(referral: object) -> dict:
    return ReferralReceiptSerializer(
        {"reference": referral.reference, "status": referral.coarse_status, "submitted_at": referral.submitted_at}
    ).data


class ReferralCreateApi(APIView):
    throttle_scope = "referral_create"

    @extend_schema(
        operation_id="referral_create",
        summary="Submit a referral",
        request=ReferralInputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Up to 100 characters. A retry with the same key returns the referral first created.",
            )
        ],
        responses={
            201: ReferralReceiptSerializer,
            200: OpenApiResponse(ReferralReceiptSerializer, description="Replay of an idempotency key"),
            400: OpenApiResponse(ErrorSerializer, description="Field name to a list of messages"),
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
            return Response({"Idempotency-Key": ["Must be 100 printable characters or fewer"]}, status=400)
        serializer = ReferralInputSerializer(data=request.data)
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


class ReferralStatusApi(APIView):
    @extend_schema(
        operation_id="referral_status",
        summary="The coarse status of a referral you made",
        responses={200: ReferralReceiptSerializer, 404: OpenApiResponse(ErrorSerializer, description="Not found")},
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(_receipt(referral_receipt_get(user=request.user, reference=reference)))
