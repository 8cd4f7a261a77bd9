"""The Inbox and the Archive: the list with its tabs and filters, uploads, bulk actions
and a bulk publish's progress."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFilesSent
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from dext.tenancy.permissions import business_member_required, forbidden
from items import selectors, services
from items.forms import BulkActionForm, ItemFilterForm
from items.review import describe_other

PAGE_SIZE = 50
# Bulk publishes whose progress the Inbox shows, per person (in their session).
PUBLISH_RUNS_SESSION_KEY = "items_publish_runs"
PUBLISH_RUNS_KEPT = 5


def inbox_filters(request, *, archive: bool = False) -> tuple[ItemFilterForm, selectors.ItemFilters, str]:
    """The Inbox's filters from the query string: the form, the valid filters, and the
    query string to carry to Item details and back (without the page number)."""
    filter_form = ItemFilterForm(request.GET or None, business=request.business, archive=archive)
    query = request.GET.copy()
    query.pop("page", None)
    return filter_form, filter_form.filters(), query.urlencode()


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _list_page(request, *, archive: bool):
    business = request.business
    filter_form, filters, query = inbox_filters(request, archive=archive)
    queryset = selectors.items_list(business=business, archive=archive, filters=filters)
    paginator = Paginator(queryset, PAGE_SIZE)
    tabs = []
    if not archive:
        counts = selectors.items_state_counts(business=business, filters=filters)
        # The paginator's own count would be one more query; the tabs know it already.
        paginator.count = counts.get(filters.status, 0)
        base = request.GET.copy()
        for key in ("page", "status"):
            base.pop(key, None)
        for status, label in selectors.INBOX_TABS:
            tab_query = base.copy()
            if status:
                tab_query["status"] = status
            tabs.append({"status": status, "label": label, "count": counts.get(status, 0),
                         "query": tab_query.urlencode(), "current": filters.status == status})
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "items/item_list.html",
        {
            "title": "Archive" if archive else "Inbox",
            "archive": archive,
            "page": page,
            "tabs": tabs,
            "filter_form": filter_form,
            "filters_open": filter_form.has_filters or bool(filter_form.errors),
            "bulk_form": BulkActionForm(business=business),
            "query": query,
            "publish_runs": [] if archive else _publish_runs_progress(request),
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
        messages.error(request, "Choose one or more PDF, JPEG or PNG files or e-invoices (XML) to upload.")
        return redirect("items:inbox")
    result = services.documents_upload(business=request.business, files=files, acting_user=request.user)
    for name, reason in result.rejected:
        messages.error(request, f"“{name}” was not uploaded: {reason}")
    if result.items:
        count = len(result.items)
        messages.success(
            request,
            f"{count} document{'s' if count != 1 else ''} uploaded to the Inbox: dext is reading "
            f"{'them' if count != 1 else 'it'} now.",
        )
    duplicates = [item for item in result.items if item.duplicate_of_id]
    for item in duplicates:
        messages.warning(
            request, f"“{item.document.original_name}” is the same file as {describe_other(item.duplicate_of)}."
        )
    return redirect("items:inbox")


def _safe_back(request) -> str:
    back = request.POST.get("back") or reverse("items:inbox")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("items:inbox")
    return back


@business_member_required
@require_POST
def bulk(request):
    business = request.business
    form = BulkActionForm(request.POST, business=business)
    back = _safe_back(request)
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
    confirmed = request.POST.get("confirmed") == "yes"
    if action in services.CONFIRM_ACTIONS and not confirmed:
        return render(
            request,
            "items/bulk_confirm.html",
            {"title": "Delete items?", "items": items.select_related("document"), "action": action, "back": back},
        )
    if action == "publish" and not confirmed:
        found = selectors.possible_duplicates(business=business, items=items, publishable_only=True)
        if found:
            chosen = list(items.select_related("contact", "document"))
            return render(
                request,
                "items/publish_confirm.html",
                {"title": "Publish possible duplicates?", "items": chosen, "bulk": True,
                 "duplicates": [(item, found[item.pk]) for item in chosen if item.pk in found],
                 "action": reverse("items:bulk"), "back": back},
            )
    result = services.items_bulk_action(
        business=business, action=action, items=items, acting_user=request.user, value=form.cleaned_data["value"]
    )
    if action == "publish" and result.item_ids:
        # The progress line says what is happening; only what was left out needs a message.
        _publish_run_start(request, result.item_ids)
        if len(result.item_ids) < items.count():
            messages.warning(request, result.message)
    else:
        messages.add_message(request, getattr(messages, result.level.upper()), result.message)
    return redirect(back)


# --- Bulk publishing progress ---------------------------------------------------------------------
def _publish_runs(request):
    """The bulk publishes this person started and has not seen finish, newest first."""
    runs = request.session.get(PUBLISH_RUNS_SESSION_KEY) or {}
    for key in sorted(runs, key=lambda k: runs[k]["started"], reverse=True):
        yield {"key": key, **runs[key]}


def _publish_runs_progress(request) -> list[dict]:
    """Each bulk publish with how far it has got; a finished one is shown this once."""
    runs = []
    for run in _publish_runs(request):
        progress = selectors.publish_progress(business=request.business, item_ids=run["ids"])
        if progress.done:
            _publish_run_forget(request, run["key"])
        runs.append({"key": run["key"], "progress": progress})
    return runs


def _publish_run_forget(request, key: str) -> None:
    runs = dict(request.session.get(PUBLISH_RUNS_SESSION_KEY) or {})
    runs.pop(key, None)
    request.session[PUBLISH_RUNS_SESSION_KEY] = runs


def _publish_run_start(request, item_ids: list[int]) -> None:
    runs = dict(request.session.get(PUBLISH_RUNS_SESSION_KEY) or {})
    runs[secrets.token_urlsafe(8)] = {"ids": list(item_ids), "started": timezone.now().isoformat()}
    newest = sorted(runs, key=lambda k: runs[k]["started"], reverse=True)[:PUBLISH_RUNS_KEPT]
    request.session[PUBLISH_RUNS_SESSION_KEY] = {key: runs[key] for key in newest}


@business_member_required
@require_GET
def publish_progress(request):
    """"Publishing 12 of 40…" for one bulk publish, polled by htmx until every item is
    published or failed; the finished summary is shown once, then forgotten."""
    key = request.GET.get("run", "")
    run = (request.session.get(PUBLISH_RUNS_SESSION_KEY) or {}).get(key)
    if run is None:
        return HttpResponse("")
    progress = selectors.publish_progress(business=request.business, item_ids=run["ids"])
    response = render(request, "items/_publish_progress.html", {"progress": progress})
    if progress.done:
        _publish_run_forget(request, key)
        response.status_code = 286  # htmx: stop polling
    return response


