""""Already in Xero?": before creating a document dext looks for the same one entered
in Xero by someone else, and a person chooses what happens. Run against the sandbox
over real HTTP; the documents "keyed by hand" are put into the sandbox's books directly,
as a bookkeeper typing them into Xero would."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse

from dext.tenancy.models import Membership, Role
from items.models import ContactRule, Item, ItemHistory, ItemStatus
from items.services import contact_rule_save
from publishing.models import Publication, PublicationState, XeroMatch, XeroMatchState
from publishing.services.duplicates import MATCH_DATE_WINDOW

pytestmark = pytest.mark.django_db(transaction=True)

MAY_4 = date(2026, 5, 4)


def organisation(connection):
    from xero_sandbox.models import Organisation

    return Organisation.objects.get(pk=connection.tenant_id)


def keyed_by_hand(connected, *, kind="invoice", xero_type="ACCPAY", contact="Bakery Supplies Co", number="",
                  day=MAY_4, net="100.00", tax_type="INPUT2", account="429", bank_account="090"):
    """A document someone typed into Xero (not through dext's app): 100 + 20% VAT."""
    from lists.models import Contact
    from xero_sandbox.accounting.documents import documents_submit

    business, connection = connected
    payload = {
        "Type": xero_type,
        "Contact": {"ContactID": Contact.objects.for_business(business).get(name=contact).xero_id},
        "Date": day.isoformat(),
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "LineItems": [{"Description": "Typed in by hand", "Quantity": "1", "UnitAmount": net,
                       "AccountCode": account, "TaxType": tax_type}],
    }
    if kind == "invoice":
        payload["DueDate"] = day.isoformat()
        if number:
            payload["InvoiceNumber"] = number
    else:
        payload["BankAccount"] = {"Code": bank_account}
        if number:
            payload["Reference"] = number
    result = documents_submit(organisation=organisation(connection), kind=kind, elements=[payload],
                              summarize_errors=True, allow_update=False)
    assert not result.failed, result.outcomes
    return result.saved[0]


def void(document):
    from xero_sandbox.accounting.documents import documents_submit

    id_field = {"invoice": "InvoiceID", "banktransaction": "BankTransactionID"}[document.kind]
    result = documents_submit(organisation=document.organisation, kind=document.kind,
                              elements=[{id_field: str(document.pk), "Status": "VOIDED"}],
                              summarize_errors=True, allow_update=True)
    assert not result.failed, result.outcomes


def sandbox_documents(connected, **filters):
    from xero_sandbox.accounting.models import Document

    return Document.objects.filter(organisation=organisation(connected[1]), **filters)


def publish(client, item):
    response = client.post(reverse("publishing:publish", args=[item.pk]))
    assert response.status_code == 302
    return Item.objects.get(pk=item.pk)


def page(client, item) -> str:
    return html.unescape(client.get(reverse("items:detail", args=[item.pk])).content.decode())


def history(item) -> list[str]:
    return list(ItemHistory.objects.filter(item=item).values_list("message", flat=True))


# --- Finding it ----------------------------------------------------------------------------------
def test_publish_sets_a_bill_aside_when_xero_has_the_same_number_for_the_contact(client, connected, make_item):
    existing = keyed_by_hand(connected, number="BAKE-77", day=MAY_4 - timedelta(days=20), net="80.00")
    item = publish(client, make_item(reference="BAKE-77"))

    assert item.status == ItemStatus.READY
    assert Publication.objects.get(item=item).state == PublicationState.SET_ASIDE
    assert sandbox_documents(connected, type="ACCPAY").count() == 1  # nothing created
    shown = page(client, item)
    assert "Possible duplicate in Xero" in shown
    assert "BAKE-77" in shown and "Bakery Supplies Co" in shown
    assert f"redirecturl=/AccountsPayable/View.aspx?InvoiceID={existing.pk}" in shown
    assert "Attach the document to it" in shown and "Publish anyway" in shown and "Skip" in shown
    assert 'data-publish-button' not in shown  # the choice replaces the plain Publish button
    assert any(m.startswith("Set aside, not published: Xero already seems to have it as a bill BAKE-77")
               for m in history(item))


def test_publish_sets_aside_a_bill_with_the_same_contact_and_total_dated_within_the_window(
    client, connected, make_item
):
    existing = keyed_by_hand(connected, number="THEIR-REF", day=MAY_4 + MATCH_DATE_WINDOW)
    item = publish(client, make_item(reference="OUR-REF"))

    assert Publication.objects.get(item=item).state == PublicationState.SET_ASIDE
    match = XeroMatch.objects.get(publication__item=item)
    assert [m["id"] for m in match.candidates] == [str(existing.pk)]
    assert (match.candidates[0]["total"], match.candidates[0]["date"]) == ("120.00", "2026-05-07")


def test_same_total_outside_the_window_is_not_a_match(client, connected, make_item):
    keyed_by_hand(connected, number="THEIR-REF", day=MAY_4 + MATCH_DATE_WINDOW + timedelta(days=1))
    keyed_by_hand(connected, number="OTHER", day=MAY_4 - MATCH_DATE_WINDOW - timedelta(days=1))
    item = publish(client, make_item(reference="OUR-REF-2"))

    assert item.status == ItemStatus.PUBLISHED
    assert sandbox_documents(connected, type="ACCPAY", number="OUR-REF-2").count() == 1
    assert not XeroMatch.objects.filter(publication__item=item).exists()


def test_another_contacts_bill_with_the_same_number_is_not_a_match(client, connected, make_item):
    keyed_by_hand(connected, contact="Office Depot Ltd", number="BAKE-88")
    item = publish(client, make_item(reference="BAKE-88"))
    assert item.status == ItemStatus.PUBLISHED


def test_a_voided_document_is_not_a_match(client, connected, make_item):
    void(keyed_by_hand(connected, number="BAKE-90"))
    item = publish(client, make_item(reference="BAKE-90"))

    assert item.status == ItemStatus.PUBLISHED
    assert sandbox_documents(connected, type="ACCPAY", number="BAKE-90", status="AUTHORISED").count() == 1


def test_a_document_dext_created_itself_is_not_a_match(client, connected, make_item):
    first = publish(client, make_item(reference="SAME-A"))
    assert first.status == ItemStatus.PUBLISHED
    # A second receipt for a different purchase: same supplier, same amount, same day.
    second = publish(client, make_item(reference="SAME-B"))

    assert second.status == ItemStatus.PUBLISHED
    assert sandbox_documents(connected, type="ACCPAY").count() == 2


def test_a_failed_look_up_creates_nothing_and_is_tried_again(client, connected, make_item):
    """Xero unavailable during the look-up: the create waits for it; once the look-up
    succeeds the existing document is found, and still nothing was created."""
    from xero_sandbox import faults

    keyed_by_hand(connected, number="BAKE-91")
    item = make_item(reference="BAKE-91")
    faults.clear_log()
    faults.fail_next(1, status=503, path_prefix="/xero-sandbox/api/api.xro/2.0/Invoices", method="GET")
    item = publish(client, item)

    look_ups = faults.calls(method="GET", path_contains="/Invoices")
    assert look_ups.filter(status=503).count() == 1
    assert look_ups.count() >= 2
    assert faults.calls(method="PUT").count() == 0
    assert Publication.objects.get(item=item).state == PublicationState.SET_ASIDE
    assert sandbox_documents(connected, type="ACCPAY").count() == 1


# --- The three choices ---------------------------------------------------------------------------
def test_attach_puts_the_file_on_the_existing_bill_and_creates_nothing(client, connected, make_item, admin_user):
    existing = keyed_by_hand(connected, number="BAKE-100")
    item = publish(client, make_item(reference="BAKE-100"))

    response = client.post(reverse("publishing:xero_match_attach", args=[item.pk]), {"xero_id": str(existing.pk)})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert sandbox_documents(connected, type="ACCPAY").count() == 1
    existing.refresh_from_db()
    assert existing.attachments.count() == 1
    assert existing.status == "AUTHORISED" and not existing.payments.exists()
    publication = Publication.objects.get(item=item)
    assert (publication.xero_id, publication.matched, publication.xero_number) == (str(existing.pk), True, "BAKE-100")
    match = XeroMatch.objects.get(publication=publication)
    assert (match.state, match.decided_by) == (XeroMatchState.ATTACHED, admin_user)
    shown = page(client, item)
    assert f"redirecturl=/AccountsPayable/View.aspx?InvoiceID={existing.pk}" in shown
    assert "already in Xero" in shown and "dext did not create it" in shown
    row = ItemHistory.objects.filter(item=item, user=admin_user, message__startswith="Chose to attach").get()
    assert "a bill BAKE-100" in row.message


def test_publish_anyway_creates_a_second_document_and_does_not_stop_again(client, connected, make_item, admin_user):
    keyed_by_hand(connected, number="BAKE-101")
    item = publish(client, make_item(reference="BAKE-101"))

    client.post(reverse("publishing:xero_match_publish_anyway", args=[item.pk]))

    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert sandbox_documents(connected, type="ACCPAY", number="BAKE-101").count() == 2
    publication = Publication.objects.get(item=item)
    assert publication.matched is False
    assert XeroMatch.objects.get(publication=publication).state == XeroMatchState.PUBLISHED_ANYWAY
    assert ItemHistory.objects.filter(item=item, user=admin_user, message__startswith="Chose to publish anyway").exists()


def test_skip_publishes_nothing_and_archives_the_item(client, connected, make_item, admin_user):
    keyed_by_hand(connected, number="BAKE-102")
    item = publish(client, make_item(reference="BAKE-102"))

    client.post(reverse("publishing:xero_match_skip", args=[item.pk]))

    item.refresh_from_db()
    assert item.status == ItemStatus.ARCHIVED
    assert sandbox_documents(connected, type="ACCPAY").count() == 1
    assert XeroMatch.objects.get(publication__item=item).state == XeroMatchState.SKIPPED
    assert ItemHistory.objects.filter(item=item, user=admin_user, message__startswith="Already in Xero — skipped").exists()
    assert "Already in Xero — skipped by" in page(client, item)
    assert "Already in Xero — skipped" in html.unescape(client.get(reverse("items:archive")).content.decode())


def test_every_choice_needs_the_publish_permission(client, connected, make_item, standard_user):
    existing = keyed_by_hand(connected, number="BAKE-103")
    item = publish(client, make_item(reference="BAKE-103"))
    Membership.objects.filter(user=standard_user).update(role=Role.STANDARD, can_publish=False)
    client.force_login(standard_user)

    for name, data in (("xero_match_attach", {"xero_id": str(existing.pk)}), ("xero_match_publish_anyway", {}),
                       ("xero_match_skip", {})):
        assert client.post(reverse(f"publishing:{name}", args=[item.pk]), data).status_code == 403

    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    assert XeroMatch.objects.get(publication__item=item).state == XeroMatchState.OPEN
    assert sandbox_documents(connected, type="ACCPAY").count() == 1
    shown = page(client, item)
    assert "Possible duplicate in Xero" in shown and "Attach the document to it" not in shown


def test_choices_only_reach_the_requests_business(client, connected, make_item, other_admin):
    keyed_by_hand(connected, number="BAKE-104")
    item = publish(client, make_item(reference="BAKE-104"))
    client.force_login(other_admin)
    assert client.post(reverse("publishing:xero_match_skip", args=[item.pk])).status_code == 404
    assert Item.objects.get(pk=item.pk).status == ItemStatus.READY


# --- Bulk and rules -------------------------------------------------------------------------------
def test_bulk_publish_sets_duplicates_aside_and_publishes_the_others(client, connected, make_item):
    keyed_by_hand(connected, number="BULK-DUP")
    duplicate = make_item(reference="BULK-DUP")
    others = [make_item(reference=f"BULK-NEW-{n}", net=f"{50 + n}.00") for n in range(2)]
    ids = [duplicate.pk, *(item.pk for item in others)]

    response = client.post(reverse("items:bulk"), {"action": "publish", "items": ids, "confirmed": "yes"})
    assert response.status_code == 302

    states = dict(Item.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert states == {duplicate.pk: ItemStatus.READY, others[0].pk: ItemStatus.PUBLISHED,
                      others[1].pk: ItemStatus.PUBLISHED}
    assert sandbox_documents(connected, type="ACCPAY", number="BULK-DUP").count() == 1
    inbox = html.unescape(client.get(reverse("items:inbox")).content.decode())
    assert "set aside as a possible duplicate in Xero" in inbox
    assert "Published 2 of 3 to Xero." in inbox and "failed" not in inbox.split("Published 2 of 3")[1][:40]
    assert "Possible duplicate in Xero" in inbox
    assert "Xero already has a bill BULK-DUP (awaiting payment) of 4 May 2026 for GBP 120.00" in inbox


def test_auto_publish_by_a_supplier_rule_sets_a_duplicate_aside(connected, make_item, admin_user):
    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    contact_rule_save(business=business, contact=contact, data={"auto_publish": "always"}, acting_user=admin_user)
    assert ContactRule.objects.get(contact=contact).auto_publish == "always"
    keyed_by_hand(connected, contact="Office Depot Ltd", number="AUTO-DUP")

    item = make_item(contact="Office Depot Ltd", reference="AUTO-DUP")

    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    publication = Publication.objects.get(item=item)
    assert (publication.state, publication.auto) == (PublicationState.SET_ASIDE, True)
    assert sandbox_documents(connected, number="AUTO-DUP").count() == 1


# --- Paperwork match -----------------------------------------------------------------------------
def test_a_receipt_is_attached_to_spend_money_someone_already_entered(client, connected, make_item):
    """The receipt would become a bill (Purchases), but the card payment was already
    entered as spend money: the receipt is matched to it and attached."""
    existing = keyed_by_hand(connected, kind="banktransaction", xero_type="SPEND", bank_account="092",
                             day=MAY_4 - timedelta(days=1))
    item = publish(client, make_item(document_type="receipt", reference="RCPT-9",
                                     destination="purchases_awaiting_payment"))
    assert Publication.objects.get(item=item).state == PublicationState.SET_ASIDE
    assert f"redirecturl=/Bank/ViewTransaction.aspx?bankTransactionID={existing.pk}" in page(client, item)

    client.post(reverse("publishing:xero_match_attach", args=[item.pk]), {"xero_id": str(existing.pk)})

    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    existing.refresh_from_db()
    assert existing.attachments.count() == 1
    assert sandbox_documents(connected, type="ACCPAY").count() == 0
    assert sandbox_documents(connected, type="SPEND").count() == 1
    publication = Publication.objects.get(item=item)
    assert (publication.endpoint, publication.xero_type, publication.matched) == ("BankTransactions", "SPEND", True)


# --- The filter, as the sandbox (and Xero) reads it -----------------------------------------------
def test_the_where_filter_finds_the_number_or_the_total_in_the_window_and_skips_voided():
    """The sandbox evaluates the filter the way Xero's documentation describes ``where``:
    ``Guid("…")`` ids, ``DateTime(y,m,d)`` dates compared with ``>=``/``<=``, ``!=`` and
    brackets (https://developer.xero.com/documentation/api/accounting/requests-and-responses)."""
    from decimal import Decimal

    from publishing.models import Publication as PublicationModel
    from publishing.services.duplicates import Sought, group_filter
    from xero_sandbox.accounting import wire
    from xero_sandbox.accounting.where import compile_where

    contact = "6d5f1c42-0000-4000-8000-00000000abcd"
    # Xero sends ids in whatever case; Guid("…") compares them as ids.
    upper_contact = contact.upper()
    sought = Sought(PublicationModel(), ("ACCPAY",), contact, 'BAKE-"1"', Decimal("120.00"), MAY_4)
    keep = compile_where(group_filter([sought], "ACCPAY"))

    def bill(*, number="OTHER", total=120, day=MAY_4, status="AUTHORISED", contact_id=upper_contact):
        return {"Type": "ACCPAY", "Contact": {"ContactID": contact_id}, "InvoiceNumber": number, "Total": total,
                "Date": wire.ms_date(day), "Status": status}

    assert keep(bill(number='BAKE-"1"', total=5, day=MAY_4 - timedelta(days=90)))
    assert keep(bill(day=MAY_4 - MATCH_DATE_WINDOW)) and keep(bill(day=MAY_4 + MATCH_DATE_WINDOW))
    assert not keep(bill(day=MAY_4 + MATCH_DATE_WINDOW + timedelta(days=1)))
    assert not keep(bill(total=120.01))
    assert not keep(bill(status="VOIDED")) and not keep(bill(status="DELETED"))
    assert not keep(bill(contact_id="6d5f1c42-0000-4000-8000-00000000ffff"))


def test_one_filter_looks_for_a_batch_grouped_by_contact_and_keeps_each_documents_candidates():
    """Fifty documents are one query: per contact, their numbers, or their totals within
    the window of their dates; another contact's number or total never comes back."""
    from decimal import Decimal

    from publishing.models import Publication as PublicationModel
    from publishing.services.duplicates import Sought, group_filter
    from xero_sandbox.accounting import wire
    from xero_sandbox.accounting.where import compile_where

    baker, dairy = "6d5f1c42-0000-4000-8000-00000000abcd", "6d5f1c42-0000-4000-8000-00000000dcba"
    sought = [Sought(PublicationModel(), ("ACCPAY",), baker if n % 2 else dairy, f"INV-{n}", Decimal(100 + n), MAY_4)
              for n in range(1, 51)]
    where = group_filter(sought, "ACCPAY")
    keep = compile_where(where)

    def bill(*, number="OTHER", total=1, contact_id=baker, day=MAY_4):
        return {"Type": "ACCPAY", "Contact": {"ContactID": contact_id}, "InvoiceNumber": number, "Total": total,
                "Date": wire.ms_date(day), "Status": "AUTHORISED"}

    assert where.count("Contact.ContactID") == 2 and len(where) < 3000
    assert keep(bill(number="INV-1")) and keep(bill(number="INV-2", contact_id=dairy))
    assert not keep(bill(number="INV-2"))  # INV-2 is the dairy's
    assert keep(bill(total=101)) and keep(bill(total=102, contact_id=dairy))
    assert not keep(bill(total=101, day=MAY_4 + MATCH_DATE_WINDOW + timedelta(days=1)))
