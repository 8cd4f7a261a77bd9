"""Turn Xero's raw Accounting API JSON into the fields of our list rows.

Pure functions: a Xero dict in (PascalCase keys, dates as Xero's ``/Date(ms+0000)/``
strings), a dict of model field values out. Nothing here touches the database, so the
refresh job can map a page of contacts and let the raw JSON go before the next page.
Field meanings follow https://developer.xero.com/documentation/api/accounting/accounts,
/contacts, /trackingcategories, /taxrates and /currencies.
"""

from decimal import Decimal, InvalidOperation

from connections.xero.dates import parse_xero_datetime
from lists.models import ListStatus, PaymentMethod

# Xero statuses that mean "still usable". Everything else (ARCHIVED, DELETED,
# GDPRREQUEST, a tax rate's PENDING) is archived here: kept, but flagged.
_ACTIVE = "ACTIVE"

_BANK_ACCOUNT_KINDS = {
    "BANK": PaymentMethod.Kind.BANK,
    "CREDITCARD": PaymentMethod.Kind.CREDIT_CARD,
    "PAYPAL": PaymentMethod.Kind.PAYPAL,
}


def _status(value) -> str:
    return ListStatus.ACTIVE if (value or _ACTIVE).upper() == _ACTIVE else ListStatus.ARCHIVED


def _text(value, max_length: int) -> str:
    return ("" if value is None else str(value))[:max_length]


def _bool(value) -> bool:
    # The API sends JSON booleans; tolerate the "true"/"false" strings some clients send.
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _rate(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        # str() first: a float 17.5 must become Decimal("17.5"), not its binary expansion.
        return Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return None


def category_fields(account: dict) -> dict:
    """An Account becomes a Category (the chart of accounts)."""
    account_type = _text(account.get("Type"), 30).upper()
    return {
        "xero_id": account["AccountID"],
        "status": _status(account.get("Status")),
        "xero_updated_at": parse_xero_datetime(account.get("UpdatedDateUTC")),
        "code": _text(account.get("Code"), 10),
        "name": _text(account.get("Name"), 150),
        "type": account_type,
        "account_class": _text(account.get("Class"), 20).upper(),
        "tax_type": _text(account.get("TaxType"), 50),
        "description": _text(account.get("Description"), 4000),
        "is_bank": account_type == "BANK",
        "is_system": bool(account.get("SystemAccount")),
        "enable_payments": _bool(account.get("EnablePaymentsToAccount")),
        "currency_code": _text(account.get("CurrencyCode"), 3),
    }


def payment_method_fields(account: dict) -> dict | None:
    """An Account that can pay becomes a PaymentMethod; any other account gives None.

    BANK-type accounts (bank, credit card, PayPal, told apart by BankAccountType) can
    be used for Spend Money and bill payments; other accounts only when
    ``EnablePaymentsToAccount`` is on (bill payments only).
    """
    account_type = _text(account.get("Type"), 30).upper()
    if account_type == "BANK":
        kind = _BANK_ACCOUNT_KINDS.get(_text(account.get("BankAccountType"), 20).upper(), PaymentMethod.Kind.BANK)
    elif _bool(account.get("EnablePaymentsToAccount")):
        kind = PaymentMethod.Kind.PAYMENTS_ENABLED
    else:
        return None
    return {
        "xero_id": account["AccountID"],
        "status": _status(account.get("Status")),
        "xero_updated_at": parse_xero_datetime(account.get("UpdatedDateUTC")),
        "code": _text(account.get("Code"), 10),
        "name": _text(account.get("Name"), 150),
        "kind": kind,
        "bank_account_number": _text(account.get("BankAccountNumber"), 50),
        "currency_code": _text(account.get("CurrencyCode"), 3),
    }


def contact_fields(contact: dict) -> dict:
    """A Contact (summaryOnly is enough: no addresses, phones or balances are kept)."""
    return {
        "xero_id": contact["ContactID"],
        "status": _status(contact.get("ContactStatus")),
        "xero_updated_at": parse_xero_datetime(contact.get("UpdatedDateUTC")),
        "name": _text(contact.get("Name"), 255),
        "contact_number": _text(contact.get("ContactNumber"), 50),
        "is_supplier": _bool(contact.get("IsSupplier")),
        "is_customer": _bool(contact.get("IsCustomer")),
        "default_currency": _text(contact.get("DefaultCurrency"), 3),
        "tax_number": _text(contact.get("TaxNumber"), 50),
        "email": _text(contact.get("EmailAddress"), 255),
    }


def tracking_category_fields(category: dict) -> dict:
    return {
        "xero_id": category["TrackingCategoryID"],
        "status": _status(category.get("Status")),
        "xero_updated_at": parse_xero_datetime(category.get("UpdatedDateUTC")),
        "name": _text(category.get("Name"), 100),
    }


def tracking_option_fields(option: dict, *, category_archived: bool = False) -> dict:
    """An option of a tracking category; every option of an archived category is archived too."""
    status = ListStatus.ARCHIVED if category_archived else _status(option.get("Status"))
    return {
        "xero_id": option["TrackingOptionID"],
        "status": status,
        "xero_updated_at": parse_xero_datetime(option.get("UpdatedDateUTC")),
        "name": _text(option.get("Name"), 100),
    }


def tax_rate_fields(rate: dict) -> dict:
    """A TaxRate, keyed by its TaxType code (Xero's own key for tax rates)."""
    return {
        "xero_id": rate["TaxType"],
        "status": _status(rate.get("Status")),
        "xero_updated_at": parse_xero_datetime(rate.get("UpdatedDateUTC")),
        "name": _text(rate.get("Name"), 100),
        "effective_rate": _rate(rate.get("EffectiveRate")) or Decimal("0"),
        "display_rate": _rate(rate.get("DisplayTaxRate")),
        "report_tax_type": _text(rate.get("ReportTaxType"), 50),
        "can_apply_to_expenses": _bool(rate.get("CanApplyToExpenses")),
        "can_apply_to_revenue": _bool(rate.get("CanApplyToRevenue")),
        "can_apply_to_assets": _bool(rate.get("CanApplyToAssets")),
        "can_apply_to_liabilities": _bool(rate.get("CanApplyToLiabilities")),
        "can_apply_to_equity": _bool(rate.get("CanApplyToEquity")),
    }


def currency_fields(currency: dict) -> dict:
    """A Currency, keyed by its ISO code. /Currencies lists only enabled ones."""
    return {
        "xero_id": _text(currency["Code"], 3).upper(),
        "status": ListStatus.ACTIVE,
        "xero_updated_at": None,
        "description": _text(currency.get("Description"), 100),
    }
