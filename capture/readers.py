"""Input readers: bytes in, :class:`ReadDocument` out (invoice2data's "input" half).

- XML: a UBL or CII e-invoice, read exactly.
- PDF: an embedded Factur-X / ZUGFeRD XML first; else the text layer with positions
  (PDFium through pypdfium2); else the first pages rendered and read by OCR.
- JPEG / PNG: OCR, after guarding against decompression bombs.
"""

from __future__ import annotations

import io
import math

from capture import einvoice as einvoice_module
from capture.document import Page, ReadDocument
from capture.errors import UnreadableDocument
from capture.ocr import MAX_SIDE, group_lines, segment_words

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XML = "application/xml"
# Decoded pixels allowed for an image; big JPEGs are decoded at a reduced scale instead.
MAX_PIXELS = 25_000_000
# Claimed size above which an image is refused without decoding anything.
MAX_CLAIMED_PIXELS = 400_000_000
MAX_TEXT_PAGES = 20
MAX_OCR_PAGES = 3
# A page whose text layer has fewer letters and digits than this is treated as a scan.
MIN_TEXT_CHARACTERS = 25
OCR_DPI = 150
# A text layer's positions are exact: runs on one line share their middle within this share
# of a line's height (capture.ocr.group_lines).
TEXT_SLACK = 0.3


def read_xml(content: bytes) -> ReadDocument:
    parsed = einvoice_module.parse_einvoice_xml(content)
    return ReadDocument(source="e-invoice", pages=[], einvoice=parsed)


def open_image(content: bytes):
    """Decode an uploaded image safely (pixel caps, cheap JPEG downscaling, EXIF orientation)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(content))
        width, height = image.size
        if width * height > MAX_CLAIMED_PIXELS:
            raise UnreadableDocument("the image is too large in pixels.")
        if image.format == "JPEG" and max(width, height) >= 2 * MAX_SIDE:
            # OCR reads at most MAX_SIDE pixels a side: a phone's 48-megapixel photo is decoded
            # straight at 1/2, 1/4 or 1/8 scale (no larger than needed), never in full.
            scale = max(width, height) / MAX_SIDE
            image.draft("RGB", (math.ceil(width / scale), math.ceil(height / scale)))
            width, height = image.size
        if width * height > MAX_PIXELS:
            if image.format != "JPEG":
                raise UnreadableDocument("the image is too large in pixels (over 25 megapixels).")
            # JPEG can decode at 1/2, 1/4 or 1/8 scale for almost nothing.
            factor = 2 ** math.ceil(math.log2((width * height / MAX_PIXELS) ** 0.5))
            image.draft("RGB", (width // factor, height // factor))
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise UnreadableDocument("the image is too large in pixels (over 25 megapixels).")
        image.load()
        image = ImageOps.exif_transpose(image)
    except UnreadableDocument:
        raise
    except Image.DecompressionBombError as error:
        raise UnreadableDocument("the image is too large in pixels.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnreadableDocument("the image is damaged or not an image.") from error
    return image


def _is_blank(image) -> bool:
    from PIL import ImageStat

    grey = image.convert("L")
    grey.thumbnail((256, 256))
    return ImageStat.Stat(grey).stddev[0] < 3.0


def read_images(images: list) -> ReadDocument:
    """OCR each image (the list is emptied as it goes, so each page's pixels are freed once read)."""
    from capture.ocr import read_image, release_memory

    pages = []
    try:
        for number in range(1, len(images) + 1):
            image = images.pop(0)
            if _is_blank(image):
                continue
            page = read_image(image)
            page.number = number
            pages.append(page)
            del image
    finally:
        release_memory()
    if not any(page.lines for page in pages):
        raise UnreadableDocument("no text could be read from the image (blank, too blurred or not a document).")
    return ReadDocument(source="ocr", pages=pages)


def _pdf_text_page(page, number: int) -> Page:
    """The text layer of one PDF page: PDFium's text runs, split into words with boxes."""
    width, height = page.get_size()
    text_page = page.get_textpage()
    try:
        segments = []
        for index in range(text_page.count_rects()):
            left, bottom, right, top = text_page.get_rect(index)
            text = " ".join(text_page.get_text_bounded(left, bottom, right, top).split())
            if not text:
                continue
            box = (left / width, 1 - top / height, right / width, 1 - bottom / height)
            segments.append(segment_words(text, tuple(min(max(v, 0.0), 1.0) for v in box), 1.0))
    finally:
        text_page.close()
    return Page(number=number, width=float(width), height=float(height), lines=group_lines(segments, slack=TEXT_SLACK),
                rotation=page.get_rotation())


def _characters(pages: list[Page]) -> int:
    return sum(1 for page in pages for ch in page.text if ch.isalnum())


def read_pdf(content: bytes) -> ReadDocument:
    import pypdfium2

    if not content.startswith(b"%PDF-"):
        raise UnreadableDocument("the file is not a PDF.")
    xml = einvoice_module.xml_from_pdf(content)
    if xml:
        try:
            parsed = einvoice_module.parse_einvoice_xml(xml)
        except UnreadableDocument:
            parsed = None
        if parsed is not None:
            try:
                pages = _read_pdf_text(content, max_pages=2)
            except (pypdfium2.PdfiumError, UnreadableDocument):
                pages = []
            return ReadDocument(source="e-invoice", pages=pages, einvoice=parsed)
    try:
        pages = _read_pdf_text(content, max_pages=MAX_TEXT_PAGES)
    except pypdfium2.PdfiumError as error:
        raise UnreadableDocument("the PDF is damaged and can't be opened.") from error
    if _characters(pages) >= MIN_TEXT_CHARACTERS:
        return ReadDocument(source="text", pages=pages)
    return read_images(_render_pdf(content, max_pages=MAX_OCR_PAGES))


def _read_pdf_text(content: bytes, *, max_pages: int) -> list[Page]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(content)
    try:
        if len(pdf) == 0:
            raise UnreadableDocument("the PDF has no pages.")
        pages = []
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            try:
                pages.append(_pdf_text_page(page, index + 1))
            finally:
                page.close()
        return pages
    finally:
        pdf.close()


def _render_pdf(content: bytes, *, max_pages: int) -> list:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(content)
    try:
        images = []
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                scale = OCR_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (width * height)) ** 0.5
                images.append(page.render(scale=scale, rotation=0).to_pil().convert("RGB"))
            finally:
                page.close()
        return images
    except pypdfium2.PdfiumError as error:
        raise UnreadableDocument("the PDF is damaged and can't be rendered.") from error
    finally:
        pdf.close()


def read(content: bytes, *, content_type: str) -> ReadDocument:
    if not content:
        raise UnreadableDocument("the file is empty.")
    if content_type == XML or content_type == "text/xml":
        return read_xml(content)
    if content_type == PDF:
        return read_pdf(content)
    if content_type in (PNG, JPEG):
        return read_images([open_image(content)])
    raise UnreadableDocument(f"files of type {content_type or 'unknown'} can't be read.")



