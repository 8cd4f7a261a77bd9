"""Thin views: parse input, fetch through a business-scoped selector, call a service, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFilesSent
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from dext.tenancy.permissions import business_admin_required, business_member_required, forbidden
from items import selectors, services
from items.forms import (
    BulkActionForm,
    ContactRuleForm,
    ItemFilterForm,
    ItemForm,
    ItemSettingsForm,
    line_formset,
)

PAGE_SIZE = 50


def _list_page(request, *, archive: bool):
    business = request.business
    filter_form = ItemFilterForm(request.GET or None, business=business, archive=archive)
    filters = selectors.ItemFilters()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = selectors.ItemFilters(
            q=data["q"].strip(),
            status=data["status"],
            contact_id=data["contact"].pk if data["contact"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            document_type=data["document_type"],
            item_type=data["item_type"],
            sort=data["sort"] or "newest",
        )
    page = Paginator(selectors.items_list(business=business, archive=archive, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "items/item_list.html",
        {
            "title": "Archive" if archive else "Inbox",
            "archive": archive,
            "page": page,
            "filter_form": filter_form,
            "bulk_form": BulkActionForm(business=business),
            "query": query.urlencode(),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "max_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
        },
    )


@business_member_required
def inbox(request):
    return _list_page(request, archive=False)


@business_member_required
def archive(request):
    return _list_page(request, archive=True)


@csrf_exempt
@business_member_required
@require_POST
def upload(request):
    """Upload documents. Django refuses a request with too many files while parsing it,
    which would surface as a bare 400 (the CSRF check is what parses it). This wrapper
    reads the body first so it can say so plainly, changing nothing; every other request
    then goes through the normal CSRF check before anything is stored."""
    try:
        request.FILES  # noqa: B018 - parse the body here to catch the file-count limit
    except TooManyFilesSent:
        messages.error(
            request,
            f"Too many files at once: upload at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files per batch. "
            "Nothing was uploaded.",
        )
        return redirect("items:inbox")
    return _upload(request)


@csrf_protect
def _upload(request):
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "Choose one or more PDF, JPEG or PNG files to upload.")
        return redirect("items:inbox")
    result = services.documents_upload(business=request.business, files=files, acting_user=request.user)
    for name, reason in result.rejected:
        messages.error(request, f"“{name}” was not uploaded: {reason}")
    if result.items:
        count = len(result.items)
        messages.success(request, f"{count} document{'s' if count != 1 else ''} uploaded to the Inbox.")
    duplicates = [item for item in result.items if item.duplicate_of_id]
    for item in duplicates:
        messages.warning(request, f"“{item.document.original_name}” is the same file as item #{item.duplicate_of_id}.")
    return redirect("items:inbox")


@business_member_required
@require_POST
def bulk(request):
    business = request.business
    form = BulkActionForm(request.POST, business=business)
    back = request.POST.get("back") or reverse("items:inbox")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("items:inbox")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    items = form.cleaned_data["items"]
    if action == "publish" and not request.membership.may_publish:
        return forbidden(
            request, reason="Publishing to Xero needs the administrator role or the “can publish” permission."
        )
    if action in services.CONFIRM_ACTIONS and request.POST.get("confirmed") != "yes":
        return render(
            request,
            "items/bulk_confirm.html",
            {"title": "Delete items?", "items": items.select_related("document"), "action": action, "back": back},
        )
    result = services.items_bulk_action(
        business=business, action=action, items=items, acting_user=request.user, value=form.cleaned_data["value"]
    )
    messages.add_message(request, getattr(messages, result.level.upper()), result.message)
    return redirect(back)


@business_member_required
def item_detail(request, pk):
    business = request.business
    item = selectors.item_get(business=business, pk=pk)
    lines = selectors.item_lines(item=item)
    form = ItemForm(request.POST or None, instance=item, business=business)
    formset = line_formset(business=business, data=request.POST or None, lines=lines)
    previous_id, next_id = selectors.item_neighbours(item=item)
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
        except services.ItemError as error:
            messages.error(request, error.user_message)
        else:
            messages.success(request, "Item saved.")
            if "save_next" in request.POST and next_id:
                return redirect("items:detail", pk=next_id)
            return redirect("items:detail", pk=item.pk)
    return render(
        request,
        "items/item_detail.html",
        {
            "title": str(item),
            "item": item,
            "form": form,
            "formset": formset,
            "history": selectors.item_history(item=item),
            "previous_id": previous_id,
            "next_id": next_id,
            "has_rule": item.contact_id and selectors.contact_rule_get(business=business, contact=item.contact),
        },
    )


def _item_action(request, pk, action, success: str):
    item = selectors.item_get(business=request.business, pk=pk)
    try:
        action(item=item, acting_user=request.user)
    except services.ItemError as error:
        messages.error(request, error.user_message)
    else:
        messages.success(request, success)
    return redirect("items:detail", pk=item.pk)


@business_member_required
@require_POST
def item_archive(request, pk):
    return _item_action(request, pk, services.item_archive, "Item archived.")


@business_member_required
@require_POST
def item_unarchive(request, pk):
    return _item_action(request, pk, services.item_unarchive, "Item moved back to the Inbox.")


@business_member_required
@require_POST
def item_keep_both(request, pk):
    return _item_action(request, pk, services.item_keep_both, "Kept both: this item is no longer flagged as a duplicate.")


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
@business_member_required
@require_GET
def document(request, pk):
    """The file itself, only to members of its business; preview inline, ?download=1 to save."""
    doc = selectors.document_get(business=request.business, pk=pk)
    return _file_response(
        doc.storage_name, content_type=doc.content_type, filename=doc.original_name, as_attachment="download" in request.GET
    )


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


@business_admin_required
def tax_settings(request):
    business = request.business
    current = selectors.item_settings_get(business=business)
    form = ItemSettingsForm(request.POST or None, business=business, instance=current)
    if request.method == "POST" and form.is_valid():
        services.item_settings_update(business=business, acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Tax & category settings saved. New items use them from now on.")
        return redirect("items:tax_settings")
    return render(request, "items/tax_settings.html", {"title": "Tax & category settings", "form": form})


@business_member_required
def rule_list(request):
    rules = selectors.contact_rules_list(business=request.business)
    return render(request, "items/rule_list.html", {"title": "Supplier and customer rules", "rules": rules})


@business_member_required
def contact_rule(request, contact_id):
    business = request.business
    contact = selectors.contact_get(business=business, pk=contact_id)
    rule = selectors.contact_rule_get(business=business, contact=contact)
    form = ContactRuleForm(
        request.POST or None, instance=rule, business=business, may_publish=request.membership.may_publish
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_rule_save(
                business=business, contact=contact, data=form.cleaned_data, acting_user=request.user
            )
        except services.ItemError as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(request, f"Rule for {contact} saved. It applies to new items from {contact}.")
            return redirect("items:contact_rule", contact_id=contact.pk)
    return render(
        request,
        "items/contact_rule.html",
        {"title": f"Rule for {contact}", "contact": contact, "rule": rule, "form": form},
    )


@business_member_required
@require_POST
def contact_rule_apply(request, contact_id):
    business = request.business
    contact = selectors.contact_get(business=business, pk=contact_id)
    rule = selectors.contact_rule_get(business=business, contact=contact)
    if rule is None:
        messages.error(request, f"There is no rule for {contact} yet: save one first.")
    else:
        changed = services.contact_rule_apply_to_inbox(rule=rule, acting_user=request.user)
        messages.success(
            request,
            f"Rule applied to {changed} item{'s' if changed != 1 else ''} in the Inbox. "
            "Fields set by hand were kept.",
        )
    return redirect("items:contact_rule", contact_id=contact.pk)

