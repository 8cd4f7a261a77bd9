"""Form fields of the review screens: dates typed as the business writes them, and the
contact picker (a type-ahead instead of a list of every contact)."""

from datetime import date

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from dext.tenancy import formats
from lists.models import Contact


class BusinessDateInput(forms.TextInput):
    """A date typed the way the business writes it (04/05/2026 in the UK, 05/04/2026 in
    the US); shown back the same way."""

    def __init__(self, *, locale: str, attrs=None):
        self.locale = locale
        attrs = {"autocomplete": "off", "placeholder": formats.date_input_hint(locale), "size": 12, **(attrs or {})}
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, date):
            return formats.date_for_input(value, locale=self.locale)
        return super().format_value(value)


class BusinessDateField(forms.DateField):
    def __init__(self, *, locale: str, **kwargs):
        self.locale = locale
        kwargs.setdefault("widget", BusinessDateInput(locale=locale))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return formats.parse_date_input(str(value), locale=self.locale)
        except formats.DateNotUnderstood:
            hint = formats.date_input_hint(self.locale)
            example = formats.date_for_input(date(2026, 5, 4), locale=self.locale)
            raise forms.ValidationError(
                f"Enter the date as {hint}, for example {example} for 4 May 2026.", code="invalid"
            ) from None


def business_date_field(business, *, label: str, required: bool = False) -> BusinessDateField:
    return BusinessDateField(locale=formats.business_locale(business), label=label, required=required)


class ContactPicker(forms.Widget):
    """A type-ahead for the supplier or customer (ARIA combobox, ``static/items/picker.js``):
    the visible box searches the business's contacts on the server, the hidden input
    carries the chosen contact's id. ``role`` is "supplier", "customer" or "" (any)."""

    template_name = "items/widgets/contact_picker.html"

    def __init__(self, *, role: str = "", create: dict | None = None, attrs=None):
        super().__init__(attrs)
        self.role = role
        self.create = create or {}
        self.selected: Contact | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        contact = self.selected
        if value not in (None, "") and (contact is None or str(contact.pk) != str(value)):
            contact = Contact.objects.filter(pk=value).only("id", "name", "is_supplier", "is_customer").first()
        if value in (None, ""):
            contact = None
        search = reverse("items:contact_search")
        context["picker"] = {
            "contact": contact,
            "role": self.role,
            "search_url": f"{search}?for={self.role}" if self.role else search,
            "create": self.create,
        }
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (the form renderer's own engine doesn't see
        # templates/ at the project root).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308 - a template's own escaping


class ContactField(forms.ModelChoiceField):
    """The contact by id from the picker; only the business's own contacts are valid."""

    def __init__(self, *, queryset, role: str, label: str, create: dict | None = None, required: bool = False):
        super().__init__(queryset=queryset, required=required, label=label,
                         widget=ContactPicker(role=role, create=create))
