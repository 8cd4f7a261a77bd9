"""An e-invoice as plain data: what EN 16931 says an invoice is, whichever syntax carried it."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class EInvoiceParty:
    name: str
    tax_number: str = ""  # VAT / GST registration (BT-31, BT-48)
    company_id: str = ""  # legal registration (BT-30, BT-47)
    email: str = ""
    address: tuple[str, ...] = ()
    country: str = ""


@dataclass(frozen=True)
class EInvoiceLine:
    description: str
    quantity: Decimal | None
    unit_price: Decimal | None
    net: Decimal
    tax_percent: Decimal | None
    tax_category: str = ""


@dataclass(frozen=True)
class TaxBreakdown:
    category: str
    percent: Decimal | None
    taxable: Decimal
    tax: Decimal


@dataclass
class EInvoice:
    syntax: str  # "UBL" | "CII"
    document_type: str  # "invoice" | "credit_note"
    number: str
    issue_date: date | None
    due_date: date | None
    currency: str
    seller: EInvoiceParty
    buyer: EInvoiceParty
    lines: list[EInvoiceLine] = field(default_factory=list)
    # Document-level allowances (negative) and charges (positive), with their tax rate.
    adjustments: list[EInvoiceLine] = field(default_factory=list)
    tax_breakdown: list[TaxBreakdown] = field(default_factory=list)
    net: Decimal = Decimal("0.00")  # total without tax (BT-109)
    tax: Decimal = Decimal("0.00")  # total tax (BT-110)
    total: Decimal = Decimal("0.00")  # total with tax (BT-112)
    payable: Decimal = Decimal("0.00")  # amount due (BT-115)
    payment_terms: str = ""
