"""The words documents print beside their values, in English, French, German and Malay."""

import re

FREE_MAIL = {"gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "yahoo.com", "yahoo.co.uk",
             "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "orange.fr", "free.fr", "laposte.net",
             "btinternet.com", "bigpond.com", "protonmail.com", "proton.me", "msn.com", "mail.com", "ymail.com"}
MONTH_FIRST_COUNTRIES = {"US", "PH", "CA"}
# Currencies of countries that write the month first, and of those that write the day first.
MONTH_FIRST_CURRENCIES = {"USD", "PHP"}
DAY_FIRST_CURRENCIES = {"GBP", "EUR", "AUD", "NZD", "MYR", "SGD", "INR", "ZAR", "CHF"}


def words(*phrases: str) -> re.Pattern:
    return re.compile(r"(?<![a-z])(?:" + "|".join(phrases) + r")(?![a-z])", re.I)


# Labels, strongest first within each group.
TOTAL_STRONG = words(
    r"grand\s?total", r"amount\s+due", r"balance\s+due", r"total\s+due", r"amount\s+payable", r"total\s+payable",
    r"total\s+ttc", r"net\s+[àa]\s+payer", r"montant\s+ttc", r"gesamtbetrag", r"gesamtsumme", r"endbetrag",
    r"rechnungsbetrag", r"zu\s+zahlen", r"rounded\s+total", r"total\s+rounded", r"round(?:ed|ing)?\s*d?\s*total",
    r"nett?\s+total", r"total\s+incl\w*", r"total\s+sales\s*\(?incl\w*", r"total\s+amount", r"total\s+to\s+pay",
    r"jumlah", r"total\s*\(rm\)", r"total\s+inclusive", r"total\s+\(incl", r"amount\s+paid",
    r"t[o0]tal\s+amt\.?\s+payable", r"amt\.?\s+payable", r"total\s*with\s+(?:gst|vat|tax)",
)
TOTAL_PLAIN = words(r"t[o0a]ta[l1i]", r"totaal", r"summe", r"montant", r"amount")
NOT_TOTAL = words(
    r"sub\s?-?\s?total", r"total\s+qty", r"total\s+quantity", r"total\s+items?", r"total\s+disc\w*", r"total\s+gst",
    r"total\s+tax", r"total\s+vat", r"total\s+ht", r"total\s+excl\w*", r"total\s+sales\s*\(?excl\w*", r"excl\w*",
    r"total\s+tva", r"nettobetrag", r"change", r"tendered", r"rounding\s+adj\w*", r"round(?:ing)?\s+adj\w*",
    r"total\s+savings?", r"discount", r"qty", r"item\(?s\)?\s*:", r"before\s+tax", r"hors\s+taxe", r"taxable",
    r"points?", r"deposit", r"tip", r"%", r"t[o0a]ta[l1i]\s+includes?", r"t[o0a]ta[l1i]\s+q\w{1,3}", r"tot\s+qty",
    r"paid\s+amount", r"amount\s+tendered",
)
NET_LABELS = words(
    r"sub\s?-?\s?total", r"total\s+ht", r"montant\s+ht", r"total\s+excl\w*", r"net\s+amount", r"net\s+total",
    r"nettobetrag", r"netto", r"zwischensumme", r"total\s+sales\s*\(?excl\w*(?:\s+gst)?", r"amount\s+excl\w*",
    r"total\s+before\s+tax", r"net", r"excl\w*\s+(?:vat|gst|tax)",
)
TAX_LABELS = words(r"vat", r"gst", r"tva", r"mwst", r"ust", r"sales\s+tax", r"tax", r"iva", r"btw", r"sst",
                    r"service\s+tax", r"mehrwertsteuer", r"umsatzsteuer")
NOT_TAX = words(r"vat\s*(?:no|nr|number|reg\w*|id)", r"gst\s*(?:no|nr|reg\w*|id)", r"tax\s+invoice", r"tva\s+intra\w*",
                 r"n°\s*tva", r"ust-?id\w*", r"incl\w*\s+(?:vat|gst|tax)", r"tax\s+code", r"summary", r"abn",
                 r"excl\w*", r"total\s+sales", r"ust-?idnr", r"id\s*:", r"reg\.?\s*no")
# Charges added to the net before the tax ("SERVICE CHARGE 10% 29.50").
SERVICE_CHARGE = words(r"serv(?:ice|\.)?\s*charge", r"svc\s+charge", r"service\s+fee")
ROUNDING = words(r"round\w*\s*(?:adj\w*)?", r"pembundaran")
LEGAL_END = re.compile(r"(?i)\b(?:sdn\.?\s*bhd|bhd|ltd|limited|gmbh|inc|llc|plc|sarl|sas|pty)\.?\s*$")
CASH = words(r"cash", r"tunai", r"tendered", r"paid", r"payment", r"paid\s+amount", r"tender")
CHANGE = words(r"change", r"baki", r"kembali")

DATE_LABELS = words(r"invoice\s+date", r"date\s+of\s+issue", r"issue\s+date", r"tax\s+point", r"date", r"dated",
                     r"date\s+de\s+facture", r"rechnungsdatum", r"datum", r"tarikh", r"le")
DUE_LABELS = words(r"due\s+date", r"due", r"payment\s+due", r"pay\s+by", r"[ée]ch[ée]ance", r"f[äa]llig\w*",
                    r"zahlbar\s+bis", r"payable\s+by", r"date\s+limite")
NOT_DATE = words(r"period", r"delivery", r"order\s+date", r"ship\w*", r"expiry", r"exp", r"valid")
TERMS = re.compile(
    r"(?:(?:net|within|dans|sous|innerhalb|terms?|payment\s+terms?|conditions\s+de\s+paiement|zahlungsziel)\D{0,25}?)"
    r"(?P<days>\d{1,3})\s*(?:days?|jours?|tage?n?)", re.I)

PAYMENT_TERMS = re.compile(r"(?:net|terms?|payment\s+terms?|conditions\s+de\s+paiement|zahlungsziel)\b", re.I)

REFERENCE_LABELS = words(
    r"invoice\s+(?:number|no\.?|num\w*|#|nr)", r"inv\s*(?:no|#)\.?", r"invoice", r"credit\s+note\s+(?:number|no\.?|#)",
    r"n°\s*(?:de\s+)?(?:facture|d'avoir|avoir)", r"facture\s+n°", r"num[ée]ro\s+de\s+facture", r"rechnungs?-?\s*(?:nummer|nr\.?)",
    r"rechnung\s+nr\.?", r"gutschrifts?-?\s*(?:nummer|nr\.?)", r"receipt\s+(?:no|number|#)\.?", r"doc(?:ument)?\s*(?:no|#)\.?",
    r"bill\s+(?:no|#)\.?", r"cash\s+bill\s+(?:no)?\.?", r"ref(?:erence)?\s*(?:no)?\.?", r"no\.", r"trans\w*\s*(?:no|#)",
    r"slip\s+no", r"inv\s+no", r"cs\s+no", r"rechnung", r"facture", r"gutschrift", r"avoir", r"credit\s+note",
)
REFERENCE_VALUE = re.compile(r"(?<![\w-])(?P<value>[A-Z0-9#][A-Z0-9\-/_.#]{1,29})(?![\w-])", re.I)

TITLES = words(r"invoice", r"tax\s+invoice", r"receipt", r"credit\s+note", r"facture", r"avoir", r"rechnung",
                r"gutschrift", r"statement", r"bill", r"cash\s+bill", r"simplified\s+tax\s+invoice", r"official\s+receipt",
                r"sales\s+receipt", r"quittung", r"re[çc]u", r"ticket")
CREDIT_WORDS = words(r"credit\s+note", r"credit\s+memo", r"avoir", r"gutschrift", r"refund", r"nota\s+kredit")
RECEIPT_WORDS = words(r"receipt", r"cash\s+bill", r"simplified\s+tax\s+invoice", r"change", r"cashier", r"thank\s+you",
                       r"tendered", r"till", r"re[çc]u", r"quittung", r"kassenbon", r"bon", r"cash", r"visa", r"mastercard")
INVOICE_WORDS = words(r"invoice", r"facture", r"rechnung", r"due\s+date", r"bill\s+to", r"payment\s+terms", r"factur[ée]\s+[àa]",
                       r"rechnung\s+an", r"bank\s+transfer", r"iban", r"sort\s+code")
BILL_TO = words(r"bill\s+to", r"billed\s+to", r"invoice\s+to", r"sold\s+to", r"customer", r"client", r"factur[ée]\s+[àa]",
                 r"rechnung\s+an", r"deliver\s+to", r"ship\s+to", r"kunde")
CARD = re.compile(r"\b(?P<brand>VISA|MASTER\s?CARD|MASTER|MC|AMEX|AMERICAN\s+EXPRESS|MAESTRO|DEBIT|CREDIT\s+CARD|EFTPOS|"
                  r"CONTACTLESS|DINERS|JCB|UNIONPAY|DEBIT\s+CARD)\b(?:[^\d*X]{0,20}(?P<mask>[*X#]{2,}\s?\d{4}))?", re.I)
MASK = re.compile(r"[*X#]{4,}\s?(?P<last>\d{4})\b")
LEGAL_FORMS = words(r"ltd", r"limited", r"llc", r"inc", r"plc", r"pty", r"sdn\.?\s*bhd", r"bhd", r"gmbh", r"ag", r"b\.?v\.?",
                     r"s\.?a\.?s?", r"sarl", r"s\.?r\.?l\.?", r"co\.?", r"corp\w*", r"company", r"enterprise", r"trading",
                     r"kg", r"llp", r"restaurant", r"store", r"mart", r"shop", r"cafe", r"bakery", r"hardware", r"supplies",
                     r"stationery", r"pharmacy", r"services?", r"industries", r"holdings?", r"group")
NOT_NAME = words(r"tel", r"fax", r"phone", r"www", r"http", r"e-?mail", r"jalan", r"street", r"road", r"lane", r"avenue",
                  r"rue", r"straße", r"strasse", r"taman", r"no\.", r"lot", r"page", r"date", r"gst", r"vat", r"abn",
                  r"reg", r"invoice", r"receipt", r"total", r"cashier", r"tax", r"thank", r"bill\s+to", r"welcome",
                  r"cash", r"change", r"qty", r"price", r"amount", r"rm", r"subtotal", r"member", r"table")
SUMMARY = words(r"gst\s+summary", r"gst\s+analysis", r"tax\s+summary", r"vat\s+summary", r"vat\s+analysis",
                 r"tax\s+code", r"r[ée]capitulatif\s+tva")

