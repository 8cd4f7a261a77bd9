"""The Factur-X / ZUGFeRD / XRechnung XML embedded in a PDF."""

import logging

# factur-x logs a warning for every PDF without an embedded invoice, which is most PDFs.
logging.getLogger("factur-x").setLevel(logging.ERROR)


def xml_from_pdf(content: bytes) -> bytes | None:
    """The Factur-X / ZUGFeRD / XRechnung XML embedded in a PDF, or None (the factur-x
    package finds the attachment; we parse it ourselves, safely)."""
    from facturx import get_xml_from_pdf

    try:
        _name, xml = get_xml_from_pdf(content, check_xsd=False)
    except Exception:  # noqa: BLE001 - pypdf raises many types on damaged files; no XML then.
        return None
    return xml or None
