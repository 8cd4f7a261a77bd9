"""Which of the business's contacts a document comes from (or goes to).

By tax number first (exact, whatever spacing or country prefix), then a name a person
already taught us (aliases), then the email or website domain, then the name itself, fuzzily
(rapidfuzz) once legal forms and punctuation are set aside. The business itself is never a
match, and suppliers are preferred on costs, customers on sales.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from capture.fields import Extraction
from capture.parsing import normalise_tax_number
from capture.profile import BusinessProfile, ContactCandidate, ContactMatch

FREE_MAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "yahoo.com",
    "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "orange.fr", "free.fr",
    "laposte.net", "btinternet.com", "bigpond.com", "protonmail.com", "proton.me", "msn.com", "mail.com", "ymail.com",
}
# Legal forms, longest first so "pty ltd" goes before "ltd"; matched as whole words after
# punctuation is removed ("S.A.S." → "s a s" → "sas" handled by the dotted forms below).
LEGAL_FORMS = [
    "sdn bhd", "sendirian berhad", "berhad", "bhd", "pty ltd", "pty limited", "pty", "co ltd", "company limited",
    "limited", "ltd", "llc", "l l c", "llp", "inc", "incorporated", "corp", "corporation", "plc", "gmbh & co kg",
    "gmbh co kg", "gmbh", "ag", "kg", "bv", "b v", "nv", "n v", "sa", "s a", "sas", "s a s", "sarl", "s a r l", "srl",
    "s r l", "spa", "s p a", "oy", "ab", "as", "aps", "co", "company", "the",
]
_LEGAL = re.compile(r"\b(?:" + "|".join(re.escape(form) for form in LEGAL_FORMS) + r")\b")
NAME_THRESHOLD = 86
NAME_THRESHOLD_SHORT = 93


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def normalise_name(name: str) -> str:
    """A key for comparing names: "Bakery Supplies Co. Ltd" and "BAKERY SUPPLIES CO LTD"
    give the same; legal forms, punctuation, accents, case and spacing don't count."""
    folded = _fold(name or "")
    # "S.A.S." folds to "s a s": join runs of single letters first so dotted forms match.
    folded = re.sub(r"\b(?:[a-z] ){1,4}[a-z]\b", lambda m: m.group(0).replace(" ", ""), folded)
    stripped = _LEGAL.sub(" ", folded)
    stripped = " ".join(stripped.split())
    return stripped or " ".join(folded.split())


def domain_of(value: str) -> str:
    """The registrable-looking domain of an email address or a website."""
    value = (value or "").strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = re.sub(r"^[a-z]+://", "", value).split("/")[0].split(":")[0]
    if value.startswith("www."):
        value = value[4:]
    return value


def _is_business(candidate: ContactCandidate, profile: BusinessProfile | None) -> bool:
    if profile is None:
        return False
    if profile.name and normalise_name(candidate.name) == normalise_name(profile.name):
        return True
    own = {normalise_tax_number(n) for n in profile.tax_numbers if n}
    return bool(candidate.tax_number and normalise_tax_number(candidate.tax_number) in own)


def _preferred(candidates: list[ContactCandidate], sale: bool) -> list[ContactCandidate]:
    """Suppliers first on a cost, customers first on a sale (stable otherwise)."""
    return sorted(candidates, key=lambda c: 0 if (c.is_customer if sale else c.is_supplier) else 1)


def match_contact(extraction: Extraction, *, candidates: Sequence[ContactCandidate],
                  aliases: Mapping[str, Any] | None = None, profile: BusinessProfile | None = None) -> ContactMatch | None:
    sale = extraction.value("item_type") == "sale"
    pool = _preferred([c for c in candidates if not _is_business(c, profile)], sale)
    if not pool and not aliases:
        return None
    by_id = {c.id: c for c in pool}

    tax_number = normalise_tax_number(extraction.value("tax_number", "") or "")
    if len(tax_number) >= 6:
        for candidate in pool:
            if candidate.tax_number and normalise_tax_number(candidate.tax_number) == tax_number:
                return ContactMatch(candidate.id, "tax_number", 1.0)

    printed = extraction.value("supplier_name", "") or ""
    names = [printed, *[n for n in extraction.name_candidates if n != printed]]
    if aliases:
        for position, name in enumerate(names[:4]):
            key = normalise_name(name)
            if key and key in aliases:
                contact_id = aliases[key]
                if profile is None or contact_id in by_id or not candidates:
                    return ContactMatch(contact_id, "alias", 0.98 if position == 0 else 0.9)

    domains = {domain_of(extraction.value(key, "") or "") for key in ("email", "website")} - {""}
    domains -= FREE_MAIL_DOMAINS
    if domains:
        for candidate in pool:
            theirs = {domain_of(candidate.email), domain_of(candidate.website)} - {""} - FREE_MAIL_DOMAINS
            if theirs & domains:
                return ContactMatch(candidate.id, "email_domain", 0.95)

    return _match_name(names, pool, sale=sale)


def _match_name(names: list[str], pool: list[ContactCandidate], *, sale: bool = False) -> ContactMatch | None:
    """The contact whose name the printed name is closest to (rapidfuzz), and how sure that
    is: less when only a fragment matched (a single word such as "Restaurant" names no one),
    and less again when another contact in the same role scores nearly as well ("Teo Heng"
    and "Ted Heng")."""
    keys = [normalise_name(c.name) for c in pool]
    best: dict[Any, tuple[float, float, bool, ContactCandidate]] = {}
    for position, name in enumerate(names[:6]):
        printed = normalise_name(name)
        if len(printed) < 3:
            continue
        # Each further candidate line is a weaker guess than the one extraction chose.
        penalty = 0 if position == 0 else 3 + position
        for candidate, key in zip(pool, keys, strict=True):
            if not key:
                continue
            whole = max(fuzz.ratio(printed, key), fuzz.token_sort_ratio(printed, key))
            score, fragment = whole, False
            # A printed name that contains the whole contact name ("MR D.I.Y. (JOHOR)" vs "Mr DIY").
            if len(key) >= 5 and len(printed) >= 5:
                partial = fuzz.partial_ratio(printed, key) if min(len(printed), len(key)) / max(len(printed), len(key)) > 0.45 else 0
                if partial - 4 > score:
                    score = partial - 4
                    fragment = " " not in (printed if len(printed) <= len(key) else key)
            threshold = NAME_THRESHOLD_SHORT if min(len(key), len(printed)) < 8 else NAME_THRESHOLD
            score, whole = score - penalty, whole - penalty
            if score >= threshold and score > best.get(candidate.id, (0.0,))[0]:
                best[candidate.id] = (score, whole, fragment, candidate)
    if not best:
        return None
    ranked = sorted(best.values(), key=lambda entry: -entry[0])
    score, whole, fragment, candidate = ranked[0]
    confidence = min(score, 100) / 100 * 0.9
    if fragment:
        confidence *= 0.85
    role = candidate.is_customer if sale else candidate.is_supplier
    # A rival's whole name against a whole-name match; anything against a partial one.
    rivals = [other[1] if whole >= score else other[0] for other in ranked[1:]
              if (other[3].is_customer if sale else other[3].is_supplier) == role]
    if rivals and score - max(rivals) < 5:
        confidence *= 0.85
    return ContactMatch(candidate.id, "name", round(confidence, 3))
