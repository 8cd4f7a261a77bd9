"""A business's link to its Xero organisation, the OAuth round trips that make it, and
an audit log of everything that happens to it.

The tenant link (business ↔ Xero organisation), the Xero user's token set and the
pending authorisation are separate things, as in Sentry's integrations. Tokens are
stored only encrypted (see ``connections/crypto.py``) and never leave this app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from connections import crypto
from dext.tenancy.models import BusinessOwned


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", "Connected"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
    DISCONNECTED = "disconnected", "Disconnected"


class XeroConnection(BusinessOwned):
    """The business's Xero organisation. One per business; kept (disconnected) after a
    disconnect so lists and published items still say where they came from."""

    status = models.CharField(max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.CONNECTED)
    status_reason = models.CharField(max_length=300, blank=True)
    tenant_id = models.CharField(max_length=64, help_text="Xero's tenantId (the organisation).")
    tenant_name = models.CharField(max_length=255)
    tenant_type = models.CharField(max_length=30, default="ORGANISATION")
    xero_connection_id = models.CharField(max_length=64, blank=True, help_text="Xero's id for this app↔tenant link.")
    auth_event_id = models.CharField(max_length=64, blank=True)
    xero_user_email = models.CharField(max_length=255, blank=True)
    # From GET /Organisation (lists refresh, health check): for deep links and for checking
    # dates before publishing.
    organisation_short_code = models.CharField(max_length=20, blank=True)
    period_lock_date = models.DateField(null=True, blank=True)
    end_of_year_lock_date = models.DateField(null=True, blank=True)
    organisation_checked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.TextField(blank=True)
    # Encrypted at rest; read and written only through the properties below.
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_obtained_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_health_check_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    reconnect_notified_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business"], name="xeroconnection_one_per_business")]

    def __str__(self) -> str:
        return f"{self.business} → {self.tenant_name} ({self.get_status_display()})"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    @access_token.setter
    def access_token(self, value: str) -> None:
        self.access_token_encrypted = crypto.encrypt(value)

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted)

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = crypto.encrypt(value)

    @property
    def is_connected(self) -> bool:
        return self.status == ConnectionStatus.CONNECTED

    @property
    def permissions_missing(self) -> list:
        """The permissions dext needs that Xero did not grant (from the granted scopes,
        narrowed whenever Xero refuses a call for want of one)."""
        from connections.xero.permissions import permissions_missing

        return permissions_missing(self.scopes) if self.scopes else []

    @property
    def needs_reconnect(self) -> bool:
        return self.status == ConnectionStatus.NEEDS_RECONNECT


class OAuthAttempt(BusinessOwned):
    """One Connect or Reconnect round trip to Xero, from "Connect software" to "Finish".

    The ``state`` is single-use and bound to the business, the user and their session;
    after the code exchange the token set waits here, encrypted, until the user has
    chosen an organisation.
    """

    class Purpose(models.TextChoices):
        CONNECT = "connect", "Connect"
        RECONNECT = "reconnect", "Reconnect"

    class Stage(models.TextChoices):
        STARTED = "started", "Sent to Xero"
        AUTHORISED = "authorised", "Back from Xero"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.STARTED)
    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    code_verifier_encrypted = models.TextField(blank=True)
    redirect_uri = models.CharField(max_length=500)
    token_set_encrypted = models.TextField(blank=True, help_text="JSON token response, encrypted.")
    tenants = models.JSONField(default=list, blank=True, help_text="Organisations this authorisation granted.")
    xero_user_email = models.CharField(max_length=255, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.business} ({self.get_stage_display()})"


class EventKind(models.TextChoices):
    CONNECTED = "connected", "Connected"
    RECONNECTED = "reconnected", "Reconnected"
    ORGANISATION_CHANGED = "organisation_changed", "Organisation changed"
    REFRESHED = "refreshed", "Lists refreshed"
    REFRESH_FAILED = "refresh_failed", "Lists refresh failed"
    TOKEN_REFRESHED = "token_refreshed", "Token refreshed"
    TOKEN_REFRESH_FAILED = "token_refresh_failed", "Token refresh failed"
    DISCONNECTED = "disconnected", "Disconnected"
    DISCONNECTED_AT_XERO = "disconnected_at_xero", "Disconnected at Xero"
    CONNECT_FAILED = "connect_failed", "Connection attempt failed"
    HEALTH_CHECKED = "health_checked", "Health check passed"


class ConnectionEvent(BusinessOwned):
    """Audit log of a business's accounting connection."""

    connection = models.ForeignKey(XeroConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(max_length=500, blank=True)
    tenant_name = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.business}"


class WebhookEventOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class XeroWebhookEvent(models.Model):
    """One event of a Xero webhook delivery, stored on receipt before anything reads it.

    Not tenant-owned: an event may name an organisation no business is connected to (it
    is then ignored). Xero delivers at least once and gives events no id, so ``event_key``
    is a digest of what identifies the change; a replayed event is stored once.
    """

    event_key = models.CharField(max_length=64, unique=True)
    tenant_id = models.CharField(max_length=64)
    tenant_type = models.CharField(max_length=30, blank=True)
    category = models.CharField(max_length=30, help_text="eventCategory: CONTACT, INVOICE, CREDITNOTE …")
    event_type = models.CharField(max_length=30, help_text="eventType: CREATE or UPDATE.")
    resource_id = models.CharField(max_length=64)
    resource_url = models.CharField(max_length=500, blank=True)
    event_date = models.DateTimeField(null=True, blank=True, help_text="eventDateUtc.")
    data = models.JSONField(default=dict, blank=True, help_text="A credit note's Type and Status.")
    payload = models.JSONField(default=dict, help_text="The event as Xero sent it.")
    received_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=WebhookEventOutcome.choices, default=WebhookEventOutcome.PENDING)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [
            models.Index(fields=["outcome", "tenant_id"]),
            models.Index(fields=["tenant_id", "received_at"]),
            models.Index(fields=["processed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.event_type} {self.resource_id} ({self.get_outcome_display()})"


class XeroWebhookReceiver(models.Model):
    """What the endpoint has seen, for the Connections page (one row).

    Signature failures cannot be pinned to an organisation (the body is not trusted), so
    they are counted here. Probes of Xero's intent-to-receive check (no events) are
    expected to fail sometimes and are not counted.
    """

    last_delivery_at = models.DateTimeField(null=True, blank=True)
    last_intent_check_at = models.DateTimeField(null=True, blank=True)
    last_signature_failure_at = models.DateTimeField(null=True, blank=True)
    signature_failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return "Xero webhook receiver"
