from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .backends import one_time_code_expired
from .importing import MAX_FILE_BYTES
from .mobile import normalize_mobile
from .models import Organization, Resident
from .services import ORGANIZATION_FIELDS, RESIDENT_FIELDS


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
        "code_expired": _(
            "This one-time code has expired. Ask your community staff for a new one."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login" and one_time_code_expired(
                self.cleaned_data.get("username"), self.cleaned_data.get("password")
            ):
                raise forms.ValidationError(
                    self.error_messages["code_expired"], code="code_expired"
                ) from error
            raise


class _MobileField(forms.CharField):
    """A mobile number typed any usual way (spaces, dashes, +86); cleaned to 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Mobile number"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        return normalize_mobile(super().clean(value))


def _birth_year_field():
    return forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=timezone.localdate().year,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ResidentForm(forms.ModelForm):
    mobile = _MobileField()

    class Meta:
        model = Resident
        fields = RESIDENT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_year"] = _birth_year_field()
        if self.instance.pk:
            self.fields["birth_year"].initial = self.instance.birth_year


class ContactForm(forms.Form):
    mobile = _MobileField(
        help_text=_(
            "You can log in with it. A new number is saved once you enter the code "
            "we text to it."
        )
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Used only to reset your password if you forget it."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )


class TextedCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
    )


class OrganizationForm(forms.ModelForm):
    contact_mobile = _MobileField(label=_("Contact mobile"))

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of residents (.csv or .xlsx)"),
        help_text=_(
            "The first row holds the column titles, for example 姓名, 手机, 楼栋, "
            "单元, 房号, 户号, 出生年份, 标签."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".xlsx", ".xls")):
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file (this one is “%(name)s”)."),
                params={"name": upload.name},
                code="extension",
            )
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 10 MB. Split it into smaller files."),
                code="too_big",
            )
        return upload


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a resident by name, building or mobile number"),
        max_length=100,
        required=False,
    )


class _SavesChosenPassword:
    """Store the password through the service, which also clears the code flag."""

    def save(self, commit=True):
        from .services import user_password_set

        if not commit:
            self.user.set_password(self.cleaned_data["new_password1"])
            return self.user
        return user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class ChosenPasswordForm(_SavesChosenPassword, SetPasswordForm):
    """A new password without the old one: after a one-time code or an email link."""


class ChosenPasswordChangeForm(_SavesChosenPassword, PasswordChangeForm):
    """A new password for someone who knows the current one."""
