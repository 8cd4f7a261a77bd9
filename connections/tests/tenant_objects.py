"""How the tenant-isolation test makes connections objects (see dext/testing/tenant_urls.py)."""

from django.contrib.auth import get_user_model

from connections.models import OAuthAttempt


def _attempt(business):
    user = get_user_model().objects.create_user(username=f"owner-{business.pk}", email=f"owner-{business.pk}@example.com")
    attempt = OAuthAttempt.objects.create(
        business=business, user=user, session_key_hash="x", purpose="connect", state=f"their-state-{business.pk}",
        nonce="n", redirect_uri="http://testserver/cb/", stage=OAuthAttempt.Stage.AUTHORISED,
    )
    return {"attempt_id": attempt.pk}


TENANT_OBJECT_URLS = {"connections:choose": _attempt}
