"""Sign in and sign out."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.views.generic import TemplateView

from accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (Django 5) so a link or image cannot sign a user out."""


class SignedOutView(TemplateView):
    template_name = "accounts/signed_out.html"
