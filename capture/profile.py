"""Who is reading (the business) and whom a document may come from (its contacts): plain data
built by the caller from the database, so capture itself never queries it."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BusinessProfile:
    name: str
    country: str
    base_currency: str
    tax_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactCandidate:
    id: Any
    name: str
    tax_number: str = ""
    email: str = ""
    website: str = ""
    is_supplier: bool = True
    is_customer: bool = False


@dataclass(frozen=True)
class ContactMatch:
    contact_id: Any
    method: str  # "tax_number" | "alias" | "email_domain" | "name"
    confidence: float
