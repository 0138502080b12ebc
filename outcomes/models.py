"""Outcomes (议事结果) and the last mile: pledges, action items, satisfaction, minutes.

An Outcome records what the council decided on one agenda item and links the vote
(voting.VotingRound, its RoundResult read, never retyped). Pledged resources
(认捐/众筹) are PledgeNeeds with Pledges and their receipts; ActionItems (落实事项)
carry owners, due dates and progress updates with photos. When every action item
is done the outcome is implemented, and the people who took part in the topic are
invited to rate it (满意度). Minutes (会议纪要) are built from the meeting's data:
each published or corrected text is a MinutesVersion kept for good, with its PDF.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from council.models import AgendaItem, Meeting
from residents.models import Community, Organization, Resident
from topics.models import Topic
from voting.models import VotingRound


class OutcomeStatus(models.TextChoices):
    DECIDED = "decided", pgettext_lazy("outcome status", "decided")
    IN_PROGRESS = "in_progress", pgettext_lazy("outcome status", "in progress")
    IMPLEMENTED = "implemented", pgettext_lazy("outcome status", "implemented")


class Outcome(models.Model):
    """What the council decided on one agenda item, and who carries it out."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("community"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("meeting"),
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="outcome",
        verbose_name=_("agenda item"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("topic"),
    )
    voting_round = models.ForeignKey(
        VotingRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("vote"),
    )
    decision = models.TextField(_("decision"))
    discussion = models.TextField(_("discussion notes"), blank=True)
    dissent = models.TextField(_("dissenting opinions"), blank=True)
    responsible_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("responsible organisation"),
    )
    responsible_resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes_responsible",
        verbose_name=_("responsible person"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OutcomeStatus.choices,
        default=OutcomeStatus.DECIDED,
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    rating_invited_at = models.DateTimeField(
        _("invited to rate"), null=True, blank=True
    )
    # Stored counters, kept by the services, so list pages count nothing per row.
    action_total = models.PositiveIntegerField(_("action items"), default=0)
    action_done = models.PositiveIntegerField(_("action items done"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    rating_total = models.PositiveIntegerField(_("sum of ratings"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    responsible_organization__isnull=False,
                    responsible_resident__isnull=False,
                ),
                name="outcome_one_responsible_party",
            ),
            models.CheckConstraint(
                condition=Q(action_done__lte=models.F("action_total")),
                name="outcome_done_within_total",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "status", "-decided_at"],
                name="outcome_comm_status_idx",
            ),
            models.Index(
                fields=["community", "-decided_at"], name="outcome_comm_decided_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "outcomes:outcome",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    @property
    def title(self) -> str:
        return self.agenda_item.title

    @property
    def responsible_name(self) -> str:
        if self.responsible_organization_id:
            return self.responsible_organization.name
        if self.responsible_resident_id:
            return self.responsible_resident.name
        return ""

    @property
    def rating_average(self) -> float | None:
        if not self.rating_count:
            return None
        return round(self.rating_total / self.rating_count, 1)

    @property
    def action_percent(self) -> int:
        if not self.action_total:
            return 0
        return round(100 * self.action_done / self.action_total)


class PledgeNeed(models.Model):
    """A resource the outcome needs (e.g. 300 children's books, 2,000 yuan)."""

    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        related_name="needs",
        verbose_name=_("outcome"),
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("what is needed"), max_length=200)
    unit = models.CharField(
        _("unit"), max_length=20, help_text=_("e.g. books, yuan, volunteers")
    )
    quantity = models.PositiveIntegerField(_("how many are needed"))
    pledged_total = models.PositiveIntegerField(_("pledged"), default=0)
    received_total = models.PositiveIntegerField(_("received"), default=0)
    pledge_count = models.PositiveIntegerField(_("pledges"), default=0)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledge need")
        verbose_name_plural = _("pledge needs")
        ordering = ["outcome", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="pledge_need_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.description} ({self.quantity} {self.unit})"

    @property
    def missing(self) -> int:
        """How much nobody has pledged yet."""
        return max(self.quantity - self.pledged_total, 0)

    @property
    def still_to_receive(self) -> int:
        return max(self.quantity - self.received_total, 0)

    @property
    def received_percent(self) -> int:
        return min(100, round(100 * self.received_total / self.quantity))

    @property
    def pledged_percent(self) -> int:
        """The share pledged but not yet received (the bar's second part)."""
        pledged = min(100, round(100 * self.pledged_total / self.quantity))
        return max(pledged - self.received_percent, 0)

    @property
    def is_met(self) -> bool:
        return self.received_total >= self.quantity


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", pgettext_lazy("pledge status", "pledged")
    RECEIVED = "received", pgettext_lazy("pledge status", "received")
    WITHDRAWN = "withdrawn", pgettext_lazy("pledge status", "withdrawn")


class Pledge(models.Model):
    """Who pledged what (认捐): a resident or an organisation (a social resource...)."""

    need = models.ForeignKey(
        PledgeNeed,
        on_delete=models.CASCADE,
        related_name="pledges",
        verbose_name=_("pledge need"),
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("resident"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("organisation"),
    )
    quantity = models.PositiveIntegerField(_("quantity pledged"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PledgeStatus.choices,
        default=PledgeStatus.PLEDGED,
    )
    on_behalf = models.BooleanField(_("recorded by staff"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    pledged_at = models.DateTimeField(_("pledged"), default=timezone.now)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["need", "-pledged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False, organization__isnull=True)
                | Q(resident__isnull=True, organization__isnull=False),
                name="pledge_exactly_one_pledger",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1)
                & Q(received_quantity__lte=models.F("quantity")),
                name="pledge_received_within_pledged",
            ),
        ]
        indexes = [
            models.Index(fields=["need", "-pledged_at"], name="pledge_need_idx"),
        ]

    def __str__(self):
        return f"{self.pledger_name} · {self.quantity} {self.need.unit}"

    @property
    def pledger_name(self) -> str:
        if self.organization_id:
            return self.organization.name
        return self.resident.name if self.resident_id else ""

    @property
    def public_name(self) -> str:
        """What logged-out visitors see: organisations by name, residents unnamed."""
        if self.organization_id:
            return self.organization.name
        return str(_("a resident"))

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received_quantity


class PledgeReceipt(models.Model):
    """What was received of a pledge, and when."""

    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=_("pledge"),
    )
    quantity = models.PositiveIntegerField(_("quantity received"))
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledge received")
        verbose_name_plural = _("pledges received")
        ordering = ["pledge", "received_on", "pk"]

    def __str__(self):
        return f"{self.pledge} · {self.quantity}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("action status", "not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "in progress")
    DONE = "done", pgettext_lazy("action status", "done")
    BLOCKED = "blocked", pgettext_lazy("action status", "blocked")


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ActionStatus.DONE)

    def overdue_at(self, moment):
        """Return items overdue at `moment`: due before its day, not done by then.

        Done later or not yet; `done_at` says when an item was done (a done item
        without it counts as done all along).
        """
        return self.filter(due_on__lt=timezone.localdate(moment)).filter(
            Q(done_at__gte=moment)
            | (Q(done_at__isnull=True) & ~Q(status=ActionStatus.DONE))
        )


class ActionItem(models.Model):
    """One thing to do to carry an outcome out (落实事项), with an owner and a due date."""

    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("outcome"),
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("what is to be done"), max_length=300)
    owner_resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (resident)"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (staff or social worker)"),
    )
    owner_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (organisation)"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActionStatus.choices,
        default=ActionStatus.NOT_STARTED,
    )
    blocked_reason = models.CharField(
        _("why it is blocked"), max_length=300, blank=True
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    update_count = models.PositiveIntegerField(_("progress updates"), default=0)
    # The due date each reminder was sent for: moving the due date re-arms them.
    reminded_before_for = models.DateField(null=True, blank=True, editable=False)
    reminded_due_for = models.DateField(null=True, blank=True, editable=False)
    overdue_alerted_for = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["outcome", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        owner_resident__isnull=False,
                        owner_user__isnull=True,
                        owner_organization__isnull=True,
                    )
                    | Q(
                        owner_resident__isnull=True,
                        owner_user__isnull=False,
                        owner_organization__isnull=True,
                    )
                    | Q(
                        owner_resident__isnull=True,
                        owner_user__isnull=True,
                        owner_organization__isnull=False,
                    )
                ),
                name="action_item_exactly_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_status_due_idx"),
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return self.outcome.get_absolute_url() + f"#action-{self.pk}"

    @property
    def owner_name(self) -> str:
        if self.owner_organization_id:
            return self.owner_organization.name
        if self.owner_resident_id:
            return self.owner_resident.name
        return str(self.owner_user) if self.owner_user_id else ""

    @property
    def public_owner_name(self) -> str:
        """Organisations by name; people by what they are, never their name."""
        if self.owner_organization_id:
            return self.owner_organization.name
        if self.owner_resident_id:
            return str(_("a resident"))
        return str(_("community staff"))

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_done and self.due_on < today


class ActionUpdate(models.Model):
    """A progress update on an action item: text, a new status, up to three photos."""

    action_item = models.ForeignKey(
        ActionItem,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("action item"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("progress"), max_length=2000)
    status = models.CharField(
        _("status after this update"),
        max_length=20,
        choices=ActionStatus.choices,
        blank=True,
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["action_item", "-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["action_item", "-created_at"], name="action_update_item_idx"
            )
        ]

    def __str__(self):
        return self.text[:50]


def update_photo_path(instance, filename):
    return (
        f"outcomes/{instance.update.action_item.community_id}/"
        f"{instance.update.action_item_id}/{uuid.uuid4().hex}.jpg"
    )


class ActionUpdatePhoto(models.Model):
    """A photo of progress, re-encoded as JPEG on upload (topics.images)."""

    update = models.ForeignKey(
        ActionUpdate,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("progress update"),
    )
    image = models.ImageField(
        _("photo"),
        upload_to=update_photo_path,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["update", "position", "pk"]

    def __str__(self):
        return f"{self.update} · {self.position + 1}"


class SatisfactionRating(models.Model):
    """A resident's rating (满意度, 1–5) of an implemented outcome; one each."""

    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("outcome"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="satisfaction_ratings",
        verbose_name=_("resident"),
    )
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rated"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["outcome", "-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "resident"], name="rating_once_per_resident"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="rating_score_1_to_5",
            ),
        ]
        indexes = [
            models.Index(
                fields=["outcome", "-updated_at"], name="rating_outcome_recent_idx"
            )
        ]

    def __str__(self):
        return f"{self.outcome} · {self.score}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("minutes status", "draft")
    PUBLISHED = "published", pgettext_lazy("minutes status", "published")


class Minutes(models.Model):
    """The minutes (会议纪要) of one meeting: notes while drafting, then versions."""

    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.CASCADE,
        related_name="minutes",
        verbose_name=_("meeting"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="minutes"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    current_version = models.PositiveSmallIntegerField(_("version"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["-meeting__starts_at", "-pk"]

    def __str__(self):
        return str(self.meeting)

    def get_absolute_url(self):
        return reverse(
            "outcomes:minutes",
            kwargs={"community": self.community.slug, "meeting": self.meeting_id},
        )

    @property
    def is_published(self) -> bool:
        return self.status == MinutesStatus.PUBLISHED


class MinutesNote(models.Model):
    """A social worker's free-text note on one agenda item, before publishing."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="notes")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agenda item"),
    )
    text = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes note")
        verbose_name_plural = _("minutes notes")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "agenda_item"], name="minutes_note_once_per_item"
            )
        ]

    def __str__(self):
        return self.text[:50]


def minutes_pdf_path(instance, filename):
    return (
        f"minutes/{instance.minutes.community_id}/{instance.minutes.meeting_id}/"
        f"v{instance.number}-{instance.content_hash[:12]}.pdf"
    )


class MinutesVersion(models.Model):
    """One published text of the minutes; a correction adds a version, never edits one.

    `content` is the whole text built from the meeting's data at that moment
    (outcomes.services.minutes.minutes_content); `content_hash` keys its PDF.
    """

    minutes = models.ForeignKey(
        Minutes,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("minutes"),
    )
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(max_length=64)
    reason = models.CharField(_("what was corrected"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    pdf = models.FileField(_("PDF"), upload_to=minutes_pdf_path, blank=True)
    pdf_hash = models.CharField(max_length=64, blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    pdf_built_at = models.DateTimeField(null=True, blank=True)
    pdf_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="minutes_version_once"
            )
        ]

    def __str__(self):
        return f"{self.minutes} · v{self.number}"

    @property
    def pdf_ready(self) -> bool:
        return bool(self.pdf) and self.pdf_hash == self.content_hash


class MinutesConfirmation(models.Model):
    """A representative's acknowledgement of one version of the minutes, with time."""

    version = models.ForeignKey(
        MinutesVersion,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("minutes version"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="minutes_confirmations",
        verbose_name=_("representative"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("minutes confirmation")
        verbose_name_plural = _("minutes confirmations")
        ordering = ["version", "confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "resident"], name="minutes_confirmed_once"
            )
        ]

    def __str__(self):
        return f"{self.resident} · {self.version}"


def clean_one_of(*values, message) -> None:
    """Raise `message` unless exactly one of `values` is set."""
    if sum(1 for value in values if value) != 1:
        raise ValidationError(message)
