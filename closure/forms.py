"""The receipt upload of the Closure section (GOV.UK file upload, one question)."""

from __future__ import annotations

from django import forms

# A receipt is a few hundred bytes of JSON; anything far bigger is not one.
RECEIPT_MAX_BYTES = 64 * 1024


class ReceiptUploadForm(forms.Form):
    receipt = forms.FileField(
        label="Upload CTP's receipt",
        help_text="The signed receipt file CTP sent for this case's transfer package.",
        error_messages={"required": "Select the receipt file"},
    )

    def clean_receipt(self) -> bytes:
        upload = self.cleaned_data["receipt"]
        if upload.size > RECEIPT_MAX_BYTES:
            raise forms.ValidationError("The receipt file must be smaller than 64 KB")
        return upload.read()
