from dataclasses import dataclass, replace

from django.urls import reverse

from connections.models import ConnectionStatus, XeroConnection
from items.models import Item, ItemStatus
from publishing.models import Publication, PublicationState


@dataclass(frozen=True)
class PublishPanel:
    """What the item page shows about publishing: the button, or why there is none."""

    can_publish: bool
    reason: str = ""
    link_url: str = ""
    link_label: str = ""
    publication: Publication | None = None
    may_publish: bool = False
    # Its document was voided or deleted in Xero: the item can be published again.
    publish_again: bool = False


def publish_panel(*, item: Item, membership) -> PublishPanel:
    from publishing.services.again import may_publish_again

    panel = _panel(item=item, membership=membership)
    return replace(
        panel, may_publish=bool(membership and membership.may_publish),
        publish_again=item.status == ItemStatus.PUBLISHED and may_publish_again(panel.publication),
    )


def _panel(*, item: Item, membership) -> PublishPanel:
    publication = Publication.objects.filter(item=item).first()
    connection = XeroConnection.objects.filter(business_id=item.business_id).first()
    is_admin = bool(membership and membership.is_administrator)
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        return PublishPanel(
            False,
            "Publishing is off: this business isn't connected to Xero."
            + ("" if is_admin else " Ask an administrator to connect it."),
            reverse("connections:index") if is_admin else "",
            "Connect Xero" if is_admin else "",
            publication,
        )
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        return PublishPanel(
            False,
            "Publishing is paused: the Xero connection needs reconnecting."
            + ("" if is_admin else " Ask an administrator to reconnect it."),
            reverse("connections:index") if is_admin else "",
            "Reconnect" if is_admin else "",
            publication,
        )
    if not (membership and membership.may_publish):
        return PublishPanel(False, "You don't have permission to publish. An administrator can give it on the Team page.",
                            publication=publication)
    if item.status == ItemStatus.TO_REVIEW:
        return PublishPanel(False, "Fix the points listed above, then the item can be published.", publication=publication)
    if item.status in (ItemStatus.READY, ItemStatus.FAILED):
        return PublishPanel(True, publication=publication)
    return PublishPanel(False, publication=publication)


def publication_errors(*, business, item_ids) -> dict[int, str]:
    """Why each of these items' last publish failed (for the Inbox's bulk progress)."""
    return dict(
        Publication.objects.filter(business=business, item_id__in=list(item_ids), state=PublicationState.FAILED)
        .values_list("item_id", "error_message")
    )
