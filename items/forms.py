"""Forms for items. Choices come only from the business's active list rows; a row that
was archived in Xero but is already chosen stays selectable and is labelled so."""

from django import forms

from items.fields import ContactField, business_date_field
from items.models import (
    ARCHIVE_STATUSES,
    INBOX_STATUSES,
    KIND_LABELS,
    AutoPublish,
    ContactRule,
    Item,
    PublishDestination,
    TaxCalculation,
)
from items.selectors import SORTS, XERO_STATUS_FILTERS, ItemFilters, active_or_current
from items.services.items import EDITABLE_FIELDS
from items.services.rules import AUTO_PUBLISH_NEEDS_PERMISSION, RULE_FIELDS
from lists.models import Category, Contact, Currency, ListStatus, PaymentMethod, TaxRate, TrackingOption

ARCHIVED_SUFFIX = " (archived in Xero)"


class ListRowChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj}{ARCHIVED_SUFFIX}" if obj.is_archived else str(obj)


def _list_field(queryset, *, label: str, required: bool = False) -> ListRowChoiceField:
    return ListRowChoiceField(queryset=queryset, required=required, label=label, empty_label="—")


def _currency_choices(*, business, current: str) -> list[tuple[str, str]]:
    codes = list(
        Currency.objects.for_business(business).filter(status=ListStatus.ACTIVE).values_list("xero_id", flat=True)
    )
    codes = sorted({business.base_currency, *codes, *([current] if current else [])})
    return [("", "—")] + [(code, code) for code in codes]


class ListChoicesMixin:
    """Point every list field at the business's active rows plus the current values."""

    list_models = {
        "contact": (Contact, "Supplier or customer"),
        "category": (Category, "Category"),
        "tax_rate": (TaxRate, "Tax rate"),
        "payment_method": (PaymentMethod, "Payment method"),
        "tracking_option_1": (TrackingOption, "Tracking option 1"),
        "tracking_option_2": (TrackingOption, "Tracking option 2"),
    }

    contact_role = ""
    contact_label = "Supplier or customer"

    def setup_list_fields(self, *, business, instance=None, initial=None) -> None:
        for name, (model, label) in self.list_models.items():
            if name not in self.fields:
                continue
            current = getattr(instance, f"{name}_id", None) if instance is not None else (initial or {}).get(name)
            queryset = model.objects.all()
            if model is TrackingOption:
                queryset = queryset.select_related("category")
            if model is Contact:
                # Any of the business's contacts, chosen with the picker (a list of
                # thousands is not a drop-down); the archived one already chosen stays valid.
                self.fields[name] = ContactField(
                    queryset=active_or_current(queryset, business=business, current_ids=[current]),
                    role=self.contact_role, label=self.contact_label, required=self.fields[name].required,
                    create=getattr(self, "contact_create", None),
                )
                continue
            self.fields[name] = _list_field(
                active_or_current(queryset, business=business, current_ids=[current]),
                label=label,
                required=self.fields[name].required,
            )


# Item details groups its fields as a document reads: who it is from or to, when, the
# amounts, then the choices of how it goes to Xero.
FIELD_GROUPS = (
    ("who", "Who", ("item_type", "document_type", "contact")),
    ("when", "When", ("date", "due_date", "reference")),
    ("amounts", "Amounts", ("currency_code", "exchange_rate", "net", "tax_amount", "total")),
    ("publish", "How to publish", (
        "category", "tax_rate", "publish_destination", "paid", "payment_method",
        "tracking_option_1", "tracking_option_2", "description",
    )),
)


class ItemForm(ListChoicesMixin, forms.ModelForm):
    class Meta:
        model = Item
        fields = EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, business, contact_create: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_role = self.instance.contact_role
        self.contact_label = self.contact_role.capitalize()
        self.contact_create = contact_create
        self.setup_list_fields(business=business, instance=self.instance)
        self.fields["contact"].widget.selected = self.instance.contact if self.instance.contact_id else None
        self.fields["date"] = business_date_field(business, label="Date")
        self.fields["due_date"] = business_date_field(business, label="Due date")
        if not self.instance.is_editable:
            # Being read, published or archived: shown as it is, nothing to type into (a
            # page polling while the document is read would replace what was typed).
            for field in self.fields.values():
                field.disabled = True
        self.fields["currency_code"] = forms.ChoiceField(
            label="Currency",
            required=False,
            choices=_currency_choices(business=business, current=self.instance.currency_code),
        )
        self.fields["publish_destination"].required = False
        self.fields["exchange_rate"].help_text = f"Only for currencies other than {business.base_currency}."

    def groups(self):
        """(id, heading, bound fields) for each group of Item details."""
        return [(key, heading, [self[name] for name in names if name in self.fields])
                for key, heading, names in FIELD_GROUPS]

    def clean(self):
        cleaned = super().clean()
        # Two of the three amounts are enough: the third follows.
        total, tax, net = cleaned.get("total"), cleaned.get("tax_amount"), cleaned.get("net")
        if total is not None and tax is not None and net is None and "net" not in self.errors:
            cleaned["net"] = total - tax
        elif total is not None and net is not None and tax is None and "tax_amount" not in self.errors:
            cleaned["tax_amount"] = total - net
        elif net is not None and tax is not None and total is None and "total" not in self.errors:
            cleaned["total"] = net + tax
        return cleaned


class LineForm(ListChoicesMixin, forms.Form):
    description = forms.CharField(required=False, max_length=4000)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False)
    tax_rate = forms.ModelChoiceField(queryset=TaxRate.objects.none(), required=False)
    tracking_option_1 = forms.ModelChoiceField(queryset=TrackingOption.objects.none(), required=False)
    tracking_option_2 = forms.ModelChoiceField(queryset=TrackingOption.objects.none(), required=False)
    net = forms.DecimalField(max_digits=14, decimal_places=2)
    tax_amount = forms.DecimalField(max_digits=14, decimal_places=2)
    total = forms.DecimalField(max_digits=14, decimal_places=2)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        initial = {key: getattr(value, "pk", value) for key, value in (self.initial or {}).items()}
        self.setup_list_fields(business=business, initial=initial)


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        """The kept lines in order; untouched blank extra forms have no cleaned data."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=1, can_delete=True, max_num=100)


def line_formset(*, business, data=None, lines=()) -> BaseLineFormSet:
    initial = [
        {
            "description": line.description,
            "category": line.category_id,
            "tax_rate": line.tax_rate_id,
            "tracking_option_1": line.tracking_option_1_id,
            "tracking_option_2": line.tracking_option_2_id,
            "net": line.net,
            "tax_amount": line.tax_amount,
            "total": line.total,
        }
        for line in lines
    ]
    return LineFormSet(data, initial=initial, prefix="lines", form_kwargs={"business": business})


# The Type filter: each kind of item by the name a bookkeeper uses.
KIND_FILTERS = {
    "bill": ("cost", "invoice"),
    "receipt": ("cost", "receipt"),
    "credit_note": ("cost", "credit_note"),
    "sales_invoice": ("sale", "invoice"),
    "sales_receipt": ("sale", "receipt"),
    "sales_credit_note": ("sale", "credit_note"),
}


class ItemFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="State", required=False)
    contact = forms.ModelChoiceField(label="Supplier or customer", queryset=Contact.objects.none(), required=False)
    date_from = forms.DateField(label="Date from", required=False)
    date_to = forms.DateField(label="Date to", required=False)
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any")] + [(key, KIND_LABELS[value]) for key, value in KIND_FILTERS.items()],
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("-date", "Date (latest)"),
            ("date", "Date (earliest)"),
            ("-total", "Total (highest)"),
            ("total", "Total (lowest)"),
            ("contact", "Supplier or customer"),
        ],
    )

    xero_status = forms.ChoiceField(
        label="In Xero", required=False,
        choices=[("", "Any")] + [(key, label) for key, (label, _) in XERO_STATUS_FILTERS.items()],
    )

    def __init__(self, *args, business, archive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not archive:
            # Only published items have a document in Xero: the Archive's filter.
            del self.fields["xero_status"]
        statuses = ARCHIVE_STATUSES if archive else INBOX_STATUSES
        self.fields["status"].choices = [("", "Any")] + [(s.value, s.label) for s in statuses]
        self.fields["contact"] = ContactField(
            queryset=Contact.objects.for_business(business), role="", label="Supplier or customer"
        )
        self.fields["date_from"] = business_date_field(business, label="Date from")
        self.fields["date_to"] = business_date_field(business, label="Date to")

    def clean_sort(self):
        return self.cleaned_data["sort"] if self.cleaned_data["sort"] in SORTS else "newest"

    def filters(self) -> ItemFilters:
        """The valid filters (none when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return ItemFilters()
        data = self.cleaned_data
        item_type, document_type = KIND_FILTERS.get(data["kind"], ("", ""))
        return ItemFilters(
            q=data["q"].strip(),
            status=data["status"],
            contact_id=data["contact"].pk if data["contact"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            document_type=document_type,
            item_type=item_type,
            sort=data["sort"] or "newest",
            xero_status=data.get("xero_status") or "",
        )

    @property
    def has_filters(self) -> bool:
        """Any filter other than the state (the tabs show that one)."""
        return self.is_bound and any(
            self.data.get(name) for name in ("q", "contact", "date_from", "date_to", "kind", "xero_status")
            if name in self.fields
        )


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("", "Choose an action…"),
        ("set_category", "Set category"),
        ("set_tax_rate", "Set tax rate"),
        ("set_payment_method", "Set payment method"),
        ("set_tracking", "Set tracking option"),
        ("archive", "Archive"),
        ("unarchive", "Move back to Inbox"),
        ("delete", "Delete"),
        ("publish", "Publish"),
    ]
    VALUE_FIELDS = {
        "set_category": "category",
        "set_tax_rate": "tax_rate",
        "set_payment_method": "payment_method",
        "set_tracking": "tracking_option",
    }

    action = forms.ChoiceField(label="Bulk action", choices=ACTIONS)
    items = forms.ModelMultipleChoiceField(queryset=Item.objects.none(), label="Items")
    category = forms.ModelChoiceField(label="Category", queryset=Category.objects.none(), required=False)
    tax_rate = forms.ModelChoiceField(label="Tax rate", queryset=TaxRate.objects.none(), required=False)
    payment_method = forms.ModelChoiceField(label="Payment method", queryset=PaymentMethod.objects.none(), required=False)
    tracking_option = forms.ModelChoiceField(label="Tracking option", queryset=TrackingOption.objects.none(), required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.for_business(business)
        active = {"business": business, "status": ListStatus.ACTIVE}
        self.fields["category"].queryset = Category.objects.filter(**active)
        self.fields["tax_rate"].queryset = TaxRate.objects.filter(**active)
        self.fields["payment_method"].queryset = PaymentMethod.objects.filter(**active)
        self.fields["tracking_option"].queryset = TrackingOption.objects.filter(**active).select_related("category")

    def clean(self):
        cleaned = super().clean()
        value_field = self.VALUE_FIELDS.get(cleaned.get("action", ""))
        if value_field and not cleaned.get(value_field):
            self.add_error(value_field, "Choose the value to set.")
        cleaned["value"] = cleaned.get(value_field) if value_field else None
        return cleaned


class ContactRuleForm(ListChoicesMixin, forms.ModelForm):
    paid = forms.NullBooleanField(label="Paid status", required=False, widget=forms.NullBooleanSelect)

    class Meta:
        model = ContactRule
        fields = RULE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, business, may_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_publish = may_publish
        self.setup_list_fields(business=business, instance=self.instance)
        self.fields["currency_code"] = forms.ChoiceField(
            label="Currency",
            required=False,
            choices=_currency_choices(business=business, current=self.instance.currency_code),
        )
        if not may_publish:
            self.fields["auto_publish"].help_text = (
                "Publishing automatically needs the administrator role or the “can publish” permission."
            )
        self.fields["publish_destination"].choices = [("", "—")] + PublishDestination.choices
        # NullBooleanSelect maps True/False/None to these values; only the wording changes.
        self.fields["paid"].widget.choices = [("unknown", "Leave as it is"), ("true", "Paid"), ("false", "Not paid")]

    def clean_auto_publish(self):
        value = self.cleaned_data["auto_publish"]
        if value == AutoPublish.ALWAYS and not self.may_publish:
            raise forms.ValidationError(AUTO_PUBLISH_NEEDS_PERMISSION)
        return value


class ItemSettingsForm(ListChoicesMixin, forms.Form):
    tax_calculation = forms.ChoiceField(
        label="Who calculates tax", choices=TaxCalculation.choices, widget=forms.RadioSelect
    )
    default_category = forms.ModelChoiceField(label="Default category", queryset=Category.objects.none(), required=False)
    default_tax_rate = forms.ModelChoiceField(label="Default tax rate", queryset=TaxRate.objects.none(), required=False)

    list_models = {"default_category": (Category, "Default category"), "default_tax_rate": (TaxRate, "Default tax rate")}

    def __init__(self, *args, business, instance, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "tax_calculation": instance.tax_calculation,
                "default_category": instance.default_category_id,
                "default_tax_rate": instance.default_tax_rate_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.setup_list_fields(business=business, initial=self.initial)
