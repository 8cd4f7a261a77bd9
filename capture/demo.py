"""Sample documents for trying capture in ``make run``: drawn by code (``capture.samples``),
written to ``var/samples/`` by ``seed_demo``, from suppliers the sandbox's Demo Company
(UK) knows, so once connected they are read, matched and completed by their rules."""

from pathlib import Path

from django.conf import settings

from capture import samples

SUPPLIERS = {
    "bakery": samples.Party(name="Bakery Supplies Co Ltd", tax_number="GB284619037",
                            address=("2 Bread Street", "London EC4M 9AB"), email="accounts@bakerysupplies.co.uk"),
    "power": samples.Party(name="City Power & Light", tax_number="GB730012964",
                           address=("1 Grid Road", "Leeds LS1 1AA"), email="billing@citypower.co.uk"),
}


def write_sample_documents(*, folder: Path | None = None) -> str:
    folder = Path(folder or Path(settings.BASE_DIR) / "var" / "samples")
    folder.mkdir(parents=True, exist_ok=True)
    invoice, _ = samples.invoice_pdf(answer=samples.invoice_answer(101, country="GB", supplier=SUPPLIERS["bakery"]))
    receipt, _ = samples.receipt_photo(seed=102, rotation=90, shop=("Office Depot Ltd", "GB"))
    einvoice, _ = samples.ubl_xml(answer=samples.invoice_answer(103, country="GB", supplier=SUPPLIERS["power"]))
    facturx, _ = samples.facturx_pdf(seed=104, country="FR")
    files = {
        "bakery-supplies-invoice.pdf": invoice,
        "office-depot-receipt-photo.jpg": receipt,
        "city-power-einvoice.xml": einvoice,
        "facture-x-fournisseur.pdf": facturx,
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return f"{len(files)} documents to upload in {folder}"
