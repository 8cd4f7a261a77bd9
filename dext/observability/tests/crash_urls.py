"""A view that fails while holding secrets (taken from the request, so they are
run-time values, not source code), for the Sentry scrubbing test."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def crash(request):
    access_token = request.headers["X-Example-Token"]  # a local variable must not be reported
    raise RuntimeError(f"Xero refused token {request.headers['X-Example-Jwt']} for {len(access_token)}")


urlpatterns = [path("crash/", crash)]
