"""Browser walks: Playwright for Python driving Debian's Chromium against ``live_server``.

Every walk gets a ``walk`` (:class:`tests.e2e.browser.Walk`): a fresh browser context
on the live server plus ``walk.step(name)``, which checks the page with axe-core and
saves a full-page screenshot under ``var/e2e-screens/<test>/``. A failing test leaves
``failure.png`` there too. Tasks run in a real Celery worker on Redis when PostgreSQL
and Redis are here (always under ``CI=true``); locally without them, eagerly.
"""

import os
import shutil
from datetime import date
from decimal import Decimal

import pytest

from dext.testing.services import in_ci, require_service, service_available
from items.demo import document_pdf
from tests.e2e.browser import CSP_REPORTER_JS, SCREENS_DIR, Walk

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the walk fixture knows, at teardown,
    # whether the test failed and a failure screenshot is wanted.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture
def browser(transactional_db, monkeypatch):
    """Chromium for one test. Playwright's sync API keeps an asyncio loop running in
    this thread while it is started, so it lives only as long as one walk: the tests
    after it must not find a running loop (Django's ORM and ``asyncio.run`` refuse one).
    It closes before the test database is torn down (``transactional_db`` first), so no
    live-server thread still serving the browser outlives the test's database."""
    require_service("chromium")
    # The walk's own ORM calls (fixtures, Xero-side control functions) are synchronous
    # code that merely runs beside Playwright's loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: the machine is small and shared (2 cores), and a step that is
    # merely slow must not fail a walk. A broken step still fails, just later.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def media_root(settings, tmp_path, monkeypatch):
    """Uploaded documents go to this test's own folder; the environment variable is how
    a worker process started after this fixture gets the same folder."""
    folder = str(tmp_path / "media")
    settings.MEDIA_ROOT = folder
    monkeypatch.setenv("MEDIA_ROOT", folder)
    return folder


@pytest.fixture
def bill_pdf(tmp_path):
    """A supplier's invoice as a person would receive it: a PDF file on their computer."""
    path = tmp_path / "bakery-supplies-inv-2291.pdf"
    path.write_bytes(
        document_pdf(
            title="Invoice", contact="Bakery Supplies Co", reference="INV-2291", when=date(2026, 5, 4),
            lines=[("Flour, 25 kg sacks", Decimal("100.00"))], tax=Decimal("20.00"),
        )
    )
    return path


@pytest.fixture
def tasks(request, xero_sandbox, media_root):
    """Where the product's Celery tasks run: a real worker on Redis (CI, or locally with
    PostgreSQL and Redis) or eagerly inside the live server (locally without them).
    Requested after ``xero_sandbox`` so the worker gets the sandbox's URLs."""
    if in_ci() or (service_available("postgresql") and service_available("redis")):
        return request.getfixturevalue("celery_worker")
    return None


@pytest.fixture
def walk(request, browser, xero_sandbox, tasks):
    # A person at a UK business: British English, London time.
    context = browser.new_context(
        base_url=xero_sandbox.url,
        viewport={"width": 1280, "height": 860},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(30_000)
    context.add_init_script(CSP_REPORTER_JS)
    page = context.new_page()
    the_walk = Walk(page=page, name=request.node.name, base_url=xero_sandbox.url)
    yield the_walk
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        the_walk.save_failure_screenshot()
    # Leave the app before closing, so no htmx poll is still in flight at the live
    # server when the test's database goes away.
    for open_page in context.pages:
        open_page.goto("about:blank")
    context.close()
    if call is not None and call.passed:
        # The walk runs with the Content Security Policy on: any violation fails it.
        the_walk.assert_no_csp_violations()
        # "Every page of the walk passes axe-core": a page that no step checked is a gap.
        assert not the_walk.unchecked_pages(), f"Pages not checked with axe-core: {the_walk.unchecked_pages()}"


@pytest.fixture(scope="session", autouse=True)
def _clean_screens_dir():
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def xero_lists(xero_connected_business):
    """``(business, connection)`` once the first lists refresh (queued by connecting) has
    finished: with a real worker it runs in the background."""
    import time

    from lists.models import ListRefresh

    business, connection = xero_connected_business
    deadline = time.monotonic() + 120
    while ListRefresh.objects.filter(business=business).exclude(status=ListRefresh.Status.SUCCEEDED).exists() \
            or not ListRefresh.objects.filter(business=business).exists():
        assert time.monotonic() < deadline, "the first lists refresh did not finish"
        time.sleep(0.5)
    return business, connection
