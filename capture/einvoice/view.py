"""A readable A4 PDF of an e-invoice: the preview of an XML upload and the file attached in Xero."""

import io
from decimal import Decimal

from capture.einvoice.model import EInvoice, EInvoiceParty


def render_einvoice_pdf(einvoice: EInvoice) -> bytes:
    """An A4 PDF a person can read: the preview of an XML e-invoice and the file attached in Xero."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def party(label: str, who: EInvoiceParty) -> Paragraph:
        rows = [f"<b>{escape(label)}</b>", escape(who.name)]
        rows += [escape(line) for line in who.address]
        if who.country:
            rows.append(escape(who.country))
        if who.tax_number:
            rows.append(f"VAT: {escape(who.tax_number)}")
        if who.company_id:
            rows.append(f"Company: {escape(who.company_id)}")
        if who.email:
            rows.append(escape(who.email))
        return Paragraph("<br/>".join(rows), body)

    def money(value: Decimal | None) -> str:
        return "" if value is None else f"{value:,.2f}"

    title = "Credit note" if einvoice.document_type == "credit_note" else "Invoice"
    facts = [
        ("Number", einvoice.number),
        ("Issue date", einvoice.issue_date.isoformat() if einvoice.issue_date else ""),
        ("Due date", einvoice.due_date.isoformat() if einvoice.due_date else ""),
        ("Currency", einvoice.currency),
        ("Format", "UBL 2.1 / Peppol BIS 3" if einvoice.syntax == "UBL" else "CII (Factur-X / ZUGFeRD)"),
    ]
    if einvoice.payment_terms:
        facts.append(("Payment terms", einvoice.payment_terms))
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]
    )
    story = [
        Paragraph(f"{title} {escape(einvoice.number)}", styles["Title"]),
        Table([[party("Seller", einvoice.seller), party("Buyer", einvoice.buyer)]], colWidths=[85 * mm, 85 * mm]),
        Spacer(1, 6 * mm),
        Table([[para(k), para(v)] for k, v in facts if v], colWidths=[40 * mm, 130 * mm]),
        Spacer(1, 6 * mm),
    ]
    rows = [["Description", "Quantity", "Unit price", "VAT %", "Net"]]
    for line in [*einvoice.lines, *einvoice.adjustments]:
        rows.append(
            [
                para(line.description),
                "" if line.quantity is None else f"{line.quantity.normalize():f}",
                money(line.unit_price),
                "" if line.tax_percent is None else f"{line.tax_percent.normalize():f}",
                money(line.net),
            ]
        )
    story += [Table(rows, colWidths=[80 * mm, 20 * mm, 25 * mm, 15 * mm, 30 * mm], style=grid, repeatRows=1)]
    if einvoice.tax_breakdown:
        tax_rows = [["VAT category", "Rate %", "Taxable", "VAT"]]
        for entry in einvoice.tax_breakdown:
            rate = "" if entry.percent is None else f"{entry.percent.normalize():f}"
            tax_rows.append([entry.category, rate, money(entry.taxable), money(entry.tax)])
        story += [Spacer(1, 6 * mm), Table(tax_rows, colWidths=[40 * mm, 20 * mm, 40 * mm, 40 * mm], style=grid)]
    totals = [
        ["", einvoice.currency],
        ["Total without VAT", money(einvoice.net)],
        ["VAT", money(einvoice.tax)],
        ["Total with VAT", money(einvoice.total)],
        ["Amount due", money(einvoice.payable)],
    ]
    story += [Spacer(1, 6 * mm), Table(totals, colWidths=[60 * mm, 40 * mm], style=grid, hAlign="RIGHT")]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {einvoice.number}", author=einvoice.seller.name).build(story)
    return buffer.getvalue()
