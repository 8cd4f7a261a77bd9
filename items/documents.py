"""Uploaded files: what they really are, where they are stored, and their thumbnails.

The type comes from the first bytes only, never from the name or the browser's
Content-Type (OWASP file upload cheat sheet, ASVS 5.2.2). Files are stored under
server-generated names through ``default_storage`` so the same code works on local disk
and on an S3-compatible bucket.
"""

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
THUMBNAIL_SIZE = (240, 320)
# Pillow's guard against decompression bombs: a 10 MB file can still claim an enormous canvas.
MAX_IMAGE_PIXELS = 60_000_000


class DocumentRejected(Exception):
    """The file can't be accepted; ``reason`` is shown to the user with the file name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    thumbnail_name: str
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def read_checked(uploaded) -> tuple[bytes, str]:
    """Return the file's bytes and real content type, or raise :class:`DocumentRejected`."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise DocumentRejected(f"it is larger than {limit // (1024 * 1024)} MB (Xero's attachment limit).")
    if not uploaded.size:
        raise DocumentRejected("it is empty.")
    uploaded.seek(0)
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise DocumentRejected(f"it is larger than {limit // (1024 * 1024)} MB (Xero's attachment limit).")
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise DocumentRejected("it is not a PDF, JPEG or PNG file (only those can be uploaded).")
    if content_type != PDF:
        _check_image(content)
    elif b"%%EOF" not in content[-2048:]:
        raise DocumentRejected("the PDF is incomplete or damaged.")
    return content, content_type


def _check_image(content: bytes) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise DocumentRejected("the image is too large in pixels.")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise DocumentRejected("the image is damaged and can't be read.") from error


def _thumbnail(content: bytes) -> bytes:
    with Image.open(io.BytesIO(content)) as image:
        image.draft("RGB", THUMBNAIL_SIZE)
        image = image.convert("RGB")
        image.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()


def _pdf_first_page(content: bytes) -> bytes | None:
    """The first page of a PDF as a PNG thumbnail (PDFium, Chromium's PDF engine), or
    None when the file can't be rendered: the list then shows a PDF icon instead."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(content)
        try:
            if len(pdf) == 0:
                return None
            page = pdf[0]
            width, height = page.get_size()
            scale = min(THUMBNAIL_SIZE[0] / max(width, 1), THUMBNAIL_SIZE[1] / max(height, 1), 2.0)
            image = page.render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
    except (pypdfium2.PdfiumError, ValueError, OSError):
        return None
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def store(*, business_id: int, content: bytes, content_type: str) -> StoredFile:
    """Save the file and its thumbnail (an image scaled down, a PDF's first page) under
    new random names."""
    token = uuid.uuid4().hex
    folder = f"documents/{business_id}"
    storage_name = default_storage.save(f"{folder}/{token}.{EXTENSIONS[content_type]}", ContentFile(content))
    thumbnail = _thumbnail(content) if content_type != PDF else _pdf_first_page(content)
    thumbnail_name = ""
    if thumbnail:
        thumbnail_name = default_storage.save(f"{folder}/{token}-thumb.png", ContentFile(thumbnail))
    return StoredFile(
        storage_name=storage_name,
        thumbnail_name=thumbnail_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def remove(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
