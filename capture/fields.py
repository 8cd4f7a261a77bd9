"""What extraction found: named fields, each with its confidence and the text it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# A value read at or above this confidence is taken as read; below it, a person is asked to
# check it (capture.services keeps the item To review). The benchmark (bench/extract.py)
# measures how right the values above it are.
CONFIDENT = 0.8
FIELD_NAMES = (
    "document_type",
    "item_type",
    "supplier_name",
    "tax_number",
    "email",
    "website",
    "date",
    "due_date",
    "payment_terms_days",
    "reference",
    "currency",
    "net",
    "tax",
    "total",
    "payment",
    "paid",
)


@dataclass(frozen=True)
class ExtractedField:
    value: Any
    confidence: float  # 0..1
    source_text: str = ""
    page: int | None = None
    box: tuple | None = None


@dataclass(frozen=True)
class ExtractedLine:
    description: str
    quantity: Decimal | None
    unit_amount: Decimal | None
    net: Decimal
    tax_amount: Decimal
    total: Decimal
    tax_percent: Decimal | None


@dataclass
class Extraction:
    source: str
    fields: dict[str, ExtractedField] = field(default_factory=dict)
    lines: list[ExtractedLine] = field(default_factory=list)
    seconds: float = 0.0
    # Other lines that may name the issuer, best first (for matching when the best guess misses).
    name_candidates: list[str] = field(default_factory=list)

    def value(self, name: str, default: Any = None) -> Any:
        found = self.fields.get(name)
        return default if found is None else found.value

    def confidence(self, name: str) -> float:
        found = self.fields.get(name)
        return 0.0 if found is None else found.confidence
