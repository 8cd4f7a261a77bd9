"""What a reader makes of a document: pages of lines of words, each word with its box and
confidence (docTR's shapes), plus the e-invoice when the document carries one.

Boxes are ``(x0, y0, x1, y1)`` normalised to 0..1 of the page, origin top-left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capture.einvoice import EInvoice

Box = tuple[float, float, float, float]


def union(boxes) -> Box:
    boxes = list(boxes)
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    confidence: float = 1.0


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def box(self) -> Box:
        return union(word.box for word in self.words)

    @property
    def confidence(self) -> float:
        if not self.words:
            return 0.0
        return min(word.confidence for word in self.words)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    rotation: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class ReadDocument:
    source: str  # "e-invoice" | "text" | "ocr"
    pages: list[Page]
    einvoice: EInvoice | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)
