"""Upkeep of OAuth attempts: a Connect abandoned after Xero's callback still holds a live
token set (encrypted) waiting for an organisation to be chosen. Once the attempt can no
longer be finished, the tokens are removed and the refresh token revoked at Xero.

Kept apart from ``services.py`` (the Connect flow itself); run by a periodic task.
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from connections import crypto
from connections.models import ConnectionStatus, OAuthAttempt, XeroConnection
from connections.services import ATTEMPT_LIFETIME
from connections.xero import oauth
from connections.xero.errors import XeroError

logger = logging.getLogger(__name__)

ABANDONED = "abandoned: tokens removed after the attempt expired"


def _revoking_is_safe(attempt: OAuthAttempt) -> bool:
    """Revoking a refresh token makes Xero remove every connection that Xero user gave
    this app, so never when a live dext connection may rest on the same grant: one to
    an organisation of this attempt, or one made by the same Xero user."""
    tenant_ids = [tenant["tenant_id"] for tenant in attempt.tenants]
    same_grant = Q(tenant_id__in=tenant_ids)
    if attempt.xero_user_email:
        same_grant |= Q(xero_user_email__iexact=attempt.xero_user_email)
    return not XeroConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED).filter(same_grant).exists()


def oauth_attempts_purge_abandoned() -> int:
    """Expired attempts lose their token set and PKCE verifier; returns how many held tokens."""
    cutoff = timezone.now() - ATTEMPT_LIFETIME
    OAuthAttempt.objects.filter(created__lt=cutoff, stage=OAuthAttempt.Stage.STARTED).exclude(
        code_verifier_encrypted=""
    ).update(code_verifier_encrypted="", updated=timezone.now())
    purged = 0
    for pk in OAuthAttempt.objects.filter(created__lt=cutoff).exclude(token_set_encrypted="").values_list("pk", flat=True):
        with transaction.atomic():
            attempt = OAuthAttempt.objects.select_for_update().filter(pk=pk).exclude(token_set_encrypted="").first()
            if attempt is None:
                continue  # finished or purged meanwhile
            token_set = oauth.TokenSet.from_json(crypto.decrypt(attempt.token_set_encrypted))
            attempt.token_set_encrypted = ""
            attempt.code_verifier_encrypted = ""
            if attempt.stage != OAuthAttempt.Stage.COMPLETED:
                attempt.stage = OAuthAttempt.Stage.FAILED
                attempt.failure = ABANDONED
            attempt.save(update_fields=["token_set_encrypted", "code_verifier_encrypted", "stage", "failure", "updated"])
            revoke = _revoking_is_safe(attempt)
        purged += 1
        if revoke:
            try:
                oauth.revoke(refresh_token=token_set.refresh_token)
            except XeroError as exc:
                # The tokens are gone from here either way; Xero expires an unused grant.
                logger.info("Revoking abandoned OAuth attempt %s's token at Xero failed: %s", pk, exc.code)
        logger.info("Purged abandoned OAuth attempt %s (revoked at Xero: %s)", pk, revoke)
    return purged
