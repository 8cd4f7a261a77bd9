"""Walk Xero's login and consent screens of the local sandbox over real HTTP.

The product is driven with Django's test client (in-process); the sandbox is reached
over HTTP at ``live_server`` exactly like real Xero, so the product's token exchange and
API calls cross a real socket.
"""

import re
from urllib.parse import parse_qs, urlparse

import requests
from django.urls import reverse

SANDBOX_EMAIL = "xero.user@example.com"
SANDBOX_PASSWORD = "sandbox-password"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def point_product_at_sandbox(settings, live_server_url: str) -> None:
    base = f"{live_server_url}/xero-sandbox"
    settings.XERO_CLIENT_ID = settings.XERO_SANDBOX_CLIENT_ID
    settings.XERO_CLIENT_SECRET = settings.XERO_SANDBOX_CLIENT_SECRET
    settings.XERO_LOGIN_URL = f"{base}/login/identity/connect/authorize"
    settings.XERO_IDENTITY_URL = f"{base}/identity"
    settings.XERO_API_URL = f"{base}/api"
    settings.XERO_GO_URL = f"{base}/go"
    settings.XERO_REDIRECT_URI = f"{live_server_url}{reverse('connections:xero_callback')}"
    settings.XERO_SANDBOX_REDIRECT_URIS = [settings.XERO_REDIRECT_URI]
    settings.SITE_URL = live_server_url


def _csrf(html: str) -> dict:
    match = CSRF_RE.search(html)
    return {"csrfmiddlewaretoken": match.group(1)} if match else {}


class SandboxBrowser:
    """A person at Xero's screens (their own cookies, separate from the product's)."""

    def __init__(self):
        self.http = requests.Session()
        self.last_page = ""

    def consent(self, authorize_url: str, *, organisations: list[str] | None, action: str = "allow") -> str:
        """Log in if asked, tick ``organisations`` (by name; None keeps the default
        ticks), press the button; return the redirect URL back to the product."""
        page = self.http.get(authorize_url, timeout=30)
        page.raise_for_status()
        if 'name="password"' in page.text:
            page = self.http.post(
                authorize_url,
                data={**_csrf(page.text), "action": "login", "email": SANDBOX_EMAIL, "password": SANDBOX_PASSWORD},
                timeout=30,
            )
            page.raise_for_status()
        self.last_page = page.text
        data = {**_csrf(page.text), "action": action}
        if organisations is None:
            data["organisations"] = re.findall(r'name="organisations" value="([^"]+)"[^>]*checked', page.text)
        else:
            data["organisations"] = [_org_value(page.text, name) for name in organisations]
        answer = self.http.post(authorize_url, data=data, allow_redirects=False, timeout=30)
        assert answer.status_code in (301, 302), answer.text[:500]
        return answer.headers["Location"]


def _org_value(html: str, name: str) -> str:
    for checkbox_id, value in re.findall(r'id="(sbx-org-[^"]+)" name="organisations" value="([^"]+)"', html):
        label = re.search(rf'<label for="{re.escape(checkbox_id)}">(.*?)</label>', html, re.S)
        if label and name in label.group(1):
            return value
    raise AssertionError(f"Organisation {name!r} is not offered on Xero's consent screen")


def product_callback(client, redirect_url: str):
    """Follow Xero's redirect into the product (same path and query, test client)."""
    parsed = urlparse(redirect_url)
    return client.get(parsed.path, parse_qs(parsed.query))


def connect(client, *, organisation: str = "Demo Company (UK)", purpose: str = "connect",
            browser: SandboxBrowser | None = None, grant: list[str] | None = None, confirm_change: bool = False):
    """The whole Connect (or Reconnect) walk; returns the final response of the product."""
    browser = browser or SandboxBrowser()
    start = client.post(reverse("connections:xero_start"), {"purpose": purpose})
    assert start.status_code == 302, start
    back = browser.consent(start["Location"], organisations=grant if grant is not None else [organisation])
    callback = product_callback(client, back)
    assert callback.status_code == 302, callback.content.decode()[:2000]
    choose_url = callback["Location"]
    page = client.get(choose_url)
    tenant_id = re.search(
        rf'value="([^"]+)"[^>]*>\s*<label for="tenant-\d+">{re.escape(organisation)}</label>', page.content.decode()
    )
    assert tenant_id, page.content.decode()[:3000]
    data = {"tenant_id": tenant_id.group(1)}
    if confirm_change:
        data["confirm_change"] = "yes"
    return client.post(choose_url, data)
