"""Xero's words → what happened and what to do (pure: no database, no network).

Every pattern of the catalogue is matched against Xero's own text where it is
documented or publicly reported (the source is on the pattern), or, marked SANDBOX,
against the sandbox's invented wording where Xero's is not public.
"""

import pytest

from publishing import catalogue
from xero_sandbox.accounting import messages as sandbox

# Xero's text as its sources show it, for each code with a XERO pattern.
XERO_TEXT = {
    "account_archived": "Account code '310' has been archived, or has been deleted. Each line item must reference "
                        "a valid account.",
    "account_invalid_for_document": "Account code '090' is not a valid code for this document.",
    "tax_type_invalid": "The TaxType code 'INPUT' cannot be used with account code '630'.",
    "lock_date": "The document date cannot be before the period lock date, currently set at 30 April 2026",
    "contact_archived": "Unable to assign an Archived contact.",
    "tracking_archived": "There is no ACTIVE tracking category with the name ''",
    "bank_account_not_recognised": "Account could not be found",
    "number_not_unique": "Invoice # must be unique.",
    "not_draft": "Invoice not of valid status for modification",
    "currency_not_enabled": "Organisation is not subscribed to currency EUR",
    "plan_limit": "You have reached the limit of invoices you can approve.",
    "tax_rate_archived": "Tax rate must be valid.",
}
# The sandbox's own wording (xero_sandbox/accounting/messages.py), for SANDBOX patterns.
SANDBOX_TEXT = {
    "contact_archived": sandbox.CONTACT_ARCHIVED,
    "tracking_archived": sandbox.TRACKING_OPTION_ARCHIVED.format(option="North"),
    "bank_account_not_recognised": sandbox.BANK_ACCOUNT_NOT_VALID,
    "tax_greater_than_line": sandbox.TAX_GREATER_THAN_LINE,
}


@pytest.mark.parametrize("pattern", catalogue.PATTERNS, ids=lambda p: f"{p.code}-{p.wording}")
def test_every_pattern_matches_the_wording_it_claims(pattern):
    if pattern.wording == catalogue.XERO:
        assert pattern.source, "a XERO pattern names where Xero's wording is published"
        text = XERO_TEXT[pattern.code]
    else:
        assert pattern.wording == catalogue.SANDBOX
        text = SANDBOX_TEXT[pattern.code]
    assert pattern.regex.search(text), text
    assert catalogue.from_xero_message(text).code == pattern.code


def test_the_sandbox_uses_xeros_wording_where_it_is_known():
    for text in (sandbox.ACCOUNT_ARCHIVED.format(code="310"), sandbox.ACCOUNT_NOT_VALID_FOR_DOCUMENT.format(code="090"),
                 sandbox.TAX_TYPE_NOT_FOR_ACCOUNT.format(tax_type="INPUT", code="630"), sandbox.TAX_RATE_NOT_VALID,
                 sandbox.INVOICE_NUMBER_NOT_UNIQUE, sandbox.CREDIT_NOTE_NUMBER_NOT_UNIQUE, sandbox.ACCOUNT_NOT_FOUND,
                 sandbox.NOT_VALID_STATUS_FOR_MODIFICATION.format(noun="Invoice"),
                 sandbox.CURRENCY_NOT_SUBSCRIBED.format(code="EUR"), sandbox.NO_ACTIVE_TRACKING_CATEGORY.format(name="")):
        assert catalogue.from_xero_message(text).code != "xero", text


@pytest.mark.parametrize(
    ("xero_message", "code", "says"),
    [
        (XERO_TEXT["account_archived"], "account_archived", "The category 310 has been archived or deleted in Xero"),
        (XERO_TEXT["account_invalid_for_document"], "account_invalid_for_document",
         "The category 090 can't be used on this kind of document"),
        (XERO_TEXT["tax_type_invalid"], "tax_type_invalid", "The tax rate INPUT can't be used with the category 630"),
        ("The document date cannot be before the end of year lock date, currently set at 31 March 2026.",
         "lock_date", "before the end of year lock date set in Xero (31 March 2026)"),
        (XERO_TEXT["lock_date"], "lock_date", "before the period lock date set in Xero (30 April 2026)"),
        (XERO_TEXT["contact_archived"], "contact_archived", "is archived in Xero"),
        (XERO_TEXT["tracking_archived"], "tracking_archived", "Choose an active tracking option"),
        (XERO_TEXT["bank_account_not_recognised"], "bank_account_not_recognised", "isn't a bank account Xero recognises"),
        (sandbox.TAX_GREATER_THAN_LINE, "tax_greater_than_line", "Split the item into two lines"),
        (XERO_TEXT["number_not_unique"], "number_not_unique", "Xero already has an invoice with the number"),
        ("Credit Note # must be unique.", "number_not_unique", "Xero already has an invoice with the number"),
        (XERO_TEXT["not_draft"], "not_draft", "already exists in Xero with a status other than Draft"),
        (XERO_TEXT["currency_not_enabled"], "currency_not_enabled", "The currency EUR isn't enabled"),
        (XERO_TEXT["plan_limit"], "plan_limit", "Your Xero plan's limit"),
    ],
)
def test_known_xero_messages_become_plain_instructions(xero_message, code, says):
    found = catalogue.from_xero_message(xero_message)
    assert found.code == code
    assert says in found.message
    assert found.xero_message == xero_message


def test_unknown_messages_show_xeros_own_words():
    found = catalogue.from_xero_message("Something new went wrong.")
    assert found.code == "xero" and found.message == "Xero said: Something new went wrong."


def test_our_own_entries_have_a_fix():
    for code in ("reconnect_required", "permission_missing", "attachment_failed", "no_bank_account", "xero_unavailable"):
        entry = catalogue.problem(code)
        assert entry.message and entry.fix_label
    assert catalogue.problem("reconnect_required").fix == catalogue.FIX_CONNECTIONS
    assert catalogue.problem("permission_missing").fix == catalogue.FIX_CONNECTIONS


def test_repeated_messages_are_reported_once():
    problems = catalogue.from_xero_messages(["Invoice # must be unique.", "Invoice # must be unique."],
                                            context={"number": "S-1"})
    assert len(problems) == 1 and "S-1" in problems[0].message


def test_codes_in_xero_messages_become_the_names_people_chose():
    found = catalogue.from_xero_message(
        "The TaxType code 'OUTPUT2' cannot be used with account code '429'.",
        context={"labels": {"429": "429 · General Expenses", "OUTPUT2": "20% VAT on Income"}},
    )
    assert "The tax rate 20% VAT on Income can't be used with the category 429 · General Expenses" in found.message
