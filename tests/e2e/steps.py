"""Steps several walks share, each done as a person does it in the browser."""

import re

from playwright.sync_api import expect

from dext.tenancy.tests.factories import PASSWORD
from xero_sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD

UK = "Demo Company (UK)"
NZ = "Demo Company (NZ)"
SUPPLIER = "Bakery Supplies Co"


def log_in(walk, email: str) -> None:
    page = walk.page
    walk.open("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in to dext")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    walk.step("login", doc="login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    walk.step("logged in")


def open_connections(walk) -> None:
    page = walk.page
    sidebar = page.get_by_role("navigation", name="Main")
    expect(sidebar.get_by_text("Business Settings")).to_be_visible()
    sidebar.get_by_role("link", name="Connections").click()
    expect(page.get_by_role("heading", name="Connections", exact=True)).to_be_visible()


def xero_login_and_consent(
    walk, *, expect_organisations=(UK, NZ), tick=(UK,), button: str = "Allow access"
) -> None:
    """On Xero's screens: log in if asked, see the organisations, tick ``tick``, press the button."""
    page = walk.page
    login_heading = page.get_by_role("heading", name="Log in to Xero")
    consent_heading = page.get_by_role("heading", name=re.compile("wants access to your Xero data"))
    expect(login_heading.or_(consent_heading)).to_be_visible()
    if login_heading.is_visible():
        walk.step("xero login")
        page.get_by_label("Email address").fill(DEMO_EMAIL)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
    expect(consent_heading).to_be_visible()
    organisations = page.get_by_role("group", name="Organisations to connect")
    for name in expect_organisations:
        expect(organisations.get_by_label(name)).to_be_visible()
    for name in tick:
        organisations.get_by_label(name).check()
    walk.step("xero consent")
    page.get_by_role("button", name=button).click()


def choose_organisation(walk, name: str = UK) -> None:
    page = walk.page
    expect(page.get_by_role("heading", name="Choose an organisation")).to_be_visible()
    page.get_by_label(name).check()
    walk.step("choose organisation", doc="choose-organisation")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Your organisation is connected")).to_be_visible()
    expect(page.get_by_text(name)).to_be_visible()
    walk.step("organisation connected")
    page.get_by_role("link", name="Finish").click()


def expect_connected(walk, name: str = UK) -> None:
    page = walk.page
    row = page.get_by_role("row", name=re.compile("Xero"))
    expect(row.get_by_role("cell", name=name)).to_be_visible()
    expect(row.get_by_text("Connected", exact=True)).to_be_visible()


def connect_xero(walk) -> None:
    """The help article's "Setting up the Connection", from the Connections page."""
    page = walk.page
    open_connections(walk)
    walk.step("connections, not connected")
    page.get_by_role("link", name="Connect", exact=True).click()
    expect(page.get_by_role("heading", name="Connect accounting software")).to_be_visible()
    walk.step("accounting software")
    page.get_by_role("link", name="Connect Xero").click()
    expect(page.get_by_role("heading", name="Connect Xero")).to_be_visible()
    walk.step("xero summary")
    page.get_by_role("button", name="Connect software").click()
    xero_login_and_consent(walk)
    choose_organisation(walk)
    expect_connected(walk)


def open_manage_menu(walk):
    page = walk.page
    page.get_by_text("Manage", exact=True).click()
    return page.locator("details.menu[open] .menu__items")


def wait_for_refresh_done(walk) -> None:
    """The green banner turns from "in progress" to "refreshed" by itself (htmx polling)."""
    banner = walk.page.locator("#lists-refresh-banner")
    expect(banner.get_by_text(re.compile("Lists refreshed"))).to_be_visible(timeout=60_000)


def open_list(walk, name: str) -> None:
    """Lists → ``name`` in the sidebar; once any refresh in progress is done, the page
    shows the latest rows (reloading it through the banner's link when it says so)."""
    page = walk.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    banner = page.locator("#lists-refresh-banner")
    if banner.get_by_text("Refresh in progress").is_visible():
        wait_for_refresh_done(walk)
        banner.get_by_role("link", name="Reload this page").click()
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def upload(walk, *paths) -> None:
    """Inbox → Upload → choose the files: they go up at once (the file chooser's input is
    what a person fills through the Upload button)."""
    page = walk.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload").click()
    chooser.value.set_files([str(path) for path in paths])


def expect_item_details(page) -> None:
    """Item details is open and its document has been read (while it is, the page says
    so and the fields wait; they fill in by themselves)."""
    expect(page.get_by_role("group", name="Who")).to_be_visible()
    expect(page.get_by_text("Reading the document…")).to_have_count(0, timeout=90_000)


def upload_and_open(walk, pdf_path, *, doc: str | None = None) -> None:
    """Inbox → upload the PDF → open it on Item details."""
    page = walk.page
    upload(walk, pdf_path)
    expect(page.get_by_role("link", name=re.compile(re.escape(pdf_path.name)))).to_be_visible()
    walk.step("inbox with the upload", doc=doc)
    page.get_by_role("link", name=re.compile(re.escape(pdf_path.name))).click()
    expect_item_details(page)


def choose_contact(page, label: str, name: str) -> None:
    """Type the start of a name in the picker and choose the contact it offers."""
    box = page.get_by_role("combobox", name=label)
    box.fill(name[:6])
    page.get_by_role("option", name=name, exact=True).click()
    expect(box).to_have_value(name)
