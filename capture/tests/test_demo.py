from capture import pipeline
from capture.demo import write_sample_documents

CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".xml": "application/xml"}


def test_sample_documents_for_make_run_are_each_read_from_their_best_source(tmp_path):
    assert write_sample_documents(folder=tmp_path) == f"4 documents to upload in {tmp_path}"
    sources = {}
    for path in sorted(tmp_path.iterdir()):
        extraction, _ = pipeline.capture(path.read_bytes(), content_type=CONTENT_TYPES[path.suffix])
        sources[path.name] = extraction.source
        assert extraction.value("total") is not None, path.name
    assert sources == {
        "bakery-supplies-invoice.pdf": "text",
        "city-power-einvoice.xml": "e-invoice",
        "facture-x-fournisseur.pdf": "e-invoice",
        "office-depot-receipt-photo.jpg": "ocr",
    }
