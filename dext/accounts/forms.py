from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        label="Code",
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class BusinessSecurityForm(forms.Form):
    require_two_factor = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for everyone in this business",
        help_text="Members without it are asked to set it up (an authenticator app) before they can use this business.",
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        label="Code",
        help_text="The 6-digit code your authenticator app shows for dext.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
