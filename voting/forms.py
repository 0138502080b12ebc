"""Forms for voting pages: parse and validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from council.models import PassingThreshold
from residents.selectors import resident_by_name_or_mobile

from .models import BallotKind, Electorate, RoundKind, RoundQuorum, VotingRound

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
        help_text=_("Beijing time"),
        **kwargs,
    )


class RoundForm(forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=None)
    question = forms.CharField(
        label=_("question"),
        max_length=300,
        help_text=_(
            "For example: Do you agree to turn the 4th floor into a children's centre?"
        ),
    )
    kind = forms.ChoiceField(
        label=_("kind of vote"),
        choices=RoundKind.choices,
        initial=RoundKind.APPROVAL,
        widget=forms.RadioSelect,
    )
    options = forms.CharField(
        label=_("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice among options: one option per line, 2 to 10."),
    )
    max_choices = forms.IntegerField(
        label=_("most options a voter may choose"),
        min_value=1,
        max_value=10,
        initial=2,
        required=False,
        help_text=_("Only for several choices among options."),
    )
    ballot = forms.ChoiceField(
        label=_("ballot"),
        choices=BallotKind.choices,
        initial=BallotKind.OPEN,
        widget=forms.RadioSelect,
    )
    electorate = forms.ChoiceField(
        label=_("who votes"), choices=Electorate.choices, widget=forms.RadioSelect
    )
    opens_at = _datetime_field(_("voting opens"), required=False)
    closes_at = _datetime_field(_("voting closes"))
    quorum_rule = forms.ChoiceField(label=_("quorum"), choices=RoundQuorum.choices)
    passing_threshold = forms.ChoiceField(
        label=_("passes with"), choices=PassingThreshold.choices
    )
    rules_note = forms.CharField(
        label=_("why the council rules are not followed"),
        max_length=300,
        required=False,
        help_text=_(
            "Needed only when the quorum, threshold or voters differ from the council rules."
        ),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by(
            "position", "pk"
        )
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.position}. {item.title}"
        )
        self.fields["opens_at"].help_text = _(
            "Beijing time. Leave empty to open when you press Open."
        )

    def clean_options(self):
        text = self.cleaned_data.get("options") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class OpenForm(forms.Form):
    closes_at = _datetime_field(_("voting closes"), required=False)


class BallotForm(forms.Form):
    """The options of one round: radio buttons, or check boxes for multiple choice."""

    def __init__(self, *args, voting_round: VotingRound, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.label) for o in voting_round.options.all()]
        if voting_round.kind == RoundKind.MULTIPLE:
            self.fields["choice"] = forms.TypedMultipleChoiceField(
                label=voting_round.question,
                choices=choices,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose up to %(n)d.") % {"n": voting_round.max_choices},
                error_messages={"required": _("Choose at least one option.")},
            )
        else:
            self.fields["choice"] = forms.TypedChoiceField(
                label=voting_round.question,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an option.")},
            )


class ProxyBallotForm(BallotForm):
    resident = forms.CharField(
        label=_("resident"),
        max_length=100,
        help_text=_("Type the resident's full name or mobile number."),
    )
    photo = forms.FileField(
        label=_("photo of the signed paper"),
        required=False,
        help_text=_(
            "The proxy authorisation (代投授权) the resident signed. Not needed if it is already on file."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*", "capture": "environment"}
        ),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    field_order = ["resident", "photo", "choice", "note"]

    def __init__(self, *args, voting_round: VotingRound, **kwargs):
        super().__init__(*args, voting_round=voting_round, **kwargs)
        self.community = voting_round.community
        self.order_fields(self.field_order)

    def clean_resident(self):
        return resident_by_name_or_mobile(
            community=self.community, text=self.cleaned_data["resident"]
        )
