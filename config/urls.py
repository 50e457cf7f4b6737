"""Root URLs: each app's URLs under its own namespace."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config import views
from mash.urls import referral_urlpatterns as mash_referral_urlpatterns
from referrals.urls import urlpatterns as referral_urlpatterns

urlpatterns = [
    # The site's own pages (no namespace: templates and checks use these names as they are).
    path("", views.HomeView.as_view(), name="home"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    # django-otp-webauthn's ceremony endpoints (namespace otp_webauthn), audited through accounts' services.
    path("accounts/webauthn/", include("accounts.webauthn_urls")),
    # One sign-in for everyone (password, lockout, second factor): the admin's own login form is never used.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:sign-in", query_string=True)),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    # The MASH queue keeps its address and name in the referrals namespace; mash's patterns come first
    # (before referrals' "<reference>/"), composed here so that referrals never imports mash.
    path("referrals/", include((mash_referral_urlpatterns + referral_urlpatterns, "referrals"))),
    path("api/", include("referrals.api.urls")),
    # A partner contributor's information requests (mash): the request only, never the case.
    path("requests/", include("mash.information_requests.urls")),
    # The Channel steps of a case (channel app); its section of the case page is served by referrals.
    path("channel/", include("channel.urls")),
    # The transfer to CTP (closure app): transfers in progress, and confirming a receipt of a case.
    path("closure/", include("closure.urls")),
    # The council's Prevent statistics for the Home Office (benchmarking app): Prevent lead and auditor.
    path("statistics/", include("benchmarking.urls")),
]

handler400 = "config.views.error_400"
handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
