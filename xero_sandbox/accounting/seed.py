"""Demo books for a sandbox organisation: chart of accounts, tax rates, contacts, tracking, currencies.

``seed_books(organisation)`` is idempotent (it only adds what is missing) and
deterministic, so tests can rely on these names:

- accounts (UK, NZ and AU): 090 "Business Bank Account", 091 "Business Savings Account",
  092 "Company Credit Card" (BANK, CREDITCARD), 200 "Sales", 310 "Cost of Goods Sold",
  400 "Advertising & Marketing", 429 "General Expenses", 800 "Accounts Payable", 820 "VAT"/"GST";
  AU has its BAS accounts: 820 "GST" (the GST system account), 825 "PAYG Withholdings Payable",
  826 "Superannuation Payable";
- UK tax rates: INPUT2 (20% VAT on Expenses), OUTPUT2 (20% VAT on Income), RRINPUT/RROUTPUT (5%),
  ZERORATEDINPUT/ZERORATEDOUTPUT, EXEMPTINPUT/EXEMPTOUTPUT, NONE; NZ: INPUT2/OUTPUT2 (GST 15%),
  GSTONIMPORTS, ZERORATED, NONE; AU: INPUT/OUTPUT (GST 10%), CAPEXINPUT, EXEMPTEXPENSES,
  EXEMPTOUTPUT, EXEMPTCAPITAL, EXEMPTEXPORT, INPUTTAXED, BASEXCLUDED, GSTONIMPORTS,
  GSTONCAPIMPORTS (https://developer.xero.com/documentation/api/accounting/types#tax-rates);
- contacts: suppliers "Bakery Supplies Co", "Office Depot Ltd", "City Power & Light", customers
  "Corner Cafe", "Harbour Hotel", both "Fresh Produce Partners", archived "Old Mill Flour (archived)",
  plus ~190 generated ones; the fixed ones carry a tax number in the country's format
  (a valid ABN in AU, a GST number in NZ, a VAT number in the UK);
- tracking: "Region" (North, South, East, West) and "Department" (Sales, Operations, Admin, and the
  archived "Marketing");
- currencies: the base currency plus USD and EUR (GBP too for NZ).
"""

import random
from decimal import Decimal

from django.db import transaction

from xero_sandbox import clock

from .models import Account, Contact, ContactStatus, Currency, TaxRate, TrackingCategory, TrackingOption

# (code, name, type, tax type UK, tax type NZ, extra)
_ACCOUNTS = [
    ("090", "Business Bank Account", "BANK", "NONE", "NONE", {"bank_account_type": "BANK", "bank_account_number": "12-3456-7890123-00"}),
    ("091", "Business Savings Account", "BANK", "NONE", "NONE", {"bank_account_type": "BANK", "bank_account_number": "12-3456-7890123-01"}),
    ("092", "Company Credit Card", "BANK", "NONE", "NONE", {"bank_account_type": "CREDITCARD", "bank_account_number": "4111-XXXX-XXXX-1111"}),
    ("200", "Sales", "SALES", "OUTPUT2", "OUTPUT2", {}),
    ("260", "Other Revenue", "REVENUE", "OUTPUT2", "OUTPUT2", {}),
    ("270", "Interest Income", "REVENUE", "EXEMPTOUTPUT", "NONE", {}),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2", "INPUT2", {}),
    ("320", "Direct Wages", "DIRECTCOSTS", "NONE", "NONE", {}),
    ("325", "Direct Expenses", "DIRECTCOSTS", "INPUT2", "INPUT2", {}),
    ("400", "Advertising & Marketing", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("401", "Audit & Accountancy fees", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("404", "Bank Fees", "OVERHEADS", "EXEMPTINPUT", "NONE", {}),
    ("408", "Cleaning", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("412", "Consulting", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("416", "Depreciation", "DEPRECIATN", "NONE", "NONE", {}),
    ("420", "Entertainment-100% business", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("424", "Entertainment - 0%", "OVERHEADS", "NONE", "NONE", {}),
    ("425", "Postage, Freight & Courier", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("429", "General Expenses", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("433", "Insurance", "OVERHEADS", "EXEMPTINPUT", "INPUT2", {}),
    ("437", "Interest Paid", "OVERHEADS", "EXEMPTINPUT", "NONE", {}),
    ("441", "Legal Expenses", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("445", "Light, Power, Heating", "OVERHEADS", "RRINPUT", "INPUT2", {}),
    ("449", "Motor Vehicle Expenses", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("457", "Operating Lease Payments", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("461", "Printing & Stationery", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("463", "IT Software and Consumables", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("465", "Rates", "OVERHEADS", "EXEMPTINPUT", "INPUT2", {}),
    ("469", "Rent", "OVERHEADS", "EXEMPTINPUT", "INPUT2", {}),
    ("473", "Repairs & Maintenance", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("477", "Salaries", "OVERHEADS", "NONE", "NONE", {}),
    ("478", "Directors' Remuneration", "OVERHEADS", "NONE", "NONE", {}),
    ("480", "Staff Training", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("485", "Subscriptions", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("489", "Telephone & Internet", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("493", "Travel - National", "OVERHEADS", "INPUT2", "INPUT2", {}),
    ("494", "Travel - International", "OVERHEADS", "ZERORATEDINPUT", "NONE", {}),
    ("497", "Bank Revaluations", "OVERHEADS", "NONE", "NONE", {"system_account": "BANKCURRENCYGAIN"}),
    ("498", "Unrealised Currency Gains", "OVERHEADS", "NONE", "NONE", {"system_account": "UNREALISEDCURRENCYGAIN"}),
    ("499", "Realised Currency Gains", "OVERHEADS", "NONE", "NONE", {"system_account": "REALISEDCURRENCYGAIN"}),
    ("500", "Corporation Tax", "OVERHEADS", "NONE", "NONE", {}),
    ("610", "Accounts Receivable", "CURRENT", "NONE", "NONE", {"system_account": "DEBTORS"}),
    ("611", "Less Provision for Doubtful Debts", "CURRENT", "NONE", "NONE", {}),
    ("620", "Prepayments", "CURRENT", "NONE", "NONE", {}),
    ("630", "Inventory", "INVENTORY", "NONE", "NONE", {}),
    ("710", "Office Equipment", "FIXED", "INPUT2", "INPUT2", {}),
    ("711", "Less Accumulated Depreciation on Office Equipment", "FIXED", "NONE", "NONE", {}),
    ("720", "Computer Equipment", "FIXED", "INPUT2", "INPUT2", {}),
    ("721", "Less Accumulated Depreciation on Computer Equipment", "FIXED", "NONE", "NONE", {}),
    ("760", "Motor Vehicles", "FIXED", "INPUT2", "INPUT2", {}),
    ("761", "Less Accumulated Depreciation on Motor Vehicles", "FIXED", "NONE", "NONE", {}),
    ("800", "Accounts Payable", "CURRLIAB", "NONE", "NONE", {"system_account": "CREDITORS"}),
    ("801", "Unpaid Expense Claims", "CURRLIAB", "NONE", "NONE", {"system_account": "UNPAIDEXPCLM"}),
    ("805", "Accrued Liabilities", "CURRLIAB", "NONE", "NONE", {}),
    ("810", "Income in Advance", "CURRLIAB", "NONE", "NONE", {}),
    ("814", "Wages Payable - Payroll", "CURRLIAB", "NONE", "NONE", {"system_account": "WAGEPAYABLES"}),
    ("820", "VAT", "CURRLIAB", "NONE", "NONE", {"system_account": "GST"}),
    ("825", "PAYE Payable", "CURRLIAB", "NONE", "NONE", {}),
    ("830", "Provision for Corporation Tax", "CURRLIAB", "NONE", "NONE", {}),
    ("835", "Directors' Loan Account", "CURRLIAB", "NONE", "NONE", {"enable_payments_to_account": True}),
    ("840", "Historical Adjustment", "CURRLIAB", "NONE", "NONE", {"system_account": "HISTORICAL"}),
    ("850", "Suspense", "CURRLIAB", "NONE", "NONE", {}),
    ("860", "Rounding", "CURRLIAB", "NONE", "NONE", {"system_account": "ROUNDING"}),
    ("877", "Tracking Transfers", "CURRLIAB", "NONE", "NONE", {"system_account": "TRACKINGTRANSFERS"}),
    ("880", "Owner A Drawings", "CURRLIAB", "NONE", "NONE", {"enable_payments_to_account": True}),
    ("900", "Loan", "TERMLIAB", "NONE", "NONE", {}),
    ("950", "Capital - Ordinary Shares", "EQUITY", "NONE", "NONE", {}),
    ("960", "Retained Earnings", "EQUITY", "NONE", "NONE", {"system_account": "RETAINEDEARNINGS"}),
    ("970", "Owner A Funds Introduced", "EQUITY", "NONE", "NONE", {}),
]
_NZ_RENAMES = {"820": "GST", "825": "PAYE Payable", "500": "Income Tax Expense", "830": "Income Tax Payable"}
_AU_RENAMES = {
    "820": "GST", "825": "PAYG Withholdings Payable", "500": "Income Tax Expense", "830": "Income Tax Payable",
    "477": "Wages and Salaries", "478": "Superannuation", "412": "Consulting & Accounting",
}
# AU accounts that only exist there (code, name, type, tax type, extra).
_AU_EXTRA_ACCOUNTS = [("826", "Superannuation Payable", "CURRLIAB", "BASEXCLUDED", {})]
# The UK chart's tax types in an Australian organisation: GST at 10% on what carries VAT,
# GST-free what is zero-rated or exempt, BAS Excluded what has no tax at all (wages,
# balance-sheet accounts), GST on Capital for fixed assets.
_UK_TO_AU_TAX = {
    "INPUT2": "INPUT", "RRINPUT": "INPUT", "OUTPUT2": "OUTPUT", "ZERORATEDINPUT": "EXEMPTEXPENSES",
    "EXEMPTINPUT": "EXEMPTEXPENSES", "EXEMPTOUTPUT": "EXEMPTOUTPUT", "NONE": "BASEXCLUDED",
}
_AU_CAPITAL_ACCOUNTS = {"710", "720", "760"}

_EXPENSES_ONLY = {"revenue": False}
_REVENUE_ONLY = {"expenses": False}
# (tax type, name, report tax type, rate, can-apply overrides)
_UK_TAX_RATES = [
    ("INPUT2", "20% (VAT on Expenses)", "INPUT", "20", _EXPENSES_ONLY),
    ("OUTPUT2", "20% (VAT on Income)", "OUTPUT", "20", _REVENUE_ONLY),
    ("RRINPUT", "5% (VAT on Expenses)", "INPUT", "5", _EXPENSES_ONLY),
    ("RROUTPUT", "5% (VAT on Income)", "OUTPUT", "5", _REVENUE_ONLY),
    ("ZERORATEDINPUT", "Zero Rated Expenses", "INPUT", "0", _EXPENSES_ONLY),
    ("ZERORATEDOUTPUT", "Zero Rated Income", "OUTPUT", "0", _REVENUE_ONLY),
    ("EXEMPTINPUT", "Exempt Expenses", "EXEMPTINPUT", "0", _EXPENSES_ONLY),
    ("EXEMPTOUTPUT", "Exempt Income", "EXEMPTOUTPUT", "0", _REVENUE_ONLY),
    ("NONE", "No VAT", "NONE", "0", {}),
]
_NZ_TAX_RATES = [
    ("INPUT2", "15% GST on Expenses", "INPUT", "15", _EXPENSES_ONLY),
    ("OUTPUT2", "15% GST on Income", "OUTPUT", "15", _REVENUE_ONLY),
    ("GSTONIMPORTS", "GST on Imports", "GSTONIMPORTS", "0", _EXPENSES_ONLY),
    ("ZERORATED", "Zero Rated", "OUTPUT", "0", {}),
    ("NONE", "No GST", "NONE", "0", {}),
]
_AU_TAX_RATES = [
    ("INPUT", "GST on Expenses", "INPUT", "10", _EXPENSES_ONLY),
    ("OUTPUT", "GST on Income", "OUTPUT", "10", _REVENUE_ONLY),
    ("CAPEXINPUT", "GST on Capital", "CAPITALEXINPUT", "10", _EXPENSES_ONLY),
    ("EXEMPTEXPENSES", "GST Free Expenses", "EXEMPTEXPENSES", "0", _EXPENSES_ONLY),
    ("EXEMPTOUTPUT", "GST Free Income", "EXEMPTOUTPUT", "0", _REVENUE_ONLY),
    ("EXEMPTCAPITAL", "GST Free Capital", "EXEMPTCAPITAL", "0", _EXPENSES_ONLY),
    ("EXEMPTEXPORT", "GST Free Exports", "EXEMPTEXPORT", "0", _REVENUE_ONLY),
    ("INPUTTAXED", "Input Taxed", "INPUTTAXED", "0", {}),
    ("BASEXCLUDED", "BAS Excluded", "BASEXCLUDED", "0", {}),
    ("GSTONIMPORTS", "GST on Imports", "GSTONIMPORTS", "0", _EXPENSES_ONLY),
    ("GSTONCAPIMPORTS", "GST on Capital Imports", "GSTONCAPIMPORTS", "0", _EXPENSES_ONLY),
]
_TAX_RATES = {"NZ": _NZ_TAX_RATES, "AU": _AU_TAX_RATES}
_TAX_COMPONENT = {"NZ": "GST", "AU": "GST"}

_FIXED_CONTACTS = [
    ("Bakery Supplies Co", True, False, ContactStatus.ACTIVE),
    ("Office Depot Ltd", True, False, ContactStatus.ACTIVE),
    ("City Power & Light", True, False, ContactStatus.ACTIVE),
    ("Corner Cafe", False, True, ContactStatus.ACTIVE),
    ("Harbour Hotel", False, True, ContactStatus.ACTIVE),
    ("Fresh Produce Partners", True, True, ContactStatus.ACTIVE),
    ("Old Mill Flour (archived)", True, False, ContactStatus.ARCHIVED),
]
_NAME_FIRST = [
    "Acme", "Baxter", "Bluebell", "Bright", "Castle", "Cedar", "Clover", "Copper", "Crown", "Daisy",
    "Eagle", "Elm", "Fern", "Forest", "Golden", "Green", "Hazel", "Highland", "Ivy", "Kestrel",
    "Lakeside", "Maple", "Meadow", "Northern", "Oak", "Orchard", "Pine", "Quarry", "Riverside", "Rose",
    "Silver", "Summit", "Thistle", "Union", "Valley", "Willow",
]
_NAME_SECOND = [
    "Bakery", "Builders", "Catering", "Cleaning", "Consulting", "Couriers", "Dairy", "Design", "Electrical",
    "Florists", "Foods", "Hardware", "Insurance", "IT Services", "Joinery", "Laundry", "Logistics", "Media",
    "Motors", "Packaging", "Plumbing", "Print", "Security", "Stationers", "Telecom", "Travel", "Wholesale",
]
_NAME_SUFFIX = ["Ltd", "Limited", "& Co", "Group", "Partners", "Services", "Trading"]

_CURRENCY_NAMES = {
    "GBP": "British Pound",
    "NZD": "New Zealand Dollar",
    "USD": "United States Dollar",
    "EUR": "Euro",
    "AUD": "Australian Dollar",
}


def _chart(country: str) -> list[tuple[str, str, str, str, dict]]:
    """(code, name, type, tax type, extra) of each account for the organisation's country."""
    chart = []
    for code, name, account_type, uk_tax, nz_tax, extra in _ACCOUNTS:
        if country == "NZ":
            chart.append((code, _NZ_RENAMES.get(code, name), account_type, nz_tax, extra))
        elif country == "AU":
            tax = "CAPEXINPUT" if code in _AU_CAPITAL_ACCOUNTS else _UK_TO_AU_TAX.get(uk_tax, uk_tax)
            chart.append((code, _AU_RENAMES.get(code, name), account_type, tax, extra))
        else:
            chart.append((code, name, account_type, uk_tax, extra))
    if country == "AU":
        chart += _AU_EXTRA_ACCOUNTS
    return chart


def _add_accounts(organisation, now) -> None:
    existing = set(Account.objects.filter(organisation=organisation).values_list("code", flat=True))
    accounts = [
        Account(
            organisation=organisation,
            code=code,
            name=name,
            type=account_type,
            tax_type=tax_type,
            currency_code=organisation.base_currency if account_type == "BANK" else "",
            updated_at=now,
            **extra,
        )
        for code, name, account_type, tax_type, extra in _chart(organisation.country_code)
        if code not in existing
    ]
    Account.objects.bulk_create(accounts)


def _add_tax_rates(organisation, now) -> None:
    existing = set(TaxRate.objects.filter(organisation=organisation).values_list("tax_type", flat=True))
    table = _TAX_RATES.get(organisation.country_code, _UK_TAX_RATES)
    component = _TAX_COMPONENT.get(organisation.country_code, "VAT")
    rates = []
    for tax_type, name, report, rate, overrides in table:
        if tax_type in existing:
            continue
        value = Decimal(rate).quantize(Decimal("0.0001"))
        rates.append(
            TaxRate(
                organisation=organisation,
                tax_type=tax_type,
                name=name,
                report_tax_type=report,
                effective_rate=value,
                display_tax_rate=value,
                can_apply_to_expenses=overrides.get("expenses", True),
                can_apply_to_revenue=overrides.get("revenue", True),
                components=[{"Name": component, "Rate": str(value), "IsCompound": False, "IsNonRecoverable": False}],
                updated_at=now,
            )
        )
    TaxRate.objects.bulk_create(rates)


def _add_contacts(organisation, now) -> None:
    if Contact.objects.filter(organisation=organisation).exists():
        return
    rng = random.Random(f"contacts-{organisation.country_code}")
    contacts = [
        Contact(
            organisation=organisation,
            name=name,
            is_supplier=supplier,
            is_customer=customer,
            status=status,
            email_address=f"accounts@{name.split()[0].lower()}.example.com",
            tax_number=_tax_number(organisation.country_code, position),
            updated_at=now,
        )
        for position, (name, supplier, customer, status) in enumerate(_FIXED_CONTACTS)
    ]
    names = {contact.name for contact in contacts}
    while len(contacts) < 200:
        name = f"{rng.choice(_NAME_FIRST)} {rng.choice(_NAME_SECOND)} {rng.choice(_NAME_SUFFIX)}"
        if name in names:
            continue
        names.add(name)
        roll = rng.random()
        contacts.append(
            Contact(
                organisation=organisation,
                name=name,
                contact_number=f"C{len(contacts):04d}",
                is_supplier=roll < 0.7,
                is_customer=roll >= 0.5,
                status=ContactStatus.ARCHIVED if len(contacts) % 40 == 0 else ContactStatus.ACTIVE,
                updated_at=now,
            )
        )
    Contact.objects.bulk_create(contacts)


def _abn(seed: int) -> str:
    """A valid Australian Business Number: the ATO's check (subtract 1 from the first digit,
    weigh the digits 10, 1, 3, 5 … 19, the sum divisible by 89) holds for every one."""
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    body = [int(d) for d in f"{(seed * 7919 + 1234567) % 10**9:09d}"]
    for first, second in ((a, b) for a in range(1, 10) for b in range(10)):
        digits = [first, second, *body]
        total = (digits[0] - 1) * weights[0] + sum(d * w for d, w in zip(digits[1:], weights[1:], strict=True))
        if total % 89 == 0:
            text = "".join(map(str, digits))
            return f"{text[:2]} {text[2:5]} {text[5:8]} {text[8:]}"
    raise ValueError("no ABN for this seed")  # pragma: no cover - some check digits always fit


def _tax_number(country: str, position: int) -> str:
    """The contact's tax number as the country writes it (ABN, NZ GST number, UK VAT number)."""
    if country == "AU":
        return _abn(position + 1)
    if country == "NZ":
        number = f"{100_000_000 + position * 1_234_567:09d}"
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return f"GB{123_456_700 + position:09d}"


def _add_tracking(organisation, now) -> None:
    wanted = {
        "Region": [("North", "ACTIVE"), ("South", "ACTIVE"), ("East", "ACTIVE"), ("West", "ACTIVE")],
        "Department": [("Sales", "ACTIVE"), ("Operations", "ACTIVE"), ("Admin", "ACTIVE"), ("Marketing", "ARCHIVED")],
    }
    for name, options in wanted.items():
        category, _created = TrackingCategory.objects.get_or_create(
            organisation=organisation, name=name, defaults={"updated_at": now}
        )
        existing = set(category.options.values_list("name", flat=True))
        TrackingOption.objects.bulk_create(
            [
                TrackingOption(category=category, name=option, status=status, updated_at=now)
                for option, status in options
                if option not in existing
            ]
        )


def _add_currencies(organisation) -> None:
    codes = [organisation.base_currency, "USD", "EUR"]
    if organisation.base_currency != "GBP":
        codes.append("GBP")
    for code in codes:
        Currency.objects.get_or_create(
            organisation=organisation, code=code, defaults={"description": _CURRENCY_NAMES.get(code, code)}
        )


@transaction.atomic
def seed_books(organisation) -> None:
    """Give ``organisation`` a realistic set of books for its country (idempotent)."""
    now = clock.now()
    _add_accounts(organisation, now)
    _add_tax_rates(organisation, now)
    _add_contacts(organisation, now)
    _add_tracking(organisation, now)
    _add_currencies(organisation)
