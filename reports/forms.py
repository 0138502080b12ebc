from django import forms
from django.utils.translation import gettext_lazy as _

from council.models import Meeting

from .models import PERSONAL_KINDS, ExportFormat, ExportKind

AVAILABLE_KINDS = [
    ExportKind.TOPICS,
    ExportKind.ATTENDANCE,
    ExportKind.OUTCOMES,
    ExportKind.ACTION_ITEMS,
    ExportKind.PLEDGES,
    ExportKind.BALLOTS,
    ExportKind.RESIDENTS,
]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to export"), widget=forms.RadioSelect)
    meeting = forms.ModelChoiceField(
        label=_("Meeting (for attendance)"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Choose a meeting"),
    )
    file_format = forms.ChoiceField(
        label=_("File"),
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        widget=forms.RadioSelect,
    )
    include_contact_details = forms.BooleanField(
        label=_("Include full mobile numbers and addresses"),
        required=False,
        help_text=_(
            "Only for residents. Otherwise they are masked, as on the pages. "
            "Every export of residents is recorded with who asked and when."
        ),
    )

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [
            kind
            for kind in AVAILABLE_KINDS
            if kind not in PERSONAL_KINDS
            or user.has_perm("reports.export_residents", community)
        ]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["kind"].initial = self.initial.get("kind", ExportKind.TOPICS)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            community=community
        ).order_by("-starts_at", "-pk")
        if not user.has_perm("reports.export_residents", community):
            del self.fields["include_contact_details"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ExportKind.ATTENDANCE and not data.get("meeting"):
            self.add_error(
                "meeting", _("Choose the meeting whose attendance to export.")
            )
        return data
