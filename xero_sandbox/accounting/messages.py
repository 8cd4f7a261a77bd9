"""Validation messages.

Wording marked XERO is Xero's own, as seen in Xero's responses quoted in public SDK
issues (see /work/shared/research/xero-api.md §4). Wording marked SANDBOX is this
sandbox's own: Xero's exact text is not publicly documented, so product code must
not match on it.
"""

# XERO
ACCOUNT_ARCHIVED = (
    "Account code '{code}' has been archived, or has been deleted. Each line item must reference a valid account."
)
# XERO
ACCOUNT_NOT_VALID_FOR_DOCUMENT = "Account code '{code}' is not a valid code for this document."
# XERO
TAX_TYPE_NOT_FOR_ACCOUNT = "The TaxType code '{tax_type}' cannot be used with account code '{code}'."
# XERO
TAX_RATE_NOT_VALID = "Tax rate must be valid."
# XERO (the date formatting inside it is the sandbox's)
PERIOD_LOCKED = "The document date cannot be before the period lock date, currently set at {date}"
# XERO (the date formatting inside it is the sandbox's)
END_OF_YEAR_LOCKED = "The document date cannot be before the end of year lock date, currently set at {date}"
# XERO
CURRENCY_NOT_SUBSCRIBED = "Organisation is not subscribed to currency {code}"
# XERO
INVOICE_NUMBER_NOT_UNIQUE = "Invoice # must be unique."
# XERO
NO_LINE_ITEMS = "One or more line items must be specified"
# XERO
CONTACT_REQUIRED = "A Contact must be specified for this type of transaction"
# XERO
DOCUMENT_NOT_FOUND = "The document with the supplied id was not found for this endpoint."
# XERO
PAYMENT_EXCEEDS_OUTSTANDING = "Payment amount exceeds the amount outstanding on this document"
# XERO (pyxero #43 https://github.com/freakboy3742/pyxero/issues/43): a payment's account that
# doesn't exist.
ACCOUNT_NOT_FOUND = "Account could not be found"
# XERO
NO_ACTIVE_TRACKING_CATEGORY = "There is no ACTIVE tracking category with the name '{name}'"

# SANDBOX
CONTACT_ARCHIVED = (
    "The contact with the specified contact details has been archived. The contact must be un-archived "
    "before creating new invoices or credit notes."
)
# SANDBOX
CONTACT_NOT_FOUND = "The contact with the specified ContactID does not exist."
# SANDBOX
TRACKING_OPTION_ARCHIVED = "The tracking option '{option}' has been archived."
# SANDBOX
TRACKING_OPTION_UNKNOWN = "The tracking option '{option}' does not exist for the tracking category '{name}'."
# SANDBOX
TOO_MANY_TRACKING = "A line item can have at most two tracking categories."
# SANDBOX
TAX_GREATER_THAN_LINE = "The tax amount cannot be greater than the line amount"
# SANDBOX
TOTAL_MISMATCH = "The document total {given} does not match the total of its line items, {computed}."
# SANDBOX
ACCOUNT_CODE_REQUIRED = "Each line item must reference an account when the document is not a draft."
# SANDBOX
TYPE_NOT_VALID = "'{value}' is not a valid Type for this endpoint."
# SANDBOX
STATUS_NOT_VALID = "'{value}' is not a valid Status for a new document; use DRAFT, SUBMITTED or AUTHORISED."
# XERO for invoices, for a status change Xero does not allow and for any edit of a VOIDED or
# DELETED document (Xero-NetStandard #79 https://github.com/XeroAPI/Xero-NetStandard/issues/79,
# xero-php-oauth2 #257); the credit-note and bank-transaction nouns are the sandbox's.
NOT_VALID_STATUS_FOR_MODIFICATION = "{noun} not of valid status for modification"
# XERO (Xero-Net #257 https://github.com/XeroAPI/Xero-Net/issues/257)
CREDIT_NOTE_NUMBER_NOT_UNIQUE = "Credit Note # must be unique."
# SANDBOX
LINE_AMOUNT_TYPES_NOT_VALID = "'{value}' is not a valid LineAmountTypes; use Exclusive, Inclusive or NoTax."
# SANDBOX
DATE_NOT_VALID = "'{value}' is not a valid date."
# SANDBOX
NUMBER_NOT_VALID = "'{value}' is not a valid number for {field}."
# SANDBOX
BANK_ACCOUNT_NOT_VALID = "The bank account must be an active account of type BANK."
# SANDBOX
PAYMENT_DOCUMENT_NOT_AUTHORISED = "Payments can only be made against AUTHORISED documents."
# SANDBOX
PAYMENT_ACCOUNT_NOT_VALID = (
    "Payments can only be made from a BANK account or an account with EnablePaymentsToAccount set."
)
# SANDBOX
PAYMENT_AMOUNT_NOT_POSITIVE = "The payment amount must be greater than zero."
# SANDBOX
PAYMENT_DOCUMENT_REQUIRED = "A payment must reference an Invoice or a CreditNote by id or number."

# XERO (as reported in Pinelab-studio/pinelab-vendure-plugins#505)
CONTACT_NAME_TAKEN = (
    "The contact name {name} is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)
# SANDBOX
CONTACT_NAME_REQUIRED = "The contact name must be specified."
# SANDBOX
CONTACT_NOT_FOUND = "The contact with the specified ContactID could not be found."
