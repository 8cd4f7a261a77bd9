"""Changes a test, benchmark or demo makes to an organisation's books "in Xero".

Used in-process by product tests (``from xero_sandbox.accounting import control``),
by the JSON control endpoints under ``/xero-sandbox/control/orgs/<id>/…`` and by
the forms on the organisation page. Every change bumps ``UpdatedDateUTC`` to the
sandbox clock so ``If-Modified-Since`` refreshes pick it up.
"""

import random
import uuid
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from xero_sandbox import clock

from .models import (
    Account,
    Contact,
    ContactStatus,
    Document,
    Status,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)


class ControlError(ValueError):
    pass


@transaction.atomic
def account_archive(*, organisation, code: str) -> Account:
    account = Account.objects.filter(organisation=organisation, code=code).first()
    if account is None:
        raise ControlError(f"No account with code {code!r}.")
    account.status = Status.ARCHIVED
    account.updated_at = clock.now()
    account.save(update_fields=["status", "updated_at"])
    return account


def _contact(organisation, *, contact_id=None, name: str | None = None) -> Contact:
    contacts = Contact.objects.filter(organisation=organisation)
    contact = contacts.filter(pk=contact_id).first() if contact_id else contacts.filter(name__iexact=name or "").first()
    if contact is None:
        raise ControlError(f"No contact {contact_id or name!r}.")
    return contact


@transaction.atomic
def contact_archive(*, organisation, contact_id=None, name: str | None = None) -> Contact:
    contact = _contact(organisation, contact_id=contact_id, name=name)
    contact.status = ContactStatus.ARCHIVED
    contact.updated_at = clock.now()
    contact.save(update_fields=["status", "updated_at"])
    return contact


@transaction.atomic
def contact_add(
    *, organisation, name: str, is_supplier: bool = True, is_customer: bool = False, email_address: str = ""
) -> Contact:
    if not name.strip():
        raise ControlError("A contact needs a name.")
    return Contact.objects.create(
        organisation=organisation,
        name=name.strip(),
        is_supplier=is_supplier,
        is_customer=is_customer,
        email_address=email_address,
        updated_at=clock.now(),
    )


@transaction.atomic
def contact_rename(*, organisation, new_name: str, contact_id=None, name: str | None = None) -> Contact:
    if not new_name.strip():
        raise ControlError("A contact needs a name.")
    contact = _contact(organisation, contact_id=contact_id, name=name)
    contact.name = new_name.strip()
    contact.updated_at = clock.now()
    contact.save(update_fields=["name", "updated_at"])
    return contact


@transaction.atomic
def contact_upsert(*, organisation, data: dict) -> Contact:
    """Create or update a contact from an API element (PUT/POST /Contacts)."""
    contact = None
    if data.get("ContactID"):
        try:
            contact = Contact.objects.filter(organisation=organisation, pk=uuid.UUID(str(data["ContactID"]))).first()
        except ValueError:
            contact = None
    if contact is None:
        contact = Contact.objects.filter(organisation=organisation, name__iexact=data["Name"]).first()
    contact = contact or Contact(organisation=organisation)
    contact.name = data.get("Name") or contact.name
    for field, key in (
        ("email_address", "EmailAddress"),
        ("contact_number", "ContactNumber"),
        ("tax_number", "TaxNumber"),
        ("first_name", "FirstName"),
        ("last_name", "LastName"),
        ("default_currency", "DefaultCurrency"),
    ):
        if key in data:
            setattr(contact, field, data[key] or "")
    if data.get("ContactStatus") in ContactStatus.values:
        contact.status = data["ContactStatus"]
    contact.updated_at = clock.now()
    contact.save()
    return contact


@transaction.atomic
def tracking_option_set_status(*, organisation, category: str, option: str, status: str = Status.ARCHIVED):
    found = TrackingOption.objects.filter(
        category__organisation=organisation, category__name__iexact=category, name__iexact=option
    ).first()
    if found is None:
        raise ControlError(f"No tracking option {option!r} in {category!r}.")
    now = clock.now()
    found.status = status
    found.updated_at = now
    found.save(update_fields=["status", "updated_at"])
    TrackingCategory.objects.filter(pk=found.category_id).update(updated_at=now)
    return found


def tracking_option_archive(*, organisation, category: str, option: str):
    return tracking_option_set_status(organisation=organisation, category=category, option=option)


def tracking_option_delete(*, organisation, category: str, option: str):
    return tracking_option_set_status(organisation=organisation, category=category, option=option, status=Status.DELETED)


def documents(organisation, *, type: str | None = None, kind: str | None = None):  # noqa: A002 - Xero's word
    """The documents that arrived, newest first (``type`` = ACCPAY, ACCREC, SPEND …)."""
    found = Document.objects.filter(organisation=organisation).prefetch_related("line_items", "attachments")
    if type:
        found = found.filter(type=type)
    if kind:
        found = found.filter(kind=kind)
    return list(found.select_related("contact").order_by("-created_at"))


def count_duplicates(organisation) -> int:
    """Documents beyond the first with the same type, contact, reference (or number) and total."""
    rows = (
        Document.objects.filter(organisation=organisation)
        .exclude(status__in=("DELETED", "VOIDED"))
        .values("type", "contact_id", "reference", "number", "total")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return sum(row["n"] - 1 for row in rows)


def idempotency_key_counts(organisation) -> Counter:
    """How many documents each Idempotency-Key created (a key creating two means a replay failed)."""
    keys = Document.objects.filter(organisation=organisation).exclude(idempotency_key="")
    return Counter(keys.values_list("idempotency_key", flat=True))


def generate_large_organisation(
    organisation,
    *,
    contacts: int = 10000,
    accounts: int = 1000,
    tracking_categories: int = 2,
    options_per_category: int = 100,
    tax_rates: int = 50,
    seed: int = 7,
) -> dict:
    """Add lots of reference data (bulk inserts) for benchmarks; returns what was added."""
    rng = random.Random(seed)
    now = clock.now()
    with transaction.atomic():
        existing_codes = set(Account.objects.filter(organisation=organisation).values_list("code", flat=True))
        new_accounts, code = [], 10000
        types = ["OVERHEADS", "EXPENSE", "DIRECTCOSTS", "SALES", "REVENUE", "CURRENT", "FIXED"]
        while len(new_accounts) < accounts:
            code += 1
            if str(code) in existing_codes:
                continue
            account_type = rng.choice(types)
            new_accounts.append(
                Account(
                    organisation=organisation,
                    code=str(code),
                    name=f"Generated account {code}",
                    type=account_type,
                    tax_type="NONE",
                    updated_at=now,
                )
            )
        Account.objects.bulk_create(new_accounts, batch_size=500)
        words = ["Alpha", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbour", "Indigo", "Juniper"]
        kinds = ["Supplies", "Trading", "Services", "Foods", "Logistics", "Studio", "Partners", "Works"]
        Contact.objects.bulk_create(
            [
                Contact(
                    organisation=organisation,
                    name=f"{rng.choice(words)} {rng.choice(kinds)} {index:05d}",
                    is_supplier=index % 3 != 1,
                    is_customer=index % 3 != 0,
                    status=ContactStatus.ARCHIVED if index % 50 == 0 else ContactStatus.ACTIVE,
                    updated_at=now,
                )
                for index in range(contacts)
            ],
            batch_size=1000,
        )
        categories = [
            TrackingCategory(organisation=organisation, name=f"Generated category {index + 1}", updated_at=now)
            for index in range(tracking_categories)
        ]
        TrackingCategory.objects.bulk_create(categories)
        TrackingOption.objects.bulk_create(
            [
                TrackingOption(category=category, name=f"Option {index + 1:03d}", updated_at=now)
                for category in categories
                for index in range(options_per_category)
            ],
            batch_size=1000,
        )
        existing_types = set(TaxRate.objects.filter(organisation=organisation).values_list("tax_type", flat=True))
        new_rates = []
        index = 0
        while len(new_rates) < tax_rates:
            index += 1
            tax_type = f"TAX{index:03d}"
            if tax_type in existing_types:
                continue
            rate = Decimal(rng.choice([0, 5, 10, 12.5, 15, 20])).quantize(Decimal("0.0001"))
            new_rates.append(
                TaxRate(
                    organisation=organisation,
                    tax_type=tax_type,
                    name=f"Generated rate {index} ({rate.normalize()}%)",
                    report_tax_type="INPUT",
                    effective_rate=rate,
                    display_tax_rate=rate,
                    components=[{"Name": "Tax", "Rate": str(rate), "IsCompound": False, "IsNonRecoverable": False}],
                    updated_at=now,
                )
            )
        TaxRate.objects.bulk_create(new_rates)
    return {
        "contacts": contacts,
        "accounts": accounts,
        "tracking_categories": tracking_categories,
        "tracking_options": tracking_categories * options_per_category,
        "tax_rates": tax_rates,
    }
