"""Security in the browser: support staff set up two-factor before the admin opens, and
the walks really fail on a Content Security Policy violation."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.browser import ContentSecurityPolicyViolations
from tests.e2e.steps import PASSWORD

pytestmark = pytest.mark.e2e


def test_support_staff_set_up_two_factor_then_reach_the_admin(walk, support_user):
    page = walk.page
    walk.open("/admin/")
    expect(page.get_by_role("heading", name="Log in to dext")).to_be_visible()
    page.get_by_label("Email").fill(support_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    walk.step("login")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    walk.step("set up two-factor")
    key = base64.b32decode(page.locator("code.secret").inner_text().replace(" ", ""))
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    walk.step("recovery codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()

    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    walk.step("the admin")


def test_a_content_security_policy_violation_fails_the_walk(walk):
    page = walk.page
    walk.open("/accounts/login/")
    walk.step("login")

    # Anything the policy blocks, here an image from another site, is reported.
    page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<img alt=\"\" src=\"https://example.invalid/p.png\">')")
    page.wait_for_timeout(500)

    with pytest.raises(ContentSecurityPolicyViolations, match="img-src"):
        walk.assert_no_csp_violations()
    walk.csp_violations.clear()  # the walk itself passes: the violation was the point
