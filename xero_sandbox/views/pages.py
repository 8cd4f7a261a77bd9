"""The sandbox's own "Xero" pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xero_sandbox.models import Organisation


def index(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.prefetch_related("connections")
    return render(request, "xero_sandbox/index.html", {"organisations": organisations})
