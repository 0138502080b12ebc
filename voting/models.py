"""Voting rounds (表决) on agenda items: options, electorate, ballots, results, proxies.

Who voted and what was chosen are kept apart in secret rounds:

- `BallotReceipt` says who voted (one per voter per round, a unique constraint).
  In open rounds (记名) it also carries the choice and the receipt code, because
  who voted what is published after the close.
- `Ballot` holds what was chosen in a secret round (无记名): a random id, the
  round, the options and the receipt code. No voter, no time, no sequence: nothing
  links it to a receipt. Closing the round rewrites these rows in random order, so
  neither their physical order nor their row versions follow the order of voting.
"""

import math
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from council.models import AgendaItem, Meeting, PassingThreshold, Seat
from residents.models import Community, Resident


class RoundKind(models.TextChoices):
    APPROVAL = "approval", _("for, against or abstain")
    SINGLE = "single", _("one choice among options")
    MULTIPLE = "multiple", _("several choices among options")


class BallotKind(models.TextChoices):
    OPEN = "open", _("open ballot: who voted what is shown after the close")
    SECRET = "secret", _("secret ballot")


class Electorate(models.TextChoices):
    REPRESENTATIVES = "representatives", _("the seated representatives")
    WITH_STAKEHOLDERS = (
        "with_stakeholders",
        _("the representatives and the item's stakeholders"),
    )
    RESIDENTS = "residents", _("every resident of the community")


COUNCIL_ELECTORATES = (Electorate.REPRESENTATIVES, Electorate.WITH_STAKEHOLDERS)


class RoundQuorum(models.TextChoices):
    """The same rules as the council's quorum, applied to the round's electorate."""

    MAJORITY = "majority", _("more than half of the voters take part")
    TWO_THIRDS = "two_thirds", _("two thirds of the voters take part")
    THREE_QUARTERS = "three_quarters", _("three quarters of the voters take part")
    NONE = "none", _("no quorum")


def quorum_required(rule: str, electorate_size: int) -> int:
    """Return how many ballots make the quorum of a round of `electorate_size`."""
    if rule == RoundQuorum.NONE or electorate_size <= 0:
        return 0
    if rule == RoundQuorum.MAJORITY:
        return electorate_size // 2 + 1
    if rule == RoundQuorum.THREE_QUARTERS:
        return math.ceil(electorate_size * 3 / 4)
    return math.ceil(electorate_size * 2 / 3)


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("vote status", "draft")
    OPEN = "open", pgettext_lazy("vote status", "open")
    CLOSED = "closed", pgettext_lazy("vote status", "closed")


class VotingRoundQuerySet(models.QuerySet):
    def due_to_close(self, moment):
        return self.filter(status=RoundStatus.OPEN, closes_at__lte=moment)


class VotingRound(models.Model):
    """One vote on an agenda item (表决)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="voting_rounds",
        verbose_name=_("community"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="voting_rounds",
        verbose_name=_("meeting"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="voting_rounds",
        verbose_name=_("agenda item"),
    )
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind of vote"),
        max_length=20,
        choices=RoundKind.choices,
        default=RoundKind.APPROVAL,
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most options a voter may choose"), default=1
    )
    ballot = models.CharField(
        _("ballot"), max_length=10, choices=BallotKind.choices, default=BallotKind.OPEN
    )
    electorate = models.CharField(
        _("who votes"),
        max_length=20,
        choices=Electorate.choices,
        default=Electorate.REPRESENTATIVES,
    )
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"))
    quorum_rule = models.CharField(
        _("quorum"), max_length=20, choices=RoundQuorum.choices
    )
    passing_threshold = models.CharField(
        _("passes with"), max_length=20, choices=PassingThreshold.choices
    )
    rules_note = models.CharField(
        _("why the council rules are not followed"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
    )
    electorate_size = models.PositiveIntegerField(_("voters"), default=0)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    announced_at = models.DateTimeField(_("voters told"), null=True, blank=True)
    reminder_at = models.DateTimeField(_("reminder due"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    result_notified_at = models.DateTimeField(_("result sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VotingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(max_choices__lte=10),
                name="round_max_choices_1_to_10",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "closes_at"], name="round_status_closes_idx"
            ),
            models.Index(fields=["meeting", "status"], name="round_meeting_idx"),
            models.Index(
                fields=["community", "-created_at"], name="round_comm_created_idx"
            ),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse(
            "voting:round", kwargs={"community": self.community.slug, "pk": self.pk}
        )

    def get_result_url(self):
        return reverse(
            "voting:result", kwargs={"community": self.community.slug, "pk": self.pk}
        )

    @property
    def is_secret(self) -> bool:
        return self.ballot == BallotKind.SECRET

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED

    @property
    def is_council_vote(self) -> bool:
        return self.electorate in COUNCIL_ELECTORATES

    @property
    def choices_allowed(self) -> int:
        return self.max_choices if self.kind == RoundKind.MULTIPLE else 1

    def accepts_ballots_at(self, moment) -> bool:
        return (
            self.status == RoundStatus.OPEN
            and self.opens_at is not None
            and self.opens_at <= moment < self.closes_at
        )


class OptionCode(models.TextChoices):
    """The three standard options of an approval vote; choice options have none."""

    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")


class Option(models.Model):
    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="options",
        verbose_name=_("vote"),
    )
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(max_length=10, choices=OptionCode.choices, blank=True)
    text = models.CharField(_("option"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["voting_round_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["voting_round", "position"], name="option_position_once"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.code:
            return str(OptionCode(self.code).label)
        return self.text

    @property
    def is_abstention(self) -> bool:
        return self.code == OptionCode.ABSTAIN


class ElectorRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("representative")
    ALTERNATE = "alternate", _("alternate standing in")
    STAKEHOLDER = "stakeholder", _("stakeholder")
    RESIDENT = "resident", _("resident")


class Elector(models.Model):
    """One person entitled to vote in a round, fixed when the round opens."""

    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="electors",
        verbose_name=_("vote"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("voter"),
    )
    role = models.CharField(_("votes as"), max_length=20, choices=ElectorRole.choices)
    seat = models.ForeignKey(
        Seat,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seat"),
    )

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(
                fields=["voting_round", "resident"], name="elector_once_per_round"
            )
        ]

    def __str__(self):
        return f"{self.resident} · {self.voting_round}"


def proxy_photo_path(instance, filename):
    return (
        f"voting/proxies/{instance.voting_round.community_id}/"
        f"{instance.voting_round_id}/{uuid.uuid4().hex}.jpg"
    )


class Proxy(models.Model):
    """A resident's signed paper (代投授权) letting staff cast their ballot."""

    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="proxies",
        verbose_name=_("vote"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resident"),
    )
    photo = models.ImageField(
        _("photo of the signed paper"), upload_to=proxy_photo_path
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("proxy authorisation")
        verbose_name_plural = _("proxy authorisations")
        constraints = [
            models.UniqueConstraint(
                fields=["voting_round", "resident"], name="proxy_once_per_round"
            )
        ]

    def __str__(self):
        return f"{self.resident} · {self.voting_round}"

    def get_absolute_url(self):
        return reverse(
            "voting:proxy_photo",
            kwargs={
                "community": self.voting_round.community.slug,
                "pk": self.voting_round_id,
                "proxy": self.pk,
            },
        )


class CastVia(models.TextChoices):
    WEB = "web", _("online")
    LINK = "link", _("from the text-message link")
    PROXY = "proxy", _("by proxy")


class BallotReceipt(models.Model):
    """Who voted in a round (one per voter); in open rounds also what they chose."""

    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=_("vote"),
    )
    voter = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("voter"),
    )
    via = models.CharField(
        _("cast"), max_length=10, choices=CastVia.choices, default=CastVia.WEB
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cast by"),
    )
    proxy = models.ForeignKey(
        Proxy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("proxy authorisation"),
    )
    # Open rounds only; empty in secret rounds (the choice is in a Ballot row).
    options = models.JSONField(_("choice"), default=list, blank=True)
    code = models.CharField(_("receipt code"), max_length=20, blank=True)
    salt = models.CharField(max_length=32, blank=True)
    cast_at = models.DateTimeField(_("voted"))
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["voting_round", "voter"], name="receipt_one_ballot_per_voter"
            )
        ]

    def __str__(self):
        return f"{self.voter} · {self.voting_round}"


class Ballot(models.Model):
    """What was chosen in a secret round. Nothing here names the voter or the time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="secret_ballots",
        verbose_name=_("vote"),
    )
    options = models.JSONField(_("choice"), default=list)
    code = models.CharField(_("receipt code"), max_length=20)
    salt = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("secret ballot")
        verbose_name_plural = _("secret ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["voting_round", "code"], name="ballot_code_once_per_round"
            )
        ]

    def __str__(self):
        return self.code


class RoundResult(models.Model):
    """The tally of a closed round, stored once."""

    voting_round = models.OneToOneField(
        VotingRound,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="result",
        verbose_name=_("vote"),
    )
    counts = models.JSONField(_("ballots per option"), default=dict)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"))
    electorate_size = models.PositiveIntegerField(_("voters"))
    quorum_rule = models.CharField(
        _("quorum"), max_length=20, choices=RoundQuorum.choices
    )
    quorum_required = models.PositiveIntegerField(_("ballots needed for the quorum"))
    quorum_met = models.BooleanField(_("quorum met"))
    passing_threshold = models.CharField(
        _("passes with"), max_length=20, choices=PassingThreshold.choices
    )
    passed = models.BooleanField(_("passed"))
    winners = models.JSONField(_("options chosen"), default=list, blank=True)
    ballot_hash = models.CharField(_("hash of all ballots"), max_length=64)
    tallied_at = models.DateTimeField(_("counted"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return f"{self.voting_round} · {self.ballots_cast}"

    @property
    def turnout_percent(self) -> int:
        if not self.electorate_size:
            return 0
        return round(100 * self.ballots_cast / self.electorate_size)

    def count_for(self, option: Option) -> int:
        return int(self.counts.get(str(option.pk), 0))


class UsedVotingLink(models.Model):
    """A text-message voting link that has been used (links are single-use)."""

    nonce = models.CharField(max_length=32, primary_key=True)
    voting_round = models.ForeignKey(
        VotingRound, on_delete=models.CASCADE, related_name="+"
    )
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("used voting link")
        verbose_name_plural = _("used voting links")

    def __str__(self):
        return self.nonce


class RoundEventKind(models.TextChoices):
    CREATED = "created", _("created")
    RULES_CHANGED = "rules_changed", _("council rules not followed")
    OPENED = "opened", _("opened")
    PROXY = "proxy", _("proxy authorisation recorded")
    CLOSED = "closed", _("closed and counted")


class RoundEvent(models.Model):
    """The log of a round: created, rules overridden (with the reason), opened, closed."""

    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("vote"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=RoundEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("vote history entry")
        verbose_name_plural = _("vote history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.voting_round} · {self.get_kind_display()}"
