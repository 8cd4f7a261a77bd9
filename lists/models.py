"""Lists synced from the connected Xero organisation.

Every row keeps Xero's id and ``UpdatedDateUTC``. Rows are upserted in bulk and never
deleted: a record missing from Xero, or archived there, is marked archived so items and
rules that point at it keep working and can be flagged.
"""

from django.conf import settings
from django.db import models

from dext.tenancy.models import BusinessOwned


class ListStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class SyncedRecord(BusinessOwned):
    xero_id = models.CharField(max_length=64, help_text="Xero's id for this record.")
    status = models.CharField(max_length=10, choices=ListStatus.choices, default=ListStatus.ACTIVE)
    xero_updated_at = models.DateTimeField(null=True, blank=True, help_text="Xero's UpdatedDateUTC.")
    synced_at = models.DateTimeField(auto_now=True)
    # The refresh that last wrote this row (support can tell which run changed it).
    seen_in_refresh = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.status == ListStatus.ARCHIVED


# Xero's account Type codes as Xero's own chart of accounts names them.
ACCOUNT_TYPE_LABELS = {
    "BANK": "Bank",
    "CURRENT": "Current asset",
    "CURRLIAB": "Current liability",
    "DEPRECIATN": "Depreciation",
    "DIRECTCOSTS": "Direct costs",
    "EQUITY": "Equity",
    "EXPENSE": "Expense",
    "FIXED": "Fixed asset",
    "INVENTORY": "Inventory",
    "LIABILITY": "Liability",
    "NONCURRENT": "Non-current asset",
    "OTHERINCOME": "Other income",
    "OVERHEADS": "Overhead",
    "PREPAYMENT": "Prepayment",
    "REVENUE": "Revenue",
    "SALES": "Sales",
    "TERMLIAB": "Non-current liability",
    "PAYG": "PAYG liability",
    "PAYGLIABILITY": "PAYG liability",
    "SUPERANNUATIONEXPENSE": "Superannuation expense",
    "SUPERANNUATIONLIABILITY": "Superannuation liability",
    "WAGESEXPENSE": "Wages expense",
}


class Category(SyncedRecord):
    """An account from Xero's chart of accounts."""

    code = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=150)
    type = models.CharField(max_length=30, help_text="Xero account Type, e.g. EXPENSE, REVENUE, BANK.")
    account_class = models.CharField(max_length=20, blank=True, help_text="ASSET, EQUITY, EXPENSE, LIABILITY or REVENUE.")
    tax_type = models.CharField(max_length=50, blank=True, help_text="The account's default TaxType.")
    description = models.TextField(blank=True)
    is_bank = models.BooleanField(default=False)
    is_system = models.BooleanField(default=False, help_text="A Xero system account (e.g. DEBTORS, GST).")
    enable_payments = models.BooleanField(default=False, help_text="EnablePaymentsToAccount.")
    currency_code = models.CharField(max_length=3, blank=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["code", "name"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="category_unique_xero_id")]
        indexes = [models.Index(fields=["business", "status", "type"])]

    def __str__(self) -> str:
        # As Xero's chart of accounts lists it: "429 · General Expenses".
        return f"{self.code} · {self.name}" if self.code else self.name

    @property
    def type_label(self) -> str:
        return ACCOUNT_TYPE_LABELS.get(self.type, self.type.replace("_", " ").title())


class Contact(SyncedRecord):
    """A supplier and/or customer."""

    name = models.CharField(max_length=255)
    contact_number = models.CharField(max_length=50, blank=True)
    is_supplier = models.BooleanField(default=False)
    is_customer = models.BooleanField(default=False)
    default_currency = models.CharField(max_length=3, blank=True)
    tax_number = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="contact_unique_xero_id")]
        indexes = [models.Index(fields=["business", "status", "name"])]

    def __str__(self) -> str:
        return self.name


class TrackingCategory(SyncedRecord):
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "tracking categories"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="trackingcategory_unique_xero_id")]

    def __str__(self) -> str:
        return self.name


class TrackingOption(SyncedRecord):
    category = models.ForeignKey(TrackingCategory, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["category__name", "name"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="trackingoption_unique_xero_id")]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.name}"


class PaymentMethod(SyncedRecord):
    """A Xero account that can pay: bank, credit card, or one with payments enabled."""

    class Kind(models.TextChoices):
        BANK = "bank", "Bank account"
        CREDIT_CARD = "credit_card", "Credit card"
        PAYPAL = "paypal", "PayPal"
        PAYMENTS_ENABLED = "payments_enabled", "Account with payments enabled"

    code = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    bank_account_number = models.CharField(max_length=50, blank=True)
    currency_code = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="paymentmethod_unique_xero_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bank_account(self) -> bool:
        """Spend/Receive Money need a BANK-type account (bank, credit card, PayPal)."""
        return self.kind != self.Kind.PAYMENTS_ENABLED


class TaxRate(SyncedRecord):
    """A Xero tax rate. ``xero_id`` holds its TaxType code (e.g. INPUT2), Xero's key for it."""

    name = models.CharField(max_length=100)
    effective_rate = models.DecimalField(max_digits=7, decimal_places=4, default=0)
    display_rate = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    report_tax_type = models.CharField(max_length=50, blank=True)
    can_apply_to_expenses = models.BooleanField(default=False)
    can_apply_to_revenue = models.BooleanField(default=False)
    can_apply_to_assets = models.BooleanField(default=False)
    can_apply_to_liabilities = models.BooleanField(default=False)
    can_apply_to_equity = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="taxrate_unique_xero_id")]

    def __str__(self) -> str:
        """"20% VAT on Expenses" (Xero's "20% (VAT on Expenses)"), or the name with its rate
        when the name doesn't say it: "GST on Expenses (10%)"."""
        rate = format(self.effective_rate, "f")
        rate = rate.rstrip("0").rstrip(".") if "." in rate else rate
        if f"{rate}%" in self.name:
            return " ".join(self.name.replace("(", " ").replace(")", " ").split())
        return f"{self.name} ({rate}%)"

    @property
    def tax_type(self) -> str:
        return self.xero_id


class Currency(SyncedRecord):
    """A currency enabled in the organisation. ``xero_id`` holds its ISO code."""

    description = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = "currencies"
        ordering = ["xero_id"]
        constraints = [models.UniqueConstraint(fields=["business", "xero_id"], name="currency_unique_xero_id")]

    def __str__(self) -> str:
        return self.xero_id

    @property
    def code(self) -> str:
        return self.xero_id


class ListGroup(models.TextChoices):
    """What one refresh fetches: each group is one Xero endpoint (contacts are paged)."""

    ACCOUNTS = "accounts", "Categories and payment methods"
    CONTACTS = "contacts", "Suppliers and customers"
    TRACKING = "tracking", "Tracking categories"
    TAX_RATES = "tax_rates", "Tax rates"
    CURRENCIES = "currencies", "Currencies"


class ListRefresh(BusinessOwned):
    """One run of the refresh job, with its progress for the banner."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    lists = models.JSONField(default=list, blank=True, help_text="The ListGroup values this refresh fetches.")
    reason = models.CharField(max_length=20, default="manual", help_text="manual, connect, schedule or list page.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_incremental = models.BooleanField(default=False, help_text="Contacts fetched with If-Modified-Since.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    current_list = models.CharField(max_length=20, blank=True)
    progress = models.JSONField(default=dict, blank=True, help_text="Per list: records fetched and archived.")
    xero_calls = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Runs so far (Xero busy or down retries).")
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["business", "status"])]
        verbose_name_plural = "list refreshes"

    def __str__(self) -> str:
        return f"Lists refresh {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def current_list_label(self) -> str:
        if self.current_list == "organisation":
            return "organisation details"
        try:
            return ListGroup(self.current_list).label.lower()
        except ValueError:
            return ""

    @property
    def contacts_fetched(self) -> int | None:
        return (self.progress or {}).get(ListGroup.CONTACTS, {}).get("fetched")


class ListSyncState(BusinessOwned):
    """Per business: when each list was last refreshed, and the contacts watermark.

    Its row is also what ``refresh_start`` locks so concurrent requests start one job.
    """

    contacts_modified_since = models.DateTimeField(
        null=True, blank=True, help_text="If-Modified-Since for the next incremental contacts fetch."
    )
    contacts_full_fetch_at = models.DateTimeField(null=True, blank=True)
    accounts_refreshed_at = models.DateTimeField(null=True, blank=True)
    contacts_refreshed_at = models.DateTimeField(null=True, blank=True)
    tracking_refreshed_at = models.DateTimeField(null=True, blank=True)
    tax_rates_refreshed_at = models.DateTimeField(null=True, blank=True)
    currencies_refreshed_at = models.DateTimeField(null=True, blank=True)
    organisation_name = models.CharField(max_length=255, blank=True)
    base_currency = models.CharField(max_length=3, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business"], name="listsyncstate_unique_business")]

    def __str__(self) -> str:
        return f"List sync state of business {self.business_id}"

    def refreshed_at(self, group: str):
        return getattr(self, f"{group}_refreshed_at")
