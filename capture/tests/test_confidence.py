"""Confidence is calibrated: a value a cross-check confirms is taken as read (at or above
CONFIDENT), and one a cross-check contradicts is flagged for a person. Documents here are
plain data (lines of words, as a reader gives them), so each check is seen on its own."""

from datetime import date
from decimal import Decimal

from capture.document import Line, Page, ReadDocument, Word
from capture.extraction import extract_fields
from capture.fields import CONFIDENT
from capture.matching import match_contact
from capture.profile import BusinessProfile, ContactCandidate

GB = BusinessProfile(name="Demo Bakery Ltd", country="GB", base_currency="GBP")
MY = BusinessProfile(name="Demo Trading Sdn Bhd", country="MY", base_currency="MYR")


def document(*lines: str, source: str = "text", confidence: float = 1.0) -> ReadDocument:
    """One page with a line of words per string, top to bottom."""
    page = Page(number=1, width=600, height=800)
    for number, text in enumerate(lines):
        top = 0.02 + number * 0.03
        words, left = [], 0.05
        for token in text.split():
            width = 0.012 * len(token)
            words.append(Word(token, (left, top, left + width, top + 0.02), confidence))
            left += width + 0.01
        page.lines.append(Line(words))
    return ReadDocument(source=source, pages=[page])


def read(*lines: str, profile=GB, **options):
    return extract_fields(document(*lines, **options), profile=profile).fields


def sure(field) -> bool:
    return field.confidence >= CONFIDENT


RECEIPT = ("CORNER SHOP LTD", "DATE: 14/03/2025 10:21", "2 x MILK 1L 3.00", "1 x SANDWICH 99.17")


def test_a_receipts_tax_that_is_its_printed_rate_of_the_total_is_taken_with_the_net_it_leaves():
    fields = read(*RECEIPT, "VAT 20% INCL 17.03", "TOTAL £102.17", "VISA ****1234 102.17", source="ocr", confidence=0.97)
    # 102.17 × 20/120 = 17.03: the tax and the total confirm each other.
    assert (fields["tax"].value, fields["total"].value) == (Decimal("17.03"), Decimal("102.17"))
    assert sure(fields["tax"]) and sure(fields["total"])
    assert fields["net"].value == Decimal("85.14") and sure(fields["net"])


def test_a_receipts_tax_that_is_not_its_printed_rate_is_flagged_and_so_is_the_net():
    fields = read(*RECEIPT, "VAT 20% INCL 15.03", "TOTAL £102.17", source="ocr", confidence=0.97)
    assert fields["tax"].value == Decimal("15.03") and not sure(fields["tax"])
    assert not sure(fields["net"])


def test_net_plus_tax_equal_to_the_total_makes_all_three_sure_and_a_misread_total_is_flagged():
    invoice = ("Harbour Dairy Ltd", "INVOICE", "Invoice number: INV-1042", "Invoice date: 25/03/2025")
    fields = read(*invoice, "Subtotal £250.00", "VAT 20% £50.00", "Total £300.00")
    assert all(sure(fields[name]) for name in ("net", "tax", "total"))

    misread = read(*invoice, "Subtotal £250.00", "VAT 20% £50.00", "Total £380.00")
    assert misread["total"].value == Decimal("380.00") and not sure(misread["total"])


def test_a_due_date_in_the_businesss_date_order_consistent_with_the_issue_date_is_sure():
    # 25/03 can only be day first, so 04/05 on the same invoice is the 4th of May.
    fields = read("Bakery Supplies Co Ltd", "INVOICE", "Invoice date: 25/03/2025", "Due date: 04/05/2025",
                  "Total £120.00")
    assert fields["due_date"].value == date(2025, 5, 4) and sure(fields["due_date"])
    assert sure(fields["date"])


def test_an_ambiguous_date_on_a_dollar_invoice_to_a_day_first_business_is_flagged():
    fields = read("Main Street Deli Inc", "INVOICE", "Invoice date: 03/04/2025", "Total $120.00")
    assert not sure(fields["date"])


def test_payment_terms_settle_which_way_round_two_ambiguous_dates_are():
    # 03/04 → 03/05 is 30 days only day first (month first it would be one day).
    fields = read("Main Street Deli Inc", "INVOICE", "Invoice date: 03/04/2025", "Due date: 03/05/2025",
                  "Payment terms: 30 days", "Total $120.00")
    assert (fields["date"].value, fields["due_date"].value) == (date(2025, 4, 3), date(2025, 5, 3))
    assert sure(fields["date"]) and sure(fields["due_date"])


def test_a_due_date_before_the_issue_date_is_dropped_and_the_issue_date_flagged():
    fields = read("Bakery Supplies Co Ltd", "INVOICE", "Invoice date: 25/03/2025", "Due date: 14/02/2025",
                  "Total £120.00")
    assert "due_date" not in fields
    assert not sure(fields["date"])


def test_cash_less_change_confirms_the_total_and_a_mismatch_lowers_it():
    receipt = ("KEDAI RUNCIT AH HOCK", "25/01/2018 13:22", "SUGAR 1KG 9.00")
    paid = read(*receipt, "TOTAL 9.00", "CASH 10.00", "CHANGE 1.00", profile=MY, source="ocr", confidence=0.98)
    wrong = read(*receipt, "TOTAL 9.00", "CASH 20.00", "CHANGE 1.00", profile=MY, source="ocr", confidence=0.98)
    assert sure(paid["total"])
    assert wrong["total"].confidence < paid["total"].confidence and not sure(wrong["total"])


def test_a_tax_breakdown_that_adds_up_to_the_total_confirms_it():
    receipt = ("HOME MASTER HARDWARE", "Date : 22/12/2017 14:03", "M.ONE TAPE 15.90 SR")
    summary = read(*receipt, "Total Incl. of GST 15.90", "GST Summary Amount (RM) Tax (RM)", "SR @6% 15.00 0.90",
                   profile=MY, source="ocr", confidence=0.98)
    alone = read(*receipt, "Total Incl. of GST 15.90", profile=MY, source="ocr", confidence=0.98)
    assert sure(summary["total"]) and not sure(alone["total"])


def test_a_printed_rounding_is_part_of_the_cross_check_and_goes_with_the_net():
    fields = read("TEO HENG STATIONERY & BOOKS", "Date: 18/01/2018", "SUB-TOTAL (EX) 4.60", "TOTAL TAX 0.28",
                  "ROUNDING 0.02", "TOTAL 4.90", profile=MY, source="ocr", confidence=0.98)
    assert (fields["net"].value, fields["tax"].value, fields["total"].value) == (
        Decimal("4.62"), Decimal("0.28"), Decimal("4.90"))
    assert all(sure(fields[name]) for name in ("net", "tax", "total"))


def test_a_name_that_two_contacts_nearly_share_is_flagged():
    extraction = extract_fields(document("TEO HENG STATIONERY & BOOKS", "TOTAL 4.90"), profile=MY)
    alone = [ContactCandidate(id=1, name="Teo Heng Stationery & Books")]
    both = [*alone, ContactCandidate(id=2, name="Ted Heng Stationery & Books")]
    assert sure(match_contact(extraction, candidates=alone))
    match = match_contact(extraction, candidates=both)
    assert match.contact_id == 1 and not sure(match)


def test_a_one_word_fragment_of_a_contacts_name_is_not_enough():
    extraction = extract_fields(document("RESTAURANT SDN BHD", "TOTAL 53.55"), profile=MY)
    match = match_contact(extraction, candidates=[ContactCandidate(id=1, name="Restaurant Sin Du")])
    assert match is None or not sure(match)


def test_a_tax_at_its_rate_of_the_total_confirms_the_tax_but_not_the_totals_last_digit():
    # 102.19 × 20/120 is 17.03 as well: the rate check can't tell 102.17 from 102.19.
    fields = read(*RECEIPT, "VAT 20% INCL 17.03", "TOTAL £102.19", source="ocr", confidence=0.97)
    assert fields["total"].value == Decimal("102.19") and not sure(fields["total"])


def test_a_total_worked_out_from_cash_and_change_needs_a_second_reading():
    receipt = ("FUYI MINI MARKET", "25/01/2018 1:22:56PM", "SUMMER CUP 48X230ML 9.00 SR")
    alone = read(*receipt, "Cash 50.00", "Change 41.00", profile=MY, source="ocr", confidence=0.98)
    printed = read(*receipt, "Total Includes GST 6% 9.00", "Cash 50.00", "Change 41.00", profile=MY, source="ocr",
                   confidence=0.98)
    assert alone["total"].value == printed["total"].value == Decimal("9.00")
    assert not sure(alone["total"]) and sure(printed["total"])


def test_a_total_before_a_printed_rounding_is_flagged():
    lines = ("RESTAURANT JIAWEI", "Date: 9/3/2018 20:54:50", "Sub Total RM 65.20", "GST 6% RM 3.91")
    rounded = read(*lines, "Total RM 69.11", "Rounding Adj -0.01", "TOTAL RM 69.10", profile=MY, source="ocr",
                   confidence=0.98)
    unrounded = read(*lines, "Total RM 69.11", "Rounding Adj -0.01", profile=MY, source="ocr", confidence=0.98)
    assert rounded["total"].value == Decimal("69.10") and sure(rounded["total"])
    assert unrounded["total"].value == Decimal("69.11") and not sure(unrounded["total"])


def test_a_net_printed_without_its_tax_is_taken_when_the_rest_of_the_total_is_its_printed_rate():
    receipt = ("IKANO HANDEL SDN BHD", "Date: 27/07/17", "GST @6% INCLUDED IN TOTAL")
    fields = read(*receipt, "Total Excl. of GST 96.23", "TOTAL RM 102.00", "CASH RM 102.00", "CHANGE RM 0.00",
                  profile=MY, source="ocr", confidence=0.98)
    # 102.00 − 96.23 = 5.77, which is 6% of 96.23.
    assert (fields["net"].value, fields["tax"].value) == (Decimal("96.23"), Decimal("5.77"))
    assert sure(fields["net"]) and sure(fields["tax"])
    odd = read(*receipt, "Total Excl. of GST 90.23", "TOTAL RM 102.00", "CASH RM 102.00", "CHANGE RM 0.00",
               profile=MY, source="ocr", confidence=0.98)
    assert not sure(odd["net"])
