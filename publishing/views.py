"""Publish buttons. Administrators publish; standard users only with "can publish"."""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dext.errors import ApplicationError
from dext.tenancy.access import access_object
from dext.tenancy.permissions import business_member_required, forbidden
from items.models import Item, ItemStatus
from items.selectors import item_history as item_history_rows
from items.selectors import possible_duplicates
from publishing import services


def publisher_required(view):
    @business_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.may_publish:
            return forbidden(
                request, reason="Publishing to Xero needs the administrator role or the “can publish” permission."
            )
        return view(request, *args, **kwargs)

    return wrapper


@publisher_required
@require_POST
def item_publish(request, pk):
    item = access_object(Item, business=request.business, pk=pk)
    if request.POST.get("confirmed") != "yes":
        # A possible duplicate is published only once the person has said so.
        found = possible_duplicates(business=request.business, items=[item], publishable_only=True)
        if found:
            return render(request, "items/publish_confirm.html", {
                "title": "Publish a possible duplicate?", "duplicates": [(item, found[item.pk])],
                "action": reverse("publishing:publish", args=[item.pk]), "back": reverse("items:detail", args=[item.pk]),
            })
    try:
        result = services.publish_request(business=request.business, items=[item], acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.user_message)
    else:
        if result.queued:
            messages.success(request, "Publishing to Xero. The item moves to the Archive when it's done.")
        else:
            messages.warning(request, f"This item can't be published: {result.skipped.get(item.pk, 'it is not ready')}.")
    return redirect("items:detail", pk=item.pk)


@publisher_required
@require_POST
def item_retry_attachment(request, pk):
    item = access_object(Item, business=request.business, pk=pk)
    try:
        services.attachment_retry(item=item, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.user_message)
    else:
        messages.success(request, "Attaching the document in Xero again.")
    return redirect("items:detail", pk=item.pk)


@business_member_required
@require_GET
def item_panel(request, pk):
    """The publish panel alone, for htmx polling while an item publishes, and while a
    published item is watched for its status in Xero (``watch``: the status shown)."""
    item = access_object(Item.objects.select_related("publication"), business=request.business, pk=pk)
    publication = getattr(item, "publication", None)
    watched = request.GET.get("watch")
    if watched is not None and request.headers.get("HX-Request"):
        if item.status == ItemStatus.PUBLISHED and publication is not None and publication.xero_status == watched:
            return HttpResponse(status=204)  # unchanged: htmx swaps nothing and polls again
        if item.status == ItemStatus.PUBLISHED:
            # Changed in Xero: the panel, the status badge and the History, without a reload.
            return render(request, "publishing/panel_fragment.html", {
                "item": item, "status_changed": True, "history": item_history_rows(item=item),
            })
    response = render(request, "publishing/panel_fragment.html", {"item": item})
    if request.headers.get("HX-Request") and item.status not in ("queued", "publishing"):
        # Done: reload the whole page so the form, badge and history show the outcome too.
        response["HX-Refresh"] = "true"
    return response


@publisher_required
def item_publish_again(request, pk):
    """Publish again an item whose document was voided or deleted in Xero: a page that
    says what it means, then (POST) clear the item's link to the old document."""
    item = access_object(Item.objects.select_related("publication"), business=request.business, pk=pk)
    publication = getattr(item, "publication", None)
    if request.method == "POST":
        publish_now = request.POST.get("then") == "publish"
        try:
            services.item_publish_again(item=item, acting_user=request.user, publish_now=publish_now)
        except ApplicationError as exc:
            messages.error(request, exc.user_message)
        else:
            messages.success(request, "Publishing to Xero as a new document." if publish_now else
                             "The item is Ready again: check it, then publish it.")
        return redirect("items:detail", pk=item.pk)
    if item.status != ItemStatus.PUBLISHED or not services.may_publish_again(publication):
        messages.error(request, services.NOT_REPUBLISHABLE)
        return redirect("items:detail", pk=item.pk)
    return render(request, "publishing/publish_again.html", {
        "title": "Publish again?", "item": item, "publication": publication,
    })
