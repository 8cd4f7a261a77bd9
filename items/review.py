"""What makes an item "To review": pure checks on an item and its lines.

``item_problems`` returns every missing or invalid field with a plain message. Some
problems are contradictions a person just typed (amounts that don't add up, a tax rate
that can't be used with the category): the edit form refuses those
(:data:`FORM_ERROR_CODES`). The rest (a missing field, a choice archived in Xero, a
possible duplicate) are allowed to be saved and keep the item in To review.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from items.models import (
    COST_DESTINATIONS,
    PAYMENT_DESTINATIONS,
    SALE_DESTINATIONS,
    DocumentType,
    Item,
    ItemLine,
    ItemType,
    PublishDestination,
)

# ISO 4217 currencies without minor units that Xero organisations commonly use.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF", "VUV", "XPF"})

# Xero's account classes and the TaxRate flag that says a rate may be used with them.
# https://developer.xero.com/documentation/api/accounting/taxrates
TAX_FLAG_BY_ACCOUNT_CLASS = {
    "EXPENSE": "can_apply_to_expenses",
    "REVENUE": "can_apply_to_revenue",
    "ASSET": "can_apply_to_assets",
    "LIABILITY": "can_apply_to_liabilities",
    "EQUITY": "can_apply_to_equity",
}

AMOUNTS_MISMATCH = "amounts_mismatch"
AMOUNT_PRECISION = "amount_precision"
NEGATIVE_AMOUNT = "negative_amount"
LINES_MISMATCH = "lines_mismatch"
TAX_CATEGORY_MISMATCH = "tax_category_mismatch"
DESTINATION_MISMATCH = "destination_mismatch"
TRACKING_SAME_CATEGORY = "tracking_same_category"
MISSING = "missing"
ARCHIVED = "archived"
DUPLICATE = "duplicate"
UNREAD = "unread"
UNCONFIRMED = "unconfirmed"

FORM_ERROR_CODES = frozenset(
    {
        AMOUNTS_MISMATCH,
        AMOUNT_PRECISION,
        NEGATIVE_AMOUNT,
        LINES_MISMATCH,
        TAX_CATEGORY_MISMATCH,
        DESTINATION_MISMATCH,
        TRACKING_SAME_CATEGORY,
    }
)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str | None = None

    @property
    def blocks_saving(self) -> bool:
        return self.code in FORM_ERROR_CODES


def currency_decimals(code: str) -> int:
    return 0 if code.upper() in ZERO_DECIMAL_CURRENCIES else 2


def _has_precision(amount: Decimal, decimals: int) -> bool:
    return amount == amount.quantize(Decimal(1).scaleb(-decimals))


def allowed_destinations(*, item_type: str, document_type: str) -> tuple[str, ...]:
    """Credit notes follow their type but can't be bank transactions or paid bills."""
    destinations = SALE_DESTINATIONS if item_type == ItemType.SALE else COST_DESTINATIONS
    if document_type == DocumentType.CREDIT_NOTE:
        destinations = tuple(d for d in destinations if d not in PAYMENT_DESTINATIONS)
    return destinations


def tax_rate_fits_category(tax_rate, category) -> bool:
    flag = TAX_FLAG_BY_ACCOUNT_CLASS.get((category.account_class or "").upper())
    return flag is None or bool(getattr(tax_rate, flag))


def item_problems(*, item: Item, lines: Sequence[ItemLine] = (), base_currency: str = "") -> list[Problem]:
    problems: list[Problem] = []
    problems += _missing(item, lines)
    if item.capture_note and problems:
        # Nothing could be read: say so first, while anything is still missing.
        problems.insert(0, Problem(UNREAD, item.capture_note))
    problems += _unconfirmed(item)
    problems += _archived(item, lines)
    problems += _amounts(item, lines, base_currency=base_currency)
    problems += _fit(item, lines)
    if item.duplicate_of_id:
        problems.append(
            Problem(DUPLICATE, f"Possible duplicate of {describe_other(item.duplicate_of)}: keep both or archive one.")
        )
    return problems


def describe_other(other: Item) -> str:
    """Another item in a person's words, told apart from this one by its file and upload
    date: "Bill INV-77 from Acme (bill-1.pdf, uploaded 2 Jan 2025)"."""
    described = str(other)
    details = [other.document.original_name] if other.document_id and other.document.original_name not in described else []
    if other.created:
        details.append(f"uploaded {other.created:%-d %b %Y}")
    if other.status == "published":
        details.append("published")
    return described + (f" ({', '.join(details)})" if details else "")


def _missing(item: Item, lines: Sequence[ItemLine]) -> Iterable[Problem]:
    def missing(field: str, label: str) -> Problem:
        return Problem(MISSING, f"{label} is missing.", field)

    contact_label = "Customer" if item.item_type == ItemType.SALE else "Supplier"
    if item.contact_id is None:
        yield missing("contact", contact_label)
    if item.date is None:
        yield missing("date", "Date")
    if not item.currency_code:
        yield missing("currency_code", "Currency")
    if item.total is None:
        yield missing("total", "Total")
    if item.tax_amount is None:
        yield missing("tax_amount", "Tax amount")
    if item.net is None:
        yield missing("net", "Net amount")
    if item.category_id is None and not (lines and all(line.category_id for line in lines)):
        yield missing("category", "Category")
    if item.tax_rate_id is None and not (lines and all(line.tax_rate_id for line in lines)):
        yield missing("tax_rate", "Tax rate")
    if not item.publish_destination:
        yield missing("publish_destination", "Publish destination")
    needs_payment = item.paid or item.publish_destination in PAYMENT_DESTINATIONS
    if needs_payment and item.payment_method_id is None:
        yield missing("payment_method", "Payment method")


def _unconfirmed(item: Item) -> Iterable[Problem]:
    """Fields capture read with low confidence keep the item To review until checked."""
    for field in item.unconfirmed_fields:
        if field == "contact":
            label = "customer" if item.item_type == ItemType.SALE else "supplier"
        else:
            label = str(Item._meta.get_field(field).verbose_name)
        yield Problem(UNCONFIRMED, f"Check the {label}: it was read from the document with low confidence.", field)


def _archived(item: Item, lines: Sequence[ItemLine]) -> Iterable[Problem]:
    checks = [
        ("contact", "Contact"),
        ("category", "Category"),
        ("tax_rate", "Tax rate"),
        ("payment_method", "Payment method"),
        ("tracking_option_1", "Tracking option"),
        ("tracking_option_2", "Tracking option"),
    ]
    for field, label in checks:
        value = getattr(item, field) if getattr(item, f"{field}_id") else None
        if value is not None and value.is_archived:
            yield Problem(ARCHIVED, f"{label} “{value}” is archived in Xero: choose another.", field)
    for number, line in enumerate(lines, start=1):
        for field, label in checks[1:3] + checks[4:]:
            value = getattr(line, field) if getattr(line, f"{field}_id") else None
            if value is not None and value.is_archived:
                yield Problem(ARCHIVED, f"Line {number}: {label.lower()} “{value}” is archived in Xero: choose another.")


def _amounts(item: Item, lines: Sequence[ItemLine], *, base_currency: str) -> Iterable[Problem]:
    decimals = currency_decimals(item.currency_code or base_currency)
    amounts = {"total": item.total, "tax_amount": item.tax_amount, "net": item.net}
    for field, amount in amounts.items():
        if amount is None:
            continue
        if amount < 0:
            yield Problem(NEGATIVE_AMOUNT, "Amounts can't be negative (credit notes are entered as positive amounts).", field)
        if not _has_precision(amount, decimals):
            yield Problem(
                AMOUNT_PRECISION,
                f"{item.currency_code or base_currency} amounts have {decimals} decimal places.",
                field,
            )
    if None not in amounts.values() and item.net + item.tax_amount != item.total:
        yield Problem(
            AMOUNTS_MISMATCH,
            f"Net {item.net} + tax {item.tax_amount} = {item.net + item.tax_amount}, not the total {item.total}.",
            "total",
        )
    if not lines:
        return
    for number, line in enumerate(lines, start=1):
        if line.net + line.tax_amount != line.total:
            yield Problem(
                LINES_MISMATCH,
                f"Line {number}: net {line.net} + tax {line.tax_amount} is not its total {line.total}.",
            )
    sums = {
        "net": sum((line.net for line in lines), Decimal(0)),
        "tax_amount": sum((line.tax_amount for line in lines), Decimal(0)),
        "total": sum((line.total for line in lines), Decimal(0)),
    }
    labels = {"net": "net amounts", "tax_amount": "tax amounts", "total": "totals"}
    for field, line_sum in sums.items():
        if amounts[field] is not None and line_sum != amounts[field]:
            yield Problem(
                LINES_MISMATCH,
                f"The line {labels[field]} add up to {line_sum}, not the item's {amounts[field]}.",
                field,
            )


def _fit(item: Item, lines: Sequence[ItemLine]) -> Iterable[Problem]:
    if item.tax_rate_id and item.category_id and not tax_rate_fits_category(item.tax_rate, item.category):
        yield Problem(
            TAX_CATEGORY_MISMATCH,
            f"Tax rate “{item.tax_rate}” can't be used with category “{item.category}” "
            f"({item.category.account_class.lower()} account).",
            "tax_rate",
        )
    for number, line in enumerate(lines, start=1):
        category = line.category if line.category_id else (item.category if item.category_id else None)
        tax_rate = line.tax_rate if line.tax_rate_id else (item.tax_rate if item.tax_rate_id else None)
        if category is not None and tax_rate is not None and not tax_rate_fits_category(tax_rate, category):
            yield Problem(
                TAX_CATEGORY_MISMATCH,
                f"Line {number}: tax rate “{tax_rate}” can't be used with category “{category}”.",
            )
    if item.publish_destination and item.publish_destination not in allowed_destinations(
        item_type=item.item_type, document_type=item.document_type
    ):
        yield Problem(
            DESTINATION_MISMATCH,
            f"A {item.get_item_type_display().lower()} {item.get_document_type_display().lower()} "
            f"can't be published as “{PublishDestination(item.publish_destination).label}”.",
            "publish_destination",
        )
    for owner, label in [(item, "")] + [(line, f"Line {n}: ") for n, line in enumerate(lines, start=1)]:
        if (
            owner.tracking_option_1_id
            and owner.tracking_option_2_id
            and owner.tracking_option_1.category_id == owner.tracking_option_2.category_id
        ):
            yield Problem(
                TRACKING_SAME_CATEGORY,
                f"{label}the two tracking options must come from different tracking categories.",
                "tracking_option_2" if owner is item else None,
            )
