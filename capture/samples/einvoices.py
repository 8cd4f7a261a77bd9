"""Sample e-invoices: Peppol BIS 3 (UBL) XML, CII XML and Factur-X PDFs."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from capture.samples.answers import Answer, AnswerLine, Party, invoice_answer, money
from capture.samples.printed import invoice_pdf


@dataclass
class _Xml:
    """A tiny element builder: E(tag, text?, *children, **attributes)."""

    namespaces: dict[str, str] = field(default_factory=dict)

    def __call__(self, tag: str, *content, root: bool = False, **attributes):
        from lxml import etree

        prefix, name = tag.split(":")
        nsmap = None
        if root:
            nsmap = {(None if key == "root" else key): value for key, value in self.namespaces.items()}
        element = etree.Element(f"{{{self.namespaces[prefix]}}}{name}", nsmap=nsmap)
        for key, value in attributes.items():
            element.set(key, value)
        for item in content:
            if item is None:
                continue
            if isinstance(item, str):
                element.text = item
            else:
                element.append(item)
        return element


def _amount_text(value: Decimal) -> str:
    return f"{money(value):f}"


def ubl_xml(seed: int = 0, *, country: str = "FR", credit_note: bool = False, answer: Answer | None = None) -> tuple[bytes, Answer]:
    """A Peppol BIS Billing 3.0 (UBL 2.1) invoice or credit note."""
    from lxml import etree

    from capture.einvoice import CAC, CBC, UBL_CREDIT_NOTE, UBL_INVOICE

    language = {"FR": "fr", "DE": "de"}.get(country, "en")
    answer = answer or invoice_answer(seed, country=country, language=language, credit_note=credit_note)
    answer = replace(answer, customer=Party(name="Demo Bakery Ltd", tax_number="GB987654321", address=("1 High Street", "York YO1 7HH"), country="GB"))
    root_ns = UBL_CREDIT_NOTE if credit_note else UBL_INVOICE
    E = _Xml({"cac": CAC, "cbc": CBC, "root": root_ns})
    cur = {"currencyID": answer.currency}

    def ubl_party(who: Party):
        return E(
            "cac:Party",
            E("cbc:EndpointID", who.email or "none@example.com", schemeID="EM"),
            E("cac:PartyName", E("cbc:Name", who.name)),
            E("cac:PostalAddress", E("cbc:StreetName", who.address[0] if who.address else ""),
              E("cbc:CityName", who.address[1] if len(who.address) > 1 else ""),
              E("cac:Country", E("cbc:IdentificationCode", who.country))),
            E("cac:PartyTaxScheme", E("cbc:CompanyID", who.tax_number), E("cac:TaxScheme", E("cbc:ID", "VAT"))) if who.tax_number else None,
            E("cac:PartyLegalEntity", E("cbc:RegistrationName", who.name)),
            E("cac:Contact", E("cbc:ElectronicMail", who.email)) if who.email else None,
        )

    tag = "CreditNote" if credit_note else "Invoice"
    root = E(f"root:{tag}", root=True)
    root.extend([
        E("cbc:CustomizationID", "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"),
        E("cbc:ProfileID", "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"),
        E("cbc:ID", answer.reference),
        E("cbc:IssueDate", answer.date.isoformat()),
    ])
    if answer.due_date and not credit_note:
        root.append(E("cbc:DueDate", answer.due_date.isoformat()))
    root.append(E("cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode", "381" if credit_note else "380"))
    root.append(E("cbc:DocumentCurrencyCode", answer.currency))
    root.append(E("cbc:BuyerReference", "PO-4471"))
    root.append(E("cac:AccountingSupplierParty", ubl_party(answer.supplier)))
    root.append(E("cac:AccountingCustomerParty", ubl_party(answer.customer)))
    if answer.payment_terms_days:
        root.append(E("cac:PaymentTerms", E("cbc:Note", f"Net {answer.payment_terms_days} days")))
    rates: dict[Decimal, list[AnswerLine]] = {}
    for line in answer.lines:
        rates.setdefault(line.tax_percent, []).append(line)
    subtotals = []
    for rate, lines in rates.items():
        taxable = sum((line.net for line in lines), Decimal(0))
        subtotals.append(E("cac:TaxSubtotal", E("cbc:TaxableAmount", _amount_text(taxable), **cur),
                           E("cbc:TaxAmount", _amount_text(sum((line.tax_amount for line in lines), Decimal(0))), **cur),
                           E("cac:TaxCategory", E("cbc:ID", "S"), E("cbc:Percent", f"{rate:f}"), E("cac:TaxScheme", E("cbc:ID", "VAT")))))
    root.append(E("cac:TaxTotal", E("cbc:TaxAmount", _amount_text(answer.tax), **cur), *subtotals))
    root.append(E("cac:LegalMonetaryTotal",
                  E("cbc:LineExtensionAmount", _amount_text(answer.net), **cur),
                  E("cbc:TaxExclusiveAmount", _amount_text(answer.net), **cur),
                  E("cbc:TaxInclusiveAmount", _amount_text(answer.total), **cur),
                  E("cbc:PayableAmount", _amount_text(answer.total), **cur)))
    for number, line in enumerate(answer.lines, start=1):
        root.append(E(
            "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine",
            E("cbc:ID", str(number)),
            E("cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity", f"{line.quantity:f}", unitCode="C62"),
            E("cbc:LineExtensionAmount", _amount_text(line.net), **cur),
            E("cac:Item", E("cbc:Name", line.description),
              E("cac:ClassifiedTaxCategory", E("cbc:ID", "S"), E("cbc:Percent", f"{line.tax_percent:f}"), E("cac:TaxScheme", E("cbc:ID", "VAT")))),
            E("cac:Price", E("cbc:PriceAmount", _amount_text(line.unit_amount), **cur)),
        ))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True), answer


def cii_xml(answer: Answer) -> bytes:
    """The Factur-X (EN 16931 profile) CII XML of ``answer``."""
    from lxml import etree

    from capture.einvoice import CII, RAM, UDT

    E = _Xml({"rsm": CII, "ram": RAM, "udt": UDT})

    def when(value: date):
        return E("udt:DateTimeString", f"{value:%Y%m%d}", format="102")

    def trade_party(tag: str, who: Party):
        return E(
            tag,
            E("ram:Name", who.name),
            E("ram:DefinedTradeContact", E("ram:EmailURIUniversalCommunication", E("ram:URIID", who.email))) if who.email else None,
            E("ram:PostalTradeAddress", E("ram:PostcodeCode", who.address[1].split()[0] if len(who.address) > 1 else ""),
              E("ram:LineOne", who.address[0] if who.address else ""), E("ram:CountryID", who.country)),
            E("ram:SpecifiedTaxRegistration", E("ram:ID", who.tax_number, schemeID="VA")) if who.tax_number else None,
        )

    credit = answer.document_type == "credit_note"
    root = E("rsm:CrossIndustryInvoice", root=True)
    root.append(E("rsm:ExchangedDocumentContext", E("ram:GuidelineSpecifiedDocumentContextParameter", E("ram:ID", "urn:cen.eu:en16931:2017"))))
    root.append(E("rsm:ExchangedDocument", E("ram:ID", answer.reference), E("ram:TypeCode", "381" if credit else "380"),
                  E("ram:IssueDateTime", when(answer.date))))
    transaction = E("rsm:SupplyChainTradeTransaction")
    for number, line in enumerate(answer.lines, start=1):
        transaction.append(E(
            "ram:IncludedSupplyChainTradeLineItem",
            E("ram:AssociatedDocumentLineDocument", E("ram:LineID", str(number))),
            E("ram:SpecifiedTradeProduct", E("ram:Name", line.description)),
            E("ram:SpecifiedLineTradeAgreement", E("ram:NetPriceProductTradePrice", E("ram:ChargeAmount", _amount_text(line.unit_amount)))),
            E("ram:SpecifiedLineTradeDelivery", E("ram:BilledQuantity", f"{line.quantity:f}", unitCode="C62")),
            E("ram:SpecifiedLineTradeSettlement",
              E("ram:ApplicableTradeTax", E("ram:TypeCode", "VAT"), E("ram:CategoryCode", "S"), E("ram:RateApplicablePercent", f"{line.tax_percent:f}")),
              E("ram:SpecifiedTradeSettlementLineMonetarySummation", E("ram:LineTotalAmount", _amount_text(line.net)))),
        ))
    transaction.append(E("ram:ApplicableHeaderTradeAgreement", trade_party("ram:SellerTradeParty", answer.supplier),
                         trade_party("ram:BuyerTradeParty", answer.customer)))
    transaction.append(E("ram:ApplicableHeaderTradeDelivery"))
    rates: dict[Decimal, list[AnswerLine]] = {}
    for line in answer.lines:
        rates.setdefault(line.tax_percent, []).append(line)
    settlement = E("ram:ApplicableHeaderTradeSettlement", E("ram:InvoiceCurrencyCode", answer.currency))
    for rate, lines in rates.items():
        settlement.append(E("ram:ApplicableTradeTax",
                            E("ram:CalculatedAmount", _amount_text(sum((line.tax_amount for line in lines), Decimal(0)))),
                            E("ram:TypeCode", "VAT"),
                            E("ram:BasisAmount", _amount_text(sum((line.net for line in lines), Decimal(0)))),
                            E("ram:CategoryCode", "S"), E("ram:RateApplicablePercent", f"{rate:f}")))
    if answer.due_date:
        settlement.append(E("ram:SpecifiedTradePaymentTerms", E("ram:Description", f"{answer.payment_terms_days} days"),
                            E("ram:DueDateDateTime", when(answer.due_date))))
    settlement.append(E("ram:SpecifiedTradeSettlementHeaderMonetarySummation",
                        E("ram:LineTotalAmount", _amount_text(answer.net)),
                        E("ram:TaxBasisTotalAmount", _amount_text(answer.net)),
                        E("ram:TaxTotalAmount", _amount_text(answer.tax), currencyID=answer.currency),
                        E("ram:GrandTotalAmount", _amount_text(answer.total)),
                        E("ram:DuePayableAmount", _amount_text(answer.total))))
    transaction.append(settlement)
    root.append(transaction)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def facturx_pdf(seed: int = 0, *, country: str = "FR", layout: int = 0, credit_note: bool = False) -> tuple[bytes, Answer]:
    """A Factur-X PDF: the printed invoice with its CII XML embedded (factur-x package)."""
    from facturx import generate_from_binary

    language = {"FR": "fr", "DE": "de"}.get(country, "en")
    content, answer = invoice_pdf(seed, layout=layout, country=country, language=language, credit_note=credit_note)
    combined = generate_from_binary(content, cii_xml(answer), flavor="factur-x", level="en16931", check_xsd=False,
                                    lang=language)
    return combined, answer
