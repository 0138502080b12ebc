from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


def _checkbox():
    return forms.CheckboxInput(attrs={"class": "form-check-input"})


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Send me email"),
        required=False,
        widget=_checkbox(),
        help_text=_("To the email address of your account, when it has one."),
    )
    sms_enabled = forms.BooleanField(
        label=_("Send me text messages (SMS)"),
        required=False,
        widget=_checkbox(),
        help_text=_("To your mobile number, when one is known."),
    )
    sms_quiet_hours = forms.BooleanField(
        label=_("No text messages at night"),
        required=False,
        widget=_checkbox(),
        help_text=_("Text messages due between 21:00 and 08:00 wait until 08:00."),
    )
    daily_digest = forms.BooleanField(
        label=_("One summary a day"),
        required=False,
        widget=_checkbox(),
        help_text=_(
            "Instead of one email or text message per notification, get one a day "
            "(at 18:00) listing them all. The inbox is always up to date."
        ),
    )

    @classmethod
    def initial_from(cls, pref: NotificationPreference) -> dict:
        return {name: getattr(pref, name) for name in cls.base_fields}


class ResidentPreferenceForm(PreferenceForm):
    """For a resident without a login: text messages only (no email address)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email_enabled"]
        self.fields["sms_enabled"].label = _("Send text messages (SMS)")
        self.fields["sms_enabled"].help_text = _(
            "To the mobile number recorded for the resident."
        )
        self.fields["daily_digest"].help_text = _(
            "Instead of one text message per notification, one a day (at 18:00)."
        )
