"""Records → Xero JSON, field names and casing as in Xero's OpenAPI spec.

Optional fields that are empty are left out rather than sent as null: the spec does
not mark them nullable, and Xero itself omits them.
"""

from decimal import Decimal

from . import wire
from .models import (
    Account,
    Attachment,
    Contact,
    Currency,
    Document,
    DocumentKind,
    Payment,
    TaxRate,
    TrackingCategory,
)

ID_FIELD = {
    DocumentKind.INVOICE: "InvoiceID",
    DocumentKind.CREDIT_NOTE: "CreditNoteID",
    DocumentKind.BANK_TRANSACTION: "BankTransactionID",
}
ENDPOINT = {
    DocumentKind.INVOICE: "Invoices",
    DocumentKind.CREDIT_NOTE: "CreditNotes",
    DocumentKind.BANK_TRANSACTION: "BankTransactions",
}


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None and value != ""}


def organisation_json(org) -> dict:
    version = {"GB": "UK", "NZ": "NZ", "AU": "AU", "US": "US"}.get(org.country_code, "GLOBAL")
    return _compact(
        {
            "OrganisationID": str(org.pk),
            "Name": org.name,
            "LegalName": org.name,
            "PaysTax": True,
            "Version": version,
            "OrganisationType": "COMPANY",
            "BaseCurrency": org.base_currency,
            "CountryCode": org.country_code,
            "IsDemoCompany": False,
            "OrganisationStatus": "ACTIVE",
            # Each country's usual year end and GST/VAT return: UK and NZ to 31 March, AU to
            # 30 June with a quarterly BAS on accruals.
            "FinancialYearEndDay": 30 if org.country_code == "AU" else 31,
            "FinancialYearEndMonth": 6 if org.country_code == "AU" else 3,
            "SalesTaxBasis": {"GB": "ACCRUALS", "AU": "ACCRUALS"}.get(org.country_code, "INVOICE"),
            "SalesTaxPeriod": {"GB": "QUARTERLY", "AU": "QUARTERLY1"}.get(org.country_code, "TWOMONTHS"),
            "PeriodLockDate": wire.ms_date(org.period_lock_date),
            "EndOfYearLockDate": wire.ms_date(org.end_of_year_lock_date),
            "CreatedDateUTC": wire.ms_datetime(org.created),
            "Timezone": _xero_timezone(org.timezone),
            "OrganisationEntityType": "COMPANY",
            "ShortCode": org.short_code,
            "Edition": "BUSINESS",
            "Class": "PREMIUM",
        }
    )


def _xero_timezone(name: str) -> str:
    # Xero names Windows time zones in upper case (e.g. NEWZEALANDSTANDARDTIME).
    return {
        "Europe/London": "GMTSTANDARDTIME",
        "Pacific/Auckland": "NEWZEALANDSTANDARDTIME",
        "Australia/Sydney": "AUSEASTERNSTANDARDTIME",
    }.get(name, name if name.isupper() else "UTC")


def account_json(account: Account) -> dict:
    return _compact(
        {
            "AccountID": str(account.pk),
            "Code": account.code,
            "Name": account.name,
            "Status": account.status,
            "Type": account.type,
            "TaxType": account.tax_type,
            "Description": account.description,
            "Class": account.account_class,
            "SystemAccount": account.system_account,
            "EnablePaymentsToAccount": account.enable_payments_to_account,
            "ShowInExpenseClaims": False,
            "BankAccountNumber": account.bank_account_number,
            "BankAccountType": account.bank_account_type or ("NONE" if account.type != "BANK" else "BANK"),
            "CurrencyCode": account.currency_code,
            "ReportingCode": None,
            "HasAttachments": False,
            "UpdatedDateUTC": wire.ms_datetime(account.updated_at),
            "AddToWatchlist": False,
        }
    )


def contact_json(contact: Contact, *, summary: bool = False) -> dict:
    data = {
        "ContactID": str(contact.pk),
        "ContactNumber": contact.contact_number,
        "ContactStatus": contact.status,
        "Name": contact.name,
        "FirstName": contact.first_name,
        "LastName": contact.last_name,
        "EmailAddress": contact.email_address,
        "TaxNumber": contact.tax_number,
        "IsSupplier": contact.is_supplier,
        "IsCustomer": contact.is_customer,
        "DefaultCurrency": contact.default_currency,
        "UpdatedDateUTC": wire.ms_datetime(contact.updated_at),
    }
    if not summary:
        data.update({"Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [], "HasAttachments": False})
    return _compact(data)


def contact_ref_json(contact: Contact | None) -> dict | None:
    if contact is None:
        return None
    return _compact(
        {
            "ContactID": str(contact.pk),
            "ContactNumber": contact.contact_number,
            "Name": contact.name,
            "ContactStatus": contact.status,
            "IsSupplier": contact.is_supplier,
            "IsCustomer": contact.is_customer,
        }
    )


def tracking_category_json(category: TrackingCategory, options) -> dict:
    return {
        "TrackingCategoryID": str(category.pk),
        "Name": category.name,
        "Status": category.status,
        "Options": [
            {"TrackingOptionID": str(option.pk), "Name": option.name, "Status": option.status} for option in options
        ],
    }


def tax_rate_json(rate: TaxRate) -> dict:
    return _compact(
        {
            "Name": rate.name,
            "TaxType": rate.tax_type,
            "ReportTaxType": rate.report_tax_type,
            "CanApplyToAssets": rate.can_apply_to_assets,
            "CanApplyToEquity": rate.can_apply_to_equity,
            "CanApplyToExpenses": rate.can_apply_to_expenses,
            "CanApplyToLiabilities": rate.can_apply_to_liabilities,
            "CanApplyToRevenue": rate.can_apply_to_revenue,
            "DisplayTaxRate": rate.display_tax_rate,
            "EffectiveRate": rate.effective_rate,
            "Status": rate.status,
            "TaxComponents": [
                {
                    "Name": component["Name"],
                    "Rate": Decimal(str(component["Rate"])),
                    "IsCompound": bool(component.get("IsCompound", False)),
                    "IsNonRecoverable": bool(component.get("IsNonRecoverable", False)),
                }
                for component in rate.components
            ],
        }
    )


def currency_json(currency: Currency) -> dict:
    return {"Code": currency.code, "Description": currency.description}


def line_item_json(line, *, unit_dp: int = 2) -> dict:
    """``unit_dp``: unit amounts to 2 places unless the request asked for ``unitdp=4``."""
    unit_amount = wire.quantity(line.unit_amount) if unit_dp >= 4 else wire.money(line.unit_amount)
    return _compact(
        {
            "LineItemID": str(line.pk),
            "Description": line.description,
            "Quantity": wire.quantity(line.quantity),
            "UnitAmount": unit_amount,
            "ItemCode": line.item_code,
            "AccountCode": line.account_code,
            "AccountID": str(line.account_id) if line.account_id else None,
            "TaxType": line.tax_type,
            "TaxAmount": wire.money(line.tax_amount),
            "LineAmount": wire.money(line.line_amount),
            "Tracking": line.tracking,
        }
    )


def attachment_json(attachment: Attachment, *, base_url: str = "") -> dict:
    endpoint = ENDPOINT[attachment.document.kind]
    return {
        "AttachmentID": str(attachment.pk),
        "FileName": attachment.file_name,
        "Url": f"{base_url}/{endpoint}/{attachment.document_id}/Attachments/{attachment.file_name}",
        "MimeType": attachment.mime_type,
        "ContentLength": attachment.content_length,
        "IncludeOnline": attachment.include_online,
    }


def payment_json(payment: Payment, *, with_document: bool = True) -> dict:
    document = payment.document
    data = {
        "PaymentID": str(payment.pk),
        "Date": wire.ms_date(payment.date),
        "Amount": wire.money(payment.amount),
        "BankAmount": wire.money(payment.amount),
        "CurrencyRate": payment.currency_rate.normalize(),
        "Reference": payment.reference,
        "IsReconciled": payment.is_reconciled,
        "Status": payment.status,
        "PaymentType": payment.payment_type,
        "UpdatedDateUTC": wire.ms_datetime(payment.updated_at),
        "HasAccount": True,
        "HasValidationErrors": False,
    }
    if with_document:
        data["Account"] = {"AccountID": str(payment.account_id), "Code": payment.account.code}
        key = "Invoice" if document.kind == DocumentKind.INVOICE else "CreditNote"
        number_key = "InvoiceNumber" if key == "Invoice" else "CreditNoteNumber"
        data[key] = _compact(
            {
                ID_FIELD[document.kind]: str(document.pk),
                number_key: document.number,
                "Type": document.type,
                "Contact": contact_ref_json(document.contact),
                "CurrencyCode": document.currency_code,
            }
        )
        if document.number:
            data[number_key] = document.number
    return _compact(data)


def document_json(document: Document, *, with_lines: bool = True, base_url: str = "", unit_dp: int = 2) -> dict:
    """An invoice, credit note or bank transaction in its endpoint's shape."""
    kind = document.kind
    data = {
        ID_FIELD[kind]: str(document.pk),
        "Type": document.type,
        "Contact": contact_ref_json(document.contact),
        "Date": wire.ms_date(document.date),
        "Status": document.status,
        "LineAmountTypes": document.line_amount_types,
        "SubTotal": wire.money(document.sub_total),
        "TotalTax": wire.money(document.total_tax),
        "Total": wire.money(document.total),
        "UpdatedDateUTC": wire.ms_datetime(document.updated_at),
        "CurrencyCode": document.currency_code,
        "CurrencyRate": document.currency_rate.normalize(),
        "Reference": document.reference,
    }
    attachments = list(document.attachments.all())
    if kind == DocumentKind.INVOICE:
        data.update(
            {
                "InvoiceNumber": document.number,
                "DueDate": wire.ms_date(document.due_date),
                "AmountDue": wire.money(document.amount_due),
                "AmountPaid": wire.money(document.amount_paid),
                "AmountCredited": wire.money(document.amount_credited),
                "FullyPaidOnDate": wire.ms_date(document.fully_paid_on_date),
                "SentToContact": document.sent_to_contact,
                "IsDiscounted": False,
                "HasErrors": False,
                "HasAttachments": bool(attachments),
                "Url": document.url,
            }
        )
    elif kind == DocumentKind.CREDIT_NOTE:
        data.update(
            {
                "CreditNoteNumber": document.number,
                "DueDate": wire.ms_date(document.due_date),
                "RemainingCredit": wire.money(document.amount_due),
                "AppliedAmount": wire.money(document.amount_paid + document.amount_credited),
                "FullyPaidOnDate": wire.ms_date(document.fully_paid_on_date),
                "HasErrors": False,
                "HasAttachments": bool(attachments),
            }
        )
    else:
        data.update(
            {
                "IsReconciled": document.is_reconciled,
                "HasAttachments": bool(attachments),
                "BankAccount": _compact(
                    {
                        "AccountID": str(document.bank_account_id),
                        "Code": document.bank_account.code,
                        "Name": document.bank_account.name,
                    }
                )
                if document.bank_account_id
                else None,
                "Url": document.url,
            }
        )
    if with_lines:
        data["LineItems"] = [line_item_json(line, unit_dp=unit_dp) for line in document.line_items.all()]
        if kind != DocumentKind.BANK_TRANSACTION:
            data["Payments"] = [payment_json(payment, with_document=False) for payment in document.payments.all()]
        if attachments and kind != DocumentKind.BANK_TRANSACTION:
            data["Attachments"] = [attachment_json(attachment, base_url=base_url) for attachment in attachments]
    return _compact(data)
