"""Tokens at rest: encrypted, and the key can rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from connections import crypto
from connections.models import XeroConnection

pytestmark = pytest.mark.django_db


def _connection(business):
    connection = XeroConnection(business=business, tenant_id="t", tenant_name="Org")
    connection.access_token = "access-secret-value"
    connection.refresh_token = "refresh-secret-value"
    connection.save()
    return connection


def test_tokens_are_stored_encrypted(business):
    from django.core import serializers

    connection = _connection(business)
    dump = serializers.serialize("json", XeroConnection.objects.all())
    assert "access-secret-value" not in dump and "refresh-secret-value" not in dump
    connection.refresh_from_db()
    assert connection.access_token == "access-secret-value"


def test_key_rotation_reencrypts_with_the_new_key(business, settings):
    old_key = settings.FIELD_ENCRYPTION_KEY[0]
    _connection(business)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [new_key, old_key]
    call_command("reencrypt_tokens")
    settings.FIELD_ENCRYPTION_KEY = [new_key]  # the old key is gone
    connection = XeroConnection.objects.get()
    assert connection.refresh_token == "refresh-secret-value"


def test_a_value_from_an_unknown_key_is_refused(settings):
    value = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(value)
