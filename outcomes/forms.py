"""Forms for outcome pages: labels above fields, errors in the user's language."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Organization, Role
from residents.selectors import resident_by_name_or_mobile
from topics.forms import MultiplePhotoField, MultiplePhotoInput
from topics.images import MAX_PHOTOS, prepare_photo

from .models import ActionStatus

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"


def _person_field(label, required=False):
    return forms.CharField(
        label=label,
        max_length=50,
        required=required,
        help_text=_("The resident's name, or their 11-digit mobile number."),
    )


def _resolve_person(form, field, community):
    text = form.cleaned_data.get(field, "")
    if not text:
        return None
    try:
        return resident_by_name_or_mobile(community=community, text=text)
    except ValidationError as error:
        form.add_error(field, error)
        return None


class OutcomeForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision, in words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    voting_round = forms.ModelChoiceField(
        label=_("Vote"),
        queryset=None,
        required=False,
        empty_label=_("The latest closed vote on this item (if any)"),
        help_text=_("Its result is shown as counted, never retyped."),
    )
    discussion = forms.CharField(
        label=_("Discussion notes (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    dissent = forms.CharField(
        label=_("Dissenting opinions (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    responsible_organization = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
    )
    responsible_person = _person_field(_("Or a responsible resident"))

    def __init__(self, *args, community, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["voting_round"].queryset = rounds
        self.fields["responsible_organization"].queryset = Organization.objects.filter(
            community=community
        ).order_by("kind", "name")

    def clean(self):
        data = super().clean()
        data["responsible_resident"] = _resolve_person(
            self, "responsible_person", self.community
        )
        return data


class ActionItemForm(forms.Form):
    OWNER_KINDS = [
        ("organization", _("An organisation")),
        ("staff", _("A staff member or social worker")),
        ("resident", _("A resident")),
    ]
    description = forms.CharField(label=_("What is to be done"), max_length=300)
    due_on = forms.DateField(label=_("Due date"), widget=DateInput)
    owner_kind = forms.ChoiceField(
        label=_("Owner"),
        choices=OWNER_KINDS,
        initial="organization",
        widget=forms.RadioSelect,
    )
    owner_organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False
    )
    owner_user = forms.ModelChoiceField(
        label=_("Staff member or social worker"), queryset=None, required=False
    )
    owner_person = _person_field(_("Resident"))

    def __init__(self, *args, community, **kwargs):
        kwargs.setdefault("auto_id", "action_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["owner_organization"].queryset = Organization.objects.filter(
            community=community
        ).order_by("kind", "name")
        self.fields["owner_user"].queryset = (
            User.objects.filter(
                memberships__community=community,
                memberships__role__in=[Role.STAFF, Role.SOCIAL_WORKER],
                is_active=True,
            )
            .distinct()
            .order_by("display_name", "pk")
        )

    def clean(self):
        data = super().clean()
        kind = data.get("owner_kind")
        owners = {
            "owner_resident": None,
            "owner_user": None,
            "owner_organization": None,
        }
        if kind == "organization":
            owners["owner_organization"] = data.get("owner_organization")
            if owners["owner_organization"] is None:
                self.add_error("owner_organization", _("Choose the organisation."))
        elif kind == "staff":
            owners["owner_user"] = data.get("owner_user")
            if owners["owner_user"] is None:
                self.add_error("owner_user", _("Choose who."))
        elif kind == "resident":
            owners["owner_resident"] = _resolve_person(
                self, "owner_person", self.community
            )
            if owners["owner_resident"] is None and "owner_person" not in self.errors:
                self.add_error("owner_person", _("Give the resident's name or mobile."))
        data.update(owners)
        return data


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("What has been done?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    status = forms.ChoiceField(
        label=_("Status now"),
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
    )
    blocked_reason = forms.CharField(
        label=_("If blocked: what blocks it?"), max_length=300, required=False
    )
    photos = MultiplePhotoField(
        label=_("Photos (optional, up to 3)"),
        required=False,
        help_text=_("JPG or PNG, at most 10 MB each."),
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/*"}),
    )

    def clean_photos(self):
        uploads = self.cleaned_data.get("photos") or []
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                _("Choose at most %(n)d photos."), params={"n": MAX_PHOTOS}
            )
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(prepare_photo(upload))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return prepared


class NeedForm(forms.Form):
    description = forms.CharField(
        label=_("What is needed"),
        max_length=200,
        help_text=_("e.g. children's books, money for shelves, Saturday volunteers"),
    )
    quantity = forms.IntegerField(label=_("How many"), min_value=1)
    unit = forms.CharField(
        label=_("Unit"), max_length=20, help_text=_("e.g. books, yuan, people")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "need_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)


class PledgeForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many will you give?"), min_value=1)
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=300,
        required=False,
        help_text=_("e.g. when you can bring them"),
    )


class OfflinePledgeForm(PledgeForm):
    PLEDGER_KINDS = [
        ("resident", _("A resident")),
        ("organization", _("An organisation")),
    ]
    pledger_kind = forms.ChoiceField(
        label=_("Who pledged"),
        choices=PLEDGER_KINDS,
        initial="resident",
        widget=forms.RadioSelect,
    )
    person = _person_field(_("Resident"))
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False
    )

    field_order = ["pledger_kind", "person", "organization", "quantity", "note"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["quantity"].label = _("How many")
        self.fields["organization"].queryset = Organization.objects.filter(
            community=community
        ).order_by("kind", "name")

    def clean(self):
        data = super().clean()
        data["resident"] = None
        if data.get("pledger_kind") == "organization":
            if data.get("organization") is None:
                self.add_error("organization", _("Choose the organisation."))
        else:
            data["organization"] = None
            data["resident"] = _resolve_person(self, "person", self.community)
            if data["resident"] is None and "person" not in self.errors:
                self.add_error("person", _("Give the resident's name or mobile."))
        return data


class ReceiveForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many arrived"), min_value=1)
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput, initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — so-so")),
            (2, _("2 — not satisfied")),
            (1, _("1 — very unsatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "rating_%s")
        super().__init__(*args, **kwargs)


class MinutesNotesForm(forms.Form):
    """One free-text note per agenda item (and a reason for a correction)."""

    def __init__(self, *args, items, notes, correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Notes on item %(n)s: %(title)s")
                % {"n": item.position, "title": item.title},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
                initial=notes.get(item.pk, ""),
            )
        if correction:
            self.fields["reason"] = forms.CharField(
                label=_("What is corrected, and why"), max_length=300
            )

    def notes(self) -> dict[int, str]:
        return {
            item.pk: self.cleaned_data.get(f"note_{item.pk}", "") for item in self.items
        }
