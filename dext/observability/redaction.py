"""What never leaves the process in a log line or an error report: tokens, passwords,
secrets, codes. Shared by the log pipeline (``logs.py``) and Sentry (``sentry.py``)."""

import re

# Keys whose values are secret wherever they appear (log fields, request data, headers).
SECRET_KEY_PATTERN = re.compile(
    r"(pass(word)?|secret|token|authori[sz]ation|cookie|session|csrf|api[-_]?key|code_verifier|"
    r"nonce|^code$|^state$|signature|private|otp|recovery)",
    re.IGNORECASE,
)
# Values that look like credentials wherever they appear in text.
SECRET_VALUE_PATTERNS = [
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),  # a JWT
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),  # an Authorization header
    re.compile(r"(?i)\b(access_token|refresh_token|id_token|client_secret|code|code_verifier|password|state)"
               r"=[^&\s\"']+"),  # a secret in a query string or form body
]
REDACTED = "[redacted]"


def redact_text(text: str) -> str:
    for pattern in SECRET_VALUE_PATTERNS:
        text = pattern.sub(lambda m: _keep_name(m.group(0)), text)
    return text


def _keep_name(found: str) -> str:
    if "=" in found:
        return f"{found.split('=', 1)[0]}={REDACTED}"
    if " " in found.strip():
        return f"{found.split()[0]} {REDACTED}"
    return REDACTED


def redact(value, *, key: str = ""):
    """``value`` with secret keys' values and credential-looking text replaced, recursively."""
    if key and SECRET_KEY_PATTERN.search(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    return value
