"""Property: whatever the lines, tax rates and tax setting, the document Xero stores adds
up to the item to the cent. Generated items are published through the sandbox over real
HTTP and the sandbox's stored totals are compared with the item's."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from items.models import ItemSettings, ItemStatus
from publishing.models import Publication
from publishing.services import publish_request

pytestmark = pytest.mark.django_db(transaction=True)

CENT = Decimal("0.01")
# Demo Company (UK)'s purchase tax rates in the sandbox seed, with their rates.
UK_PURCHASE_RATES = {
    "INPUT2": Decimal("20"),
    "RRINPUT": Decimal("5"),
    "ZERORATEDINPUT": Decimal("0"),
    "EXEMPTINPUT": Decimal("0"),
    "NONE": Decimal("0"),
}

amounts = st.decimals(min_value=CENT, max_value=Decimal("99999.99"), places=2, allow_nan=False,
                      allow_infinity=False)
# A supplier's document rounds its tax its own way: a cent either side of Xero's figure.
lines_strategy = st.lists(
    st.tuples(st.sampled_from(sorted(UK_PURCHASE_RATES)), amounts, st.sampled_from([-1, 0, 1])),
    min_size=1, max_size=4,
)


def _line_tax(net: Decimal, tax_type: str, cents_off: int) -> Decimal:
    rate = UK_PURCHASE_RATES[tax_type]
    if not rate:
        return Decimal("0.00")
    tax = (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP) + cents_off * CENT
    # Xero refuses a line whose tax is more than its amount; so would a real document.
    return min(net, max(Decimal("0.00"), tax))


def _stored_document(item):
    from xero_sandbox.accounting.models import Document

    publication = Publication.objects.get(item=item)
    return Document.objects.get(pk=publication.xero_id)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    # One connected business (function-scoped fixtures) serves every example; each
    # example makes its own item under its own reference.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=lines_strategy, tax_calculation=st.sampled_from(["document", "xero"]),
       item_level=st.booleans())
def test_published_totals_equal_the_item_to_the_cent(connected, make_item, admin_user, generated,
                                                      tax_calculation, item_level):
    business, _ = connected
    ItemSettings.objects.update_or_create(business=business, defaults={"tax_calculation": tax_calculation})
    lines = []
    for tax_type, net, cents_off in generated:
        tax = _line_tax(net, tax_type, cents_off)
        lines.append({
            "description": f"{tax_type} goods", "category": make_item.category("429"),
            "tax_rate": make_item.tax(tax_type), "tracking_option_1": None, "tracking_option_2": None,
            "net": net, "tax_amount": tax, "total": net + tax,
        })
    net = sum((line["net"] for line in lines), Decimal("0.00"))
    tax = sum((line["tax_amount"] for line in lines), Decimal("0.00"))
    total = net + tax
    # A one-line item is also published from its own fields, without line items.
    single = item_level and len(lines) == 1
    item = make_item(
        tax_rate=generated[0][0], net=str(net), tax=str(tax), total=str(total),
        lines=None if single else lines,
    )

    result = publish_request(business=business, items=[item], acting_user=admin_user)

    item.refresh_from_db()
    assert result.queued and item.status == ItemStatus.PUBLISHED, Publication.objects.get(item=item).error_message
    document = _stored_document(item)
    assert document.total == total
    if tax_calculation == "document":
        assert document.line_amount_types == "Exclusive"
        assert (document.sub_total, document.total_tax) == (net, tax)
    else:
        assert document.line_amount_types == "Inclusive"
        assert document.sub_total + document.total_tax == total
