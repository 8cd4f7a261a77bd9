"""The books of a sandbox organisation: what Xero's Accounting API reads and writes.

Primary keys are the Xero ids (``AccountID``, ``ContactID``, ``InvoiceID`` …) so the
wire format and the database agree. Invoices, credit notes and bank transactions
share one ``Document`` table (``kind`` tells them apart): in Xero they share the
line-item, tax and status model, and one table keeps the validation and totals code
in one place. Every row belongs to one ``xero_sandbox.Organisation`` (the tenant).
"""

import uuid

from django.db import models

ACCOUNT_CLASS_BY_TYPE = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}


class Status(models.TextChoices):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    DELETED = "DELETED"


class Account(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=150)
    type = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    tax_type = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    enable_payments_to_account = models.BooleanField(default=False)
    bank_account_number = models.CharField(max_length=50, blank=True)
    bank_account_type = models.CharField(max_length=20, blank=True)
    currency_code = models.CharField(max_length=3, blank=True)
    system_account = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "name"]
        indexes = [models.Index(fields=["organisation", "code"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def account_class(self) -> str:
        return ACCOUNT_CLASS_BY_TYPE.get(self.type, "EXPENSE")


class ContactStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    GDPRREQUEST = "GDPRREQUEST"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="contacts")
    contact_number = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=ContactStatus.choices, default=ContactStatus.ACTIVE)
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    email_address = models.CharField(max_length=255, blank=True)
    tax_number = models.CharField(max_length=50, blank=True)
    is_supplier = models.BooleanField(default=False)
    is_customer = models.BooleanField(default=False)
    default_currency = models.CharField(max_length=3, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "name"]), models.Index(fields=["organisation", "updated_at"])]

    def __str__(self):
        return self.name


class TrackingCategory(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="tracking_categories"
    )
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tracking categories"

    def __str__(self):
        return self.name


class TrackingOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.ForeignKey(TrackingCategory, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxRate(models.Model):
    organisation = models.ForeignKey("xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="tax_rates")
    tax_type = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, default="ACTIVE")
    report_tax_type = models.CharField(max_length=50, blank=True)
    effective_rate = models.DecimalField(max_digits=8, decimal_places=4)
    display_tax_rate = models.DecimalField(max_digits=8, decimal_places=4)
    can_apply_to_assets = models.BooleanField(default=True)
    can_apply_to_equity = models.BooleanField(default=True)
    can_apply_to_expenses = models.BooleanField(default=True)
    can_apply_to_liabilities = models.BooleanField(default=True)
    can_apply_to_revenue = models.BooleanField(default=True)
    # [{"Name": "VAT", "Rate": "20.0000", "IsCompound": false, "IsNonRecoverable": false}]
    components = models.JSONField(default=list)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "tax_type"], name="sbx_taxrate_unique_type")]

    def __str__(self):
        return f"{self.name} ({self.tax_type})"

    def can_apply_to(self, account_class: str) -> bool:
        return {
            "ASSET": self.can_apply_to_assets,
            "EQUITY": self.can_apply_to_equity,
            "EXPENSE": self.can_apply_to_expenses,
            "LIABILITY": self.can_apply_to_liabilities,
            "REVENUE": self.can_apply_to_revenue,
        }.get(account_class, True)


class Currency(models.Model):
    organisation = models.ForeignKey("xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="currencies")
    code = models.CharField(max_length=3)
    description = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "currencies"
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="sbx_currency_unique_code")]

    def __str__(self):
        return self.code


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "creditnote", "Credit note"
    BANK_TRANSACTION = "banktransaction", "Bank transaction"


class Document(models.Model):
    """An invoice or bill, a credit note, or a bank transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    # ACCPAY/ACCREC, ACCPAYCREDIT/ACCRECCREDIT, SPEND/RECEIVE.
    type = models.CharField(max_length=30)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    bank_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_documents"
    )
    number = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12)
    line_amount_types = models.CharField(max_length=10, default="Exclusive")
    date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    currency_code = models.CharField(max_length=3)
    currency_rate = models.DecimalField(max_digits=18, decimal_places=10, default=1)
    sub_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    total_tax = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_paid = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_credited = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    fully_paid_on_date = models.DateField(null=True, blank=True)
    is_reconciled = models.BooleanField(default=False)
    sent_to_contact = models.BooleanField(default=False)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Who created it, so benchmarks can count duplicates and replays.
    idempotency_key = models.CharField(max_length=128, blank=True)
    created_by_app = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "kind", "type"]),
            models.Index(fields=["organisation", "reference"]),
            models.Index(fields=["organisation", "number"]),
        ]

    def __str__(self):
        return f"{self.type} {self.number or self.reference or self.id}"

    @property
    def amount_due(self):
        return self.total - self.amount_paid - self.amount_credited


class LineItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="line_items")
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    unit_amount = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    item_code = models.CharField(max_length=30, blank=True)
    account_code = models.CharField(max_length=10, blank=True)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tax_type = models.CharField(max_length=50, blank=True)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    line_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # [{"TrackingCategoryID", "TrackingOptionID", "Name", "Option"}], at most two.
    tracking = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.description or str(self.id)


class Payment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("xero_sandbox.Organisation", on_delete=models.CASCADE, related_name="payments")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="payments")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency_rate = models.DecimalField(max_digits=18, decimal_places=10, default=1)
    reference = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, default="AUTHORISED")
    is_reconciled = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=128, blank=True)
    created_by_app = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.amount} on {self.date}"

    @property
    def payment_type(self) -> str:
        return {
            "ACCPAY": "ACCPAYPAYMENT",
            "ACCREC": "ACCRECPAYMENT",
            "ACCPAYCREDIT": "APCREDITPAYMENT",
            "ACCRECCREDIT": "ARCREDITPAYMENT",
        }.get(self.document.type, "ACCPAYPAYMENT")


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    content = models.BinaryField()
    content_length = models.PositiveIntegerField()
    include_online = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["document", "file_name"], name="sbx_attachment_unique_name")
        ]

    def __str__(self):
        return self.file_name
