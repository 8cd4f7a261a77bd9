from dataclasses import dataclass, replace
from datetime import date, datetime

from django.urls import reverse

from connections.models import ConnectionStatus, XeroConnection
from items.models import Item, ItemStatus
from publishing.models import Publication, PublicationState, XeroMatch, XeroMatchState


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


@dataclass(frozen=True)
class FoundInXero:
    """A document already in Xero that looks like the item's, as the dialog shows it."""

    xero_id: str
    words: str  # "a bill INV-1 (awaiting payment)"
    contact: str
    number: str
    date: date | None
    total: str
    currency: str
    status: str
    url: str


@dataclass(frozen=True)
class XeroMatchPanel:
    state: str
    matches: list[FoundInXero]
    found_at: datetime
    decided_by: str
    decided_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == XeroMatchState.OPEN


def xero_match_panel(*, item: Item) -> XeroMatchPanel | None:
    """What was found in Xero for the item before creating it, and what was decided."""
    from publishing.links import xero_deep_link
    from publishing.wording import published_as, status_words

    match = (XeroMatch.objects.filter(business_id=item.business_id, publication__item=item)
             .select_related("decided_by").first())
    if match is None:
        return None
    short_code = XeroConnection.objects.filter(business_id=item.business_id).values_list(
        "organisation_short_code", flat=True
    ).first() or ""
    found = [
        FoundInXero(
            xero_id=m["id"], words=published_as(m["type"], m["status"], m["number"]), contact=m.get("contact", ""),
            number=m.get("number", ""), date=date.fromisoformat(m["date"]) if m.get("date") else None,
            total=m.get("total", ""), currency=m.get("currency", ""),
            status=status_words(m["type"], m["status"]) or m["status"].lower(),
            url=xero_deep_link(short_code=short_code, xero_type=m["type"], xero_id=m["id"], status=m["status"]),
        )
        for m in match.candidates
    ]
    return XeroMatchPanel(
        state=match.state, matches=found, found_at=match.found_at,
        decided_by=match.decided_by.email if match.decided_by else "", decided_at=match.decided_at,
    )


def xero_matches_open(*, business, item_ids) -> dict[int, str]:
    """For the items of ``item_ids`` set aside as possible duplicates in Xero: what each
    seems to be in Xero (for the Inbox's bulk progress)."""
    from publishing.services.duplicates import match_words

    rows = XeroMatch.objects.filter(
        business=business, publication__item_id__in=list(item_ids), state=XeroMatchState.OPEN,
        publication__state=PublicationState.SET_ASIDE,
    ).values_list("publication__item_id", "candidates")
    return {item_id: match_words(candidates[0]) for item_id, candidates in rows if candidates}
