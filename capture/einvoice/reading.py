"""UBL 2.1 (Peppol BIS Billing 3.0) and UN/CEFACT CII (Factur-X / ZUGFeRD) into an :class:`EInvoice`.

A value is read from the element EN 16931 puts it in, or it is absent: nothing is guessed.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from capture.einvoice.model import EInvoice, EInvoiceLine, EInvoiceParty, TaxBreakdown
from capture.einvoice.safe_xml import CII, NS, UBL_CREDIT_NOTE, UBL_INVOICE, parse_xml
from capture.errors import UnreadableDocument

CENT = Decimal("0.01")
# UNTDID 1001 codes that mean "credit note" (EN 16931 uses 381; 261, 262, 296, 308, 396,
# 420, 458, 532 are rarer credit-type codes).
CREDIT_NOTE_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}


def _text(node, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path, NS)
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


def _address_lines(address, street: str, more: str, postcode: str, city: str) -> tuple[str, ...]:
    """An address as printed: street, more street, then postcode and city on one line."""
    town = " ".join(v for v in (_text(address, postcode), _text(address, city)) if v)
    return tuple(value for value in (_text(address, street), _text(address, more), town) if value)


def _amount(node, path: str, *, currency: str = "", default: Decimal | None = None) -> Decimal | None:
    if node is None:
        return default
    candidates = node.findall(path, NS)
    if currency:
        # UBL may state tax twice: in the document currency and in the accounting currency.
        preferred = [c for c in candidates if c.get("currencyID") in (None, currency)]
        candidates = preferred or candidates
    for candidate in candidates:
        if candidate.text and candidate.text.strip():
            return _decimal(candidate.text)
    return default


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation as error:
        raise UnreadableDocument(f"the e-invoice has an amount that is not a number ({text.strip()[:20]!r}).") from error


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _ubl_date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as error:
        raise UnreadableDocument(f"the e-invoice has a date that is not a date ({text[:20]!r}).") from error


def _cii_date(node, path: str) -> date | None:
    text = _text(node, path)
    if not text:
        return None
    try:
        return datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError:
        return _ubl_date(text)


def parse_einvoice_xml(xml: bytes) -> EInvoice:
    """Read a UBL 2.1 Invoice/CreditNote or a CII CrossIndustryInvoice; anything else raises
    :class:`UnreadableDocument`."""
    root = parse_xml(xml)
    if root.tag == f"{{{UBL_INVOICE}}}Invoice":
        return _parse_ubl(root, credit_note=False)
    if root.tag == f"{{{UBL_CREDIT_NOTE}}}CreditNote":
        return _parse_ubl(root, credit_note=True)
    if root.tag == f"{{{CII}}}CrossIndustryInvoice":
        return _parse_cii(root)
    raise UnreadableDocument("the XML is not a UBL or CII (Factur-X / ZUGFeRD) invoice.")


# --- UBL -------------------------------------------------------------------------------


def _ubl_party(party) -> EInvoiceParty:
    if party is None:
        return EInvoiceParty(name="")
    name = _text(party, "cac:PartyName/cbc:Name") or _text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
    tax_number = ""
    for scheme in party.findall("cac:PartyTaxScheme", NS):
        tax_number = _text(scheme, "cbc:CompanyID")
        if tax_number:
            break
    address = party.find("cac:PostalAddress", NS)
    lines = _address_lines(address, "cbc:StreetName", "cbc:AdditionalStreetName", "cbc:PostalZone", "cbc:CityName")
    return EInvoiceParty(
        name=name,
        tax_number=tax_number,
        company_id=_text(party, "cac:PartyLegalEntity/cbc:CompanyID"),
        email=_text(party, "cac:Contact/cbc:ElectronicMail"),
        address=lines,
        country=_text(address, "cac:Country/cbc:IdentificationCode"),
    )


def _parse_ubl(root, *, credit_note: bool) -> EInvoice:
    type_code = _text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
    is_credit = credit_note or type_code in CREDIT_NOTE_CODES
    currency = _text(root, "cbc:DocumentCurrencyCode").upper()
    number = _text(root, "cbc:ID")
    if not number or not currency:
        raise UnreadableDocument("the e-invoice has no number or no currency.")
    line_tag = "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
    lines = []
    for node in root.findall(line_tag, NS):
        item = node.find("cac:Item", NS)
        description = _text(item, "cbc:Name") or _text(item, "cbc:Description")
        price = _amount(node, "cac:Price/cbc:PriceAmount")
        base = _amount(node, "cac:Price/cbc:BaseQuantity")
        if price is not None and base not in (None, Decimal(0)):
            price = price / base
        percent = _amount(item, "cac:ClassifiedTaxCategory/cbc:Percent")
        lines.append(
            EInvoiceLine(
                description=description,
                quantity=_amount(node, quantity_tag),
                unit_price=price,
                net=_money(_amount(node, "cbc:LineExtensionAmount")),
                tax_percent=percent,
                tax_category=_text(item, "cac:ClassifiedTaxCategory/cbc:ID"),
            )
        )
    adjustments = []
    for node in root.findall("cac:AllowanceCharge", NS):
        charge = _text(node, "cbc:ChargeIndicator").lower() == "true"
        amount = _money(_amount(node, "cbc:Amount"))
        reason = _text(node, "cbc:AllowanceChargeReason") or ("Charge" if charge else "Allowance")
        adjustments.append(
            EInvoiceLine(
                description=reason,
                quantity=None,
                unit_price=None,
                net=amount if charge else -amount,
                tax_percent=_amount(node, "cac:TaxCategory/cbc:Percent"),
                tax_category=_text(node, "cac:TaxCategory/cbc:ID"),
            )
        )
    tax_total = None
    for node in root.findall("cac:TaxTotal", NS):
        amount = node.find("cbc:TaxAmount", NS)
        if amount is not None and amount.get("currencyID") in (None, currency):
            tax_total = node
            break
    breakdown = []
    if tax_total is not None:
        for sub in tax_total.findall("cac:TaxSubtotal", NS):
            breakdown.append(
                TaxBreakdown(
                    category=_text(sub, "cac:TaxCategory/cbc:ID"),
                    percent=_amount(sub, "cac:TaxCategory/cbc:Percent"),
                    taxable=_money(_amount(sub, "cbc:TaxableAmount")),
                    tax=_money(_amount(sub, "cbc:TaxAmount")),
                )
            )
    totals = root.find("cac:LegalMonetaryTotal", NS)
    net = _money(_amount(totals, "cbc:TaxExclusiveAmount"))
    tax = _money(_amount(tax_total, "cbc:TaxAmount", currency=currency))
    total = _money(_amount(totals, "cbc:TaxInclusiveAmount", default=net + tax))
    due = _ubl_date(_text(root, "cbc:DueDate")) or _ubl_date(_text(root, "cac:PaymentMeans/cbc:PaymentDueDate"))
    return EInvoice(
        syntax="UBL",
        document_type="credit_note" if is_credit else "invoice",
        number=number,
        issue_date=_ubl_date(_text(root, "cbc:IssueDate")),
        due_date=due,
        currency=currency,
        seller=_ubl_party(root.find("cac:AccountingSupplierParty/cac:Party", NS)),
        buyer=_ubl_party(root.find("cac:AccountingCustomerParty/cac:Party", NS)),
        lines=lines,
        adjustments=adjustments,
        tax_breakdown=breakdown,
        net=net,
        tax=tax,
        total=total,
        payable=_money(_amount(totals, "cbc:PayableAmount", default=total)),
        payment_terms=_text(root, "cac:PaymentTerms/cbc:Note"),
    )


# --- CII -------------------------------------------------------------------------------


def _cii_party(party) -> EInvoiceParty:
    if party is None:
        return EInvoiceParty(name="")
    tax_number = ""
    for registration in party.findall("ram:SpecifiedTaxRegistration/ram:ID", NS):
        if registration.text and registration.get("schemeID", "VA") == "VA":
            tax_number = registration.text.strip()
            break
    address = party.find("ram:PostalTradeAddress", NS)
    lines = _address_lines(address, "ram:LineOne", "ram:LineTwo", "ram:PostcodeCode", "ram:CityName")
    email = _text(party, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID") or _text(
        party, "ram:URIUniversalCommunication/ram:URIID"
    )
    return EInvoiceParty(
        name=_text(party, "ram:Name"),
        tax_number=tax_number,
        company_id=_text(party, "ram:SpecifiedLegalOrganization/ram:ID"),
        email=email if "@" in email else "",
        address=lines,
        country=_text(address, "ram:CountryID"),
    )


def _parse_cii(root) -> EInvoice:
    header = root.find("rsm:ExchangedDocument", NS)
    transaction = root.find("rsm:SupplyChainTradeTransaction", NS)
    if header is None or transaction is None:
        raise UnreadableDocument("the CII invoice has no header or no trade transaction.")
    agreement = transaction.find("ram:ApplicableHeaderTradeAgreement", NS)
    settlement = transaction.find("ram:ApplicableHeaderTradeSettlement", NS)
    currency = _text(settlement, "ram:InvoiceCurrencyCode").upper()
    number = _text(header, "ram:ID")
    if not number or not currency:
        raise UnreadableDocument("the e-invoice has no number or no currency.")
    lines = []
    for node in transaction.findall("ram:IncludedSupplyChainTradeLineItem", NS):
        trade_settlement = node.find("ram:SpecifiedLineTradeSettlement", NS)
        price = _amount(node, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount")
        base = _amount(node, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity")
        if price is not None and base not in (None, Decimal(0)):
            price = price / base
        lines.append(
            EInvoiceLine(
                description=_text(node, "ram:SpecifiedTradeProduct/ram:Name"),
                quantity=_amount(node, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
                unit_price=price,
                net=_money(
                    _amount(trade_settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
                ),
                tax_percent=_amount(trade_settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
                tax_category=_text(trade_settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
            )
        )
    adjustments = []
    for node in settlement.findall("ram:SpecifiedTradeAllowanceCharge", NS) if settlement is not None else ():
        charge = _text(node, "ram:ChargeIndicator/udt:Indicator").lower() == "true"
        amount = _money(_amount(node, "ram:ActualAmount"))
        adjustments.append(
            EInvoiceLine(
                description=_text(node, "ram:Reason") or ("Charge" if charge else "Allowance"),
                quantity=None,
                unit_price=None,
                net=amount if charge else -amount,
                tax_percent=_amount(node, "ram:CategoryTradeTax/ram:RateApplicablePercent"),
                tax_category=_text(node, "ram:CategoryTradeTax/ram:CategoryCode"),
            )
        )
    breakdown = [
        TaxBreakdown(
            category=_text(node, "ram:CategoryCode"),
            percent=_amount(node, "ram:RateApplicablePercent"),
            taxable=_money(_amount(node, "ram:BasisAmount")),
            tax=_money(_amount(node, "ram:CalculatedAmount")),
        )
        for node in (settlement.findall("ram:ApplicableTradeTax", NS) if settlement is not None else ())
    ]
    sums = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS) if settlement is not None else None
    net = _money(_amount(sums, "ram:TaxBasisTotalAmount"))
    tax = _money(_amount(sums, "ram:TaxTotalAmount", currency=currency))
    total = _money(_amount(sums, "ram:GrandTotalAmount", default=net + tax))
    return EInvoice(
        syntax="CII",
        document_type="credit_note" if _text(header, "ram:TypeCode") in CREDIT_NOTE_CODES else "invoice",
        number=number,
        issue_date=_cii_date(header, "ram:IssueDateTime/udt:DateTimeString"),
        due_date=_cii_date(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"),
        currency=currency,
        seller=_cii_party(agreement.find("ram:SellerTradeParty", NS) if agreement is not None else None),
        buyer=_cii_party(agreement.find("ram:BuyerTradeParty", NS) if agreement is not None else None),
        lines=lines,
        adjustments=adjustments,
        tax_breakdown=breakdown,
        net=net,
        tax=tax,
        total=total,
        payable=_money(_amount(sums, "ram:DuePayableAmount", default=total)),
        payment_terms=_text(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"),
    )
