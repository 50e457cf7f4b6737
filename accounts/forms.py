"""Sign-in, second-factor and user-management forms with GOV.UK-voice messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import Role, User


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": True}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated. Contact your Prevent lead.",
    }


class SecurityCodeForm(forms.Form):
    """The second factor: a code from the authenticator app, or one backup code."""

    token = forms.CharField(
        label="Security code",
        max_length=20,
        help_text="The 6-digit code shown in your authenticator app, or one of your backup codes",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}),
        error_messages={
            "required": "Enter the security code",
            "max_length": "Security code must be 20 characters or fewer",
        },
    )


class BackupCodeForm(SecurityCodeForm):
    """The code form of someone whose only other second factor is a passkey: backup codes only."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        token = self.fields["token"]
        token.label = "Backup code"
        token.help_text = "One of the backup codes you saved when you set up your account"
        token.widget.attrs.pop("autofocus", None)
        token.error_messages["required"] = "Enter a backup code"


class PasskeyNameForm(forms.Form):
    """A name the person chooses, so they can tell their passkeys apart (never audited: it is free text)."""

    name = forms.CharField(
        label="Passkey name",
        max_length=64,
        help_text="For example, ‘Work laptop’ or ‘Security key’",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter a name for your passkey",
            "max_length": "Passkey name must be 64 characters or fewer",
        },
    )


class EnrolmentCodeForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=10,
        help_text="The 6-digit code your authenticator app shows after you add the account",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "Security code must be 10 characters or fewer",
        },
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The invitation link is sent to this address and works once",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of the person you are inviting",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(
        label="New role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class CreatePasswordForm(forms.Form):
    """Accepting an invitation: a password that passes every validator (at least 12 characters, not common)."""

    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. Do not use a common password or one that looks like your email address",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, User(email=self.email))
        return password

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "The passwords do not match")
        return cleaned
