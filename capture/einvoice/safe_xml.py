"""Untrusted XML, parsed safely (no DTD, no entities, no network), and sniffed for e-invoices."""

import re

from lxml import etree

from capture.errors import UnreadableDocument

MAX_XML_BYTES = 10 * 1024 * 1024

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS = {"cac": CAC, "cbc": CBC, "rsm": CII, "ram": RAM, "udt": UDT}
ROOTS = {f"{{{UBL_INVOICE}}}Invoice", f"{{{UBL_CREDIT_NOTE}}}CreditNote", f"{{{CII}}}CrossIndustryInvoice"}


def _parser(**extra) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, **extra
    )


def _refuse_doctype(xml: bytes) -> None:
    head = xml[:4096]
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        if marker in head or marker.decode().encode("utf-16-le") in head or marker.decode().encode("utf-16-be") in head:
            raise UnreadableDocument("the XML declares a DOCTYPE or entities, which e-invoices never need.")


def parse_xml(xml: bytes) -> etree._Element:
    """Parse untrusted XML safely, or raise :class:`UnreadableDocument`."""
    if not xml or not xml.strip():
        raise UnreadableDocument("the XML file is empty.")
    if len(xml) > MAX_XML_BYTES:
        raise UnreadableDocument("the XML file is larger than 10 MB.")
    _refuse_doctype(xml)
    try:
        root = etree.fromstring(xml, parser=_parser(remove_comments=True, remove_pis=True))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise UnreadableDocument("the XML is malformed.") from error
    if root is None:
        raise UnreadableDocument("the XML is malformed.")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnreadableDocument("the XML declares a DOCTYPE or entities, which e-invoices never need.")
    return root


def is_einvoice_xml(head: bytes) -> bool:
    """Whether these first bytes are an XML whose root is a UBL Invoice/CreditNote or a CII
    CrossIndustryInvoice (for sniffing uploads; a truncated head is fine)."""
    if not head:
        return False
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return False
    try:
        _refuse_doctype(head)
    except UnreadableDocument:
        return False
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False)
    try:
        parser.feed(head)
        for _event, element in parser.read_events():
            return element.tag in ROOTS
    except etree.XMLSyntaxError:
        return False
    # The head ends inside the root's start tag (long namespace declarations): judge by
    # the root's name and the namespace it declares.
    root = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?(Invoice|CreditNote|CrossIndustryInvoice)[\s>]", stripped)
    if root is None:
        return False
    expected = {b"Invoice": UBL_INVOICE, b"CreditNote": UBL_CREDIT_NOTE, b"CrossIndustryInvoice": CII}[root.group(1)]
    return expected.encode() in head
