"""Capture in one place: read a document, extract its fields, match its contact.

    read_document(content, content_type=...) -> ReadDocument   (capture.readers)
    extract(document, profile=...) -> Extraction               (capture.extraction)
    match_contact(extraction, candidates=..., aliases=...)     (capture.matching)
    capture(content, ...) -> (Extraction, ContactMatch | None)  all three, timed

Every stage is a pure function of plain data: nothing here touches the database.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from capture import readers
from capture.document import ReadDocument
from capture.errors import UnreadableDocument
from capture.extraction import extract_fields
from capture.fields import Extraction
from capture.matching import match_contact, normalise_name
from capture.profile import BusinessProfile, ContactCandidate, ContactMatch

CONTENT_TYPES = ("application/pdf", "image/png", "image/jpeg", "application/xml")

__all__ = [
    "CONTENT_TYPES",
    "UnreadableDocument",
    "capture",
    "extract",
    "match_contact",
    "normalise_name",
    "read_document",
]


def read_document(content: bytes, *, content_type: str, filename: str = "") -> ReadDocument:
    """The best source the file offers: an e-invoice (XML, or embedded in a PDF), else a
    PDF's text layer, else OCR of the image or of the PDF's first pages."""
    return readers.read(content, content_type=content_type)


def extract(document: ReadDocument, *, profile: BusinessProfile | None = None) -> Extraction:
    return extract_fields(document, profile=profile)


def capture(content: bytes, *, content_type: str, filename: str = "", profile: BusinessProfile | None = None,
            candidates: Sequence[ContactCandidate] = (), aliases: Mapping[str, Any] | None = None,
            ) -> tuple[Extraction, ContactMatch | None]:
    started = time.perf_counter()
    document = read_document(content, content_type=content_type, filename=filename)
    extraction = extract(document, profile=profile)
    match = None
    if candidates or aliases:
        match = match_contact(extraction, candidates=candidates, aliases=aliases, profile=profile)
    extraction.seconds = round(time.perf_counter() - started, 3)
    return extraction, match
