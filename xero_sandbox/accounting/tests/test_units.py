"""Totals, Xero's date and boolean formats, the where filter."""

import datetime as dt
from decimal import Decimal

import pytest

from xero_sandbox.accounting import totals, wire
from xero_sandbox.accounting.where import WhereSyntaxError, compile_where


def test_exclusive_line_rounds_tax_per_line():
    line = totals.line_totals(
        line_amount_types="Exclusive", rate_percent=Decimal(20), quantity=Decimal(3),
        unit_amount=Decimal("12.35"), line_amount=None, tax_amount=None,
    )
    assert (line.line_amount, line.tax_amount) == (Decimal("37.05"), Decimal("7.41"))


def test_inclusive_line_extracts_tax():
    line = totals.line_totals(
        line_amount_types="Inclusive", rate_percent=Decimal(15), quantity=None,
        unit_amount=None, line_amount=Decimal("115.00"), tax_amount=None,
    )
    assert (line.quantity, line.unit_amount, line.tax_amount) == (Decimal(1), Decimal("115.00"), Decimal("15.00"))
    doc = totals.document_totals(line_amount_types="Inclusive", lines=[line])
    assert (doc.sub_total, doc.total_tax, doc.total) == (Decimal("100.00"), Decimal("15.00"), Decimal("115.00"))


def test_notax_document_has_no_tax():
    line = totals.line_totals(
        line_amount_types="NoTax", rate_percent=Decimal(20), quantity=Decimal(2),
        unit_amount=Decimal("0.125"), line_amount=None, tax_amount=None,
    )
    assert line.line_amount == Decimal("0.25")
    assert totals.document_totals(line_amount_types="NoTax", lines=[line]).total_tax == Decimal("0.00")


@pytest.mark.parametrize(
    "value", ["/Date(1714521600000)/", "/Date(1714521600000+0000)/", "2024-05-01", "2024-05-01T00:00:00"]
)
def test_dates_in_any_xero_form(value):
    assert wire.parse_date(value) == dt.date(2024, 5, 1)


def test_dates_out_in_ms_format():
    assert wire.ms_date(dt.date(2024, 5, 1)) == "/Date(1714521600000+0000)/"


@pytest.mark.parametrize(("value", "expected"), [("True", True), ("false", False), ("TRUE", True), (None, False)])
def test_query_booleans_any_case(value, expected):
    assert wire.parse_bool(value) is expected


def test_money_is_written_as_json_numbers_without_float():
    assert wire.dumps({"Total": Decimal("0.10"), "Name": "x"}) == '{"Total": 0.10, "Name": "x"}'


def test_where_filter_combinations():
    record = {"Status": "ACTIVE", "Type": "BANK", "Contact": {"ContactID": "ab"}, "Date": "/Date(1714521600000+0000)/"}
    assert compile_where('Status=="ACTIVE" AND Type=="BANK"')(record)
    assert not compile_where('Status=="ACTIVE" && Type=="SALES"')(record)
    assert compile_where('Contact.ContactID==Guid("AB")')(record)
    assert compile_where("Date>=DateTime(2024,05,01)")(record)
    with pytest.raises(WhereSyntaxError):
        compile_where('Status=="ACTIVE" AND')
