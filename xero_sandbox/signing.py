"""The sandbox signs its tokens like Xero's identity service: RS256 with a key published
in a JWKS (https://developer.xero.com/documentation/guides/oauth2/auth-flow/, "Decoding
the id_token"), found through an OpenID discovery document."""

import functools
import hashlib

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from xero_sandbox import clock
from xero_sandbox.models import SigningKey

ALGORITHM = "RS256"


@functools.cache
def _process_private_key_pem() -> str:
    """One new key per process (2048-bit generation takes a moment): every test database
    starts empty, and this keeps re-creating its key row cheap."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _kid(pem: str) -> str:
    public = serialization.load_pem_private_key(pem.encode(), password=None).public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:32]


def signing_key() -> SigningKey:
    """The current key, made if there is none yet (safe when two processes race)."""
    key = SigningKey.objects.order_by("created", "id").first()
    if key is not None:
        return key
    pem = _process_private_key_pem()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(kid=_kid(pem), private_key_pem=pem, created=clock.now())
    except IntegrityError:
        return SigningKey.objects.order_by("created", "id").first()


def sign(claims: dict) -> str:
    key = signing_key()
    return jwt.encode(claims, key.private_key_pem, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})


def jwks() -> dict:
    """The public keys, as a JSON Web Key Set."""
    keys = []
    for key in SigningKey.objects.all() or [signing_key()]:
        public = serialization.load_pem_private_key(key.private_key_pem.encode(), password=None).public_key()
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
        keys.append({**jwk, "kid": key.kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}
