"""The Xero permissions dext needs, which OAuth scopes grant each, and which call needs which.

dext asks for Xero's granular scopes (``settings.XERO_SCOPES``; apps created from March
2026 can ask for nothing else); a connection made with the older broad scopes
(``accounting.transactions``) has the same permissions through them
(https://developer.xero.com/documentation/guides/oauth2/scopes/). A token without a
scope a call needs is answered 401 ``AuthorizationUnsuccessful``
(Xero-NetStandard #178 https://github.com/XeroAPI/Xero-NetStandard/issues/178), which is
not an expired token: refreshing cannot help, reconnecting with the scope can.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Permission:
    key: str
    label: str  # as an administrator reads it on the Connections pages
    purpose: str  # what dext does with it
    scopes: frozenset[str]  # any one of these grants it


PERMISSIONS: tuple[Permission, ...] = (
    Permission("contacts", "Contacts", "read your suppliers and customers",
               frozenset({"accounting.contacts", "accounting.contacts.read"})),
    Permission("settings", "Settings (read only)",
               "read your chart of accounts, tax rates, tracking categories and currencies",
               frozenset({"accounting.settings", "accounting.settings.read"})),
    Permission("invoices", "Invoices", "create bills, sales invoices and credit notes",
               frozenset({"accounting.invoices", "accounting.transactions"})),
    Permission("banktransactions", "Bank transactions", "create spend money and receive money",
               frozenset({"accounting.banktransactions", "accounting.transactions"})),
    Permission("payments", "Payments", "record payments against bills you publish as paid",
               frozenset({"accounting.payments", "accounting.transactions"})),
    Permission("attachments", "Attachments", "attach the document to what dext creates",
               frozenset({"accounting.attachments"})),
    Permission("offline_access", "Offline access", "stay connected until you disconnect",
               frozenset({"offline_access"})),
)
BY_KEY = {permission.key: permission for permission in PERMISSIONS}

# xero-python's method → the permission it needs.
_CALLS = {
    "get_contacts": "contacts",
    "get_organisations": "settings",
    "get_accounts": "settings",
    "get_tax_rates": "settings",
    "get_tracking_categories": "settings",
    "get_currencies": "settings",
    "get_invoices": "invoices",
    "get_invoice": "invoices",
    "create_invoices": "invoices",
    "get_credit_notes": "invoices",
    "create_credit_notes": "invoices",
    "get_bank_transactions": "banktransactions",
    "create_bank_transactions": "banktransactions",
    "get_payments": "payments",
    "create_payments": "payments",
    "create_invoice_attachment_by_file_name": "attachments",
    "create_credit_note_attachment_by_file_name": "attachments",
    "create_bank_transaction_attachment_by_file_name": "attachments",
}


def permissions_missing(granted: str) -> list[Permission]:
    """What dext needs and the granted scopes (space-separated) don't give."""
    scopes = set(granted.split())
    return [permission for permission in PERMISSIONS if not scopes & permission.scopes]


def permission_for_call(method: str) -> Permission | None:
    key = _CALLS.get(method)
    return BY_KEY[key] if key else None


def scopes_without(granted: str, permission: Permission) -> str:
    """The granted scopes once Xero has said the token lacks ``permission``."""
    return " ".join(scope for scope in granted.split() if scope not in permission.scopes)
