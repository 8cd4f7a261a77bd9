"""What the sample documents say: suppliers, customers, lines and totals (the answers)."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Party:
    name: str
    tax_number: str = ""
    address: tuple[str, ...] = ()
    country: str = "GB"
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class AnswerLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    net: Decimal
    tax_percent: Decimal
    tax_amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.tax_amount


@dataclass(frozen=True)
class Answer:
    """What a perfect reader finds in the document."""

    document_type: str  # "invoice" | "receipt" | "credit_note"
    supplier: Party
    customer: Party
    reference: str
    date: date
    due_date: date | None
    currency: str
    net: Decimal
    tax: Decimal
    total: Decimal
    lines: tuple[AnswerLine, ...] = ()
    payment: str = ""
    language: str = "en"
    payment_terms_days: int | None = None

    @property
    def supplier_name(self) -> str:
        return self.supplier.name


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Who and what ----------------------------------------------------------------------

COUNTRIES = {
    # country: currency, tax label, rate, tax number maker
    "GB": ("GBP", Decimal(20)),
    "FR": ("EUR", Decimal(20)),
    "DE": ("EUR", Decimal(19)),
    "AU": ("AUD", Decimal(10)),
    "US": ("USD", Decimal("8.25")),
    "MY": ("MYR", Decimal(6)),
}
FIRST = ["Northern", "Harbour", "Bakery", "Riverside", "Atlas", "Golden", "Summit", "Meridian", "Oakwood", "Blue Fern",
         "Kestrel", "Granite", "Willow", "Copper", "Lakeside", "Silverline", "Redbrick", "Evergreen", "Pioneer", "Juniper"]
SECOND = ["Supplies", "Flour Mills", "Packaging", "Logistics", "Office Solutions", "Dairy", "Print Works", "Cleaning",
          "Electrical", "Coffee Roasters", "Software", "Hardware", "Catering", "Transport", "Stationers"]
LEGAL = {"GB": ["Ltd", "Limited", "Co Ltd", "plc"], "FR": ["SARL", "SAS", "S.A."], "DE": ["GmbH", "AG", "GmbH & Co. KG"],
         "AU": ["Pty Ltd", "Pty. Ltd."], "US": ["Inc.", "LLC", "Corp."], "MY": ["Sdn Bhd", "Sdn. Bhd.", "Enterprise"]}
STREETS = {"GB": ("14 Mill Lane", "Leeds LS1 4AB"), "FR": ("12 rue des Lilas", "69002 Lyon"),
           "DE": ("Hauptstraße 27", "10115 Berlin"), "AU": ("8 George Street", "Sydney NSW 2000"),
           "US": ("455 Market Street", "San Francisco, CA 94105"), "MY": ("No. 12, Jalan Dedap 13", "81100 Johor Bahru")}
GOODS = ["Strong white flour 16kg", "Printer paper A4 (box)", "Cleaning service - March", "Coffee beans 1kg",
         "Delivery charge", "Cardboard boxes (50)", "Consulting - 3 hours", "Software subscription", "LED panel 600x600",
         "Butter 10kg", "Labels roll", "Hand towels (case)", "Window cleaning", "Espresso cups (12)", "Cable ties (100)"]


def _tax_number(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(11))
    if country == "GB":
        return f"GB{digits[:9]}"
    if country == "FR":
        return f"FR{digits[:11]}"
    if country == "DE":
        return f"DE{digits[:9]}"
    if country == "AU":
        return f"{digits[:2]} {digits[2:5]} {digits[5:8]} {digits[8:11]}"
    if country == "MY":
        return f"00{digits[:10]}"
    return ""


def party(rng: random.Random, country: str) -> Party:
    name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(LEGAL[country])}"
    slug = "".join(ch for ch in name.split(" ")[0].lower() if ch.isalpha()) + rng.choice(["", "-supplies", "-group"])
    tld = {"GB": "co.uk", "FR": "fr", "DE": "de", "AU": "com.au", "US": "com", "MY": "com.my"}[country]
    return Party(
        name=name,
        tax_number=_tax_number(rng, country),
        address=STREETS[country],
        country=country,
        email=f"accounts@{slug}.{tld}",
        website=f"www.{slug}.{tld}",
    )


def _lines(rng: random.Random, rate: Decimal, count: int) -> tuple[AnswerLine, ...]:
    lines = []
    for description in rng.sample(GOODS, count):
        quantity = Decimal(rng.choice([1, 1, 1, 2, 3, 5, 10]))
        unit = money(Decimal(rng.randint(150, 45000)) / 100)
        net = money(quantity * unit)
        lines.append(AnswerLine(description, quantity, unit, net, rate, money(net * rate / 100)))
    return tuple(lines)


def invoice_answer(seed: int, *, country: str = "GB", language: str = "en", credit_note: bool = False,
                   customer: Party | None = None, supplier: Party | None = None, line_count: int | None = None) -> Answer:
    """The content of an invoice (or credit note) from a supplier in ``country``."""
    rng = random.Random(seed)
    currency, rate = COUNTRIES[country]
    lines = _lines(rng, rate, line_count or rng.randint(1, 4))
    net = sum((line.net for line in lines), Decimal(0))
    tax = sum((line.tax_amount for line in lines), Decimal(0))
    issued = date(2025, 1, 1) + timedelta(days=rng.randint(0, 600))
    terms = rng.choice([14, 30, 30, 60])
    prefix = {"en": "INV", "fr": "FA", "de": "RE"}[language] if not credit_note else {"en": "CN", "fr": "AV", "de": "GS"}[language]
    return Answer(
        document_type="credit_note" if credit_note else "invoice",
        supplier=supplier or party(rng, country),
        customer=customer or Party(name="Demo Bakery Ltd", tax_number="GB987654321", address=("1 High Street", "York YO1 7HH")),
        reference=f"{prefix}-{rng.randint(2024, 2026)}-{rng.randint(100, 99999):05d}",
        date=issued,
        due_date=None if credit_note else issued + timedelta(days=terms),
        currency=currency,
        net=net,
        tax=tax,
        total=net + tax,
        lines=lines,
        language=language,
        payment_terms_days=None if credit_note else terms,
    )


RECEIPT_SHOPS = [
    ("KEDAI RUNCIT AH HOCK", "MY"), ("BAKERY SUPPLIES CO LTD", "GB"), ("CORNER NEWSAGENT", "GB"),
    ("PETRONAS SUNGAI BESI", "MY"), ("CAFE DE LA GARE", "FR"), ("HARBOUR HARDWARE PTY LTD", "AU"),
    ("FRESH MART SDN BHD", "MY"), ("STATIONERY WORLD LIMITED", "GB"), ("BÄCKEREI SCHMIDT GMBH", "DE"),
    ("MAIN STREET DELI INC", "US"),
]
RECEIPT_ITEMS = ["MILK 1L", "BREAD WHITE", "COFFEE LATTE", "A4 PAPER", "BATTERY AA X4", "SANDWICH", "WATER 500ML",
                 "PEN BLUE X10", "CROISSANT", "NEWSPAPER", "PARKING", "TAPE 48MM"]


def receipt_answer(seed: int, *, shop: tuple[str, str] | None = None) -> Answer:
    rng = random.Random(seed)
    name, country = shop or rng.choice(RECEIPT_SHOPS)
    currency, rate = COUNTRIES[country]
    items = []
    for description in rng.sample(RECEIPT_ITEMS, rng.randint(2, 5)):
        quantity = Decimal(rng.choice([1, 1, 2, 3]))
        unit = money(Decimal(rng.randint(80, 2500)) / 100)
        items.append((description, quantity, unit))
    total = sum((money(q * u) for _, q, u in items), Decimal(0))
    # Shop prices include tax: the tax is the part of the total the rate accounts for.
    tax = money(total * rate / (100 + rate))
    lines = tuple(
        AnswerLine(d, q, u, money(q * u) - money(money(q * u) * rate / (100 + rate)), rate, money(money(q * u) * rate / (100 + rate)))
        for d, q, u in items
    )
    payment = rng.choice(["CASH", f"VISA ****{rng.randint(1000, 9999)}", f"MASTERCARD ****{rng.randint(1000, 9999)}"])
    return Answer(
        document_type="receipt",
        supplier=Party(name=name, tax_number=_tax_number(rng, country), address=STREETS[country], country=country),
        customer=Party(name=""),
        reference=f"{rng.randint(10000, 99999)}",
        date=date(2024, 1, 1) + timedelta(days=rng.randint(0, 700)),
        due_date=None,
        currency=currency,
        net=total - tax,
        tax=tax,
        total=total,
        lines=lines,
        payment=payment,
    )
