"""The council, its charter rules, and the log of charter changes."""

import math

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Community


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("more than half of the seated representatives")
    TWO_THIRDS = "two_thirds", _("two thirds of the seated representatives")
    THREE_QUARTERS = "three_quarters", _("three quarters of the seated representatives")


class PassingThreshold(models.TextChoices):
    SIMPLE_MAJORITY = (
        "simple_majority",
        _("more than half of the ballots cast (abstentions not counted)"),
    )
    TWO_THIRDS = "two_thirds", _("two thirds of the ballots cast")


class Council(models.Model):
    """One per community, with its charter (议事规则)."""

    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        related_name="council",
        verbose_name=_("community"),
    )
    name = models.CharField(_("council name"), max_length=100, blank=True)
    collection_lead_days = models.PositiveSmallIntegerField(
        _("topic collection closes this many days before a meeting"),
        default=7,
        help_text=_("Residents submit topics until this many days before the meeting."),
    )
    quorum_rule = models.CharField(
        _("quorum"),
        max_length=20,
        choices=QuorumRule.choices,
        default=QuorumRule.TWO_THIRDS,
    )
    passing_threshold = models.CharField(
        _("a decision passes with"),
        max_length=20,
        choices=PassingThreshold.choices,
        default=PassingThreshold.SIMPLE_MAJORITY,
    )
    stakeholders_vote = models.BooleanField(
        _("stakeholders vote by default"), default=True
    )
    required_kind_coverage = models.PositiveSmallIntegerField(
        _("seat kinds that must be present to vote"),
        default=4,
        help_text=_("For example 4: at least four of the six kinds present."),
    )
    # What the community's public page shows to anyone, logged in or not. Never
    # anything personal: no names of residents, no phone numbers, no addresses.
    public_meetings = models.BooleanField(
        _("public page shows upcoming meetings"),
        default=True,
        help_text=_("Title, time and place of each scheduled meeting."),
    )
    public_agenda = models.BooleanField(
        _("public page shows published agendas"),
        default=True,
        help_text=_("The agenda items of a meeting once its agenda is published."),
    )
    public_decided_topics = models.BooleanField(
        _("public page shows decided topics"),
        default=True,
        help_text=_("The topics the council decided, with the decision."),
    )
    public_results = models.BooleanField(
        _("public page shows vote results and outcomes"),
        default=True,
        help_text=_("Vote results and outcomes with their follow-up, once recorded."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("residents' council")
        verbose_name_plural = _("residents' councils")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("council:council", kwargs={"community": self.community.slug})

    @property
    def display_name(self) -> str:
        return self.name or str(_("Residents' democratic consultation council"))

    def quorum_required(self, seated: int) -> int:
        """Return how many seats must be present for `seated` seats."""
        if seated <= 0:
            return 0
        if self.quorum_rule == QuorumRule.MAJORITY:
            return seated // 2 + 1
        if self.quorum_rule == QuorumRule.THREE_QUARTERS:
            return math.ceil(seated * 3 / 4)
        return math.ceil(seated * 2 / 3)


class CouncilChange(models.Model):
    """One change to a council's charter, seat kinds or seats: who, when, what."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("residents' council"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    summary = models.CharField(_("what changed"), max_length=300)
    changes = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("council change")
        verbose_name_plural = _("council changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return self.summary


# The six standing kinds (6 of 6+X). The first five are named by the source;
# the sixth defaults to social workers.
