"""Already in Xero? Before a document is created, Xero is asked whether someone has
already entered it by hand: the same contact and number, or the same contact and total
dated within a few days. When it has, nothing is created: the publication is set aside
as "Possible duplicate in Xero" and the person chooses (``xero_matches``): attach the
item's file to the document in Xero, publish anyway, or skip.

The check runs in the worker, just before the first create of a publication: the last
moment before a document is made, whoever asked (the Publish button, bulk publish, a
supplier rule). It is not repeated once a create has been sent under the publication's
Idempotency-Key: from then on a lookalike may be dext's own unanswered create, which
``lookups`` finds and records instead. Documents dext created (a publication's
``xero_id``) are never matches, nor are voided or deleted ones, nor those a person has
said are not this one ("Publish anyway").

A receipt is also looked for among bank transactions (spend or receive money) and bills
or sales invoices, whichever it would become: attaching a receipt to a transaction
someone already entered is the paperwork match bookkeepers do every day.

The look-up goes through the gateway (``XeroApi.find_documents``) with one ``where`` filter
for up to fifty documents, grouped by contact, page after page (``lookups.candidate_pages``). A look-up
that fails never lets the create go ahead: it is tried again later like any other call.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from connections.xero.api import XeroApi
from connections.xero.dates import parse_xero_date
from connections.xero.errors import XeroAuthError, XeroError
from items.models import Item, ItemStatus
from publishing import mapping
from publishing.models import Publication, PublicationState, PublishAttempt, XeroMatch, XeroMatchState
from publishing.services.attempt_log import attempts_end, attempts_start
from publishing.services.lookups import NUMBER_FIELD, candidate_pages
from publishing.services.outcomes import item_history, retry_for
from publishing.wording import published_as

# Same contact and total: a match when the dates are at most this many days apart.
MATCH_DATE_WINDOW = timedelta(days=3)
# Documents in these states are not in the books any more.
IGNORED_STATUSES = ("DELETED", "VOIDED")
# Matches kept for the person to choose from.
MAX_MATCHES = 5
# Documents looked for in one call: a create batch (Xero creates up to 50 a call).
MATCH_GROUP = 50

ENDPOINT_OF = {"ACCPAY": "Invoices", "ACCREC": "Invoices", "SPEND": "BankTransactions",
               "RECEIVE": "BankTransactions", "ACCPAYCREDIT": "CreditNotes", "ACCRECCREDIT": "CreditNotes"}
# What else a receipt may have been entered as: a bill paid by card is as likely as spend money.
RECEIPT_ALSO = {"ACCPAY": "SPEND", "SPEND": "ACCPAY", "ACCREC": "RECEIVE", "RECEIVE": "ACCREC"}


@dataclass(frozen=True)
class Sought:
    """What one document looks like in Xero, for finding someone else's copy of it."""

    publication: Publication
    types: tuple[str, ...]
    contact_id: str
    number: str
    total: Decimal
    day: date


def duplicates_set_aside(publications: list[Publication], *, documents: dict[int, mapping.XeroDocument],
                         api: XeroApi, task_id: str) -> set[int]:
    """Look in Xero for a copy of each document about to be created for the first time;
    set aside those that have one. Returns the ids of the publications set aside."""
    sought = [_sought(p, documents[p.pk]) for p in publications
              if p.create_sent_at is None and not p.xero_id and p.pk in documents]
    if not sought:
        return set()
    found = _matches(sought, api=api, task_id=task_id)
    for publication_id, matches in found.items():
        publication = next(s.publication for s in sought if s.publication.pk == publication_id)
        publication_set_aside(publication, matches)
    return set(found)


def _sought(publication: Publication, document: mapping.XeroDocument) -> Sought:
    types = (document.type,)
    if publication.item.document_type == "receipt" and document.type in RECEIPT_ALSO:
        types += (RECEIPT_ALSO[document.type],)
    payload = document.payload
    number = payload.get(NUMBER_FIELD[document.endpoint]) or payload.get("Reference") or ""
    return Sought(publication, types, payload["Contact"]["ContactID"], number.strip(), document.total,
                  date.fromisoformat(payload["Date"]))


def group_filter(sought: list[Sought], xero_type: str) -> str:
    """Xero's ``where`` for someone else's copies of several documents as ``xero_type``:
    not voided or deleted and, per contact, one of their numbers, or one of their totals
    dated within the window of their dates
    (https://developer.xero.com/documentation/api/accounting/invoices, "where": ``Guid``
    for ids, ``DateTime(y,m,d)`` for dates, ``!=`` and brackets allowed). Grouped by
    contact, a batch of fifty bills from a handful of suppliers is one short query;
    :func:`is_match` then checks each candidate against each document exactly."""
    by_contact: dict[str, list[Sought]] = {}
    for one in sought:
        by_contact.setdefault(one.contact_id, []).append(one)
    number_field = NUMBER_FIELD[ENDPOINT_OF[xero_type]]
    contacts = []
    for contact_id, documents in by_contact.items():
        numbers = [f'{number_field}=="{_quoted(number)}"'
                   for number in dict.fromkeys(d.number for d in documents if d.number)]
        totals = " OR ".join(f"Total=={total}" for total in dict.fromkeys(d.total for d in documents))
        first = min(d.day for d in documents) - MATCH_DATE_WINDOW
        last = max(d.day for d in documents) + MATCH_DATE_WINDOW
        close = (f"({totals}) AND Date>=DateTime({first.year},{first.month:02},{first.day:02})"
                 f" AND Date<=DateTime({last.year},{last.month:02},{last.day:02})")
        either = " OR ".join([*numbers, f"({close})"])
        contacts.append(f'(Contact.ContactID==Guid("{contact_id}") AND ({either}))')
    terms = [f'Type=="{xero_type}"', *(f'Status!="{status}"' for status in IGNORED_STATUSES)]
    return " AND ".join(terms) + f" AND ({' OR '.join(contacts)})"


def _quoted(number: str) -> str:
    return number.replace("\\", "\\\\").replace('"', '\\"')


def _matches(sought: list[Sought], *, api: XeroApi, task_id: str) -> dict[int, list[dict]]:
    publications = [s.publication for s in sought]
    attempt = attempts_start(publications, PublishAttempt.Step.LOOKUP, task_id=task_id, key="",
                             summary={"purpose": "already in Xero?", "items": [p.item_id for p in publications]})
    ours = _ours(publications[0].business_id)
    dismissed = _dismissed(publications)
    found: dict[int, list[dict]] = {}
    try:
        for xero_type in dict.fromkeys(t for s in sought for t in s.types):
            endpoint = ENDPOINT_OF[xero_type]
            wanted = [s for s in sought if xero_type in s.types]
            for start in range(0, len(wanted), MATCH_GROUP):
                group = wanted[start:start + MATCH_GROUP]
                where = group_filter(group, xero_type)
                for candidates in candidate_pages(api, endpoint, where=where):
                    for s in group:
                        for candidate in candidates:
                            summary = _summary(endpoint, candidate)
                            if (summary["id"] not in ours and summary["id"] not in dismissed.get(s.publication.pk, ())
                                    and is_match(s, candidate, xero_type=xero_type)):
                                kept = found.setdefault(s.publication.pk, [])
                                if len(kept) < MAX_MATCHES and summary["id"] not in {m["id"] for m in kept}:
                                    kept.append(summary)
                    if all(len(found.get(s.publication.pk, [])) >= MAX_MATCHES for s in group):
                        break
    except XeroAuthError:
        attempts_end(attempt, api=api, outcome="error", error_code="reconnect_required")
        raise
    except XeroError as exc:
        # Not knowing is no licence to create: try again later, like any other call.
        attempts_end(attempt, api=api, outcome="retry", error_code=exc.code)
        raise retry_for(exc, publications[0]) from exc
    attempts_end(attempt, api=api, outcome="ok", response={"matched": {str(k): len(v) for k, v in found.items()}})
    return found


def is_match(sought: Sought, candidate: dict, *, xero_type: str) -> bool:
    """Checked again here, whatever the filter let through: an ignored filter term must
    never hold back a document that is not a copy."""
    if candidate.get("Status") in IGNORED_STATUSES or candidate.get("Type") != xero_type:
        return False
    if str((candidate.get("Contact") or {}).get("ContactID") or "").lower() != sought.contact_id.lower():
        return False
    number = str(candidate.get(NUMBER_FIELD[ENDPOINT_OF[xero_type]]) or "").strip()
    if sought.number and number.lower() == sought.number.lower():
        return True
    try:
        total = Decimal(str(candidate.get("Total"))).quantize(mapping.TWO_PLACES)
    except ArithmeticError:
        return False
    day = parse_xero_date(candidate.get("Date"))
    return total == sought.total and day is not None and abs(day - sought.day) <= MATCH_DATE_WINDOW


def _ours(business_id: int) -> set[str]:
    """Documents dext created in this business (not those it attached a file to)."""
    return set(
        Publication.objects.filter(business_id=business_id, matched=False).exclude(xero_id="")
        .values_list("xero_id", flat=True)
    )


def _dismissed(publications: list[Publication]) -> dict[int, set[str]]:
    """By publication: the Xero documents a person said are not its document."""
    return {
        publication_id: set(ids)
        for publication_id, ids in XeroMatch.objects.filter(publication__in=publications)
        .values_list("publication_id", "dismissed_ids")
    }


def _summary(endpoint: str, candidate: dict) -> dict:
    day = parse_xero_date(candidate.get("Date"))
    return {
        "endpoint": endpoint,
        "type": str(candidate.get("Type") or ""),
        "id": mapping.document_id(endpoint, candidate),
        "number": mapping.document_number(endpoint, candidate),
        "reference": str(candidate.get("Reference") or ""),
        "date": day.isoformat() if day else "",
        "total": _money_text(candidate.get("Total")),
        "currency": str(candidate.get("CurrencyCode") or ""),
        "status": str(candidate.get("Status") or ""),
        "contact": str((candidate.get("Contact") or {}).get("Name") or ""),
    }


def _money_text(value) -> str:
    try:
        return str(Decimal(str(value)).quantize(mapping.TWO_PLACES))
    except ArithmeticError:
        return ""


def match_words(match: dict) -> str:
    """"a bill INV-1 (awaiting payment) of 4 May 2026 for 120.00"."""
    when = date.fromisoformat(match["date"]).strftime("%-d %b %Y") if match.get("date") else ""
    words = published_as(match["type"], match["status"], match["number"])
    if when:
        words += f" of {when}"
    if match.get("total"):
        words += f" for {match['currency']} {match['total']}".replace("  ", " ")
    return words


def publication_set_aside(publication: Publication, matches: list[dict]) -> None:
    """Not created: the item goes back to Ready with "Possible duplicate in Xero" and the
    matches to choose from; whoever asked for the publish decides."""
    now = timezone.now()
    with transaction.atomic():
        XeroMatch.objects.update_or_create(
            publication=publication,
            defaults={"business_id": publication.business_id, "candidates": matches, "state": XeroMatchState.OPEN,
                      "found_at": now, "decided_by": None, "decided_at": None},
        )
        Publication.objects.filter(pk=publication.pk).update(
            state=PublicationState.SET_ASIDE, finished_at=now, lease_expires_at=None, updated=now,
        )
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.READY, updated=now)
        item_history(publication.item, None,
                     f"Set aside, not published: Xero already seems to have it as {match_words(matches[0])}"
                     + (f" (and {len(matches) - 1} more)" if len(matches) > 1 else ""))
    publication.refresh_from_db()
