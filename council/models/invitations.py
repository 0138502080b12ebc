"""Stakeholders invited to an agenda item."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from residents.stakeholders import Stakeholder, exactly_one_stakeholder

from .agenda import AgendaItem
from .meetings import Meeting


class InvitationStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("invitation reply", "invited")
    ACCEPTED = "accepted", pgettext_lazy("invitation reply", "accepted")
    DECLINED = "declined", pgettext_lazy("invitation reply", "declined")


class Invitation(Stakeholder):
    """A stakeholder (利益相关方, the X of 6+X) invited to one agenda item."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("agenda item"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("meeting"),
    )
    reason = models.CharField(_("why they are affected"), max_length=300)
    status = models.CharField(
        _("reply"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    responded_at = models.DateTimeField(_("replied"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["agenda_item", "created_at", "pk"]
        constraints = [
            exactly_one_stakeholder(name="invitation_exactly_one_invitee"),
            models.UniqueConstraint(
                fields=["agenda_item", "resident"],
                condition=Q(resident__isnull=False),
                name="invitation_resident_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["agenda_item", "organization"],
                condition=Q(organization__isnull=False),
                name="invitation_org_once_per_item",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status"], name="invitation_meeting_idx"),
        ]

    def __str__(self):
        return f"{self.stakeholder_name} · {self.agenda_item}"
