from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Mobile number or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The mobile number or username and the password do not match. "
            "Both are case-sensitive; ask your community staff if you forgot your password."
        ),
        "inactive": _("This account is inactive."),
    }
