"""``{% money amount currency %}`` and ``{% day date %}`` in the current business's locale
(``business_locale``, set by the tenancy context processor)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from dext.tenancy import formats

register = template.Library()


def _locale(context) -> str:
    return context.get("business_locale") or formats.DEFAULT_LOCALE


@register.simple_tag(takes_context=True)
def money(context, amount, currency="") -> str:
    return formats.money(amount, currency or "", locale=_locale(context))


@register.simple_tag(takes_context=True)
def day(context, value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.day(value, locale=_locale(context))


@register.filter
def ago(value) -> str:
    """"just now" for the last minute (never "0 minutes ago"), then "3 minutes ago"."""
    if not value:
        return ""
    if timezone.now() - value < timezone.timedelta(minutes=1):
        return "just now"
    return f"{timesince(value)} ago"
