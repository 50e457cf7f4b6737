"""The referral intake API: the same services and selectors as the journey; serializers only shape data."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from referrals import services
from referrals.exceptions import AttachmentNotStored, AttachmentRejected, NotEditable, ReferralInvalid
from referrals.selectors import referral_receipt_get, referral_sent_get
from referrals.validation import ATTACHMENT_MESSAGES, ATTACHMENT_NOT_A_FILE, ATTACHMENT_ONE_AT_A_TIME

from .parsers import ApiJSONParser
from .serializers import FIELD_ERRORS_SCHEMA, ErrorSerializer, ReferralInputSerializer, ReferralReceiptSerializer

IDEMPOTENCY_KEY_MAX = 100
IDEMPOTENCY_KEY_INVALID = "Idempotency key must be 100 printable characters or fewer"
# Every operation: REST framework answers these before the view runs, so the schema says so for each.
COMMON_RESPONSES = {
    401: OpenApiResponse(
        ErrorSerializer, description="No token, or a token that is unknown, expired or revoked (`detail` says which)"
    ),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: try again later"),
}
FIELD_ERRORS = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Every field's messages at once: field name to a list")
REFERENCE = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    pattern=r"^PRV-[0-9]{4}-[0-9]{6}$",
    description="The referral's reference, for example PRV-2026-000123.",
)
NOT_YOURS = OpenApiResponse(ErrorSerializer, description="No referral of yours has this reference")


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent as a multipart part: the schema says binary (REST framework's default says a URL)."""


def _receipt(referral: object) -> dict:
    return ReferralCreateApi.OutputSerializer(
        {"reference": referral.reference, "status": referral.coarse_status, "submitted_at": referral.submitted_at}
    ).data


class ReferralCreateApi(APIView):
    # STYLE.md section 8: the view owns its input and output pair; the field rules and the schema's
    # statement of the referral's rules live in serializers.py, shared with the docs page.
    @extend_schema_serializer(component_name="ReferralInput")
    class InputSerializer(ReferralInputSerializer):
        """A complete referral; the service checks completeness and the rules again, as for the journey."""

    @extend_schema_serializer(component_name="ReferralReceipt")
    class OutputSerializer(ReferralReceiptSerializer):
        """What a referrer may know of a referral they made; the status view answers with it too."""

    throttle_scope = "referral_create"
    parser_classes = [ApiJSONParser]

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
            400: FIELD_ERRORS,
            **COMMON_RESPONSES,
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        key_errors = {}
        if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
            key_errors = {"Idempotency-Key": [IDEMPOTENCY_KEY_INVALID]}
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid() or key_errors:
            return Response({**serializer.errors, **key_errors}, status=status.HTTP_400_BAD_REQUEST)
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
    OutputSerializer = ReferralCreateApi.OutputSerializer  # the same receipt as the answer to a submission

    @extend_schema(
        operation_id="referral_status",
        summary="The coarse status of a referral you made",
        parameters=[REFERENCE],
        responses={200: OutputSerializer, 404: NOT_YOURS, **COMMON_RESPONSES},
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(_receipt(referral_receipt_get(user=request.user, reference=reference)))


class ReferralAttachmentAddApi(APIView):
    """Only the token's user who sent the referral adds files, until screening starts; same rules as the pages."""

    # The multipart body goes through the pages' upload handlers (settings.FILE_UPLOAD_HANDLERS): held in
    # memory and never spooled to disk in plaintext, then encrypted by the journey's own service.
    parser_classes = [MultiPartParser]

    @extend_schema_serializer(component_name="ReferralAttachmentInput")
    class InputSerializer(serializers.Serializer):
        file = UploadField(
            help_text="PDF, Word document, JPG, PNG or GIF, smaller than the size limit; judged by its content.",
            error_messages={**ATTACHMENT_MESSAGES, "invalid": ATTACHMENT_NOT_A_FILE},
        )

    @extend_schema_serializer(component_name="ReferralAttachment")
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(help_text="The attachment's identifier.")
        content_type = serializers.CharField(help_text="The file's type, judged by its content.")
        size = serializers.IntegerField(help_text="The file's size in bytes.")

    @extend_schema(
        operation_id="referral_attachment_add",
        summary="Add a file to a referral you made, until screening starts",
        parameters=[REFERENCE],
        request={"multipart/form-data": InputSerializer},
        responses={
            201: OutputSerializer,
            400: FIELD_ERRORS,
            404: NOT_YOURS,
            409: OpenApiResponse(ErrorSerializer, description="Screening has started: no more files can be added"),
            503: OpenApiResponse(ErrorSerializer, description="The file could not be stored: nothing kept, try again"),
            **COMMON_RESPONSES,
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        referral = referral_sent_get(user=request.user, reference=reference)
        try:
            services.referral_attachment_allowed(referral=referral, actor=request.user)
        except NotEditable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if len(request.FILES.getlist("file")) > 1:
            return Response({"file": [ATTACHMENT_ONE_AT_A_TIME]}, status=status.HTTP_400_BAD_REQUEST)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            attachment = services.referral_attachment_add(
                referral=referral, actor=request.user, fileobj=upload, filename=upload.name or "", size=upload.size
            )
        except AttachmentNotStored as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except AttachmentRejected as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        except NotEditable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        output = {"id": attachment.pk, "content_type": attachment.content_type, "size": attachment.size}
        return Response(self.OutputSerializer(output).data, status=status.HTTP_201_CREATED)
