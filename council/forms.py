"""Forms for council pages: parse and validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from residents.models import Organization

from .models import AttendanceStatus, Council, SeatKind
from .selectors import resident_lookup

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
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
        help_text=_("Beijing time"),
        **kwargs,
    )


class ResidentField(forms.CharField):
    """A resident of the community, typed as a name or a mobile number."""

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
        resident, error = resident_lookup(community=self.community, text=value)
        if error:
            raise forms.ValidationError(error)
        return resident


class CommunityFormMixin:
    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        for field in self.fields.values():
            if isinstance(field, ResidentField):
                field.community = community
            if isinstance(field, forms.ModelChoiceField) and (
                field.queryset.model is Organization
            ):
                field.queryset = Organization.objects.filter(community=community)


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
        ]
        widgets = {
            "quorum_rule": forms.RadioSelect,
            "passing_threshold": forms.RadioSelect,
        }


class SeatKindForm(forms.ModelForm):
    class Meta:
        model = SeatKind
        fields = ["name", "position", "seat_count"]


SeatKindFormSet = forms.modelformset_factory(SeatKind, form=SeatKindForm, extra=0)


class SeatAssignForm(CommunityFormMixin, forms.Form):
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
    term_start = forms.DateField(label=_("term starts"), widget=DateInput())
    term_end = forms.DateField(label=_("term ends"), widget=DateInput(), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = council.seat_kinds.order_by("position")
        self.fields["kind"].label_from_instance = lambda kind: kind.label


class SeatEndForm(forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DateInput())
    reason = forms.CharField(label=_("why it ended"), max_length=200, required=False)


class SeatReplaceForm(CommunityFormMixin, forms.Form):
    resident = ResidentField(label=_("new representative"))
    alternate = ResidentField(label=_("alternate"), required=False)
    organization = forms.ModelChoiceField(
        label=_("organisation represented"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the same organisation."),
    )
    on = forms.DateField(label=_("from"), widget=DateInput())
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


class InvitationForm(CommunityFormMixin, forms.Form):
    WHO = [
        ("resident", _("a resident")),
        ("organization", _("an organisation")),
        ("outside", _("an outside person")),
    ]
    who = forms.ChoiceField(label=_("who"), choices=WHO, widget=forms.RadioSelect)
    # Resolved in clean() only when a resident is chosen.
    resident = forms.CharField(
        label=_("resident"),
        max_length=100,
        required=False,
        help_text=_("Type the resident's full name or mobile number."),
    )
    organization = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organization.objects.none(), required=False
    )
    outside_name = forms.CharField(
        label=_("name (outside person)"), max_length=100, required=False
    )
    outside_phone = forms.CharField(
        label=_("phone (outside person)"), max_length=20, required=False
    )
    reason = forms.CharField(label=_("why they are affected"), max_length=300)

    def __init__(self, *args, by_mobile: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Without it the person sees masked numbers: a number alone finds no one.
        self.by_mobile = by_mobile
        if not by_mobile:
            self.fields["resident"].help_text = _(
                "Type the resident's full name; when several share it, add their "
                "mobile number after the name."
            )

    def clean(self):
        data = super().clean()
        who = data.get("who")
        required = {
            "resident": ["resident"],
            "organization": ["organization"],
            "outside": ["outside_name", "outside_phone"],
        }.get(who, [])
        for name in required:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        if who == "resident" and data.get("resident"):
            resident, error = resident_lookup(
                community=self.community,
                text=data["resident"],
                by_mobile=self.by_mobile,
            )
            if error:
                self.add_error("resident", error)
            data["resident"] = resident
        for name in ("resident", "organization", "outside_name", "outside_phone"):
            if name not in required:
                data[name] = None if name in ("resident", "organization") else ""
        return data


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=AttendanceStatus.choices)
    resident = forms.IntegerField(required=False)
    invitation = forms.IntegerField(required=False)


class ObserverForm(CommunityFormMixin, forms.Form):
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
