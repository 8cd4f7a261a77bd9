"""Our own errors for everything that can go wrong talking to Xero.

The gateway (this package) turns every xero-python, urllib3 and HTTP failure into one
of these, raised ``from`` the original. Each has a stable ``code`` and a plain
``user_message`` saying what happened and what to do; raw provider text stays in
``detail`` for logs and the support-staff attempt log.
"""


from dext.errors import ApplicationError


class XeroError(ApplicationError):
    code = "xero_error"
    user_message = "Xero could not complete the request. Please try again in a few minutes."

    def __init__(self, detail: str = "", *, status: int | None = None, body=None):
        # Not ApplicationError's constructor: the text given here is Xero's (for logs),
        # while ``user_message`` stays ours.
        Exception.__init__(self, detail or self.user_message)
        self.detail = detail
        self.status = status
        self.body = body


class XeroAuthError(XeroError):
    """The connection is no longer authorised (revoked, expired refresh token, missing scope)."""

    code = "reconnect_required"
    user_message = (
        "Your Xero connection needs reconnecting. An administrator can reconnect it from "
        "Business Settings → Connections → Manage → Reconnect."
    )


class XeroPermissionMissing(XeroAuthError):
    """Xero answered 401 ``AuthorizationUnsuccessful``: the token is valid but lacks the scope
    this call needs. A refresh can't help (the new token has the same scopes); reconnecting
    and allowing the permission can."""

    code = "permission_missing"

    def __init__(self, detail: str = "", *, permission=None, **kwargs):
        super().__init__(detail, **kwargs)
        self.permission = permission  # connections.xero.permissions.Permission, when known

    @property
    def user_message(self) -> str:  # type: ignore[override]
        what = f"“{self.permission.label}” ({self.permission.purpose})" if self.permission else "a permission it needs"
        return (
            f"Xero hasn't given dext the {what} permission. An administrator can reconnect from "
            "Business Settings → Connections → Manage → Reconnect and allow it."
        )


class XeroRateLimited(XeroError):
    code = "rate_limited"
    user_message = "Xero's usage limit was reached. dext will try again automatically."

    def __init__(self, detail: str = "", *, retry_after: float = 60.0, problem: str = "", **kwargs):
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after
        self.problem = problem


class XeroValidationError(XeroError):
    """Xero refused the data (HTTP 400 ValidationException). Never retried."""

    code = "validation"

    def __init__(self, detail: str = "", *, messages: list[str] | None = None, **kwargs):
        super().__init__(detail, **kwargs)
        self.messages = messages or ([detail] if detail else [])

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return "; ".join(self.messages) or XeroError.user_message


class XeroNotFound(XeroError):
    code = "not_found"
    user_message = "The record was not found in Xero. It may have been deleted there."


class XeroUnavailable(XeroError):
    """5xx, timeouts, dropped connections and malformed responses. Retried with backoff."""

    code = "unavailable"
    user_message = "Xero is not responding right now. dext will try again automatically."


class XeroRequestInFlight(XeroUnavailable):
    """Xero (or something in front of it) says a request with the same Idempotency-Key is
    still being processed. Xero itself makes the second request wait for the first
    (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/); any
    answer like this means "the first is still running": ask again in a moment with the same
    key, which then replays the first request's answer."""

    code = "request_in_flight"
    retry_after = 2.0
