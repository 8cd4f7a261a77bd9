"""Checks before the button: a lists refresh that archives what items use sends them back
To review with the reason, and a publishing error goes once the field it names is fixed."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from items.models import Item, ItemHistory, ItemStatus
from items.services import item_update
from items.tests.conftest import edit_data
from items.tests.test_details import complete
from lists.models import Category, Contact, ListStatus, TaxRate

pytestmark = pytest.mark.django_db


def ready_item(business, user, make_item, *, category_code="429"):
    item = make_item()
    data = {
        "contact": Contact.objects.for_business(business).get(name="Bakery Supplies Co"),
        "date": date(2026, 5, 4), "reference": f"INV-{item.pk}", "currency_code": "GBP",
        "total": Decimal("120.00"), "tax_amount": Decimal("20.00"), "net": Decimal("100.00"),
        "category": Category.objects.for_business(business).get(code=category_code),
        "tax_rate": TaxRate.objects.for_business(business).get(xero_id="INPUT2"),
        "publish_destination": "purchases_awaiting_payment",
    }
    item = item_update(item=item, data=data, lines=None, changed_fields=list(data), acting_user=user)
    assert item.status == ItemStatus.READY, item.review_issues
    return item


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_archives_a_category_sends_ready_items_back_to_review(
    xero_connected_business, admin_user, make_item
):
    from lists.services import refresh_start
    from xero_sandbox.accounting import control
    from xero_sandbox.models import Organisation

    business, connection = xero_connected_business
    using = ready_item(business, admin_user, make_item, category_code="429")
    other = ready_item(business, admin_user, make_item, category_code="408")

    control.account_archive(organisation=Organisation.objects.get(pk=connection.tenant_id), code="429")
    refresh_start(business=business, acting_user=admin_user)  # runs inline once committed

    using.refresh_from_db()
    other.refresh_from_db()
    assert Category.objects.for_business(business).get(code="429").status == ListStatus.ARCHIVED
    assert using.status == ItemStatus.TO_REVIEW
    assert "Category “429 · General Expenses” is archived in Xero: choose another." in using.review_issues
    entry = using.history.filter(action=ItemHistory.Action.STATUS).first()
    assert entry.message.startswith("Back to To review after the lists were refreshed: Category “429 · General")
    assert other.status == ItemStatus.READY

    # Restored in Xero (someone makes the account active again there): the next refresh
    # makes it Ready again.
    from xero_sandbox import clock
    from xero_sandbox.accounting.models import Account, Status

    Account.objects.filter(organisation_id=connection.tenant_id, code="429").update(
        status=Status.ACTIVE, updated_at=clock.now()
    )
    refresh_start(business=business, acting_user=admin_user)
    using.refresh_from_db()
    assert using.status == ItemStatus.READY
    assert using.history.filter(message="Ready again after the lists were refreshed.").exists()


def test_the_check_is_told_by_the_lists_app_through_the_hook_registry(business, lists, make_item, admin_client):
    from dext import hooks

    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists))
    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    Category.objects.filter(pk=lists["expense"].pk).update(status=ListStatus.ARCHIVED)

    hooks.announce(hooks.LISTS_REFRESHED, business_id=business.pk, refresh_id=None)

    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW
    assert "Category “400 · Purchases” is archived in Xero: choose another." in item.review_issues


def test_lists_never_imports_items():
    import ast
    from pathlib import Path

    import lists

    for path in Path(lists.__file__).parent.rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [alias.name for alias in getattr(node, "names", [])] if isinstance(node, ast.Import) else []
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            for name in [*names, module or ""]:
                assert not name.startswith(("items", "capture", "publishing")), f"{path}: imports {name}"


# --- A publishing error goes once its field is fixed ------------------------------------------------
def failed_publication(item, *, code="account_archived", message="The category 400 · Purchases is archived."):
    from publishing.models import Publication, PublicationState

    Item.objects.filter(pk=item.pk).update(status=ItemStatus.FAILED)
    ItemHistory.objects.create(business_id=item.business_id, item=item, action=ItemHistory.Action.STATUS,
                               message=f"Publishing failed: {message}")
    return Publication.objects.create(business_id=item.business_id, item=item, item_version=item.version,
                                      state=PublicationState.FAILED, error_code=code, error_message=message,
                                      error_fix_label="Edit the item")


def test_a_publishing_error_goes_once_the_field_it_names_is_fixed_and_saved(admin_client, make_item, lists):
    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists))
    publication = failed_publication(item)
    url = reverse("items:detail", args=[item.pk])
    assert "Publishing failed." in admin_client.get(url).content.decode()

    # Another field changed: the error still says something true.
    admin_client.post(url, edit_data(item, notes="Called the supplier"))
    publication.refresh_from_db()
    assert publication.error_code == "account_archived"
    assert "Publishing failed." in admin_client.get(url).content.decode()

    admin_client.post(url, edit_data(item, category=lists["expense2"].pk))
    publication.refresh_from_db()
    item.refresh_from_db()
    page = admin_client.get(url).content.decode()
    assert publication.error_code == "" and "Publishing failed." not in page
    assert item.status == ItemStatus.READY
    # History keeps both: the failure, and that the edit fixed it.
    messages = list(item.history.values_list("message", flat=True))
    assert "Publishing failed: The category 400 · Purchases is archived." in messages
    assert "Publishing error fixed by this edit: The category 400 · Purchases is archived." in messages


def test_a_bulk_edit_that_fixes_the_field_clears_the_error_too(admin_client, make_item, lists):
    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists))
    publication = failed_publication(item, code="tax_rate_archived", message="The tax rate is no longer active.")
    other_rate = TaxRate.objects.create(business=item.business, xero_id="INPUT3", name="5% (VAT on Expenses)",
                                        effective_rate=Decimal("5"), can_apply_to_expenses=True)
    admin_client.post(reverse("items:bulk"), {"action": "set_tax_rate", "tax_rate": other_rate.pk, "items": [item.pk]})
    publication.refresh_from_db()
    assert publication.error_message == ""
