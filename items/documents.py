"""Uploaded files: what they really are, where they are stored, and their thumbnails.

The web request only checks and stores a file; decoding it (thumbnails, reading it) is
the capture worker's job, under a pixel cap (``DOCUMENT_MAX_PIXELS``).

The type comes from the first bytes only, never from the name or the browser's
Content-Type (OWASP file upload cheat sheet, ASVS 5.2.2). Files are stored under
server-generated names through ``default_storage`` so the same code works on local disk
and on an S3-compatible bucket.
"""

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XML = "application/xml"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", XML: "xml"}
THUMBNAIL_SIZE = (240, 320)
TOO_LARGE_IMAGE = "This image is too large to read."
# The root elements of the e-invoices dext reads: UBL 2.1 / Peppol BIS Billing 3.0
# Invoice and CreditNote, and UN/CEFACT CII (Factur-X, ZUGFeRD, XRechnung).
_EINVOICE_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(Invoice|CreditNote|CrossIndustryInvoice)[\s>/]")
_XML_PROLOGUE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*", re.S)


class DocumentRejected(Exception):
    """The file can't be accepted; ``reason`` is shown to the user with the file name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes) -> str | None:
    """The real type from the first bytes: PDF, PNG and JPEG by their magic numbers, an
    e-invoice by an XML document whose root element is a UBL or CII invoice."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    prologue = _XML_PROLOGUE.match(head)
    if prologue and _EINVOICE_ROOT.match(head, prologue.end()):
        return XML
    return None


def read_checked(uploaded) -> tuple[bytes, str]:
    """Return the file's bytes and real content type, or raise :class:`DocumentRejected`.

    Runs in the web request, so it reads headers only: nothing here decodes an image's
    pixels or renders a PDF (a 57 KB PNG can claim 60 million pixels). That work happens
    in the capture worker, under a pixel cap."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise DocumentRejected(f"it is larger than {limit // (1024 * 1024)} MB (Xero's attachment limit).")
    if not uploaded.size:
        raise DocumentRejected("it is empty.")
    uploaded.seek(0)
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise DocumentRejected(f"it is larger than {limit // (1024 * 1024)} MB (Xero's attachment limit).")
    content_type = sniff_content_type(content[:4096])
    if content_type is None:
        raise DocumentRejected("it is not a PDF, JPEG or PNG file, or an e-invoice (UBL or Factur-X XML).")
    if content_type in (PNG, JPEG):
        _check_image_header(content)
    elif content_type == PDF and b"%%EOF" not in content[-2048:]:
        raise DocumentRejected("the PDF is incomplete or damaged.")
    return content, content_type


def _decodable_pixels(image: Image.Image) -> int:
    """Pixels a decode must hold: a JPEG can be decoded at 1/8 scale (``draft``)."""
    pixels = image.width * image.height
    return pixels // 64 if image.format == "JPEG" else pixels


def _check_image_header(content: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if _decodable_pixels(image) > settings.DOCUMENT_MAX_PIXELS:
                    raise DocumentRejected(TOO_LARGE_IMAGE)
    except Image.DecompressionBombError as error:
        raise DocumentRejected(TOO_LARGE_IMAGE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DocumentRejected("the image is damaged and can't be read.") from error


def open_image(content: bytes, *, size: tuple[int, int] | None = None) -> Image.Image:
    """Decode an image under the pixel cap, as upright RGB. A JPEG is decoded straight at
    a reduced scale (``draft``: 1/2, 1/4 or 1/8): at least ``size`` when given (a
    thumbnail of a large photo never holds its full bitmap), else the largest scale under
    the cap. Raises :class:`DocumentRejected`."""
    cap = settings.DOCUMENT_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 Mpx (and refuses from 178 Mpx); our own cap is lower
            # and counts what the decode will really hold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.format == "JPEG":
                if size is None:
                    scale = 1
                    while (image.width // scale) * (image.height // scale) > cap and scale < 8:
                        scale *= 2
                    size = (image.width // scale, image.height // scale)
                image.draft("RGB", size)
            if image.width * image.height > cap:
                raise DocumentRejected(TOO_LARGE_IMAGE)
            image = ImageOps.exif_transpose(image.convert("RGB"))
    except DocumentRejected:
        raise
    except Image.DecompressionBombError as error:
        raise DocumentRejected(TOO_LARGE_IMAGE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DocumentRejected("the image is damaged and can't be read.") from error
    return image


def thumbnail(content: bytes, content_type: str) -> bytes | None:
    """A small PNG of the document (an image scaled down, a PDF's first page), or None
    when it can't be drawn: the lists then show an icon. For the capture worker."""
    if content_type == PDF:
        image = _pdf_first_page(content)
    elif content_type in (PNG, JPEG):
        try:
            image = open_image(content, size=THUMBNAIL_SIZE)
        except DocumentRejected:
            return None
    else:
        return None
    if image is None:
        return None
    image.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_first_page(content: bytes) -> Image.Image | None:
    """The first page of a PDF drawn at thumbnail size (PDFium, Chromium's PDF engine), or
    None when the file can't be rendered."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(content)
        try:
            if len(pdf) == 0:
                return None
            page = pdf[0]
            width, height = page.get_size()
            scale = min(THUMBNAIL_SIZE[0] / max(width, 1), THUMBNAIL_SIZE[1] / max(height, 1), 2.0)
            return page.render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
    except (pypdfium2.PdfiumError, ValueError, OSError):
        return None


# The document viewer draws PDF pages this wide: sharp at the viewer's full width and
# when zoomed in twice, small enough to send quickly.
PAGE_IMAGE_WIDTH = 1400


def pdf_page_count(content: bytes) -> int:
    """How many pages the PDF has (0 when it can't be read)."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(content)
    except (pypdfium2.PdfiumError, ValueError, OSError):
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def pdf_page_image(content: bytes, number: int, *, width: int = PAGE_IMAGE_WIDTH) -> bytes | None:
    """Page ``number`` (1-based) of a PDF as a PNG ``width`` pixels wide, or None."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(content)
    except (pypdfium2.PdfiumError, ValueError, OSError):
        return None
    try:
        if not 1 <= number <= len(pdf):
            return None
        page = pdf[number - 1]
        page_width, _ = page.get_size()
        image = page.render(scale=min(width / max(page_width, 1), 4.0)).to_pil().convert("RGB")
    except (pypdfium2.PdfiumError, ValueError, OSError):
        return None
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def store(*, business_id: int, content: bytes, content_type: str) -> StoredFile:
    """Save the file under a new random name."""
    storage_name = default_storage.save(
        f"documents/{business_id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", ContentFile(content)
    )
    return StoredFile(
        storage_name=storage_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def store_derived(*, storage_name: str, suffix: str, content: bytes) -> str:
    """Save a file made from a stored document (its thumbnail, a readable PDF of an
    e-invoice) beside it; returns the new name."""
    stem = storage_name.rsplit(".", 1)[0]
    return default_storage.save(f"{stem}-{suffix}", ContentFile(content))


def read(storage_name: str) -> bytes:
    with default_storage.open(storage_name, "rb") as handle:
        return handle.read()


def remove(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
