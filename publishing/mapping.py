"""Item → Xero document, as pure functions of plain values (no database, no network).

Which Xero document an item becomes (https://developer.xero.com/documentation/api/accounting/invoices,
…/banktransactions, …/creditnotes, …/payments):

==========================================  ====================================================
Item                                        Xero
==========================================  ====================================================
cost invoice → Purchases as Draft           ACCPAY Invoice, DRAFT
cost invoice → Purchases as Awaiting        ACCPAY Invoice, SUBMITTED
Approval
cost invoice → Purchases as Awaiting        ACCPAY Invoice, AUTHORISED
Payment
cost invoice → Purchases as Paid            ACCPAY Invoice, AUTHORISED + Payment from the payment
                                            method's account (no account → Awaiting Payment, and
                                            the user is told)
receipt, or → Bank Accounts as Spend Money  BankTransaction SPEND from the payment method's bank
sale invoice → Sales                        ACCREC Invoice, AUTHORISED
sale → Bank Accounts as Receive Money       BankTransaction RECEIVE into the payment method's bank
cost credit note                            ACCPAYCREDIT CreditNote (DRAFT for Purchases as Draft,
                                            else AUTHORISED)
sale credit note                            ACCRECCREDIT CreditNote, AUTHORISED
==========================================  ====================================================

Tax: with "use the document's tax amounts" every line is sent Exclusive with its net as
LineAmount and its tax as TaxAmount, so Xero's SubTotal, TotalTax and Total equal the
document's to the cent. With "let Xero calculate" lines are sent Inclusive at their
gross amount, so the total still equals the document and Xero splits out the tax.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

TWO_PLACES = Decimal("0.01")


class MappingError(ValueError):
    """The item cannot be expressed as a Xero document; ``code`` names the catalogue entry."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class LineInput:
    description: str
    account_code: str
    tax_type: str
    net: Decimal
    tax: Decimal
    total: Decimal
    tracking: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BankAccountInput:
    xero_id: str
    code: str
    is_bank: bool  # BANK-type (bank, credit card, PayPal) as opposed to payments-enabled


@dataclass(frozen=True)
class ItemInput:
    item_type: str  # "cost" | "sale"
    document_type: str  # "invoice" | "receipt" | "credit_note"
    destination: str
    contact_xero_id: str
    date: date
    due_date: date | None
    reference: str
    currency_code: str
    exchange_rate: Decimal | None
    lines: Sequence[LineInput]
    tax_calculation: str  # "document" | "xero"
    base_currency: str
    bank_account: BankAccountInput | None = None
    url: str = ""


@dataclass
class XeroDocument:
    endpoint: str  # Invoices | CreditNotes | BankTransactions
    type: str
    status: str
    payload: dict
    total: Decimal
    payment: dict | None = None  # the Payment to record once the bill exists (InvoiceID added then)
    notices: list[str] = field(default_factory=list)


PURCHASE_STATUS = {
    "purchases_draft": "DRAFT",
    "purchases_awaiting_approval": "SUBMITTED",
    "purchases_awaiting_payment": "AUTHORISED",
    "purchases_paid": "AUTHORISED",
}


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES)


def _line(line: LineInput, *, inclusive: bool) -> dict:
    amount = money(line.total if inclusive else line.net)
    payload = {
        "Description": line.description or "",
        "Quantity": Decimal("1"),
        "UnitAmount": amount,
        "LineAmount": amount,
        "AccountCode": line.account_code,
        "TaxType": line.tax_type or "NONE",
    }
    if not inclusive:
        payload["TaxAmount"] = money(line.tax)
    if line.tracking:
        payload["Tracking"] = [{"Name": name, "Option": option} for name, option in line.tracking[:2]]
    return payload


def _common(item: ItemInput) -> tuple[dict, Decimal]:
    if not item.lines:
        raise MappingError("no_lines", "One or more line items must be specified.")
    inclusive = item.tax_calculation == "xero"
    payload = {
        "Contact": {"ContactID": item.contact_xero_id},
        "Date": item.date.isoformat(),
        "LineAmountTypes": "Inclusive" if inclusive else "Exclusive",
        "LineItems": [_line(line, inclusive=inclusive) for line in item.lines],
    }
    currency = item.currency_code or item.base_currency
    payload["CurrencyCode"] = currency
    if currency != item.base_currency and item.exchange_rate:
        payload["CurrencyRate"] = item.exchange_rate
    if item.url.startswith("https://"):
        payload["Url"] = item.url
    total = money(sum((money(line.total) for line in item.lines), Decimal("0")))
    return payload, total


def _bank_account(item: ItemInput) -> dict:
    account = item.bank_account
    if account is None:
        raise MappingError("no_bank_account")
    if not account.is_bank:
        raise MappingError("bank_account_not_recognised")
    return {"AccountID": account.xero_id}


def build_document(item: ItemInput) -> XeroDocument:
    """The Xero document (and follow-up payment) for an item."""
    payload, total = _common(item)
    notices: list[str] = []
    destination = item.destination

    if item.document_type == "credit_note":
        is_cost = item.item_type == "cost"
        kind = "ACCPAYCREDIT" if is_cost else "ACCRECCREDIT"
        status = "DRAFT" if destination == "purchases_draft" else "AUTHORISED"
        payload.update({"Type": kind, "Status": status})
        if item.reference:
            payload["CreditNoteNumber"] = item.reference
            if not is_cost:
                payload["Reference"] = item.reference
        return XeroDocument("CreditNotes", kind, status, payload, total, notices=notices)

    if destination in ("spend_money", "receive_money") or (
        item.document_type == "receipt" and destination not in PURCHASE_STATUS
    ):
        kind = "RECEIVE" if (destination == "receive_money" or item.item_type == "sale") else "SPEND"
        payload.update({"Type": kind, "Status": "AUTHORISED", "BankAccount": _bank_account(item)})
        if item.reference:
            payload["Reference"] = item.reference
        return XeroDocument("BankTransactions", kind, "AUTHORISED", payload, total, notices=notices)

    if item.item_type == "sale":
        payload.update({"Type": "ACCREC", "Status": "AUTHORISED", "DueDate": (item.due_date or item.date).isoformat()})
        if item.reference:
            payload["InvoiceNumber"] = item.reference
            payload["Reference"] = item.reference
        return XeroDocument("Invoices", "ACCREC", "AUTHORISED", payload, total, notices=notices)

    status = PURCHASE_STATUS.get(destination, "DRAFT")
    payload.update({"Type": "ACCPAY", "Status": status, "DueDate": (item.due_date or item.date).isoformat()})
    if item.reference:
        payload["InvoiceNumber"] = item.reference
    payment = None
    if destination == "purchases_paid":
        if item.bank_account is None:
            notices.append(
                "Published as Awaiting Payment because the payment method has no linked bank account in Xero; "
                "link one under Lists → Payment Methods to publish as Paid."
            )
        else:
            payment = {
                "Account": {"AccountID": item.bank_account.xero_id},
                "Date": item.date.isoformat(),
                "Amount": total,
            }
            if item.reference:
                payment["Reference"] = item.reference[:255]
            if payload.get("CurrencyRate"):
                payment["CurrencyRate"] = payload["CurrencyRate"]
    return XeroDocument("Invoices", "ACCPAY", status, payload, total, payment=payment, notices=notices)


def batch_body(endpoint: str, payloads: Sequence[dict]) -> dict:
    return {endpoint: list(payloads)}


def document_id(endpoint: str, element: dict) -> str:
    key = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "BankTransactions": "BankTransactionID"}[endpoint]
    return str(element.get(key) or "")


def document_number(endpoint: str, element: dict) -> str:
    key = {"Invoices": "InvoiceNumber", "CreditNotes": "CreditNoteNumber", "BankTransactions": "Reference"}[endpoint]
    return str(element.get(key) or "")


def attachment_file_name(original_name: str, *, content_type: str, item_id: int) -> str:
    """A file name Xero accepts: no ``< > : " / \\ | ? * +``, no trailing spaces, with
    the extension of its real type."""
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(content_type, "")
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    cleaned = "".join(ch if ch.isalnum() or ch in " -_()." else "-" for ch in stem).strip(" .")
    return f"{(cleaned or f'item-{item_id}')[:80]}{extension}"
