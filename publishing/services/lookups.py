"""Finding in Xero what an earlier create or payment may have made whose answer we never
saw, so it is recorded instead of made a second time.

A document is looked up by what identifies it (type, contact, number or reference, date
and total) with a ``where`` filter, newest change first (``order=UpdatedDateUTC DESC``),
page after page until it is found or the pages run out: a contact with hundreds of
documents must not hide the one we created on page 2
(https://developer.xero.com/documentation/api/accounting/invoices, "where", "order", "page").
Bill numbers are not unique in Xero, so a number alone proves nothing.
"""

from collections.abc import Iterator
from decimal import Decimal

from connections.xero.api import XeroApi
from connections.xero.dates import parse_xero_date
from connections.xero.errors import XeroRateLimited, XeroUnavailable
from publishing import mapping
from publishing.models import Publication, PublishAttempt
from publishing.services.attempt_log import attempts_end, attempts_start
from publishing.services.outcomes import retry_for

NUMBER_FIELD = {"Invoices": "InvoiceNumber", "CreditNotes": "CreditNoteNumber", "BankTransactions": "Reference"}
# Documents looked for in one query (their filters joined with OR), and rows per page.
LOOKUP_GROUP = 10
PAGE_SIZE = 100


def documents_look_up(publications: list[Publication], *, documents, api: XeroApi, task_id: str) -> dict[int, dict]:
    """Xero's record of each publication's document, for those Xero has; by publication id."""
    endpoint = documents[publications[0].pk].endpoint
    attempt = attempts_start(publications, PublishAttempt.Step.LOOKUP, task_id=task_id, key="",
                             summary={"endpoint": endpoint, "items": [p.item_id for p in publications]})
    found: dict[int, dict] = {}
    # Documents already someone's, and those of earlier publishes voided or deleted in Xero.
    taken: set[str] = {xero_id for p in publications for xero_id in (p.replaced_xero_ids or [])}
    pages = 0
    try:
        for start in range(0, len(publications), LOOKUP_GROUP):
            group = publications[start:start + LOOKUP_GROUP]
            where = " OR ".join(f"({document_filter(documents[p.pk])})" for p in group)
            waiting = list(group)
            for candidates in candidate_pages(api, endpoint, where=where):
                pages += 1
                for publication in list(waiting):
                    match = _match(documents[publication.pk], candidates, endpoint=endpoint, taken=taken)
                    if match is not None:
                        found[publication.pk] = match
                        taken.add(mapping.document_id(endpoint, match))
                        waiting.remove(publication)
                if not waiting:
                    break
    except (XeroRateLimited, XeroUnavailable) as exc:
        attempts_end(attempt, api=api, outcome="retry", error_code=exc.code)
        raise retry_for(exc, publications[0]) from exc
    attempts_end(attempt, api=api, outcome="ok", response={"found": len(found), "pages": pages})
    return found


def candidate_pages(api: XeroApi, endpoint: str, *, where: str) -> Iterator[list[dict]]:
    """Page after page of the documents matching ``where``, newest change first, until a
    short page says there are no more (the caller stops early once it has what it needs)."""
    page = 1
    while True:
        candidates = api.find_documents(endpoint, where=where, page=page, page_size=PAGE_SIZE)
        yield candidates
        if len(candidates) < PAGE_SIZE:
            return
        page += 1


def document_filter(document: mapping.XeroDocument) -> str:
    """Xero's ``where`` for one document: type, contact, number or reference, date, total."""
    payload = document.payload
    day = payload["Date"]  # YYYY-MM-DD
    terms = [
        f'Type=="{document.type}"',
        f'Contact.ContactID==Guid("{payload["Contact"]["ContactID"]}")',
        f"Date==DateTime({day[:4]},{day[5:7]},{day[8:10]})",
        f"Total=={document.total}",
    ]
    number = _wanted_number(document)
    if number:
        terms.append(f'{NUMBER_FIELD[document.endpoint]}=="{_quoted(number)}"')
    return " AND ".join(terms)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _wanted_number(document: mapping.XeroDocument) -> str:
    payload = document.payload
    return payload.get(NUMBER_FIELD[document.endpoint]) or payload.get("Reference") or ""


def _match(document: mapping.XeroDocument, candidates: list[dict], *, endpoint: str, taken: set[str]) -> dict | None:
    """The candidate that is this document (the filter already narrowed them; checked again
    here so an ignored filter term can never make a wrong match)."""
    payload = document.payload
    for candidate in candidates:
        if mapping.document_id(endpoint, candidate) in taken:
            continue
        if candidate.get("Status") in ("DELETED", "VOIDED") or candidate.get("Type") != document.type:
            continue
        if (candidate.get("Contact") or {}).get("ContactID") != payload["Contact"]["ContactID"]:
            continue
        if str(parse_xero_date(candidate.get("Date"))) != payload["Date"]:
            continue
        if Decimal(str(candidate.get("Total", "0"))).quantize(mapping.TWO_PLACES) != document.total:
            continue
        wanted = _wanted_number(document)
        if wanted and (candidate.get(NUMBER_FIELD[endpoint]) or "") != wanted:
            continue
        return candidate
    return None


def payment_look_up(publication: Publication, payment: dict, *, api: XeroApi, task_id: str) -> dict | None:
    """The payment an earlier, unanswered attempt made on the bill, if Xero has it: read the
    bill's payments (and what is still due) instead of paying a second time."""
    attempt = attempts_start([publication], PublishAttempt.Step.LOOKUP, task_id=task_id, key="",
                             summary={"invoice": publication.xero_id, "payment": payment})
    try:
        invoice = api.get_invoice(publication.xero_id)
    except (XeroRateLimited, XeroUnavailable) as exc:
        attempts_end(attempt, api=api, outcome="retry", error_code=exc.code)
        raise retry_for(exc, publication) from exc
    amount = Decimal(str(payment["Amount"])).quantize(mapping.TWO_PLACES)
    found = None
    for candidate in invoice.get("Payments") or []:
        if candidate.get("Status") == "DELETED":
            continue
        same_amount = Decimal(str(candidate.get("Amount", "0"))).quantize(mapping.TWO_PLACES) == amount
        if same_amount and str(parse_xero_date(candidate.get("Date"))) == payment["Date"]:
            found = candidate
            break
    if found is None and Decimal(str(invoice.get("AmountDue", "1"))) == 0 and invoice.get("Payments"):
        # Nothing left to pay: whatever paid it, a second payment would be refused.
        found = invoice["Payments"][-1]
    attempts_end(attempt, api=api, outcome="ok", response={"found": bool(found)})
    return found
