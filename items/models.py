"""Items: the bills, receipts, sales invoices and credit notes a business publishes to Xero.

An :class:`Item` always has one :class:`Document` (the uploaded file). Its ``status`` is
computed by ``items.services`` for the editable states (To review / Ready) and driven by
the publishing app for Queued / Publishing / Published / Failed. Every change is written
as an :class:`ItemHistory` row. :class:`ContactRule` and :class:`ItemSettings` fill
fields the user has not set by hand (precedence: manual edit > contact rule > business
defaults; see ``items/README.md``).
"""

from django.conf import settings
from django.db import models

from dext.tenancy.models import Business, BusinessOwned
from lists.models import Category, Contact, PaymentMethod, TaxRate, TrackingOption

# Xero stores line and document amounts with two decimal places; zero-decimal currencies
# (e.g. JPY) are further restricted by validation (see items.money).
MONEY = {"max_digits": 14, "decimal_places": 2}


class ItemType(models.TextChoices):
    COST = "cost", "Cost"
    SALE = "sale", "Sale"


class DocumentType(models.TextChoices):
    INVOICE = "invoice", "Invoice / bill"
    RECEIPT = "receipt", "Receipt"
    CREDIT_NOTE = "credit_note", "Credit note"


# What a bookkeeper calls each kind of item (headings, messages, history).
KIND_LABELS = {
    ("cost", "invoice"): "Bill",
    ("cost", "receipt"): "Receipt",
    ("cost", "credit_note"): "Credit note",
    ("sale", "invoice"): "Sales invoice",
    ("sale", "receipt"): "Sales receipt",
    ("sale", "credit_note"): "Sales credit note",
}


class ItemStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    TO_REVIEW = "to_review", "To review"
    READY = "ready", "Ready"
    QUEUED = "queued", "Queued"
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    ARCHIVED = "archived", "Archived"


# States shown in the Inbox; the rest are in the Archive.
INBOX_STATUSES = (
    ItemStatus.PROCESSING,
    ItemStatus.TO_REVIEW,
    ItemStatus.READY,
    ItemStatus.QUEUED,
    ItemStatus.PUBLISHING,
    ItemStatus.FAILED,
)
ARCHIVE_STATUSES = (ItemStatus.PUBLISHED, ItemStatus.ARCHIVED)
# States in which a person may change an item. While processing the capture worker owns
# it, while queued or publishing the publishing worker; published items are read-only.
EDITABLE_STATUSES = (ItemStatus.TO_REVIEW, ItemStatus.READY, ItemStatus.FAILED)


class PublishDestination(models.TextChoices):
    PURCHASES_DRAFT = "purchases_draft", "Purchases as Draft"
    PURCHASES_AWAITING_APPROVAL = "purchases_awaiting_approval", "Purchases as Awaiting Approval"
    PURCHASES_AWAITING_PAYMENT = "purchases_awaiting_payment", "Purchases as Awaiting Payment"
    PURCHASES_PAID = "purchases_paid", "Purchases as Paid"
    SPEND_MONEY = "spend_money", "Bank Accounts as Spend Money"
    SALES_INVOICE = "sales_invoice", "Sales as invoice"
    RECEIVE_MONEY = "receive_money", "Bank Accounts as Receive Money"


COST_DESTINATIONS = (
    PublishDestination.PURCHASES_DRAFT,
    PublishDestination.PURCHASES_AWAITING_APPROVAL,
    PublishDestination.PURCHASES_AWAITING_PAYMENT,
    PublishDestination.PURCHASES_PAID,
    PublishDestination.SPEND_MONEY,
)
SALE_DESTINATIONS = (PublishDestination.SALES_INVOICE, PublishDestination.RECEIVE_MONEY)
BANK_DESTINATIONS = (PublishDestination.SPEND_MONEY, PublishDestination.RECEIVE_MONEY)
# Destinations that need a payment method (the bank account the money moves through).
PAYMENT_DESTINATIONS = (PublishDestination.PURCHASES_PAID, *BANK_DESTINATIONS)


class TaxCalculation(models.TextChoices):
    DOCUMENT = "document", "Use the document's tax amounts"
    XERO = "xero", "Let Xero calculate tax"


class AutoPublish(models.TextChoices):
    NEVER = "never", "Never"
    ALWAYS = "always", "Always"


class Document(BusinessOwned):
    """An uploaded file, stored under a server-generated name through Django's storage API."""

    storage_name = models.CharField(max_length=255, unique=True)
    thumbnail_name = models.CharField(max_length=255, blank=True)
    # A readable PDF made from an e-invoice (XML): its preview, and the file attached in Xero.
    rendition_name = models.CharField(max_length=255, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["business", "sha256"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf" or bool(self.rendition_name)

    @property
    def is_einvoice(self) -> bool:
        return self.content_type == "application/xml"

    @property
    def viewable(self) -> tuple[str, str, str]:
        """(storage name, content type, file name) of what people see and Xero receives:
        the file itself, or the readable PDF made from an e-invoice."""
        if self.rendition_name:
            stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name
            return self.rendition_name, "application/pdf", f"{stem}.pdf"
        return self.storage_name, self.content_type, self.original_name

    @property
    def stored_names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.storage_name, self.thumbnail_name, self.rendition_name) if name)


class Item(BusinessOwned):
    item_type = models.CharField("type", max_length=10, choices=ItemType.choices, default=ItemType.COST)
    document_type = models.CharField(max_length=20, choices=DocumentType.choices, default=DocumentType.INVOICE)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="item")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    reference = models.CharField("reference (invoice number)", max_length=255, blank=True)
    currency_code = models.CharField("currency", max_length=3, blank=True)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    total = models.DecimalField(null=True, blank=True, **MONEY)
    tax_amount = models.DecimalField(null=True, blank=True, **MONEY)
    net = models.DecimalField(null=True, blank=True, **MONEY)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tax_rate = models.ForeignKey(TaxRate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payment_method = models.ForeignKey(PaymentMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    paid = models.BooleanField(default=False)
    publish_destination = models.CharField(max_length=40, choices=PublishDestination.choices, blank=True)
    tracking_option_1 = models.ForeignKey(TrackingOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tracking_option_2 = models.ForeignKey(TrackingOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(max_length=4000, blank=True)
    notes = models.TextField(blank=True)

    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.TO_REVIEW)
    # The plain messages saying why an item is To review, recomputed on every change so
    # lists can show them without recomputing per row.
    review_issues = models.JSONField(default=list, blank=True)
    # Names of fields a person set by hand; rules, defaults and capture never overwrite them.
    manual_fields = models.JSONField(default=list, blank=True)
    # Fields whose value was read from the document. Rules and defaults don't overwrite them
    # (the document says what its due date or currency is); reading it again may.
    read_fields = models.JSONField(default=list, blank=True)
    # Fields capture filled with low confidence that nobody has checked yet: they keep
    # the item To review until a person saves it.
    unconfirmed_fields = models.JSONField(default=list, blank=True)
    # Set when the document could not be read at all (shown with the review issues).
    capture_note = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Items the user said this one is not a duplicate of ("keep both").
    duplicate_ignored_ids = models.JSONField(default=list, blank=True)
    # Bumped on every change of content, so publishing can derive an idempotency key
    # per item version.
    version = models.PositiveIntegerField(default=1)

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["business", "status", "-id"]),
            models.Index(fields=["business", "contact", "reference"]),
            models.Index(fields=["business", "contact", "date"]),
        ]

    def __str__(self) -> str:
        """"Bill INV-2291 from Bakery Supplies Co", "Sales invoice to Corner Café", or the
        file's name while nothing identifies it: never an internal id."""
        words = [self.kind_label]
        if self.reference:
            words.append(self.reference)
        if self.contact_id:
            words.append(f"{'to' if self.item_type == ItemType.SALE else 'from'} {self.contact.name}")
        if len(words) == 1:
            words.append(f"“{self.document.original_name}”" if self.document_id else "(no details yet)")
        return " ".join(words)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get((self.item_type, self.document_type), "Item")

    @property
    def contact_role(self) -> str:
        """"supplier" on costs, "customer" on sales."""
        return "customer" if self.item_type == ItemType.SALE else "supplier"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_in_inbox(self) -> bool:
        return self.status in INBOX_STATUSES

    @property
    def tracking_options(self) -> list[TrackingOption]:
        return [option for option in (self.tracking_option_1, self.tracking_option_2) if option is not None]


class ItemLine(BusinessOwned):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=4000, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tax_rate = models.ForeignKey(TaxRate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tracking_option_1 = models.ForeignKey(TrackingOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tracking_option_2 = models.ForeignKey(TrackingOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    net = models.DecimalField(**MONEY)
    tax_amount = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description or f"Line {self.position + 1}"


class ItemHistory(BusinessOwned):
    class Action(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        READ = "read", "Read from the document"
        EDITED = "edited", "Edited"
        RULE_APPLIED = "rule_applied", "Rule applied"
        ARCHIVED = "archived", "Archived"
        UNARCHIVED = "unarchived", "Unarchived"
        DUPLICATE_FLAGGED = "duplicate_flagged", "Flagged as a possible duplicate"
        DUPLICATE_KEPT = "duplicate_kept", "Marked as not a duplicate"
        STATUS = "status", "Status changed"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="history")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    # {field label: [old, new]} as display strings, so history survives list changes.
    changes = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "item history"

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created:%Y-%m-%d %H:%M}"


class ContactRule(BusinessOwned):
    """Defaults for every item from one supplier or customer."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="item_rule")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tax_rate = models.ForeignKey(TaxRate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payment_method = models.ForeignKey(PaymentMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # None: the rule leaves "paid" alone.
    paid = models.BooleanField(null=True, blank=True)
    publish_destination = models.CharField(max_length=40, choices=PublishDestination.choices, blank=True)
    tracking_option_1 = models.ForeignKey(TrackingOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tracking_option_2 = models.ForeignKey(TrackingOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(max_length=4000, blank=True)
    currency_code = models.CharField("currency", max_length=3, blank=True)
    due_date_offset_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Due date = document date + this many days."
    )
    auto_publish = models.CharField(max_length=10, choices=AutoPublish.choices, default=AutoPublish.NEVER)
    # Who last saved the rule with auto-publish Always. Items it publishes are published
    # with this person's permission, checked again each time the rule fires.
    auto_publish_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contact__name"]

    def __str__(self) -> str:
        return f"Rule for {self.contact}"

    @property
    def auto_publish_paused(self) -> bool:
        """Auto-publish is on but its author may no longer publish (needs the
        ``author_may_publish`` annotation of ``items.selectors``)."""
        return self.auto_publish == AutoPublish.ALWAYS and not getattr(self, "author_may_publish", False)


class ItemSettings(models.Model):
    """Business-level tax & category settings."""

    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="item_settings")
    tax_calculation = models.CharField(max_length=10, choices=TaxCalculation.choices, default=TaxCalculation.DOCUMENT)
    default_category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    default_tax_rate = models.ForeignKey(TaxRate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "item settings"

    def __str__(self) -> str:
        return f"Tax & category settings of {self.business}"
