"""Only someone who may publish can make an item reach Xero, whatever path queues it:
the Publish button, a bulk publish, a supplier rule that publishes by itself, a resume
after reconnecting. Run against the sandbox over HTTP, so "published" means the
document arrived in Xero."""

import html

import pytest
from django.urls import reverse

from dext.tenancy.models import Membership, Role
from items.models import AutoPublish, ContactRule, Item, ItemHistory, ItemStatus
from items.services import ItemError, contact_rule_save, items_bulk_action
from publishing.models import Publication
from publishing.services import PublishError, publish_request

pytestmark = pytest.mark.django_db(transaction=True)

NEEDS_PERMISSION = "Publishing to Xero needs the administrator role or the “can publish” permission."


def sandbox_documents(reference: str):
    from xero_sandbox.accounting.models import Document

    return Document.objects.filter(number=reference)


def page(client, url) -> str:
    return html.unescape(client.get(url).content.decode())


def set_permission(user, *, role=Role.STANDARD, can_publish=False):
    Membership.objects.filter(user=user).update(role=role, can_publish=can_publish)


# --- The button and the services behind it ------------------------------------------------------
def test_publish_service_refuses_a_user_without_permission(make_item, connected, standard_user):
    business, _ = connected
    item = make_item(reference="NOPE-1")
    with pytest.raises(PublishError) as refused:
        publish_request(business=business, items=[item], acting_user=standard_user)
    assert refused.value.user_message == NEEDS_PERMISSION
    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    assert not Publication.objects.filter(item=item).exists()
    assert not sandbox_documents("NOPE-1").exists()


def test_publish_service_refuses_no_user_at_all(make_item, connected):
    business, _ = connected
    item = make_item(reference="NOBODY-1")
    with pytest.raises(PublishError):
        publish_request(business=business, items=[item], acting_user=None)
    assert not sandbox_documents("NOBODY-1").exists()


def test_publish_button_refuses_a_user_without_permission(client, make_item, standard_user):
    item = make_item(reference="BUTTON-1")
    client.force_login(standard_user)
    assert client.post(reverse("publishing:publish", args=[item.pk])).status_code == 403
    assert Item.objects.get(pk=item.pk).status == ItemStatus.READY
    assert not sandbox_documents("BUTTON-1").exists()


# --- Bulk ----------------------------------------------------------------------------------------
def test_bulk_publish_refuses_a_user_without_permission(client, make_item, connected, standard_user):
    business, _ = connected
    items = [make_item(reference=f"BULK-{n}") for n in range(2)]
    client.force_login(standard_user)
    response = client.post(reverse("items:bulk"), {"action": "publish", "items": [item.pk for item in items]})
    assert response.status_code == 403
    result = items_bulk_action(
        business=business, action="publish", items=Item.objects.filter(pk__in=[i.pk for i in items]),
        acting_user=standard_user,
    )
    assert result.level == "error" and result.message == NEEDS_PERMISSION
    assert set(Item.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)) == {"ready"}
    assert not sandbox_documents("BULK-0").exists() and not sandbox_documents("BULK-1").exists()


# --- Rules that publish by themselves -----------------------------------------------------------
def test_standard_user_cannot_turn_on_auto_publish(client, make_item, connected, standard_user):
    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    client.force_login(standard_user)
    response = client.post(reverse("items:contact_rule", args=[contact.pk]), {"auto_publish": "always", "paid": "unknown"})
    assert response.status_code == 200
    assert "Only an administrator or someone with the “can publish” permission can make a rule publish" in html.unescape(
        response.content.decode()
    )
    assert not ContactRule.objects.filter(contact=contact, auto_publish=AutoPublish.ALWAYS).exists()
    with pytest.raises(ItemError):
        contact_rule_save(business=business, contact=contact, data={"auto_publish": "always"}, acting_user=standard_user)
    assert not ContactRule.objects.filter(contact=contact, auto_publish=AutoPublish.ALWAYS).exists()


def test_standard_user_may_save_a_rule_that_does_not_publish(client, make_item, connected, standard_user):
    contact = make_item.contact("Office Depot Ltd")
    client.force_login(standard_user)
    response = client.post(reverse("items:contact_rule", args=[contact.pk]), {"auto_publish": "never", "paid": "unknown",
                                                                            "description": "Stationery"})
    assert response.status_code == 302
    assert ContactRule.objects.get(contact=contact).description == "Stationery"


def test_the_bypass_is_closed_standard_user_making_an_item_ready_publishes_nothing(
    client, make_item, connected, standard_user
):
    """The attack from the issue: a rule set to Always, then an item made Ready."""
    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    client.force_login(standard_user)
    client.post(reverse("items:contact_rule", args=[contact.pk]), {"auto_publish": "always", "paid": "unknown"})
    make_item.user = standard_user
    item = make_item(contact="Office Depot Ltd", reference="ATTACK-1")
    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    assert not sandbox_documents("ATTACK-1").exists()


def test_auto_publish_publishes_as_the_rules_author(client, make_item, connected, admin_user):
    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    contact_rule_save(business=business, contact=contact, data={"auto_publish": "always"}, acting_user=admin_user)
    item = make_item(contact="Office Depot Ltd", reference="AUTO-OK-1")
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    publication = Publication.objects.get(item=item)
    assert publication.auto is True and publication.requested_by == admin_user
    assert sandbox_documents("AUTO-OK-1").count() == 1


def test_rule_whose_author_lost_permission_stops_publishing_and_says_so(
    client, make_item, connected, admin_user, standard_user
):
    business, _ = connected
    set_permission(standard_user, can_publish=True)
    contact = make_item.contact("Office Depot Ltd")
    contact_rule_save(business=business, contact=contact, data={"auto_publish": "always"}, acting_user=standard_user)
    set_permission(standard_user, can_publish=False)

    item = make_item(contact="Office Depot Ltd", reference="LOST-1")
    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    assert not Publication.objects.filter(item=item).exists()
    assert not sandbox_documents("LOST-1").exists()
    note = ItemHistory.objects.filter(item=item, message__startswith="Not published automatically").get()
    assert "staff@example.com" in note.message

    client.force_login(admin_user)
    rules = page(client, reverse("items:rules"))
    assert "Paused" in rules and "staff@example.com, who turned it on, may no longer publish to Xero" in rules
    assert "Auto-publish is paused." in page(client, reverse("items:contact_rule", args=[contact.pk]))

    # An administrator saving the rule again takes it over: it publishes as them.
    response = client.post(reverse("items:contact_rule", args=[contact.pk]), {"auto_publish": "always", "paid": "unknown"})
    assert response.status_code == 302
    assert "Paused" not in page(client, reverse("items:rules"))
    later = make_item(contact="Office Depot Ltd", reference="LOST-2")
    later.refresh_from_db()
    assert later.status == ItemStatus.PUBLISHED
    assert Publication.objects.get(item=later).requested_by == admin_user


def test_rule_author_removed_from_the_business_stops_auto_publish(client, make_item, connected, admin_user):
    from dext.tenancy.tests.factories import MembershipFactory, UserFactory

    business, _ = connected
    other_admin = UserFactory(email="leaver@example.com")
    MembershipFactory(user=other_admin, business=business, role=Role.ADMINISTRATOR)
    contact = make_item.contact("Office Depot Ltd")
    contact_rule_save(business=business, contact=contact, data={"auto_publish": "always"}, acting_user=other_admin)
    Membership.objects.filter(user=other_admin).delete()
    item = make_item(contact="Office Depot Ltd", reference="LEAVER-1")
    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    assert not sandbox_documents("LEAVER-1").exists()


def test_rule_with_no_known_author_is_paused(client, make_item, connected, admin_user):
    """Rules saved before authors were recorded publish nothing until saved again."""
    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    ContactRule.objects.create(business=business, contact=contact, auto_publish=AutoPublish.ALWAYS)
    item = make_item(contact="Office Depot Ltd", reference="ORPHAN-1")
    item.refresh_from_db()
    assert item.status == ItemStatus.READY
    assert not sandbox_documents("ORPHAN-1").exists()
    client.force_login(admin_user)
    assert "Nobody who may publish to Xero has saved this rule" in page(client, reverse("items:rules"))


def test_support_staff_cannot_switch_auto_publish_on_in_the_admin(client, make_item, connected):
    from django.contrib.auth import get_user_model

    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    rule = ContactRule.objects.create(business=business, contact=contact)
    support = get_user_model().objects.create_superuser("support@example.com", "support@example.com", "pw-support-123")
    client.force_login(support)
    url = reverse("admin:items_contactrule_change", args=[rule.pk])
    form = page(client, url)
    assert 'name="auto_publish"' not in form
    client.post(url, {"business": business.pk, "contact": contact.pk, "auto_publish": "always",
                      "publish_destination": "", "description": "", "currency_code": ""})
    rule.refresh_from_db()
    assert rule.auto_publish == AutoPublish.NEVER


# --- Resuming after a reconnect ------------------------------------------------------------------
def test_reconnect_does_not_resume_for_a_requester_who_lost_permission(
    client, make_item, connected, admin_user, standard_user
):
    from connections.tests.sandbox_flow import connect
    from xero_sandbox import faults

    business, connection = connected
    set_permission(standard_user, can_publish=True)
    theirs = make_item(reference="RESUME-STAFF")
    faults.revoke_connection(connection.xero_connection_id)
    client.force_login(standard_user)
    client.post(reverse("publishing:publish", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.FAILED

    set_permission(standard_user, can_publish=False)
    client.force_login(admin_user)
    assert connect(client, organisation="Demo Company (UK)", purpose="reconnect").status_code == 302

    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.FAILED
    assert not sandbox_documents("RESUME-STAFF").exists()
    assert ItemHistory.objects.filter(
        item=theirs, message="Not published again after reconnecting: staff@example.com may no longer publish to Xero."
    ).exists()
    # The publisher's own items still resume (test_faults_and_errors covers that walk);
    # the same item, asked for again by someone who may publish, goes through.
    client.post(reverse("publishing:publish", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.PUBLISHED
    assert sandbox_documents("RESUME-STAFF").count() == 1
