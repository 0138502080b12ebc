from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .backends import one_time_code_expired
from .importing import FIELDS, MAX_FILE_BYTES
from .mobile import normalize_mobile, validate_phone
from .models import Organization, Resident
from .selectors import resident_by_name_or_mobile
from .services import ORGANIZATION_FIELDS, RESIDENT_FIELDS
from .stakeholders import StakeholderKind


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
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_year"] = _birth_year_field()
        self.fields["birth_date"].help_text = _(
            "If you know it; the year of birth then follows it."
        )
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
            "单元, 房号, 户号, 出生日期, 标签. You can say what other columns hold "
            "after uploading."
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


class ImportColumnsForm(forms.Form):
    """One choice per column whose title was not recognised: a field, or nothing."""

    def __init__(self, *args, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("do not import"))] + [
            (name, label) for name, (label, _spellings) in FIELDS.items()
        ]
        for column in columns:
            if column.get("auto", bool(column["field"])):
                continue
            self.fields[f"column_{column['index']}"] = forms.ChoiceField(
                label=column["header"],
                choices=choices,
                required=False,
                initial=column["field"],
            )

    def fields_by_column(self) -> dict[int, str]:
        return {
            int(name.removeprefix("column_")): value
            for name, value in self.cleaned_data.items()
        }


class ImportConfirmForm(forms.Form):
    """What staff confirm when they start an import; only what applies is asked."""

    accept_no_mobile_column = forms.BooleanField(
        label=_("Import without mobile numbers"),
        required=False,
    )
    include_possible_duplicates = forms.BooleanField(required=False)
    include_unreadable_text = forms.BooleanField(required=False)

    def __init__(self, *args, resident_import, **kwargs):
        super().__init__(*args, **kwargs)
        counts = {"possible_duplicate": 0, "unreadable_text": 0}
        if resident_import.is_open:
            for row in resident_import.rows:
                for kind in {w["kind"] for w in row.get("warnings") or []}:
                    if kind in counts:
                        counts[kind] += 1
        labels = {
            "include_possible_duplicates": (
                counts["possible_duplicate"],
                ngettext_lazy(
                    "Also import the %(count)s row that may be a duplicate",
                    "Also import the %(count)s rows that may be duplicates",
                    "count",
                ),
            ),
            "include_unreadable_text": (
                counts["unreadable_text"],
                ngettext_lazy(
                    "Also import the %(count)s row with a “?” in its text",
                    "Also import the %(count)s rows with a “?” in their text",
                    "count",
                ),
            ),
        }
        for name, (count, label) in labels.items():
            if count:
                self.fields[name].label = label % {"count": count}
            else:
                del self.fields[name]
        if not resident_import.lacks_mobile_column:
            del self.fields["accept_no_mobile_column"]
        else:
            self.fields["accept_no_mobile_column"].widget.attrs["required"] = True

    def confirmations(self) -> dict[str, bool]:
        return {
            name: self.cleaned_data.get(name, False)
            for name in (
                "accept_no_mobile_column",
                "include_possible_duplicates",
                "include_unreadable_text",
            )
        }


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


# -- picking people of a community --------------------------------------------------


class ResidentField(forms.CharField):
    """A resident of the community, typed as a full name or a mobile number."""

    def __init__(self, *, community=None, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "help_text", _("Type the resident's full name or mobile number.")
        )
        super().__init__(**kwargs)
        self.community = community

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return resident_by_name_or_mobile(community=self.community, text=value)


class CommunityForm(forms.Form):
    """A form about one community: its resident fields look up and its
    organisation choices list only that community's."""

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        for field in self.fields.values():
            if isinstance(field, ResidentField):
                field.community = community
            if isinstance(field, forms.ModelChoiceField) and (
                field.queryset.model is Organization
            ):
                field.queryset = Organization.objects.filter(
                    community=community
                ).order_by("name")


class StakeholderForm(CommunityForm):
    """Pick one stakeholder: a resident, an organisation or an outside party.

    Only the fields of the chosen kind are read (the others may hold what was
    typed before the choice changed); `stakeholder()` returns the four values the
    services take, the unchosen ones empty. Subclasses set the question asked
    and whether an outside party needs a phone number.
    """

    stakeholder_question = _("Who?")
    outside_phone_required = False

    stakeholder_kind = forms.ChoiceField(
        choices=StakeholderKind.choices,
        widget=forms.RadioSelect,
        initial=StakeholderKind.RESIDENT,
    )
    resident = forms.CharField(
        label=_("Resident: mobile number or full name"),
        max_length=100,
        required=False,
        help_text=_("e.g. 13800001234 or 王秀英"),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )
    outside_name = forms.CharField(
        label=_("Name of the outside party"), max_length=100, required=False
    )
    outside_phone = forms.CharField(
        label=_("Their phone (needed to invite them to the meeting)"),
        max_length=20,
        required=False,
        validators=[validate_phone],
    )

    def __init__(self, *args, by_mobile: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder_kind"].label = self.stakeholder_question
        # Without it the person sees masked numbers and addresses only, and a
        # number alone finds no one: it would tell them whose number it is.
        self.by_mobile = by_mobile
        if not by_mobile:
            self.fields["resident"].label = _("Resident: full name")
            self.fields["resident"].help_text = _(
                "e.g. 王秀英; when several share the name, add their mobile number: "
                "王秀英 13800001234"
            )

    def clean(self):
        data = super().clean()
        kind = data.get("stakeholder_kind")
        if kind == StakeholderKind.RESIDENT:
            try:
                data["resident"] = resident_by_name_or_mobile(
                    community=self.community,
                    text=data.get("resident", ""),
                    by_mobile=self.by_mobile,
                )
            except ValidationError as exc:
                self.add_error("resident", exc)
        elif kind == StakeholderKind.ORGANIZATION:
            if not data.get("organization"):
                self.add_error("organization", _("Choose the organisation."))
        elif kind == StakeholderKind.OUTSIDE:
            if not (data.get("outside_name") or "").strip():
                self.add_error(
                    "outside_name", _("Write the name of the outside party.")
                )
            if (
                self.outside_phone_required
                and not (data.get("outside_phone") or "").strip()
            ):
                self.add_error("outside_phone", _("Give a phone number to reach them."))
        return data

    def stakeholder(self) -> dict:
        """resident, organization, outside_name, outside_phone: the chosen kind's set."""
        kind = self.cleaned_data["stakeholder_kind"]
        outside = kind == StakeholderKind.OUTSIDE
        return {
            "resident": self.cleaned_data.get("resident")
            if kind == StakeholderKind.RESIDENT
            else None,
            "organization": self.cleaned_data.get("organization")
            if kind == StakeholderKind.ORGANIZATION
            else None,
            "outside_name": self.cleaned_data.get("outside_name", "")
            if outside
            else "",
            "outside_phone": self.cleaned_data.get("outside_phone", "")
            if outside
            else "",
        }
