"""Xero JSON (as the Accounting API sends it) → the fields of our list rows."""

from datetime import UTC, datetime
from decimal import Decimal

from lists import xero_mapping
from lists.models import ListStatus, PaymentMethod

UPDATED = "/Date(1714521600000+0000)/"
UPDATED_AT = datetime(2024, 5, 1, tzinfo=UTC)


def account(**overrides):
    data = {
        "AccountID": "acc-1",
        "Code": "429",
        "Name": "General Expenses",
        "Type": "EXPENSE",
        "Status": "ACTIVE",
        "TaxType": "INPUT2",
        "Class": "EXPENSE",
        "EnablePaymentsToAccount": False,
        "UpdatedDateUTC": UPDATED,
    }
    data.update(overrides)
    return data


def test_expense_account_becomes_an_active_category_with_its_class_and_tax_type():
    fields = xero_mapping.category_fields(account(Description="Odds and ends"))

    assert fields["xero_id"] == "acc-1"
    assert fields["code"] == "429"
    assert fields["name"] == "General Expenses"
    assert fields["type"] == "EXPENSE"
    assert fields["account_class"] == "EXPENSE"
    assert fields["tax_type"] == "INPUT2"
    assert fields["description"] == "Odds and ends"
    assert fields["status"] == ListStatus.ACTIVE
    assert fields["xero_updated_at"] == UPDATED_AT
    assert fields["is_bank"] is False
    assert fields["is_system"] is False


def test_bank_and_system_accounts_are_flagged():
    bank = xero_mapping.category_fields(account(Type="BANK", Class="ASSET", BankAccountType="BANK"))
    debtors = xero_mapping.category_fields(account(Type="CURRENT", Class="ASSET", SystemAccount="DEBTORS"))

    assert bank["is_bank"] is True
    assert debtors["is_system"] is True
    assert debtors["is_bank"] is False


def test_archived_and_deleted_accounts_are_archived_categories():
    assert xero_mapping.category_fields(account(Status="ARCHIVED"))["status"] == ListStatus.ARCHIVED
    assert xero_mapping.category_fields(account(Status="DELETED"))["status"] == ListStatus.ARCHIVED


def test_bank_accounts_become_payment_methods_of_their_bank_account_type():
    kinds = {
        bank_type: xero_mapping.payment_method_fields(
            account(Type="BANK", BankAccountType=bank_type, BankAccountNumber="12-3456", CurrencyCode="GBP")
        )
        for bank_type in ("BANK", "CREDITCARD", "PAYPAL", "NONE")
    }

    assert kinds["BANK"]["kind"] == PaymentMethod.Kind.BANK
    assert kinds["CREDITCARD"]["kind"] == PaymentMethod.Kind.CREDIT_CARD
    assert kinds["PAYPAL"]["kind"] == PaymentMethod.Kind.PAYPAL
    assert kinds["NONE"]["kind"] == PaymentMethod.Kind.BANK
    assert kinds["BANK"]["bank_account_number"] == "12-3456"
    assert kinds["BANK"]["currency_code"] == "GBP"


def test_an_account_with_payments_enabled_is_a_payment_method_and_others_are_not():
    enabled = xero_mapping.payment_method_fields(account(Type="CURRLIAB", EnablePaymentsToAccount=True))

    assert enabled["kind"] == PaymentMethod.Kind.PAYMENTS_ENABLED
    assert xero_mapping.category_fields(account(EnablePaymentsToAccount=True))["enable_payments"] is True
    assert xero_mapping.payment_method_fields(account()) is None


def test_contact_keeps_supplier_and_customer_flags_and_archived_status():
    fields = xero_mapping.contact_fields(
        {
            "ContactID": "c-1",
            "ContactNumber": "ID-9",
            "ContactStatus": "ARCHIVED",
            "Name": "ABC Furniture",
            "EmailAddress": "info@abc.example",
            "TaxNumber": "GB123",
            "IsSupplier": True,
            "IsCustomer": False,
            "DefaultCurrency": "GBP",
            "UpdatedDateUTC": UPDATED,
        }
    )

    assert fields == {
        "xero_id": "c-1",
        "status": ListStatus.ARCHIVED,
        "xero_updated_at": UPDATED_AT,
        "name": "ABC Furniture",
        "contact_number": "ID-9",
        "is_supplier": True,
        "is_customer": False,
        "default_currency": "GBP",
        "tax_number": "GB123",
        "email": "info@abc.example",
    }


def test_summary_only_contact_without_optional_fields_maps_to_blanks():
    fields = xero_mapping.contact_fields({"ContactID": "c-2", "Name": "Bare", "ContactStatus": "GDPRREQUEST"})

    assert fields["status"] == ListStatus.ARCHIVED
    assert fields["email"] == ""
    assert fields["is_supplier"] is False
    assert fields["xero_updated_at"] is None


def test_tax_rate_is_keyed_by_tax_type_with_decimal_rates_and_can_apply_flags():
    fields = xero_mapping.tax_rate_fields(
        {
            "Name": "20% (VAT on Expenses)",
            "TaxType": "INPUT2",
            "Status": "ACTIVE",
            "ReportTaxType": "INPUT",
            "CanApplyToExpenses": True,
            "CanApplyToRevenue": False,
            "CanApplyToAssets": True,
            "CanApplyToLiabilities": False,
            "CanApplyToEquity": False,
            "DisplayTaxRate": 20.0,
            "EffectiveRate": 17.5,
        }
    )

    assert fields["xero_id"] == "INPUT2"
    assert fields["effective_rate"] == Decimal("17.5000")
    assert isinstance(fields["effective_rate"], Decimal)
    assert fields["display_rate"] == Decimal("20.0000")
    assert fields["can_apply_to_expenses"] is True
    assert fields["can_apply_to_revenue"] is False
    assert fields["can_apply_to_assets"] is True
    assert fields["report_tax_type"] == "INPUT"


def test_deleted_or_pending_tax_rates_are_archived():
    for status in ("DELETED", "ARCHIVED", "PENDING"):
        assert xero_mapping.tax_rate_fields({"TaxType": "TAX001", "Name": "x", "Status": status})["status"] == (
            ListStatus.ARCHIVED
        )


def test_options_of_an_archived_tracking_category_are_archived():
    category = {"TrackingCategoryID": "t-1", "Name": "Region", "Status": "ARCHIVED"}
    option = {"TrackingOptionID": "o-1", "Name": "North", "Status": "ACTIVE"}

    assert xero_mapping.tracking_category_fields(category)["status"] == ListStatus.ARCHIVED
    assert xero_mapping.tracking_option_fields(option, category_archived=True)["status"] == ListStatus.ARCHIVED
    assert xero_mapping.tracking_option_fields(option)["status"] == ListStatus.ACTIVE


def test_currency_is_keyed_by_its_code():
    assert xero_mapping.currency_fields({"Code": "eur", "Description": "Euro"}) == {
        "xero_id": "EUR",
        "status": ListStatus.ACTIVE,
        "xero_updated_at": None,
        "description": "Euro",
    }
