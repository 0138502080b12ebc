"""The 6+X seat kinds and the seats residents hold."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Organization, Resident

from .charter import Council

DEFAULT_SEAT_KINDS = [
    ("residents_committee", _("Residents' committee representative"), False),
    ("resident_backbone", _("Resident backbone representative"), False),
    ("women", _("Women's representative"), False),
    ("social_org", _("Social organisation representative"), True),
    ("social_resource", _("Social resource representative"), True),
    ("social_worker", _("Social worker representative"), False),
]
DEFAULT_SEAT_KIND_NAMES = {code: name for code, name, _org in DEFAULT_SEAT_KINDS}


class SeatKind(models.Model):
    """One of the standing kinds of seat (代表类别); data, editable per council."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="seat_kinds",
        verbose_name=_("residents' council"),
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        blank=True,
        help_text=_("Set for the six default kinds; empty for kinds added later."),
    )
    name = models.CharField(
        _("name of the kind"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to use the standard name."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    seat_count = models.PositiveSmallIntegerField(_("number of seats"), default=1)
    represents_organization = models.BooleanField(
        _("seat represents an organisation"), default=False
    )

    class Meta:
        verbose_name = _("seat kind")
        verbose_name_plural = _("seat kinds")
        ordering = ["council", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "code"],
                condition=~Q(code=""),
                name="seatkind_unique_code_in_council",
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if not self.code and not self.name.strip():
            raise ValidationError({"name": _("Give the seat kind a name.")})

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(DEFAULT_SEAT_KIND_NAMES.get(self.code, self.code))


class SeatQuerySet(models.QuerySet):
    def current(self, on=None):
        """Seats held on the date `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(term_start__lte=on),
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
            Q(term_end__isnull=True) | Q(term_end__gte=on),
        )

    def former(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__lte=on) | Q(term_end__lt=on))


class Seat(models.Model):
    """A resident holding a seat kind for a term (代表席位), with an alternate."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("residents' council"),
    )
    kind = models.ForeignKey(
        SeatKind,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("seat kind"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("representative"),
    )
    alternate = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternate_seats",
        verbose_name=_("alternate"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("organisation represented"),
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["kind__position", "term_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="seat_term_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "ended_on"], name="seat_council_ended_idx"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.resident}"

    def clean(self):
        super().clean()
        if self.alternate_id and self.alternate_id == self.resident_id:
            raise ValidationError(
                {"alternate": _("The alternate must be someone else.")}
            )

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.term_start <= on
            and (self.ended_on is None or self.ended_on > on)
            and (self.term_end is None or self.term_end >= on)
        )


# How far ahead a seat's dates may lie (a term may start later and last years).
SEAT_HORIZON = timedelta(days=10 * 365)
