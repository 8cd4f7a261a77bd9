"""Read an item and what it points at into the plain values the mapping takes."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from items.models import Item, ItemSettings, TaxCalculation
from lists.models import PaymentMethod
from publishing.mapping import BankAccountInput, ItemInput, LineInput


def _tracking(*options) -> tuple[tuple[str, str], ...]:
    return tuple((option.category.name, option.name) for option in options if option is not None)


def _tax_calculation(item: Item) -> str:
    settings_row = ItemSettings.objects.filter(business_id=item.business_id).only("tax_calculation").first()
    return settings_row.tax_calculation if settings_row else TaxCalculation.DOCUMENT


def item_for_publishing(item: Item) -> Item:
    """The item with everything the mapping and the check before sending read, in one query
    (plus the prefetch of its lines)."""
    return (
        Item.objects.select_related(
            "business", "contact", "category", "tax_rate", "payment_method",
            "tracking_option_1__category", "tracking_option_2__category",
        )
        .prefetch_related("lines__category", "lines__tax_rate", "lines__tracking_option_1__category",
                          "lines__tracking_option_2__category")
        .get(pk=item.pk)
    )


def item_input(item: Item) -> ItemInput:
    item = item_for_publishing(item)
    lines = [
        LineInput(
            description=line.description or item.description,
            account_code=line.category.code if line.category else (item.category.code if item.category else ""),
            tax_type=line.tax_rate.xero_id if line.tax_rate else (item.tax_rate.xero_id if item.tax_rate else ""),
            net=line.net,
            tax=line.tax_amount,
            total=line.total,
            tracking=_tracking(line.tracking_option_1, line.tracking_option_2)
            or _tracking(item.tracking_option_1, item.tracking_option_2),
        )
        for line in item.lines.all()
    ]
    if not lines and item.total is not None:
        lines = [
            LineInput(
                description=item.description or (f"{item.contact.name} {item.reference}".strip() if item.contact else ""),
                account_code=item.category.code if item.category else "",
                tax_type=item.tax_rate.xero_id if item.tax_rate else "",
                net=item.net if item.net is not None else item.total - (item.tax_amount or Decimal("0")),
                tax=item.tax_amount or Decimal("0"),
                total=item.total,
                tracking=_tracking(item.tracking_option_1, item.tracking_option_2),
            )
        ]
    method: PaymentMethod | None = item.payment_method
    bank = (
        BankAccountInput(xero_id=method.xero_id, code=method.code, is_bank=method.is_bank_account)
        if method is not None
        else None
    )
    return ItemInput(
        item_type=item.item_type,
        document_type=item.document_type,
        destination=item.publish_destination,
        contact_xero_id=item.contact.xero_id if item.contact else "",
        date=item.date,
        due_date=item.due_date,
        reference=item.reference.strip(),
        currency_code=item.currency_code,
        exchange_rate=item.exchange_rate,
        lines=lines,
        tax_calculation=_tax_calculation(item),
        base_currency=item.business.base_currency,
        bank_account=bank,
        url=f"{settings.SITE_URL}{reverse('items:detail', args=[item.pk])}",
    )
