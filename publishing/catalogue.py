"""What went wrong when publishing, in plain words, and what to do about it.

Xero's validation messages (https://developer.xero.com/documentation/api/accounting/responsecodes)
are matched here to an entry with a stable ``code``, a message that says what happened
and what to do, and where to fix it. The pre-publish check (``validation.py``) uses the
same entries, so a problem reads the same whether dext or Xero spotted it. An unknown
Xero error shows Xero's own words.

Every pattern says where its wording comes from: Xero's own text, documented or
publicly reported (the source is linked, and ``tests/test_catalogue.py`` matches each
pattern against that text), or only the sandbox's invented wording where Xero's is not
public (``SANDBOX``), which must never be the only thing a real Xero message relies on.
"""

import re
from dataclasses import dataclass

# Where the fix is made: an item's details page, the connections page, a list page.
FIX_ITEM = "item"
FIX_CONNECTIONS = "connections"
FIX_PAYMENT_METHODS = "payment_methods"
FIX_CATEGORIES = "categories"


@dataclass(frozen=True)
class Entry:
    code: str
    message: str  # may use {placeholders} filled from the Xero message or our own check
    fix: str = FIX_ITEM
    fix_label: str = "Edit the item"
    retryable: bool = False


ENTRIES: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry(
            "account_archived",
            "The category {account} has been archived or deleted in Xero. Choose an active category on "
            "the item (or unarchive the account in Xero and refresh your lists), then publish again.",
        ),
        Entry(
            "account_invalid_for_document",
            "The category {account} can't be used on this kind of document in Xero (for example a bank "
            "account on a bill, or a sales account on a cost). Choose another category, then publish again.",
        ),
        Entry(
            "tax_type_invalid",
            "The tax rate {tax_type} can't be used with the category {account}. Choose a tax rate that fits "
            "the category (a purchases rate for costs, a sales rate for sales), then publish again.",
        ),
        Entry(
            "tax_rate_archived",
            "The tax rate {tax_type} is no longer active in Xero. Choose an active tax rate on the item, "
            "then publish again.",
        ),
        Entry(
            "lock_date",
            "The item's date is before the {lock} lock date set in Xero ({date}). Change the item's date, "
            "publish it to Purchases as Draft or Awaiting Approval, or ask your adviser to move the lock "
            "date in Xero and then refresh your lists, and publish again.",
        ),
        Entry(
            "contact_archived",
            "The contact {contact} is archived in Xero. Choose another supplier or customer on the item, or "
            "restore the contact in Xero and refresh your lists, then publish again.",
        ),
        Entry(
            "tracking_archived",
            "The tracking option {tracking} is archived or deleted in Xero. Choose an active tracking option "
            "(or none) on the item, then publish again.",
        ),
        Entry(
            "no_bank_account",
            "To send to Bank Accounts the item needs a payment method linked to a bank account in Xero. "
            "Choose a payment method with a bank account, then publish again.",
        ),
        Entry(
            "bank_account_not_recognised",
            "The payment method's account isn't a bank account Xero recognises (it may be archived, or not "
            "of bank type). Refresh your lists and choose a bank or credit-card payment method, then publish again.",
            fix=FIX_PAYMENT_METHODS,
            fix_label="Check payment methods",
        ),
        Entry(
            "tax_greater_than_line",
            "Xero doesn't accept a tax amount larger than the line's amount (common on import VAT). Split "
            "the item into two lines, one for the goods and one for the tax, then publish again.",
        ),
        Entry(
            "number_not_unique",
            "Xero already has an invoice with the number {number}. If this is a duplicate, archive it in dext; "
            "if not, change the item's reference (for example add a suffix), then publish again.",
        ),
        Entry(
            "not_draft",
            "This document already exists in Xero with a status other than Draft, so it can't be changed. "
            "Void it in Xero if it should be replaced, then publish again.",
        ),
        Entry(
            "currency_not_enabled",
            "The currency {currency} isn't enabled in your Xero organisation. Add the currency in Xero "
            "(Settings → Currencies) and refresh your lists, or change the item's currency, then publish again.",
        ),
        Entry(
            "permission_missing",
            "Xero hasn't given dext the “{permission}” permission, which it needs to {purpose}. An "
            "administrator can reconnect from Business Settings → Connections → Manage → Reconnect and allow "
            "it; then publish again.",
            fix=FIX_CONNECTIONS,
            fix_label="Go to Connections",
        ),
        Entry(
            "reconnect_required",
            "Xero didn't authorise the request: the connection needs reconnecting. An administrator can "
            "reconnect from Business Settings → Connections → Manage → Reconnect; then publish again.",
            fix=FIX_CONNECTIONS,
            fix_label="Go to Connections",
        ),
        Entry(
            "plan_limit",
            "Your Xero plan's limit on approved invoices or bills has been reached. Publish the item as a "
            "Draft, or upgrade the Xero plan, then publish again.",
        ),
        Entry(
            "attachment_failed",
            "The item was published to Xero, but its document could not be attached{reason}. Use Retry "
            "attachment, or attach the file to the document in Xero yourself.",
            fix_label="Retry attachment",
        ),
        Entry(
            "attachment_too_large",
            "The item was published to Xero, but its document could not be attached: it is {size} even after "
            "compressing, and Xero accepts attachments up to {limit}. Attach a smaller copy in Xero.",
        ),
        Entry(
            "no_lines",
            "The item has no amounts to publish. Enter its total and tax, or its line items, then publish again.",
        ),
        Entry(
            "xero_unavailable",
            "Xero didn't respond after several tries. dext will keep the item ready; publish again in a few minutes.",
            retryable=True,
        ),
        Entry("xero", "Xero said: {xero_message}"),
    ]
}

XERO = "xero"  # Xero's own words, documented or publicly reported (``source``)
SANDBOX = "sandbox"  # only the sandbox's invented wording: Xero's text is not public


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    code: str
    wording: str  # XERO or SANDBOX
    source: str = ""  # where Xero's wording is published


# Xero's wording → our entry. Order matters: the first match wins.
PATTERNS: list[Pattern] = [
    Pattern(re.compile(r"Account code '(?P<account>[^']*)' has been archived", re.I), "account_archived", XERO,
            "../shared/research/xero-api.md §4 (seen in public Xero integrations' tests)"),
    Pattern(re.compile(r"Account code '(?P<account>[^']*)' is not a valid code", re.I),
            "account_invalid_for_document", XERO, "../shared/research/xero-api.md §4"),
    Pattern(re.compile(r"TaxType code '(?P<tax_type>[^']*)' cannot be used with account code '(?P<account>[^']*)'",
                       re.I), "tax_type_invalid", XERO, "../shared/research/xero-api.md §4"),
    Pattern(re.compile(r"before the (?P<lock>period|end of year) lock date, currently set at (?P<date>.+?)\.?$", re.I),
            "lock_date", XERO, "../shared/research/xero-api.md §4 (Xero's text, quoted by Dext's help)"),
    Pattern(re.compile(r"Archived contact", re.I), "contact_archived", XERO,
            "https://github.com/calcinai/xero-php/issues/525"),
    Pattern(re.compile(r"contact.*has been archived", re.I), "contact_archived", SANDBOX),
    Pattern(re.compile(r"no ACTIVE tracking", re.I), "tracking_archived", XERO,
            "https://github.com/calcinai/xero-php/issues/386"),
    Pattern(re.compile(r"tracking option.*has been archived", re.I), "tracking_archived", SANDBOX),
    Pattern(re.compile(r"^Account could not be found", re.I), "bank_account_not_recognised", XERO,
            "https://github.com/freakboy3742/pyxero/issues/43"),
    Pattern(re.compile(r"bank account must be an active account of type BANK", re.I),
            "bank_account_not_recognised", SANDBOX),
    Pattern(re.compile(r"tax amount cannot be greater than the line amount", re.I), "tax_greater_than_line", SANDBOX),
    Pattern(re.compile(r"(?:Invoice|Credit Note) # must be unique", re.I), "number_not_unique", XERO,
            "https://github.com/XeroAPI/Xero-Net/issues/257"),
    Pattern(re.compile(r"not of valid status for modification", re.I), "not_draft", XERO,
            "https://github.com/XeroAPI/Xero-NetStandard/issues/79"),
    Pattern(re.compile(r"not subscribed to currency (?P<currency>[A-Z]{3})", re.I), "currency_not_enabled", XERO,
            "../shared/research/xero-api.md §4"),
    Pattern(re.compile(r"reached the limit of (?:invoices|bills)", re.I), "plan_limit", XERO,
            "https://github.com/XeroAPI/xero-node/issues/548"),
    Pattern(re.compile(r"Tax rate must be valid", re.I), "tax_rate_archived", XERO,
            "https://github.com/XeroAPI/Xero-Java/issues/353"),
]


@dataclass(frozen=True)
class PublishProblem:
    code: str
    message: str
    fix: str
    fix_label: str
    xero_message: str = ""


def problem(code: str, **values) -> PublishProblem:
    entry = ENTRIES.get(code, ENTRIES["xero"])
    values = {k: (v if v not in (None, "") else "") for k, v in values.items()}
    message = entry.message.format_map(_Blank(values))
    return PublishProblem(entry.code, _tidy(message), entry.fix, entry.fix_label, values.get("xero_message", ""))


def from_xero_message(text: str, *, context: dict | None = None) -> PublishProblem:
    """Our entry for one of Xero's validation messages (Xero's words if none fits)."""
    for pattern in PATTERNS:
        code = pattern.code
        match = pattern.regex.search(text or "")
        if match:
            values = {**(context or {}), **{k: v for k, v in match.groupdict().items() if v}}
            # Xero names accounts and tax rates by code; say the names the person chose.
            labels = (context or {}).get("labels") or {}
            for key in ("account", "tax_type"):
                if values.get(key) in labels:
                    values[key] = labels[values[key]]
            if code == "lock_date":
                values["lock"] = "end of year" if "end" in values.get("lock", "").lower() else "period"
            return problem(code, xero_message=text, **values)
    return problem("xero", xero_message=text or "Xero refused the document without saying why.")


def from_xero_messages(messages: list[str], *, context: dict | None = None) -> list[PublishProblem]:
    seen, problems = set(), []
    for text in messages or ["Xero refused the document without saying why."]:
        found = from_xero_message(text, context=context)
        if (found.code, found.message) not in seen:
            seen.add((found.code, found.message))
            problems.append(found)
    return problems


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _tidy(message: str) -> str:
    # A placeholder with nothing to fill leaves "The category  has…": close the gap.
    return re.sub(r"\s{2,}", " ", message).replace(" ()", "").strip()
