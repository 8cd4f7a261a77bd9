"""Xero's words → what happened and what to do (pure: no database, no network)."""

import pytest

from publishing import catalogue


@pytest.mark.parametrize(
    ("xero_message", "code", "says"),
    [
        ("Account code '310' has been archived, or has been deleted. Each line item must reference a valid account.",
         "account_archived", "The category 310 has been archived or deleted in Xero"),
        ("Account code '090' is not a valid code for this document.", "account_invalid_for_document",
         "The category 090 can't be used on this kind of document"),
        ("The TaxType code 'OUTPUT2' cannot be used with account code '429'.", "tax_type_invalid",
         "The tax rate OUTPUT2 can't be used with the category 429"),
        ("The document date cannot be before the end of year lock date, currently set at 31 March 2026.",
         "lock_date", "before the end of year lock date set in Xero (31 March 2026)"),
        ("The document date cannot be before the period lock date, currently set at 30 April 2026",
         "lock_date", "before the period lock date set in Xero (30 April 2026)"),
        ("The contact with the specified contact details has been archived. The contact must be un-archived "
         "before creating new invoices or credit notes.", "contact_archived", "is archived in Xero"),
        ("The tracking option 'North' has been archived.", "tracking_archived", "archived or deleted in Xero"),
        ("There is no ACTIVE tracking category with the name ''", "tracking_archived", "Choose an active tracking option"),
        ("The specified bank account details do not match a known bank account", "bank_account_not_recognised",
         "isn't a bank account Xero recognises"),
        ("The tax amount cannot be greater than the line amount!", "tax_greater_than_line", "Split the item into two lines"),
        ("Invoice # must be unique.", "number_not_unique", "Xero already has an invoice with the number"),
        ("The item already exists in Xero with status different from 'DRAFT'!", "not_draft",
         "already exists in Xero with a status other than Draft"),
        ("Organisation is not subscribed to currency EUR", "currency_not_enabled", "The currency EUR isn't enabled"),
        ("You have reached the limit of invoices you can approve!", "plan_limit", "Your Xero plan's limit"),
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
    for code in ("reconnect_required", "attachment_failed", "no_bank_account", "xero_unavailable"):
        entry = catalogue.problem(code)
        assert entry.message and entry.fix_label
    assert catalogue.problem("reconnect_required").fix == catalogue.FIX_CONNECTIONS


def test_repeated_messages_are_reported_once():
    problems = catalogue.from_xero_messages(["Invoice # must be unique.", "Invoice # must be unique."],
                                            context={"number": "S-1"})
    assert len(problems) == 1 and "S-1" in problems[0].message
