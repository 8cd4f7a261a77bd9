"""Contact matching: tax number, then aliases, then email domain, then the name, never the business."""

import pytest

from capture.fields import ExtractedField, Extraction
from capture.matching import match_contact, normalise_name
from capture.profile import BusinessProfile, ContactCandidate

PROFILE = BusinessProfile(name="Demo Bakery Ltd", country="GB", base_currency="GBP", tax_numbers=("GB987654321",))


def read(**values) -> Extraction:
    names = values.pop("names", [])
    extraction = Extraction(source="text", fields={k: ExtractedField(v, 0.9) for k, v in values.items()})
    extraction.name_candidates = names
    return extraction


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bakery Supplies Co. Ltd", "BAKERY SUPPLIES CO LTD"),
        ("Bakery Supplies Limited", "Bakery Supplies Ltd."),
        ("MR D.I.Y. (JOHOR) SDN BHD", "Mr D.I.Y. (Johor) Sdn. Bhd."),
        ("Harbour Hardware Pty Ltd", "HARBOUR HARDWARE PTY. LTD."),
        ("Bäckerei Schmidt GmbH", "Backerei Schmidt"),
        ("Atlas Logistics B.V.", "ATLAS LOGISTICS BV"),
        ("Juniper Supplies S.A.S.", "Juniper Supplies SAS"),
    ],
)
def test_legal_forms_punctuation_and_case_do_not_count(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_different_names_stay_different():
    assert normalise_name("Bakery Supplies Ltd") != normalise_name("Bakery Services Ltd")


def test_tax_number_beats_a_better_name_match():
    candidates = [
        ContactCandidate(id=1, name="Northern Flour Mills Ltd"),
        ContactCandidate(id=2, name="NFM Trading", tax_number="GB 123 4567 89"),
    ]
    extraction = read(supplier_name="Northern Flour Mills Ltd", tax_number="GB123456789", item_type="cost")
    match = match_contact(extraction, candidates=candidates, profile=PROFILE)
    assert (match.contact_id, match.method, match.confidence) == (2, "tax_number", 1.0)


def test_tax_number_matches_without_its_country_prefix():
    candidates = [ContactCandidate(id=7, name="Someone", tax_number="123456789")]
    match = match_contact(read(supplier_name="X", tax_number="GB 123 456 789"), candidates=candidates)
    assert (match.contact_id, match.method) == (7, "tax_number")


def test_a_learned_alias_wins_over_a_fuzzy_name():
    candidates = [
        ContactCandidate(id=1, name="Bakery Supplies Co Ltd"),
        ContactCandidate(id=2, name="Wholesale Bakers (Leeds) Ltd"),
    ]
    extraction = read(supplier_name="BAKERY SUPPLIES CO LTD")
    assert match_contact(extraction, candidates=candidates).contact_id == 1
    aliases = {normalise_name("Bakery Supplies Co. Ltd"): 2}
    match = match_contact(extraction, candidates=candidates, aliases=aliases)
    assert (match.contact_id, match.method) == (2, "alias")


def test_email_domain_matches_and_free_mail_does_not():
    candidates = [
        ContactCandidate(id=1, name="Atlas Office Supplies", email="billing@atlas-office.co.uk"),
        ContactCandidate(id=2, name="Jo Bloggs Plumbing", email="jo.bloggs@gmail.com"),
    ]
    by_domain = read(supplier_name="AOS", email="accounts@atlas-office.co.uk")
    match = match_contact(by_domain, candidates=candidates)
    assert (match.contact_id, match.method) == (1, "email_domain")
    free_mail = read(supplier_name="Quick Fix", email="someone.else@gmail.com")
    assert match_contact(free_mail, candidates=candidates) is None


def test_website_domain_matches_a_contact_email_domain():
    candidates = [ContactCandidate(id=3, name="Kestrel Print", email="hello@kestrelprint.com")]
    match = match_contact(read(supplier_name="KP", website="www.kestrelprint.com"), candidates=candidates)
    assert (match.contact_id, match.method) == (3, "email_domain")


def test_fuzzy_name_matches_despite_legal_form_and_ocr_noise():
    candidates = [ContactCandidate(id=1, name="Indah Gift & Home Deco"), ContactCandidate(id=2, name="Yongfatt Enterprise")]
    match = match_contact(read(supplier_name="INDAH GIFT& HOME DEC0"), candidates=candidates)
    assert (match.contact_id, match.method) == (1, "name")
    assert 0.7 < match.confidence < 1.0


def test_no_match_below_the_threshold():
    candidates = [ContactCandidate(id=1, name="Bakery Supplies Ltd"), ContactCandidate(id=2, name="Golden Dairy Ltd")]
    assert match_contact(read(supplier_name="Bright Electrical Services Ltd"), candidates=candidates) is None


def test_never_the_business_itself():
    candidates = [
        ContactCandidate(id=1, name="Demo Bakery Ltd"),
        ContactCandidate(id=2, name="Demo Bakery Limited (old)", tax_number="GB987654321"),
    ]
    extraction = read(supplier_name="DEMO BAKERY LTD", tax_number="GB987654321")
    assert match_contact(extraction, candidates=candidates, profile=PROFILE) is None


def test_suppliers_are_preferred_on_costs_and_customers_on_sales():
    candidates = [
        ContactCandidate(id=1, name="Riverside Hotel", is_supplier=False, is_customer=True),
        ContactCandidate(id=2, name="Riverside Hotel", is_supplier=True, is_customer=False),
    ]
    assert match_contact(read(supplier_name="Riverside Hotel", item_type="cost"), candidates=candidates).contact_id == 2
    assert match_contact(read(supplier_name="Riverside Hotel", item_type="sale"), candidates=candidates).contact_id == 1


def test_another_line_of_the_header_can_name_the_supplier():
    candidates = [ContactCandidate(id=9, name="Book Ta .K (Taman Daya) Sdn. Bhd.")]
    extraction = read(supplier_name="tan woon yann", names=["BOOK TA _K (TAMAN DAYA) SDN BHD", "789417-W"])
    match = match_contact(extraction, candidates=candidates)
    assert (match.contact_id, match.method) == (9, "name")
