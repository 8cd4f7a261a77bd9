from django import template

from publishing.selectors import publish_panel as build_panel

register = template.Library()


@register.inclusion_tag("publishing/_item_panel.html", takes_context=True)
def publish_panel(context, item):
    request = context["request"]
    return {"item": item, "panel": build_panel(item=item, membership=request.membership), "csrf_token": context.get("csrf_token")}
