"""Sample documents on paper: invoices with a text layer, scans and photographed receipts."""

import io
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from capture.samples.answers import Answer, invoice_answer, money, receipt_answer

# --- Printing in a language ------------------------------------------------------------

LABELS = {
    "en": {"invoice": "INVOICE", "credit_note": "CREDIT NOTE", "number": "Invoice number", "cn_number": "Credit note number",
           "date": "Invoice date", "due": "Due date", "desc": "Description", "qty": "Qty", "unit": "Unit price",
           "amount": "Amount", "net": "Subtotal", "tax": "VAT", "total": "Total", "vat_no": "VAT No", "to": "Bill to",
           "terms": "Payment terms: {days} days", "pay": "Please pay by bank transfer", "gst": "GST", "abn": "ABN",
           "balance": "Balance due"},
    "fr": {"invoice": "FACTURE", "credit_note": "AVOIR", "number": "N° de facture", "cn_number": "N° d'avoir",
           "date": "Date de facture", "due": "Date d'échéance", "desc": "Désignation", "qty": "Qté",
           "unit": "Prix unitaire HT", "amount": "Montant HT", "net": "Total HT", "tax": "TVA", "total": "Total TTC",
           "vat_no": "N° TVA intracommunautaire", "to": "Facturé à", "terms": "Conditions de paiement : {days} jours",
           "pay": "Règlement par virement", "gst": "TVA", "abn": "SIRET", "balance": "Net à payer"},
    "de": {"invoice": "RECHNUNG", "credit_note": "GUTSCHRIFT", "number": "Rechnungsnummer", "cn_number": "Gutschriftsnummer",
           "date": "Rechnungsdatum", "due": "Fällig am", "desc": "Beschreibung", "qty": "Menge", "unit": "Einzelpreis",
           "amount": "Betrag", "net": "Nettobetrag", "tax": "MwSt.", "total": "Gesamtbetrag", "vat_no": "USt-IdNr.",
           "to": "Rechnung an", "terms": "Zahlungsziel: {days} Tage", "pay": "Zahlbar per Überweisung", "gst": "MwSt.",
           "abn": "HRB", "balance": "Zu zahlen"},
}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
}
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "$", "MYR": "RM"}


def format_amount(value: Decimal, language: str) -> str:
    text = f"{value:,.2f}"
    if language == "fr":
        return text.replace(",", " ").replace(".", ",")
    if language == "de":
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def format_date(value: date, language: str, style: int, country: str = "GB") -> str:
    if style == 0:
        if language == "de":
            return f"{value:%d.%m.%Y}"
        if country == "US":
            return f"{value:%m/%d/%Y}"
        return f"{value:%d/%m/%Y}"
    if style == 1:
        if country == "US":
            return f"{MONTHS['en'][value.month - 1]} {value.day}, {value.year}"
        return f"{value.day}{'.' if language == 'de' else ''} {MONTHS[language][value.month - 1]} {value.year}"
    return value.isoformat() if language != "en" else f"{value.day:02d} {MONTHS['en'][value.month - 1][:3]} {value.year}"


def _tax_label(answer: Answer) -> str:
    labels = LABELS[answer.language]
    if answer.supplier.country == "AU":
        return "GST"
    if answer.supplier.country == "US":
        return "Sales tax"
    return labels["tax"]


def _tax_id_line(answer: Answer) -> str:
    labels = LABELS[answer.language]
    if not answer.supplier.tax_number:
        return ""
    if answer.supplier.country == "AU":
        return f"ABN {answer.supplier.tax_number}"
    if answer.supplier.country == "MY":
        return f"GST ID: {answer.supplier.tax_number}"
    return f"{labels['vat_no']}: {answer.supplier.tax_number}"


# --- PDFs with a text layer ------------------------------------------------------------


def _draw_invoice(pdf, answer: Answer, layout: int) -> None:
    from reportlab.lib.pagesizes import A4

    width, height = A4
    labels = LABELS[answer.language]
    lang = answer.language
    symbol = SYMBOL_OR_CODE(answer)
    date_style = layout % 3
    title = labels["credit_note" if answer.document_type == "credit_note" else "invoice"]
    number_label = labels["cn_number" if answer.document_type == "credit_note" else "number"]
    supplier = answer.supplier
    facts = [(number_label, answer.reference), (labels["date"], format_date(answer.date, lang, date_style, supplier.country))]
    if answer.due_date:
        facts.append((labels["due"], format_date(answer.due_date, lang, date_style, supplier.country)))
    if layout == 0:
        # Classic: supplier block top left, title top right, facts under the title.
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(50, height - 60, supplier.name)
        pdf.setFont("Helvetica", 9)
        y = height - 76
        for row in (*supplier.address, supplier.email, _tax_id_line(answer)):
            if row:
                pdf.drawString(50, y, row)
                y -= 12
        pdf.setFont("Helvetica-Bold", 22)
        pdf.drawRightString(width - 50, height - 60, title)
        pdf.setFont("Helvetica", 10)
        y = height - 90
        for label, value in facts:
            pdf.drawString(width - 250, y, f"{label}:")
            pdf.drawRightString(width - 50, y, value)
            y -= 14
        top = height - 200
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(50, top + 40, labels["to"])
        pdf.setFont("Helvetica", 10)
        pdf.drawString(50, top + 26, answer.customer.name)
    elif layout == 1:
        # Banner: title first, supplier at the bottom in the footer, facts in a row.
        pdf.setFillGray(0.25)
        pdf.rect(0, height - 80, width, 80, stroke=0, fill=1)
        pdf.setFillGray(1)
        pdf.setFont("Helvetica-Bold", 26)
        pdf.drawString(50, height - 52, title)
        pdf.setFont("Helvetica", 11)
        pdf.drawRightString(width - 50, height - 52, supplier.name)
        pdf.setFillGray(0)
        pdf.setFont("Helvetica", 9)
        x = 50
        for label, value in facts:
            pdf.drawString(x, height - 110, label)
            pdf.setFont("Helvetica-Bold", 10)
            pdf.drawString(x, height - 124, value)
            pdf.setFont("Helvetica", 9)
            x += 170
        pdf.drawString(50, height - 150, f"{labels['to']}: {answer.customer.name}, {', '.join(answer.customer.address)}")
        top = height - 190
        footer = [supplier.name, ", ".join(supplier.address), f"{supplier.website}  {supplier.email}", _tax_id_line(answer)]
        y = 70
        for row in footer:
            if row.strip():
                pdf.drawCentredString(width / 2, y, row)
                y -= 11
    else:
        # Two columns: customer left, supplier right, facts in a box.
        pdf.setFont("Helvetica", 10)
        pdf.drawString(50, height - 60, answer.customer.name)
        for i, row in enumerate(answer.customer.address):
            pdf.drawString(50, height - 74 - 14 * i, row)
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawRightString(width - 50, height - 60, supplier.name)
        pdf.setFont("Helvetica", 9)
        y = height - 74
        for row in (*supplier.address, supplier.website, _tax_id_line(answer)):
            if row:
                pdf.drawRightString(width - 50, y, row)
                y -= 12
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(50, height - 170, f"{title} {answer.reference}")
        pdf.setFont("Helvetica", 10)
        y = height - 190
        for label, value in facts[1:]:
            pdf.drawString(50, y, f"{label} {value}")
            y -= 14
        top = height - 250
    # The table of lines.
    columns = [50, 300, 360, 450, width - 50]
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(columns[0], top, labels["desc"])
    pdf.drawRightString(columns[2], top, labels["qty"])
    pdf.drawRightString(columns[3], top, labels["unit"])
    pdf.drawRightString(columns[4], top, labels["amount"])
    pdf.line(50, top - 4, width - 50, top - 4)
    pdf.setFont("Helvetica", 9)
    y = top - 18
    for line in answer.lines:
        pdf.drawString(columns[0], y, line.description)
        pdf.drawRightString(columns[2], y, f"{line.quantity:f}")
        pdf.drawRightString(columns[3], y, format_amount(line.unit_amount, lang))
        pdf.drawRightString(columns[4], y, format_amount(line.net, lang))
        y -= 16
    pdf.line(300, y + 6, width - 50, y + 6)
    y -= 10
    rate = answer.lines[0].tax_percent if answer.lines else Decimal(0)
    rows = [
        (labels["net"], answer.net),
        (f"{_tax_label(answer)} {rate.normalize():f}%", answer.tax),
        (labels["total"] if layout != 2 else labels["balance"], answer.total),
    ]
    for number, (label, value) in enumerate(rows):
        last = number == len(rows) - 1
        pdf.setFont("Helvetica-Bold" if last else "Helvetica", 11 if last else 10)
        pdf.drawString(340, y, label)
        amount = format_amount(value, lang)
        pdf.drawRightString(width - 50, y, f"{symbol}{amount}" if symbol in "£$" else f"{amount} {symbol}")
        y -= 18
    pdf.setFont("Helvetica", 9)
    y -= 20
    if answer.payment_terms_days:
        pdf.drawString(50, y, labels["terms"].format(days=answer.payment_terms_days))
        y -= 12
    pdf.drawString(50, y, labels["pay"])


def SYMBOL_OR_CODE(answer: Answer) -> str:  # noqa: N802 - reads as a constant lookup
    if answer.currency == "AUD":
        return "A$" if answer.lines and len(answer.reference) % 2 else "$"
    return SYMBOLS.get(answer.currency, answer.currency)


def invoice_pdf(seed: int = 0, *, layout: int = 0, country: str = "GB", language: str = "en",
                credit_note: bool = False, answer: Answer | None = None) -> tuple[bytes, Answer]:
    """A born-digital supplier invoice (or credit note) with a text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    answer = answer or invoice_answer(seed, country=country, language=language, credit_note=credit_note)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"{answer.document_type} {answer.reference}")
    _draw_invoice(pdf, answer, layout)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue(), answer


# --- Scans and photos ------------------------------------------------------------------


def _degrade(image, rng: random.Random, *, rotation: int = 0, skew: float = 0.0, noise: float = 0.0,
             blur: float = 0.0, background: int | None = None):
    """Turn a clean page into what a scanner or phone gives: rotated, skewed, noisy, blurred."""
    import numpy as np
    from PIL import Image, ImageFilter

    image = image.convert("L")
    if background is not None:
        # A photo: the paper lies on a darker table, with a margin around it.
        margin = max(image.width, image.height) // 12
        table = Image.new("L", (image.width + 2 * margin, image.height + 2 * margin), background)
        table.paste(image, (margin, margin))
        image = table
    if skew:
        image = image.rotate(skew, resample=Image.BICUBIC, expand=True, fillcolor=background if background is not None else 255)
    if rotation:
        image = image.rotate(rotation, expand=True)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        pixels = np.asarray(image, dtype=np.float32)
        generator = np.random.default_rng(rng.randint(0, 2**31))
        pixels = pixels + generator.normal(0, noise, pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image.convert("RGB")


def scanned_pdf(seed: int = 0, *, layout: int = 0, country: str = "GB", language: str = "en", dpi: int = 150,
                rotation: int = 0, skew: float = 0.6, noise: float = 8.0, credit_note: bool = False) -> tuple[bytes, Answer]:
    """An invoice printed and scanned: a PDF whose only content is a slightly skewed, noisy image."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    content, answer = invoice_pdf(seed, layout=layout, country=country, language=language, credit_note=credit_note)
    pdf = pypdfium2.PdfDocument(content)
    try:
        page_image = pdf[0].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    rng = random.Random(seed)
    scan = _degrade(page_image, rng, rotation=rotation, skew=skew, noise=noise, blur=0.4)
    image_bytes = io.BytesIO()
    scan.save(image_bytes, format="JPEG", quality=80)
    buffer = io.BytesIO()
    size = A4 if rotation in (0, 180) else (A4[1], A4[0])
    out = canvas.Canvas(buffer, pagesize=size, invariant=1)
    out.drawImage(ImageReader(io.BytesIO(image_bytes.getvalue())), 0, 0, width=size[0], height=size[1])
    out.showPage()
    out.save()
    return buffer.getvalue(), answer


def _font(size: int, bold: bool = False):
    import reportlab
    from PIL import ImageFont

    path = Path(reportlab.__file__).parent / "fonts" / ("VeraBd.ttf" if bold else "Vera.ttf")
    return ImageFont.truetype(str(path), size)


def receipt_image(answer: Answer, *, width: int = 420):
    """A clean till receipt (Pillow image) printing ``answer``."""
    from PIL import Image, ImageDraw

    symbol = SYMBOLS.get(answer.currency, "")
    supplier = answer.supplier
    rows: list[tuple[str, str, bool]] = [(supplier.name, "", True)]
    rows += [(row, "", False) for row in supplier.address]
    if supplier.tax_number:
        label = {"AU": "ABN", "MY": "GST REG NO", "FR": "TVA", "DE": "USt-IdNr."}.get(supplier.country, "VAT NO")
        rows.append((f"{label}: {supplier.tax_number}", "", False))
    rows.append(("", "", False))
    day_first = supplier.country != "US"
    when = f"{answer.date:%d/%m/%Y}" if day_first else f"{answer.date:%m/%d/%Y}"
    rows.append((f"DATE: {when}  {10 + int(answer.reference) % 10}:{int(answer.reference) % 60:02d}", "", False))
    rows.append((f"RECEIPT NO: {answer.reference}", "", False))
    rows.append(("-" * 34, "", False))
    for line in answer.lines:
        amount = money(line.quantity * line.unit_amount)
        rows.append((f"{line.quantity:f} x {line.description}", f"{amount:.2f}", False))
    rows.append(("-" * 34, "", False))
    rate = answer.lines[0].tax_percent if answer.lines else Decimal(0)
    tax_name = {"AU": "GST", "MY": "GST", "US": "TAX"}.get(supplier.country, "VAT")
    rows.append((f"{tax_name} {rate.normalize():f}% INCL", f"{answer.tax:.2f}", False))
    rows.append(("TOTAL", f"{symbol}{answer.total:.2f}", True))
    paid = "CASH" if answer.payment == "CASH" else answer.payment
    rows.append((paid, f"{answer.total:.2f}", False))
    rows += [("", "", False), ("THANK YOU, PLEASE COME AGAIN", "", False)]
    font, bold = _font(17), _font(19, bold=True)
    height = 40 + 27 * len(rows) + 30
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    y = 30
    for left, right, strong in rows:
        face = bold if strong else font
        if not right and (left.isupper() or strong) and len(left) < 32 and not left.startswith("-"):
            draw.text(((width - draw.textlength(left, font=face)) / 2, y), left, fill=20, font=face)
        else:
            draw.text((18, y), left, fill=20, font=face)
        if right:
            draw.text((width - 18 - draw.textlength(right, font=face), y), right, fill=20, font=face)
        y += 27
    return image


def receipt_photo(seed: int = 0, *, rotation: int = 0, skew: float = 3.0, noise: float = 12.0, blur: float = 0.8,
                  shop: tuple[str, str] | None = None, fmt: str = "JPEG") -> tuple[bytes, Answer]:
    """A phone photo of a till receipt: on a darker table, rotated by ``rotation`` (0/90/180/270),
    skewed by ``skew`` degrees, with noise and blur."""
    answer = receipt_answer(seed, shop=shop)
    rng = random.Random(seed)
    photo = _degrade(receipt_image(answer), rng, rotation=rotation, skew=skew, noise=noise, blur=blur,
                     background=rng.randint(70, 130))
    out = io.BytesIO()
    photo.save(out, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue(), answer
