"""Forms for topic pages: labels above fields, errors in the user's language."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Organization, Resident

from .images import MAX_PHOTOS, prepare_photo
from .models import CommentKind, ConsultationPosition, TopicCategory


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class TopicForm(forms.Form):
    """Submit or edit a topic. Photos are checked by content and re-encoded here."""

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("In a few words, e.g. “Fix the street light by Building 3”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("What is the problem, and what do you hope for?"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=TopicCategory.choices,
        initial=TopicCategory.OTHER,
        widget=forms.RadioSelect,
    )
    location = forms.CharField(
        label=_("Where in the community? (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. “Building 3, east gate”."),
    )
    photos = MultiplePhotoField(
        label=_("Photos (optional, up to 3)"),
        required=False,
        help_text=_("JPG or PNG, at most 10 MB each."),
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/*"}),
    )

    def __init__(self, *args, existing_photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_photos = list(existing_photos)
        if self.existing_photos:
            self.fields["remove_photos"] = forms.MultipleChoiceField(
                label=_("Remove photos"),
                required=False,
                choices=[
                    (str(p.pk), _("Photo %(n)s") % {"n": n})
                    for n, p in enumerate(self.existing_photos, start=1)
                ],
                widget=forms.CheckboxSelectMultiple,
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


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the resident by name, building or mobile number"),
        max_length=50,
        required=False,
    )

    def __init__(self, *args, by_mobile: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not by_mobile:
            self.fields["q"].label = _("Find the resident by name or building")


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Your comment is"),
        choices=CommentKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HideCommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide it? (shown in its place)"),
        max_length=300,
        widget=forms.TextInput,
    )


class ReportCommentForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it? (optional)"), max_length=300, required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing it? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsultationForm(forms.Form):
    STAKEHOLDER_KINDS = [
        ("resident", _("a resident")),
        ("organization", _("an organisation")),
        ("outside", _("an outside party (company, school, …)")),
    ]

    stakeholder_kind = forms.ChoiceField(
        label=_("Who did you consult?"),
        choices=STAKEHOLDER_KINDS,
        widget=forms.RadioSelect,
        initial="resident",
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
    )
    consulted_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    position = forms.ChoiceField(
        label=_("Their position"),
        choices=ConsultationPosition.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_direction = forms.CharField(
        label=_("Proposed direction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, community, by_mobile: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        # Without it the person sees masked numbers and addresses only, and a
        # number alone does not find anyone: it would tell them whose it is.
        self.by_mobile = by_mobile
        if not by_mobile:
            self.fields["resident"].label = _("Resident: full name")
            self.fields["resident"].help_text = _(
                "e.g. 王秀英; when several share the name, add their mobile number: "
                "王秀英 13800001234"
            )
        self.fields["organization"].queryset = Organization.objects.filter(
            community=community
        ).order_by("name")
        if not self.is_bound:
            self.initial.setdefault(
                "consulted_at",
                timezone.localtime()
                .replace(second=0, microsecond=0)
                .strftime("%Y-%m-%dT%H:%M"),
            )

    def clean(self):
        data = super().clean()
        kind = data.get("stakeholder_kind")
        if kind == "resident":
            found = self._find_resident((data.get("resident") or "").strip())
            if isinstance(found, Resident):
                data["resident"] = found
            else:
                self.add_error("resident", found)
        elif kind == "organization" and not data.get("organization"):
            self.add_error("organization", _("Choose the organisation."))
        elif kind == "outside" and not (data.get("outside_name") or "").strip():
            self.add_error("outside_name", _("Write the name of the outside party."))
        return data

    def _find_resident(self, text: str):
        """The one resident matching a mobile number or full name, or an error."""
        if not text:
            return _("Write the resident's mobile number or full name.")
        residents = Resident.objects.filter(community=self.community)
        digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
        name = "".join(ch for ch in text if not ch.isdigit()).strip(" +-")
        if len(digits) >= 11 and (self.by_mobile or name):
            residents = residents.filter(mobile=digits[-11:])
            if not self.by_mobile:
                residents = residents.filter(name=name)
            matches = list(residents[:2])
        elif len(digits) >= 11:
            return _(
                "Only community staff can find a resident by mobile number alone: "
                "write the full name as well."
            )
        else:
            matches = list(residents.filter(name=text).order_by("pk")[:6])
        if not matches:
            return _("No resident of this community matches “%(text)s”.") % {
                "text": text
            }
        if len(matches) > 1 and self.by_mobile:
            return _(
                "Several residents are called “%(text)s” (%(where)s): "
                "use the mobile number instead."
            ) % {
                "text": text,
                "where": "、".join(
                    m.address or m.masked_mobile or "?" for m in matches
                ),
            }
        if len(matches) > 1:
            return _(
                "Several residents are called “%(text)s” (%(where)s): "
                "add their mobile number after the name."
            ) % {
                "text": text,
                "where": "、".join(
                    " ".join(p for p in (m.masked_address, m.masked_mobile) if p) or "?"
                    for m in matches
                ),
            }
        return matches[0]

    def stakeholder(self) -> dict:
        kind = self.cleaned_data["stakeholder_kind"]
        return {
            "resident": self.cleaned_data.get("resident")
            if kind == "resident"
            else None,
            "organization": self.cleaned_data.get("organization")
            if kind == "organization"
            else None,
            "outside_name": self.cleaned_data.get("outside_name", "")
            if kind == "outside"
            else "",
            "outside_phone": self.cleaned_data.get("outside_phone", "")
            if kind == "outside"
            else "",
        }
