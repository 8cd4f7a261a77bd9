from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from items.models import (
    AutoPublish,
    ContactRule,
    ItemHistory,
    ItemSettings,
    ItemStatus,
    PublishDestination,
    TaxCalculation,
)
from items.tests.conftest import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(business, lists):
    return ContactRule.objects.create(
        business=business,
        contact=lists["supplier"],
        category=lists["expense2"],
        tax_rate=lists["input"],
        payment_method=lists["bank"],
        paid=True,
        publish_destination=PublishDestination.PURCHASES_PAID,
        tracking_option_1=lists["north"],
        description="Monthly flour",
        currency_code="EUR",
        due_date_offset_days=14,
        auto_publish=AutoPublish.ALWAYS,
    )


def test_rule_fills_an_item_when_its_supplier_is_set(admin_client, make_item, lists, rule):
    item = make_item()
    admin_client.post(
        reverse("items:detail", args=[item.pk]),
        edit_data(item, contact=lists["supplier"].pk, date="2025-03-01", net="10.00", tax_amount="2.00", total="12.00"),
    )
    item.refresh_from_db()
    assert item.category == lists["expense2"]
    assert item.tax_rate == lists["input"]
    assert item.payment_method == lists["bank"]
    assert item.paid is True
    assert item.publish_destination == PublishDestination.PURCHASES_PAID
    assert item.tracking_option_1 == lists["north"]
    assert item.description == "Monthly flour"
    assert item.currency_code == "EUR"
    assert item.due_date == date(2025, 3, 15)
    assert item.status == ItemStatus.READY


def test_rule_never_overwrites_a_field_set_by_hand(admin_client, make_item, lists, rule):
    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, category=lists["expense"].pk))
    item.refresh_from_db()
    assert "category" in item.manual_fields
    # The contact is set later: the rule fills everything but the hand-picked category.
    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, contact=lists["supplier"].pk))
    item.refresh_from_db()
    assert item.category == lists["expense"]
    assert item.tax_rate == lists["input"]


def test_apply_rule_to_items_already_in_the_inbox_keeps_manual_edits(admin_client, make_item, lists, business):
    manual = make_item()
    untouched = make_item()
    for item in (manual, untouched):
        admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, contact=lists["supplier"].pk))
    admin_client.post(reverse("items:detail", args=[manual.pk]), edit_data(manual, description="Bread flour (by hand)"))

    admin_client.post(
        reverse("items:contact_rule", args=[lists["supplier"].pk]),
        {"category": lists["expense2"].pk, "description": "From the rule", "paid": "unknown", "auto_publish": "never"},
    )
    response = admin_client.post(reverse("items:contact_rule_apply", args=[lists["supplier"].pk]), follow=True)

    assert "Rule applied to 2 items in the Inbox." in response.content.decode()
    manual.refresh_from_db()
    untouched.refresh_from_db()
    assert manual.description == "Bread flour (by hand)" and manual.category == lists["expense2"]
    assert untouched.description == "From the rule"
    assert untouched.history.filter(action=ItemHistory.Action.RULE_APPLIED).exists()


def test_create_rule_from_this_item(admin_client, make_item, lists):
    item = make_item()
    admin_client.post(
        reverse("items:detail", args=[item.pk]),
        edit_data(
            item,
            contact=lists["supplier"].pk,
            category=lists["expense"].pk,
            tax_rate=lists["input"].pk,
            date="2025-01-01",
            due_date="2025-01-31",
        ),
    )
    response = admin_client.post(reverse("items:item_create_rule", args=[item.pk]))
    assert response["Location"] == reverse("items:contact_rule", args=[lists["supplier"].pk])
    rule = ContactRule.objects.get(contact=lists["supplier"])
    assert (rule.category, rule.tax_rate, rule.due_date_offset_days) == (lists["expense"], lists["input"], 30)


def test_rule_page_offers_only_active_choices_and_other_business_gets_404(admin_client, lists, client, other_admin):
    page = admin_client.get(reverse("items:contact_rule", args=[lists["supplier"].pk])).content.decode()
    assert "Rule for Northern Flour Mills" in page and "Apply to items already" not in page
    client.force_login(other_admin)
    assert client.post(reverse("items:contact_rule_apply", args=[lists["supplier"].pk])).status_code == 404


def test_business_defaults_fill_new_items_below_rules(admin_client, business, lists, make_item, rule):
    response = admin_client.post(
        reverse("items:tax_settings"),
        {"tax_calculation": TaxCalculation.XERO, "default_category": lists["expense"].pk, "default_tax_rate": lists["input"].pk},
    )
    assert response.status_code == 302
    assert ItemSettings.objects.get(business=business).tax_calculation == TaxCalculation.XERO
    item = make_item()
    assert item.category == lists["expense"] and item.tax_rate == lists["input"]
    # The supplier's rule outranks the default category.
    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, contact=lists["supplier"].pk))
    item.refresh_from_db()
    assert item.category == lists["expense2"]


def test_standard_user_gets_403_on_tax_settings(standard_client):
    response = standard_client.get(reverse("items:tax_settings"))
    assert response.status_code == 403
    assert reverse("items:tax_settings") not in standard_client.get(reverse("items:inbox")).content.decode()


def test_administrator_sees_tax_settings_link(admin_client):
    page = admin_client.get(reverse("items:inbox")).content.decode()
    assert reverse("items:tax_settings") in page


def test_amounts_use_decimal(make_item, admin_client, lists):
    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, total="0.30", tax_amount="0.10"))
    item.refresh_from_db()
    assert item.net == Decimal("0.20")


def test_rule_page_shows_the_saved_paid_status(admin_client, lists, rule):
    page = admin_client.get(reverse("items:contact_rule", args=[lists["supplier"].pk])).content.decode()
    assert '<option value="true" selected>Paid</option>' in page
    assert "Apply to items already in the Inbox" in page
