"""Check an item against the synced lists and the organisation's lock dates before any
call to Xero, with the same messages Xero's refusals get (``catalogue.py``)."""

from items.models import Item
from publishing import catalogue
from publishing.inputs import item_for_publishing

# Xero accepts drafts and bills awaiting approval inside a locked period.
LOCK_EXEMPT_DESTINATIONS = {"purchases_draft", "purchases_awaiting_approval"}


def problems_before_sending(item: Item) -> list[catalogue.PublishProblem]:
    from connections.selectors import connection_for_business

    item = item_for_publishing(item)
    problems: list[catalogue.PublishProblem] = []
    lines = list(item.lines.all())
    if item.contact is not None and item.contact.is_archived:
        problems.append(catalogue.problem("contact_archived", contact=item.contact.name))
    categories = {c for c in [item.category, *[line.category for line in lines]] if c is not None}
    for category in sorted(categories, key=lambda c: c.code):
        if category.is_archived:
            problems.append(catalogue.problem("account_archived", account=str(category)))
    tax_rates = {t for t in [item.tax_rate, *[line.tax_rate for line in lines]] if t is not None}
    for tax_rate in sorted(tax_rates, key=lambda t: t.xero_id):
        if tax_rate.is_archived:
            problems.append(catalogue.problem("tax_rate_archived", tax_type=str(tax_rate)))
    options = {
        o
        for o in [item.tracking_option_1, item.tracking_option_2,
                  *[opt for line in lines for opt in (line.tracking_option_1, line.tracking_option_2)]]
        if o is not None
    }
    for option in sorted(options, key=lambda o: (o.category.name, o.name)):
        if option.is_archived or option.category.is_archived:
            problems.append(catalogue.problem("tracking_archived", tracking=f"{option.category.name}: {option.name}"))
    if item.payment_method is not None and item.payment_method.is_archived:
        problems.append(catalogue.problem("bank_account_not_recognised"))
    connection = connection_for_business(business=item.business)
    if connection is not None and item.date and item.publish_destination not in LOCK_EXEMPT_DESTINATIONS:
        for lock, date in (("end of year", connection.end_of_year_lock_date), ("period", connection.period_lock_date)):
            if date and item.date <= date:
                problems.append(catalogue.problem("lock_date", lock=lock, date=date.strftime("%-d %B %Y")))
                break
    return problems
