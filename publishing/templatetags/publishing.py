from django import template

from publishing.selectors import publish_panel as build_panel

register = template.Library()


@register.inclusion_tag("publishing/_item_panel.html", takes_context=True)
def publish_panel(context, item):
    request = context["request"]
    return {"item": item, "panel": build_panel(item=item, membership=request.membership),
            "csrf_token": context.get("csrf_token"), "business_locale": context.get("business_locale")}


@register.simple_tag
def published_as(publication) -> str:
    """"a bill INV-2291 (awaiting payment)"."""
    from publishing.wording import published_as as words

    return words(publication.xero_type, publication.xero_status, publication.xero_number)


@register.simple_tag
def published_document(publication) -> str:
    """"a bill INV-2291", without its status (shown on its own line)."""
    from publishing.wording import published_as as words

    return words(publication.xero_type, "", publication.xero_number)


@register.inclusion_tag("publishing/_xero_badge.html")
def xero_badge(item):
    """The document's status in Xero beside a published item's state ("In Xero: Paid")."""
    from django.core.exceptions import ObjectDoesNotExist

    from publishing.wording import status_label, status_tone

    try:
        publication = item.publication
    except (ObjectDoesNotExist, AttributeError):
        publication = None
    if publication is None or not publication.xero_id:
        return {"label": ""}
    return {"label": status_label(publication.xero_type, publication.xero_status),
            "tone": status_tone(publication.xero_status)}


@register.simple_tag
def xero_status_label(publication) -> str:
    from publishing.wording import status_label

    return status_label(publication.xero_type, publication.xero_status)


@register.inclusion_tag("publishing/_xero_match.html", takes_context=True)
def xero_match_dialog(context, item):
    """"Already in Xero?": the documents found and the three choices, or what was chosen."""
    from publishing.selectors import xero_match_panel

    panel = context.get("panel")
    if panel is not None:  # inside the publish panel
        may_publish = panel.may_publish
    else:
        membership = context["request"].membership
        may_publish = bool(membership and membership.may_publish)
    return {"item": item, "match": xero_match_panel(item=item), "may_publish": may_publish,
            "csrf_token": context.get("csrf_token"), "business_locale": context.get("business_locale")}


@register.filter
def xero_match_words(candidates) -> str:
    """The first document found in Xero, in words: "a bill INV-1 (awaiting payment) of 4 May 2026 for GBP 120.00"."""
    from publishing.services.duplicates import match_words

    return match_words(candidates[0]) if candidates else ""
