"""What capture read from an item's document, and what it learned from people.

:class:`DocumentCapture` keeps the outcome of reading an item's document: the source
(e-invoice, PDF text layer or OCR), every field with its confidence and the text it came
from (Item details highlights the uncertain ones), the counterparty as printed (offered as
"Create supplier"), and the state of the worker's run. :class:`SupplierAlias` remembers,
per business, which contact a name printed on documents stands for, learned when a
person picks another contact than the one capture found.
"""

from django.conf import settings
from django.db import models

from dext.tenancy.models import BusinessOwned
from items.models import Item
from lists.models import Contact


class CaptureState(models.TextChoices):
    QUEUED = "queued", "Queued"
    READING = "reading", "Reading"
    DONE = "done", "Read"
    UNREADABLE = "unreadable", "Could not be read"


class CaptureSource(models.TextChoices):
    EINVOICE = "e-invoice", "E-invoice"
    TEXT = "text", "PDF text"
    OCR = "ocr", "OCR"


class DocumentCapture(BusinessOwned):
    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="capture")
    state = models.CharField(max_length=12, choices=CaptureState.choices, default=CaptureState.QUEUED)
    source = models.CharField(max_length=12, choices=CaptureSource.choices, blank=True)
    # {item field: {"value": display text, "confidence": 0..1, "source_text": ..., "page": n}}
    fields = models.JSONField(default=dict, blank=True)
    lines = models.JSONField(default=list, blank=True)
    # The counterparty as printed, for "Create supplier" and for learning aliases.
    printed_name = models.CharField(max_length=255, blank=True)
    tax_number = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=255, blank=True)
    website = models.CharField(max_length=255, blank=True)
    matched_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    match_method = models.CharField(max_length=20, blank=True)
    match_confidence = models.FloatField(null=True, blank=True)
    # All the text read, for support staff (never logged).
    text = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True, help_text="Why the document could not be read.")
    seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the run while reading; the sweeper re-queues a dead worker's run.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "lease_expires_at"])]

    def __str__(self) -> str:
        return f"Capture of item {self.item_id} ({self.get_state_display()})"

    def field(self, name: str) -> dict | None:
        return self.fields.get(name)


class SupplierAlias(BusinessOwned):
    """A name as printed on documents (normalised) → the contact it stands for."""

    key = models.CharField(max_length=255, help_text="The printed name, normalised (case, punctuation, legal form).")
    printed_name = models.CharField(max_length=255)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "supplier aliases"
        constraints = [models.UniqueConstraint(fields=["business", "key"], name="supplieralias_unique_key")]

    def __str__(self) -> str:
        return f"{self.printed_name} → {self.contact}"
