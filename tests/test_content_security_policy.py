"""Content Security Policy: every page is served with a strict policy, and no template
(the product's or the sandbox's) carries inline script or style that it would block.
The browser walks (tests/e2e) run with the policy on and fail on any violation."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates")),
                 *sorted(settings.BASE_DIR.glob("*/*/templates"))]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\bhx-on", re.I), "hx-on (evaluated code)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _templates() -> list[Path]:
    return [path for folder in TEMPLATE_DIRS if ".venv" not in folder.parts for path in folder.rglob("*.html")]


def test_the_template_scan_sees_the_product_and_the_sandbox():
    names = {path.name for path in _templates()}
    assert {"base.html", "item_detail.html", "authorize_consent.html", "organisation.html"} <= names


@pytest.mark.parametrize("template", _templates(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_script_or_style(template):
    text = template.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template}: {found} (put it in a static .js/.css file)"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/inbox/", "/settings/connections/", "/xero-sandbox/"])
def test_pages_carry_a_strict_policy(admin_client, url):
    policy = _policy(admin_client.get(url))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert not any("'unsafe-inline'" in sources or "'unsafe-eval'" in sources for sources in policy.values())


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(admin_client):
    page = admin_client.get(reverse("items:inbox")).content.decode()

    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page)
    assert config and '"includeIndicatorStyles": false' in config.group(1) and '"allowEval": false' in config.group(1)


@pytest.mark.django_db
def test_the_document_preview_may_be_framed_by_our_own_pages_only(admin_client, business):
    from items.tests.tenant_objects import TENANT_OBJECT_URLS

    url = reverse("items:document", kwargs=TENANT_OBJECT_URLS["items:document"](business))
    response = admin_client.get(url)

    assert response.status_code == 200
    assert _policy(response)["frame-ancestors"] == ["'self'"]
