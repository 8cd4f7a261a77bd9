"""The Clients page, for a person who works in several businesses (an accountant, a bookkeeper)."""

from django.shortcuts import render

from dext.tenancy.permissions import business_member_required
from practice.selectors import clients_for_user


@business_member_required
def clients(request):
    return render(request, "practice/clients.html", {"title": "Clients", "clients": clients_for_user(user=request.user)})
