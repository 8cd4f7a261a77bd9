"""Making a document fit Xero's attachment limit before it is sent (pure: bytes in, bytes out).

Xero's sources disagree on the limit (3 MB in support articles, 10 or 25 MB in the API
docs; https://developer.xero.com/documentation/api/accounting/attachments), so it is a
setting, ``XERO_ATTACHMENT_MAX_BYTES``, 3 MB by default: a file that fits the strictest
documented limit fits them all. A file over it is made smaller, in steps that each keep
it readable, until it fits:

- a PDF keeps its text and drawings; only its images are re-encoded as JPEG, at lower
  quality and then smaller (pypdf);
- a photo (JPEG or PNG) is saved as a JPEG, at lower quality and then smaller (Pillow).

If no step makes it fit, :class:`StillTooLarge` says how big it got.
"""

import io
import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# (longest side in pixels or None to keep it, JPEG quality), tried in order.
STEPS: tuple[tuple[int | None, int], ...] = (
    (None, 85), (2400, 80), (2000, 70), (1600, 65), (1200, 60), (1000, 50), (800, 45),
)


@dataclass(frozen=True)
class FittedFile:
    content: bytes
    content_type: str
    shrunk: bool  # made smaller to fit


class StillTooLarge(Exception):
    def __init__(self, size: int, limit: int):
        super().__init__(f"{size} bytes after compressing, over the limit of {limit}")
        self.size = size
        self.limit = limit


def fit_for_xero(content: bytes, *, content_type: str, limit: int) -> FittedFile:
    """``content`` as it is when it fits, else the first smaller version that does."""
    if len(content) <= limit:
        return FittedFile(content, content_type, shrunk=False)
    smallest = len(content)
    for max_side, quality in STEPS:
        try:
            if content_type == "application/pdf":
                candidate, candidate_type = _pdf_images_reencoded(content, max_side=max_side, quality=quality), content_type
            elif content_type in ("image/jpeg", "image/png"):
                candidate, candidate_type = _photo_as_jpeg(content, max_side=max_side, quality=quality), "image/jpeg"
            else:
                break
        except Exception:  # a file our tools can't rewrite is sent as it is, or refused as too large
            logger.warning("Could not compress a %s for Xero", content_type, exc_info=True)
            break
        smallest = min(smallest, len(candidate))
        if len(candidate) <= limit:
            return FittedFile(candidate, candidate_type, shrunk=True)
    raise StillTooLarge(smallest, limit)


def _scaled(image, max_side: int | None):
    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side))
    return image


def _as_rgb(image):
    """JPEG has no transparency: a transparent background becomes white."""
    from PIL import Image

    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.split()[-1])
        return flat
    return image.convert("RGB")


def _photo_as_jpeg(content: bytes, *, max_side: int | None, quality: int) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(content)) as opened:
        image = _as_rgb(ImageOps.exif_transpose(opened))
        image = _scaled(image, max_side)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        return out.getvalue()


def _pdf_images_reencoded(content: bytes, *, max_side: int | None, quality: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    for page in writer.pages:
        for image_file in page.images:
            if image_file.is_inline or image_file.image is None:
                continue
            image_file.replace(_scaled(_as_rgb(image_file.image), max_side), quality=quality)
        page.compress_content_streams()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
