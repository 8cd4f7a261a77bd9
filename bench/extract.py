"""Benchmark: how well and how fast capture reads documents.

    .venv/bin/python bench/extract.py                 # generated corpus + ../shared/corpus/receipts
    .venv/bin/python bench/extract.py --receipts 20   # only the first 20 real receipts

What it does, in this process (no database, no services):
1. Generates a corpus into a temporary folder (reportlab/Pillow, deterministic): supplier
   invoices with a text layer in three layouts, three languages and five currencies,
   credit notes, scanned invoices (PDF of a skewed, noisy image), photographed receipts
   rotated 0/90/180/270° with skew, noise and blur, Factur-X PDFs and UBL XML files.
2. Adds the real scanned receipts of ``../shared/corpus/receipts/`` when the folder is
   there (SROIE, Malaysian, MYR), split in two halves: even numbers (used while tuning)
   and odd numbers (never looked at while tuning), reported apart.
3. Reads, extracts and matches every file (``capture.pipeline``'s three steps) with a
   business profile and a contact list: for the real receipts, the corpus's companies
   written a little tidier (title case, "Sdn. Bhd." variations) plus 60 distractors; for
   the generated documents, their suppliers (every other one with its tax number) plus 60
   distractors with similar names.

Prints per-field accuracy for each group; the calibration of the confidence against
``capture.fields.CONFIDENT`` (per field and source: the share of values accepted without a
person, how many of those are right, how many of the flagged ones are right, and the share
of right values accepted); how many totals misread by one digit (changed where the total
is printed, as OCR misreads) would still be accepted; seconds per page (median) and the
peak memory of this process, which does all the reading. The last line is one JSON object.
"""

import argparse
import copy
import json
import pickle
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from capture import samples  # noqa: E402
from capture.document import Word  # noqa: E402
from capture.errors import UnreadableDocument  # noqa: E402
from capture.fields import CONFIDENT  # noqa: E402
from capture.matching import normalise_name  # noqa: E402
from capture.parsing import find_amounts, find_dates, parse_amount  # noqa: E402
from capture.pipeline import extract, match_contact, read_document  # noqa: E402
from capture.profile import BusinessProfile, ContactCandidate  # noqa: E402

# ../shared/corpus/receipts beside the checkout (or beside the folder of worktrees).
RECEIPTS = next(
    (folder / "shared" / "corpus" / "receipts" for folder in (BASE_DIR.parent, BASE_DIR.parent.parent)
     if (folder / "shared" / "corpus" / "receipts").is_dir()),
    BASE_DIR.parent / "shared" / "corpus" / "receipts",
)
UK = BusinessProfile(name="Demo Bakery Ltd", country="GB", base_currency="GBP", tax_numbers=("GB987654321",))
MY = BusinessProfile(name="Demo Trading Sdn Bhd", country="MY", base_currency="MYR")
CONTENT_TYPES = {".pdf": "application/pdf", ".xml": "application/xml", ".jpg": "image/jpeg", ".png": "image/png"}


def generated_corpus(folder: Path) -> list[dict]:
    """(path, group, answer) for every generated document."""
    entries = []

    def add(name, content, group, answer):
        path = folder / name
        path.write_bytes(content)
        entries.append({"path": path, "group": group, "answer": answer})

    variants = [("GB", "en"), ("FR", "fr"), ("DE", "de"), ("AU", "en"), ("US", "en")]
    for seed in range(60):
        country, language = variants[seed % 5]
        content, answer = samples.invoice_pdf(1000 + seed, layout=seed % 3, country=country, language=language,
                                              credit_note=seed % 6 == 5)
        add(f"text-{seed:02d}.pdf", content, "invoice: text layer", answer)
    for seed in range(8):
        country, language = variants[seed % 5]
        content, answer = samples.scanned_pdf(2000 + seed, layout=seed % 3, country=country, language=language)
        add(f"scan-{seed:02d}.pdf", content, "invoice: scanned", answer)
    for seed in range(16):
        content, answer = samples.receipt_photo(3000 + seed, rotation=[0, 90, 180, 270][seed % 4],
                                                skew=[2.5, -3.0, 1.5, -2.0][seed % 4])
        add(f"photo-{seed:02d}.jpg", content, "receipt: generated photo", answer)
    for seed in range(4):
        content, answer = samples.facturx_pdf(4000 + seed, country=["FR", "DE"][seed % 2], credit_note=seed == 3)
        add(f"facturx-{seed:02d}.pdf", content, "e-invoice", answer)
    for seed in range(4):
        content, answer = samples.ubl_xml(5000 + seed, country=["FR", "GB", "DE", "AU"][seed], credit_note=seed % 2 == 1)
        add(f"ubl-{seed:02d}.xml", content, "e-invoice", answer)
    return entries


def tidy(company: str, index: int) -> str:
    """How a bookkeeper might have typed the company into Xero."""
    name = " ".join(company.replace(".", ". ").split()).title().replace(". ", ".").replace(" .", ".")
    for printed in ("Sdn.Bhd.", "Sdn Bhd", "Sdn. Bhd", "Sdn.Bhd"):
        name = name.replace(printed, "Sdn Bhd")
    if "Sdn Bhd" in name:
        name = name.replace("Sdn Bhd", ["Sdn. Bhd.", "Sdn Bhd", "SDN BHD"][index % 3])
    return name.strip(" .,")


def receipt_corpus(limit: int | None) -> tuple[list[dict], list[ContactCandidate]]:
    if not RECEIPTS.is_dir():
        return [], []
    entries = []
    contacts: dict[str, ContactCandidate] = {}
    for number, path in enumerate(sorted(RECEIPTS.glob("*.jpg"))):
        if limit is not None and number >= limit:
            break
        truth = json.loads(path.with_suffix(".json").read_text())
        key = normalise_name(truth["company"])
        if key not in contacts:
            contacts[key] = ContactCandidate(id=f"c{len(contacts)}", name=tidy(truth["company"], len(contacts)))
        half = "even" if int(path.stem) % 2 == 0 else "odd"
        entries.append({"path": path, "group": f"receipt: SROIE {half}", "truth": truth, "contact": contacts[key].id})
    rng = random.Random(7)
    for n in range(60):
        name = f"{rng.choice(samples.FIRST)} {rng.choice(samples.SECOND)} {rng.choice(['Sdn Bhd', 'Enterprise', 'Trading'])}"
        contacts.setdefault(normalise_name(name), ContactCandidate(id=f"d{n}", name=name))
    return entries, list(contacts.values())


@dataclass(frozen=True)
class Verdict:
    """One field of one document: whether the reader got it right, and how sure it said it
    was (None when it read no value)."""

    correct: bool
    confidence: float | None


def _field(extraction, name: str, expected) -> Verdict:
    found = extraction.fields.get(name)
    if found is None:
        return Verdict(expected is None, None)
    return Verdict(found.value == expected, found.confidence)


def _contact(match, expected_id) -> Verdict:
    if match is None:
        return Verdict(False, None)
    return Verdict(match.contact_id == expected_id, match.confidence)


def score_generated(extraction, match, entry) -> dict[str, Verdict]:
    answer = entry["answer"]
    got = extraction.value
    result = {
        "total": _field(extraction, "total", answer.total),
        "date": _field(extraction, "date", answer.date),
        "supplier": Verdict(normalise_name(got("supplier_name", "") or "") == normalise_name(answer.supplier.name),
                            extraction.confidence("supplier_name")),
        "contact": _contact(match, entry["contact"]),
        "currency": _field(extraction, "currency", answer.currency),
        "net": _field(extraction, "net", answer.net),
        "tax": _field(extraction, "tax", answer.tax),
    }
    if answer.document_type != "receipt":
        result["number"] = _field(extraction, "reference", answer.reference)
        result["due_date"] = _field(extraction, "due_date", answer.due_date)
        result["type"] = _field(extraction, "document_type", answer.document_type)
        if answer.supplier.tax_number:
            printed = (got("tax_number") or "").replace(" ", "")
            result["tax_number"] = Verdict(printed == answer.supplier.tax_number.replace(" ", ""),
                                           extraction.confidence("tax_number"))
    else:
        result["payment"] = _field(extraction, "payment", answer.payment)
    return result


def score_receipt(extraction, match, entry) -> dict[str, Verdict]:
    truth = entry["truth"]
    expected_total = parse_amount(truth["total"]) if truth.get("total") else None
    dates = find_dates(truth["date"], day_first=True)
    result = {
        "total": _field(extraction, "total", expected_total),
        "date": _field(extraction, "date", dates[0].value if dates else None),
        "supplier": _contact(match, entry["contact"]),
        "contact": _contact(match, entry["contact"]),
    }
    if expected_total is None:
        del result["total"]
    return result


# --- Calibration ---------------------------------------------------------------------------------
# The fields a person is asked to check when read below CONFIDENT (capture.services.CHECKED_FIELDS,
# in the bench's names), and the groups reported apart.
CALIBRATED = ["total", "net", "tax", "date", "due_date", "number", "currency", "contact"]
CALIBRATION_GROUPS = {
    "text": ["invoice: text layer"],
    "ocr": ["invoice: scanned", "receipt: generated photo"],
    "e-invoice": ["e-invoice"],
    "SROIE even": ["receipt: SROIE even"],
    "SROIE odd": ["receipt: SROIE odd"],
}


@dataclass
class Calibration:
    read: int = 0  # values read
    accepted: int = 0  # at or above CONFIDENT: nobody looks at them
    accepted_right: int = 0
    flagged_right: int = 0
    right: int = 0

    @property
    def flagged(self) -> int:
        return self.read - self.accepted

    def share(self, part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    @property
    def accepted_accuracy(self) -> float | None:
        return self.share(self.accepted_right, self.accepted)

    @property
    def flagged_accuracy(self) -> float | None:
        return self.share(self.flagged_right, self.flagged)

    @property
    def right_accepted(self) -> float | None:
        """The share of correct values nobody needs to look at."""
        return self.share(self.accepted_right, self.right)


def calibrate(results: dict[str, list[dict]]) -> dict[str, dict[str, Calibration]]:
    table: dict[str, dict[str, Calibration]] = {}
    for source, groups in CALIBRATION_GROUPS.items():
        for field in CALIBRATED:
            cell = Calibration()
            for group in groups:
                for row in results.get(group, []):
                    verdict = row.get(field)
                    if verdict is None or verdict.confidence is None:
                        continue
                    accepted = verdict.confidence >= CONFIDENT
                    cell.read += 1
                    cell.right += verdict.correct
                    cell.accepted += accepted
                    cell.accepted_right += accepted and verdict.correct
                    cell.flagged_right += (not accepted) and verdict.correct
            if cell.read:
                table.setdefault(source, {})[field] = cell
    return table


def print_calibration(table: dict[str, dict[str, Calibration]]) -> None:
    def percent(value):
        return "—" if value is None else f"{100 * value:.0f}%"

    print(f"Calibration: a value at or above {CONFIDENT} is accepted without a person; below, it is flagged.")
    header = (f"{'source':<11} {'field':<9} {'read':>5} {'accepted':>9} {'right':>7} {'flagged':>8} {'right':>7} "
              f"{'right values accepted':>22}")
    print(header)
    print("-" * len(header))
    for source, fields in table.items():
        for field, cell in fields.items():
            print(f"{source:<11} {field:<9} {cell.read:>5} {percent(cell.share(cell.accepted, cell.read)):>9} "
                  f"{percent(cell.accepted_accuracy):>7} {cell.flagged:>8} {percent(cell.flagged_accuracy):>7} "
                  f"{percent(cell.right_accepted):>22}")


# --- Misreads --------------------------------------------------------------------------------------
def misread_total(document, extraction, profile, name: str) -> Verdict | None:
    """Read the document again with one digit of its total changed where the total is
    printed (what an OCR misread does): the value is now wrong, so it should be flagged. None
    when the total isn't printed on a line of its own (cash − change, an e-invoice)."""
    found = extraction.fields.get("total")
    if found is None or found.box is None or document.einvoice is not None:
        return None
    changed = copy.deepcopy(document)
    rng = random.Random(name)
    for page in changed.pages:
        for line in page.lines:
            if page.number != found.page or line.box != found.box:
                continue
            for position in reversed(range(len(line.words))):
                word = line.words[position]
                if not any(amount.value == abs(found.value) for amount in find_amounts(word.text)):
                    continue
                digits = [i for i, ch in enumerate(word.text) if ch.isdigit()]
                at = rng.choice(digits)
                digit = rng.choice([d for d in "0123456789" if d != word.text[at]])
                line.words[position] = Word(word.text[:at] + digit + word.text[at + 1:], word.box, word.confidence)
                again = extract(changed, profile=profile).fields.get("total")
                if again is None:
                    return Verdict(False, None)
                return Verdict(again.value == found.value, again.confidence)
    return None


# The extraction fields capture.services asks a person to check below CONFIDENT (with the contact).
CHECKED = ("date", "due_date", "reference", "currency", "net", "tax", "total")


def nothing_to_check(extraction, match) -> bool:
    """Whether the item would be Ready as read: as capture.services decides, a value counts
    when it has text behind it (or is sure enough without), and each must be sure."""
    read = [field for name, field in extraction.fields.items() if name in CHECKED
            and (field.source_text or field.confidence >= 0.95)]
    return match is not None and match.confidence >= CONFIDENT and all(f.confidence >= CONFIDENT for f in read)


def print_misreads(misreads: dict[str, list[Verdict | None]]) -> dict[str, float | None]:
    """How many totals misread by one digit would pass unchecked, per source."""
    print(f"Misread totals (one digit changed where the total is printed): how many are still accepted (>= {CONFIDENT})")
    shares = {}
    for source, groups in CALIBRATION_GROUPS.items():
        verdicts = [v for group in groups for v in misreads.get(group, []) if v is not None]
        wrong = [v for v in verdicts if not v.correct and v.confidence is not None]
        accepted = [v for v in wrong if v.confidence >= CONFIDENT]
        if verdicts:
            shares[source] = round(len(accepted) / len(wrong), 3) if wrong else None
            print(f"  {source:<11} {len(wrong):>3} misread, {len(accepted):>3} accepted")
    return shares


def generated_contacts(entries: list[dict]) -> list[ContactCandidate]:
    """The business's contact list for the generated documents: every supplier as a
    bookkeeper would have typed it (every other one with its tax number), plus 60
    distractors with similar names. Sets each entry's expected contact."""
    contacts: dict[str, ContactCandidate] = {}
    for entry in entries:
        supplier = entry["answer"].supplier
        key = normalise_name(supplier.name)
        if key not in contacts:
            number = supplier.tax_number if len(contacts) % 2 == 0 else ""
            contacts[key] = ContactCandidate(id=f"g{len(contacts)}", name=tidy(supplier.name, len(contacts)),
                                             tax_number=number)
        entry["contact"] = contacts[key].id
    rng = random.Random(11)
    for n in range(60):
        name = f"{rng.choice(samples.FIRST)} {rng.choice(samples.SECOND)} {rng.choice(['Ltd', 'Trading', 'Group'])}"
        contacts.setdefault(normalise_name(name), ContactCandidate(id=f"e{n}", name=name))
    return list(contacts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=None, help="read only the first N real receipts")
    parser.add_argument("--no-generated", action="store_true", help="skip the generated corpus")
    parser.add_argument("--show-failures", action="store_true", help="print what each failed document gave")
    parser.add_argument("--generate-into", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_into:
        # Run as a child process, so drawing the corpus doesn't count in the reader's peak memory.
        entries = generated_corpus(Path(args.generate_into))
        (Path(args.generate_into) / "answers.pickle").write_bytes(pickle.dumps(entries))
        return

    with tempfile.TemporaryDirectory(prefix="dext-bench-extract-") as folder:
        entries = []
        generated_list: list[ContactCandidate] = []
        if not args.no_generated:
            subprocess.run([sys.executable, __file__, "--generate-into", folder], check=True)
            entries = pickle.loads((Path(folder) / "answers.pickle").read_bytes())
            generated_list = generated_contacts(entries)
        receipts, contacts = receipt_corpus(args.receipts)
        entries += receipts
        if not receipts:
            print(f"(no real receipts: {RECEIPTS} is absent)")
        results: dict[str, list[dict]] = {}
        seconds: dict[str, list[float]] = {}
        misreads: dict[str, list[Verdict | None]] = {}
        ready: dict[str, list[bool]] = {}
        for entry in entries:
            path = entry["path"]
            content = path.read_bytes()
            real = "truth" in entry
            profile, candidates = (MY, contacts) if real else (UK, generated_list)
            started = time.perf_counter()
            try:
                # capture.pipeline.capture, a step at a time, to keep the document read.
                document = read_document(content, content_type=CONTENT_TYPES[path.suffix], filename=path.name)
                extraction = extract(document, profile=profile)
                match = match_contact(extraction, candidates=candidates, profile=profile)
            except UnreadableDocument as error:
                print(f"{path.name}: unreadable ({error.reason})")
                results.setdefault(entry["group"], []).append({"read": Verdict(False, None)})
                continue
            elapsed = time.perf_counter() - started
            misreads.setdefault(entry["group"], []).append(misread_total(document, extraction, profile, path.name))
            ready.setdefault(entry["group"], []).append(nothing_to_check(extraction, match))
            scored = score_receipt(extraction, match, entry) if real else score_generated(extraction, match, entry)
            results.setdefault(entry["group"], []).append(scored)
            seconds.setdefault(extraction.source, []).append(elapsed)
            if args.show_failures:
                show_failure(path, extraction, match, scored, entry)
    # The peak of this process, which did all the reading (the corpus was drawn by a child).
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print()
    fields = ["total", "date", "supplier", "contact", "number", "net", "tax", "due_date", "currency", "tax_number",
              "type", "payment"]
    header = f"{'group':<28} {'n':>3}  " + " ".join(f"{f[:8]:>8}" for f in fields)
    print(header)
    print("-" * len(header))
    accuracy: dict[str, dict[str, float]] = {}
    for group, rows in results.items():
        accuracy[group] = {}
        cells = []
        for field in fields:
            values = [row[field].correct for row in rows if field in row]
            if values:
                accuracy[group][field] = sum(values) / len(values)
                cells.append(f"{100 * accuracy[group][field]:7.0f}%")
            else:
                cells.append(f"{'':>8}")
        print(f"{group:<28} {len(rows):>3}  " + " ".join(cells))
    print()
    table = calibrate(results)
    print_calibration(table)
    print()
    misread_accepted = print_misreads(misreads)
    print()
    print("Nothing to check (every checked field read at or above CONFIDENT, the contact matched):")
    for group, values in ready.items():
        print(f"  {group:<28} {sum(values):>3} of {len(values):>3}")
    print()
    for source, values in seconds.items():
        print(f"{source:<10} {len(values):>3} documents, median {statistics.median(values):.2f} s a page, "
              f"max {max(values):.2f} s")
    print(f"peak memory {peak_mb:.0f} MB")

    def pooled(groups, field):
        values = [row[field].correct for group in groups for row in results.get(group, []) if field in row]
        return round(sum(values) / len(values), 3) if values else None

    def worst_accepted(source):
        values = [cell.accepted_accuracy for cell in table.get(source, {}).values() if cell.accepted]
        return min(values, default=None)

    def least_accepted(source):
        values = [cell.right_accepted for cell in table.get(source, {}).values() if cell.right]
        return min(values, default=None)

    def cell(source, field):
        return table.get(source, {}).get(field, Calibration())

    receipt_groups = [g for g in results if g.startswith("receipt: SROIE")] or ["receipt: generated photo"]
    invoice_groups = ["invoice: text layer"]
    summary = {
        "receipt_total": pooled(receipt_groups, "total"),
        "receipt_date": pooled(receipt_groups, "date"),
        "receipt_supplier": pooled(receipt_groups, "supplier"),
        "receipt_total_odd": pooled(["receipt: SROIE odd"], "total"),
        "receipt_date_odd": pooled(["receipt: SROIE odd"], "date"),
        "receipt_supplier_odd": pooled(["receipt: SROIE odd"], "supplier"),
        "generated_receipt_total": pooled(["receipt: generated photo"], "total"),
        "invoice_total": pooled(invoice_groups, "total"),
        "invoice_date": pooled(invoice_groups, "date"),
        "invoice_number": pooled(invoice_groups, "number"),
        "scanned_invoice_total": pooled(["invoice: scanned"], "total"),
        "einvoice_all_fields": min((v for v in accuracy.get("e-invoice", {}).values()), default=None),
        # Calibration: the worst accuracy of accepted values over the checked fields, and the
        # smallest share of correct values accepted, per source.
        **{f"accepted_right_{key}": worst_accepted(source) for key, source in
           (("text", "text"), ("ocr", "ocr"), ("einvoice", "e-invoice"), ("receipts_even", "SROIE even"),
            ("receipts_odd", "SROIE odd"))},
        **{f"right_accepted_{key}": least_accepted(source) for key, source in
           (("text", "text"), ("einvoice", "e-invoice"))},
        **{f"receipt_{field}_accepted_{half}": cell(f"SROIE {half}", field).share(
            cell(f"SROIE {half}", field).accepted, cell(f"SROIE {half}", field).read)
           for half in ("even", "odd") for field in ("total", "date")},
        **{f"misread_totals_accepted_{key}": misread_accepted.get(source) for key, source in
           (("text", "text"), ("ocr", "ocr"), ("receipts_even", "SROIE even"), ("receipts_odd", "SROIE odd"))},
        **{f"nothing_to_check_{key}": round(sum(ready[group]) / len(ready[group]), 3) if ready.get(group) else None
           for key, group in (("text", "invoice: text layer"), ("receipts_even", "receipt: SROIE even"),
                              ("receipts_odd", "receipt: SROIE odd"))},
        "median_s_per_page": round(statistics.median([s for values in seconds.values() for s in values]), 3),
        "median_s_ocr": round(statistics.median(seconds["ocr"]), 3) if seconds.get("ocr") else None,
        "median_s_text": round(statistics.median(seconds["text"]), 3) if seconds.get("text") else None,
        "peak_mb": round(peak_mb),
        "documents": sum(len(rows) for rows in results.values()),
    }
    print(json.dumps(summary))


def show_failure(path, extraction, match, scored, entry) -> None:
    """A wrong value, or a right one flagged: what the reader gave and what was expected."""
    wrong = [k for k, v in scored.items() if not v.correct]
    flagged = [k for k, v in scored.items() if k in CALIBRATED and v.correct and v.confidence is not None
               and v.confidence < CONFIDENT]
    overconfident = [k for k, v in scored.items() if k in CALIBRATED and not v.correct and v.confidence is not None
                     and v.confidence >= CONFIDENT]
    if not (wrong or flagged):
        return
    real = "truth" in entry
    expected = entry.get("truth") or entry["answer"]
    confidences = {k: v.confidence for k, v in scored.items() if v.confidence is not None}
    print(f"{path.name}: wrong {wrong} (accepted: {overconfident}), right but flagged {flagged}: "
          f"total={extraction.value('total')} net={extraction.value('net')} tax={extraction.value('tax')} "
          f"date={extraction.value('date')} due={extraction.value('due_date')} "
          f"supplier={extraction.value('supplier_name')!r} match={match} confidence={confidences}"
          f"\n    expected {expected if real else (expected.total, expected.net, expected.tax, expected.date, expected.due_date, expected.supplier.name, expected.reference)}")


if __name__ == "__main__":
    main()
