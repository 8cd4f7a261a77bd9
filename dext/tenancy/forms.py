from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm

from dext.tenancy.models import Role
from dext.tenancy.regions import COUNTRY_CHOICES, CURRENCY_CHOICES
from dext.tenancy.selectors import user_by_email


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    business_name = forms.CharField(max_length=200, label="Business name")
    country = forms.ChoiceField(choices=COUNTRY_CHOICES)
    base_currency = forms.ChoiceField(choices=CURRENCY_CHOICES, label="Base currency")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if user_by_email(email=email) is not None:
            raise forms.ValidationError("An account with this email address already exists. Log in instead.")
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            # Validate against the email too, so "jane@bakery.com" can't pick "janebakery".
            candidate = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.STANDARD)
    can_publish = forms.BooleanField(
        required=False,
        label="Can publish to Xero",
        help_text="Administrators can always publish.",
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    can_publish = forms.BooleanField(
        required=False,
        label="Can publish to Xero",
        help_text="Administrators can always publish.",
    )


class ForgottenPasswordForm(PasswordResetForm):
    """Django's reset form, but invited people who never set a password can use it too.

    Django's own form skips users with an unusable password; an invited member who
    lost the invitation email would otherwise have no way in.
    """

    def get_users(self, email):
        user = user_by_email(email=email)
        if user is not None and user.is_active:
            yield user
