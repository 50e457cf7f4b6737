"""django-otp-webauthn's endpoints, under its own namespace and URL names (its script and template tags
reverse them), served by our subclasses of its views so that every write is audited (views/passkeys.py).

Mounted at /accounts/webauthn/ by config/urls.py. accounts.middleware decides which of them a session
that has given only its password may reach.
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from accounts.views import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/begin/",
        passkeys.PasskeyRegistrationBeginView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        passkeys.PasskeyRegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        passkeys.PasskeyAuthenticationBeginView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        passkeys.PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    # The library's button labels and messages, which its script reads through gettext().
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
