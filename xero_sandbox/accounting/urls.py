"""Routes of the sandbox's Accounting API (``api/api.xro/2.0/…``, matched case-insensitively as
Xero does: xero-python sends ``/Invoices``), of its organisation pages (``orgs/…``) and of
go.xero.com's deep links (``go/…``)."""

from django.urls import path, re_path

from xero_sandbox.routing import anycase

from . import pages, views

app_name = "xero_sandbox_accounting"

# Django cannot reverse an inline (?i) flag (and then no URL of the project reverses), so
# literal letters become [xX] classes; regex groups are left as they are.
_API = "^" + anycase("api/api.xro/2.0/")
_ID = r"(?P<{}>[0-9a-fA-F-]{{36}})"


def _anycase_outside_groups(route: str) -> str:
    out, depth = [], 0
    for ch in route:
        depth += ch == "("
        out.append(f"[{ch.lower()}{ch.upper()}]" if depth == 0 and ch.isalpha() else ch)
        depth -= ch == ")"
    return "".join(out)


def _api(route: str, view, name: str):
    return re_path(_API + _anycase_outside_groups(route) + r"/?$", view, name=name)


urlpatterns = [
    _api("organisation", views.organisation, "organisation"),
    _api("accounts", views.accounts, "accounts"),
    _api("accounts/" + _ID.format("account_id"), views.account_detail, "account"),
    _api("contacts", views.contacts, "contacts"),
    _api("contacts/" + _ID.format("contact_id"), views.contact_detail, "contact"),
    _api("trackingcategories", views.tracking_categories, "tracking-categories"),
    _api("taxrates", views.tax_rates, "tax-rates"),
    _api("currencies", views.currencies, "currencies"),
    _api("payments", views.payments, "payments"),
    _api("invoices", views.invoices, "invoices"),
    _api("invoices/" + _ID.format("document_id"), views.invoice_detail, "invoice"),
    _api("invoices/" + _ID.format("document_id") + "/attachments", views.invoice_attachments, "invoice-attachments"),
    _api("invoices/" + _ID.format("document_id") + "/attachments/(?P<file_name>[^/]+)", views.invoice_attachment, "invoice-attachment"),
    _api("creditnotes", views.credit_notes, "credit-notes"),
    _api("creditnotes/" + _ID.format("document_id"), views.credit_note_detail, "credit-note"),
    _api("creditnotes/" + _ID.format("document_id") + "/attachments", views.credit_note_attachments, "credit-note-attachments"),
    _api("creditnotes/" + _ID.format("document_id") + "/attachments/(?P<file_name>[^/]+)", views.credit_note_attachment, "credit-note-attachment"),
    _api("banktransactions", views.bank_transactions, "bank-transactions"),
    _api("banktransactions/" + _ID.format("document_id"), views.bank_transaction_detail, "bank-transaction"),
    _api("banktransactions/" + _ID.format("document_id") + "/attachments", views.bank_transaction_attachments, "bank-transaction-attachments"),
    _api("banktransactions/" + _ID.format("document_id") + "/attachments/(?P<file_name>[^/]+)", views.bank_transaction_attachment, "bank-transaction-attachment"),
    path("go/organisationlogin/default.aspx", pages.deep_link, name="deep-link"),
    path("orgs/<uuid:org_id>/", pages.organisation_page, name="organisation-page"),
    path("orgs/<uuid:org_id>/attachments/<uuid:attachment_id>/", pages.attachment_download, name="attachment-download"),
    path("orgs/<uuid:org_id>/control/", pages.control_action, name="control-action"),
    path("control/orgs/<uuid:org_id>/<slug:action>/", pages.control_api, name="control-api"),
]
