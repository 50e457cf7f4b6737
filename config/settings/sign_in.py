"""Part of the base settings (star-imported by base.py): sign-in, second factor, lockout and sessions.

Split from base.py only to keep each settings module short; docs/access.md explains each rule.
"""

from __future__ import annotations

from config.settings.environment import SERVICE_NAME, env

# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account before the password is checked.
    "accounts.lockout.LockoutBackend",
    # Django's ModelBackend, loading the membership and council with the user (accounts.backends).
    "accounts.backends.UserBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-guardian: no anonymous user, so no object permission can ever reach an anonymous visitor.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Second factor (django-otp): TOTP and backup codes; docs/access.md.
OTP_TOTP_ISSUER = SERVICE_NAME
# The libraries' admins show no key, QR code, backup code or public key (ours show none either: accounts/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# No time-based back-off on codes (it refused the right code, then let guessing go on): 5 wrong codes lock.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Passkeys (django-otp-webauthn) as a second factor only: https://django-otp-webauthn.readthedocs.io/
# The relying party ID is the site's domain (a passkey works on it and its subdomains only, and never on
# an IP address, so develop on http://localhost:8000). Origins are scheme://host[:port] the browser shows.
OTP_WEBAUTHN_RP_ID = env("OTP_WEBAUTHN_RP_ID", default="localhost")
OTP_WEBAUTHN_RP_NAME = env("OTP_WEBAUTHN_RP_NAME", default=SERVICE_NAME)
# The library's system check accepts only https:// origins and http://localhost (127.0.0.1 is refused).
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=["http://localhost:8000"])
# Never a first factor: the password always comes first (its WebAuthnBackend is not installed either).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Invitations to new users: the signed, single-use link expires after this many hours.
INVITATION_MAX_AGE_HOURS = env.int("INVITATION_MAX_AGE_HOURS", default=72)

# django-axes: 5 failures lock the account at that address, AXES_IP_FAILURE_LIMIT the address (docs/access.md).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=50)
AXES_HANDLER = "accounts.lockout.AccountAddressHandler"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
# Safety over convenience: no automatic cool-off unless set; a Prevent lead or an operator unlocks.
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=None)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.locked_out"
# No personal data in log lines: axes would print the typed username and address.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_str"
# Successful sign-ins are audit events already; axes' own access log would duplicate addresses.
AXES_DISABLE_ACCESS_LOG = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=None)
# Read by our callable, not by django-ipware (not installed): the proxies' X-Forwarded-For entries.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"

# ------------------------------------------------------------------------------
# Sessions and cookies
# ------------------------------------------------------------------------------
# Idle limit (seconds since the last request) and absolute limit (seconds since sign-in); docs/access.md.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
