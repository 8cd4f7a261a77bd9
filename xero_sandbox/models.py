"""The sandbox's own records: apps, Xero users, organisations, grants and tokens.

Nothing here imports the product. The accounting data of each organisation lives
in ``xero_sandbox.accounting`` and points at :class:`Organisation`.
"""

import uuid

from django.db import models


class SandboxApp(models.Model):
    """A Xero "app" (an OAuth2 client) registered with the sandbox."""

    class AppType(models.TextChoices):
        WEB = "web", "Web app"
        PKCE = "pkce", "Auth code with PKCE"

    client_id = models.CharField(max_length=100, unique=True)
    # Empty for PKCE apps, which have no secret (as in Xero).
    client_secret = models.CharField(max_length=200, blank=True)
    app_type = models.CharField(max_length=10, choices=AppType.choices, default=AppType.WEB)
    name = models.CharField(max_length=200)
    # For apps other than the built-in one; the built-in app reads
    # settings.XERO_SANDBOX_REDIRECT_URIS at request time instead.
    redirect_uris = models.JSONField(default=list, blank=True)
    created = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class SandboxUser(models.Model):
    """A person who logs in to "Xero" (never a product user)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # xero_userid
    email = models.EmailField(unique=True)
    password = models.CharField(max_length=200)  # a Django password hash
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    created = models.DateTimeField()

    def __str__(self) -> str:
        return self.email


class Organisation(models.Model):
    """A Xero organisation; its primary key is the tenantId the API uses."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    short_code = models.CharField(max_length=20, blank=True)
    country_code = models.CharField(max_length=2)
    base_currency = models.CharField(max_length=3)
    timezone = models.CharField(max_length=60, default="UTC")
    period_lock_date = models.DateField(null=True, blank=True)
    end_of_year_lock_date = models.DateField(null=True, blank=True)
    created = models.DateTimeField()
    users = models.ManyToManyField(SandboxUser, related_name="organisations", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Connection(models.Model):
    """One organisation a user connected to one app (Xero's /connections row)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="connections")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="connections")
    auth_event_id = models.UUIDField()
    scopes = models.TextField(help_text="Space-separated scopes granted at the last consent.")
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(fields=["app", "user", "organisation"], name="sbx_connection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} via {self.app.client_id}"


class AuthorisationCode(models.Model):
    """A single-use code from the authorize redirect."""

    code = models.CharField(max_length=100, unique=True)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE)
    redirect_uri = models.TextField()
    scopes = models.TextField()
    nonce = models.TextField(blank=True)
    code_challenge = models.CharField(max_length=200, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    auth_event_id = models.UUIDField()
    created = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.user_id} via {self.app_id}"


class RefreshToken(models.Model):
    """A refresh token; rotated on every use, the old one kept for the grace period."""

    token = models.CharField(max_length=100, unique=True)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE)
    scopes = models.TextField()
    auth_event_id = models.UUIDField()
    created = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Set when the token was used to get a new pair; it may be used again until
    # rotated_at + grace (Xero's 30-minute retry window).
    rotated_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refresh token for {self.user_id} via {self.app_id}"


class AccessToken(models.Model):
    """An access token. Stored as a SHA-256 digest: the token itself is a long JWT."""

    token_hash = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE)
    scopes = models.TextField()
    auth_event_id = models.UUIDField()
    created = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"access token for {self.user_id} via {self.app_id}"


class IdempotencyRecord(models.Model):
    """The first response to a request carrying an Idempotency-Key, replayed for 6 minutes."""

    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.TextField()
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    created = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["app", "key"], name="sbx_idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} key {self.key}"


class FaultRule(models.Model):
    """A switch that makes the next API calls misbehave (set by tests, the control API or page)."""

    class Kind(models.TextChoices):
        ERROR_500 = "error_500", "Fail with 500"
        ERROR_503 = "error_503", "Fail with 503"
        DROP_AFTER_COMMIT = "drop_after_commit", "Drop the connection after the write commits"
        LATENCY = "latency", "Add latency"
        RATE_LIMIT = "rate_limit", "Answer 429"
        KEY_CONFLICT = "key_conflict", "Answer 409 as if the Idempotency-Key were in flight"
        BATCH_400 = "batch_400", "Save a batch's valid elements but answer 400"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    # How many more calls it applies to; null means until cleared (latency).
    remaining = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    # Retry-After of a forced 429; 0 sends none (as a concurrent-limit 429 may come).
    retry_after = models.PositiveIntegerField(default=60)
    # X-Rate-Limit-Problem for a forced 429.
    problem = models.CharField(max_length=20, default="minute", blank=True)
    path_prefix = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.remaining if self.remaining is not None else '∞'})"


class RateCounter(models.Model):
    """Calls counted in one fixed window (minute or day) for an app, per tenant or app-wide."""

    class Window(models.TextChoices):
        MINUTE = "minute"
        DAY = "day"
        APP_MINUTE = "appminute"

    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    # The tenantId, or "" for the app-wide window (a string, not a nullable foreign
    # key, so the unique constraint also holds for the app-wide row).
    tenant = models.CharField(max_length=36, blank=True)
    window = models.CharField(max_length=10, choices=Window.choices)
    window_start = models.BigIntegerField(help_text="Window number since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "tenant", "window", "window_start"], name="sbx_ratecounter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.window_start}: {self.count}"


class InFlightCall(models.Model):
    """A call being served now, for the 5-concurrent limit (a row, so it counts across threads and processes)."""

    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    started = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"in flight since {self.started}"


class RequestLog(models.Model):
    """One line per API or token call, so tests and benchmarks can count them."""

    class Kind(models.TextChoices):
        API = "api"  # Accounting API and /connections
        TOKEN = "token"
        REVOCATION = "revocation"

    created = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.API)
    method = models.CharField(max_length=10)
    path = models.TextField()
    status = models.PositiveSmallIntegerField()
    organisation_id = models.UUIDField(null=True, blank=True)
    client_id = models.CharField(max_length=100, blank=True)
    grant_type = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class SigningKey(models.Model):
    """The RSA key the sandbox signs its id and access tokens with (RS256, as Xero).

    Published (public half only) at the identity service's JWKS; made on first use, so
    the web server and the worker, sharing the database, share the key.
    """

    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"signing key {self.kid}"


class WebhookSubscription(models.Model):
    """An app's webhook in Xero's developer portal: where Xero delivers, the key it signs
    with, and whether Xero considers it healthy.

    ``from_settings``: the URL and key follow XERO_SANDBOX_WEBHOOK_URL/KEY (re-read before
    each delivery, and the intent-to-receive check run again when they change) until they
    are set through the control API or page.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the intent-to-receive check"
        OK = "ok", "OK"
        INTENT_FAILED = "intent_failed", "Intent to receive failed"
        UNHEALTHY = "unhealthy", "Unhealthy: deliveries stopped"

    app = models.OneToOneField(SandboxApp, on_delete=models.CASCADE, related_name="webhook")
    url = models.CharField(max_length=500)
    key = models.CharField(max_length=200)
    from_settings = models.BooleanField(default=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    status_detail = models.CharField(max_length=300, blank=True)
    last_intent_check_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Failed deliveries in a row (reset by a success), when the first of them failed, and
    # when the next try is due.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # One delivery at a time: the deliverer holds this lease while it posts.
    delivering_until = models.DateTimeField(null=True, blank=True)
    last_sequence = models.PositiveIntegerField(default=0)
    created = models.DateTimeField()
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"Webhook of {self.app.client_id} → {self.url} ({self.get_status_display()})"


class WebhookEvent(models.Model):
    """A change Xero would notify, waiting for (or done with) delivery."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="events")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    category = models.CharField(max_length=20)
    event_type = models.CharField(max_length=10)
    resource_id = models.UUIDField()
    event_date = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["subscription", "delivered_at", "sequence"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.category} {self.event_type} {self.resource_id}"


class WebhookDelivery(models.Model):
    """One POST to the subscription's URL: an intent-to-receive probe or a batch of events."""

    class Kind(models.TextChoices):
        INTENT = "intent", "Intent to receive"
        EVENTS = "events", "Events"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created = models.DateTimeField()
    url = models.CharField(max_length=500)
    correctly_signed = models.BooleanField(default=True)
    event_count = models.PositiveIntegerField(default=0)
    first_sequence = models.PositiveIntegerField(default=0)
    last_sequence = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.status_code or self.error}"
