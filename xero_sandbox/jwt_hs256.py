"""Minimal HS256 JSON Web Tokens for the sandbox's access and id tokens.

The product treats access tokens as opaque and only decodes id_token claims, so a
small standard-library encoder is enough (no extra dependency).
"""

import base64
import hashlib
import hmac
import json


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict, *, key: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), default=str).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(key.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def decode(token: str, *, key: str) -> dict:
    """The claims of a token signed with ``key``; ValueError if the signature is wrong."""
    try:
        header, payload, signature = token.split(".")
    except ValueError as exc:
        raise ValueError("not a JWT") from exc
    expected = hmac.new(key.encode(), f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _unb64(signature)):
        raise ValueError("bad signature")
    return json.loads(_unb64(payload))
