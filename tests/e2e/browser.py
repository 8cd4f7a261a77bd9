"""What every browser walk does at each step: check the page with axe-core and save a
screenshot. Steps are taken by a person's actions (clicks by role, label or text);
nothing here calls the product behind the page."""

import os
import re
import shutil
import warnings
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings

# Served by the app itself: the Content Security Policy refuses an injected inline copy.
AXE_URL = "/static/vendor/axe.min.js"
SCREENS_DIR = settings.BASE_DIR / "var" / "e2e-screens"
# axe-core impacts that fail a walk; "minor" and "moderate" ones are left to review.
BLOCKING_IMPACTS = ("serious", "critical")
XERO_SANDBOX_PATH = "/xero-sandbox/"

# Every visible form control must have an accessible name: a <label>, aria-label or
# aria-labelledby (a placeholder or a title alone does not count here).
UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => el.offsetParent !== null || el.getClientRects().length > 0)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 200))
"""

AXE_RUN_JS = """
async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)})),
  }));
}
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


def docs_screenshot_dir() -> Path | None:
    """``E2E_SCREENSHOT_DIR`` (``make screenshots`` sets it to docs/screenshots)."""
    value = os.environ.get("E2E_SCREENSHOT_DIR")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else settings.BASE_DIR / path


class AccessibilityViolations(AssertionError):
    pass


class ContentSecurityPolicyViolations(AssertionError):
    pass


# Runs in every page before its own scripts: each violation of the Content Security
# Policy is written to the console, where the walk collects it (with Chromium's own
# "Refused to ..." messages) across navigations.
CSP_REPORTER_JS = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`[csp] ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} on ${e.documentURI}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("[csp]") or "Content Security Policy" in text


class Walk:
    def __init__(self, *, page, name: str, base_url: str):
        self.page = page
        self.base_url = base_url
        self.dir = SCREENS_DIR / _slug(name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.csp_violations: list[str] = []
        self._watch(page)

    def _watch(self, page) -> None:
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type in ("error", "warning") and is_csp_violation(message.text):
            self.csp_violations.append(f"{message.text} (at {self.page.url})")

    def assert_no_csp_violations(self) -> None:
        if self.csp_violations:
            raise ContentSecurityPolicyViolations("Content Security Policy violations:\n" + "\n".join(self.csp_violations))

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith("http"):
            self.visited.append(urlparse(frame.url).path)

    # --- the step: accessibility check and screenshot ---------------------------------
    def step(self, name: str, *, doc: str | None = None, keep_focus: bool = False) -> None:
        """A key step of the walk: the page as it is now passes axe-core and has every
        control labelled; a full-page screenshot is saved (and, for ``doc``, a
        viewport-sized one under ``E2E_SCREENSHOT_DIR`` for the README; ``keep_focus``
        leaves the focus where it is, for a screen whose point is what has the focus)."""
        self.page.wait_for_load_state("load")
        self.count += 1
        self.page.screenshot(path=str(self.dir / f"{self.count:02d}-{_slug(name)}.png"), full_page=True)
        docs = docs_screenshot_dir()
        if doc and docs:
            docs.mkdir(parents=True, exist_ok=True)
            # The README shows the top of the page, without a focus ring, once embedded
            # PDF previews (rendered asynchronously by Chromium) have had time to draw.
            if not keep_focus:
                self.page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
            self.page.wait_for_timeout(1500)
            self.page.screenshot(path=str(docs / f"{doc}.png"))
        self.check_accessibility(name)
        self.assert_no_csp_violations()

    def check_accessibility(self, name: str = "") -> None:
        page = self.page
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=AXE_URL)
        violations = [v for v in page.evaluate(AXE_RUN_JS) if v["impact"] in BLOCKING_IMPACTS]
        unlabelled = page.evaluate(UNLABELLED_CONTROLS_JS)
        self.checked.add(urlparse(page.url).path)
        problems = []
        for violation in violations:
            nodes = "; ".join(f"{n['target']} → {n['html']}" for n in violation["nodes"][:5])
            problems.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} — {nodes}")
        problems += [f"[unlabelled control] {html}" for html in unlabelled]
        if problems and urlparse(page.url).path.startswith(XERO_SANDBOX_PATH):
            # Xero's own screens (the sandbox stands in for them) are not the product's:
            # their findings are reported, not failed on.
            warnings.warn(f"Xero sandbox page {urlparse(page.url).path}: " + "; ".join(problems), stacklevel=2)
        elif problems:
            raise AccessibilityViolations(
                f"Accessibility problems on {page.url} (step {name!r}):\n" + "\n".join(problems)
            )

    def unchecked_pages(self) -> list[str]:
        """Pages the walk landed on that no step checked with axe-core."""
        return sorted({path for path in self.visited if path not in self.checked})

    def save_failure_screenshot(self) -> Path | None:
        path = self.dir / "failure.png"
        try:
            self.page.screenshot(path=str(path), full_page=True)
        except Exception:  # the browser may be gone; the test's own error says why
            return None
        return path

    def switch_to(self, page) -> None:
        """Follow the walk into another tab (a link that opens a new window)."""
        self.page = page
        self._watch(page)
        if page.url.startswith("http"):
            self.visited.append(urlparse(page.url).path)

    # --- small conveniences for the walks ---------------------------------------------
    def open(self, path: str):
        """Type a URL into the address bar (only to start a walk, or to show a 403)."""
        return self.page.goto(self.base_url + path)
