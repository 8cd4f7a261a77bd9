"""The scopes Xero knows, and how the consent screen words them.

Broad scopes from Xero's spec and SDK; granular scopes as introduced for apps created
from March 2026 (see ../shared/research/xero-api.md §2).
"""

_ACCOUNTING = {
    "transactions": "your organisation's business transactions (invoices, bills, payments, bank transactions)",
    "invoices": "invoices, bills, credit notes, quotes and purchase orders",
    "payments": "payments, batch payments, overpayments and prepayments",
    "banktransactions": "bank transactions and bank transfers",
    "manualjournals": "manual journals",
    "settings": "organisation settings: chart of accounts, tax rates, tracking categories, currencies",
    "contacts": "contacts and contact groups",
    "attachments": "attachments on documents",
}

SCOPE_DESCRIPTIONS: dict[str, str] = {
    "openid": "Confirm your identity",
    "profile": "See your name",
    "email": "See your email address",
    "offline_access": "Keep access when you are not using the app",
    "accounting.reports.read": "View your reports",
    "accounting.journals.read": "View your general ledger journals",
    "accounting.budgets.read": "View your budgets",
    "paymentservices": "Set up payment services",
}
for _name, _words in _ACCOUNTING.items():
    SCOPE_DESCRIPTIONS[f"accounting.{_name}"] = f"View and manage {_words}"
    SCOPE_DESCRIPTIONS[f"accounting.{_name}.read"] = f"View {_words}"
for _report in ("aged", "balancesheet", "profitandloss", "trialbalance", "banksummary", "budgetsummary",
                "executivesummary", "taxreports", "tenninetynine"):
    SCOPE_DESCRIPTIONS[f"accounting.reports.{_report}.read"] = f"View the {_report} report"

KNOWN_SCOPES = frozenset(SCOPE_DESCRIPTIONS)


def parse_scopes(text: str) -> list[str]:
    """Space-separated scopes in request order, without duplicates."""
    seen: list[str] = []
    for scope in text.split():
        if scope not in seen:
            seen.append(scope)
    return seen


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in KNOWN_SCOPES]


def describe(scopes: list[str]) -> list[tuple[str, str]]:
    return [(scope, SCOPE_DESCRIPTIONS.get(scope, scope)) for scope in scopes]
