"""Forms for topic pages: labels above fields, errors in the user's language."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedDateTimeField
from residents.forms import StakeholderForm

from .images import MAX_PHOTOS, prepare_photo
from .models import CommentKind, ConsultationPosition, TopicCategory


class MultiplePhotoInput(forms.ClearableFileInput):
    """A "Choose photos" button in the page's language with a preview of the chosen
    photos (topics/photo_picker.js); without JavaScript, the browser's own picker."""

    allow_multiple_selected = True
    template_name = "topics/widgets/photo_picker.html"


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


class ConsultationForm(StakeholderForm):
    stakeholder_question = _("Who did you consult?")

    consulted_at = BoundedDateTimeField(
        label=_("When"),
        ahead=timedelta(0),  # a consultation already took place
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "consulted_at",
                timezone.localtime()
                .replace(second=0, microsecond=0)
                .strftime("%Y-%m-%dT%H:%M"),
            )
