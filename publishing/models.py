"""Publishing an item to Xero: one :class:`Publication` per item, one
:class:`PublishAttempt` row per call we make for it.

The publication records how far the item got (document created, payment recorded,
file attached) so a retry resumes at the step that failed instead of starting again,
and the Idempotency-Key and send time of the create so a retry never makes a second
document in Xero.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dext.tenancy.models import BusinessOwned
from items.models import Item


class PublicationState(models.TextChoices):
    QUEUED = "queued", "Queued"
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    # Its document was voided or deleted in Xero and someone chose to publish the item
    # again: the Xero ids are cleared and the item waits, Ready, for its new publish.
    CLEARED = "cleared", "Cleared to publish again"
    # Not created: Xero seems to have this document already (see XeroMatch).
    SET_ASIDE = "set_aside", "Possible duplicate in Xero"


class XeroEndpoint(models.TextChoices):
    INVOICES = "Invoices", "Invoice"
    CREDIT_NOTES = "CreditNotes", "Credit note"
    BANK_TRANSACTIONS = "BankTransactions", "Bank transaction"


class Publication(BusinessOwned):
    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="publication")
    state = models.CharField(max_length=12, choices=PublicationState.choices, default=PublicationState.QUEUED)
    item_version = models.PositiveIntegerField(help_text="The item version being published.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto = models.BooleanField(default=False, help_text="Published by a supplier rule, not a click.")
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the publication while it works on it; a dead worker's lease expires
    # and the sweeper hands the publication to another.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When a task message naming the publication was last put on the broker's queue; None
    # once a running task carries it, or while a retry waits in a worker. A message a dead
    # worker took off the queue but never started is lost with it: the sweeper knows it by
    # this, once the queue has drained.
    message_queued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    # Step 1: the document.
    endpoint = models.CharField(max_length=20, choices=XeroEndpoint.choices, blank=True)
    xero_type = models.CharField(max_length=20, blank=True, help_text="ACCPAY, ACCREC, SPEND, …")
    xero_status = models.CharField(max_length=20, blank=True)
    create_key = models.CharField(max_length=128, blank=True, help_text="Idempotency-Key of the create.")
    create_sent_at = models.DateTimeField(null=True, blank=True, help_text="When that create was first sent.")
    xero_id = models.CharField(max_length=64, blank=True)
    xero_number = models.CharField(max_length=255, blank=True)
    xero_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # What Xero says about the document since (read back: webhooks and polling).
    xero_status_checked_at = models.DateTimeField(null=True, blank=True, help_text="When Xero's status was last read.")
    xero_updated_at = models.DateTimeField(null=True, blank=True, help_text="Xero's UpdatedDateUTC when read.")
    xero_amount_due = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    xero_paid_on = models.DateField(null=True, blank=True, help_text="Xero's FullyPaidOnDate.")
    # Documents of earlier publishes that were voided or deleted in Xero (newest last):
    # never taken for this item's document again.
    replaced_xero_ids = models.JSONField(default=list, blank=True)
    # The document was already in Xero and the item's file was attached to it: dext did
    # not create it, so dext never voids, deletes or re-creates it.
    matched = models.BooleanField(default=False, help_text="Attached to a document already in Xero, not created.")
    # Step 2: the payment of a bill published as Paid.
    payment_needed = models.BooleanField(default=False)
    payment_xero_id = models.CharField(max_length=64, blank=True)
    payment_sent_at = models.DateTimeField(null=True, blank=True, help_text="When the payment was first sent.")
    # Step 3: the document's file.
    attachment_xero_id = models.CharField(max_length=64, blank=True)
    attachment_attempts = models.PositiveIntegerField(default=0)

    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    error_fix_url = models.CharField(max_length=300, blank=True)
    error_fix_label = models.CharField(max_length=100, blank=True)
    notice = models.CharField(max_length=500, blank=True, help_text="Something the user should know, not an error.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "lease_expires_at"]), models.Index(fields=["business", "xero_id"])]

    def __str__(self) -> str:
        return f"Publication of item {self.item_id} ({self.get_state_display()})"

    @property
    def key_base(self) -> str:
        """Stable per item version: every retry of this version reuses it."""
        return f"dext-{self.business_id}-item-{self.item_id}-v{self.item_version}"

    @property
    def created_in_xero(self) -> bool:
        return bool(self.xero_id)

    @property
    def awaiting_xero_choice(self) -> bool:
        """Set aside as a possible duplicate in Xero, waiting for a person's choice."""
        return self.state == PublicationState.SET_ASIDE and XeroMatch.objects.filter(
            publication=self, state=XeroMatchState.OPEN
        ).exists()

    @property
    def xero_url(self) -> str:
        from publishing.links import xero_document_url

        return xero_document_url(self)


class StatusPoll(BusinessOwned):
    """How far the periodic read of Xero's changes has got for one connection: per
    endpoint, the newest ``UpdatedDateUTC`` seen (Xero's clock, not ours), the next
    poll's ``If-Modified-Since``. Kept by publishing, which is what reads it."""

    connection = models.OneToOneField("connections.XeroConnection", on_delete=models.CASCADE, related_name="+")
    tenant_id = models.CharField(max_length=64, help_text="The organisation the marks belong to.")
    # {"Invoices": "2026-05-04T10:00:00+00:00", …}
    marks = models.JSONField(default=dict, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Status poll of connection {self.connection_id}"


class PublishAttempt(BusinessOwned):
    """One call to Xero for a publication: what we sent, what came back. For support
    staff (Django admin); tokens never appear here."""

    class Step(models.TextChoices):
        VALIDATE = "validate", "Check before sending"
        CREATE = "create", "Create document"
        LOOKUP = "lookup", "Look up document"
        PAYMENT = "payment", "Record payment"
        ATTACH = "attach", "Attach file"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempts_log")
    step = models.CharField(max_length=10, choices=Step.choices)
    task_id = models.CharField(max_length=64, blank=True)
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True, help_text="ok, error, retry, unknown")
    error_code = models.CharField(max_length=50, blank=True)
    request_summary = models.JSONField(default=dict, blank=True)
    response_body = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} for item {self.publication.item_id}: {self.outcome}"


class XeroMatchState(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    ATTACHED = "attached", "Attached to the document in Xero"
    PUBLISHED_ANYWAY = "published_anyway", "Published anyway"
    SKIPPED = "skipped", "Skipped"


class XeroMatch(BusinessOwned):
    """Documents already in Xero that look like the one a publication was about to create
    (same contact and number; or same contact and total, dated a few days apart), found
    just before the create, and what the person decided."""

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="xero_match")
    # Each: endpoint, type, id, number, reference, date (ISO), total, currency, status, contact.
    candidates = models.JSONField(default=list)
    state = models.CharField(max_length=20, choices=XeroMatchState.choices, default=XeroMatchState.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Xero documents a person said are not this one ("Publish anyway"): never a match again.
    dismissed_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "Xero matches"

    def __str__(self) -> str:
        return f"Possible duplicate in Xero for item {self.publication.item_id} ({self.get_state_display()})"
