from django import template

from publishing.selectors import publish_panel as build_panel

register = template.Library()


@register.inclusion_tag("publishing/_item_panel.html", takes_context=True)
def publish_panel(context, item):
    request = context["request"]
    return {"item": item, "panel": build_panel(item=item, membership=request.membership), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def published_as(publication) -> str:
    """"a bill INV-2291 (awaiting payment)"."""
    from publishing.wording import published_as as words

    return words(publication.xero_type, publication.xero_status, publication.xero_number)
