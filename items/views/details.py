"""Item details (the workspace), its row in the Inbox, its actions, the contact picker's
search, and the document itself."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from dext.tenancy.permissions import business_member_required
from items import documents, selectors, services
from items.forms import ItemForm, line_formset
from items.models import ItemStatus
from items.views.inbox import inbox_filters, with_query


def _contact_create(request, item) -> dict:
    """What the contact picker needs to offer "Create supplier … in Xero" (capture)."""
    capture = getattr(item, "capture", None)
    return {
        "url": reverse("capture:create_contact", args=[item.pk]),
        "allowed": bool(request.membership.may_publish) and item.is_editable,
        "printed_name": capture.printed_name if capture is not None and not item.contact_id else "",
        "tax_number": capture.tax_number if capture is not None else "",
        "email": capture.email if capture is not None else "",
    }


def _error_summary(form, formset) -> list[dict]:
    """Every problem that stopped a save, each linking to its field."""
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            problems.append({"id": form[name].id_for_label if field else "", "label": field.label if field else "",
                             "message": error})
    for number, line_form in enumerate(formset.forms, start=1):
        for name, errors in line_form.errors.items():
            for error in errors:
                label = line_form.fields[name].label if name in line_form.fields else ""
                problems.append({"id": line_form[name].id_for_label if name in line_form.fields else "",
                                 "label": f"Line {number} {(label or name).lower()}".strip(), "message": error})
    problems += [{"id": "", "label": "Lines", "message": error} for error in formset.non_form_errors()]
    return problems


@business_member_required
def item_detail(request, pk):
    business = request.business
    item = selectors.item_get(business=business, pk=pk)
    _filter_form, filters, query = inbox_filters(request)
    lines = selectors.item_lines(item=item)
    form = ItemForm(request.POST or None, instance=item, business=business, contact_create=_contact_create(request, item))
    formset = line_formset(business=business, data=request.POST or None, lines=lines)
    previous_id, next_id = selectors.item_neighbours(item=item, filters=filters)
    remaining = None  # after a refused save: what the edit would still leave to review
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changed = set(form.changed_data)
        try:
            item = services.item_update(
                item=item,
                data={field: form.cleaned_data[field] for field in form.fields},
                lines=formset.lines() if formset.has_changed() else None,
                changed_fields=changed,
                acting_user=request.user,
            )
        except services.ItemInvalid as invalid:
            for problem in invalid.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
            remaining = [problem.message for problem in invalid.remaining]
        except services.ItemError as error:
            messages.error(request, error.user_message)
        else:
            messages.success(request, f"{item} saved.")
            if "save_next" in request.POST:
                if next_id:
                    return redirect(with_query(reverse("items:detail", args=[next_id]), query))
                messages.info(request, "That was the last item in this view of the Inbox.")
                return redirect(with_query(reverse("items:inbox"), query))
            return redirect(with_query(reverse("items:detail", args=[item.pk]), query))
    checks = selectors.item_read_checks(item=item)
    not_saved = request.method == "POST"
    if request.headers.get("HX-Request") and item.status != ItemStatus.PROCESSING:
        # The page polled while the document was read: now it has been, load the whole
        # page (its scripts bind to the fields; swapping them in would leave them inert).
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(
        request,
        "items/item_detail.html",
        {
            "title": str(item),
            "item": item,
            "capture": getattr(item, "capture", None),
            "form": form,
            "groups": [(key, heading, [(field, checks.get(field.name)) for field in fields])
                       for key, heading, fields in form.groups()],
            "formset": formset,
            "lines_open": bool(lines) or (not_saved and formset.total_error_count() > 0),
            "history": selectors.item_history(item=item),
            "previous_url": with_query(reverse("items:detail", args=[previous_id]), query) if previous_id else "",
            "next_url": with_query(reverse("items:detail", args=[next_id]), query) if next_id else "",
            "inbox_url": with_query(reverse("items:inbox"), query),
            "query": query,
            "not_saved": not_saved,
            "error_summary": _error_summary(form, formset) if not_saved else [],
            "remaining_issues": remaining,
            "duplicates": selectors.possible_duplicates(business=business, items=[item]).get(item.pk, []),
            "viewer": selectors.document_viewer(document=item.document),
            "has_rule": item.contact_id and selectors.contact_rule_get(business=business, contact=item.contact),
        },
    )


@business_member_required
@require_GET
def item_row(request, pk):
    """One Inbox row, for htmx to refresh while its item is processing or publishing."""
    item = selectors.item_row_get(business=request.business, pk=pk)
    return render(request, "items/_row.html", {"item": item, "query": request.GET.get("query", "")})


@business_member_required
@require_GET
def contact_search(request):
    """The contact picker's options: the business's contacts matching ``q``, suppliers
    first on costs (``for=supplier``), customers first on sales; with ``create=1`` a last
    option to create the typed name in Xero (or to ask someone who may)."""
    role = request.GET.get("for", "")
    role = role if role in ("supplier", "customer") else ""
    query = " ".join(request.GET.get("q", "").split())[:100]
    contacts = selectors.contact_search(business=request.business, query=query, role=role)
    exact = any(contact.name.lower() == query.lower() for contact in contacts)
    return render(
        request,
        "items/_contact_options.html",
        {
            "contacts": contacts,
            "query": query,
            "role": role,
            "offer_create": bool(query) and not exact and request.GET.get("create") == "1",
            "may_create": bool(request.membership.may_publish),
        },
    )


def _item_action(request, pk, action, success: str):
    item = selectors.item_get(business=request.business, pk=pk)
    try:
        action(item=item, acting_user=request.user)
    except services.ItemError as error:
        messages.error(request, error.user_message)
    else:
        messages.success(request, success.format(kind=item.kind_label, kind_lower=item.kind_label.lower()))
    return redirect("items:detail", pk=item.pk)


@business_member_required
@require_POST
def item_archive(request, pk):
    return _item_action(request, pk, services.item_archive, "{kind} archived.")


@business_member_required
@require_POST
def item_unarchive(request, pk):
    return _item_action(request, pk, services.item_unarchive, "{kind} moved back to the Inbox.")


@business_member_required
@require_POST
def item_keep_both(request, pk):
    return _item_action(request, pk, services.item_keep_both, "Kept both: this {kind_lower} is no longer flagged as a duplicate.")


@business_member_required
@require_POST
def item_create_rule(request, pk):
    item = selectors.item_get(business=request.business, pk=pk)
    if item.contact_id is None:
        messages.error(request, "Choose the supplier or customer first, then create a rule from this item.")
        return redirect("items:detail", pk=item.pk)
    try:
        services.contact_rule_from_item(item=item, acting_user=request.user)
    except services.ItemError as error:
        messages.error(request, error.user_message)
        return redirect("items:detail", pk=item.pk)
    messages.success(request, f"Rule saved for {item.contact}: new items from them get these values.")
    return redirect("items:contact_rule", contact_id=item.contact_id)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})  # may be previewed in a frame on the item's page
@business_member_required
@require_GET
def document(request, pk):
    """The file itself, only to members of its business; preview inline, ?download=1 to save
    the original (an e-invoice's XML)."""
    doc = selectors.document_get(business=request.business, pk=pk)
    if "download" in request.GET:
        return _file_response(doc.storage_name, content_type=doc.content_type, filename=doc.original_name,
                              as_attachment=True)
    # Shown inline: an e-invoice as the readable PDF made from it.
    name, content_type, filename = doc.viewable
    return _file_response(name, content_type=content_type, filename=filename, as_attachment=False)


@business_member_required
@require_GET
def document_page(request, pk, number):
    """One page of a PDF document (or of an e-invoice's readable PDF) as an image, for
    the viewer on Item details."""
    doc = selectors.document_get(business=request.business, pk=pk)
    if not doc.is_pdf:
        raise Http404("Not a PDF.")
    try:
        content = documents.read(doc.viewable[0])
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    image = documents.pdf_page_image(content, number)
    if image is None:
        raise Http404("No such page.")
    response = HttpResponse(image, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@business_member_required
@require_GET
def document_thumbnail(request, pk):
    doc = selectors.document_get(business=request.business, pk=pk)
    if not doc.thumbnail_name:
        raise Http404("No thumbnail.")
    return _file_response(doc.thumbnail_name, content_type="image/png", filename="thumbnail.png", as_attachment=False)


def _file_response(name: str, *, content_type: str, filename: str, as_attachment: bool) -> FileResponse:
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


