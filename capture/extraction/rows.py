"""The document as rows of text, each with its page, position and OCR confidence."""

from __future__ import annotations

from dataclasses import dataclass

from capture.document import Line, ReadDocument
from capture.fields import ExtractedField


@dataclass
class Row:
    """A line of the document with its page, index and the confidence OCR gave it."""

    index: int
    page: int
    line: Line
    text: str

    @property
    def confidence(self) -> float:
        return self.line.confidence

    def confidence_of(self, start: int, end: int) -> float:
        """OCR's confidence in the words that hold ``text[start:end]`` (the rest of the line
        may be smudged without the value being so)."""
        position, found = 0, []
        for word in self.line.words:
            if position < end and position + len(word.text) > start:
                found.append(word.confidence)
            position += len(word.text) + 1
        return min(found) if found else self.confidence


def rows_of(document: ReadDocument) -> list[Row]:
    rows = []
    for page in document.pages:
        for line in page.lines:
            text = " ".join(line.text.split())
            if text:
                rows.append(Row(len(rows), page.number, line, text))
    return rows


def legibility(row: Row, *, checked: bool = False) -> float:
    """How much OCR's doubt about a line carries into a value read from it: all of it, or
    half once a cross-check has confirmed the value's digits (then only the label beside it
    could still be misread)."""
    return (1 + row.confidence) / 2 if checked else row.confidence


def make_field(value, confidence: float, row: Row | None = None, text: str = "") -> ExtractedField:
    confidence = round(max(0.0, min(1.0, confidence)), 3)
    if row is None:
        return ExtractedField(value=value, confidence=confidence, source_text=text)
    return ExtractedField(value=value, confidence=confidence, source_text=text or row.text, page=row.page, box=row.line.box)
