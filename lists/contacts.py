"""Creating a supplier or customer in Xero from dext (a document from someone new).

The contact is created in the connected organisation through the one Xero gateway (a
``PUT /Contacts`` with an Idempotency-Key, so a double click or a retry makes one contact)
and written to Lists at once, so items can use it before the next refresh. A name Xero
already has for an active contact is not an error for the person: that contact is used.
"""

import hashlib
import logging

from django.db import transaction

from connections.selectors import connection_active
from connections.xero.errors import XeroAuthError, XeroError, XeroValidationError
from dext.errors import ApplicationError
from lists import xero_mapping
from lists.models import Contact, ListStatus
from lists.services import contacts_upsert

logger = logging.getLogger(__name__)

# Xero's answer to a name another active contact has (see xero_sandbox/accounting/messages.py).
NAME_TAKEN = "is already assigned to another contact"


class ContactNotCreated(ApplicationError):
    code = "contact_not_created"


def contact_create_in_xero(
    *, business, name: str, tax_number: str = "", email: str = "", is_customer: bool = False, acting_user
) -> tuple[Contact, bool]:
    """The contact called ``name``, created in Xero unless it is there already.

    Returns ``(contact, created)``. Raises :class:`ContactNotCreated` with a plain message
    when there is no connection or Xero refuses.
    """
    name = " ".join((name or "").split())[:255]
    if not name:
        raise ContactNotCreated("Enter the name of the supplier or customer.")
    existing = Contact.objects.for_business(business).filter(name__iexact=name, status=ListStatus.ACTIVE).first()
    if existing is not None:
        return existing, False
    connection = connection_active(business=business)
    if connection is None:
        raise ContactNotCreated("Connect Xero first: the contact is created in your Xero organisation.")
    from connections.xero.api import XeroApi

    api = XeroApi.for_connection(connection)
    payload = {"Name": name}
    if tax_number.strip():
        payload["TaxNumber"] = tax_number.strip()[:50]
    if email.strip():
        payload["EmailAddress"] = email.strip()[:255]
    digest = hashlib.sha256(f"{name.lower()}|{payload.get('TaxNumber', '')}|{payload.get('EmailAddress', '')}".encode())
    created = True
    try:
        data = api.create_contact(payload, idempotency_key=f"dext-{business.pk}-contact-{digest.hexdigest()[:32]}")
    except XeroValidationError as exc:
        if not any(NAME_TAKEN in message for message in exc.messages):
            raise ContactNotCreated(f"Xero did not create the contact: {' '.join(exc.messages)}") from exc
        data = _find_by_name(api, name)
        created = False
        if data is None:
            raise ContactNotCreated(f"Xero already has a contact called “{name}”, but dext could not find it: "
                                    "refresh the lists, then choose it.") from exc
    except XeroAuthError as exc:
        raise ContactNotCreated(exc.user_message) from exc
    except XeroError as exc:
        raise ContactNotCreated("Xero did not answer in time; nothing was created. Try again in a minute.") from exc
    return _save(business=business, data=data, is_customer=is_customer, created=created), created


def _find_by_name(api, name: str) -> dict | None:
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    found = api.get_contacts(where=f'Name=="{quoted}"', include_archived=False, page_size=10)
    return found[0] if found else None


def contacts_on_xero_changed(*, connection, changes: dict) -> int:
    """Listener of ``hooks.XERO_CHANGED``: Xero said these contacts were created or changed,
    so read them (one call for the batch) and write them to Lists without a full refresh.
    Xero errors propagate: the webhook batch is tried again (busy, down) or given up to the
    scheduled refresh."""
    contact_ids = changes.get("CONTACT") or set()
    if not contact_ids or not connection.is_connected:
        return 0
    from connections.xero.api import XeroApi

    contacts = XeroApi.for_connection(connection).get_contacts_by_ids(contact_ids)
    changed = contacts_upsert(business=connection.business, contacts=contacts)
    logger.info("Contacts from Xero webhooks for business %s: %s read, %s changed",
                connection.business_id, len(contacts), changed)
    return changed


@transaction.atomic
def _save(*, business, data: dict, is_customer: bool, created: bool) -> Contact:
    fields = xero_mapping.contact_fields(data)
    if created:
        # Xero marks a contact as a supplier or customer once it has a bill or an invoice;
        # dext knows already which one this is.
        fields["is_customer"] = fields["is_customer"] or is_customer
        fields["is_supplier"] = fields["is_supplier"] or not is_customer
    contact, _ = Contact.objects.update_or_create(business=business, xero_id=fields.pop("xero_id"), defaults=fields)
    logger.info("Contact %s %s in Xero for business %s", contact.pk, "created" if created else "found", business.pk)
    return contact
