""""Already in Xero?": the dialog for an item set aside as a possible duplicate in Xero,
and its three choices. Each choice needs the publish permission (403 without it) and
finds the item only in the request's business (404 for another's)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dext.errors import ApplicationError
from dext.tenancy.access import access_object
from dext.tenancy.permissions import business_member_required
from items.models import Item
from publishing.services import xero_matches
from publishing.views import publisher_required


@business_member_required
@require_GET
def xero_match(request, pk):
    item = access_object(Item.objects.select_related("contact", "document"), business=request.business, pk=pk)
    return render(request, "publishing/xero_match.html", {"item": item})


def _choice(request, pk, decide, done: str):
    item = access_object(Item, business=request.business, pk=pk)
    try:
        decide(item)
    except ApplicationError as exc:
        messages.error(request, exc.user_message)
    else:
        messages.success(request, done)
    return redirect("items:detail", pk=item.pk)


@publisher_required
@require_POST
def xero_match_attach(request, pk):
    return _choice(
        request, pk,
        lambda item: xero_matches.xero_match_attach(item=item, acting_user=request.user,
                                                    xero_id=request.POST.get("xero_id", "")),
        "Attaching the document to the one already in Xero. The item moves to the Archive when it's done.",
    )


@publisher_required
@require_POST
def xero_match_publish_anyway(request, pk):
    return _choice(
        request, pk,
        lambda item: xero_matches.xero_match_publish_anyway(item=item, acting_user=request.user),
        "Publishing to Xero anyway. The item moves to the Archive when it's done.",
    )


@publisher_required
@require_POST
def xero_match_skip(request, pk):
    return _choice(
        request, pk,
        lambda item: xero_matches.xero_match_skip(item=item, acting_user=request.user),
        "Skipped: the document is already in Xero. The item is in the Archive.",
    )
