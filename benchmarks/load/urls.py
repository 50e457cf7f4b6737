"""The service's URLs plus /bench/bare/: session authentication, one template, nothing else (the baseline)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as service_urlpatterns

BARE = "<!DOCTYPE html><html lang='en'><title>Bare</title><p>Signed in ({{ request.user.pk }}).</p></html>"


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(BARE).render({}, request))


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *service_urlpatterns]
