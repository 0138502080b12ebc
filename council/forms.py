"""Forms for council pages: parse and validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDateField, BoundedDateTimeField
from residents.forms import CommunityForm, ResidentField, StakeholderForm
from residents.models import Organization

from .models import MEETING_HORIZON, SEAT_HORIZON, AttendanceStatus, Council, SeatKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _datetime_field(label, **kwargs):
    return BoundedDateTimeField(
        label=label,
        ahead=MEETING_HORIZON,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
        help_text=_("Beijing time"),
        **kwargs,
    )


def _date_field(label, **kwargs):
    return BoundedDateField(
        label=label, ahead=SEAT_HORIZON, widget=DateInput(), **kwargs
    )


class CharterForm(forms.ModelForm):
    class Meta:
        model = Council
        fields = [
            "name",
            "collection_lead_days",
            "quorum_rule",
            "passing_threshold",
            "stakeholders_vote",
            "required_kind_coverage",
            "public_meetings",
            "public_agenda",
            "public_decided_topics",
            "public_results",
        ]
        widgets = {
            "quorum_rule": forms.RadioSelect,
            "passing_threshold": forms.RadioSelect,
        }


class SeatKindForm(forms.ModelForm):
    class Meta:
        model = SeatKind
        fields = ["name", "position", "seat_count"]


class BaseSeatKindFormSet(forms.BaseModelFormSet):
    """Edits the council's own kinds only: an id from elsewhere is a form error."""

    def clean(self):
        super().clean()
        if any(form.instance.pk is None for form in self.forms):
            raise forms.ValidationError(
                _(
                    "Only this council's seat kinds can be changed here. Reload "
                    "the page and try again."
                ),
                code="foreign_kind",
            )


SeatKindFormSet = forms.modelformset_factory(
    SeatKind, form=SeatKindForm, formset=BaseSeatKindFormSet, extra=0, edit_only=True
)


class SeatAssignForm(CommunityForm):
    kind = forms.ModelChoiceField(
        label=_("seat kind"), queryset=SeatKind.objects.none()
    )
    resident = ResidentField(label=_("representative"))
    alternate = ResidentField(label=_("alternate"), required=False)
    organization = forms.ModelChoiceField(
        label=_("organisation represented"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Only for seats that represent an organisation."),
    )
    term_start = _date_field(_("term starts"))
    term_end = _date_field(_("term ends"), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = council.seat_kinds.order_by("position")
        self.fields["kind"].label_from_instance = lambda kind: kind.label


class SeatEndForm(forms.Form):
    ended_on = _date_field(_("ended on"))
    reason = forms.CharField(label=_("why it ended"), max_length=200, required=False)


class SeatReplaceForm(CommunityForm):
    resident = ResidentField(label=_("new representative"))
    alternate = ResidentField(label=_("alternate"), required=False)
    organization = forms.ModelChoiceField(
        label=_("organisation represented"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the same organisation."),
    )
    on = _date_field(_("from"))
    reason = forms.CharField(label=_("why"), max_length=200, required=False)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    starts_at = _datetime_field(_("starts"))
    ends_at = _datetime_field(_("ends"))
    place = forms.CharField(
        label=_("address"),
        max_length=200,
        required=False,
        help_text=_("For example: 汀塘村委会"),
    )
    room = forms.CharField(label=_("meeting room"), max_length=100, required=False)
    online_link = forms.URLField(
        label=_("online meeting link"), required=False, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    confirm_short_window = forms.BooleanField(
        label=_("I confirm a short topic collection period"),
        required=False,
        help_text=_(
            "Only if the meeting is sooner than the collection lead time allows."
        ),
    )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if not (data.get("place") or data.get("online_link")) and not (
            self.errors.get("online_link")
        ):
            self.add_error(
                "place", _("Give an address, an online meeting link, or both.")
            )
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("reason (sent to everyone invited)"), max_length=300, required=False
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class InvitationForm(StakeholderForm):
    stakeholder_question = _("who")
    outside_phone_required = True

    reason = forms.CharField(label=_("why they are affected"), max_length=300)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=AttendanceStatus.choices)
    resident = forms.IntegerField(required=False)
    invitation = forms.IntegerField(required=False)


class ObserverForm(CommunityForm):
    resident = ResidentField(label=_("resident"), required=False)
    name = forms.CharField(label=_("or a name"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("attendance"),
        choices=AttendanceStatus.choices,
        initial=AttendanceStatus.IN_PERSON,
    )

    def clean(self):
        data = super().clean()
        if not data.get("resident") and not data.get("name") and not self.errors:
            raise forms.ValidationError(_("Give a resident or a name."))
        return data
