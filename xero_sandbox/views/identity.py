"""login.xero.com and identity.xero.com: authorize (log in + consent), token, revocation, /connections."""

import base64
import binascii
import datetime as dt
import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from xero_sandbox import faults, signing
from xero_sandbox.gate import bearer_token
from xero_sandbox.models import RequestLog, SandboxApp
from xero_sandbox.scopes import describe, parse_scopes, unknown_scopes
from xero_sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD
from xero_sandbox.selectors import (
    app_find,
    app_redirect_uris,
    connections_for,
    user_find,
    user_organisations,
)
from xero_sandbox.services import (
    TokenError,
    client_authenticate,
    connection_delete,
    consent_grant,
    token_exchange_code,
    token_refresh,
    token_revoke,
    user_authenticate,
)

# The sandbox's own login, in its own signed cookie: never the product's session or
# django.contrib.auth, which share this host.
LOGIN_COOKIE = "xero_sandbox_login"
LOGIN_SALT = "xero_sandbox.login"
LOGIN_SECONDS = 12 * 60 * 60


def logged_in_user(request: HttpRequest):
    user_id = request.get_signed_cookie(LOGIN_COOKIE, default=None, salt=LOGIN_SALT, max_age=LOGIN_SECONDS)
    return user_find(user_id=user_id)


def _redirect_with(redirect_uri: str, params: dict) -> HttpResponseRedirect:
    query = urlencode({key: value for key, value in params.items() if value})
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{query}")


def _error_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "xero_sandbox/authorize_error.html", {"message": message}, status=400)


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.GET
    app = app_find(client_id=params.get("client_id", ""))
    # A bad client or redirect URI is shown, never redirected to (it could be anyone's URL).
    if app is None:
        return _error_page(request, "unauthorized_client: Unknown client or client not enabled.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app_redirect_uris(app=app):
        return _error_page(request, "Invalid redirect_uri: it does not match any URI registered for this app.")
    state = params.get("state", "")
    if params.get("response_type") != "code":
        return _redirect_with(redirect_uri, {"error": "unsupported_response_type", "state": state})
    scopes = parse_scopes(params.get("scope", ""))
    if not scopes or unknown_scopes(scopes):
        return _redirect_with(redirect_uri, {"error": "invalid_scope", "state": state})
    challenge = params.get("code_challenge", "")
    challenge_method = params.get("code_challenge_method", "") if challenge else ""
    if challenge and challenge_method != "S256":
        return _redirect_with(redirect_uri, {"error": "invalid_request", "state": state})
    if app.app_type == SandboxApp.AppType.PKCE and not challenge:
        return _redirect_with(redirect_uri, {"error": "invalid_request", "state": state})

    user = logged_in_user(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "login":
        user = user_authenticate(email=request.POST.get("email", ""), password=request.POST.get("password", ""))
        if user is None:
            return _login_page(request, error="Your email or password is incorrect.", email=request.POST.get("email", ""))
        response = HttpResponseRedirect(request.get_full_path())
        response.set_signed_cookie(
            LOGIN_COOKIE, str(user.pk), salt=LOGIN_SALT, max_age=LOGIN_SECONDS,
            httponly=True, samesite="Lax", secure=request.is_secure(),
        )
        return response
    if action == "logout":
        response = HttpResponseRedirect(request.get_full_path())
        response.delete_cookie(LOGIN_COOKIE)
        return response
    if user is None:
        return _login_page(request)
    if action == "cancel":
        return _redirect_with(redirect_uri, {"error": "access_denied", "state": state})

    organisations = list(user_organisations(user=user))
    connected_ids = {c.organisation_id for c in connections_for(app=app, user=user)}
    error = ""
    if action == "allow":
        ticked_ids = set(request.POST.getlist("organisations"))
        chosen = [org for org in organisations if str(org.pk) in ticked_ids]
        if chosen:
            grant = consent_grant(
                app=app, user=user, organisations=chosen, scopes=scopes, redirect_uri=redirect_uri,
                nonce=params.get("nonce", ""), code_challenge=challenge, code_challenge_method=challenge_method,
            )
            return _redirect_with(
                redirect_uri,
                {"code": grant.code, "scope": " ".join(scopes), "state": state,
                 "session_state": grant.auth_event_id.hex},
            )
        error = "Choose at least one organisation to connect."
    ticked = connected_ids or ({organisations[0].pk} if organisations else set())
    return render(
        request,
        "xero_sandbox/authorize_consent.html",
        {
            "app": app,
            "user": user,
            "scopes": describe(scopes),
            "organisations": [(org, org.pk in ticked) for org in organisations],
            "reconsent": bool(connected_ids),
            "ticked_count": len(ticked),
            "error": error,
        },
        status=400 if error else 200,
    )


def _login_page(request: HttpRequest, *, error: str = "", email: str = "") -> HttpResponse:
    return render(
        request,
        "xero_sandbox/authorize_login.html",
        {"error": error, "email": email, "demo_email": DEMO_EMAIL, "demo_password": DEMO_PASSWORD},
        status=400 if error else 200,
    )


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """HTTP Basic or client_id/client_secret in the form body; Xero accepts both."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            client_id, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
            return client_id, secret
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("xero_sandbox:identity_root")).rstrip("/")


def _oauth_json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    client_id, client_secret = _client_credentials(request)
    grant_type = request.POST.get("grant_type", "")
    try:
        app = client_authenticate(client_id=client_id, client_secret=client_secret)
        if grant_type == "authorization_code":
            body = token_exchange_code(
                app=app,
                code=request.POST.get("code", ""),
                redirect_uri=request.POST.get("redirect_uri", ""),
                code_verifier=request.POST.get("code_verifier", ""),
                issuer=_issuer(request),
            )
        elif grant_type == "refresh_token":
            body = token_refresh(app=app, refresh_token=request.POST.get("refresh_token", ""), issuer=_issuer(request))
        else:
            raise TokenError("unsupported_grant_type")
        status = 200
    except TokenError as error:
        body, status = {"error": error.error}, error.status
    faults.log_request(
        kind=RequestLog.Kind.TOKEN, method="POST", path=request.path, status=status,
        client_id=client_id, grant_type=grant_type or "none",
    )
    return _oauth_json(body, status)


@csrf_exempt
@require_POST
def revocation(request: HttpRequest) -> HttpResponse:
    client_id, client_secret = _client_credentials(request)
    try:
        app = client_authenticate(client_id=client_id, client_secret=client_secret)
    except TokenError as error:
        status = error.status
        response = _oauth_json({"error": error.error}, status)
    else:
        token_revoke(app=app, token=request.POST.get("token", ""))
        status = 200
        response = HttpResponse(b"", status=200)
    faults.log_request(
        kind=RequestLog.Kind.REVOCATION, method="POST", path=request.path, status=status, client_id=client_id
    )
    return response


def _xero_datetime(value: dt.datetime) -> str:
    """Xero's /connections format: UTC, no offset, seven fractional digits."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0"


def _logged(request: HttpRequest, response: HttpResponse, token) -> HttpResponse:
    faults.log_request(
        method=request.method or "", path=request.path, status=response.status_code,
        client_id=token.app.client_id if token else "",
    )
    return response


@csrf_exempt
@require_http_methods(["GET"])
def connections(request: HttpRequest) -> HttpResponse:
    token, problem = bearer_token(request)
    if problem is not None:
        return _logged(request, problem, token)
    auth_event_id = request.GET.get("authEventId") or request.GET.get("autheventid")
    rows = connections_for(app=token.app, user=token.user)
    if auth_event_id:
        rows = rows.filter(auth_event_id=auth_event_id) if _is_uuid(auth_event_id) else rows.none()
    data = [
        {
            "id": str(row.pk),
            "authEventId": str(row.auth_event_id),
            "tenantId": str(row.organisation_id),
            "tenantType": "ORGANISATION",
            "tenantName": row.organisation.name,
            "createdDateUtc": _xero_datetime(row.created),
            "updatedDateUtc": _xero_datetime(row.updated),
        }
        for row in rows
    ]
    return _logged(request, JsonResponse(data, safe=False), token)


@csrf_exempt
@require_http_methods(["DELETE"])
def connection_detail(request: HttpRequest, connection_id: str) -> HttpResponse:
    token, problem = bearer_token(request)
    if problem is not None:
        return _logged(request, problem, token)
    if not connection_delete(app=token.app, user=token.user, connection_id=connection_id):
        return _logged(request, HttpResponse(status=404), token)
    return _logged(request, HttpResponse(status=204), token)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def identity_root(request: HttpRequest) -> HttpResponse:
    """identity.xero.com's root; only here so the issuer URL can be reversed."""
    return HttpResponse("Xero sandbox identity service", content_type="text/plain")


@require_http_methods(["GET"])
def openid_configuration(request: HttpRequest) -> HttpResponse:
    """identity.xero.com/.well-known/openid-configuration: where the keys and endpoints are."""
    issuer = _issuer(request)
    base = request.build_absolute_uri(reverse("xero_sandbox:index")).rstrip("/")
    return JsonResponse(
        {
            "issuer": issuer,
            "jwks_uri": request.build_absolute_uri(reverse("xero_sandbox:jwks")),
            "authorization_endpoint": f"{base}/login/identity/connect/authorize",
            "token_endpoint": f"{issuer}/connect/token",
            "revocation_endpoint": f"{issuer}/connect/revocation",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [signing.ALGORITHM],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


@require_http_methods(["GET"])
def jwks(request: HttpRequest) -> HttpResponse:
    """The public keys that verify the sandbox's tokens."""
    return JsonResponse(signing.jwks())
