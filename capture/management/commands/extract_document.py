"""Read documents with the capture pipeline and print one JSON object per file per line.

    python manage.py extract_document invoice.pdf receipt.jpg
    python manage.py extract_document *.pdf --contacts suppliers.txt
    python manage.py extract_document bill.pdf --business 3

For support and benchmarks. It writes nothing; with ``--contacts`` or no option it does
not touch the database at all.
"""

import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capture.einvoice import is_einvoice_xml
from capture.errors import UnreadableDocument
from capture.pipeline import capture
from capture.profile import BusinessProfile, ContactCandidate

SUFFIXES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".xml": "application/xml"}


def content_type_of(content: bytes, name: str) -> str:
    head = content[:4096]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if is_einvoice_xml(head):
        return "application/xml"
    return SUFFIXES.get(Path(name).suffix.lower(), "")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_json(path: str, extraction, match, candidates) -> dict:
    names = {candidate.id: candidate.name for candidate in candidates}
    value = extraction.value
    record = {
        "file": path,
        "source": extraction.source,
        "document_type": value("document_type"),
        "item_type": value("item_type"),
        "supplier_name": value("supplier_name"),
        "supplier": names.get(match.contact_id) if match else None,
        "match_method": match.method if match else None,
        "tax_number": value("tax_number"),
        "email": value("email"),
        "website": value("website"),
        "date": _plain(value("date")),
        "due_date": _plain(value("due_date")),
        "payment_terms_days": value("payment_terms_days"),
        "reference": value("reference"),
        "currency": value("currency"),
        "net": _plain(value("net")),
        "tax": _plain(value("tax")),
        "total": _plain(value("total")),
        "payment": value("payment"),
        "paid": value("paid"),
        "lines": [
            {
                "description": line.description,
                "quantity": None if line.quantity is None else f"{line.quantity.normalize():f}",
                "unit_amount": None if line.unit_amount is None else f"{line.unit_amount:.2f}",
                "net": f"{line.net:.2f}",
                "tax_amount": f"{line.tax_amount:.2f}",
                "total": f"{line.total:.2f}",
                "tax_percent": None if line.tax_percent is None else f"{line.tax_percent.normalize():f}",
            }
            for line in extraction.lines
        ],
        "confidence": {name: field.confidence for name, field in extraction.fields.items()},
        "seconds": round(extraction.seconds, 3),
    }
    if match:
        record["confidence"]["supplier"] = match.confidence
    return record


class Command(BaseCommand):
    help = "Read documents with the capture pipeline; print one JSON object per file per line."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--contacts", metavar="FILE", help="a text file of contact names, one per line, to match against")
        group.add_argument("--business", type=int, metavar="ID", help="match against this business's synced contacts")

    def handle(self, *args, paths, contacts=None, business=None, **options):
        profile, candidates = None, []
        if contacts:
            try:
                lines = Path(contacts).read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise CommandError(f"Can't read {contacts}: {error.strerror}") from error
            candidates = [ContactCandidate(id=n, name=name.strip()) for n, name in enumerate(lines) if name.strip()]
        elif business is not None:
            profile, candidates = self._business(business)
        for path in paths:
            started = time.perf_counter()
            try:
                content = Path(path).read_bytes()
            except OSError as error:
                self._error(path, f"can't read the file: {error.strerror}", started)
                continue
            content_type = content_type_of(content, path)
            try:
                extraction, match = capture(content, content_type=content_type, filename=Path(path).name,
                                            profile=profile, candidates=candidates)
            except UnreadableDocument as error:
                self._error(path, error.reason, started)
                continue
            self.stdout.write(json.dumps(as_json(path, extraction, match, candidates), ensure_ascii=False))

    def _error(self, path, reason, started):
        self.stdout.write(json.dumps({"file": path, "error": reason, "seconds": round(time.perf_counter() - started, 3)},
                                     ensure_ascii=False))

    def _business(self, business_id):
        # Imported here so that --contacts and plain runs never load the models or query.
        from dext.tenancy.models import Business
        from lists.models import Contact, ListStatus

        found = Business.objects.filter(pk=business_id).first()
        if found is None:
            raise CommandError(f"No business with id {business_id}.")
        profile = BusinessProfile(name=found.name, country=found.country, base_currency=found.base_currency)
        candidates = [
            ContactCandidate(id=contact.pk, name=contact.name, tax_number=contact.tax_number, email=contact.email,
                             is_supplier=contact.is_supplier, is_customer=contact.is_customer)
            for contact in Contact.objects.filter(business_id=business_id).filter(status=ListStatus.ACTIVE)
        ]
        return profile, candidates
