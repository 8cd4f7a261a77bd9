"""Countries and currencies offered at sign-up.

Xero organisations in these countries are the common case; the model accepts any
ISO code, so support staff can set another one in the admin.
"""

COUNTRY_CHOICES = [
    ("GB", "United Kingdom"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("IE", "Ireland"),
    ("US", "United States"),
    ("CA", "Canada"),
    ("ZA", "South Africa"),
    ("SG", "Singapore"),
    ("HK", "Hong Kong"),
    ("MY", "Malaysia"),
]

CURRENCY_CHOICES = [
    ("GBP", "GBP - Pound sterling"),
    ("AUD", "AUD - Australian dollar"),
    ("NZD", "NZD - New Zealand dollar"),
    ("EUR", "EUR - Euro"),
    ("USD", "USD - US dollar"),
    ("CAD", "CAD - Canadian dollar"),
    ("ZAR", "ZAR - South African rand"),
    ("SGD", "SGD - Singapore dollar"),
    ("HKD", "HKD - Hong Kong dollar"),
    ("MYR", "MYR - Malaysian ringgit"),
]

# The currency a business in each country most likely keeps its books in.
DEFAULT_CURRENCY_FOR_COUNTRY = {
    "GB": "GBP",
    "AU": "AUD",
    "NZ": "NZD",
    "IE": "EUR",
    "US": "USD",
    "CA": "CAD",
    "ZA": "ZAR",
    "SG": "SGD",
    "HK": "HKD",
    "MY": "MYR",
}
